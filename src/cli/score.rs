//! `jixiao score PATH…`

use super::Outcome;
use super::format::Format;
use super::output::{Out, report};
use crate::app::{Batch, Session, sources};
use crate::render;
use crate::score::ScoreOptions;
use clap::Args;
use std::io;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Form files or .xlsx workbooks, or directories searched recursively for them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Show how each number was computed: the rule, the formula and the inputs.
    #[arg(long)]
    pub explain: bool,
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

/// What one file gives: its rendered output, or the errors that kept it from being scored.
struct FileResult {
    /// Each form's rendering, and whether a claimed figure in it differs.
    outputs: Vec<(String, bool)>,
    errors: Vec<crate::diag::Diagnostic>,
    warnings: Vec<crate::diag::Diagnostic>,
}

pub fn run(args: ScoreArgs, out: &mut Out) -> io::Result<Outcome> {
    let session = match Session::configure(&args.rules.choice()) {
        Ok(c) => c,
        Err(errors) => {
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    };
    let found = sources::find(&args.paths);
    let files = &found.files;
    let mut errors = found.errors.clone();
    let width = args.table.columns();
    let options = ScoreOptions {
        trace: args.explain || args.format == Format::Json,
    };
    let mut outcome = Outcome::Ok;
    let mut first = true;
    let mut scored = 0usize;
    let batch = Batch::new(args.jobs)?;
    if args.format == Format::Csv {
        out.verbatim(args.csv.csv_raw);
        out.write_str(args.csv.opening())?;
        out.write_str(&render::sheet_csv::header(args.csv.style()))?;
    }
    if args.format == Format::Json {
        // The schema version first (`jixiao schema score`), then the forms as they are scored.
        out.write_str(&format!(
            "{{\n\"schema_version\": {},\n\"forms\": [",
            render::schema::SCHEMA_VERSION
        ))?;
    }
    let mut warnings = Vec::new();
    // One path may hold several forms (a workbook's tables): each is rendered in the worker.
    let work = |path: &std::path::PathBuf| {
        let scored = session.score_path(path, options);
        let mut result = FileResult {
            outputs: Vec::new(),
            errors: Vec::new(),
            warnings: scored.warnings,
        };
        for form in scored.forms {
            match form.map(|f| f.sheet) {
                Ok(sheet) => {
                    let output = match args.format {
                        Format::Table => render::table::render_fit(&sheet, args.explain, width),
                        Format::Markdown => render::markdown::render(&sheet, args.explain),
                        Format::Json => render::json::to_string(&render::json::sheet(&sheet)),
                        Format::Csv => render::sheet_csv::sheet_row(&sheet, args.csv.style()),
                    };
                    // A claim that differs, or a warning about the form: findings, exit 1.
                    let findings = !sheet.mismatches().is_empty() || !sheet.structure.is_empty();
                    result.outputs.push((output, findings));
                }
                Err(errors) => result.errors.extend(errors),
            }
        }
        result
    };
    batch.run(files, work, |result| {
        errors.extend(result.errors);
        warnings.extend(result.warnings);
        for (output, mismatched) in result.outputs {
            scored += 1;
            if mismatched {
                outcome = outcome.worst(Outcome::Findings);
            }
            match args.format {
                Format::Table if !first => out.write_str("\n")?,
                Format::Json if !first => out.write_str(",")?,
                _ => {}
            }
            if args.format == Format::Json {
                out.write_str("\n")?;
            }
            first = false;
            out.write_str(&output)?;
        }
        Ok(())
    })?;
    if args.format == Format::Json {
        let diagnostics: Vec<_> = errors.iter().map(|d| d.to_json()).collect();
        out.write_str("\n],\n\"errors\": ")?;
        out.write_str(&render::json::to_string(&diagnostics))?;
        out.write_str(&format!(
            ",\n\"summary\": {{\"files\": {}, \"scored\": {scored}, \"errors\": {}}}\n}}\n",
            files.len(),
            errors.len()
        ))?;
    }
    super::output::finish_batch(out, outcome, &found, &warnings, &errors)
}
