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
    /// List the rulesets by region and years: id, version, the form kinds, the document each
    /// rests on (文号) and what in it is read off published forms rather than quoted.
    List {
        /// Also list every `.rules` file in DIR (repeatable).
        #[arg(long = "rules-dir", value_name = "DIR")]
        rules_dir: Vec<PathBuf>,
    },
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
        RulesCommand::List { rules_dir } => list(&rules_dir, out),
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

fn list(dirs: &[PathBuf], out: &mut Out) -> io::Result<Outcome> {
    let mut registry = match Registry::builtin() {
        Ok(r) => r,
        Err(errors) => {
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    };
    for dir in dirs {
        if let Err(errors) = crate::app::choice::add_dir(&mut registry, dir) {
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    }
    let mut rows: Vec<(String, &std::sync::Arc<rules::RuleSet>)> = Vec::new();
    for r in registry.all() {
        if r.regions.is_empty() {
            rows.push(("全国 (nationwide)".into(), r));
        }
        for claim in &r.regions {
            rows.push((claim.place.to_string(), r));
        }
    }
    // Nationwide first, then by region, then by the year each took effect.
    rows.sort_by(|(a, x), (b, y)| {
        (!x.regions.is_empty(), a, x.years.from, &x.id, x.version).cmp(&(
            !y.regions.is_empty(),
            b,
            y.years.from,
            &y.id,
            y.version,
        ))
    });
    let regions: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|(_, r)| !r.regions.is_empty())
        .map(|(region, _)| region.as_str())
        .collect();
    out.line(&format!(
        "{} 套评分规则，{} 个地区及全国 ({} rulesets; {} regions besides the nationwide rules)",
        registry.all().len(),
        regions.len(),
        registry.all().len(),
        regions.len()
    ))?;
    for (region, r) in rows {
        let kinds: Vec<&str> = r.templates.iter().map(|t| t.kind.name()).collect();
        out.line(&format!(
            "{}  {}  年度 {}  表 {}  {}",
            crate::diag::visible(&region),
            crate::diag::visible(&r.label()),
            r.years,
            kinds.join("、"),
            crate::diag::visible(&r.title)
        ))?;
        if let Some(basis) = &r.basis {
            out.line(&format!(
                "    依据 (basis): {}",
                crate::diag::visible(basis)
            ))?;
        }
        for note in &r.read_off {
            out.line(&format!(
                "    据已公开表格推定 (read off published forms): {}",
                crate::diag::visible(note)
            ))?;
        }
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
