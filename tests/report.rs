//! Reports: the disclosure narrative of the reference forms (Part 3 §十三(二)), the Markdown
//! report, and what every output does with a claimed figure that differs from the computed one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = common::jixiao(args);
    (
        out.status.code().unwrap_or(-1),
        common::stdout(&out),
        common::stderr(&out),
    )
}

#[test]
fn the_disclosure_narrative_matches_the_published_figures() {
    let (code, text, stderr) = run(&["report", "--disclosure", "evaluations/xuchang-2023/"]);
    assert_eq!(code, 0, "{stderr}");
    // Part 3 §十三(二) of the reference document, figure by figure.
    for figure in [
        "涉及预算资金4018.56万元。自评得分为98.22分，等级为“优”",
        "涉及项目3个，项目金额251.11万元",
        "（1）市民之家运行经费，自评得分为94.52分，等级为“优”",
        "项目自评得分94.52分，预算执行率45.18%，产出指标完成率100%，效益指标完成率100%，满意度指标完成率100%",
        "（2）数字政府建设领导小组和放管服专项经费，自评得分为90分，等级为“优”",
        "项目自评得分90分，预算执行率0%",
        "（3）市级电子印章服务费，自评得分为100分，等级为“优”",
        "预算执行率100%",
        "3个项目评价等级为“优”、0个项目评价等级为“良”、0个项目评价等级为“中”、0个项目评价等级为“差”",
    ] {
        assert!(text.contains(figure), "missing: {figure}\n{text}");
    }
    assert!(
        !text.contains("采用计算结果"),
        "nothing to correct:\n{text}"
    );
    insta::assert_snapshot!(text);
}

/// The reference forms, with the 市民之家 form claiming a total of 95 and 3 points for a
/// 2-point indicator.
fn with_wrong_claims(dir: &Path) {
    for entry in std::fs::read_dir(common::root().join("evaluations/xuchang-2023")).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.ends_with("01-citizen-center-operations.toml") {
            text = text.replacen("score = \"94.52\"", "score = \"95.00\"", 1);
            text = text.replacen(
                "name = \"窗口电话费\"\ntarget = \"≤5万元\"\nactual = \"5万元\"\nweight = \"2\"\nscore = \"2\"",
                "name = \"窗口电话费\"\ntarget = \"≤5万元\"\nactual = \"5万元\"\nweight = \"2\"\nscore = \"3\"",
                1,
            );
            assert!(text.contains("score = \"3\""));
        }
        std::fs::write(dir.join(path.file_name().unwrap()), text).unwrap();
    }
}

#[test]
fn where_claims_differ_the_narrative_uses_the_computed_figures_and_says_so() {
    let dir = common::scratch("disclosure-mismatch");
    with_wrong_claims(&dir);
    let (code, text, stderr) = run(&["report", "--disclosure", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "claims differ: {stderr}");
    assert!(
        text.contains("（1）市民之家运行经费，自评得分为94.52分"),
        "{text}"
    );
    assert!(
        text.contains("申报自评得分95.00分，按评分规则计算为94.52分；另有1处得分或偏差度与计算结果不一致；本文采用计算结果"),
        "{text}"
    );
    assert!(
        text.contains("注：以上得分、等级和执行率均按评分规则"),
        "{text}"
    );
}

#[test]
fn a_template_of_ones_own_and_its_errors() {
    let dir = common::scratch("disclosure-template");
    let template = dir.join("t.txt");
    std::fs::write(
        &template,
        "{{#项目}}{{名称}}：{{自评得分}}分，{{产出指标完成率}}\n{{/项目}}",
    )
    .unwrap();
    let (code, text, stderr) = run(&[
        "report",
        "--disclosure",
        "evaluations/xuchang-2023/",
        "--template",
        template.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        text,
        "市民之家运行经费：94.52分，100%\n数字政府建设领导小组和放管服专项经费：90分，100%\n市级电子印章服务费：100分，100%\n"
    );
    std::fs::write(&template, "第一行\n{{#项目}}{{自评得份}}{{/项目}}\n").unwrap();
    let (code, _, stderr) = run(&[
        "report",
        "--disclosure",
        "evaluations/xuchang-2023/",
        "--template",
        template.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("t.txt:2:8"), "{stderr}");
    assert!(stderr.contains("自评得份"), "{stderr}");
}

#[test]
fn the_markdown_report_shows_each_form_in_its_official_layout() {
    let (code, text, stderr) = run(&[
        "report",
        "evaluations/xuchang-2023/",
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(text);
}

#[test]
fn differing_claims_are_flagged_in_the_markdown_report() {
    let dir = common::scratch("markdown-mismatch");
    with_wrong_claims(&dir);
    let (code, text, _) = run(&["report", dir.to_str().unwrap(), "--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(text.contains("**2.00** ⚠"), "{text}");
    assert!(text.contains("申报 3，按评分规则计算为 2.00"), "{text}");
    assert!(
        text.contains("申报 95.00，按评分规则计算为 94.52"),
        "{text}"
    );
}

#[cfg(feature = "html")]
#[test]
fn differing_claims_are_flagged_in_the_html_report() {
    let dir = common::scratch("html-mismatch");
    with_wrong_claims(&dir);
    let (code, text, _) = run(&["report", dir.to_str().unwrap(), "--format", "html"]);
    assert_eq!(code, 1);
    assert_eq!(
        text.matches("class=\"num differs\"").count(),
        3,
        "the indicator, the total in the summary and on the form"
    );
    assert!(text.contains("申报 3，按评分规则计算为 2"));
    // The review's findings on the form: the score above its weight, the total that is not the
    // sum of the claimed scores.
    assert!(text.contains("<code>score-above-weight</code>"), "{text}");
    assert!(text.contains("<code>total-sum</code>"), "{text}");
}

#[cfg(feature = "xlsx")]
#[test]
fn the_workbook_flags_differing_claims_with_a_note_and_lists_them_on_the_summary_sheet() {
    use std::io::Read;
    let dir = common::scratch("xlsx-mismatch");
    with_wrong_claims(&dir);
    let workbook = dir.join("scored.xlsx");
    let (code, _, stderr) = run(&[
        "export",
        dir.to_str().unwrap(),
        "-o",
        workbook.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let bytes = std::fs::read(&workbook).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut comments = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        if file.name().unwrap().starts_with("xl/comments") {
            file.read_to_string(&mut comments).unwrap();
        }
    }
    assert!(
        comments.contains("申报 3，按评分规则计算为 2"),
        "{comments}"
    );
    assert!(
        comments.contains("申报 95.00，按评分规则计算为 94.52"),
        "{comments}"
    );
    // The summary sheet lists the findings, and the sheet shows the computed figure.
    let book = jixiao::xlsx::cells::read_bytes("scored.xlsx", bytes).unwrap();
    let summary = &book.sheets[0];
    assert_eq!(summary.sheet, "汇总");
    let texts: Vec<&str> = summary.cells.values().map(|c| c.text.as_str()).collect();
    // The review's findings are listed, the errors being the two wrong claims.
    assert_eq!(
        texts.iter().filter(|t| **t == "score-above-weight").count(),
        1,
        "{texts:?}"
    );
    assert_eq!(
        texts.iter().filter(|t| **t == "total-sum").count(),
        1,
        "{texts:?}"
    );
    assert_eq!(
        texts.iter().filter(|t| **t == "错误").count(),
        2,
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("窗口电话费: 窗口电话费 申报得分 3 超过分值 2")),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"cost-exceeds-spend"),
        "the plausibility warnings too"
    );
    let form = book
        .sheets
        .iter()
        .find(|s| s.sheet == "市民之家运行经费")
        .unwrap();
    let total = form.cells.values().find(|c| c.text == "总分").unwrap();
    let row: Vec<&str> = form.row(total.row).map(|c| c.text.as_str()).collect();
    assert_eq!(row, ["总分", "100", "94.52", "等级", "优"]);
}
