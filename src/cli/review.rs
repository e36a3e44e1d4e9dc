//! `jixiao review PATH…`: re-score submitted forms and report findings (复核).

use super::Outcome;
use super::inputs::{self, RulesContext};
use super::output::{Out, report};
use crate::diag::{Diagnostic, Severity};
use crate::form;
use crate::render::review as render;
use crate::review::{self, CheckSet, FormReview};
use crate::rules::ruleset::ReviewSettings;
use clap::{Args, ValueEnum};
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
}

/// The lowest severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

impl FailOn {
    fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity == Severity::Error,
            FailOn::Warning => true,
            FailOn::Never => false,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Form files, or directories searched recursively for *.toml.
    #[arg(required_unless_present = "list_checks")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity is raised (input errors always exit 2).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Run only these checks: codes, families (claimed, consistency, plausibility) or severities
    /// (error, warning); comma-separated or repeated.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Leave out these checks (same selectors as --only).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Print the catalogue of checks (code, severity, threshold, what it checks) and exit;
    /// with --only/--skip, the selected checks.
    #[arg(long)]
    pub list_checks: bool,
    /// Review every form with this rule file or shipped ruleset id, whatever the forms name.
    #[arg(long, value_name = "FILE|ID")]
    pub rules: Option<String>,
    /// Start CSV output with a UTF-8 byte-order mark, so that Excel reads the Chinese text.
    #[arg(long)]
    pub bom: bool,
}

/// Load, score and review one form file. Pure apart from reading the file: a batch may run these
/// in any order, or in parallel, and sort the results by path.
pub fn review_path(
    context: &RulesContext,
    path: &Path,
    checks: &CheckSet,
) -> Result<FormReview, Vec<Diagnostic>> {
    let form = form::load_path(path)?;
    let (ruleset, selection) = context.resolve(&form)?;
    let sheet = review::score_for_review(&ruleset, &form, selection)?;
    Ok(review::review_form(&ruleset, &form, &sheet, checks))
}

pub fn run(args: ReviewArgs, out: &mut Out) -> io::Result<Outcome> {
    let checks = match CheckSet::select(&args.only, &args.skip) {
        Ok(checks) => checks,
        Err(message) => {
            report(&[Diagnostic::error("usage::check", message)]);
            return Ok(Outcome::BadInput);
        }
    };
    let context = match RulesContext::load(args.rules.as_deref()) {
        Ok(c) => c,
        Err(errors) => {
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    };
    if args.list_checks {
        return list_checks(&args, &context, &checks, out);
    }
    let (files, mut errors) = inputs::collect(&args.paths);
    let mut reviews = Vec::new();
    for path in &files {
        match review_path(&context, path, &checks) {
            Ok(r) => reviews.push(r),
            Err(e) => errors.extend(e),
        }
    }
    match args.format {
        Format::Table => out.write_str(&render::text(&reviews, &errors, files.len()))?,
        Format::Markdown => out.write_str(&render::markdown(&reviews, &errors, files.len()))?,
        Format::Json => out.write_str(&render::json(&reviews, &errors, files.len()))?,
        Format::Csv => {
            if args.bom {
                out.write_str("\u{feff}")?;
            }
            out.write_str(&render::csv(&reviews))?
        }
    }
    let mut outcome = Outcome::Ok;
    if reviews
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| args.fail_on.fails(f.severity))
    {
        outcome = Outcome::Findings;
    }
    if !errors.is_empty() {
        out.flush()?;
        report(&errors);
        outcome = outcome.worst(Outcome::BadInput);
    }
    if files.is_empty() && errors.is_empty() {
        eprintln!("jixiao: 没有找到表格文件 (no form files found under the given paths)");
        outcome = Outcome::BadInput;
    }
    Ok(outcome)
}

fn list_checks(
    args: &ReviewArgs,
    context: &RulesContext,
    checks: &CheckSet,
    out: &mut Out,
) -> io::Result<Outcome> {
    let defaults = ReviewSettings::default();
    let source = match &context.forced {
        Some(ruleset) => render::CatalogueView {
            settings: &ruleset.review,
            ruleset: Some(ruleset.label()),
            selected: checks,
        },
        None => render::CatalogueView {
            settings: &defaults,
            ruleset: None,
            selected: checks,
        },
    };
    let text = match args.format {
        Format::Table => render::catalogue_text(&source),
        Format::Markdown => render::catalogue_markdown(&source),
        Format::Json => render::catalogue_json(&source),
        Format::Csv => render::catalogue_csv(&source),
    };
    if args.format == Format::Csv && args.bom {
        out.write_str("\u{feff}")?;
    }
    out.write_str(&text)?;
    Ok(Outcome::Ok)
}
