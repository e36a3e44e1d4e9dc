//! Snapshot guard for rule revisions: every form under `evaluations/`, scored with every shipped
//! ruleset that accepts it (its years include the form's year and it has a template for the
//! form's kind). Each figure is shown with the rule and formula that gave it, so that a change to
//! a rule file shows up here as a reviewable diff (`cargo insta review`), and no score changes
//! unless somebody meant it to. A form that does not fit a template snapshots its located errors.
//!
//! CI runs `cargo insta test --unreferenced=reject`, so a snapshot left behind by a removed form
//! or ruleset fails the build too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::num::percent_text;
use jixiao::rules::Registry;
use jixiao::rules::registry::Selection;
use jixiao::score::{ScoreOptions, ScoreSheet, Trace};
use std::fmt::Write;

fn rule(trace: &Option<Trace>) -> String {
    match trace {
        Some(t) => {
            let inputs: Vec<String> = t
                .inputs
                .iter()
                .map(|i| format!("{} = {}", i.name, i.value))
                .collect();
            format!("{}: {} [{}]", t.rule, t.formula, inputs.join(", "))
        }
        None => "(no trace)".into(),
    }
}

/// One line per figure: value, then the rule that gave it.
fn figures(sheet: &ScoreSheet) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · {} · {} · {}",
        sheet.ruleset, sheet.name, sheet.kind, sheet.year
    );
    let _ = writeln!(out, "自评得分 {} · 等级 {}", sheet.total, sheet.grade);
    if let Some(t) = &sheet.total_trace {
        for note in &t.notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    let e = &sheet.execution;
    let _ = writeln!(
        out,
        "执行率 {} · 得分 {} of {} · 需说明 {}",
        percent_text(e.rate),
        e.score,
        e.weight,
        e.explanation_required
    );
    let _ = writeln!(out, "  {}", rule(&e.rate_trace));
    let _ = writeln!(out, "  {}", rule(&e.trace));
    for section in &sheet.sections {
        for item in &section.items {
            let _ = writeln!(
                out,
                "{} / {}: {} of {}{}",
                section.name,
                item.name,
                item.score,
                item.weight,
                item.note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            );
        }
    }
    for l1 in &sheet.level1 {
        let _ = writeln!(out, "{}: {} of {}", l1.name, l1.score, l1.weight);
    }
    for row in &sheet.indicators {
        let _ = writeln!(
            out,
            "line {} {} / {} / {}: {} of {} · {} · 偏差度 {} · 需说明 {}{}",
            row.line,
            row.level1,
            row.level2,
            row.name,
            row.score,
            row.weight,
            row.status.label(),
            percent_text(row.deviation),
            row.explanation_required,
            row.tier
                .as_deref()
                .map(|t| format!(" · {t}"))
                .unwrap_or_default()
        );
        if row.score_trace.is_some() {
            let _ = writeln!(out, "  {}", rule(&row.score_trace));
            let _ = writeln!(out, "  {}", rule(&row.deviation_trace));
        }
    }
    out
}

#[test]
fn every_form_under_every_shipped_ruleset_that_accepts_it() {
    let registry = Registry::builtin().unwrap();
    let mut scored = 0;
    insta::glob!("../evaluations", "**/*.toml", |path| {
        let form = match jixiao::form::load_path(path) {
            Ok(form) => form,
            Err(errors) => panic!("{}", jixiao::diag::render_all(&errors)),
        };
        for ruleset in registry.all() {
            if !ruleset.years.contains(form.year.value)
                || ruleset.template(form.kind.value).is_none()
            {
                continue;
            }
            let shown = match jixiao::score::score(
                ruleset,
                &form,
                Selection::Override,
                ScoreOptions { trace: true },
            ) {
                Ok(sheet) if sheet.structure.is_empty() => figures(&sheet),
                Ok(sheet) => format!(
                    "{} 的模板不适用于此表 (the template does not fit this form):\n{}",
                    ruleset.label(),
                    jixiao::diag::render_all(&jixiao::score::diagnostics(&sheet.structure))
                ),
                Err(errors) => jixiao::diag::render_all(&errors),
            };
            let shown = shown.replace(&common::root().to_string_lossy().to_string(), ".");
            insta::assert_snapshot!(ruleset.id.as_str(), shown);
            scored += 1;
        }
    });
    assert!(scored >= 4, "every reference form is scored at least once");
}
