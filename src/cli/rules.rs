//! `jixiao rules list|check`

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
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run(args: RulesArgs, out: &mut Out) -> io::Result<Outcome> {
    match args.command {
        RulesCommand::List => list(out),
        RulesCommand::Check { files } => check(&files, out),
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
    for file in files {
        match rules::load_path(file) {
            Ok(r) => out.line(&format!(
                "{}: ok ({}, {} formulas, {} templates, {} examples)",
                file.display(),
                r.label(),
                r.formulas.len(),
                r.templates.len(),
                r.examples.len()
            ))?,
            Err(errors) => {
                out.flush()?;
                report(&errors);
                outcome = Outcome::BadInput;
            }
        }
    }
    Ok(outcome)
}
