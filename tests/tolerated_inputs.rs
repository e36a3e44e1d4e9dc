//! What people really type must work, not fail: full-width digits and symbols (`９５％`, `≧`,
//! `＝`), thousands separators, spaces inside values, TOML numbers, a target of 0, a row marked
//! `/` (not applicable) with no weight, a byte-order mark and CRLF line ends.
//!
//! Each file of `tests/fixtures/tolerated/` says in its header what it should score:
//! `# expect ROW SCORE [DEVIATION]` (or `# expect 自评得分 TOTAL GRADE`, `# expect 执行率 SCORE RATE`),
//! and `# same-as FILE` when it spells the same figures as another form, which must then score
//! exactly the same, row by row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;
use std::path::Path;

/// Score a file with the binary; the one form's JSON sheet.
fn score_json(path: &Path) -> Value {
    let shown = common::relative(path);
    let output = common::jixiao(&["score", "--format", "json", &shown]);
    let stderr = common::stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{shown}: exit code\n{stderr}"
    );
    assert!(stderr.is_empty(), "{shown}: unexpected messages\n{stderr}");
    let json: Value = serde_json::from_str(&common::stdout(&output)).unwrap();
    let forms = json["forms"].as_array().unwrap();
    assert_eq!(forms.len(), 1, "{shown}");
    forms[0].clone()
}

/// The figures that must agree between two spellings of one form.
fn scores(sheet: &Value) -> Vec<String> {
    let mut out = vec![
        format!("total {} {}", sheet["total"], sheet["grade"]),
        format!(
            "execution {} {}",
            sheet["execution"]["score"], sheet["execution"]["rate_percent"]
        ),
    ];
    for section in sheet["sections"].as_array().unwrap() {
        for item in section["items"].as_array().unwrap() {
            out.push(format!(
                "item {} {} {}",
                item["name"], item["score"], item["weight"]
            ));
        }
    }
    for row in sheet["indicators"].as_array().unwrap() {
        out.push(format!(
            "{} {} {} {} {}",
            row["name"], row["status"], row["score"], row["deviation_percent"], row["weight"]
        ));
    }
    out
}

fn check_expectations(path: &Path, text: &str, sheet: &Value) {
    let shown = common::relative(path);
    let mut checked = 0;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# expect ") {
            let words: Vec<&str> = rest.split_whitespace().collect();
            match words.as_slice() {
                ["自评得分", total, grade] => {
                    assert_eq!(sheet["total"], *total, "{shown}: total");
                    assert_eq!(sheet["grade"], *grade, "{shown}: grade");
                }
                ["执行率", score, rate] => {
                    assert_eq!(sheet["execution"]["score"], *score, "{shown}: 执行率得分");
                    assert_eq!(
                        format!("{}%", sheet["execution"]["rate_percent"].as_str().unwrap()),
                        *rate,
                        "{shown}: 执行率"
                    );
                }
                [name, score, rest @ ..] => {
                    let row = sheet["indicators"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|r| r["name"] == *name)
                        .unwrap_or_else(|| panic!("{shown}: no row {name}"));
                    assert_eq!(row["score"], *score, "{shown}: {name} score");
                    if let [deviation] = rest {
                        assert_eq!(
                            format!("{}%", row["deviation_percent"].as_str().unwrap()),
                            *deviation,
                            "{shown}: {name} deviation"
                        );
                    }
                }
                _ => panic!("{shown}: cannot read `{line}`"),
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "{shown}: no `# expect` line");
}

#[test]
fn every_tolerated_spelling_scores_as_expected() {
    let dir = common::root().join("tests/fixtures/tolerated");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let sheet = score_json(&path);
        check_expectations(&path, &text, &sheet);
        if let Some(same) = text.lines().find_map(|l| l.strip_prefix("# same-as ")) {
            let other = score_json(&common::root().join("tests/fixtures").join(same.trim()));
            assert_eq!(
                scores(&sheet),
                scores(&other),
                "{} scores differently from {same}",
                path.display()
            );
        }
    }
}

/// A form saved by Windows tools: a UTF-8 byte-order mark, CRLF line ends, or both. Each scores
/// exactly as the plain file, and an error in such a file is still located on the right line.
#[test]
fn byte_order_marks_and_crlf_line_ends_change_nothing() {
    let dir = common::scratch("bom-crlf");
    let plain =
        std::fs::read_to_string(common::root().join("tests/fixtures/valid-minimal.toml")).unwrap();
    let expected = scores(&score_json(
        &common::root().join("tests/fixtures/valid-minimal.toml"),
    ));
    let crlf = plain.replace('\n', "\r\n");
    let variants = [
        ("bom.toml", format!("\u{feff}{plain}")),
        ("crlf.toml", crlf.clone()),
        ("bom-crlf.toml", format!("\u{feff}{crlf}")),
    ];
    for (name, text) in &variants {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        assert_eq!(scores(&score_json(&path)), expected, "{name}");
    }

    // A finding in a CRLF file with a BOM points at the right line and column.
    let broken = format!("\u{feff}{}", crlf.replace("≥95%", "≥≥95%"));
    let path = dir.join("broken-bom-crlf.toml");
    std::fs::write(&path, broken).unwrap();
    let output = common::jixiao(&["score", path.to_str().unwrap()]);
    let stderr = common::stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let line = plain.lines().position(|l| l.contains("≥95%")).unwrap() + 1;
    assert!(
        stderr.contains(&format!("broken-bom-crlf.toml:{line}:12")),
        "{stderr}"
    );
    assert!(stderr.contains("target = \"≥≥95%\"\n"), "{stderr}");
    assert!(
        !stderr.contains('\r'),
        "a CR reached the message: {stderr:?}"
    );
}

/// Rule files written on Windows: a BOM and CRLF line ends check, score and format the same.
#[test]
fn rule_files_with_a_bom_and_crlf_line_ends_work() {
    let dir = common::scratch("rules-crlf");
    let plain =
        std::fs::read_to_string(common::root().join("scoring-rules/henan-2023.rules")).unwrap();
    let path = dir.join("windows.rules");
    std::fs::write(&path, format!("\u{feff}{}", plain.replace('\n', "\r\n"))).unwrap();
    let shown = path.to_str().unwrap();

    let check = common::jixiao(&["rules", "check", shown]);
    assert_eq!(check.status.code(), Some(0), "{}", common::stderr(&check));

    let form = "evaluations/xuchang-2023/00-department.toml";
    let with_crlf = common::jixiao(&["score", "--format", "json", "--rules", shown, form]);
    let shipped = common::jixiao(&["score", "--format", "json", form]);
    assert_eq!(
        with_crlf.status.code(),
        Some(0),
        "{}",
        common::stderr(&with_crlf)
    );
    let total = |o: &std::process::Output| {
        let v: Value = serde_json::from_str(&common::stdout(o)).unwrap();
        (
            v["forms"][0]["total"].clone(),
            v["forms"][0]["grade"].clone(),
        )
    };
    assert_eq!(total(&with_crlf), total(&shipped));

    // `rules fmt` rewrites it with LF line ends and no BOM, keeping every comment.
    let fmt = common::jixiao(&["rules", "fmt", shown]);
    assert_eq!(fmt.status.code(), Some(0), "{}", common::stderr(&fmt));
    let formatted = std::fs::read_to_string(&path).unwrap();
    assert!(!formatted.contains('\r') && !formatted.starts_with('\u{feff}'));
    assert_eq!(
        jixiao::rules::format::comment_texts(&formatted),
        jixiao::rules::format::comment_texts(&plain)
    );
}
