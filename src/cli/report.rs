//! `jixiao report PATH…`: each form in its official layout (`--format html|markdown`), or the
//! disclosure narrative of a department's forms (`--disclosure`).

use super::Outcome;
use super::output::{Out, report};
use crate::app::Session;
use crate::report::disclosure::{self, DEFAULT_TEMPLATE};
use crate::report::layout::FormView;
use crate::report::template::Template;
use crate::score::ScoreOptions;
use crate::write::{Overwrite, write_atomic};
use clap::{Args, ValueEnum};
use std::io;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One self-contained page that prints on A4.
    #[cfg(feature = "html")]
    Html,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Form files or workbooks, or directories searched recursively for them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The forms' layout: html (one page that prints on A4) or markdown. The disclosure
    /// narrative is plain text and takes no format.
    #[arg(
        long,
        value_enum,
        default_value = "markdown",
        conflicts_with = "disclosure"
    )]
    pub format: Format,
    /// Write the disclosure narrative (决算公开 第三部分 十三（二）) instead of the forms.
    #[arg(long)]
    pub disclosure: bool,
    /// The narrative's wording: a template file (default: the shipped templates/disclosure.txt).
    #[arg(long, value_name = "FILE", requires = "disclosure")]
    pub template: Option<PathBuf>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub rules: super::rule_args::RuleArgs,
    /// The report's title (the forms' layout only).
    #[arg(
        long,
        default_value = "预算绩效自评结果",
        conflicts_with = "disclosure"
    )]
    pub title: String,
}

pub fn run(args: ReportArgs, out: &mut Out) -> io::Result<Outcome> {
    let template = if args.disclosure {
        let loaded = match &args.template {
            None => Template::parse("templates/disclosure.txt", DEFAULT_TEMPLATE),
            Some(path) => crate::read_text(path)
                .and_then(|text| Template::parse(&path.display().to_string(), &text)),
        };
        match loaded {
            Ok(t) => Some(t),
            Err(errors) => {
                report(&errors);
                return Ok(Outcome::BadInput);
            }
        }
    } else {
        None
    };
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
    let mut outcome = scored.outcome();
    if scored.forms.is_empty() {
        report(&scored.warnings);
        report(&scored.errors);
        return Ok(Outcome::BadInput);
    }
    let text = match template {
        Some(template) => {
            let forms: Vec<disclosure::Scored<'_>> = scored
                .forms
                .iter()
                .map(|f| disclosure::Scored {
                    form: &f.form,
                    sheet: &f.sheet,
                    grades: f.ruleset.grades.iter().map(|g| g.name.clone()).collect(),
                })
                .collect();
            match disclosure::narratives(&forms, &template) {
                Ok(narratives) => narratives
                    .iter()
                    .map(|n| n.text.clone())
                    .collect::<Vec<_>>()
                    .join("\n"),
                Err(errors) => {
                    report(&scored.warnings);
                    report(&scored.errors);
                    report(&errors);
                    return Ok(Outcome::BadInput);
                }
            }
        }
        None => {
            let views: Vec<FormView> = crate::report::layout::reviewed_views(&scored.forms);
            match args.format {
                #[cfg(feature = "html")]
                Format::Html => crate::report::html::render(&views, &args.title),
                Format::Markdown => crate::report::markdown::render(&views, &args.title),
            }
        }
    };
    report(&scored.warnings);
    report(&scored.errors);
    match &args.output {
        None => out.write_str(&text)?,
        Some(path) => {
            let overwrite = if args.force {
                Overwrite::Allow
            } else {
                Overwrite::Refuse
            };
            let mut inputs = found.files.clone();
            inputs.extend(args.paths.iter().cloned());
            inputs.extend(args.template.iter().cloned());
            match crate::write::refuse_input(path, &inputs)
                .and_then(|()| write_atomic(path, text.as_bytes(), overwrite))
            {
                Ok(()) => out.line(&format!("{}", path.display()))?,
                Err(e) => {
                    report(&[e]);
                    outcome = Outcome::BadInput;
                }
            }
        }
    }
    Ok(outcome)
}
