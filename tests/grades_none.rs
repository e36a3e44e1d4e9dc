//! `grades none` (可以不评级): a ruleset that gives a total and no grade. Every output shows no
//! grade rather than a wrong one, and a grade the form prints is not held against any band.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

/// The Henan 2023 rules with `grades none`, and the Xuchang department form claiming 差 (a grade
/// its total of 98.22 would never have under graded rules).
fn setup(dir: &Path) -> (String, String) {
    let rules =
        std::fs::read_to_string(common::root().join("scoring-rules/henan-2023.rules")).unwrap();
    let start = rules.find("grades {").unwrap();
    let end = start + rules[start..].find('}').unwrap() + 1;
    let rules = format!("{}grades none{}", &rules[..start], &rules[end..])
        .replace("ruleset henan-2023 {", "ruleset henan-ungraded {");
    let rules_path = dir.join("ungraded.rules");
    std::fs::write(&rules_path, rules).unwrap();
    let form =
        std::fs::read_to_string(common::root().join("evaluations/xuchang-2023/00-department.toml"))
            .unwrap();
    assert!(form.contains("grade = \"优\""));
    let form_path = dir.join("form.toml");
    std::fs::write(&form_path, form.replace("grade = \"优\"", "grade = \"差\"")).unwrap();
    (
        rules_path.display().to_string(),
        form_path.display().to_string(),
    )
}

#[test]
fn score_shows_no_grade_and_does_not_check_the_claimed_one() {
    let dir = common::scratch("grades-none-score");
    let (rules, form) = setup(&dir);

    let out = common::jixiao(&["score", "--rules", &rules, &form]);
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", common::stderr(&out));
    assert!(
        text.contains("自评得分 98.22 ✓   等级 不评级 (not graded)"),
        "{text}"
    );
    assert!(!text.contains('✗'), "{text}");

    let out = common::jixiao(&["score", "--format", "json", "--rules", &rules, &form]);
    let json: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    assert_eq!(json["forms"][0]["total"], "98.22");
    assert!(
        json["forms"][0]["grade"].is_null(),
        "{}",
        json["forms"][0]["grade"]
    );
    assert_eq!(json["forms"][0]["mismatches"].as_array().unwrap().len(), 0);

    let out = common::jixiao(&["score", "--format", "markdown", "--rules", &rules, &form]);
    assert!(common::stdout(&out).contains("- 等级 (grade): **不评级 (not graded)**"));
}

#[test]
fn review_does_not_fire_its_grade_checks() {
    let dir = common::scratch("grades-none-review");
    let (rules, form) = setup(&dir);
    let out = common::jixiao(&["review", "--format", "json", "--rules", &rules, &form]);
    let json: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    let reviewed = &json["forms"][0];
    assert!(reviewed["recomputed"]["grade"].is_null(), "{reviewed}");
    assert_eq!(reviewed["claimed"]["grade"], "差");
    let findings = reviewed["findings"].to_string();
    assert!(!findings.contains("等级"), "{findings}");

    // The same form under the graded Henan rules: both grade checks fire.
    let out = common::jixiao(&["review", "--format", "json", "--rules", "henan-2023", &form]);
    let findings = common::stdout(&out);
    assert!(findings.contains("等级"), "{findings}");
}

#[test]
fn the_report_shows_not_graded_in_the_grade_cell() {
    let dir = common::scratch("grades-none-report");
    let (rules, form) = setup(&dir);
    for format in ["html", "markdown"] {
        let out = common::jixiao(&["report", "--format", format, "--rules", &rules, &form]);
        let text = common::stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        assert!(text.contains("不评级 (not graded)"), "{format}: {text}");
        assert!(
            !text.contains("申报 差"),
            "{format}: the claimed grade is not marked wrong"
        );
    }
    // Under graded rules the same claim is marked.
    let out = common::jixiao(&["report", "--format", "html", "--rules", "henan-2023", &form]);
    assert!(common::stdout(&out).contains("申报 差"));
}

#[test]
fn review_text_and_markdown_say_not_graded() {
    let dir = common::scratch("grades-none-review-text");
    let (rules, form) = setup(&dir);
    for format in ["table", "markdown"] {
        let out = common::jixiao(&["review", "--format", format, "--rules", &rules, &form]);
        let text = common::stdout(&out);
        // The form's line and the summary's grade table both name it, instead of a blank.
        assert!(
            text.matches("不评级 (not graded)").count() >= 2,
            "{format}: {text}"
        );
    }
}
