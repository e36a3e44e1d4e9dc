//! The ruleset options every scoring command takes: `--rules`, `--rules-dir`, `--rules-map`.

use crate::app::RuleChoice;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args, Default)]
pub struct RuleArgs {
    /// Score every form with this rule file or ruleset id, whatever the forms name.
    #[arg(long, value_name = "FILE|ID")]
    pub rules: Option<String>,
    /// Add every `.rules` file in DIR to the shipped rulesets (repeatable); each form still gets
    /// the ruleset of its region and year.
    #[arg(long = "rules-dir", value_name = "DIR")]
    pub rules_dir: Vec<PathBuf>,
    /// A TOML file mapping regions (`[regions] "四川省" = "id"`) and folders (`[folders]
    /// "county-a" = "id"`, relative to the file) to ruleset ids.
    #[arg(long = "rules-map", value_name = "FILE")]
    pub rules_map: Option<PathBuf>,
}

impl RuleArgs {
    pub fn choice(&self) -> RuleChoice {
        RuleChoice {
            rules: self.rules.clone(),
            rules_dirs: self.rules_dir.clone(),
            rules_map: self.rules_map.clone(),
        }
    }
}
