//! `jixiao init --kind 项目 --rules henan-2023 -o new.toml`: a blank form with the sections and
//! indicator levels of the ruleset's template, and a Chinese comment on each field.

use super::Outcome;
use super::output::{Out, report};
use super::schema::FORM_SCHEMA;
use crate::app::Session;
pub use crate::form::blank::{SCHEMA_FILE, blank_form};
use crate::rules::FormKind;
use crate::write::{Overwrite, write_atomic};
use clap::Args;
use std::io;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 表类型: 项目 or 部门整体.
    #[arg(long, value_parser = parse_kind)]
    pub kind: FormKind,
    /// The ruleset whose template to follow: a shipped id (henan-2023) or a rule file.
    #[arg(long, value_name = "FILE|ID")]
    pub rules: String,
    /// 年度 (default: the first year the ruleset covers).
    #[arg(long)]
    pub year: Option<i32>,
    /// The file to write; without it, the form is printed.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// The language of the keys: en (`year`, `target` …) or zh (`"年度"`, `"年度指标值"` …, the
    /// words printed on the form).
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Zh,
}

fn parse_kind(text: &str) -> Result<FormKind, String> {
    FormKind::from_name(text).ok_or_else(|| {
        format!("未知的表类型 {text} (expected 项目 or 部门整体, or project / department)")
    })
}

pub fn run(args: InitArgs, out: &mut Out) -> io::Result<Outcome> {
    let ruleset = match Session::builtin().and_then(|mut s| s.ruleset(&args.rules)) {
        Ok(r) => r,
        Err(e) => {
            report(&e);
            return Ok(Outcome::BadInput);
        }
    };
    let year = args.year.unwrap_or(ruleset.years.from);
    let text = match blank_form(&ruleset, args.kind, year, &args.rules) {
        Ok(t) => t,
        Err(message) => {
            report(&[crate::diag::Diagnostic::error("usage::init", message)]);
            return Ok(Outcome::BadInput);
        }
    };
    let text = match args.lang {
        Lang::En => text,
        Lang::Zh => crate::form::emit::with_chinese_keys(&text),
    };
    let Some(path) = &args.output else {
        out.write_str(&text)?;
        return Ok(Outcome::Ok);
    };
    let overwrite = if args.force {
        Overwrite::Allow
    } else {
        Overwrite::Refuse
    };
    if let Err(e) = write_atomic(path, text.as_bytes(), overwrite) {
        report(&[e]);
        return Ok(Outcome::BadInput);
    }
    out.line(&path.display().to_string())?;
    let schema = path
        .parent()
        .map_or_else(|| PathBuf::from(SCHEMA_FILE), |d| d.join(SCHEMA_FILE));
    if !schema.exists() {
        match write_atomic(&schema, FORM_SCHEMA.as_bytes(), Overwrite::Refuse) {
            Ok(()) => out.line(&format!(
                "{} (JSON Schema：编辑器据此检查和补全字段 / for editors)",
                schema.display()
            ))?,
            Err(e) => report(&[e]),
        }
    }
    Ok(Outcome::Ok)
}
