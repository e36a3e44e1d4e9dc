//! The bad-input corpus: every file under `tests/fixtures/invalid/` is refused with exit code 2
//! and a located message (file:line:col, the source line, a caret; a cell `Sheet!D6` for a
//! workbook), pinned by a snapshot, and nothing on stdout. Rule files are tried as `--rules` for a
//! valid form; form files and workbooks are scored directly.
//!
//! What must work rather than fail (full-width digits and symbols, thousands separators, a target
//! of 0, a `/` row without weight) is in `tests/fixtures/tolerated/` (`tests/tolerated_inputs.rs`).

mod common;

use std::path::Path;

fn run(path: &Path) -> std::process::Output {
    let shown = common::relative(path);
    if shown.ends_with(".rules") {
        common::jixiao(&[
            "score",
            "--rules",
            &shown,
            "tests/fixtures/valid-minimal.toml",
        ])
    } else {
        common::jixiao(&["score", &shown])
    }
}

/// Workbooks that are wrong as a whole: there is no cell to point at, so the message names the
/// workbook instead.
const WHOLE_WORKBOOK: &[&str] = &[
    "workbook-no-form.xlsx",
    "workbook-not-a-zip.xlsx",
    "workbook-truncated.xlsx",
];

#[test]
fn every_invalid_input_is_refused_with_a_located_message() {
    #[cfg(feature = "xlsx")]
    let pattern = "*.{toml,rules,xlsx}";
    #[cfg(not(feature = "xlsx"))]
    let pattern = "*.{toml,rules}";
    insta::glob!("fixtures/invalid", pattern, |path| {
        let output = run(path);
        let stderr = common::stderr(&output);
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: exit code\n{stderr}",
            path.display()
        );
        if WHOLE_WORKBOOK.contains(&name.as_ref()) {
            assert!(
                stderr.contains(&format!("tests/fixtures/invalid/{name}")),
                "{}: the workbook is not named\n{stderr}",
                path.display()
            );
        } else {
            assert!(
                stderr.contains("--> tests/fixtures/invalid/"),
                "{}: no location\n{stderr}",
                path.display()
            );
            assert!(
                stderr.contains('^'),
                "{}: no caret\n{stderr}",
                path.display()
            );
        }
        assert!(
            common::stdout(&output).is_empty(),
            "{}: printed a score for a bad input",
            path.display()
        );
        insta::assert_snapshot!(stderr);
    });
}

/// The corpus covers what the issue lists, and more: at least 40 files.
#[test]
fn the_corpus_is_large_enough() {
    let count = std::fs::read_dir(common::root().join("tests/fixtures/invalid"))
        .unwrap()
        .count();
    assert!(count >= 40, "{count} files");
}

#[test]
fn the_minimal_valid_form_scores() {
    let output = common::jixiao(&["score", "tests/fixtures/valid-minimal.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
}
