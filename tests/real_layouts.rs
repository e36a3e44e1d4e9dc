//! Workbooks and documents laid out the way units and provincial systems lay out 自评表, built by
//! another tool (`tests/fixtures/real-layouts/make_real_layouts.py`, see its README): each is
//! imported through the library and the command line, and gives the figures the README states.
//! Also the Word table reader's merges, and its budgets against hostile documents.
#![cfg(feature = "xlsx")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::xlsx::{self, ImportOptions, cells::Merge};
use std::io::Write;
use std::path::{Path, PathBuf};

const DIR: &str = "tests/fixtures/real-layouts";

fn fixture(name: &str) -> PathBuf {
    common::root().join(DIR).join(name)
}

/// What the README says each form holds: project, claimed total, grade, and the budget figures
/// (全年预算数, 全年执行数, 执行率) as printed.
struct Expected {
    file: &'static str,
    project: &'static str,
    total: &'static str,
    grade: Option<&'static str>,
    budget: (&'static str, &'static str, Option<&'static str>),
    unit: Option<&'static str>,
}

const EXPECTED: &[Expected] = &[
    Expected {
        file: "henan-project.xlsx",
        project: "市民之家运行经费",
        total: "94.52",
        grade: Some("优"),
        budget: ("205", "92.61", Some("45.18%")),
        unit: None,
    },
    Expected {
        file: "sichuan-system-export.xlsx",
        project: "51000021R000000012345-农村公路养护补助",
        total: "99.46",
        grade: None,
        budget: ("1300.00", "1254.50", Some("96.50%")),
        unit: None,
    },
    Expected {
        file: "shanghai-yuan.xlsx",
        project: "社区公共空间微更新项目",
        total: "98.5",
        grade: Some("优"),
        budget: ("215457.60", "204684.72", Some("95.00%")),
        unit: Some("元"),
    },
    Expected {
        file: "yunnan-county.xls",
        project: "示例县农村饮水安全巩固提升工程",
        total: "98.91",
        grade: Some("优"),
        budget: ("350.00", "346.85", Some("99.10%")),
        unit: None,
    },
    Expected {
        file: "two-forms.docx",
        project: "数字政府建设领导小组和放管服专项经费",
        total: "90",
        grade: None,
        budget: ("40", "0", Some("0")),
        unit: None,
    },
    Expected {
        file: "two-forms.docx",
        project: "市级电子印章服务费",
        total: "100",
        grade: None,
        budget: ("6.11", "6.11", Some("100 %")),
        unit: None,
    },
];

/// The forms of a fixture, read under its file name alone (so that snapshots do not depend on
/// where the repository is).
fn import(path: &Path) -> Vec<xlsx::ImportedForm> {
    let name = path.file_name().unwrap().to_string_lossy();
    let workbook = xlsx::read_bytes(&name, std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    let import = xlsx::import_workbook(&workbook, &ImportOptions::default());
    import
        .forms
        .into_iter()
        .map(|f| f.unwrap_or_else(|e| panic!("{}: {e:?}", path.display())))
        .collect()
}

fn str_at<'t>(table: &'t toml::Table, path: &[&str]) -> Option<&'t str> {
    let mut value = table.get(path[0])?;
    for key in &path[1..] {
        value = value.get(key)?;
    }
    value.as_str()
}

#[test]
fn every_fixture_imports_with_the_figures_its_readme_gives() {
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for expected in EXPECTED {
        let forms = import(&fixture(expected.file));
        let index = seen.entry(expected.file).or_default();
        let form = &forms[*index];
        *index += 1;
        let context = format!("{} #{index}", expected.file);
        let loaded = form.load();
        assert!(loaded.is_ok(), "{context}: {:?}", loaded.err());
        let table: toml::Table = toml::from_str(&form.toml).unwrap();
        assert_eq!(
            str_at(&table, &["project"]),
            Some(expected.project),
            "{context}"
        );
        assert_eq!(table["year"].as_integer(), Some(2023), "{context}");
        assert_eq!(
            str_at(&table, &["total", "score"]),
            Some(expected.total),
            "{context}"
        );
        assert_eq!(
            str_at(&table, &["total", "grade"]),
            expected.grade,
            "{context}"
        );
        let (adjusted, executed, rate) = expected.budget;
        assert_eq!(
            str_at(&table, &["budget", "adjusted"]),
            Some(adjusted),
            "{context}"
        );
        assert_eq!(
            str_at(&table, &["budget", "executed"]),
            Some(executed),
            "{context}"
        );
        assert_eq!(str_at(&table, &["budget", "rate"]), rate, "{context}");
        assert_eq!(
            str_at(&table, &["budget", "unit"]),
            expected.unit,
            "{context}"
        );
        let stem = expected.file.split('.').next().unwrap();
        insta::assert_snapshot!(format!("{stem}-{index}"), form.toml);
    }
    assert_eq!(seen.get("two-forms.docx"), Some(&2));
    // Every fixture's forms are all accounted for.
    for (file, count) in seen {
        assert_eq!(import(&fixture(file)).len(), count, "{file}");
    }
}

#[test]
fn the_layouts_columns_land_in_their_fields() {
    // 指标性质 / 指标值 / 度量单位 in three columns (Sichuan export, Yunnan .xls).
    for (file, name, direction, target, unit, actual) in [
        (
            "sichuan-system-export.xlsx",
            "每公里养护成本控制率",
            "≤",
            "100",
            "%",
            "98.6",
        ),
        (
            "sichuan-system-export.xlsx",
            "农村公路通行条件",
            "定性",
            "好",
            "",
            "好",
        ),
        (
            "yunnan-county.xls",
            "年度工程完工率",
            "﹦",
            "100",
            "%",
            "100",
        ),
        (
            "yunnan-county.xls",
            "改造供水管网长度",
            "≥",
            "45",
            "公里",
            "46.2",
        ),
    ] {
        let form = &import(&fixture(file))[0];
        let table: toml::Table = toml::from_str(&form.toml).unwrap();
        let row = table["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r.get("name").and_then(|n| n.as_str()) == Some(name))
            .unwrap_or_else(|| panic!("{file}: no row {name}"));
        let field = |k: &str| row.get(k).and_then(|v| v.as_str()).unwrap_or("");
        assert_eq!(
            (
                field("direction"),
                field("target"),
                field("unit"),
                field("actual")
            ),
            (direction, target, unit, actual),
            "{file}: {name}"
        );
    }
    // The 预算执行率 row of the Shanghai layout gives the execution's weight and score.
    let form = &import(&fixture("shanghai-yuan.xlsx"))[0];
    let table: toml::Table = toml::from_str(&form.toml).unwrap();
    assert_eq!(str_at(&table, &["budget", "weight"]), Some("10"));
    assert_eq!(str_at(&table, &["budget", "score"]), Some("9.5"));
    assert!(
        table["budget"].get("initial").is_none(),
        "no 年初预算数 column"
    );
}

/// The README's totals, as `jixiao score` prints them (the Yunnan form docks a point for a target
/// met, a judgement the engine recomputes and flags: its claimed 98.91 is shown beside).
#[test]
fn the_command_line_imports_and_scores_every_fixture() {
    for (file, forms, shown) in [
        ("henan-project.xlsx", 1, &["自评得分 94.52 ✓"][..]),
        ("sichuan-system-export.xlsx", 1, &["自评得分 99.46 ✓"][..]),
        ("shanghai-yuan.xlsx", 1, &["自评得分 98.50 ✓"][..]),
        ("yunnan-county.xls", 1, &["申报 98.91"][..]),
        (
            "two-forms.docx",
            2,
            &["自评得分 90.00 ✓", "自评得分 100.00 ✓"][..],
        ),
    ] {
        let path = format!("{DIR}/{file}");
        let out = common::scratch("real-import");
        let output = common::jixiao(&["import", &path, "-o", &out.to_string_lossy()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{file}: {}",
            common::stderr(&output)
        );
        assert_eq!(std::fs::read_dir(&*out).unwrap().count(), forms, "{file}");
        for command in ["score", "review"] {
            let output = common::jixiao(&[command, &path]);
            let code = output.status.code();
            assert!(
                matches!(code, Some(0 | 1)),
                "{command} {file}: {code:?} {}",
                common::stderr(&output)
            );
            if command == "score" {
                let text = common::stdout(&output);
                for line in shown {
                    assert!(text.contains(line), "{file}: {line}\n{text}");
                }
            }
        }
    }
}

#[test]
fn a_csv_renamed_xlsx_is_said_to_be_no_workbook() {
    let output = common::jixiao(&[
        "import",
        &format!("{DIR}/csv-renamed.xlsx"),
        "-o",
        "/nonexistent",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = common::stderr(&output);
    assert!(err.contains("not an Excel workbook"), "{err}");
    assert!(err.contains("CSV"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn word_merges_follow_grid_span_vmerge_and_grid_before() {
    let book = xlsx::read_path(&fixture("two-forms.docx")).unwrap();
    let names: Vec<&str> = book.sheets.iter().map(|g| g.sheet.as_str()).collect();
    assert_eq!(names, ["表1", "表2"]);
    let t1 = &book.sheets[0];
    let merge = |g: &xlsx::cells::Grid, r, c| g.merge_at(r, c).copied();
    let region = |first_row, first_col, last_row, last_col| Merge {
        first_row,
        first_col,
        last_row,
        last_col,
    };
    // r30 starts with gridBefore 1: 总分 sits in grid column 2 and spans five columns.
    assert!(t1.get(30, 0).is_none());
    assert_eq!(t1.get(30, 1).unwrap().text, "总分");
    assert_eq!(merge(t1, 30, 1), Some(region(30, 1, 30, 5)));
    assert_eq!(t1.get(30, 6).unwrap().text, "100");
    assert_eq!(t1.get(30, 7).unwrap().text, "90");
    // vMerge restart/continue: 绩效指标 down r15–r29 (not over the 总分 row), 项目资金 r3–r7.
    assert_eq!(merge(t1, 15, 0), Some(region(15, 0, 29, 0)));
    assert_eq!(merge(t1, 3, 0), Some(region(3, 0, 7, 0)));
    // A title row spanning the whole grid.
    assert_eq!(merge(t1, 0, 0), Some(region(0, 0, 0, 9)));
    assert_eq!(t1.place(4, 2), "表1 行5 列3");
    let t2 = &book.sheets[1];
    // A line break inside a cell, and a band merged across and down at once.
    assert_eq!(t2.get(2, 0).unwrap().text, "项目资金\n(万元)");
    assert_eq!(merge(t2, 14, 0), Some(region(14, 0, 15, 9)));
    // 三级指标: two grid columns, over the two header rows.
    let level3 = t2.cells.values().find(|c| c.text == "三级指标").unwrap();
    let m = merge(t2, level3.row, level3.col).unwrap();
    assert_eq!((m.last_row - m.first_row, m.last_col - m.first_col), (1, 1));
}

/// A workbook from the Henan fixture with one cell's XML changed.
fn henan_with(cell_from: &str, cell_to: &str) -> Vec<u8> {
    use std::io::Read;
    let bytes = std::fs::read(fixture("henan-project.xlsx")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains(cell_from));
            data = text.replace(cell_from, cell_to).into_bytes();
        }
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(&data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const H6: &str = r#"<c r="H6" s="7" t="n"><v>0.4517560975609756</v></c>"#;

#[test]
fn a_constant_formula_saved_without_its_value_is_computed_and_shown_at_its_format() {
    let bytes = henan_with(H6, r#"<c r="H6" s="7"><f>92.61/205</f></c>"#);
    let book = xlsx::read_bytes("formula.xlsx", bytes).unwrap();
    let forms = xlsx::import_workbook(&book, &ImportOptions::default()).forms;
    let form = forms[0].as_ref().unwrap();
    let table: toml::Table = toml::from_str(&form.toml).unwrap();
    assert_eq!(str_at(&table, &["budget", "rate"]), Some("45.18%"));
}

#[test]
fn any_other_formula_saved_without_its_value_is_refused_at_its_cell() {
    let bytes = henan_with(H6, r#"<c r="H6" s="7"><f>F6/E6</f></c>"#);
    let errors = xlsx::read_bytes("formula.xlsx", bytes).unwrap_err();
    let text = errors[0].to_string();
    assert_eq!(errors[0].code, "xlsx::uncached-formula", "{text}");
    assert!(text.contains("H6") && text.contains("=F6/E6"), "{text}");
}

#[test]
fn two_workbooks_with_the_same_project_import_into_one_folder_side_by_side() {
    let dir = common::scratch("same-project");
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::copy(
            fixture("henan-project.xlsx"),
            dir.join(sub).join("form.xlsx"),
        )
        .unwrap();
    }
    let a = dir.join("a/form.xlsx");
    let b = dir.join("b/form.xlsx");
    let out = dir.join("out");
    let output = common::jixiao(&[
        "import",
        &a.to_string_lossy(),
        &b.to_string_lossy(),
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["01-市民之家运行经费.toml", "02-市民之家运行经费.toml"]
    );
}

#[test]
fn a_folder_walk_reads_old_workbooks_and_documents_and_names_what_it_cannot() {
    let dir = common::scratch("walk-formats");
    for file in ["yunnan-county.xls", "two-forms.docx"] {
        std::fs::copy(fixture(file), dir.join(file)).unwrap();
    }
    std::fs::copy(fixture("yunnan-county.xls"), dir.join("wps.et")).unwrap();
    std::fs::write(dir.join("sheet.ods"), "x").unwrap();
    std::fs::write(dir.join("scan.pdf"), "x").unwrap();
    let output = common::jixiao(&["score", "--format", "json", &dir.to_string_lossy()]);
    let (out, err) = (common::stdout(&output), common::stderr(&output));
    assert!(matches!(output.status.code(), Some(0 | 1)), "{err}");
    assert!(out.contains("\"scored\": 4"), "{out}\n{err}");
    assert!(
        err.contains("sheet.ods") && err.contains("scan.pdf"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile documents: the budgets hold for the Word reader too.

fn docx(body: &str, deflate: bool) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(false);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn refused(bytes: Vec<u8>) -> String {
    let started = std::time::Instant::now();
    let errors = xlsx::read_bytes("hostile.docx", bytes).unwrap_err();
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(errors[0].code, "input::too-large", "{}", errors[0]);
    errors[0].to_string()
}

#[test]
fn tables_nested_too_deep_are_refused_where_they_go_too_deep() {
    let depth = 40;
    let open = "<w:tbl><w:tr><w:tc><w:p/>".repeat(depth);
    let close = "</w:tc></w:tr></w:tbl>".repeat(depth);
    let text = refused(docx(&format!("{open}{close}"), true));
    assert!(text.contains("nested more than 8"), "{text}");
    // Within the limit, each nested table is read as a table of its own.
    let open = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p>".repeat(3);
    let close = "</w:tc></w:tr></w:tbl>".repeat(3);
    let book = xlsx::read_bytes("nested.docx", docx(&format!("{open}{close}"), true)).unwrap();
    assert_eq!(book.sheets.len(), 3);
    assert!(book.sheets.iter().all(|g| g.get(0, 0).unwrap().text == "x"));
}

#[test]
fn a_huge_grid_span_or_grid_before_is_refused_at_its_cell() {
    let span = r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="4294967295"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"#;
    let text = refused(docx(span, true));
    assert!(text.contains("表1 行1 列1"), "{text}");
    let before = r#"<w:tbl><w:tr><w:trPr><w:gridBefore w:val="100000"/></w:trPr><w:tc><w:p/></w:tc></w:tr></w:tbl>"#;
    let text = refused(docx(before, true));
    assert!(text.contains("表1 行1 列100001"), "{text}");
    // Spans that each fit but merge over millions of cells together.
    let tall = format!(
        "<w:tbl>{}</w:tbl>",
        r#"<w:tr><w:tc><w:tcPr><w:gridSpan w:val="999"/><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>"#
            .repeat(20_000)
    );
    refused(docx(&tall, true));
}

#[test]
fn a_document_that_inflates_past_the_budget_is_refused_without_inflating_it() {
    let padding = " ".repeat(70 << 20);
    let text = refused(docx(&format!("<w:p>{padding}</w:p>"), true));
    assert!(text.contains("word/document.xml"), "{text}");
}

#[test]
fn a_million_empty_cells_are_refused() {
    let row = format!("<w:tr>{}</w:tr>", "<w:tc/>".repeat(1_000));
    let text = refused(docx(&format!("<w:tbl>{}</w:tbl>", row.repeat(1_001)), true));
    assert!(text.contains("table cells"), "{text}");
}

#[test]
fn an_xls_that_declares_a_huge_sheet_is_refused_before_calamine_allocates_it() {
    let mut bytes = std::fs::read(fixture("yunnan-county.xls")).unwrap();
    // The DIMENSIONS record (0x0200, 14 bytes): rows up to 1,048,576, columns up to 255.
    let at = bytes
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0e, 0x00])
        .expect("a DIMENSIONS record");
    bytes[at + 8..at + 12].copy_from_slice(&0x0010_0000u32.to_le_bytes());
    bytes[at + 14..at + 16].copy_from_slice(&0x00ffu16.to_le_bytes());
    let errors = xlsx::read_bytes("huge.xls", bytes).unwrap_err();
    assert_eq!(errors[0].code, "input::too-large", "{}", errors[0]);
}
