//! Rows reported by parts (`[[indicators.parts]]`): the parts' actuals are combined first —
//! absolute values added up, percentages weighted by funds (the default of `quantitative { parts
//! { … } }`) — and the combined figure is scored. What cannot be combined is a located finding,
//! never a refusal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::rules::registry::Selection;
use jixiao::score::{ScoreOptions, ScoreSheet};

const RULES: &str = "ruleset t { version 1 years 2020.. }\nform 项目 { execution 10 over 全年预算数 -> weight * min(rate, 100%) indicators 90 { 产出指标 { 数量指标 质量指标 } } }\n";

/// A form with one row (`row` is the TOML after `[[indicators]]`'s level names).
fn form(row: &str) -> String {
    format!(
        "kind = \"项目\"\nyear = 2023\nproject = \"测试\"\n\n[budget]\nadjusted = 100\nexecuted = 100\n\n[[indicators]]\nlevel1 = \"产出指标\"\n{row}"
    )
}

fn scored(rules_body: &str, row: &str) -> ScoreSheet {
    let ruleset = jixiao::rules::load_str("t.rules", &format!("{RULES}{rules_body}"))
        .unwrap_or_else(|e| panic!("{}", jixiao::diag::render_all(&e)));
    let form = jixiao::form::load_str("f.toml", &form(row))
        .unwrap_or_else(|e| panic!("{}", jixiao::diag::render_all(&e)));
    jixiao::score::score(
        &ruleset,
        &form,
        Selection::Override,
        ScoreOptions { trace: true },
    )
    .unwrap_or_else(|e| panic!("{}", jixiao::diag::render_all(&e)))
}

/// The parts findings (the one-row test template's weights do not add up: not counted here).
fn codes(sheet: &ScoreSheet) -> Vec<&'static str> {
    parts_findings(sheet).map(|d| d.code).collect()
}

fn parts_findings(sheet: &ScoreSheet) -> impl Iterator<Item = &jixiao::score::Problem> {
    sheet
        .structure
        .iter()
        .filter(|d| d.code.starts_with("score::parts"))
}

const HOUSES: &str = "level2 = \"数量指标\"\nname = \"改造户数\"\ntarget = \"≥300户\"\nweight = 10\n\n[[indicators.parts]]\nname = \"甲镇\"\nactual = \"120户\"\nfunds = \"30\"\n\n[[indicators.parts]]\nname = \"乙镇\"\nactual = \"150户\"\nfunds = \"45\"\n";

const RATES: &str = "level2 = \"质量指标\"\nname = \"验收合格率\"\ntarget = \"≥97%\"\nweight = 10\n\n[[indicators.parts]]\nname = \"甲镇\"\nactual = \"98%\"\nfunds = 30\n\n[[indicators.parts]]\nname = \"乙镇\"\nactual = \"96%\"\nfunds = 45\n";

#[test]
fn absolute_parts_are_added_up_then_scored() {
    let sheet = scored("", HOUSES);
    let row = &sheet.indicators[0];
    assert_eq!(row.actual, "270户");
    assert_eq!(row.score.to_string(), "9.00");
    let parts = row.parts.as_ref().unwrap();
    assert_eq!(parts.rule, "absolute sum");
    assert_eq!(
        parts.working.as_deref(),
        Some("120户 + 150户 = 270户"),
        "{parts:?}"
    );
    assert!(parts.parts.iter().all(|p| p.included));
    let notes = &row.score_trace.as_ref().unwrap().notes;
    assert_eq!(notes[0], "parts absolute sum: 120户 + 150户 = 270户");
    assert!(codes(&sheet).is_empty(), "{:?}", sheet.structure);
}

#[test]
fn relative_parts_are_weighted_by_funds() {
    let sheet = scored("", RATES);
    let row = &sheet.indicators[0];
    assert_eq!(row.actual, "96.8%");
    let parts = row.parts.as_ref().unwrap();
    assert_eq!(parts.rule, "relative funds-weighted");
    assert_eq!(
        parts.working.as_deref(),
        Some("(98% × 30 + 96% × 45) / 75 = 96.8%")
    );
    // 10 × 0.968 / 0.97 = 9.979…
    assert_eq!(row.score.to_string(), "9.98");
}

#[test]
fn a_ruleset_may_average_rates_without_weights() {
    let sheet = scored(
        "quantitative {\n  parts {\n    relative mean\n  }\n}\n",
        RATES,
    );
    let row = &sheet.indicators[0];
    assert_eq!(row.actual, "97%");
    assert_eq!(
        row.parts.as_ref().unwrap().working.as_deref(),
        Some("(98% + 96%) / 2 = 97%")
    );
    assert_eq!(row.score.to_string(), "10.00");
}

#[test]
fn money_parts_add_up_in_the_first_parts_unit() {
    let row = "level2 = \"数量指标\"\nname = \"补助资金\"\ntarget = \"≥20万元\"\nweight = 10\n[[indicators.parts]]\nactual = \"10万元\"\n[[indicators.parts]]\nactual = \"50000元\"\n";
    let sheet = scored("", row);
    let row = &sheet.indicators[0];
    assert_eq!(row.actual, "15万元");
    assert_eq!(
        row.parts.as_ref().unwrap().parts[1].name,
        "第2分项",
        "an unnamed part is named by its place"
    );
    assert_eq!(row.score.to_string(), "7.50");
}

#[test]
fn a_printed_actual_that_differs_from_its_parts_is_a_finding() {
    let row = HOUSES.replace("weight = 10", "actual = \"300户\"\nweight = 10");
    let sheet = scored("", &row);
    assert_eq!(codes(&sheet), vec!["score::parts-actual"]);
    let d = parts_findings(&sheet).next().unwrap();
    assert!(
        d.message.contains("300户") && d.message.contains("270户"),
        "{}",
        d.message
    );
    assert_eq!(d.location().map(|(line, _)| line), Some(14), "{d:?}");
    let row = &sheet.indicators[0];
    assert_eq!(row.actual, "270户", "scored on the combined figure");
    assert_eq!(
        row.parts.as_ref().unwrap().claimed_actual.as_deref(),
        Some("300户")
    );
    assert_eq!(row.score.to_string(), "9.00");

    // The same figure printed, or a rate printed at a coarser precision, agrees.
    let same = HOUSES.replace("weight = 10", "actual = \"270户\"\nweight = 10");
    assert!(codes(&scored("", &same)).is_empty());
    let coarse = RATES.replace("weight = 10", "actual = \"97%\"\nweight = 10");
    assert!(codes(&scored("", &coarse)).is_empty());
}

#[test]
fn parts_that_do_not_combine_are_left_out_and_located() {
    let row = format!(
        "{HOUSES}\n[[indicators.parts]]\nname = \"丙镇\"\nactual = \"90%\"\n\n[[indicators.parts]]\nname = \"丁镇\"\nactual = \"3台\"\n\n[[indicators.parts]]\nname = \"戊镇\"\nactual = \"较好\"\n\n[[indicators.parts]]\nname = \"己镇\"\nactual = \"/\"\n"
    );
    let sheet = scored("", &row);
    assert_eq!(
        codes(&sheet),
        vec![
            "score::parts-left-out",
            "score::parts-left-out",
            "score::parts-left-out"
        ],
        "a `/` part is left out silently"
    );
    for (d, part) in parts_findings(&sheet).zip(["丙镇", "丁镇", "戊镇"]) {
        assert!(d.message.contains(part), "{}", d.message);
        assert!(d.location().is_some());
    }
    let row = &sheet.indicators[0];
    assert_eq!(row.actual, "270户");
    let included: Vec<bool> = row
        .parts
        .as_ref()
        .unwrap()
        .parts
        .iter()
        .map(|p| p.included)
        .collect();
    assert_eq!(included, vec![true, true, false, false, false, false]);
}

#[test]
fn a_rate_without_funds_takes_the_plain_mean() {
    let row = RATES.replace("funds = 45\n", "");
    let sheet = scored("", &row);
    assert_eq!(codes(&sheet), vec!["score::parts-funds"]);
    assert!(
        parts_findings(&sheet)
            .next()
            .unwrap()
            .message
            .contains("乙镇")
    );
    let row = &sheet.indicators[0];
    assert_eq!(row.actual, "97%");
    assert!(
        row.parts
            .as_ref()
            .unwrap()
            .rule
            .starts_with("relative mean")
    );
}

#[test]
fn a_percent_target_picks_the_percent_parts() {
    // Mixed kinds: the target's unit says which parts combine.
    let row = RATES.replace(
        "funds = 45\n",
        "funds = 45\n\n[[indicators.parts]]\nname = \"丙镇\"\nactual = \"12户\"\n",
    );
    let sheet = scored("", &row);
    assert_eq!(codes(&sheet), vec!["score::parts-left-out"]);
    assert_eq!(sheet.indicators[0].actual, "96.8%");
}

#[test]
fn the_parts_setting_is_checked_formatted_and_shown() {
    let load = |body: &str| jixiao::rules::load_str("t.rules", &format!("{RULES}{body}"));
    let ruleset = load("quantitative {\n  parts { absolute mean, relative mean }\n}\n").unwrap();
    assert_eq!(ruleset.parts.to_string(), "absolute mean · relative mean");
    assert_eq!(
        load("").unwrap().parts.to_string(),
        "absolute sum · relative funds-weighted"
    );
    for (body, code) in [
        (
            "quantitative {\n  parts { relative weighted }\n}\n",
            "rules::unknown-parts-method",
        ),
        (
            "quantitative {\n  parts { absolute sum absolute mean }\n}\n",
            "rules::duplicate-entry",
        ),
        (
            "quantitative {\n  parts { }\n  parts { }\n}\n",
            "rules::duplicate-entry",
        ),
        (
            "qualitative {\n  parts { absolute sum }\n}\n",
            "rules::misplaced-entry",
        ),
        (
            "example \"x\" {\n  part 甲 actual \"1户\"\n  expect score 1\n}\n",
            "rules::part-without-indicator",
        ),
    ] {
        let errors = load(body).unwrap_err();
        let shown = jixiao::diag::render_all(&errors);
        assert!(shown.contains(code), "{body}: {shown}");
    }
    let syntax = load("quantitative {\n  parts { total sum }\n}\n").unwrap_err();
    assert!(
        jixiao::diag::render_all(&syntax).contains("absolute sum"),
        "{}",
        jixiao::diag::render_all(&syntax)
    );

    let messy = format!(
        "{RULES}quantitative {{ parts {{ absolute sum; relative \"funds-weighted\" }} }}\nexample \"x\" {{ indicator 数量指标 target \"≥2户\" weight 10 part 甲 actual \"1户\" funds 3 part 乙 actual \"1户\" expect actual \"2户\" }}\n"
    );
    let formatted = jixiao::rules::format::format_source(&messy).unwrap();
    assert!(
        formatted.contains("  parts {\n    absolute sum\n    relative \"funds-weighted\"\n  }\n"),
        "{formatted}"
    );
    assert!(
        formatted.contains("  part 甲 actual \"1户\" funds 3\n  part 乙 actual \"1户\"\n"),
        "{formatted}"
    );
    assert_eq!(
        jixiao::rules::format::format_source(&formatted).unwrap(),
        formatted
    );
    let ruleset = jixiao::rules::load_str("t.rules", &formatted).unwrap();
    let outcomes = jixiao::rules::examples::run_all(&ruleset);
    assert!(outcomes.iter().all(|o| o.passed()), "{outcomes:?}");
}

#[test]
fn the_command_line_shows_the_parts_in_json_and_in_the_trace() {
    let path = "tests/fixtures/tolerated/parts.toml";
    let out = common::jixiao(&["score", "--format", "json", path]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    let rows = json["forms"][0]["indicators"].as_array().unwrap();
    let repairs = rows.iter().find(|r| r["name"] == "设备维修数量").unwrap();
    assert_eq!(repairs["actual"], "20次");
    assert_eq!(repairs["parts"]["rule"], "absolute sum");
    assert_eq!(repairs["parts"]["working"], "12次 + 8次 = 20次");
    assert_eq!(repairs["parts"]["claimed_actual"], "20次");
    assert_eq!(repairs["parts"]["parts"][0]["name"], "一号站");
    assert_eq!(repairs["parts"]["parts"][0]["included"], true);
    let satisfaction = rows.iter().find(|r| r["name"] == "办事群众满意度").unwrap();
    assert_eq!(satisfaction["actual"], "96%");
    assert_eq!(satisfaction["parts"]["parts"][1]["funds"], "30");
    assert_eq!(
        satisfaction["parts"]["working"],
        "(97% × 30 + 95% × 30) / 60 = 96%"
    );
    let whole = rows.iter().find(|r| r["name"] == "设备购置成本").unwrap();
    assert!(whole["parts"].is_null());

    let out = common::jixiao(&["score", "--explain", path]);
    let shown = common::stdout(&out);
    assert!(
        shown.contains("parts relative funds-weighted: (97% × 30 + 95% × 30) / 60 = 96%"),
        "{shown}"
    );
}
