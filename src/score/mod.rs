//! The engine: a ruleset and a form give a [`ScoreSheet`].
//!
//! Every figure is computed exactly, rounded where the rules say, and (on request) traced: the
//! rule, the formula and the inputs. Where the form does not fit its template, the problems are
//! collected on the sheet (`structure`) and scoring goes on, so that a reviewer sees both the
//! misfit and every score. Where a number cannot be computed at all (a budget of 0, a division by
//! zero in a rule), scoring fails with a located error.

pub mod claim;
mod evaluate;
mod execution;
mod indicator;
pub mod parts;
mod place;
mod problem;
mod reading;
mod sections;
pub mod sheet;
mod structure;
mod total;

pub use claim::{Agreement, Scale, agreement, beyond};
pub use parts::{PartScore, PartsScore};
pub use place::place_blank_level1;
pub use problem::{Problem, ProblemKind, diagnostics};
pub use sheet::*;

use crate::diag::Diagnostic;
use crate::form::{Field, Form};
use crate::num;
use crate::rules::registry::Selection;
use crate::rules::ruleset::{RuleExpr, RuleSet};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, Default)]
pub struct ScoreOptions {
    /// Record a trace for every number (`--explain`, JSON).
    pub trace: bool,
}

/// Score a form with a ruleset.
pub fn score(
    ruleset: &RuleSet,
    form: &Form,
    selection: Selection,
    options: ScoreOptions,
) -> Result<ScoreSheet, Vec<Diagnostic>> {
    // Every row's trace says how it was rounded: said once per form, not once per row.
    let rounding_notes = if options.trace {
        RoundingNotes {
            score: format!("rounded {}", ruleset.rounding.score),
            deviation: format!("rounded {} (as a fraction)", ruleset.rounding.deviation),
        }
    } else {
        RoundingNotes::default()
    };
    Engine {
        ruleset,
        form,
        options,
        rounding_notes,
        traced_rules: std::cell::RefCell::default(),
        errors: Vec::new(),
        structure: Vec::new(),
        rate: None,
    }
    .run(selection)
}

#[derive(Default)]
struct RoundingNotes {
    score: String,
    deviation: String,
}

struct Engine<'a> {
    ruleset: &'a RuleSet,
    form: &'a Form,
    options: ScoreOptions,
    rounding_notes: RoundingNotes,
    /// [`Engine::rule_texts`] of the rules traced so far, found by the rule's address.
    traced_rules: std::cell::RefCell<Vec<(&'a RuleExpr, String, String)>>,
    errors: Vec<Diagnostic>,
    structure: Vec<Problem>,
    /// The rounded execution rate, once computed: indicator rules may read it.
    rate: Option<Decimal>,
}

fn claimed(form: &Form, field: &Option<Field<Decimal>>) -> Option<Claimed> {
    field.as_ref().map(|f| Claimed {
        value: f.value,
        text: f.text.clone(),
        line: form.line_of(&f.span),
    })
}

impl Engine<'_> {
    fn run(mut self, selection: Selection) -> Result<ScoreSheet, Vec<Diagnostic>> {
        let form = self.form;
        let Some(template) = self.ruleset.template(form.kind.value) else {
            let kinds: Vec<&str> = self
                .ruleset
                .templates
                .iter()
                .map(|t| t.kind.name())
                .collect();
            return Err(vec![Diagnostic::error(
                "score::no-template",
                format!(
                    "评分规则 {} 没有{}表模板 (ruleset {} has no template for {} forms; it has: {})",
                    self.ruleset.label(),
                    form.kind.value,
                    self.ruleset.label(),
                    form.kind.value,
                    kinds.join(", ")
                ),
            )
            .at(&form.source, form.kind.span.clone())]);
        };
        // What the reader noticed in the cells comes first, in form order.
        self.structure
            .extend(form.notes.iter().cloned().map(Problem::form_note));
        let execution = self.execution(template);
        let sources = self.sources(template);
        let sections = self.sections(template);
        // Reserved for every row: a score is several hundred bytes, and growing the list by
        // doubling copied it four or five times a form (1% of a review).
        let mut indicators: Vec<IndicatorScore> = Vec::with_capacity(form.indicators.len());
        indicators.extend(form.indicators.iter().filter_map(|row| self.indicator(row)));
        let level1 = self.structure_and_subtotals(template, &indicators);
        let (Some(execution), true) = (execution, self.errors.is_empty()) else {
            return Err(self.errors);
        };

        let mut parts = vec![execution.score];
        parts.extend(sections.iter().map(|s| s.score));
        parts.extend(indicators.iter().map(|i| i.score));
        let sum = match num::sum(parts) {
            Ok(sum) => sum,
            Err(e) => return Err(vec![self.arith_error(&e, &form.budget.span, "总分")]),
        };
        let (total, grade) = self.total(sum);
        let total_trace = self.total_trace(&execution, &sections, &level1, sum, total, &grade);
        Ok(ScoreSheet {
            file: form.path().to_string(),
            name: form.name().to_string(),
            kind: form.kind.value,
            year: form.year.value,
            title: form.title.clone(),
            department: form.department.clone(),
            unit: form.unit.clone(),
            ruleset: self.ruleset.label(),
            ruleset_selection: selection.describe(),
            execution,
            sources,
            sections,
            indicators,
            level1,
            total,
            grade,
            claimed_total: claimed(form, &form.total),
            claimed_grade: form.grade.as_ref().map(|g| ClaimedText {
                text: g.value.clone(),
                line: form.line_of(&g.span),
            }),
            total_trace,
            tolerance: self.ruleset.review.tolerance,
            structure: self.structure,
            source: std::sync::Arc::clone(&form.source),
        })
    }
}
