//! `jixiao docs TOPIC`: the reference pages, built into the binary, so that an installed jixiao
//! explains itself without a checkout of the repository.

use super::Outcome;
use super::output::Out;
use clap::{Args, ValueEnum};
use std::io;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Topic {
    /// Form files: every field, the odd cells, the keys in Chinese.
    FormFormat,
    /// The rules language of `*.rules` files.
    RulesLanguage,
    /// Every check `jixiao review` makes, with its code and threshold.
    ReviewChecks,
    /// Workbooks in and out, reports.
    Excel,
    /// How each figure of the disclosure narrative is defined.
    Disclosure,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The page to print.
    #[arg(value_enum)]
    pub topic: Topic,
}

pub fn run(args: DocsArgs, out: &mut Out) -> io::Result<Outcome> {
    let page = match args.topic {
        Topic::FormFormat => include_str!("../../docs/form-format.md"),
        Topic::RulesLanguage => include_str!("../../docs/rules-language.md"),
        Topic::ReviewChecks => include_str!("../../docs/review-checks.md"),
        Topic::Excel => include_str!("../../docs/excel.md"),
        Topic::Disclosure => include_str!("../../docs/disclosure.md"),
    };
    out.write_str(page)?;
    Ok(Outcome::Ok)
}
