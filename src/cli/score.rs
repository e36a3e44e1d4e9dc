//! `jixiao score PATH…`

use super::Outcome;
use super::batch::Batch;
use super::inputs::{self, RulesContext};
use super::output::{Out, report};
use crate::render;
use crate::score::ScoreOptions;
use clap::{Args, ValueEnum};
use std::io;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Form files, or directories searched recursively for *.toml.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Show how each number was computed: the rule, the formula and the inputs.
    #[arg(long)]
    pub explain: bool,
    /// Score every form with this rule file or shipped ruleset id, whatever the forms name.
    #[arg(long, value_name = "FILE|ID")]
    pub rules: Option<String>,
    /// Worker threads (default: every core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

/// What one file gives: its rendered output, or the errors that kept it from being scored.
struct FileResult {
    output: Option<String>,
    errors: Vec<crate::diag::Diagnostic>,
    mismatched: bool,
}

pub fn run(args: ScoreArgs, out: &mut Out) -> io::Result<Outcome> {
    let context = match RulesContext::load(args.rules.as_deref()) {
        Ok(c) => c,
        Err(errors) => {
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    };
    let (files, mut errors) = inputs::collect(&args.paths);
    let options = ScoreOptions {
        trace: args.explain || args.format == Format::Json,
    };
    let mut outcome = Outcome::Ok;
    let mut first = true;
    let mut scored = 0usize;
    let batch = Batch::new(args.jobs)?;
    if args.format == Format::Json {
        out.write_str("{\n\"forms\": [")?;
    }
    let work = |path: &std::path::PathBuf| match inputs::score_file(&context, path, options) {
        Ok((_, sheet)) if !sheet.structure.is_empty() => FileResult {
            output: None,
            errors: sheet.structure,
            mismatched: false,
        },
        Ok((_, sheet)) => {
            let output = match args.format {
                Format::Table => render::table::render(&sheet, args.explain),
                Format::Markdown => render::markdown::render(&sheet, args.explain),
                Format::Json => render::json::to_string(&render::json::sheet(&sheet)),
            };
            FileResult {
                output: Some(output),
                errors: Vec::new(),
                mismatched: !sheet.mismatches().is_empty(),
            }
        }
        Err(errors) => FileResult {
            output: None,
            errors,
            mismatched: false,
        },
    };
    batch.run(&files, work, |result| {
        errors.extend(result.errors);
        let Some(output) = result.output else {
            return Ok(());
        };
        scored += 1;
        if result.mismatched {
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
        out.write_str(&output)
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
