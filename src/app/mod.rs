//! The application layer: what a run does, over the phases. The command line (`cli`) and the
//! web server are thin shells over this module; nothing here knows about either.
//!
//! - [`Session`]: the rulesets of a run, loaded once; a form's ruleset resolved; forms loaded,
//!   scored and reviewed.
//! - [`sources`]: the form files under the paths a user names.
//! - [`load`]: the forms of one file, whatever its format (form file, workbook).
//! - [`Batch`]: many files in parallel, results in input order, memory flat.

mod batch;
pub mod choice;
pub mod load;
mod session;
pub mod sources;

pub use batch::Batch;
pub use choice::{RuleChoice, RulesMap};
pub use session::{ReviewedPath, Scored, ScoredForm, ScoredPath, Session};

/// How a command ended, as its exit code: 0 ok, 1 findings, 2 bad input or usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Outcome {
    Ok = 0,
    Findings = 1,
    BadInput = 2,
}

impl Outcome {
    pub fn worst(self, other: Outcome) -> Outcome {
        self.max(other)
    }
}
