//! The fuzz targets' inputs, replayed in `cargo test` through the very code the fuzzers run
//! (`fuzz/harness/mod.rs`): every seed of `fuzz/seeds/TARGET/` and every minimized crash of
//! `fuzz/regressions/TARGET/`. A crash the fuzzer once found cannot come back unnoticed, and the
//! harness keeps compiling against the library without a fuzzing toolchain.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[path = "../fuzz/harness/mod.rs"]
mod harness;

fn replay(target: &str, run: fn(&[u8])) {
    let mut count = 0;
    for dir in ["fuzz/seeds", "fuzz/regressions"] {
        let dir = common::root().join(dir).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            // A panic names the input, so that the failure can be reproduced with
            // `cargo fuzz run TARGET FILE`.
            eprintln!("replaying {}", common::relative(&file));
            run(&data);
            count += 1;
        }
    }
    assert!(count > 0, "no inputs for the fuzz target {target}");
}

#[test]
fn rules_inputs() {
    replay("rules", harness::rules);
}

#[test]
fn values_inputs() {
    replay("values", harness::values);
}

#[test]
fn expression_inputs() {
    replay("expression", harness::expression);
}

#[test]
fn form_inputs() {
    replay("form", harness::form);
}

#[test]
fn pipeline_inputs() {
    replay("pipeline", harness::pipeline);
}

#[test]
fn review_inputs() {
    replay("review", harness::review);
}

#[cfg(feature = "xlsx")]
#[test]
fn xlsx_inputs() {
    replay("xlsx", harness::xlsx);
}

#[cfg(feature = "xlsx")]
#[test]
fn docx_inputs() {
    replay("docx", harness::document);
}

#[cfg(feature = "xlsx")]
#[test]
fn xls_inputs() {
    replay("xls", harness::document);
}

#[cfg(feature = "xlsx")]
#[test]
fn xlsx_grid_inputs() {
    replay("xlsx_grid", harness::xlsx_grid);
}

/// The grid text of a workbook reads back into the same cells: the `xlsx_grid` seeds, made from
/// real workbooks, say what those workbooks say.
#[cfg(feature = "xlsx")]
#[test]
fn grid_text_reads_back_into_the_same_cells() {
    let bytes = common::workbook::hand_built();
    let workbook = jixiao::xlsx::cells::read_bytes("hand.xlsx", bytes).unwrap();
    let text = harness::grid_text(&workbook);
    let grids = harness::parse_grids(&text);
    assert_eq!(grids.len(), workbook.sheets.len());
    for (a, b) in grids.iter().zip(&workbook.sheets) {
        assert_eq!(a.sheet, b.sheet);
        assert_eq!(a.merges, b.merges);
        let texts = |g: &jixiao::xlsx::cells::Grid| {
            g.cells
                .values()
                .map(|c| (c.row, c.col, c.text.clone(), c.is_number()))
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(a), texts(b));
    }
}

/// Regenerate the workbook seeds (`fuzz/seeds/xlsx/`, `fuzz/seeds/xlsx_grid/`) from the
/// hand-built test workbook and the exported reference forms:
/// `cargo test --test fuzz_regressions -- --ignored write_xlsx_seeds`.
#[cfg(feature = "xlsx")]
#[test]
#[ignore = "writes the seed corpora; run by hand"]
fn write_xlsx_seeds() {
    use jixiao::Session;
    use jixiao::report::layout::{FormView, sheet_findings};
    use jixiao::score::ScoreOptions;

    let root = common::root();
    // A relative path, so that the 文件 column of the summary sheet names no local directory
    // (`cargo test` runs in the crate root).
    let scored = Session::builtin().unwrap().score_all(
        &[std::path::PathBuf::from("evaluations/xuchang-2023")],
        ScoreOptions { trace: true },
    );
    let views: Vec<FormView> = scored
        .forms
        .iter()
        .map(|f| FormView::new(&f.form, &f.sheet))
        .collect();
    let findings: Vec<_> = scored
        .forms
        .iter()
        .flat_map(|f| sheet_findings(&f.sheet))
        .collect();
    let mut workbooks = vec![
        ("hand-built".to_string(), common::workbook::hand_built()),
        (
            "exported-reference".to_string(),
            jixiao::report::xlsx::export(&views, &findings).unwrap(),
        ),
    ];
    // One form per workbook too: small inputs mutate faster.
    for (view, sheet) in views.iter().zip(scored.forms.iter().map(|f| &f.sheet)) {
        let name = std::path::Path::new(&sheet.file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let bytes =
            jixiao::report::xlsx::export(std::slice::from_ref(view), &sheet_findings(sheet))
                .unwrap();
        workbooks.push((format!("exported-{name}"), bytes));
    }
    for (name, bytes) in workbooks {
        let xlsx_dir = root.join("fuzz/seeds/xlsx");
        let grid_dir = root.join("fuzz/seeds/xlsx_grid");
        std::fs::create_dir_all(&xlsx_dir).unwrap();
        std::fs::create_dir_all(&grid_dir).unwrap();
        let workbook = jixiao::xlsx::cells::read_bytes(&name, bytes.clone()).unwrap();
        std::fs::write(xlsx_dir.join(format!("{name}.xlsx")), &bytes).unwrap();
        std::fs::write(
            grid_dir.join(format!("{name}.txt")),
            harness::grid_text(&workbook),
        )
        .unwrap();
    }
}
