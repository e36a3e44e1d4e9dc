//! One indicator row scored by the rules: the clause that applies, its score held within the
//! weight, the deviation (偏差度) and whether a 偏差原因 is required, each traced on request.

use super::evaluate::bound_score;
use super::parts::{self, Combined};
use super::reading::Unscored;
use super::{Engine, IndicatorKind, IndicatorScore, Status, Trace, claimed};
use crate::diag::Diagnostic;
use crate::form::Indicator;
use crate::num::percent_text;
use crate::rules::expr::Env;
use crate::rules::ruleset::{Clause, Guard, IndicatorRules, ScoringRules};
use crate::value::Comparator;
use rust_decimal::Decimal;

/// The blocks of rules that may score a row, most specific first, each with its name.
type RuleChain<'r> = Vec<(&'r ScoringRules, RuleBlock<'r>)>;

impl<'a> Engine<'a> {
    /// One row scored by the rules; `None` where an error is recorded (the form is then not
    /// scored).
    pub(super) fn indicator(&mut self, row: &Indicator) -> Option<IndicatorScore> {
        // A row reported by parts is scored on their combined actual (`parts.rs`).
        let combined = parts::combine(self.ruleset, self.form, row);
        let row = combined.as_ref().map_or(row, |c| &c.row);
        self.structure
            .extend(combined.iter().flat_map(|c| c.findings.iter().cloned()));
        let base = self.base_score(row, combined.as_ref());
        let mut env = self.form_env();
        env.weight = Some(row.weight.value);
        let reading = match self.read(row, &mut env) {
            Ok(reading) => reading,
            Err(Unscored::NotApplicable) => return Some(base),
            Err(Unscored::Unverifiable(why)) => return Some(self.unverifiable(row, base, why)),
            Err(Unscored::Failed) => return None,
        };
        let met = env.met.unwrap_or(false);
        let chain = self.rule_chain(row, reading.kind);
        let tier_name = reading.tier.clone().or_else(|| {
            env.degree
                .and_then(|d| self.ruleset.tier_of(d))
                .map(|t| t.name.clone())
        });
        let (clause, block) = self.select_clause(&chain, &env, reading.comparator, row)?;
        let raw = self.evaluate_num(
            &clause.body,
            &env,
            &row.actual.span,
            format_args!("{} 得分", row.name.value),
        )?;
        // Rounded first, then held within the weight (see `execution`).
        let rounded = self.ruleset.rounding.score.apply(raw);
        let (score, clamped) = bound_score(rounded, row.weight.value);
        let score_trace = if self.options.trace {
            let mut notes: Vec<String> = combined.iter().filter_map(|c| c.trace_note()).collect();
            notes.extend(clamped);
            notes.push(self.rounding_notes.score.clone());
            if let Some(note) = reading.direction_note {
                notes.push(note);
            }
            if let Some(note) = reading.degree_note {
                notes.push(note);
            } else if let Some(t) = &tier_name {
                notes.push(format!("tier {t}"));
            }
            let rule_label = format!("{} · {}", block.label(), clause.guard.describe());
            self.trace(
                rule_label,
                &clause.body,
                &env,
                raw,
                score.to_string(),
                notes,
            )
        } else {
            None
        };
        let (deviation, deviation_trace) = self.deviation(&chain, &env, row)?;
        env.score = Some(score);
        env.deviation = Some(deviation);
        let explanation_required = self.explanation_required(&chain, &env, row, met)?;
        Some(IndicatorScore {
            kind: reading.kind,
            status: if met { Status::Met } else { Status::Unmet },
            tier: tier_name,
            score,
            deviation,
            explanation_required,
            score_trace,
            deviation_trace,
            ..base
        })
    }

    /// The row as printed, scored as not applicable: what every outcome starts from.
    fn base_score(&self, row: &Indicator, combined: Option<&Combined>) -> IndicatorScore {
        let form = self.form;
        IndicatorScore {
            level1: row.level1.value.clone(),
            level2: row.level2.value.clone(),
            name: row.name.value.clone(),
            line: form.line_of(&row.span),
            kind: IndicatorKind::NotApplicable,
            target: row.target.text.clone(),
            actual: row.actual.text.clone(),
            weight: row.weight.value,
            status: Status::NotApplicable,
            tier: None,
            score: Decimal::ZERO,
            deviation: Decimal::ZERO,
            explanation_required: false,
            has_explanation: row.has_explanation(),
            claimed_score: claimed(form, &row.score),
            claimed_deviation: claimed(form, &row.deviation),
            score_trace: None,
            deviation_trace: None,
            parts: combined.map(|c| c.summary.clone()),
        }
    }

    /// The `indicator` blocks that name the row, most specific first, then the default block of
    /// its kind.
    fn rule_chain(&self, row: &Indicator, kind: IndicatorKind) -> RuleChain<'a> {
        let ruleset = self.ruleset;
        let specific = ruleset.rules_for(&row.level1.value, &row.level2.value, &row.name.value);
        let default_rules = match kind {
            IndicatorKind::Qualitative => &ruleset.qualitative,
            _ => &ruleset.quantitative,
        };
        let mut chain: RuleChain<'a> = Vec::with_capacity(specific.len() + 1);
        chain.extend(specific.iter().map(|r| (&r.rules, RuleBlock::Indicator(r))));
        chain.push((
            default_rules,
            if kind == IndicatorKind::Qualitative {
                RuleBlock::Qualitative
            } else {
                RuleBlock::Quantitative
            },
        ));
        chain
    }

    /// The first clause of the chain whose guard holds, or `None` with the error recorded (no
    /// clause applies, or a guard cannot be computed).
    fn select_clause(
        &mut self,
        chain: &[(&'a ScoringRules, RuleBlock<'a>)],
        env: &Env,
        comparator: Comparator,
        row: &Indicator,
    ) -> Option<(&'a Clause, RuleBlock<'a>)> {
        let met = env.met.unwrap_or(false);
        for &(rules, block) in chain {
            for clause in &rules.clauses {
                let applies = match &clause.guard {
                    Guard::Always => true,
                    Guard::Met => met,
                    Guard::Unmet(ops) => !met && (ops.is_empty() || ops.contains(&comparator)),
                    Guard::ZeroTarget => env.target.is_some_and(|t| t.is_zero()),
                    Guard::When(cond) => self.evaluate_bool(
                        cond,
                        env,
                        &row.actual.span,
                        format_args!("{} 得分条件", row.name.value),
                    )?,
                };
                if applies {
                    return Some((clause, block));
                }
            }
        }
        self.errors.push(
            Diagnostic::error(
                "score::no-rule",
                format!(
                    "{}: 没有适用的计分规则 (no scoring rule applies: {} {})",
                    row.name.value,
                    if met { "met" } else { "unmet" },
                    comparator.symbol()
                ),
            )
            .at(&self.form.source, row.target.span.clone())
            .note(format!("ruleset {}", self.ruleset.label())),
        );
        None
    }

    /// The deviation by the first block with a rule for it (0 where none has one), with its
    /// trace; `None` with the error recorded where it cannot be computed.
    fn deviation(
        &mut self,
        chain: &[(&'a ScoringRules, RuleBlock<'a>)],
        env: &Env,
        row: &Indicator,
    ) -> Option<(Decimal, Option<Trace>)> {
        let deviation_rule = chain
            .iter()
            .find_map(|(rules, block)| rules.deviation.as_ref().map(|d| (d, *block)));
        let Some((rule, block)) = deviation_rule else {
            return Some((Decimal::ZERO, None));
        };
        let raw = self.evaluate_num(
            rule,
            env,
            &row.actual.span,
            format_args!("{} 偏差度", row.name.value),
        )?;
        let d = self.ruleset.rounding.deviation.apply(raw);
        let trace = if self.options.trace {
            let note = self.rounding_notes.deviation.clone();
            self.trace(
                format!("{} · deviation", block.label()),
                rule,
                env,
                raw,
                percent_text(d),
                vec![note],
            )
        } else {
            None
        };
        Some((d, trace))
    }

    /// Whether a 偏差原因 is required: by the first block with a rule for it, else when the
    /// target is unmet; `None` with the error recorded where the rule cannot be computed.
    fn explanation_required(
        &mut self,
        chain: &[(&'a ScoringRules, RuleBlock<'a>)],
        env: &Env,
        row: &Indicator,
        met: bool,
    ) -> Option<bool> {
        match chain.iter().find_map(|(rules, _)| rules.explain.as_ref()) {
            Some(rule) => self.evaluate_bool(
                rule,
                env,
                &row.actual.span,
                format_args!("{} 偏差原因", row.name.value),
            ),
            None => Some(!met),
        }
    }
}

/// Which block of the rules a clause comes from; named only when a trace is asked for.
#[derive(Debug, Clone, Copy)]
enum RuleBlock<'r> {
    Indicator(&'r IndicatorRules),
    Quantitative,
    Qualitative,
}

impl RuleBlock<'_> {
    fn label(&self) -> String {
        match self {
            RuleBlock::Indicator(r) => format!("indicator {}", r.selector.join(" | ")),
            RuleBlock::Quantitative => "quantitative".into(),
            RuleBlock::Qualitative => "qualitative".into(),
        }
    }
}
