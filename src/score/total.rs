//! The total: the sum of every score, rounded and graded by the rules, and its trace.

use super::{
    Engine, ExecutionScore, Level1Subtotal, Problem, ProblemKind, SectionScore, Trace, TraceInput,
};
use crate::num;
use rust_decimal::Decimal;

impl Engine<'_> {
    /// The sum rounded as the rules say, and its grade; a total above 100 is a finding.
    pub(super) fn total(&mut self, sum: Decimal) -> (Decimal, String) {
        let form = self.form;
        let total = self.ruleset.rounding.total.apply(sum);
        let grade = self.ruleset.grade(total).to_string();
        if total > Decimal::ONE_HUNDRED {
            // The form's own weights give more than the rules can: the grade of such a total
            // means nothing until the weights are mended, and the reader is told so.
            self.structure.push(
            Problem::warning(
                ProblemKind::TotalAbove100,
                match self.ruleset.graded() {
                    true => format!("自评得分 {total} 超过满分 100，等级 {grade} 不可信：分值之和超过 100 (the total {total} is above the 100 points the rules give, so its grade {grade} means nothing: the weights add up to more than 100)"),
                    false => format!("自评得分 {total} 超过满分 100：分值之和超过 100 (the total {total} is above the 100 points the rules give: the weights add up to more than 100)"),
                },
            )
            .at(&form.source, form.total.as_ref().map_or(form.kind.span.clone(), |t| t.span.clone())),
        );
        }
        (total, grade)
    }

    /// How the total came about, when a trace is asked for.
    pub(super) fn total_trace(
        &self,
        execution: &ExecutionScore,
        sections: &[SectionScore],
        level1: &[Level1Subtotal],
        sum: Decimal,
        total: Decimal,
        grade: &str,
    ) -> Option<Trace> {
        self.options.trace.then(|| Trace {
            rule: "total".into(),
            source: "built-in".into(),
            formula: "执行率得分 + 各项得分之和 (execution + sections + indicators)".into(),
            inputs: vec![
                TraceInput {
                    name: "execution".into(),
                    value: execution.score.to_string(),
                },
                TraceInput {
                    name: "sections".into(),
                    value: shown_sum(sections.iter().map(|s| s.score)),
                },
                TraceInput {
                    name: "indicators".into(),
                    value: shown_sum(level1.iter().map(|l| l.score)),
                },
            ],
            raw: sum.to_string(),
            result: total.to_string(),
            notes: vec![
                format!("rounded {}", self.ruleset.rounding.total),
                match self.ruleset.graded() {
                    true => format!("grade {grade}: {}", self.grade_rule(total)),
                    false => "not graded: the ruleset says `grades none` (可以不评级)".to_string(),
                },
            ],
        })
    }

    /// The grade band a total falls in, for the trace.
    fn grade_rule(&self, total: Decimal) -> String {
        let band = self
            .ruleset
            .grades
            .iter()
            .find(|b| b.min.is_none_or(|m| total >= m));
        match band.and_then(|b| b.min.map(|m| (b, m))) {
            Some((b, m)) => format!("{total} >= {m} → {}", b.name),
            None => format!(
                "{total} below every bound → {}",
                band.map_or("", |b| b.name.as_str())
            ),
        }
    }
}

/// A sum as the trace shows it (or why it cannot be taken).
fn shown_sum(parts: impl Iterator<Item = Decimal>) -> String {
    num::sum(parts).map_or_else(|e| e.to_string(), |s| s.to_string())
}
