//! A claimed rate is compared at the precision it was printed with (issue 12, item 11): `99%`
//! agrees with 99.10% (and both figures are shown), `86.19%` does not agree with 86.18% (a
//! mismatch, however small the gap) — in the score table, Markdown, JSON, review and the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;

const FORM: &str = "tests/fixtures/claims/printed-precision.toml";

#[test]
fn the_score_table_shows_both_figures_wherever_they_differ() {
    let out = common::jixiao(&["score", "--wide", FORM]);
    let text = common::stdout(&out);
    let total = text.lines().find(|l| l.contains("执行数 /")).unwrap();
    assert!(
        total.contains("99.10%") && total.contains("✓ 申报 99%"),
        "{total}"
    );
    let source = text.lines().find(|l| l.contains("政府性预算资金")).unwrap();
    assert!(
        source.contains("86.18%") && source.contains("✗ 申报 86.19%"),
        "{source}"
    );
    let other = text.lines().find(|l| l.contains("其他资金")).unwrap();
    assert!(
        other.contains("99.78%") && other.contains('✓') && !other.contains("申报"),
        "{other}"
    );
    // A differing claim is a finding: exit 1.
    assert_eq!(out.status.code(), Some(1));

    let md = common::stdout(&common::jixiao(&["score", "--format", "markdown", FORM]));
    assert!(md.contains("| 99.10% | ✓ 申报 99% |"), "{md}");
    assert!(md.contains("| 86.18% | ✗ 申报 86.19% |"), "{md}");
}

#[test]
fn json_lists_the_one_mismatch_and_keeps_both_claims() {
    let out = common::jixiao(&["score", "--format", "json", FORM]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sheet = &v["forms"][0];
    assert_eq!(sheet["execution"]["rate_percent"], "99.10");
    assert_eq!(sheet["execution"]["claimed_rate_percent"]["value"], "99");
    assert_eq!(sheet["execution"]["claimed_rate_percent"]["text"], "99%");
    assert_eq!(sheet["sources"][0]["rate_percent"], "86.18");
    assert_eq!(
        sheet["sources"][0]["claimed_rate_percent"]["value"],
        "86.19"
    );
    let rates: Vec<(&str, &str, &str)> = sheet["mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["field"] == "执行率")
        .map(|m| {
            (
                m["row"].as_str().unwrap(),
                m["claimed"].as_str().unwrap(),
                m["computed"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(rates, [("政府性预算资金", "86.19%", "86.18%")]);
}

#[test]
fn review_flags_the_rate_printed_wrong_and_not_the_one_printed_coarsely() {
    let out = common::jixiao(&[
        "review",
        "--format",
        "json",
        "--only",
        "rate-mismatch",
        FORM,
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["forms"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["row"], "政府性预算资金");
    assert!(
        findings[0]["message"].as_str().unwrap().contains("86.19%"),
        "{}",
        findings[0]["message"]
    );
}

#[test]
fn the_report_notes_a_claim_that_agrees_only_as_printed() {
    let out = common::jixiao(&["report", "--format", "markdown", FORM]);
    let md = common::stdout(&out);
    // The differing claim is flagged; the coarse one is noted, with both figures, not flagged.
    assert!(md.contains("**86.18%** ⚠["), "{md}");
    assert!(md.contains("99.10% ≈["), "{md}");
    assert!(
        md.contains("申报 99%，按评分规则计算为 99.10%，按申报的精度相符"),
        "{md}"
    );
    assert!(md.contains("申报 86.19%，按评分规则计算为 86.18%"), "{md}");
}

#[cfg(feature = "html")]
#[test]
fn the_html_report_marks_the_two_claims_apart() {
    let out = common::jixiao(&["report", "--format", "html", FORM]);
    let html = common::stdout(&out);
    assert!(html.contains(" differs\""), "a differing claim is flagged");
    assert!(html.contains(" as-printed\""), "a coarse claim is noted");
    assert!(
        html.contains("title=\"申报 99%，按评分规则计算为 99.10%"),
        "{html}"
    );
}
