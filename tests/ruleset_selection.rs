//! Versioned rulesets: which ruleset scores a form, how the output says so, and the errors when
//! none fits or two claim the same id, version and year.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{jixiao_in, scratch, stderr, stdout};
use jixiao::Session;
use jixiao::rules::registry::Selection;
use jixiao::rules::{BUILTIN, Registry, load_str};

fn project_form(year: i32, ruleset: Option<&str>) -> String {
    let named = ruleset.map_or(String::new(), |r| format!("ruleset = \"{r}\"\n"));
    format!(
        r#"kind = "项目"
{named}year = {year}
project = "测试项目"
department = "测试部门"
[budget]
initial = 100
adjusted = 100
executed = 95
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "数量"
target = "≥150个"
actual = "120个"
weight = 30
"#
    )
}

#[test]
fn a_form_that_names_no_ruleset_gets_the_one_in_force_for_its_year() {
    let context = Session::load(None).unwrap();
    let form = jixiao::form::load_str("f.toml", &project_form(2023, None)).unwrap();
    let (ruleset, selection) = context.resolve(&form).unwrap();
    // henan-2023 (from 2023) took effect after central-2020 (from 2020).
    assert_eq!(ruleset.label(), "henan-2023@1");
    assert_eq!(selection, Selection::ByYear);

    let form = jixiao::form::load_str("f.toml", &project_form(2021, None)).unwrap();
    let (ruleset, selection) = context.resolve(&form).unwrap();
    assert_eq!(ruleset.label(), "central-2020@1");
    assert_eq!(selection, Selection::ByYear);

    let form =
        jixiao::form::load_str("f.toml", &project_form(2023, Some("central-2020@1"))).unwrap();
    let (ruleset, selection) = context.resolve(&form).unwrap();
    assert_eq!(ruleset.label(), "central-2020@1");
    assert_eq!(selection, Selection::Named);
}

#[test]
fn the_output_says_which_ruleset_was_chosen_and_how() {
    let dir = scratch("selection-output");
    let reference = std::fs::read_to_string(
        common::root().join("evaluations/xuchang-2023/03-e-seal-service.toml"),
    )
    .unwrap();
    assert!(reference.contains("ruleset = \"henan-2023\"\n"));
    let unnamed = reference.replace("ruleset = \"henan-2023\"\n", "");
    std::fs::write(dir.join("by-year.toml"), unnamed).unwrap();
    std::fs::write(dir.join("named.toml"), reference).unwrap();
    let output = jixiao_in(&dir, &["score", "by-year.toml", "named.toml"]);
    let text = stdout(&output);
    assert!(
        text.contains("评分规则 henan-2023@1 (in force for the form's year)"),
        "{text}"
    );
    assert!(
        text.contains("评分规则 henan-2023@1 (named by the form)"),
        "{text}"
    );
    let json = stdout(&jixiao_in(
        &dir,
        &["score", "--format", "json", "by-year.toml"],
    ));
    assert!(
        json.contains("\"ruleset_selection\": \"in force for the form's year\""),
        "{json}"
    );
}

#[test]
fn no_ruleset_for_the_year_is_a_clear_located_error() {
    let dir = scratch("selection-no-year");
    std::fs::write(dir.join("old.toml"), project_form(2019, None)).unwrap();
    let output = jixiao_in(&dir, &["score", "old.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("没有适用于 2019 年度项目表的评分规则"),
        "{err}"
    );
    assert!(
        err.contains("no ruleset applies to a 项目 form of 2019"),
        "{err}"
    );
    assert!(err.contains("known: central-2020@1, henan-2023@1"), "{err}");
    assert!(err.contains("old.toml:2:8"), "points at the year: {err}");

    // A named ruleset that does not cover the year says which years it covers.
    std::fs::write(
        dir.join("late.toml"),
        project_form(2025, Some("henan-2023@1")),
    )
    .unwrap();
    let output = jixiao_in(&dir, &["score", "late.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains(
            "ruleset `henan-2023@1` does not apply to 2025: it covers henan-2023@1 2023..2024"
        ),
        "{err}"
    );
    assert!(
        err.contains("late.toml:2:11"),
        "points at the ruleset: {err}"
    );
}

#[test]
fn two_rulesets_with_the_same_id_version_and_overlapping_years_are_refused() {
    let (_, name, text) = BUILTIN[0];
    let mut registry = Registry::new();
    registry.add(load_str(name, text).unwrap()).unwrap();

    let overlapping = text.replace("years 2023..2024", "years 2024..");
    let error = registry
        .add(load_str("other.rules", &overlapping).unwrap())
        .unwrap_err();
    assert_eq!(error.code, "rules::duplicate");
    assert!(
        error
            .message
            .contains("two rulesets claim henan-2023@1 for overlapping years: 2023..2024 in built-in henan-2023.rules and 2024.. in other.rules"),
        "{}",
        error.message
    );

    // Later years, or a new version, are a different ruleset.
    let later = text.replace("years 2023..2024", "years 2025..");
    registry
        .add(load_str("later.rules", &later).unwrap())
        .unwrap();
    let revised = text.replace("version 1", "version 2");
    registry
        .add(load_str("v2.rules", &revised).unwrap())
        .unwrap();
    assert_eq!(registry.all().len(), 3);
}

#[test]
fn a_newer_version_is_chosen_when_a_form_names_the_id_only() {
    let (_, name, text) = BUILTIN[0];
    let mut registry = Registry::new();
    registry.add(load_str(name, text).unwrap()).unwrap();
    let revised = text.replace("version 1", "version 2");
    registry
        .add(load_str("v2.rules", &revised).unwrap())
        .unwrap();
    let id_only = jixiao::rules::RulesetRef::parse("henan-2023").unwrap();
    let (chosen, _) = registry
        .resolve(Some(&id_only), 2023, jixiao::rules::FormKind::Project)
        .unwrap();
    assert_eq!(chosen.label(), "henan-2023@2");
    let pinned = jixiao::rules::RulesetRef::parse("henan-2023@1").unwrap();
    let (chosen, _) = registry
        .resolve(Some(&pinned), 2023, jixiao::rules::FormKind::Project)
        .unwrap();
    assert_eq!(chosen.label(), "henan-2023@1");
}
