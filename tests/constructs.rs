//! One small fixture per construct of the rules language (`tests/fixtures/constructs/`), and the
//! expressiveness fixture (`tests/fixtures/variants.rules`): each checks, each worked example
//! passes through the real engine, and together they use every construct the language has.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::rules::parser::parse_file;
use jixiao::rules::{examples, load_path};
use jixiao::score::ScoreOptions;
use std::collections::BTreeSet;

fn construct_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(common::root().join("tests/fixtures/constructs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    files
}

fn assert_examples_pass(path: &std::path::Path) -> usize {
    let name = common::relative(path);
    let ruleset = load_path(path).unwrap_or_else(|e| panic!("{}", jixiao::diag::render_all(&e)));
    assert!(!ruleset.examples.is_empty(), "{name} has no worked example");
    let outcomes = examples::run_all(&ruleset);
    for o in &outcomes {
        assert!(
            o.passed(),
            "{name}:{} «{}»: {:?}\n{}",
            o.line,
            o.title,
            o.failures,
            jixiao::diag::render_all(&o.errors)
        );
    }
    outcomes.len()
}

#[test]
fn every_construct_fixture_checks_and_its_examples_pass() {
    let files = construct_files();
    assert!(files.len() >= 15, "{files:?}");
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            text.starts_with("# Construct: "),
            "{} should say which construct it shows",
            common::relative(path)
        );
        assert_examples_pass(path);
    }
}

#[test]
fn the_construct_fixtures_together_use_every_construct() {
    let mut found = BTreeSet::new();
    for path in construct_files() {
        let file = parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        found.extend(common::constructs::used(&file));
    }
    let missing: Vec<&&str> = common::constructs::ALL
        .iter()
        .filter(|c| !found.contains(**c))
        .collect();
    assert!(missing.is_empty(), "no construct fixture uses {missing:?}");
}

#[test]
fn the_expressiveness_fixture_uses_every_construct_and_its_examples_pass() {
    let path = common::root().join("tests/fixtures/variants.rules");
    let file = parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let found = common::constructs::used(&file);
    // A file has one `years`: any of its three forms will do.
    let years = ["years a..b", "years a..", "years a"];
    assert!(years.iter().any(|y| found.contains(y)));
    let missing: Vec<&&str> = common::constructs::ALL
        .iter()
        .filter(|c| !found.contains(**c) && !years.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "variants.rules does not use {missing:?}"
    );
    assert!(assert_examples_pass(&path) >= 20);
}

#[test]
fn a_form_scored_with_the_template_fixture_moves_an_absent_weight() {
    let rules =
        load_path(&common::root().join("tests/fixtures/constructs/template.rules")).unwrap();
    let form =
        jixiao::form::load_path(&common::root().join("tests/fixtures/constructs/template.toml"))
            .unwrap();
    let sheet = jixiao::score::score(
        &rules,
        &form,
        jixiao::rules::registry::Selection::Named,
        ScoreOptions { trace: true },
    )
    .unwrap();
    assert!(
        sheet.structure.is_empty(),
        "{}",
        jixiao::diag::render_all(&jixiao::score::diagnostics(&sheet.structure))
    );
    let benefit = sheet.level1.iter().find(|l| l.name == "效益指标").unwrap();
    assert_eq!(
        benefit.rule_weight.unwrap().to_string(),
        "30",
        "20 + the absent 满意度指标's 10"
    );
    let shown = jixiao::render::table::render(&sheet, false)
        .replace(&common::root().to_string_lossy().to_string(), ".");
    insta::assert_snapshot!(shown);
}
