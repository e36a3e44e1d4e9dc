//! The `jixiao` command: a thin layer over the library, one file per subcommand.
//!
//! Exit codes: 0 ok, 1 findings (claimed figures that differ, review findings), 2 bad input or
//! usage. A closed pipe (`jixiao score … | head`) ends the program quietly.

pub mod diff;
pub mod docs;
#[cfg(feature = "xlsx")]
pub mod export;
pub mod format;
#[cfg(feature = "xlsx")]
pub mod import;
pub mod init;
pub mod output;
pub mod report;
pub mod review;
pub mod rule_args;
pub mod rules;
pub mod rules_fmt;
pub mod rules_show;
pub mod rules_test;
pub mod schema;
pub mod score;
#[cfg(feature = "serve")]
pub mod serve;

use clap::{Parser, Subcommand};
use output::Out;
use std::process::ExitCode;

/// 预算绩效自评表评分工具 — scores budget performance self-evaluation forms, explains every
/// number, and holds it against what the submitter claimed.
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score forms: every row's 得分 and 偏差度 beside the claimed ones, the subtotals, the total and the grade.
    Score(score::ScoreArgs),
    /// Work with rulesets: list, check, fmt, show, test.
    Rules(rules::RulesArgs),
    /// Re-score submitted forms (复核): claimed against computed, consistency and plausibility findings.
    Review(review::ReviewArgs),
    /// Re-score forms under two rulesets and show what a revision changes: totals, grades,
    /// execution, every indicator that moved and the rule that moved it.
    Diff(diff::DiffArgs),
    /// Write a blank form with the sections and indicator levels of a ruleset's template.
    Init(init::InitArgs),
    /// Print a JSON Schema: of form files (for TOML editors), or of the JSON output of score, review or diff.
    Schema(schema::SchemaArgs),
    /// Print a reference page built into jixiao: form-format, rules-language, review-checks, excel, disclosure.
    Docs(docs::DocsArgs),
    /// Print the forms in their official layout (HTML for A4, Markdown), or the disclosure narrative.
    Report(report::ReportArgs),
    /// Read 自评表 from Excel workbooks and write one form file per table.
    #[cfg(feature = "xlsx")]
    Import(import::ImportArgs),
    /// Write scored forms to a workbook in the official layout, with a summary sheet.
    #[cfg(feature = "xlsx")]
    Export(export::ExportArgs),
    /// Serve the form page (a form scored as it is filled in) and the JSON API on a local address.
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
}

pub(crate) use crate::app::Outcome;

/// `--csv-raw`: fields as they are; else neutralised for spreadsheets.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Out::stdout();
    let result = match cli.command {
        Command::Score(args) => score::run(args, &mut out),
        Command::Rules(args) => rules::run(args, &mut out),
        Command::Review(args) => review::run(args, &mut out),
        Command::Diff(args) => diff::run(args, &mut out),
        Command::Report(args) => report::run(args, &mut out),
        Command::Init(args) => init::run(args, &mut out),
        Command::Schema(args) => schema::run(args, &mut out),
        Command::Docs(args) => docs::run(args, &mut out),
        #[cfg(feature = "xlsx")]
        Command::Import(args) => import::run(args, &mut out),
        #[cfg(feature = "xlsx")]
        Command::Export(args) => export::run(args, &mut out),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args, &mut out),
    };
    let result = result.and_then(|outcome| out.flush().map(|()| outcome));
    match result {
        Ok(outcome) => ExitCode::from(outcome as u8),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jixiao: {e}");
            ExitCode::from(Outcome::BadInput as u8)
        }
    }
}
