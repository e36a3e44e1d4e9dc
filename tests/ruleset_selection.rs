//! Versioned rulesets: which ruleset scores a form (named, by region and year, or the nationwide
//! fallback), how the output says so, and the errors when none fits or two claim the same id (or
//! region), version and year.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{jixiao_in, scratch, stderr, stdout};
use jixiao::Session;
use jixiao::rules::registry::Selection;
use jixiao::rules::{BUILTIN, Registry, load_str};

fn project_form(year: i32, ruleset: Option<&str>) -> String {
    project_form_from(year, ruleset, "测试部门")
}

fn project_form_from(year: i32, ruleset: Option<&str>, department: &str) -> String {
    let named = ruleset.map_or(String::new(), |r| format!("ruleset = \"{r}\"\n"));
    format!(
        r#"kind = "项目"
{named}year = {year}
project = "测试项目"
department = "{department}"
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
fn a_form_that_names_no_ruleset_gets_the_one_of_its_region_and_year() {
    let context = Session::load(None).unwrap();
    // 许昌市 is in 河南: henan-2023 is in force there for 2023.
    let form =
        jixiao::form::load_str("f.toml", &project_form_from(2023, None, "许昌市财政局")).unwrap();
    let (ruleset, selection) = context.resolve(&form).unwrap();
    assert_eq!(ruleset.label(), "henan-2023@1");
    assert!(
        matches!(&selection, Selection::ByRegion { claim, place }
            if claim == "河南省" && place.contains("河南省许昌市") && place.contains("许昌市财政局")),
        "{selection:?}"
    );

    // A 2023 form that says nothing of its region is no longer taken by henan-2023, which
    // started later than central-2020: it falls back to the nationwide rules, and says why.
    let form = jixiao::form::load_str("f.toml", &project_form(2023, None)).unwrap();
    let (ruleset, selection) = context.resolve(&form).unwrap();
    assert_eq!(ruleset.label(), "central-2020@1");
    assert!(
        selection
            .describe()
            .starts_with("fallback to central: the form names no region"),
        "{selection:?}"
    );

    // 河南 before 2023: no ruleset of its own, so the nationwide one.
    let form =
        jixiao::form::load_str("f.toml", &project_form_from(2021, None, "许昌市财政局")).unwrap();
    let (ruleset, selection) = context.resolve(&form).unwrap();
    assert_eq!(ruleset.label(), "central-2020@1");
    assert!(
        selection
            .describe()
            .contains("no ruleset of 河南省许昌市 for 2021"),
        "{selection:?}"
    );

    let form =
        jixiao::form::load_str("f.toml", &project_form(2023, Some("central-2020@1"))).unwrap();
    let (ruleset, selection) = context.resolve(&form).unwrap();
    assert_eq!(ruleset.label(), "central-2020@1");
    assert_eq!(selection, Selection::Named);
}

#[test]
fn an_ambiguous_district_name_is_not_guessed() {
    let context = Session::load(None).unwrap();
    // 普陀区 is in 上海 and in 浙江 (舟山): no province is read from it.
    let form =
        jixiao::form::load_str("f.toml", &project_form_from(2023, None, "普陀区体育局")).unwrap();
    let (ruleset, selection) = context.resolve(&form).unwrap();
    assert_eq!(ruleset.label(), "central-2020@1");
    assert!(
        selection
            .describe()
            .contains("普陀区 in its department name 普陀区体育局 is in more than one province"),
        "{selection:?}"
    );
}

#[test]
fn an_unknown_region_field_is_a_located_error() {
    let dir = scratch("selection-bad-region");
    let text =
        project_form(2023, None).replace("year = 2023\n", "year = 2023\nregion = \"火星省\"\n");
    std::fs::write(dir.join("mars.toml"), text).unwrap();
    let output = jixiao_in(&dir, &["score", "mars.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("不认识的地区 火星省"), "{err}");
    assert!(
        err.contains("mars.toml:3:10"),
        "points at the region: {err}"
    );
}

#[test]
fn the_output_says_which_ruleset_was_chosen_and_why() {
    let dir = scratch("selection-output");
    let reference = std::fs::read_to_string(
        common::root().join("evaluations/xuchang-2023/03-e-seal-service.toml"),
    )
    .unwrap();
    assert!(reference.contains("ruleset = \"henan-2023\"\n"));
    let unnamed = reference.replace("ruleset = \"henan-2023\"\n", "");
    std::fs::write(dir.join("by-region.toml"), unnamed).unwrap();
    std::fs::write(dir.join("named.toml"), reference).unwrap();
    let output = jixiao_in(&dir, &["score", "by-region.toml", "named.toml"]);
    let text = stdout(&output);
    assert!(
        text.contains("评分规则 henan-2023@1 (chosen by region and year: 河南省, for 河南省许昌市, read from its department name 许昌市政务服务和大数据管理局)"),
        "{text}"
    );
    assert!(
        text.contains("评分规则 henan-2023@1 (named by the form)"),
        "{text}"
    );
    let json = stdout(&jixiao_in(
        &dir,
        &["score", "--format", "json", "by-region.toml"],
    ));
    assert!(
        json.contains("\"ruleset_selection\": \"chosen by region and year: 河南省"),
        "{json}"
    );
    let explain = stdout(&jixiao_in(&dir, &["score", "--explain", "by-region.toml"]));
    assert!(
        explain.contains("chosen by region and year: 河南省"),
        "{explain}"
    );
    let review = stdout(&jixiao_in(&dir, &["review", "by-region.toml"]));
    assert!(
        review.contains("chosen by region and year: 河南省"),
        "{review}"
    );
}

#[test]
fn no_ruleset_for_the_year_is_a_clear_located_error() {
    let dir = scratch("selection-no-year");
    std::fs::write(dir.join("old.toml"), project_form(2012, None)).unwrap();
    let output = jixiao_in(&dir, &["score", "old.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("没有适用于 2012 年度项目表的评分规则"),
        "{err}"
    );
    assert!(
        err.contains("no ruleset applies to a 项目 form of 2012"),
        "{err}"
    );
    assert!(
        err.contains(
            "central-2016@1 (全国 nationwide, 2016..2019); central-2020@1 (全国 nationwide, 2020..)"
        ) && err.contains("henan-2023@1 (河南省, 2023..2024)")
            && err.contains("shanghai-2022@1 (上海市, 2022..)"),
        "lists every ruleset with its region and years: {err}"
    );
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

fn henan() -> (&'static str, &'static str, &'static str) {
    *BUILTIN
        .iter()
        .find(|(id, _, _)| *id == "henan-2023")
        .unwrap()
}

#[test]
fn two_rulesets_with_the_same_id_version_and_overlapping_years_are_refused() {
    let (_, name, text) = henan();
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
    let (_, name, text) = henan();
    let mut registry = Registry::new();
    registry.add(load_str(name, text).unwrap()).unwrap();
    let revised = text.replace("version 1", "version 2");
    registry
        .add(load_str("v2.rules", &revised).unwrap())
        .unwrap();
    let id_only = jixiao::rules::RulesetRef::parse("henan-2023").unwrap();
    let (chosen, _) = registry
        .resolve(
            Some(&id_only),
            2023,
            jixiao::rules::FormKind::Project,
            &Default::default(),
        )
        .unwrap();
    assert_eq!(chosen.label(), "henan-2023@2");
    let pinned = jixiao::rules::RulesetRef::parse("henan-2023@1").unwrap();
    let (chosen, _) = registry
        .resolve(
            Some(&pinned),
            2023,
            jixiao::rules::FormKind::Project,
            &Default::default(),
        )
        .unwrap();
    assert_eq!(chosen.label(), "henan-2023@1");
}
