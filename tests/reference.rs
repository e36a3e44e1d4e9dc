//! The four forms of the reference disclosure (许昌市政务服务和大数据管理局, 2023 决算, Part 3 §十三)
//! must come out exactly as published.

mod common;

use jixiao::Session;
use jixiao::num::percent_text;
use jixiao::score::ScoreOptions;

/// (file, execution rate, execution score, total, grade), as printed in the disclosure.
const PUBLISHED: &[(&str, &str, &str, &str, &str)] = &[
    ("00-department.toml", "74.01%", "8.22", "98.22", "优"),
    (
        "01-citizen-center-operations.toml",
        "45.18%",
        "4.52",
        "94.52",
        "优",
    ),
    (
        "02-digital-government-fund.toml",
        "0.00%",
        "0.00",
        "90.00",
        "优",
    ),
    ("03-e-seal-service.toml", "100.00%", "10.00", "100.00", "优"),
];

#[test]
fn the_published_figures_are_reproduced_exactly() {
    let context = Session::load(None).unwrap();
    for (file, rate, execution, total, grade) in PUBLISHED {
        let path = common::root().join("evaluations/xuchang-2023").join(file);
        let sheet = context
            .score_file(&path, ScoreOptions::default())
            .unwrap()
            .sheet;
        assert_eq!(
            percent_text(sheet.execution.rate),
            *rate,
            "{file}: execution rate"
        );
        assert_eq!(
            sheet.execution.score.to_string(),
            *execution,
            "{file}: execution score"
        );
        assert_eq!(sheet.total.to_string(), *total, "{file}: total");
        assert_eq!(sheet.grade, *grade, "{file}: grade");
        assert!(sheet.structure.is_empty(), "{file}: {:?}", sheet.structure);
        assert_eq!(
            sheet.mismatches(),
            vec![],
            "{file}: every claimed figure matches"
        );
    }
}

#[test]
fn every_row_of_every_reference_form_is_scored() {
    let context = Session::load(None).unwrap();
    let expected_rows = [33, 12, 9, 7];
    for ((file, ..), rows) in PUBLISHED.iter().zip(expected_rows) {
        let path = common::root().join("evaluations/xuchang-2023").join(file);
        let jixiao::app::ScoredForm { form, sheet, .. } =
            context.score_file(&path, ScoreOptions::default()).unwrap();
        assert_eq!(form.indicators.len(), rows, "{file}");
        assert_eq!(sheet.indicators.len(), rows, "{file}");
        for row in &sheet.indicators {
            assert_eq!(
                row.score, row.weight,
                "{file}: {} is at full marks on the published form",
                row.name
            );
            assert!(
                row.deviation.is_zero(),
                "{file}: {} shows 0.00% on the published form",
                row.name
            );
        }
    }
}

#[test]
fn the_department_execution_score_follows_the_90_percent_bar() {
    // 10 × min(74.01% / 90%, 1) = 8.2233… → 8.22, not 10 × 74.01% = 7.40.
    let context = Session::load(None).unwrap();
    let path = common::root().join("evaluations/xuchang-2023/00-department.toml");
    let sheet = context
        .score_file(&path, ScoreOptions { trace: true })
        .unwrap()
        .sheet;
    let trace = sheet.execution.trace.unwrap();
    assert!(
        trace.formula.contains("weight * min(rate / 90%, 1)"),
        "{}",
        trace.formula
    );
    assert!(trace.raw.starts_with("8.223"), "{}", trace.raw);
    assert_eq!(trace.result, "8.22");
}
