//! Excel in and out: the reference forms survive export → import unchanged in every figure, and a
//! workbook built by hand in the reference layout imports into the form files a person would write.
#![cfg(feature = "xlsx")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::Session;
use jixiao::form::Form;
use jixiao::report::layout::{FormView, sheet_findings};
use jixiao::score::{self, ScoreOptions, ScoreSheet};
use jixiao::xlsx::{self, ImportOptions};
use std::path::PathBuf;

fn reference() -> Vec<(Form, ScoreSheet)> {
    let scored = Session::builtin().unwrap().score_all(
        &[common::root().join("evaluations/xuchang-2023")],
        ScoreOptions { trace: true },
    );
    assert!(scored.errors.is_empty(), "{:?}", scored.errors);
    assert_eq!(scored.forms.len(), 4);
    scored
        .forms
        .into_iter()
        .map(|f| (f.form, f.sheet))
        .collect()
}

fn rescore(form: &Form) -> ScoreSheet {
    // The hand-built workbooks follow the 河南 layout (资金管理情况 20) but name no region: a form
    // with no region falls back to the nationwide rules, so the test names the ruleset.
    let context = Session::load(Some("henan-2023")).unwrap();
    let (ruleset, selection) = context.resolve(form).unwrap();
    score::score(&ruleset, form, selection, ScoreOptions::default()).unwrap()
}

/// Every figure of a form, as exact values (texts may differ in scale: `100 %` and `100%`).
fn figures(form: &Form) -> Vec<String> {
    let b = &form.budget;
    let mut out = vec![
        format!(
            "{} {} {:?} {:?}",
            form.kind.value, form.year.value, form.project, form.department
        ),
        format!(
            "{:?} {:?}",
            form.unit,
            form.ruleset.as_ref().map(|r| r.text.clone())
        ),
        format!(
            "budget {:?} {:?} {:?} {:?} {:?} {:?}",
            b.initial.as_ref().map(|f| f.value),
            b.adjusted.as_ref().map(|f| f.value),
            b.executed.as_ref().map(|f| f.value),
            b.weight.as_ref().map(|f| f.value),
            b.rate.as_ref().map(|f| f.value.normalize()),
            b.score.as_ref().map(|f| f.value)
        ),
        format!("{:?}", form.objective.expected.as_ref().map(|f| &f.value)),
        format!("{:?}", form.objective.achieved.as_ref().map(|f| &f.value)),
        format!(
            "total {:?} {:?}",
            form.total.as_ref().map(|f| f.value),
            form.grade.as_ref().map(|f| &f.value)
        ),
    ];
    for s in &b.sources {
        out.push(format!(
            "source {} {:?} {:?} {:?} {:?}",
            s.name.value,
            s.initial.as_ref().map(|f| f.value),
            s.adjusted.as_ref().map(|f| f.value),
            s.executed.as_ref().map(|f| f.value),
            s.rate.as_ref().map(|f| f.value.normalize())
        ));
    }
    for t in &form.tasks {
        out.push(format!("task {} {:?} {:?}", t.name, t.content, t.achieved));
    }
    for s in &form.sections {
        for i in &s.items {
            out.push(format!(
                "item {} {} {:?} {:?} {:?} {:?}",
                s.name.value,
                i.name.value,
                i.description,
                i.weight.as_ref().map(|f| f.value),
                i.score.as_ref().map(|f| f.value),
                i.problems
            ));
        }
    }
    for i in &form.indicators {
        out.push(format!(
            "indicator {}/{}/{} {} {} {} {:?} {:?} {:?}",
            i.level1.value,
            i.level2.value,
            i.name.value,
            i.target.text,
            i.actual.text,
            i.weight.value,
            i.score.as_ref().map(|f| f.value),
            i.deviation.as_ref().map(|f| f.value.normalize()),
            i.explanation
        ));
    }
    for e in &form.empty_categories {
        out.push(format!("empty {}/{} at {}", e.level1, e.level2, e.position));
    }
    out
}

fn scores(sheet: &ScoreSheet) -> Vec<String> {
    let mut out = vec![
        format!("total {} {}", sheet.total, sheet.grade),
        format!(
            "execution {} {}",
            sheet.execution.rate, sheet.execution.score
        ),
    ];
    for s in &sheet.sections {
        for i in &s.items {
            out.push(format!("{} {}", i.name, i.score));
        }
    }
    for i in &sheet.indicators {
        out.push(format!(
            "{}/{} {} {}",
            i.level2, i.name, i.score, i.deviation
        ));
    }
    out.push(format!("mismatches {}", sheet.mismatches().len()));
    out
}

#[test]
fn the_reference_forms_survive_export_and_import_unchanged() {
    let scored = reference();
    let views: Vec<FormView> = scored.iter().map(|(f, s)| FormView::new(f, s)).collect();
    let findings: Vec<_> = scored.iter().flat_map(|(_, s)| sheet_findings(s)).collect();
    let bytes = jixiao::report::xlsx::export(&views, &findings).unwrap();
    let workbook = xlsx::cells::read_bytes("scored.xlsx", bytes).unwrap();
    let import = xlsx::import_workbook(&workbook, &ImportOptions::default());
    assert!(import.warnings.is_empty(), "{:#?}", import.warnings);
    assert_eq!(
        import.forms.len(),
        4,
        "one form per sheet, the summary skipped"
    );
    for ((form, sheet), imported) in scored.iter().zip(&import.forms) {
        let imported = imported.as_ref().unwrap();
        assert!(
            imported.warnings.is_empty(),
            "{}: {:#?}",
            form.name(),
            imported.warnings
        );
        let again = imported.load().unwrap();
        assert_eq!(figures(&again), figures(form), "{}", form.name());
        let rescored = rescore(&again);
        assert_eq!(scores(&rescored), scores(sheet), "{}", form.name());
    }
}

/// A row marked not applicable (`/`, weight 0) is exported with 不适用 in its 得分 cell, which
/// must read back as no score, not as a number that is not one (found by the round-trip
/// property in tests/invariants.rs).
#[test]
fn a_row_marked_not_applicable_survives_export_and_import() {
    let path = common::root().join("tests/fixtures/tolerated/not-applicable-without-weight.toml");
    let form = jixiao::form::load_path(&path).unwrap();
    let sheet = rescore(&form);
    let bytes =
        jixiao::report::xlsx::export(&[FormView::new(&form, &sheet)], &sheet_findings(&sheet))
            .unwrap();
    let workbook = xlsx::cells::read_bytes("na.xlsx", bytes).unwrap();
    let import = xlsx::import_workbook(&workbook, &ImportOptions::default());
    let imported = import.forms[0].as_ref().unwrap();
    let again = imported
        .load()
        .unwrap_or_else(|e| panic!("{}\n{}", jixiao::diag::render_all(&e), imported.toml));
    // The export writes the computed figures, which come back as claims; the 不适用 row claims
    // nothing.
    let row = again
        .indicators
        .iter()
        .find(|i| i.name.value == "设备到货时间")
        .unwrap();
    assert_eq!(row.target.text, "/");
    assert!(row.score.is_none(), "{:?}", row.score);
    assert_eq!(scores(&rescore(&again)), scores(&sheet));
}

#[test]
fn export_import_score_on_the_command_line_gives_the_same_totals() {
    let dir = common::scratch("cli-round-trip");
    let workbook = dir.join("s.xlsx");
    let out = common::jixiao(&[
        "export",
        "evaluations/xuchang-2023/",
        "-o",
        workbook.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    // Refuses to overwrite without --force.
    let again = common::jixiao(&[
        "export",
        "evaluations/xuchang-2023/",
        "-o",
        workbook.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(common::stderr(&again).contains("--force"));
    let x = dir.join("x");
    let out = common::jixiao(&[
        "import",
        workbook.to_str().unwrap(),
        "-o",
        x.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let mut written: Vec<String> = std::fs::read_dir(&x)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "01-许昌市政务服务和大数据管理局.toml",
            "02-市民之家运行经费.toml",
            "03-数字政府建设领导小组和放管服专项经费.toml",
            "04-市级电子印章服务费.toml"
        ]
    );
    // Existing form files are kept unless --force.
    let import = |force: bool| {
        let mut args = vec![
            "import",
            workbook.to_str().unwrap(),
            "-o",
            x.to_str().unwrap(),
        ];
        if force {
            args.push("--force");
        }
        common::jixiao(&args)
    };
    let again = import(false);
    assert_eq!(again.status.code(), Some(2));
    assert!(common::stderr(&again).contains("--force"));
    let forced = import(true);
    assert_eq!(forced.status.code(), Some(0), "{}", common::stderr(&forced));
    let totals = |path: &str| -> Vec<String> {
        let out = common::jixiao(&["score", "--format", "json", path]);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut totals: Vec<String> = json["forms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {} {}", f["name"], f["total"], f["grade"]))
            .collect();
        totals.sort();
        totals
    };
    let original = totals("evaluations/xuchang-2023/");
    assert_eq!(original.len(), 4);
    assert_eq!(totals(x.to_str().unwrap()), original);
    // `score` reads the workbook directly, with the same results.
    assert_eq!(totals(workbook.to_str().unwrap()), original);
}

/// The scratch directory is returned so that it lives as long as the caller uses the path.
fn hand_built_import() -> (common::Scratch, PathBuf, xlsx::Import) {
    let dir = common::scratch("hand-built");
    let path = dir.join("hand-built.xlsx");
    let bytes = common::workbook::hand_built();
    std::fs::write(&path, &bytes).unwrap();
    // Named as the file's base name, so that snapshots do not depend on where the test runs.
    let workbook = xlsx::cells::read_bytes("hand-built.xlsx", bytes).unwrap();
    let import = xlsx::import_workbook(&workbook, &ImportOptions::default());
    (dir, path, import)
}

#[test]
fn a_workbook_built_by_hand_imports_into_form_files() {
    let (_dir, _, import) = hand_built_import();
    assert_eq!(
        import.forms.len(),
        3,
        "two forms on the first sheet, one on the second"
    );
    let mut shown = String::new();
    for form in &import.forms {
        let form = form.as_ref().unwrap();
        shown.push_str(&format!("==== {} ({})\n", form.place, form.kind));
        shown.push_str(&form.toml);
        for w in &form.warnings {
            shown.push_str(&w.to_string());
        }
        shown.push('\n');
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn hand_built_figures_are_exact() {
    let (_dir, _, import) = hand_built_import();
    let project = import.forms[0].as_ref().unwrap().load().unwrap();
    // 0.9261 with a 0.00% format comes back as 92.61%, the number stored as text as 92.61.
    assert_eq!(project.budget.rate.as_ref().unwrap().text, "92.61%");
    assert_eq!(jixiao::form::text_of(&project.budget.executed), "92.61");
    let satisfaction = project
        .indicators
        .iter()
        .find(|i| i.name.value == "办事群众满意度")
        .unwrap();
    assert_eq!(satisfaction.actual.text, "95.18%");
    let quality = project
        .indicators
        .iter()
        .find(|i| i.name.value == "设备完好率")
        .unwrap();
    assert_eq!(
        quality.level2.value, "质量指标",
        "a blank 二级指标 is the one above"
    );
    assert_eq!(project.empty_categories.len(), 1);
    let sheet = rescore(&project);
    assert!(sheet.structure.is_empty(), "{:?}", sheet.structure);
    assert_eq!(sheet.total.to_string(), "99.26");
    assert!(sheet.mismatches().is_empty(), "{:?}", sheet.mismatches());
    let department = import.forms[1].as_ref().unwrap().load().unwrap();
    assert_eq!(department.kind.value, jixiao::rules::FormKind::Department);
    let sheet = rescore(&department);
    assert!(sheet.structure.is_empty(), "{:?}", sheet.structure);
    assert_eq!(sheet.total.to_string(), "100.00");
}

#[test]
fn errors_in_a_workbook_point_at_the_cell() {
    let (_dir, path, import) = hand_built_import();
    let bad = import.forms[2].as_ref().unwrap();
    // A mistyped target is a finding about its cell; the form still loads.
    let form = bad.load().unwrap();
    let shown = jixiao::diag::render_all(&form.notes);
    assert!(shown.contains("hand-built.xlsx:有误!F20"), "{shown}");
    insta::assert_snapshot!(shown);
    // On the command line too: `score` names the cell, and scores every form (exit 1: findings).
    let out = common::jixiao(&["score", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = common::stderr(&out) + &common::stdout(&out);
    assert!(stderr.contains("有误!F20"), "{stderr}");
    assert!(
        stderr.contains("自评表!J16"),
        "the extra column is reported: {stderr}"
    );
    assert!(common::stdout(&out).contains("自评得分 99.26"));
}

#[test]
fn score_accepts_the_workbook_with_the_same_results_as_the_imported_files() {
    let (_dir, path, import) = hand_built_import();
    let dir = path.parent().unwrap().join("imported");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, form) in import.forms.iter().take(2).enumerate() {
        std::fs::write(dir.join(format!("{i}.toml")), &form.as_ref().unwrap().toml).unwrap();
    }
    let context = Session::load(None).unwrap();
    let from_files: Vec<String> = (0..2)
        .map(|i| {
            let sheet = context
                .score_file(&dir.join(format!("{i}.toml")), ScoreOptions::default())
                .unwrap()
                .sheet;
            scores(&sheet).join("\n")
        })
        .collect();
    let direct = context.score_path(&path, ScoreOptions::default()).forms;
    let direct: Vec<String> = direct
        .into_iter()
        .take(2)
        .map(|r| scores(&r.unwrap().sheet).join("\n"))
        .collect();
    assert_eq!(direct, from_files);
}
