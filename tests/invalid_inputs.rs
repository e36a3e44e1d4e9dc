//! The bad-input corpus: every file under `tests/fixtures/invalid/` is refused with exit code 2
//! and a located message (file:line:col, the source line, a caret), pinned by a snapshot.
//! Rule files are tried as `--rules` for a valid form; form files are scored directly.

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

#[test]
fn every_invalid_input_is_refused_with_a_located_message() {
    insta::glob!("fixtures/invalid", "*.{toml,rules}", |path| {
        let output = run(path);
        let stderr = common::stderr(&output);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: exit code\n{stderr}",
            path.display()
        );
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
        assert!(
            common::stdout(&output).is_empty(),
            "{}: printed a score for a bad input",
            path.display()
        );
        insta::assert_snapshot!(stderr);
    });
}

#[test]
fn the_minimal_valid_form_scores() {
    let output = common::jixiao(&["score", "tests/fixtures/valid-minimal.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
}
