//! The engine: a ruleset and a form give a [`ScoreSheet`].
//!
//! Every figure is computed exactly, rounded where the rules say, and (on request) traced: the
//! rule, the formula and the inputs. Where the form does not fit its template, the problems are
//! collected on the sheet (`structure`) and scoring goes on, so that a reviewer sees both the
//! misfit and every score. Where a number cannot be computed at all (a budget of 0, a division by
//! zero in a rule), scoring fails with a located error.

pub mod claim;
pub mod parts;
mod place;
mod problem;
pub mod sheet;

pub use claim::{Agreement, Scale, agreement, beyond};
pub use parts::{PartScore, PartsScore};
pub use place::place_blank_level1;
pub use problem::{Problem, ProblemKind, diagnostics};
pub use sheet::*;

use crate::diag::Diagnostic;
use crate::form::{Field, Form, Indicator, Span};
use crate::num::{self, ArithError, percent_text};
use crate::rules::expr::{Env, EvalError, Var};
use crate::rules::registry::Selection;
use crate::rules::ruleset::{
    BudgetColumn, Clause, Guard, RuleExpr, RuleSet, ScoringRules, Template,
};
use crate::value::{self, Actual, Comparator, Target, Unit};
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

impl<'a> Engine<'a> {
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
        let level1 = self.structure_and_subtotals(template, &indicators, &sections);
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
        let total_trace = self.options.trace.then(|| Trace {
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
        });
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

    fn rule_source(&self, expr: &RuleExpr) -> String {
        match &expr.span {
            Some(span) => {
                let (line, _) = self.ruleset.source.line_col(span.start);
                format!("{}:{line}", self.ruleset.source.name())
            }
            None => "built-in default".into(),
        }
    }

    fn eval_error(
        &self,
        error: &EvalError,
        expr: &RuleExpr,
        at: &std::ops::Range<usize>,
        what: &str,
    ) -> Diagnostic {
        let rule_at = match &expr.span {
            Some(_) => {
                let (line, col) = self.ruleset.source.line_col(error.span.start);
                format!("{}:{line}:{col}", self.ruleset.source.name())
            }
            None => "the built-in default rules".into(),
        };
        Diagnostic::error(
            "score::eval",
            format!("{what}: 无法计算 (cannot compute): {}", error.message),
        )
        .at(&self.form.source, at.clone())
        .note(format!("rule at {rule_at}: {}", expr.text))
    }

    fn arith_error(
        &self,
        error: &ArithError,
        at: &std::ops::Range<usize>,
        what: &str,
    ) -> Diagnostic {
        Diagnostic::error(
            "score::arithmetic",
            format!("{what}: 无法计算 (cannot compute): {error}"),
        )
        .at(&self.form.source, at.clone())
    }

    fn trace(
        &self,
        rule: String,
        expr: &'a RuleExpr,
        env: &Env,
        raw: Decimal,
        result: String,
        notes: Vec<String>,
    ) -> Option<Trace> {
        if !self.options.trace {
            return None;
        }
        let inputs = expr
            .reads
            .iter()
            .map(|var| TraceInput {
                name: var.name().to_string(),
                value: shown(*var, env),
            })
            .collect();
        let (source, formula) = self.rule_texts(expr);
        Some(Trace {
            rule,
            source,
            formula,
            inputs,
            raw: raw.to_string(),
            result,
            notes,
        })
    }

    /// Where a rule is written and its formula with every named formula it uses. The rows of a
    /// form share a few rules: each is spelled out once per form.
    fn rule_texts(&self, expr: &'a RuleExpr) -> (String, String) {
        let mut cache = self.traced_rules.borrow_mut();
        if let Some((_, source, formula)) = cache.iter().find(|(e, _, _)| std::ptr::eq(*e, expr)) {
            return (source.clone(), formula.clone());
        }
        let mut formula = expr.text.clone();
        for (name, body) in self.formulas_used(expr) {
            formula.push_str(&format!("; {name} = {body}"));
        }
        let source = self.rule_source(expr);
        cache.push((expr, source.clone(), formula.clone()));
        (source, formula)
    }

    /// The named formulas an expression refers to, directly or through other formulas.
    fn formulas_used(&self, expr: &RuleExpr) -> Vec<(String, String)> {
        let mut found: Vec<usize> = Vec::new();
        let mut queue = vec![&expr.expr];
        while let Some(e) = queue.pop() {
            let mut referenced = Vec::new();
            e.visit(&mut |node| {
                if let crate::rules::expr::CKind::Formula(i) = node.kind {
                    referenced.push(i);
                }
            });
            for i in referenced {
                if !found.contains(&i) {
                    found.push(i);
                    queue.extend(self.ruleset.formulas.get(i));
                }
            }
        }
        found
            .into_iter()
            .filter_map(|i| {
                let name = self.ruleset.formula_names.get(i)?;
                let body = self.ruleset.formula_texts.get(i)?;
                Some((name.clone(), body.clone()))
            })
            .collect()
    }

    /// The form-wide variables every rule may read.
    fn form_env(&self) -> Env {
        let b = &self.form.budget;
        Env {
            initial: b.initial.as_ref().map(|f| f.value),
            budget: b.adjusted.as_ref().map(|f| f.value),
            executed: b.executed.as_ref().map(|f| f.value),
            rate: self.rate,
            ..Env::default()
        }
    }

    fn execution(&mut self, template: &'a Template) -> Option<ExecutionScore> {
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
        let explanation_required = match &rule.explain {
            Some(explain) => match explain.expr.eval_bool(&env, self.ruleset) {
                Ok(v) => v,
                Err(e) => {
                    let d = self.eval_error(&e, explain, &b.span, "执行率偏差原因");
                    self.errors.push(d);
                    false
                }
            },
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
        let raw = match rule.formula.expr.eval_num(&env, self.ruleset) {
            Ok(v) => v,
            Err(e) => {
                let d = self.eval_error(&e, &rule.formula, &self.form.budget.span, "执行率得分");
                self.errors.push(d);
                return None;
            }
        };
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

    fn sources(&mut self, template: &Template) -> Vec<SourceRate> {
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

    /// Fixed sections score what the unit claims (they are judgement items), within their weight.
    fn sections(&mut self, template: &Template) -> Vec<SectionScore> {
        let form = self.form;
        let mut out = Vec::new();
        for section in &form.sections {
            let rule = template
                .sections
                .iter()
                .find(|s| s.name == section.name.value);
            if rule.is_none() {
                let names: Vec<&str> = template.sections.iter().map(|s| s.name.as_str()).collect();
                self.structure.push(
                    Problem::warning(
                        ProblemKind::UnknownSection,
                        format!("{} 不在{}的{}表模板中 (section {} is not part of the {} template of {})", section.name.value, self.ruleset.label(), form.kind.value, section.name.value, form.kind.value, self.ruleset.label()),
                    )
                    .at(&form.source, section.name.span.clone())
                    .label(if names.is_empty() { "this template has no fixed sections".to_string() } else { format!("expected {}", names.join(", ")) }),
                );
            }
            let mut items = Vec::new();
            for item in &section.items {
                let rule_weight = rule
                    .and_then(|r| r.items.iter().find(|(n, _)| *n == item.name.value))
                    .map(|(_, w)| *w);
                if let Some(rule) = rule {
                    match rule_weight {
                        None => self.structure.push(
                            Problem::warning(
                                ProblemKind::UnknownItem,
                                format!(
                                    "{} 不是{}的评分项 (`{}` is not an item of {})",
                                    item.name.value, rule.name, item.name.value, rule.name
                                ),
                            )
                            .at(&form.source, item.name.span.clone())
                            .label(format!(
                                "expected {}",
                                rule.items
                                    .iter()
                                    .map(|(n, _)| n.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        ),
                        Some(w) => {
                            if let Some(printed) = item.weight.as_ref().filter(|p| p.value != w) {
                                self.structure.push(
                                    Problem::warning(ProblemKind::Weight, format!("{} 的分值 {} 与规则的 {w} 不符 (the weight of {} is {}, the rules say {w})", item.name.value, printed.text, item.name.value, printed.text))
                                        .at(&form.source, printed.span.clone()),
                                );
                            }
                        }
                    }
                }
                let weight = rule_weight
                    .or(crate::form::value_of(&item.weight))
                    .unwrap_or_default();
                let (score, note) = match &item.score {
                    None => (
                        Decimal::ZERO,
                        Some("未填写得分，按 0 计 (no score entered; counted as 0)".to_string()),
                    ),
                    Some(s) if s.value > weight => (
                        weight,
                        Some(format!(
                            "得分 {} 超过分值，按 {weight} 计 (the score is above the weight; counted as {weight})",
                            s.text
                        )),
                    ),
                    Some(s) if s.value.is_sign_negative() && !s.value.is_zero() => (
                        Decimal::ZERO,
                        Some("得分为负，按 0 计 (a negative score counts as 0)".to_string()),
                    ),
                    Some(s) => (self.ruleset.rounding.score.apply(s.value), None),
                };
                items.push(SectionItemScore {
                    name: item.name.value.clone(),
                    line: form.line_of(&item.span),
                    weight,
                    score,
                    claimed: claimed(form, &item.score),
                    note,
                });
            }
            if let Some(rule) = rule {
                for (name, _) in &rule.items {
                    if !section.items.iter().any(|i| i.name.value == *name) {
                        self.structure.push(
                            Problem::warning(
                                ProblemKind::MissingItem,
                                format!(
                                    "{} 缺少评分项 {name} (section {} lacks the item {name})",
                                    rule.name, rule.name
                                ),
                            )
                            .at(&form.source, section.name.span.clone()),
                        );
                    }
                }
            }
            let weight = items
                .iter()
                .map(|i| i.weight)
                .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
            let score = items
                .iter()
                .map(|i| i.score)
                .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
            out.push(SectionScore {
                name: section.name.value.clone(),
                weight,
                score,
                items,
            });
        }
        for rule in &template.sections {
            if !form.sections.iter().any(|s| s.name.value == rule.name) {
                self.structure.push(
                    Problem::warning(
                        ProblemKind::MissingSection,
                        format!(
                            "缺少{}（{}分）(the form lacks the section {}, worth {} points)",
                            rule.name, rule.weight, rule.name, rule.weight
                        ),
                    )
                    .at(&form.source, form.kind.span.clone())
                    .help(format!(
                        "add [[sections]] name = \"{}\" with its items: {}",
                        rule.name,
                        rule.items
                            .iter()
                            .map(|(n, w)| format!("{n} {w}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
        out
    }

    fn indicator(&mut self, row: &Indicator) -> Option<IndicatorScore> {
        let form = self.form;
        // A row reported by parts is scored on their combined actual (`parts.rs`).
        let combined = parts::combine(self.ruleset, form, row);
        let row = combined.as_ref().map_or(row, |c| &c.row);
        self.structure
            .extend(combined.iter().flat_map(|c| c.findings.iter().cloned()));
        let weight = row.weight.value;
        let base = IndicatorScore {
            level1: row.level1.value.clone(),
            level2: row.level2.value.clone(),
            name: row.name.value.clone(),
            line: form.line_of(&row.span),
            kind: IndicatorKind::NotApplicable,
            target: row.target.text.clone(),
            actual: row.actual.text.clone(),
            weight,
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
            parts: combined.as_ref().map(|c| c.summary.clone()),
        };
        let mut env = self.form_env();
        env.weight = Some(weight);

        if row.weight.text.trim().is_empty() && row.score.is_some() {
            let why = "没有分值，得分无法核对 (no weight is printed: the score cannot be checked)"
                .to_string();
            let kind = match row.target.value {
                Target::Qualitative { .. } => IndicatorKind::Qualitative,
                _ => IndicatorKind::Quantitative,
            };
            return Some(self.unverifiable(
                row,
                base,
                kind,
                ProblemKind::NoWeight,
                why,
                &row.name.span,
            ));
        }
        let mut degree_note = None;
        let mut direction_note = None;
        let (kind, comparator, tier) = match (&row.target.value, &row.actual.value) {
            (Target::NotApplicable, _) | (_, Actual::NotApplicable) => {
                if !weight.is_zero() {
                    self.structure.push(
                        Problem::warning(ProblemKind::NotApplicableWeight, format!("{} 标为不适用却有分值 {} (the row is marked not applicable but carries {} points)", row.name.value, row.weight.text, row.weight.text))
                            .at(&form.source, row.weight.span.clone())
                            .help("give a not-applicable row a weight of 0, or fill in its target and actual"),
                    );
                }
                return Some(base);
            }
            (
                Target::Quantitative {
                    comparator,
                    quantity,
                },
                Actual::Quantity(actual),
            ) => {
                let (target_value, actual_value) = match value::align(quantity, actual) {
                    Ok(pair) => pair,
                    Err(m) => {
                        let why = format!("{m}: 无法比较 (the two cannot be compared)");
                        return Some(self.unverifiable(
                            row,
                            base,
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
                let (Ok(t), Ok(a)) = (num::div(target_value, scale), num::div(actual_value, scale))
                else {
                    self.errors.push(
                        Diagnostic::error(
                            "score::arithmetic",
                            "数值超出范围 (number out of range)",
                        )
                        .at(&form.source, row.actual.span.clone()),
                    );
                    return None;
                };
                let comparator = match comparator {
                    Some(c) => *c,
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
                (IndicatorKind::Quantitative, comparator, None)
            }
            (Target::Blank, _) | (_, Actual::Blank) => {
                let (cell, span) = if matches!(row.target.value, Target::Blank) {
                    ("年度指标值", &row.target.span)
                } else {
                    ("实际完成值", &row.actual.span)
                };
                let why = format!(
                    "{cell}为空，得分无法核对 (the {cell} is blank: the score cannot be checked)"
                );
                let kind = match row.target.value {
                    Target::Qualitative { .. } => IndicatorKind::Qualitative,
                    _ => IndicatorKind::Quantitative,
                };
                return Some(self.unverifiable(row, base, kind, ProblemKind::BlankCell, why, span));
            }
            (Target::Qualitative { words, .. }, actual) => {
                let (degree, tier, note) = match self.degree(row, words, actual) {
                    Ok(x) => x,
                    Err(why) => {
                        return Some(self.unverifiable(
                            row,
                            base,
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
                degree_note = note;
                (IndicatorKind::Qualitative, Comparator::Ge, tier)
            }
            (Target::Quantitative { .. }, Actual::Word(w)) => {
                let why = format!(
                    "定量指标的实际完成值是文字「{w}」，得分无法核对 (a quantitative target with a word as its actual: the score cannot be checked)"
                );
                return Some(self.unverifiable(
                    row,
                    base,
                    IndicatorKind::Quantitative,
                    ProblemKind::Actual,
                    why,
                    &row.actual.span,
                ));
            }
        };
        let met = env.met.unwrap_or(false);
        let specific =
            self.ruleset
                .rules_for(&row.level1.value, &row.level2.value, &row.name.value);
        let default_rules = match kind {
            IndicatorKind::Qualitative => &self.ruleset.qualitative,
            _ => &self.ruleset.quantitative,
        };
        let mut chain: Vec<(&ScoringRules, RuleBlock<'_>)> = Vec::with_capacity(specific.len() + 1);
        chain.extend(specific.iter().map(|r| (&r.rules, RuleBlock::Indicator(r))));
        chain.push((
            default_rules,
            if kind == IndicatorKind::Qualitative {
                RuleBlock::Qualitative
            } else {
                RuleBlock::Quantitative
            },
        ));

        let tier_name = tier.clone().or_else(|| {
            env.degree
                .and_then(|d| self.ruleset.tier_of(d))
                .map(|t| t.name.clone())
        });
        let (clause, block) = match self.select_clause(&chain, &env, comparator, row) {
            Ok(Some(found)) => found,
            Ok(None) => {
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
                    .at(&form.source, row.target.span.clone())
                    .note(format!("ruleset {}", self.ruleset.label())),
                );
                return None;
            }
            Err(d) => {
                self.errors.push(*d);
                return None;
            }
        };
        let raw = match clause.body.expr.eval_num(&env, self.ruleset) {
            Ok(v) => v,
            Err(e) => {
                let d = self.eval_error(
                    &e,
                    &clause.body,
                    &row.actual.span,
                    &format!("{} 得分", row.name.value),
                );
                self.errors.push(d);
                return None;
            }
        };
        // Rounded first, then held within the weight (see `execution`).
        let rounded = self.ruleset.rounding.score.apply(raw);
        let (score, clamped) = bound_score(rounded, weight);
        let score_trace = if self.options.trace {
            let mut notes: Vec<String> = combined.iter().filter_map(|c| c.trace_note()).collect();
            notes.extend(clamped);
            notes.push(self.rounding_notes.score.clone());
            if let Some(note) = direction_note {
                notes.push(note);
            }
            if let Some(note) = degree_note {
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

        let deviation_rule = chain
            .iter()
            .find_map(|(rules, block)| rules.deviation.as_ref().map(|d| (d, *block)));
        let (deviation, deviation_trace) = match deviation_rule {
            Some((rule, block)) => match rule.expr.eval_num(&env, self.ruleset) {
                Ok(raw) => {
                    let d = self.ruleset.rounding.deviation.apply(raw);
                    let trace = if self.options.trace {
                        let note = self.rounding_notes.deviation.clone();
                        self.trace(
                            format!("{} · deviation", block.label()),
                            rule,
                            &env,
                            raw,
                            percent_text(d),
                            vec![note],
                        )
                    } else {
                        None
                    };
                    (d, trace)
                }
                Err(e) => {
                    let d = self.eval_error(
                        &e,
                        rule,
                        &row.actual.span,
                        &format!("{} 偏差度", row.name.value),
                    );
                    self.errors.push(d);
                    return None;
                }
            },
            None => (Decimal::ZERO, None),
        };
        env.score = Some(score);
        env.deviation = Some(deviation);
        let explanation_required = match chain.iter().find_map(|(rules, _)| rules.explain.as_ref())
        {
            Some(rule) => match rule.expr.eval_bool(&env, self.ruleset) {
                Ok(v) => v,
                Err(e) => {
                    let d = self.eval_error(
                        &e,
                        rule,
                        &row.actual.span,
                        &format!("{} 偏差原因", row.name.value),
                    );
                    self.errors.push(d);
                    return None;
                }
            },
            None => !met,
        };
        Some(IndicatorScore {
            kind,
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

    /// A row the rules cannot score (a blank cell, units that do not compare, a word where a
    /// number belongs): the unit's claimed score is taken within the weight, unchecked, as for a
    /// judgement item, and a located note says why.
    fn unverifiable(
        &mut self,
        row: &Indicator,
        base: IndicatorScore,
        kind: IndicatorKind,
        code: ProblemKind,
        why: String,
        at: &Span,
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

    fn select_clause<'r>(
        &self,
        chain: &[(&'r ScoringRules, RuleBlock<'r>)],
        env: &Env,
        comparator: Comparator,
        row: &Indicator,
    ) -> Result<Option<(&'r Clause, RuleBlock<'r>)>, Box<Diagnostic>> {
        let met = env.met.unwrap_or(false);
        for (rules, block) in chain {
            for clause in &rules.clauses {
                let applies = match &clause.guard {
                    Guard::Always => true,
                    Guard::Met => met,
                    Guard::Unmet(ops) => !met && (ops.is_empty() || ops.contains(&comparator)),
                    Guard::ZeroTarget => env.target.is_some_and(|t| t.is_zero()),
                    Guard::When(cond) => match cond.expr.eval_bool(env, self.ruleset) {
                        Ok(v) => v,
                        Err(e) => {
                            return Err(Box::new(self.eval_error(
                                &e,
                                cond,
                                &row.actual.span,
                                &format!("{} 得分条件", row.name.value),
                            )));
                        }
                    },
                };
                if applies {
                    return Ok(Some((clause, *block)));
                }
            }
        }
        Ok(None)
    }

    /// Check the rows against the template and add up the level-1 subtotals.
    fn structure_and_subtotals(
        &mut self,
        template: &Template,
        rows: &[IndicatorScore],
        sections: &[SectionScore],
    ) -> Vec<Level1Subtotal> {
        let form = self.form;
        let ruleset_label = self.ruleset.label();
        let mut subtotals: Vec<Level1Subtotal> = template
            .level1
            .iter()
            .map(|l| Level1Subtotal {
                name: l.name().to_string(),
                rule_weight: l.weight,
                weight: Decimal::ZERO,
                score: Decimal::ZERO,
            })
            .collect();
        let mut reported_level1: Vec<String> = Vec::new();
        let mut reported_level2: Vec<(String, String)> = Vec::new();
        // Rows (and empty category rows) whose names the template does not know.
        let names = form
            .indicators
            .iter()
            .map(|i| (&i.level1, &i.level2))
            .collect::<Vec<_>>();
        // A flat template (`indicators 90 { }`) names no level-1 group: it takes the rows as
        // the form prints them, so no row's level-1 is unknown to it.
        let flat = template.level1.is_empty();
        for (level1, level2) in names {
            match template.level1_index(&level1.value) {
                None if flat => {}
                None => {
                    if !reported_level1.contains(&level1.value) {
                        reported_level1.push(level1.value.clone());
                        let count = form
                            .indicators
                            .iter()
                            .filter(|i| i.level1.value == level1.value)
                            .count();
                        let expected: Vec<&str> =
                            template.level1.iter().map(|l| l.name()).collect();
                        self.structure.push(
                            Problem::warning(ProblemKind::UnknownLevel1, format!("一级指标 {} 不在 {} 的{}表模板中 (level-1 indicator {} is not in the {} template of {}; {count} row(s))", level1.value, ruleset_label, form.kind.value, level1.value, form.kind.value, ruleset_label))
                                .at(&form.source, level1.span.clone())
                                .label(format!("expected {}", expected.join(", "))),
                        );
                    }
                }
                Some(i) => {
                    // `i` is the position `level1_index` found in `template.level1`.
                    let rule = &template.level1[i];
                    if !rule.level2.is_empty()
                        && rule.level2_index(&level2.value).is_none()
                        && !reported_level2.contains(&(level1.value.clone(), level2.value.clone()))
                    {
                        reported_level2.push((level1.value.clone(), level2.value.clone()));
                        let expected: Vec<&str> = rule
                            .level2
                            .iter()
                            .filter_map(|l| l.names.first().map(String::as_str))
                            .collect();
                        self.structure.push(
                            Problem::warning(ProblemKind::UnknownLevel2, format!("二级指标 {} 不属于 {} (level-2 indicator {} is not under {} in {})", level2.value, rule.name(), level2.value, rule.name(), ruleset_label))
                                .at(&form.source, level2.span.clone())
                                .label(format!("expected {}", expected.join(", "))),
                        );
                    }
                }
            }
        }
        let mut extra: Vec<Level1Subtotal> = Vec::new();
        for row in rows {
            let slot = match template.level1_index(&row.level1) {
                Some(i) => subtotals.get_mut(i),
                None => {
                    if !extra.iter().any(|e| e.name == row.level1) {
                        extra.push(Level1Subtotal {
                            name: row.level1.clone(),
                            rule_weight: None,
                            weight: Decimal::ZERO,
                            score: Decimal::ZERO,
                        });
                    }
                    extra.iter_mut().find(|e| e.name == row.level1)
                }
            };
            if let Some(slot) = slot {
                slot.weight = slot.weight.checked_add(row.weight).unwrap_or(slot.weight);
                slot.score = slot.score.checked_add(row.score).unwrap_or(slot.score);
            }
        }
        // An absent level-1 with `absent -> X` passes its weight to X.
        for (i, rule) in template.level1.iter().enumerate() {
            let present = rows.iter().any(|r| rule.matches(&r.level1));
            if let (false, Some(to), Some(weight)) = (present, rule.absent_to, rule.weight) {
                if let Some(s) = subtotals.get_mut(i) {
                    s.rule_weight = Some(Decimal::ZERO);
                }
                if let Some(target) = subtotals.get_mut(to) {
                    target.rule_weight = target.rule_weight.and_then(|w| w.checked_add(weight));
                }
            }
        }
        for (i, rule) in template.level1.iter().enumerate() {
            let Some(subtotal) = subtotals.get(i) else {
                continue;
            };
            let first_row = form
                .indicators
                .iter()
                .find(|r| rule.matches(&r.level1.value));
            if let Some(want) = subtotal.rule_weight
                && subtotal.weight != want
            {
                let at = first_row
                    .map(|r| r.level1.span.clone())
                    .unwrap_or(form.kind.span.clone());
                self.structure.push(
                        Problem::warning(ProblemKind::Weights, format!("{} 下各三级指标分值之和为 {}，应为 {want} (the weights under {} add up to {}, not {want})", rule.name(), subtotal.weight, rule.name(), subtotal.weight))
                            .at(&form.source, at),
                    );
            }
            for l2 in &rule.level2 {
                let Some(want) = l2.weight else { continue };
                let under: Vec<&IndicatorScore> = rows
                    .iter()
                    .filter(|r| rule.matches(&r.level1) && l2.names.contains(&r.level2))
                    .collect();
                let sum = under
                    .iter()
                    .map(|r| r.weight)
                    .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
                if sum != want && subtotal.rule_weight != Some(Decimal::ZERO) {
                    let l2_name = l2.names.first().map_or("", String::as_str);
                    let at = form
                        .indicators
                        .iter()
                        .find(|r| {
                            rule.matches(&r.level1.value) && l2.names.contains(&r.level2.value)
                        })
                        .map(|r| r.level2.span.clone())
                        .or(first_row.map(|r| r.level1.span.clone()))
                        .unwrap_or(form.kind.span.clone());
                    self.structure.push(
                        Problem::warning(ProblemKind::Weights, format!("{} 下各三级指标分值之和为 {sum}，应为 {want} (the weights under {}/{} add up to {sum}, not {want})", l2_name, rule.name(), l2_name))
                            .at(&form.source, at),
                    );
                }
            }
        }
        let indicator_weight = subtotals
            .iter()
            .chain(extra.iter())
            .map(|s| s.weight)
            .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
        if let Some(total) = template.indicators_total
            && indicator_weight != total
        {
            self.structure.push(
                    Problem::warning(ProblemKind::Weights, format!("绩效指标分值合计为 {indicator_weight}，应为 {total} (the indicator weights add up to {indicator_weight}, not {total})"))
                        .at(&form.source, form.kind.span.clone()),
                );
        }
        let section_weight = template
            .sections
            .iter()
            .map(|s| s.weight)
            .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
        let _ = sections;
        let grand = template
            .execution
            .weight
            .checked_add(section_weight)
            .and_then(|w| w.checked_add(indicator_weight));
        if grand != Some(Decimal::ONE_HUNDRED)
            && self
                .structure
                .iter()
                .all(|p| p.kind != ProblemKind::Weights)
        {
            self.structure.push(
                Problem::warning(
                    ProblemKind::Weights,
                    format!(
                        "全表分值合计为 {}，应为 100 (the form's weights add up to {}, not 100)",
                        grand.map_or("?".into(), |g| g.to_string()),
                        grand.map_or("?".into(), |g| g.to_string())
                    ),
                )
                .at(&form.source, form.kind.span.clone()),
            );
        }
        subtotals.extend(extra);
        // Weights add up with the scale of their longest term (3.5 + 3 = 6.5, 12.5 + 12.5 = 25.0);
        // show them as a person writes them.
        for s in &mut subtotals {
            s.weight = s.weight.normalize();
        }
        subtotals
    }
}

fn shown_sum(parts: impl Iterator<Item = Decimal>) -> String {
    num::sum(parts).map_or_else(|e| e.to_string(), |s| s.to_string())
}

/// A score lies between 0 and the weight: a rule that says otherwise is held to it, with a note.
fn bound_score(raw: Decimal, weight: Decimal) -> (Decimal, Option<String>) {
    // A negative weight (a finding of its own) gives no points at all.
    let cap = weight.max(Decimal::ZERO);
    if raw > cap {
        (
            cap,
            Some(format!("{raw} is above the weight; held to {cap}")),
        )
    } else if raw.is_sign_negative() && !raw.is_zero() {
        (Decimal::ZERO, Some(format!("{raw} is below 0; held to 0")))
    } else {
        (raw, None)
    }
}

/// Which block of the rules a clause comes from; named only when a trace is asked for.
#[derive(Debug, Clone, Copy)]
enum RuleBlock<'r> {
    Indicator(&'r crate::rules::ruleset::IndicatorRules),
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

fn shown(var: Var, env: &Env) -> String {
    match env.get(var) {
        Ok(value) => match var {
            Var::Rate | Var::Degree => match value {
                crate::rules::expr::Evaluated::Num(n) => percent_text(n),
                other => other.to_string(),
            },
            _ => value.to_string(),
        },
        Err(_) => "—".into(),
    }
}
