//! `jixiao serve`: the form page and the JSON API on a local address.

use super::Outcome;
use super::output::{Out, report};
use crate::app::Session;
use crate::serve::{self, Config, Server};
use clap::Args;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; anything but loopback (127.0.0.1, ::1) is reachable from other
    /// machines.
    #[arg(long, value_name = "ADDR", default_value = serve::DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Save forms in this directory (and list them on the start page); without it nothing is
    /// stored on the server.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// The largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = serve::DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// The most forms (files, and the tables of workbooks) in one request.
    #[arg(long, value_name = "N", default_value_t = serve::DEFAULT_MAX_FORMS)]
    pub max_forms: usize,
    /// The longest one request may take, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = serve::DEFAULT_TIMEOUT.as_secs())]
    pub timeout: u64,
    #[command(flatten)]
    pub rules: super::rule_args::RuleArgs,
}

pub fn run(args: ServeArgs, out: &mut Out) -> io::Result<Outcome> {
    let session = match Session::configure(&args.rules.choice()) {
        Ok(s) => s,
        Err(errors) => {
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    };
    if !serve::is_loopback(&args.listen) {
        eprintln!(
            "jixiao: 警告：{} 不是本机回环地址，其他计算机可以访问本服务 (warning: {} is not a loopback address; other machines can reach this server, and it has no login)",
            args.listen, args.listen
        );
    }
    let config = Config {
        listen: args.listen,
        data: args.data.clone(),
        max_body: args.max_body,
        max_forms: args.max_forms.max(1),
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    let server = match Server::start(session, config) {
        Ok(s) => s,
        Err(e) => {
            report(&[crate::diag::Diagnostic::error(
                "serve::listen",
                format!(
                    "无法在 {} 上启动服务 (cannot serve on {}): {e}",
                    args.listen, args.listen
                ),
            )]);
            return Ok(Outcome::BadInput);
        }
    };
    out.line(&format!("jixiao serve: {}", server.url()))?;
    if let Some(dir) = &args.data {
        out.line(&format!(
            "  表格保存在 (forms are saved in) {}",
            dir.display()
        ))?;
    }
    out.line("  Ctrl-C 停止 (Ctrl-C stops it)")?;
    out.flush()?;
    server.wait()?;
    Ok(Outcome::Ok)
}
