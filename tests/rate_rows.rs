//! Issue 12, item 12: a bare `100` on rows that print only completion rates is 100%, not a copied
//! actual; a `0`, `无` or `/` in 偏差原因 is no reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;

fn codes(path: &str, only: &str) -> Vec<String> {
    let out = common::jixiao(&["review", "--format", "json", "--only", only, path]);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)));
    v["forms"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_bare_100_on_rate_rows_is_not_a_copied_actual() {
    let bare = "tests/fixtures/claims/bare-100-on-rate-rows.toml";
    assert!(codes(bare, "copied-actuals").is_empty());
    // The same rows with counts that repeat their targets are copied actuals: the check still works.
    assert_eq!(
        codes(
            "tests/fixtures/review/copied-actuals/trigger.toml",
            "copied-actuals"
        ),
        ["copied-actuals"]
    );
}

#[test]
fn a_zero_or_a_not_applicable_mark_in_the_reason_is_no_reason() {
    let pass = std::fs::read_to_string(
        common::root().join("tests/fixtures/review/unmet-unexplained/pass.toml"),
    )
    .unwrap();
    let scratch = common::scratch("rate-rows-reasons");
    for (mark, is_reason) in [
        ("0", false),
        ("无", false),
        ("/", false),
        ("—", false),
        ("不适用", false),
        ("两期培训因场地调整延期至次年", true),
    ] {
        let text = pass.replace(
            "explanation = \"两期培训因场地调整延期至次年\"",
            &format!("explanation = \"{mark}\""),
        );
        let path = scratch.join("form.toml");
        std::fs::write(&path, text).unwrap();
        let found = codes(path.to_str().unwrap(), "unmet-unexplained");
        assert_eq!(found.is_empty(), is_reason, "偏差原因 {mark:?}: {found:?}");
    }
}
