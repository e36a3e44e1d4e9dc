//! `jixiao rules list|check|fmt|show|test`

use super::Outcome;
use super::output::{Out, report};
use crate::rules::{self, Registry};
use clap::{Args, Subcommand};
use std::io;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the shipped rulesets: id, version, years, title.
    List,
    /// Parse and check rule files; report every problem with its line and column.
    Check {
        /// Rule files (`*.rules`) to check; files checked together must not claim the same id,
        /// version and year.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Rewrite rule files in canonical layout, keeping every comment.
    Fmt {
        /// Only report the files that would change (exit 1 if any would).
        #[arg(long)]
        check: bool,
        /// Rule files (`*.rules`) to rewrite in place.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a built-in ruleset's text to a file, to start a revision of it.
    Export {
        /// The built-in ruleset's id (`henan-2023`, `central-2020`).
        #[arg(value_name = "ID")]
        ruleset: String,
        /// The file to write (default: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print a template as a tree: sections, indicators, weights, formulas and scoring rules.
    Show {
        /// A shipped ruleset id (`henan-2023`, `henan-2023@1`) or a rule file.
        #[arg(value_name = "ID|FILE")]
        ruleset: String,
        /// The form kind: 项目 or 部门整体 (default: every template).
        #[arg(long)]
        kind: Option<String>,
    },
    /// Run the worked examples (`example "…" { … }`) of rule files: exit 1 if one fails.
    Test {
        /// Rule files (`*.rules`) whose examples to run.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run(args: RulesArgs, out: &mut Out) -> io::Result<Outcome> {
    match args.command {
        RulesCommand::List => list(out),
        RulesCommand::Check { files } => check(&files, out),
        RulesCommand::Fmt { check, files } => super::rules_fmt::run(&files, check, out),
        RulesCommand::Show { ruleset, kind } => {
            super::rules_show::run(&ruleset, kind.as_deref(), out)
        }
        RulesCommand::Test { files } => super::rules_test::run(&files, out),
        RulesCommand::Export {
            ruleset,
            output,
            force,
        } => export(&ruleset, output.as_deref(), force, out),
    }
}

/// `rules export ID`: the text of a built-in ruleset, as shipped.
fn export(
    id: &str,
    output: Option<&std::path::Path>,
    force: bool,
    out: &mut Out,
) -> io::Result<Outcome> {
    let wanted = id.split('@').next().unwrap_or(id);
    let Some(text) = rules::builtin_text(wanted) else {
        let known: Vec<&str> = rules::BUILTIN.iter().map(|(id, _, _)| *id).collect();
        report(&[crate::diag::Diagnostic::error(
            "usage::rules",
            format!(
                "没有内置评分规则 {id} (no built-in ruleset `{id}`; built in: {})",
                known.join(", ")
            ),
        )]);
        return Ok(Outcome::BadInput);
    };
    let Some(path) = output else {
        out.write_str(text)?;
        return Ok(Outcome::Ok);
    };
    let overwrite = if force {
        crate::write::Overwrite::Allow
    } else {
        crate::write::Overwrite::Refuse
    };
    match crate::write::write_atomic(path, text.as_bytes(), overwrite) {
        Ok(()) => {
            out.line(&format!("{}", path.display()))?;
            Ok(Outcome::Ok)
        }
        Err(e) => {
            report(&[e]);
            Ok(Outcome::BadInput)
        }
    }
}

fn list(out: &mut Out) -> io::Result<Outcome> {
    let registry = match Registry::builtin() {
        Ok(r) => r,
        Err(errors) => {
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    };
    for r in registry.all() {
        let kinds: Vec<&str> = r.templates.iter().map(|t| t.kind.name()).collect();
        out.line(&format!(
            "{:<16} 版本 {}  年度 {:<10} 表 {:<12} {}",
            r.id,
            r.version,
            r.years.to_string(),
            kinds.join("、"),
            r.title
        ))?;
    }
    Ok(Outcome::Ok)
}

fn check(files: &[PathBuf], out: &mut Out) -> io::Result<Outcome> {
    let mut outcome = Outcome::Ok;
    // Files checked together must not claim the same id, version and year.
    let mut together = Registry::new();
    for file in files {
        if crate::app::sources::is_form_file(file) {
            // A form given where a rule file is expected: said so, with the command that takes it.
            report(&[crate::diag::Diagnostic::error(
                "input::form-file",
                format!(
                    "{} 是表格文件，不是评分规则文件 (a form file, not a rule file)",
                    crate::diag::visible(&file.display().to_string())
                ),
            )
            .help(format!("score it with `jixiao score {}`", file.display()))]);
            outcome = outcome.worst(Outcome::BadInput);
            continue;
        }
        match rules::load_path(file) {
            Ok(r) => {
                out.line(&format!(
                    "{}: ok ({}, {} formulas, {} templates, {} examples)",
                    file.display(),
                    r.label(),
                    r.formulas.len(),
                    r.templates.len(),
                    r.examples.len()
                ))?;
                if let Err(duplicate) = together.add(r) {
                    out.flush()?;
                    report(&[*duplicate]);
                    outcome = Outcome::BadInput;
                }
            }
            Err(errors) => {
                out.flush()?;
                report(&errors);
                outcome = Outcome::BadInput;
            }
        }
    }
    Ok(outcome)
}
