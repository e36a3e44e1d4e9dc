//! The budget execution block: the execution rate (over the column the rules name, or the one
//! the form prints), its score by the template's formula, and the rates of the fund sources.

use super::Problem;
use super::evaluate::bound_score;
use super::{Engine, ExecutionScore, ProblemKind, SourceRate, Trace, TraceInput, claimed};
use crate::form::Field;
use crate::num::{self, ArithError, percent_text};
use crate::rules::expr::Env;
use crate::rules::ruleset::{BudgetColumn, Template};
use rust_decimal::Decimal;

impl<'a> Engine<'a> {
    pub(super) fn execution(&mut self, template: &'a Template) -> Option<ExecutionScore> {
        let rule = &template.execution;
        let b = &self.form.budget;
        let (named, printed, other) = match rule.denominator {
            BudgetColumn::Adjusted => (
                b.adjusted.as_ref(),
                b.has_adjusted_column,
                b.initial.as_ref(),
            ),
            BudgetColumn::Initial => (
                b.initial.as_ref(),
                b.has_initial_column,
                b.adjusted.as_ref(),
            ),
        };
        // A layout that prints only the other budget column (预算数(A) as 年初预算数): the rate is
        // taken over the column the form has, and the reader is told. A blank cell in a column
        // the form does print is no such layout.
        let denominator_field = named.or_else(|| {
            let other_field = other.filter(|_| !printed)?;
            self.structure.push(
                Problem::warning(
                    ProblemKind::Denominator,
                    format!(
                        "表中没有{}，执行率按表中的预算数计算 (the form prints no {}: the rate is taken over the budget column it has)",
                        rule.denominator.name(),
                        rule.denominator.name()
                    ),
                )
                .at(&self.form.source, other_field.span.clone()),
            );
            Some(other_field)
        });
        let Some((raw_rate, denominator, executed)) =
            self.computed_rate(rule.denominator, denominator_field)
        else {
            return self.execution_as_printed(template);
        };
        let rate = self.ruleset.rounding.rate.apply(raw_rate);
        self.rate = Some(rate);
        let rate_trace = self.options.trace.then(|| Trace {
            rule: format!("form {} · execution rate", template.kind),
            source: "built-in".into(),
            formula: format!(
                "executed / {}",
                if rule.denominator == BudgetColumn::Adjusted {
                    "budget"
                } else {
                    "initial"
                }
            ),
            inputs: vec![
                TraceInput {
                    name: "executed".into(),
                    value: executed.to_string(),
                },
                TraceInput {
                    name: if rule.denominator == BudgetColumn::Adjusted {
                        "budget"
                    } else {
                        "initial"
                    }
                    .into(),
                    value: denominator.to_string(),
                },
            ],
            raw: raw_rate.to_string(),
            result: percent_text(rate),
            notes: vec![format!(
                "rounded {} (as a fraction)",
                self.ruleset.rounding.rate
            )],
        });
        let (score, trace, env) = self.execution_score(template, rate, None)?;
        // A condition that cannot be computed is an error, and asks for no reason.
        let explanation_required = match &rule.explain {
            Some(explain) => self
                .evaluate_bool(explain, &env, &b.span, "执行率偏差原因")
                .unwrap_or(false),
            None => false,
        };
        if let Some(w) = &b.weight
            && w.value != rule.weight
        {
            self.structure.push(
                    Problem::warning(ProblemKind::ExecutionWeight, format!("执行率分值 {} 与规则的 {} 不符 (the execution weight {} differs from the rules' {})", w.text, rule.weight, w.text, rule.weight))
                        .at(&self.form.source, w.span.clone()),
                );
        }
        Some(ExecutionScore {
            weight: rule.weight,
            denominator: rule.denominator.name(),
            rate,
            score,
            claimed_rate: claimed(self.form, &b.rate),
            claimed_score: claimed(self.form, &b.score),
            explanation_required,
            has_explanation: b
                .explanation
                .as_deref()
                .is_some_and(crate::form::is_a_reason),
            rate_trace,
            trace,
        })
    }

    /// The execution rate from the budget block: (unrounded rate, denominator, executed), or
    /// `None` (with a located note) when a figure it needs is blank or the denominator is 0.
    fn computed_rate(
        &mut self,
        column: BudgetColumn,
        denominator: Option<&Field<Decimal>>,
    ) -> Option<(Decimal, Decimal, Decimal)> {
        let b = &self.form.budget;
        let (Some(denominator), Some(executed)) = (denominator, b.executed.as_ref()) else {
            let missing = if denominator.is_none() {
                column.name()
            } else {
                "全年执行数"
            };
            self.structure.push(
                Problem::warning(
                    ProblemKind::ExecutionUnverifiable,
                    format!("{missing}未填写，执行率无法计算 (the {missing} is not given, so the execution rate cannot be computed)"),
                )
                .at(&self.form.source, b.span.start..b.span.start),
            );
            return None;
        };
        match num::div(executed.value, denominator.value) {
            Ok(rate) => Some((rate, denominator.value, executed.value)),
            Err(ArithError::DivisionByZero { .. }) => {
                self.structure.push(
                    Problem::warning(
                        ProblemKind::ZeroBudget,
                        format!(
                            "{}为0，无法计算执行率 (the {} is 0, so the execution rate is undefined)",
                            column.name(),
                            column.name()
                        ),
                    )
                    .at(&self.form.source, denominator.span.clone())
                    .label("expected a budget above 0"),
                );
                None
            }
            Err(e) => {
                let d = self.arith_error(&e, &executed.span, "执行率");
                self.errors.push(d);
                None
            }
        }
    }

    /// The rules' execution score of a rate: the template's formula, bounded by the weight and
    /// rounded, with its trace (`basis` says where the rate came from when not from the amounts),
    /// and the variables it was computed with.
    fn execution_score(
        &mut self,
        template: &'a Template,
        rate: Decimal,
        basis: Option<&str>,
    ) -> Option<(Decimal, Option<Trace>, Env)> {
        let rule = &template.execution;
        let mut env = self.form_env();
        env.weight = Some(rule.weight);
        env.rate = Some(rate);
        let raw = self.evaluate_num(&rule.formula, &env, &self.form.budget.span, "执行率得分")?;
        // Rounded first, then held within the weight: rounding to whole points must not lift a
        // score past a weight that is not a whole number.
        let rounded = self.ruleset.rounding.execution.apply(raw);
        let (score, clamped) = bound_score(rounded, rule.weight);
        let trace = if self.options.trace {
            let mut notes: Vec<String> = basis.map(str::to_string).into_iter().collect();
            notes.extend(clamped);
            notes.push(format!("rounded {}", self.ruleset.rounding.execution));
            let label = format!("form {} · execution", template.kind);
            self.trace(label, &rule.formula, &env, raw, score.to_string(), notes)
        } else {
            None
        };
        Some((score, trace, env))
    }

    /// Execution where the budget block cannot give the rate: the printed rate (and the rules'
    /// score of it) where one is printed, else 0, said in the trace.
    fn execution_as_printed(&mut self, template: &'a Template) -> Option<ExecutionScore> {
        let rule = &template.execution;
        let b = &self.form.budget;
        let printed = b.rate.as_ref().map(|r| r.value);
        let rate = printed.unwrap_or(Decimal::ZERO);
        self.rate = Some(rate);
        let basis = if printed.is_some() {
            "the rate as printed (the amounts do not give it)"
        } else {
            "no rate: neither the amounts nor a printed rate give it, counted 0%"
        };
        let (score, trace, _) = self.execution_score(template, rate, Some(basis))?;
        Some(ExecutionScore {
            weight: rule.weight,
            denominator: rule.denominator.name(),
            rate,
            score,
            // The printed rate is the input here, not a claim to check against itself.
            claimed_rate: None,
            claimed_score: claimed(self.form, &b.score),
            explanation_required: false,
            has_explanation: b
                .explanation
                .as_deref()
                .is_some_and(crate::form::is_a_reason),
            rate_trace: None,
            trace,
        })
    }

    pub(super) fn sources(&mut self, template: &Template) -> Vec<SourceRate> {
        self.form
            .budget
            .sources
            .iter()
            .map(|s| {
                let denominator = match template.execution.denominator {
                    BudgetColumn::Adjusted => s.adjusted.as_ref(),
                    BudgetColumn::Initial => s.initial.as_ref(),
                };
                let rate = match (denominator, &s.executed) {
                    (Some(d), Some(e)) => num::div(e.value, d.value)
                        .ok()
                        .map(|r| self.ruleset.rounding.rate.apply(r)),
                    _ => None,
                };
                SourceRate {
                    name: s.name.value.clone(),
                    line: self.form.line_of(&s.span),
                    rate,
                    claimed_rate: claimed(self.form, &s.rate),
                }
            })
            .collect()
    }
}
