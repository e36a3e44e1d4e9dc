//! Worked examples carried by a rule file (`example "…" { … }`), run through the real engine.
//!
//! An example becomes a one-indicator form, is scored with its own ruleset, and each `expect`
//! is compared exactly with the engine's figure. `jixiao rules test` and the rules-language
//! reference use this, so every documented example is also a test.

use super::ruleset::{Example, ExpectedValue, RuleSet};
use crate::diag::Diagnostic;
use crate::rules::registry::Selection;
use crate::score::{self, ScoreOptions, ScoreSheet, Status};
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct ExampleOutcome {
    pub title: String,
    /// 1-based line of the example in the rule file.
    pub line: usize,
    /// One line per unmet expectation: what was expected and what the engine gave.
    pub failures: Vec<String>,
    /// The example could not be scored at all.
    pub errors: Vec<Diagnostic>,
}

impl ExampleOutcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.errors.is_empty()
    }
}

pub fn run_all(ruleset: &RuleSet) -> Vec<ExampleOutcome> {
    ruleset.examples.iter().map(|e| run(ruleset, e)).collect()
}

fn figure(example: &Example, key: &str) -> Option<Decimal> {
    example
        .figures
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| *v)
}

/// The example as a form file, so that it goes through the same loader and engine as any form.
fn form_text(ruleset: &RuleSet, example: &Example) -> Result<String, String> {
    use toml::{Table, Value};
    let budget = figure(example, "budget").unwrap_or(Decimal::ONE_HUNDRED);
    let executed = figure(example, "executed").unwrap_or(budget);
    let initial = figure(example, "initial").unwrap_or(budget);
    let mut form = Table::new();
    form.insert("kind".into(), Value::String(example.kind.name().into()));
    form.insert("year".into(), Value::Integer(i64::from(ruleset.years.from)));
    form.insert("project".into(), Value::String(example.title.clone()));
    form.insert("department".into(), Value::String(example.title.clone()));
    let mut b = Table::new();
    b.insert("initial".into(), Value::String(initial.to_string()));
    b.insert("adjusted".into(), Value::String(budget.to_string()));
    b.insert("executed".into(), Value::String(executed.to_string()));
    form.insert("budget".into(), Value::Table(b));
    if let Some(ind) = &example.indicator {
        let template = ruleset.template(example.kind).ok_or_else(|| {
            format!(
                "ruleset {} has no {} template",
                ruleset.label(),
                example.kind
            )
        })?;
        let mut level1 = None;
        let mut level2 = None;
        let mut name = None;
        for n in &ind.category {
            if let Some(i) = template.level1_index(n) {
                level1 = template.level1.get(i).map(|l| l.name().to_string());
            } else if let Some(l1) = template.level1.iter().find(|l| l.level2_index(n).is_some()) {
                level1 = Some(l1.name().to_string());
                level2 = Some(n.clone());
            } else {
                name = Some(n.clone());
            }
        }
        let level1 = level1
            .or_else(|| template.level1.first().map(|l| l.name().to_string()))
            .unwrap_or_else(|| "指标".into());
        let level2 = level2
            .or_else(|| {
                template
                    .level1
                    .iter()
                    .find(|l| l.name() == level1)
                    .and_then(|l| l.level2.first())
                    .and_then(|l| l.names.first().cloned())
            })
            .unwrap_or_else(|| "指标".into());
        let mut row = Table::new();
        row.insert("level1".into(), Value::String(level1));
        row.insert("level2".into(), Value::String(level2));
        row.insert(
            "name".into(),
            Value::String(name.unwrap_or_else(|| "示例指标".into())),
        );
        row.insert("target".into(), Value::String(ind.target.clone()));
        if let Some(actual) = &ind.actual {
            row.insert("actual".into(), Value::String(actual.clone()));
        }
        if !example.parts.is_empty() {
            row.insert("parts".into(), Value::Array(parts(example)));
        }
        row.insert("weight".into(), Value::String(ind.weight.to_string()));
        if let Some(claimed) = ind.claimed {
            row.insert("score".into(), Value::String(claimed.to_string()));
        }
        form.insert("indicators".into(), Value::Array(vec![Value::Table(row)]));
    }
    toml::to_string(&form).map_err(|e| e.to_string())
}

/// The example's `part …` lines as `[[indicators.parts]]` tables.
fn parts(example: &Example) -> Vec<toml::Value> {
    use toml::{Table, Value};
    example
        .parts
        .iter()
        .map(|p| {
            let mut part = Table::new();
            part.insert("name".into(), Value::String(p.name.clone()));
            part.insert("actual".into(), Value::String(p.actual.clone()));
            if let Some(funds) = p.funds {
                part.insert("funds".into(), Value::String(funds.to_string()));
            }
            Value::Table(part)
        })
        .collect()
}

pub fn run(ruleset: &RuleSet, example: &Example) -> ExampleOutcome {
    let line = ruleset.source.line_of(example.span.start);
    let mut outcome = ExampleOutcome {
        title: example.title.clone(),
        line,
        failures: Vec::new(),
        errors: Vec::new(),
    };
    let needs_sheet = example.expectations.iter().any(|e| e.key != "grade");
    let sheet = if needs_sheet {
        let scored = form_text(ruleset, example)
            .map_err(|m| vec![Diagnostic::error("rules::example", m)])
            .and_then(|text| {
                crate::form::load_str(&format!("example \"{}\"", example.title), &text)
            })
            .and_then(|form| {
                score::score(ruleset, &form, Selection::Override, ScoreOptions::default())
            });
        match scored {
            Ok(sheet) => Some(sheet),
            Err(errors) => {
                outcome.errors = errors;
                return outcome;
            }
        }
    } else {
        None
    };
    for expectation in &example.expectations {
        if let Some(failure) = check(
            ruleset,
            example,
            sheet.as_ref(),
            &expectation.key,
            &expectation.value,
        ) {
            outcome.failures.push(failure);
        }
    }
    outcome
}

/// A percentage written with or without `%` (`45.18%` or `45.18`), as a fraction.
fn as_fraction(value: &ExpectedValue) -> Option<Decimal> {
    match value {
        ExpectedValue::Number { value, text } if text.ends_with('%') => Some(*value),
        ExpectedValue::Number { value, .. } => value.checked_div(Decimal::ONE_HUNDRED),
        ExpectedValue::Word(_) => None,
    }
}

fn yes_no(value: &ExpectedValue) -> Option<bool> {
    match value {
        ExpectedValue::Word(w) if matches!(w.as_str(), "yes" | "true" | "是") => Some(true),
        ExpectedValue::Word(w) if matches!(w.as_str(), "no" | "false" | "否") => Some(false),
        _ => None,
    }
}

fn shown(value: &ExpectedValue) -> String {
    match value {
        ExpectedValue::Number { text, .. } => text.clone(),
        ExpectedValue::Word(w) => w.clone(),
    }
}

fn check(
    ruleset: &RuleSet,
    example: &Example,
    sheet: Option<&ScoreSheet>,
    key: &str,
    expected: &ExpectedValue,
) -> Option<String> {
    let want = shown(expected);
    let yes = |b: bool| {
        if b {
            "yes".to_string()
        } else {
            "no".to_string()
        }
    };
    let number = match expected {
        ExpectedValue::Number { value, .. } => Some(*value),
        ExpectedValue::Word(_) => None,
    };
    let row = sheet.and_then(|s| s.indicators.first());
    let (holds, got) = match key {
        "grade" => {
            let Some(total) = figure(example, "total") else {
                return Some(format!("expect grade {want}: the example needs `total N`"));
            };
            // `expect grade none`: the ruleset gives no grade.
            let got = match ruleset.graded() {
                true => ruleset.grade(total).to_string(),
                false => "none".to_string(),
            };
            (got == want, format!("{got} for a total of {total}"))
        }
        "execution" => {
            let got = sheet?.execution.score;
            (number == Some(got), got.to_string())
        }
        "explain-execution" => {
            let got = sheet?.execution.explanation_required;
            (yes_no(expected) == Some(got), yes(got))
        }
        "mismatch" => {
            // A claimed figure (`claimed N`) beyond the ruleset's tolerance.
            let found: Vec<String> = sheet?
                .mismatches()
                .iter()
                .map(|m| {
                    format!(
                        "{} {} claimed {}, computed {}",
                        m.row,
                        m.kind.field(),
                        m.claimed,
                        m.computed
                    )
                })
                .collect();
            let got = if found.is_empty() {
                "no".to_string()
            } else {
                format!("yes ({})", found.join("; "))
            };
            (yes_no(expected) == Some(!found.is_empty()), got)
        }
        "rate" => {
            let got = sheet?.execution.rate;
            (
                as_fraction(expected) == Some(got),
                crate::num::percent_text(got),
            )
        }
        "actual" => {
            // The actual as scored: for a row reported by parts, their combined figure.
            let got = row.map_or_else(|| "(no indicator)".to_string(), |r| r.actual.clone());
            (got == want, got)
        }
        "score" | "deviation" | "explain" | "met" | "tier" => {
            let Some(row) = row else {
                return Some(format!("expect {key} {want}: the example has no indicator"));
            };
            match key {
                "score" => (number == Some(row.score), row.score.to_string()),
                "deviation" => (
                    as_fraction(expected) == Some(row.deviation),
                    crate::num::percent_text(row.deviation),
                ),
                "explain" => (
                    yes_no(expected) == Some(row.explanation_required),
                    yes(row.explanation_required),
                ),
                "met" => {
                    let met = row.status == Status::Met;
                    (yes_no(expected) == Some(met), yes(met))
                }
                _ => {
                    let tier = row.tier.clone().unwrap_or_else(|| "(none)".into());
                    (tier == want, tier)
                }
            }
        }
        other => return Some(format!("unknown expectation `{other}`")),
    };
    (!holds).then(|| format!("expect {key} {want}: got {got}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_examples_pass() {
        for (_, name, text) in super::super::BUILTIN {
            let ruleset = super::super::load_str(name, text).unwrap();
            assert!(!ruleset.examples.is_empty(), "{name} has no examples");
            for outcome in run_all(&ruleset) {
                assert!(outcome.passed(), "{name}: {outcome:?}");
            }
        }
    }

    #[test]
    fn a_wrong_grade_fails() {
        let (_, name, text) = super::super::BUILTIN[0];
        let extra = "\nexample \"grade\" {\n  total 89.99\n  expect grade 优\n}\n";
        let ruleset = super::super::load_str(name, &format!("{text}{extra}")).unwrap();
        let outcome = run_all(&ruleset).pop().unwrap();
        assert_eq!(
            outcome.failures,
            vec!["expect grade 优: got 良 for a total of 89.99".to_string()]
        );
    }

    #[test]
    fn a_wrong_expectation_fails_and_names_the_example() {
        let (_, name, text) = super::super::BUILTIN[0];
        let broken = text.replace("expect execution 4.52", "expect execution 4.53");
        let ruleset = super::super::load_str(name, &broken).unwrap();
        let failed: Vec<_> = run_all(&ruleset)
            .into_iter()
            .filter(|o| !o.passed())
            .collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].title, "项目执行率 45.18% 得 4.52 分");
        assert_eq!(
            failed[0].failures,
            vec!["expect execution 4.53: got 4.52".to_string()]
        );
    }
}
