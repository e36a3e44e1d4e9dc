//! `jixiao review` as a finance bureau runs it: batches, exit codes, CSV for spreadsheets, JSON,
//! filters and the catalogue.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns too

mod common;

use common::{jixiao, stderr, stdout};
use jixiao::review::CATALOGUE;

const REFERENCE: &str = "evaluations/xuchang-2023/";
const BATCH: &str = "tests/fixtures/review-batch/";
/// A form with one error-severity finding (total-sum) and nothing else.
const WITH_ERROR: &str = "tests/fixtures/review/total-sum/trigger.toml";

/// Findings on the reference forms (see tests/review_reference.rs for the list and the reasons).
const REFERENCE_FINDINGS: usize = 24;

/// The finding rows of a CSV review (the per-unit summary rows, severity `summary`, left out).
fn finding_rows(records: &[Vec<String>]) -> Vec<Vec<String>> {
    records
        .iter()
        .skip(1)
        .filter(|r| r[5] != "summary")
        .cloned()
        .collect()
}

/// RFC 4180: records of fields; quoted fields may hold commas, doubled quotes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

#[test]
fn warnings_alone_exit_0_and_fail_on_warning_exits_1() {
    let out = jixiao(&["review", REFERENCE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("warning[cost-exceeds-spend]"), "{text}");
    assert!(text.contains("4 个表已复核 (forms reviewed)"), "{text}");
    assert!(!text.contains("error["), "{text}");

    let out = jixiao(&["review", "--fail-on", "warning", REFERENCE]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn errors_exit_1_unless_fail_on_never() {
    assert_eq!(jixiao(&["review", WITH_ERROR]).status.code(), Some(1));
    assert_eq!(
        jixiao(&["review", "--fail-on", "error", WITH_ERROR])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        jixiao(&["review", "--fail-on", "never", WITH_ERROR])
            .status
            .code(),
        Some(0)
    );
    // Skipping total-sum brings back the total-mismatch it superseded on the same cell.
    let out = jixiao(&["review", "--skip", "total-sum", WITH_ERROR]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error[total-mismatch]"));
    // Skipping every error-severity check leaves nothing to fail on.
    assert_eq!(
        jixiao(&["review", "--skip", "error", WITH_ERROR])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn csv_has_a_header_and_one_row_per_finding() {
    let out = jixiao(&["review", "--format", "csv", "evaluations/xuchang-2023/"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = parse_csv(&stdout(&out));
    assert_eq!(
        records[0],
        [
            "file",
            "line",
            "form",
            "department",
            "unit",
            "severity",
            "code",
            "family",
            "row",
            "field",
            "message",
            "evidence"
        ]
    );
    let findings = finding_rows(&records);
    assert_eq!(findings.len(), REFERENCE_FINDINGS);
    for r in &findings {
        assert_eq!(r.len(), 12, "{r:?}");
        assert!(CATALOGUE.iter().any(|c| c.code == r[6]), "{r:?}");
        assert!(r[1].parse::<usize>().is_ok() || r[7] == "batch", "{r:?}");
    }
    // The batch finding comes after every form's findings.
    let batch = findings.iter().position(|r| r[7] == "batch").unwrap();
    assert_eq!(batch, findings.len() - 1);
    assert_eq!(findings[batch][6], "unit-full-marks");
    // Then the per-unit table: two units, ranked by inflation.
    let units: Vec<&Vec<String>> = records.iter().filter(|r| r[5] == "summary").collect();
    assert_eq!(units.len(), 2, "{units:?}");
    assert!(units.iter().all(|r| r[6] == "unit-summary"));
    // Messages and evidence hold commas and Chinese text; quoting keeps them in one field.
    let seal = findings
        .iter()
        .find(|r| r[6] == "money-unit")
        .expect("money-unit row");
    assert_eq!(seal[0], "evaluations/xuchang-2023/03-e-seal-service.toml");
    assert_eq!(seal[2], "市级电子印章服务费");
    assert_eq!(seal[4], "许昌市信息中心");
    assert_eq!(seal[8], "印章制作及服务费");
    assert!(
        seal[10].contains("6.11元") && seal[10].contains(", "),
        "{}",
        seal[10]
    );
    assert!(
        seal[11].contains("全年执行数 (executed amount): 6.11万元 = 61100元"),
        "{}",
        seal[11]
    );
}

#[test]
fn csv_with_bom_opens_in_excel() {
    let out = jixiao(&["review", "--format", "csv", "--bom", WITH_ERROR]);
    let text = stdout(&out);
    assert!(text.starts_with("\u{feff}file,line,"), "{text}");
}

#[test]
fn json_has_forms_errors_and_a_summary() {
    let out = jixiao(&["review", "--format", "json", REFERENCE]);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let forms = value["forms"].as_array().unwrap();
    assert_eq!(forms.len(), 4);
    assert_eq!(forms[3]["claimed"]["total"], "100");
    assert_eq!(forms[3]["recomputed"]["total"], "100.00");
    assert_eq!(forms[3]["findings"][0]["code"], "money-unit");
    assert_eq!(forms[3]["findings"][0]["severity"], "warning");
    assert_eq!(forms[3]["findings"][0]["family"], "plausibility");
    assert_eq!(forms[3]["findings"][0]["line"], 79);
    assert_eq!(value["summary"]["warnings"], REFERENCE_FINDINGS);
    assert_eq!(value["summary"]["errors"], 0);
    let batch = value["batch"].as_array().unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0]["code"], "unit-full-marks");
    assert_eq!(batch[0]["family"], "batch");
    assert_eq!(batch[0]["unit"], "许昌市政务服务和大数据管理局");
    let units = value["summary"]["units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(
        units[0]["forms"].as_u64().unwrap() + units[1]["forms"].as_u64().unwrap(),
        4
    );
    assert_eq!(forms[3]["unit"], "许昌市信息中心");
    let by_code = value["summary"]["by_code"].as_array().unwrap();
    let vacuous = by_code
        .iter()
        .find(|c| c["code"] == "vacuous-target")
        .unwrap();
    assert_eq!(vacuous["count"], 6);
    assert_eq!(value["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn markdown_lists_findings_in_tables() {
    let out = jixiao(&["review", "--format", "markdown", REFERENCE]);
    let text = stdout(&out);
    assert!(
        text.contains("## 市级电子印章服务费 (项目, 2023年度)"),
        "{text}"
    );
    assert!(
        text.contains("| warning | `money-unit` | 79 | 印章制作及服务费 |"),
        "{text}"
    );
    assert!(
        text.contains("| `vacuous-target` | warning | 6 |"),
        "{text}"
    );
}

#[test]
fn a_broken_file_is_reported_with_its_location_and_the_rest_is_reviewed() {
    let out = jixiao(&["review", BATCH]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let errors = stderr(&out);
    assert!(
        errors.contains("--> tests/fixtures/review-batch/b-broken.toml:75:10"),
        "{errors}"
    );
    assert!(errors.contains("target = ≥500人次"), "{errors}");
    // Both good forms, before and after the broken one, are reviewed, in path order.
    let clean = text
        .find("tests/fixtures/review-batch/a-clean.toml")
        .unwrap();
    let findings = text
        .find("tests/fixtures/review-batch/c-findings.toml")
        .unwrap();
    assert!(clean < findings);
    assert!(text.contains("error[total-sum]"), "{text}");
    assert!(text.contains("warning[vacuous-target]"), "{text}");
    assert!(
        text.contains("无法复核 (not reviewed): tests/fixtures/review-batch/b-broken.toml:75:10"),
        "{text}"
    );
    assert!(
        text.contains("2 个表已复核 (forms reviewed), 1 个无法复核 (input errors)"),
        "{text}"
    );
    // Input errors win over findings, whatever --fail-on says.
    let out = jixiao(&["review", "--fail-on", "never", BATCH]);
    assert_eq!(out.status.code(), Some(2));
    // CSV keeps to findings; the broken file is on stderr.
    let out = jixiao(&["review", "--format", "csv", BATCH]);
    assert_eq!(out.status.code(), Some(2));
    // Two findings of c-findings.toml, then the batch check's: a-clean and c-findings are two
    // different forms for the same project of the same unit.
    let codes: Vec<String> = finding_rows(&parse_csv(&stdout(&out)))
        .iter()
        .map(|r| r[6].clone())
        .collect();
    assert_eq!(
        codes,
        [
            "vacuous-target",
            "total-sum",
            "duplicate-project",
            "duplicate-project"
        ]
    );
    assert!(stderr(&out).contains("b-broken.toml:75:10"));
}

#[test]
fn output_order_does_not_depend_on_the_order_of_the_arguments() {
    let files = [
        "evaluations/xuchang-2023/03-e-seal-service.toml",
        "evaluations/xuchang-2023/00-department.toml",
        "evaluations/xuchang-2023/01-citizen-center-operations.toml",
        "evaluations/xuchang-2023/02-digital-government-fund.toml",
    ];
    let mut args = vec!["review", "--format", "csv"];
    args.extend(files);
    let shuffled = stdout(&jixiao(&args));
    let sorted = stdout(&jixiao(&["review", "--format", "csv", REFERENCE]));
    assert_eq!(shuffled, sorted);
}

#[test]
fn only_and_skip_filter_the_catalogue() {
    let out = jixiao(&[
        "review",
        "--format",
        "csv",
        "--only",
        "vacuous-target",
        REFERENCE,
    ]);
    let records = finding_rows(&parse_csv(&stdout(&out)));
    assert_eq!(records.len(), 6);
    assert!(records.iter().all(|r| r[6] == "vacuous-target"));

    let out = jixiao(&[
        "review",
        "--format",
        "csv",
        "--only",
        "money-unit,derived-indicator",
        REFERENCE,
    ]);
    let codes: Vec<String> = finding_rows(&parse_csv(&stdout(&out)))
        .iter()
        .map(|r| r[6].clone())
        .collect();
    assert_eq!(
        codes,
        ["derived-indicator", "derived-indicator", "money-unit"]
    );

    let out = jixiao(&[
        "review",
        "--format",
        "csv",
        "--skip",
        "plausibility,design,batch",
        REFERENCE,
    ]);
    assert_eq!(finding_rows(&parse_csv(&stdout(&out))).len(), 0);

    let out = jixiao(&["review", "--only", "no-such-check", REFERENCE]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-check"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn list_checks_prints_every_code_with_its_threshold() {
    let out = jixiao(&["review", "--list-checks"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for check in CATALOGUE {
        assert!(text.contains(check.code), "{} missing:\n{text}", check.code);
    }
    for threshold in [
        "tolerance 0.01",
        "low-execution 60%",
        "similarity 90%",
        "over-achievement 130%",
        "copied-actuals 80%",
        "derived-gap 1%",
        "under-spending 90%",
        "unit-forms 3",
        "copied-row-chars 12",
        "unit-inflation 1",
    ] {
        assert!(text.contains(threshold), "{threshold} missing:\n{text}");
    }

    let out = jixiao(&["review", "--list-checks", "--format", "csv"]);
    let records = parse_csv(&stdout(&out));
    assert_eq!(
        records[0],
        [
            "code",
            "severity",
            "family",
            "threshold_key",
            "threshold",
            "title",
            "checks"
        ]
    );
    assert_eq!(records.len(), 1 + CATALOGUE.len());
    let similarity = records.iter().find(|r| r[0] == "copied-text").unwrap();
    assert_eq!(similarity[3..5], ["similarity", "90%"]);

    let out = jixiao(&["review", "--list-checks", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["checks"].as_array().unwrap().len(), CATALOGUE.len());

    let out = jixiao(&[
        "review",
        "--list-checks",
        "--format",
        "csv",
        "--only",
        "claimed",
    ]);
    let codes: Vec<String> = parse_csv(&stdout(&out))[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        codes,
        [
            "rate-mismatch",
            "execution-score-mismatch",
            "score-mismatch",
            "deviation-mismatch",
            "total-mismatch",
            "grade-mismatch"
        ]
    );
}

#[test]
fn a_rulesets_review_block_sets_the_thresholds() {
    let dir = std::env::temp_dir().join(format!("jixiao-review-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = std::fs::read_to_string(common::root().join("scoring-rules/henan-2023.rules"))
        .unwrap()
        .replace("ruleset henan-2023 {", "ruleset strict-review {")
        .replace("similarity 90%", "similarity 80%\n  copied-actuals 60%");
    let path = dir.join("strict.rules");
    std::fs::write(&path, rules).unwrap();
    let path = path.to_str().unwrap();
    let listed = jixiao(&["review", "--list-checks", "--rules", path]);
    // 5 of the 7 comparable actuals of form 02 repeat their targets (71%): above 60%.
    let reviewed = jixiao(&[
        "review",
        "--format",
        "csv",
        "--only",
        "copied-actuals",
        "--rules",
        path,
        "evaluations/xuchang-2023/02-digital-government-fund.toml",
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let text = stdout(&listed);
    assert!(text.contains("similarity 80%"), "{text}");
    assert!(text.contains("copied-actuals 60%"), "{text}");
    assert!(text.contains("strict-review@1"), "{text}");
    let records = finding_rows(&parse_csv(&stdout(&reviewed)));
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(records[0][11].contains("5/7 = 71.43%"), "{:?}", records[0]);
}

#[test]
fn paths_are_required_unless_listing_checks() {
    assert_eq!(jixiao(&["review"]).status.code(), Some(2));
}

/// A workbook's forms are `book.xlsx#Sheet1`, `book.xlsx#Sheet2`: a batch finding about the
/// second names the second, not the first form of its file.
#[cfg(feature = "xlsx")]
#[test]
fn batch_findings_name_each_form_of_a_workbook_by_its_own_sheet() {
    let dir = common::scratch("workbook-batch");
    let form = common::root().join("evaluations/anhui-guichi-2022/01-commissioned-services.toml");
    for copy in ["a.toml", "b.toml"] {
        std::fs::copy(&form, dir.join(copy)).unwrap();
    }
    let export = common::jixiao_in(&dir, &["export", "a.toml", "b.toml", "-o", "two.xlsx"]);
    // Exit 1: the form has findings of its own; the workbook is written all the same.
    assert!(dir.join("two.xlsx").is_file(), "{}", stderr(&export));
    let review = common::jixiao_in(
        &dir,
        &[
            "review",
            "--only",
            "duplicate-form",
            "--format",
            "json",
            "two.xlsx",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&review)).unwrap();
    let files = |list: &str| -> Vec<String> {
        let items = value[list].as_array().unwrap().iter();
        items
            .map(|f| f["file"].as_str().unwrap().to_string())
            .collect()
    };
    let forms = files("forms");
    assert_eq!(forms.len(), 2);
    assert_ne!(forms[0], forms[1]);
    assert!(
        forms.iter().all(|f| f.starts_with("two.xlsx#")),
        "{forms:?}"
    );
    let batch = files("batch");
    // Each copy is the other's duplicate, and each finding names its own sheet.
    assert_eq!(batch, forms);
}
