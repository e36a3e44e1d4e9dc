//! `jixiao review PATH…`: re-score submitted forms and report findings (复核).

use super::Outcome;
use super::format::Format;
use super::output::{Out, report};
use crate::app::{Batch, Session, sources};
use crate::diag::{Diagnostic, Severity};
use crate::render::review as render;
use crate::review::batch::BatchFinding;
use crate::review::{CheckSet, FormReview, batch};
use crate::rules::ruleset::ReviewSettings;
use clap::{Args, ValueEnum};
use std::collections::HashMap;
use std::io;
use std::path::PathBuf;

/// How the detailed findings are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// In input order, each form as soon as it is reviewed (memory stays flat).
    File,
    /// By 实施单位 (else 主管部门), in order of first appearance; the rendered forms are held
    /// until the end.
    Unit,
    /// By 主管部门, in order of first appearance; the rendered forms are held until the end.
    Department,
}

impl GroupBy {
    fn grouping(self) -> render::Grouping {
        match self {
            GroupBy::File => render::Grouping::File,
            GroupBy::Unit => render::Grouping::Unit,
            GroupBy::Department => render::Grouping::Department,
        }
    }
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
    /// Form files or workbooks, or directories searched recursively for *.toml and *.xlsx.
    #[arg(required_unless_present = "list_checks")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity is raised (input errors always exit 2).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Group the detailed findings by file (input order, streamed), unit or department; batch
    /// findings and the summary follow in every case.
    #[arg(long, value_enum, default_value = "file")]
    pub group_by: GroupBy,
    /// Run only these checks: codes, families (claimed, consistency, plausibility, design, batch)
    /// or severities
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
    #[command(flatten)]
    pub rules: super::rule_args::RuleArgs,
    #[command(flatten)]
    pub csv: super::format::CsvArgs,
    /// Worker threads (default: every core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub table: super::output::TableWidth,
}

pub fn run(args: ReviewArgs, out: &mut Out) -> io::Result<Outcome> {
    let (checks, session) = match checks_and_rulesets(&args) {
        Ok(ready) => ready,
        Err(outcome) => return Ok(outcome),
    };
    if args.list_checks {
        return list_checks(&args, &session, &checks, out);
    }
    if args.format == Format::Csv && args.csv.csv_raw {
        out.verbatim(true);
    }
    let found = sources::find(&args.paths);
    let files = &found.files;
    let mut errors = found.errors.clone();
    let batch = Batch::new(args.jobs)?;
    let width = args.table.columns();
    let mut warnings = Vec::new();
    let mut summary = render::Summary::new(files.len());
    let mut failing = false;
    let mut first = true;
    write_opening(&args, out)?;
    // The forms the batch findings name are read again below, with their row texts and only the
    // batch checks; the first pass keeps numbers.
    let first_pass = checks.clone().row_texts_read_again();
    let again_checks = checks.batch_only();
    // Each form is rendered by the worker that reviewed it; only the summary is kept.
    let work = |path: &PathBuf| {
        let result = session.review_path(path, &first_pass);
        let rendered: Vec<String> = result
            .reviews
            .iter()
            .map(|r| render_form(&args, width, r))
            .collect();
        (result, rendered)
    };
    let grouping = args.group_by.grouping();
    // Grouped output holds each group's rendered forms (text, not forms) until the end.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut group_numbers: HashMap<String, usize> = HashMap::new();
    // The batch checks keep only numbers of each form; the few forms their findings name are
    // read again, from their files, for names, lines and texts.
    let mut index = batch::Index::with_resolver(|file, n| {
        let path = files.get(file as usize)?;
        let mut again = session.review_path(path, &again_checks);
        let r = again.reviews.get_mut(n as usize)?;
        r.keys.take().map(|k| *k)
    });
    if checks.has_batch() {
        // Most files hold one form.
        index.reserve(files.len());
    }
    let mut file_number = 0u32;
    batch.run(files, work, |(result, rendered)| {
        let file = file_number;
        file_number = file_number.saturating_add(1);
        errors.extend(result.errors);
        warnings.extend(result.warnings);
        for (mut r, text) in result.reviews.into_iter().zip(rendered) {
            summary.add(&r);
            failing |= r.findings.iter().any(|f| args.fail_on.fails(f.severity));
            if let Some(keys) = r.keys.take() {
                index.add(*keys, file);
            }
            match grouping.key(&r) {
                None => {
                    if args.format == Format::Json {
                        out.write_str(if first { "\n" } else { ",\n" })?;
                    }
                    first = false;
                    out.write_str(&text)?;
                }
                Some(key) => {
                    let n = *group_numbers.entry(key.clone()).or_insert_with(|| {
                        groups.push((key, Vec::new()));
                        groups.len() - 1
                    });
                    if let Some((_, texts)) = groups.get_mut(n) {
                        texts.push(text);
                    }
                }
            }
        }
        Ok(())
    })?;
    write_groups(&args, grouping, &groups, first, out)?;
    drop(groups);
    // The batch checks: thresholds from the forced ruleset's review block, else the defaults.
    let batch_settings = session
        .forced()
        .map_or_else(ReviewSettings::default, |r| r.review.clone());
    let batch_findings = if checks.has_batch() {
        index.run(&batch_settings, &checks)
    } else {
        Vec::new()
    };
    let show_batch = !batch_findings.is_empty() || index.len() > 1;
    drop(index);
    for b in &batch_findings {
        summary.add_batch(b);
        failing |= args.fail_on.fails(b.finding.severity);
    }
    let summary = summary.finish(errors.len());
    write_closing(
        &args,
        out,
        &summary,
        &errors,
        &batch_findings,
        show_batch,
        width,
    )?;
    let outcome = if failing {
        Outcome::Findings
    } else {
        Outcome::Ok
    };
    super::output::finish_batch(out, outcome, &found, &warnings, &errors)
}

/// The checks selected by `--only`/`--skip` and the rulesets of the run; a usage error or a
/// ruleset that does not load is reported, and the run ends as bad input.
fn checks_and_rulesets(args: &ReviewArgs) -> Result<(CheckSet, Session), Outcome> {
    let checks = match CheckSet::select(&args.only, &args.skip) {
        Ok(checks) => checks,
        Err(message) => {
            report(&[Diagnostic::error("usage::check", message)]);
            return Err(Outcome::BadInput);
        }
    };
    let session = match Session::configure(&args.rules.choice()) {
        Ok(c) => c,
        Err(errors) => {
            report(&errors);
            return Err(Outcome::BadInput);
        }
    };
    Ok((checks, session))
}

/// What comes before the forms: the Markdown heading, the opening of the JSON document, or the
/// CSV header (after a byte-order mark if asked for).
fn write_opening(args: &ReviewArgs, out: &mut Out) -> io::Result<()> {
    match args.format {
        Format::Table => {}
        Format::Markdown => out.write_str(render::MARKDOWN_HEADING)?,
        Format::Json => out.write_str(&render::json_opening())?,
        Format::Csv => {
            if args.csv.bom {
                out.write_str("\u{feff}")?;
            }
            out.write_str(&render::csv_header())?;
        }
    }
    Ok(())
}

/// One form's findings in the chosen format (run by the worker that reviewed it).
fn render_form(args: &ReviewArgs, width: Option<u16>, r: &FormReview) -> String {
    match args.format {
        Format::Table => match width {
            Some(w) => crate::render::fold_lines(&format!("{}\n", render::form_text(r)), w),
            None => format!("{}\n", render::form_text(r)),
        },
        Format::Markdown => render::form_markdown(r),
        Format::Json => render::form_json(r),
        Format::Csv => render::form_csv_with(r, args.csv.style()),
    }
}

/// The grouped forms, each group under its heading; `first` says whether a form has been written
/// yet (JSON separates the forms with commas).
fn write_groups(
    args: &ReviewArgs,
    grouping: render::Grouping,
    groups: &[(String, Vec<String>)],
    mut first: bool,
    out: &mut Out,
) -> io::Result<()> {
    for (name, texts) in groups {
        match args.format {
            Format::Table => out.write_str(&grouping.heading_text(name, texts.len()))?,
            Format::Markdown => out.write_str(&grouping.heading_markdown(name, texts.len()))?,
            Format::Json | Format::Csv => {}
        }
        for text in texts {
            if args.format == Format::Json {
                out.write_str(if first { "\n" } else { ",\n" })?;
            }
            first = false;
            out.write_str(text)?;
        }
    }
    Ok(())
}

/// What comes after the forms: the batch findings (in text and Markdown only when `show_batch`;
/// CSV and JSON always carry them), then the summary.
fn write_closing(
    args: &ReviewArgs,
    out: &mut Out,
    summary: &render::Summary,
    errors: &[Diagnostic],
    batch_findings: &[BatchFinding],
    show_batch: bool,
    width: Option<u16>,
) -> io::Result<()> {
    match args.format {
        Format::Table => {
            let mut text = String::new();
            if show_batch {
                text.push_str(&render::batch_text(batch_findings));
            }
            text.push_str(&render::text_summary_fit(summary, errors, width));
            match width {
                Some(w) => out.write_str(&crate::render::fold_lines(&text, w))?,
                None => out.write_str(&text)?,
            }
        }
        Format::Markdown => {
            if show_batch {
                out.write_str(&render::batch_markdown(batch_findings))?;
            }
            out.write_str(&render::markdown_summary(summary, errors))?
        }
        Format::Json => {
            for piece in render::json_closing_pieces(summary, errors, batch_findings) {
                out.write_str(&piece)?;
            }
        }
        Format::Csv => {
            out.write_str(&render::batch_csv(batch_findings))?;
            out.write_str(&render::csv_summary(summary))?;
        }
    }
    Ok(())
}

fn list_checks(
    args: &ReviewArgs,
    session: &Session,
    checks: &CheckSet,
    out: &mut Out,
) -> io::Result<Outcome> {
    let defaults = ReviewSettings::default();
    let source = match session.forced() {
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
    if args.format == Format::Csv && args.csv.bom {
        out.write_str("\u{feff}")?;
    }
    out.write_str(&text)?;
    Ok(Outcome::Ok)
}
