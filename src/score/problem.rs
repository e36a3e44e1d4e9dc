//! What the engine notes on a sheet and scores on past: a typed kind beside each diagnostic.
//!
//! Review routes each problem to its check by [`ProblemKind`], with an exhaustive match, so a new
//! kind cannot reach a reader without someone deciding where it belongs. The diagnostic keeps
//! the stable code (`score::weights` …) that JSON and the terminal show.

use crate::diag::{Diagnostic, SourceFile};
use std::ops::{Deref, Range};
use std::sync::Arc;

/// One kind of problem the engine notes while it goes on scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A note the form reader made about a cell (`form::…`: blank, not applicable, a 一级 placed
    /// by its 二级 …); the diagnostic carries the reader's own code.
    FormNote,
    /// The total is above 100: the form's weights give more than the rules can.
    TotalAbove100,
    /// The form prints only the other budget column, and the rate is taken over it.
    Denominator,
    /// The execution weight printed differs from the rules'.
    ExecutionWeight,
    /// No figures to recompute the execution rate from.
    ExecutionUnverifiable,
    /// A budget of 0 with spending.
    ZeroBudget,
    /// A section (资金管理 …) the template does not have.
    UnknownSection,
    /// An item of a section the template does not have.
    UnknownItem,
    /// A printed weight that differs from the template's.
    Weight,
    /// A template item the form leaves out.
    MissingItem,
    /// A template section the form leaves out.
    MissingSection,
    /// A row without a weight: its claimed score is taken unchecked.
    NoWeight,
    /// A row marked not applicable that still carries points.
    NotApplicableWeight,
    /// Target and actual in units that cannot be compared.
    UnitMismatch,
    /// A blank 年度指标值 or 实际完成值: the score cannot be checked.
    BlankCell,
    /// No completion degree can be read from a qualitative row's actual.
    Degree,
    /// A word as the actual of a quantitative target.
    Actual,
    /// A 一级指标 not in the template.
    UnknownLevel1,
    /// A 二级指标 not under its 一级 in the template.
    UnknownLevel2,
    /// Weights that do not add up to their level's total, or to 100.
    Weights,
    /// A part of a row that cannot be combined with the others (another kind, unit, a word).
    PartsLeftOut,
    /// Rates of parts that cannot be weighted by funds: their plain mean is taken.
    PartsFunds,
    /// A row's printed actual that is not its parts combined.
    PartsActual,
}

impl ProblemKind {
    /// The stable code a diagnostic of this kind carries (`FormNote` keeps the reader's code).
    pub const fn code(self) -> &'static str {
        match self {
            ProblemKind::FormNote => "form::note",
            ProblemKind::TotalAbove100 => "score::total-above-100",
            ProblemKind::Denominator => "score::denominator",
            ProblemKind::ExecutionWeight => "score::execution-weight",
            ProblemKind::ExecutionUnverifiable => "score::execution-unverifiable",
            ProblemKind::ZeroBudget => "score::zero-budget",
            ProblemKind::UnknownSection => "score::unknown-section",
            ProblemKind::UnknownItem => "score::unknown-item",
            ProblemKind::Weight => "score::weight",
            ProblemKind::MissingItem => "score::missing-item",
            ProblemKind::MissingSection => "score::missing-section",
            ProblemKind::NoWeight => "score::no-weight",
            ProblemKind::NotApplicableWeight => "score::not-applicable-weight",
            ProblemKind::UnitMismatch => "score::unit-mismatch",
            ProblemKind::BlankCell => "score::blank-cell",
            ProblemKind::Degree => "score::degree",
            ProblemKind::Actual => "score::actual",
            ProblemKind::UnknownLevel1 => "score::unknown-level1",
            ProblemKind::UnknownLevel2 => "score::unknown-level2",
            ProblemKind::Weights => "score::weights",
            ProblemKind::PartsLeftOut => "score::parts-left-out",
            ProblemKind::PartsFunds => "score::parts-funds",
            ProblemKind::PartsActual => "score::parts-actual",
        }
    }
}

/// A problem on a sheet: its kind, for code that acts on it, and its located diagnostic, for
/// people. Derefs to the diagnostic.
#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub diagnostic: Diagnostic,
}

impl Problem {
    /// A warning of this kind, with the kind's code.
    pub fn warning(kind: ProblemKind, message: impl Into<String>) -> Self {
        Problem {
            kind,
            diagnostic: Diagnostic::warning(kind.code(), message),
        }
    }

    /// A note the form reader made, kept with its own `form::…` code.
    pub fn form_note(diagnostic: Diagnostic) -> Self {
        Problem {
            kind: ProblemKind::FormNote,
            diagnostic,
        }
    }

    pub fn at(mut self, file: &Arc<SourceFile>, span: Range<usize>) -> Self {
        self.diagnostic = self.diagnostic.at(file, span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.diagnostic = self.diagnostic.label(label);
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.diagnostic = self.diagnostic.note(note);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.diagnostic = self.diagnostic.help(help);
        self
    }
}

impl Deref for Problem {
    type Target = Diagnostic;

    fn deref(&self) -> &Diagnostic {
        &self.diagnostic
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.diagnostic.fmt(f)
    }
}

/// The diagnostics of a list of problems, for code that renders them.
pub fn diagnostics(problems: &[Problem]) -> Vec<Diagnostic> {
    problems.iter().map(|p| p.diagnostic.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_carries_its_kinds_code() {
        let p = Problem::warning(ProblemKind::Weights, "x");
        assert_eq!(p.code, "score::weights");
        let note = Diagnostic::warning("form::blank", "z");
        assert_eq!(Problem::form_note(note).code, "form::blank");
    }
}
