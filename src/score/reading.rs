//! A row's target and actual read for the rules: the comparator and the figures a rule reads
//! (target, actual, met, degree), or why the rules cannot score the row; and the score of a row
//! they cannot score.

use super::{
    Engine, IndicatorKind, IndicatorScore, Problem, ProblemKind, Status, Trace, TraceInput,
};
use crate::diag::Diagnostic;
use crate::form::{Indicator, Span};
use crate::num;
use crate::rules::expr::Env;
use crate::value::{self, Actual, Comparator, Quantity, Target, Unit};
use rust_decimal::Decimal;

/// What a row's target and actual give the rules (their figures go into the rules' `Env`).
pub(super) struct Reading {
    pub(super) kind: IndicatorKind,
    pub(super) comparator: Comparator,
    /// The tier a tier word names (for a qualitative row).
    pub(super) tier: Option<String>,
    /// Why the comparator is ≤ where none is printed.
    pub(super) direction_note: Option<String>,
    /// How the completion degree was read.
    pub(super) degree_note: Option<String>,
}

/// Why the rules do not score a row.
pub(super) enum Unscored<'r> {
    /// Marked not applicable: it counts 0 points.
    NotApplicable,
    /// The rules cannot score it (see [`Engine::unverifiable`]).
    Unverifiable(Unverifiable<'r>),
    /// An error is recorded: the form is not scored.
    Failed,
}

/// Why the rules cannot score a row, and where on the form.
pub(super) struct Unverifiable<'r> {
    kind: IndicatorKind,
    code: ProblemKind,
    why: String,
    at: &'r Span,
}

impl<'r> Unscored<'r> {
    fn unverifiable(kind: IndicatorKind, code: ProblemKind, why: String, at: &'r Span) -> Self {
        Unscored::Unverifiable(Unverifiable {
            kind,
            code,
            why,
            at,
        })
    }
}

/// The kind a row's target gives it where its actual cannot be read.
fn kind_of(target: &Target) -> IndicatorKind {
    match target {
        Target::Qualitative { .. } => IndicatorKind::Qualitative,
        _ => IndicatorKind::Quantitative,
    }
}

impl Engine<'_> {
    /// What the row's target and actual give the rules, set in `env`; or why the rules do not
    /// score it.
    pub(super) fn read<'r>(
        &mut self,
        row: &'r Indicator,
        env: &mut Env,
    ) -> Result<Reading, Unscored<'r>> {
        let form = self.form;
        let weight = row.weight.value;
        if row.weight.text.trim().is_empty() && row.score.is_some() {
            let why = "没有分值，得分无法核对 (no weight is printed: the score cannot be checked)"
                .to_string();
            let kind = kind_of(&row.target.value);
            return Err(Unscored::unverifiable(
                kind,
                ProblemKind::NoWeight,
                why,
                &row.name.span,
            ));
        }
        match (&row.target.value, &row.actual.value) {
            (Target::NotApplicable, _) | (_, Actual::NotApplicable) => {
                if !weight.is_zero() {
                    self.structure.push(
                        Problem::warning(ProblemKind::NotApplicableWeight, format!("{} 标为不适用却有分值 {} (the row is marked not applicable but carries {} points)", row.name.value, row.weight.text, row.weight.text))
                            .at(&form.source, row.weight.span.clone())
                            .help("give a not-applicable row a weight of 0, or fill in its target and actual"),
                    );
                }
                Err(Unscored::NotApplicable)
            }
            (
                Target::Quantitative {
                    comparator,
                    quantity,
                },
                Actual::Quantity(actual),
            ) => self.quantitative(row, *comparator, quantity, actual, env),
            (Target::Blank, _) | (_, Actual::Blank) => {
                let (cell, span) = if matches!(row.target.value, Target::Blank) {
                    ("年度指标值", &row.target.span)
                } else {
                    ("实际完成值", &row.actual.span)
                };
                let why = format!(
                    "{cell}为空，得分无法核对 (the {cell} is blank: the score cannot be checked)"
                );
                let kind = kind_of(&row.target.value);
                Err(Unscored::unverifiable(
                    kind,
                    ProblemKind::BlankCell,
                    why,
                    span,
                ))
            }
            (Target::Qualitative { words, .. }, actual) => {
                self.qualitative(row, words, actual, env)
            }
            (Target::Quantitative { .. }, Actual::Word(w)) => {
                let why = format!(
                    "定量指标的实际完成值是文字「{w}」，得分无法核对 (a quantitative target with a word as its actual: the score cannot be checked)"
                );
                Err(Unscored::unverifiable(
                    IndicatorKind::Quantitative,
                    ProblemKind::Actual,
                    why,
                    &row.actual.span,
                ))
            }
        }
    }

    /// A quantity against a quantity: both in the target's written unit, and the comparator
    /// printed, implied by the name, or the rules' default.
    fn quantitative<'r>(
        &mut self,
        row: &'r Indicator,
        comparator: Option<Comparator>,
        quantity: &Quantity,
        actual: &Quantity,
        env: &mut Env,
    ) -> Result<Reading, Unscored<'r>> {
        let (target_value, actual_value) = match value::align(quantity, actual) {
            Ok(pair) => pair,
            Err(m) => {
                let why = format!("{m}: 无法比较 (the two cannot be compared)");
                return Err(Unscored::unverifiable(
                    IndicatorKind::Quantitative,
                    ProblemKind::UnitMismatch,
                    why,
                    &row.actual.span,
                ));
            }
        };
        // Money and counts are computed in the target's written unit (10万元 → 10), so
        // that a rule reads `actual - target` in the unit the form shows.
        let scale = match quantity.unit {
            Unit::Percent => Decimal::ONE,
            _ if quantity.multiplier.is_zero() => Decimal::ONE,
            _ => quantity.multiplier,
        };
        let (Ok(t), Ok(a)) = (num::div(target_value, scale), num::div(actual_value, scale)) else {
            self.errors.push(
                Diagnostic::error("score::arithmetic", "数值超出范围 (number out of range)")
                    .at(&self.form.source, row.actual.span.clone()),
            );
            return Err(Unscored::Failed);
        };
        let mut direction_note = None;
        let comparator = match comparator {
            Some(c) => c,
            None => match self.ruleset.lower_is_better_pattern(&row.name.value) {
                Some(pattern) => {
                    direction_note = Some(format!(
                        "direction ≤: no comparator is printed and the name contains {pattern} (lower is better)"
                    ));
                    Comparator::Le
                }
                None => self.ruleset.bare,
            },
        };
        env.target = Some(t);
        env.actual = Some(a);
        env.met = Some(comparator.holds(a, t));
        Ok(Reading {
            kind: IndicatorKind::Quantitative,
            comparator,
            tier: None,
            direction_note,
            degree_note: None,
        })
    }

    /// A qualitative target: the completion degree the actual gives, met at 100%.
    fn qualitative<'r>(
        &mut self,
        row: &'r Indicator,
        words: &[&'static str],
        actual: &Actual,
        env: &mut Env,
    ) -> Result<Reading, Unscored<'r>> {
        let (degree, tier, note) = match self.degree(row, words, actual) {
            Ok(x) => x,
            Err(why) => {
                return Err(Unscored::unverifiable(
                    IndicatorKind::Qualitative,
                    ProblemKind::Degree,
                    why,
                    &row.actual.span,
                ));
            }
        };
        env.degree = Some(degree);
        env.actual = Some(degree);
        env.target = Some(Decimal::ONE);
        env.met = Some(degree >= Decimal::ONE);
        Ok(Reading {
            kind: IndicatorKind::Qualitative,
            comparator: Comparator::Ge,
            tier,
            direction_note: None,
            degree_note: note,
        })
    }

    /// A row the rules cannot score (a blank cell, units that do not compare, a word where a
    /// number belongs): the unit's claimed score is taken within the weight, unchecked, as for a
    /// judgement item, and a located note says why.
    pub(super) fn unverifiable(
        &mut self,
        row: &Indicator,
        base: IndicatorScore,
        Unverifiable {
            kind,
            code,
            why,
            at,
        }: Unverifiable<'_>,
    ) -> IndicatorScore {
        let weight = row.weight.value;
        let claimed = row.score.as_ref().map(|s| s.value);
        // A row printed without a weight has no cap to hold the claim to.
        let cap = if row.weight.text.trim().is_empty() {
            None
        } else {
            Some(weight.max(Decimal::ZERO))
        };
        let score = claimed
            .map(|c| {
                let c = c.max(Decimal::ZERO);
                cap.map_or(c, |cap| c.min(cap))
            })
            .unwrap_or(Decimal::ZERO);
        let score = self.ruleset.rounding.score.apply(score);
        let taken = match (claimed, cap) {
            (Some(_), Some(_)) => "the claimed score is taken, within the weight, unchecked",
            (Some(_), None) => "the claimed score is taken, unchecked",
            (None, _) => "no score is claimed: counted 0",
        };
        self.structure.push(
            Problem::warning(code, format!("{}: {why}", row.name.value))
                .at(&self.form.source, at.clone())
                .note(taken),
        );
        let score_trace = self.options.trace.then(|| Trace {
            rule: "unverifiable".into(),
            source: "built-in".into(),
            formula: "min(max(claimed score, 0), weight)".into(),
            inputs: vec![
                TraceInput {
                    name: "weight".into(),
                    value: weight.to_string(),
                },
                TraceInput {
                    name: "claimed".into(),
                    value: row.score.as_ref().map_or("—".into(), |s| s.text.clone()),
                },
            ],
            raw: score.to_string(),
            result: score.to_string(),
            notes: vec![why.clone(), taken.to_string()],
        });
        IndicatorScore {
            kind,
            status: Status::Unverifiable,
            score,
            score_trace,
            ..base
        }
    }

    /// The completion degree of a qualitative indicator: a percentage, a tier word, or the
    /// target's own word (fully achieved).
    fn degree(
        &self,
        row: &Indicator,
        words: &[&'static str],
        actual: &Actual,
    ) -> Result<(Decimal, Option<String>, Option<String>), String> {
        match actual {
            Actual::Quantity(q) => {
                let degree = match q.unit {
                    Unit::Percent => q.value,
                    Unit::None => q.value.checked_div(Decimal::ONE_HUNDRED).unwrap_or(q.value),
                    _ => {
                        return Err(format!(
                            "定性指标的实际完成值「{}」不是完成程度，得分无法核对 (a qualitative target takes a completion degree such as 100%, not an amount: the score cannot be checked)",
                            row.actual.text
                        ));
                    }
                };
                if degree.is_sign_negative() && !degree.is_zero() {
                    return Err("完成程度不能为负 (a completion degree cannot be negative)".into());
                }
                Ok((degree, None, None))
            }
            Actual::Word(word) => {
                if let Some(tier) = self.ruleset.tier_in(word) {
                    // A tier word says how well, not exactly how much: the unit's score is taken
                    // when it lies in the tier, else the tier's lower bound.
                    let claimed = row
                        .score
                        .as_ref()
                        .and_then(|s| num::div(s.value, row.weight.value).ok())
                        .filter(|d| tier.contains(*d));
                    let degree = claimed.unwrap_or(tier.lower);
                    let note = match claimed {
                        Some(_) => format!(
                            "tier {} {}: the claimed score lies in it",
                            tier.name,
                            tier.describe()
                        ),
                        None => format!("tier {} {}: its lower bound", tier.name, tier.describe()),
                    };
                    return Ok((degree, Some(tier.name.clone()), Some(note)));
                }
                let target_text = row.target.text.trim();
                if word.trim() == target_text || words.iter().any(|w| word.contains(w)) {
                    return Ok((
                        Decimal::ONE,
                        None,
                        Some("the actual repeats the target: fully achieved".into()),
                    ));
                }
                let tiers: Vec<&str> = self.ruleset.tiers.iter().map(|t| t.name.as_str()).collect();
                Err(format!(
                    "无法从「{word}」判断完成程度，得分无法核对 (cannot tell the completion degree from `{word}`; expected a percentage such as 100% or a tier: {}): the score cannot be checked",
                    tiers.join(", ")
                ))
            }
            Actual::NotApplicable | Actual::Blank => Ok((Decimal::ZERO, None, None)),
        }
    }
}
