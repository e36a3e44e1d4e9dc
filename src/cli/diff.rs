//! `jixiao diff --from A --to B PATH…`: re-score forms under two rulesets and show what moved.

use super::Outcome;
use super::format::Format;
use super::output::{Out, report};
use crate::app::{Batch, load, sources};
use crate::diag::Diagnostic;
use crate::diff::render::{self, Report};
use crate::diff::{self, Side, Status};
use crate::rules::{self, Registry, RulesetRef};
use clap::Args;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Exit status: 0 when no form changed, 1 when some form changed (or scores under one ruleset
/// only), 2 on bad input (a ruleset or a form file that cannot be read, a form neither scores).
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The ruleset before: a shipped id (`henan-2023`, `henan-2023@1`) or a rule file.
    #[arg(long, value_name = "ID|FILE")]
    pub from: String,
    /// The ruleset after: a shipped id or a rule file (a draft may keep the shipped id).
    #[arg(long, value_name = "ID|FILE")]
    pub to: String,
    /// Form files or workbooks, or directories searched recursively for them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// How many of the largest moves the summary lists.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    /// Worker threads (default: every core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub csv: super::format::CsvArgs,
}

/// A side of the diff, loaded on its own: `--from henan-2023 --to draft.rules` compares the
/// shipped ruleset with the draft even when the draft keeps its id and version.
pub fn load_side(value: &str) -> Result<Side, Vec<Diagnostic>> {
    let path = Path::new(value);
    if path.exists() || value.ends_with(".rules") {
        let ruleset = rules::load_path(path)?;
        return Ok(Side {
            ruleset: Arc::new(ruleset),
            origin: path.display().to_string(),
        });
    }
    let wanted =
        RulesetRef::parse(value).map_err(|m| vec![Diagnostic::error("usage::rules", m)])?;
    let registry = Registry::builtin()?;
    match registry.find(&wanted) {
        Some(r) => Ok(Side {
            ruleset: Arc::clone(r),
            origin: format!("内置 shipped, {}", r.source.name()),
        }),
        None => {
            let known: Vec<String> = registry.all().iter().map(|r| r.label()).collect();
            Err(vec![Diagnostic::error(
                "usage::rules",
                format!(
                    "找不到评分规则 {value} (no rule file or shipped ruleset named `{value}`; shipped: {})",
                    known.join(", ")
                ),
            )])
        }
    }
}

pub fn run(args: DiffArgs, out: &mut Out) -> io::Result<Outcome> {
    let (from, to) = match (load_side(&args.from), load_side(&args.to)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            let mut errors = a.err().unwrap_or_default();
            errors.extend(b.err().unwrap_or_default());
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    };
    let found = sources::find(&args.paths);
    let files = &found.files;
    let mut errors = found.errors.clone();
    let mut diffs = Vec::new();
    // Each form is scored once under each ruleset, in parallel; results come back in path order.
    let batch = Batch::new(args.jobs)?;
    let work = |path: &PathBuf| {
        let loaded = load::load_forms(path);
        let mut compared = Vec::new();
        let mut failed = Vec::new();
        for form in loaded.forms {
            match form {
                Ok(form) => compared.push(diff::compare(&form, &from, &to)),
                Err(e) => failed.extend(e),
            }
        }
        (compared, failed, loaded.warnings)
    };
    let mut warnings = Vec::new();
    batch.run(files, work, |(compared, failed, path_warnings)| {
        diffs.extend(compared);
        errors.extend(failed);
        warnings.extend(path_warnings);
        Ok(())
    })?;
    if !warnings.is_empty() {
        report(&warnings);
    }
    super::output::report_skipped(out, &found)?;
    let summary = diff::summarize(&diffs, &from, &to, args.top);
    let report_data = Report {
        from: &from,
        to: &to,
        diffs: &diffs,
        summary: &summary,
        errors: &errors,
    };
    let text = match args.format {
        Format::Table => render::table_text(&report_data),
        Format::Json => render::json_text(&report_data),
        Format::Csv => render::csv_text_with(&report_data, args.csv.style()),
        Format::Markdown => render::markdown_text(&report_data),
    };
    if args.format == Format::Csv {
        out.verbatim(args.csv.csv_raw);
        out.write_str(args.csv.opening())?;
    }
    out.write_str(&text)?;
    let mut outcome = Outcome::Ok;
    for d in &diffs {
        outcome = outcome.worst(match d.status {
            Status::Unchanged => Outcome::Ok,
            Status::Changed | Status::FailsUnderFrom | Status::FailsUnderTo => Outcome::Findings,
            Status::FailsUnderBoth => Outcome::BadInput,
        });
    }
    if !errors.is_empty() {
        out.flush()?;
        report(&errors);
        outcome = Outcome::BadInput;
    }
    if files.is_empty() && errors.is_empty() {
        eprintln!("jixiao: 没有找到表格文件 (no form files found under the given paths)");
        outcome = Outcome::BadInput;
    }
    Ok(outcome)
}
