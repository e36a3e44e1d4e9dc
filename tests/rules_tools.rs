//! The rule author's commands end to end: `rules fmt`, `rules show`, `rules test`, `rules check`
//! and `diff`, as the acceptance describes them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{jixiao, jixiao_in, scratch, stderr, stdout};
use std::path::Path;

fn copy(from: &str, to: &Path) {
    std::fs::copy(common::root().join(from), to).unwrap();
}

// ───────── rules fmt ─────────

#[test]
fn the_shipped_rulesets_are_already_formatted() {
    let output = jixiao(&[
        "rules",
        "fmt",
        "--check",
        "scoring-rules/henan-2023.rules",
        "scoring-rules/central-2020.rules",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn fmt_rewrites_a_file_in_place_keeps_its_comments_and_a_second_run_changes_nothing() {
    let dir = scratch("fmt-in-place");
    let path = dir.join("messy.rules");
    let messy = "# 说明\nruleset messy{title \"t\" version 1 years 2023..}  # 头\nformula f=weight*min(rate,100%)\nform 项目{execution 10 over 全年预算数 -> f\n  # 指标\n  indicators 90{产出指标{数量指标}}}\n";
    std::fs::write(&path, messy).unwrap();

    let check = jixiao_in(&dir, &["rules", "fmt", "--check", "messy.rules"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).contains("messy.rules: 格式需调整"),
        "{}",
        stdout(&check)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        messy,
        "--check only reports"
    );

    let first = jixiao_in(&dir, &["rules", "fmt", "messy.rules"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let formatted = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        formatted,
        "# 说明\nruleset messy {\n  title \"t\"\n  version 1\n  years 2023..\n}  # 头\nformula f = weight * min(rate, 100%)\nform 项目 {\n  execution 10 over 全年预算数 -> f\n  # 指标\n  indicators 90 {\n    产出指标 { 数量指标 }\n  }\n}\n"
    );
    let second = jixiao_in(&dir, &["rules", "fmt", "messy.rules"]);
    assert_eq!(stdout(&second), "", "nothing left to format");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), formatted);
    let check = jixiao_in(&dir, &["rules", "fmt", "--check", "messy.rules"]);
    assert_eq!(check.status.code(), Some(0));
}

#[test]
fn fmt_refuses_a_file_that_does_not_parse_and_leaves_it_alone() {
    let dir = scratch("fmt-broken");
    let path = dir.join("broken.rules");
    std::fs::write(&path, "grades {\n  优 >= \n}\n").unwrap();
    let output = jixiao_in(&dir, &["rules", "fmt", "broken.rules"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("broken.rules:3:1"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "grades {\n  优 >= \n}\n"
    );
}

// ───────── rules show ─────────

#[test]
fn show_prints_the_project_template_as_a_tree() {
    let output = jixiao(&["rules", "show", "henan-2023", "--kind", "项目"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn show_reads_a_rule_file_and_names_a_missing_template() {
    let output = jixiao(&[
        "rules",
        "show",
        "tests/fixtures/variants.rules",
        "--kind",
        "部门整体",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("执行率 rate = 全年执行数 / 年初预算数"),
        "{text}"
    );
    assert!(text.contains("预算和财务管理 | 预算管理 · 20 分"), "{text}");

    // A kind the ruleset has no template for is named as such.
    let draft = scratch("show-missing");
    let path = draft.join("project-only.rules");
    let text =
        std::fs::read_to_string(common::root().join("scoring-rules/central-2020.rules")).unwrap();
    let start = text.find("form 部门整体 {").unwrap();
    let end = start + text[start..].find("\n}\n").unwrap() + 3;
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let missing = jixiao(&[
        "rules",
        "show",
        path.to_str().unwrap(),
        "--kind",
        "部门整体",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("has no 部门整体 template"),
        "{}",
        stderr(&missing)
    );
}

// ───────── rules test ─────────

#[test]
fn the_expressiveness_fixture_passes_its_examples() {
    let output = jixiao(&["rules", "test", "tests/fixtures/variants.rules"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(!text.contains("FAIL"), "{text}");
    assert!(text.contains("ok: "), "{text}");
}

#[test]
fn a_changed_expected_value_fails_and_names_the_example() {
    let dir = scratch("rules-test-broken");
    let source =
        std::fs::read_to_string(common::root().join("tests/fixtures/variants.rules")).unwrap();
    let anchor = "example \"预算调增 5%：(1 − 10 × 0.05) × 4 = 2 分\" {";
    let at = source.find(anchor).unwrap();
    let (head, tail) = source.split_at(at);
    let broken = format!(
        "{head}{}",
        tail.replacen("expect score 2\n", "expect score 2.5\n", 1)
    );
    assert_ne!(broken, source);
    std::fs::write(dir.join("variants.rules"), broken).unwrap();

    let output = jixiao_in(&dir, &["rules", "test", "variants.rules"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let failed: Vec<&str> = text.lines().filter(|l| l.starts_with("  FAIL")).collect();
    assert_eq!(failed.len(), 1, "{text}");
    assert!(
        failed[0].contains("预算调增 5%：(1 − 10 × 0.05) × 4 = 2 分"),
        "{text}"
    );
    assert!(text.contains("expect score 2.5: got 2.00"), "{text}");
    let examples = text
        .lines()
        .filter(|l| l.starts_with("  ok") || l.starts_with("  FAIL"))
        .count();
    assert!(
        text.contains(&format!(
            "FAILED: {} 通过 passed, 1 未通过 failed",
            examples - 1
        )),
        "{text}"
    );
}

#[test]
fn a_rule_file_that_does_not_check_exits_2() {
    let dir = scratch("rules-test-invalid");
    std::fs::write(
        dir.join("bad.rules"),
        "ruleset bad { version 1 years 2023.. }\nformula f = wieght * 2\n",
    )
    .unwrap();
    let output = jixiao_in(&dir, &["rules", "test", "bad.rules"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("bad.rules:2:13"),
        "{}",
        stderr(&output)
    );
}

// ───────── rules check: several files together ─────────

#[test]
fn two_files_claiming_the_same_id_version_and_year_are_an_error() {
    let dir = scratch("rules-check-duplicate");
    copy("scoring-rules/henan-2023.rules", &dir.join("a.rules"));
    let copy_text = std::fs::read_to_string(common::root().join("scoring-rules/henan-2023.rules"))
        .unwrap()
        .replace("years 2023..2024", "years 2024..2025");
    std::fs::write(dir.join("b.rules"), copy_text).unwrap();
    let output = jixiao_in(&dir, &["rules", "check", "a.rules", "b.rules"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("两套规则同为 henan-2023@1 且适用年度重叠"),
        "{err}"
    );
    assert!(
        err.contains("2023..2024 in a.rules and 2024..2025 in b.rules"),
        "{err}"
    );

    // A new version of the same ruleset may cover the same years.
    let v2 = std::fs::read_to_string(dir.join("b.rules"))
        .unwrap()
        .replace("version 1", "version 2");
    std::fs::write(dir.join("b.rules"), v2).unwrap();
    let output = jixiao_in(&dir, &["rules", "check", "a.rules", "b.rules"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

// ───────── diff ─────────

/// The acceptance scenario: the department execution bar moves from 90% to 100%.
fn draft_with_a_100_percent_bar(dir: &Path) {
    let shipped =
        std::fs::read_to_string(common::root().join("scoring-rules/henan-2023.rules")).unwrap();
    let draft = shipped.replace(
        "formula department_execution = weight * min(rate / 90%, 1)",
        "formula department_execution = weight * min(rate / 100%, 1)",
    );
    assert_ne!(draft, shipped);
    std::fs::write(dir.join("draft.rules"), draft).unwrap();
}

#[test]
fn diff_shows_the_department_execution_and_total_moving_and_no_project_form() {
    let dir = scratch("diff-acceptance");
    draft_with_a_100_percent_bar(&dir);
    let forms = common::root().join("evaluations/xuchang-2023");
    let forms = forms.to_str().unwrap();
    let output = jixiao_in(
        &dir,
        &[
            "diff",
            "--from",
            "henan-2023",
            "--to",
            "draft.rules",
            forms,
            "--format",
            "json",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "a form changed: {}",
        stderr(&output)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        json["from"]["origin"]
            .as_str()
            .unwrap()
            .starts_with("内置 shipped")
    );
    assert_eq!(json["to"]["origin"], "draft.rules");
    let forms = json["forms"].as_array().unwrap();
    assert_eq!(forms.len(), 4);
    for form in forms {
        let kind = form["kind"].as_str().unwrap();
        if kind == "项目" {
            assert_eq!(form["status"], "unchanged", "{form}");
            assert!(form["changes"].as_array().unwrap().is_empty());
            continue;
        }
        assert_eq!(form["status"], "changed");
        assert_eq!(form["from"]["execution_score"], "8.22");
        assert_eq!(form["to"]["execution_score"], "7.40");
        assert_eq!(form["from"]["total"], "98.22");
        assert_eq!(form["to"]["total"], "97.40");
        let changes = form["changes"].as_array().unwrap();
        let items: Vec<(&str, &str, &str)> = changes
            .iter()
            .map(|c| {
                (
                    c["item"].as_str().unwrap(),
                    c["from"].as_str().unwrap(),
                    c["to"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            items,
            vec![
                ("自评得分", "98.22", "97.40"),
                ("执行率得分", "8.22", "7.40")
            ]
        );
        let execution = &changes[1];
        assert!(
            execution["from_rule"]["formula"]
                .as_str()
                .unwrap()
                .contains("rate / 90%")
        );
        assert!(
            execution["to_rule"]["formula"]
                .as_str()
                .unwrap()
                .contains("rate / 100%")
        );
        assert!(
            execution["to_rule"]["source"]
                .as_str()
                .unwrap()
                .starts_with("draft.rules:")
        );
    }
    assert_eq!(json["summary"]["changed"], 1);
    assert_eq!(json["summary"]["unchanged"], 3);
    assert_eq!(json["summary"]["largest_moves"][0]["delta"], "-0.82");
}

#[test]
fn diff_as_a_table_reads_like_the_acceptance_says() {
    let dir = scratch("diff-table");
    draft_with_a_100_percent_bar(&dir);
    // The forms are copied next to the draft, so that every path in the output is relative.
    let forms = dir.join("evaluations/xuchang-2023");
    std::fs::create_dir_all(&forms).unwrap();
    for entry in std::fs::read_dir(common::root().join("evaluations/xuchang-2023")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, forms.join(path.file_name().unwrap())).unwrap();
    }
    let output = jixiao_in(
        &dir,
        &[
            "diff",
            "--from",
            "henan-2023",
            "--to",
            "draft.rules",
            "evaluations/",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn diff_csv_and_markdown_carry_the_same_changes() {
    let dir = scratch("diff-formats");
    draft_with_a_100_percent_bar(&dir);
    let forms = common::root().join("evaluations/xuchang-2023");
    let forms = forms.to_str().unwrap();
    let csv = stdout(&jixiao_in(
        &dir,
        &[
            "diff",
            "--from",
            "henan-2023",
            "--to",
            "draft.rules",
            forms,
            "--format",
            "csv",
        ],
    ));
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows.len(),
        1 + 2 + 3,
        "header, two changes, three unchanged forms: {csv}"
    );
    assert!(rows[0].starts_with("file,form,kind,status,"));
    assert!(rows[2].contains(",execution-score,执行率得分,"), "{csv}");
    assert!(rows[2].contains(",8.22,7.40,-0.82,"), "{csv}");
    assert!(
        rows[2].contains("\"department_execution = weight * min(rate / 100%, 1)\""),
        "{csv}"
    );

    let md = stdout(&jixiao_in(
        &dir,
        &[
            "diff",
            "--from",
            "henan-2023",
            "--to",
            "draft.rules",
            forms,
            "--format",
            "markdown",
        ],
    ));
    assert!(
        md.contains("| 执行率得分 | 得分 | 8.22 | 7.40 | -0.82 |"),
        "{md}"
    );
    assert!(md.contains("## 无变化 (unchanged)"), "{md}");
}

#[test]
fn diff_reports_a_form_that_fails_under_one_ruleset_and_goes_on() {
    let output = jixiao(&[
        "diff",
        "--from",
        "henan-2023",
        "--to",
        "central-2020",
        "evaluations/xuchang-2023/",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let forms = json["forms"].as_array().unwrap();
    assert_eq!(forms.len(), 4, "every form is reported");
    for form in forms {
        assert_eq!(form["status"], "fails-under-to", "{form}");
        assert!(form["from"]["total"].is_string());
        assert!(form["to"].is_null());
        let errors = form["to_errors"].as_array().unwrap();
        assert!(!errors.is_empty());
        assert!(errors[0]["line"].is_number(), "located: {}", errors[0]);
    }
    assert_eq!(json["summary"]["fails_under_to"], 4);
}

#[test]
fn diff_with_an_unknown_ruleset_is_a_usage_error() {
    let output = jixiao(&[
        "diff",
        "--from",
        "henan-2099",
        "--to",
        "henan-2023",
        "evaluations/",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("找不到评分规则 henan-2099"),
        "{}",
        stderr(&output)
    );
}
