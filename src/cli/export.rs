//! `jixiao export PATH… -o scored.xlsx`: the scored forms in the official layout, one sheet each,
//! with a summary sheet of results and findings.

use super::Outcome;
use super::output::{Out, report};
use crate::app::Session;
use crate::report::layout::{FormView, reviewed_views};
use crate::score::ScoreOptions;
use crate::write::{Overwrite, write_atomic};
use clap::Args;
use std::io;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Form files or workbooks, or directories searched recursively for them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The workbook to write (.xlsx).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Replace the workbook if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub rules: super::rule_args::RuleArgs,
}

pub fn run(args: ExportArgs, out: &mut Out) -> io::Result<Outcome> {
    let session = match Session::configure(&args.rules.choice()) {
        Ok(s) => s,
        Err(errors) => {
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    };
    let scored = session.score_all(&args.paths, ScoreOptions { trace: true });
    // What the walk passed over (links not followed, formats not read) is said, not dropped.
    let found = crate::app::sources::find(&args.paths);
    super::output::report_skipped(out, &found)?;
    let views: Vec<FormView> = reviewed_views(&scored.forms);
    let findings: Vec<_> = views.iter().flat_map(|v| v.findings.clone()).collect();
    let mut outcome = scored.outcome();
    if views.is_empty() {
        report(&scored.errors);
        eprintln!("jixiao: 没有可导出的表格 (no form could be scored; nothing written)");
        return Ok(Outcome::BadInput);
    }
    let overwrite = if args.force {
        Overwrite::Allow
    } else {
        Overwrite::Refuse
    };
    let mut inputs = found.files.clone();
    inputs.extend(args.paths.iter().cloned());
    let written = crate::write::refuse_input(&args.output, &inputs)
        .and_then(|()| crate::report::xlsx::export(&views, &findings))
        .and_then(|bytes| write_atomic(&args.output, &bytes, overwrite));
    report(&scored.warnings);
    report(&scored.errors);
    match written {
        Ok(()) => {
            out.line(&format!(
                "{}: {} 张表 ({} form(s)), {} 处发现 ({} finding(s))",
                args.output.display(),
                views.len(),
                views.len(),
                findings.len(),
                findings.len()
            ))?;
        }
        Err(e) => {
            report(&[e]);
            outcome = Outcome::BadInput;
        }
    }
    Ok(outcome)
}
