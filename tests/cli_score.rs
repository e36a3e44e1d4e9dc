//! `jixiao score` as a user runs it: exit codes, formats, and batches with bad files.

mod common;

#[test]
fn scoring_the_reference_forms_succeeds_with_the_published_totals() {
    let output = common::jixiao(&["score", "evaluations/xuchang-2023/"]);
    let stdout = common::stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    for total in [
        "自评得分 98.22 ✓",
        "自评得分 94.52 ✓",
        "自评得分 90.00 ✓",
        "自评得分 100.00 ✓",
    ] {
        assert!(stdout.contains(total), "missing {total}");
    }
    assert_eq!(stdout.matches("申报数与计算结果一致").count(), 4);
    assert!(!stdout.contains('✗'));
}

#[test]
fn json_output_keeps_the_scale_of_every_decimal() {
    let output = common::jixiao(&["score", "--format", "json", "evaluations/xuchang-2023/"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&common::stdout(&output)).unwrap();
    let forms = json["forms"].as_array().unwrap();
    assert_eq!(forms.len(), 4);
    let totals: Vec<&str> = forms.iter().map(|f| f["total"].as_str().unwrap()).collect();
    assert_eq!(totals, ["98.22", "94.52", "90.00", "100.00"]);
    let department = &forms[0];
    assert_eq!(department["execution"]["rate_percent"], "74.01");
    assert_eq!(department["execution"]["score"], "8.22");
    assert_eq!(department["grade"], "优");
    assert_eq!(department["indicators"][0]["deviation_percent"], "0.00");
    assert!(
        department["execution"]["trace"]["formula"]
            .as_str()
            .unwrap()
            .contains("90%")
    );
    assert_eq!(json["summary"]["scored"], 4);
    assert_eq!(json["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn markdown_output_has_every_form() {
    let output = common::jixiao(&["score", "--format", "markdown", "evaluations/xuchang-2023/"]);
    let stdout = common::stdout(&output);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout.matches("\n## ").count() + usize::from(stdout.starts_with("## ")),
        4
    );
    assert!(stdout.contains("**98.22**"));
}

#[test]
fn the_explanation_names_the_rule_the_formula_and_the_inputs() {
    let output = common::jixiao(&[
        "score",
        "--explain",
        "evaluations/xuchang-2023/00-department.toml",
    ]);
    let stdout = common::stdout(&output);
    assert!(stdout.contains(
        "formula  department_execution; department_execution = weight * min(rate / 90%, 1)"
    ));
    assert!(stdout.contains("inputs   weight = 10, rate = 74.01%"));
    // The installed binary has no scoring-rules/ folder: the rule is cited as built in.
    assert!(stdout.contains("(built-in henan-2023.rules:"), "{stdout}");
    assert!(!stdout.contains("scoring-rules/"));
    // The unrounded figure to a readable precision, with Chinese labels and the English gloss.
    assert!(
        stdout.contains("结果 result   8.22（未取整 unrounded 8.223333…）"),
        "{stdout}"
    );
}

#[test]
fn a_claimed_figure_that_differs_is_a_finding_with_exit_code_1() {
    let output = common::jixiao(&["score", "tests/fixtures/claimed-mismatch.toml"]);
    let stdout = common::stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        common::stderr(&output)
    );
    assert!(stdout.contains("✗ 申报 30"), "{stdout}");
    assert!(
        stdout.contains("设备维修数量 得分: 申报 30 / 计算 22.50"),
        "{stdout}"
    );
    assert!(
        stdout.contains("自评得分: 申报 99.00 / 计算 91.50"),
        "{stdout}"
    );
}

#[test]
fn the_central_template_names_the_rows_that_do_not_fit() {
    let output = common::jixiao(&[
        "score",
        "--rules",
        "central-2020",
        "evaluations/xuchang-2023/01-citizen-center-operations.toml",
    ]);
    // The form is scored anyway (exit 1, findings), with every row that does not fit named.
    let stderr = common::stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("section 资金管理情况 is not part of the 项目 template of central-2020@1"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "level-1 indicator 成本指标 is not in the 项目 template of central-2020@1; 4 row(s)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("01-citizen-center-operations.toml:75:10"),
        "{stderr}"
    );
}

#[test]
fn one_bad_file_in_a_batch_is_reported_and_the_rest_are_scored() {
    let dir = std::env::temp_dir().join(format!("jixiao-batch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["00-department.toml", "01-citizen-center-operations.toml"] {
        std::fs::copy(
            common::root().join("evaluations/xuchang-2023").join(name),
            dir.join(name),
        )
        .unwrap();
    }
    std::fs::copy(
        common::root().join("tests/fixtures/invalid/form-misspelled-field.toml"),
        dir.join("02-broken.toml"),
    )
    .unwrap();
    let output = common::jixiao(&["score", dir.to_str().unwrap()]);
    let stdout = common::stdout(&output);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout.contains("自评得分 98.22") && stdout.contains("自评得分 94.52"),
        "{stdout}"
    );
    assert!(stderr.contains("02-broken.toml:27:1"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(common::jixiao(&["score"]).status.code(), Some(2));
    assert_eq!(
        common::jixiao(&["score", "--format", "yaml", "evaluations"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        common::jixiao(&["score", "no/such/dir"]).status.code(),
        Some(2)
    );
    assert_eq!(
        common::jixiao(&["score", "--rules", "no-such-rules", "evaluations"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_rule_file_given_as_a_form_is_named_as_such_with_its_own_errors() {
    let refused = |path: &str| {
        let output = common::jixiao(&["score", path]);
        let stderr = common::stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("a rule file, not a form"), "{stderr}");
        assert!(stderr.contains(&format!("--rules {path}")), "{stderr}");
        assert!(!stderr.contains("form::toml"), "read as a form: {stderr}");
        stderr
    };
    refused("scoring-rules/henan-2023.rules");
    let stderr = refused("tests/fixtures/invalid/rules-missing-paren.rules");
    assert!(
        stderr.contains("--> tests/fixtures/invalid/rules-missing-paren.rules:35:1"),
        "{stderr}"
    );
}

/// The CSV rows of `jixiao score --format csv ARGS…`, header first, and the exit code.
fn score_csv(args: &[&str]) -> (Vec<Vec<String>>, Option<i32>) {
    let mut all = vec!["score", "--format", "csv"];
    all.extend_from_slice(args);
    let output = common::jixiao(&all);
    let text = common::stdout(&output);
    let records: Result<Vec<csv::StringRecord>, _> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .collect();
    let Ok(records) = records else {
        panic!("not CSV: {text}");
    };
    let rows = records
        .iter()
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    (rows, output.status.code())
}

#[test]
fn csv_output_is_one_row_per_form_with_the_figures_the_table_shows() {
    let (rows, code) = score_csv(&["evaluations/xuchang-2023/"]);
    assert_eq!(code, Some(0));
    let header = &rows[0];
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 5, "{rows:?}");
    let totals: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r[column("total")].as_str())
        .collect();
    assert_eq!(totals, ["98.22", "94.52", "90.00", "100.00"]);
    let department = &rows[1];
    assert_eq!(department[column("kind")], "部门整体");
    assert_eq!(department[column("rate_percent")], "74.01");
    assert_eq!(department[column("execution_score")], "8.22");
    assert_eq!(department[column("grade")], "优");
    assert_eq!(department[column("claimed_total")], "98.22");
    assert_eq!(department[column("mismatches")], "0");

    let (rows, code) = score_csv(&["tests/fixtures/claimed-mismatch.toml"]);
    assert_eq!(
        code,
        Some(1),
        "a claim that differs is a finding in CSV too"
    );
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows[1][column("total")], "91.50");
    assert_eq!(rows[1][column("claimed_total")], "99.00");
    assert_ne!(rows[1][column("mismatches")], "0");
}

#[test]
fn csv_output_neutralises_formulas_unless_raw_and_can_start_with_a_bom() {
    let dir = common::scratch("score-csv");
    let text = std::fs::read_to_string("tests/fixtures/claimed-mismatch.toml").unwrap();
    let hostile = text.replace(
        "project = \"测试项目\"",
        "project = \"=HYPERLINK(\\\"http://x\\\")\"",
    );
    assert_ne!(hostile, text);
    let form = dir.join("form.toml");
    std::fs::write(&form, hostile).unwrap();
    let form = form.to_str().unwrap();
    let name = |rows: &[Vec<String>]| {
        let column = rows[0].iter().position(|h| h == "form").unwrap();
        rows[1][column].clone()
    };
    let (rows, _) = score_csv(&[form]);
    assert!(name(&rows).starts_with("'=HYPERLINK"), "{rows:?}");
    let (rows, _) = score_csv(&["--csv-raw", form]);
    assert!(name(&rows).starts_with("=HYPERLINK"), "{rows:?}");
    let output = common::jixiao(&["score", "--format", "csv", "--bom", form]);
    assert!(common::stdout(&output).starts_with("\u{feff}file,form,"));
}
