//! Rules evaluated for the engine: the variables every rule may read, a rule's figure with its
//! error located on the form, and the trace that says how a figure came about.

use super::{Engine, Trace, TraceInput};
use crate::diag::Diagnostic;
use crate::num::{ArithError, percent_text};
use crate::rules::expr::{Env, EvalError, Var};
use crate::rules::ruleset::RuleExpr;
use rust_decimal::Decimal;
use std::fmt::Display;

impl<'a> Engine<'a> {
    /// A rule's number, or `None` with the error (located at `at` on the form, named `what`)
    /// recorded: the form is then not scored.
    pub(super) fn evaluate_num(
        &mut self,
        expr: &RuleExpr,
        env: &Env,
        at: &std::ops::Range<usize>,
        what: impl Display,
    ) -> Option<Decimal> {
        match expr.expr.eval_num(env, self.ruleset) {
            Ok(v) => Some(v),
            Err(e) => {
                let d = self.eval_error(&e, expr, at, what);
                self.errors.push(d);
                None
            }
        }
    }

    /// A rule's condition, or `None` with the error recorded, as [`Engine::evaluate_num`].
    pub(super) fn evaluate_bool(
        &mut self,
        expr: &RuleExpr,
        env: &Env,
        at: &std::ops::Range<usize>,
        what: impl Display,
    ) -> Option<bool> {
        match expr.expr.eval_bool(env, self.ruleset) {
            Ok(v) => Some(v),
            Err(e) => {
                let d = self.eval_error(&e, expr, at, what);
                self.errors.push(d);
                None
            }
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
        what: impl Display,
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

    pub(super) fn arith_error(
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

    pub(super) fn trace(
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
    pub(super) fn form_env(&self) -> Env {
        let b = &self.form.budget;
        Env {
            initial: b.initial.as_ref().map(|f| f.value),
            budget: b.adjusted.as_ref().map(|f| f.value),
            executed: b.executed.as_ref().map(|f| f.value),
            rate: self.rate,
            ..Env::default()
        }
    }
}

/// A score lies between 0 and the weight: a rule that says otherwise is held to it, with a note.
pub(super) fn bound_score(raw: Decimal, weight: Decimal) -> (Decimal, Option<String>) {
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
