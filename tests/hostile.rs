//! Hostile submissions (issue 14): what a submitter can put into a form must not act on the
//! people who read jixiao's output. Any text in a form's fields, rendered every way, gives no raw
//! control character (but line breaks and tabs), no unescaped `<` in Markdown or HTML, and no CSV
//! field a spreadsheet would run as a formula.
//!
//! The attacks on memory, time and the file system are here too, each as a generator; how long
//! each takes and how much memory is measured by `scripts/hostile-bench.sh`, not asserted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::diag::is_hidden_control_in_text;
use jixiao::render;
use jixiao::{CheckSet, ScoreOptions, Session};
use proptest::prelude::*;
use proptest::test_runner::Config;

const FORM: &str = include_str!("fixtures/valid-minimal.toml");

/// A TOML basic string holding `text` exactly.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The minimal form with `text` in its project name, an indicator's name, and (so that errors
/// quote it too) an actual value and a target.
fn form_with(text: &str, field: usize) -> String {
    let quoted = toml_string(text);
    match field {
        0 => FORM.replace("\"测试项目\"", &quoted),
        1 => FORM.replace("\"设备维修数量\"", &quoted),
        2 => FORM.replace("\"9万元\"", &quoted),
        _ => FORM.replace("\"明显\"", &quoted),
    }
}

/// Text as an attacker writes it: escape sequences, carriage returns, formulas, HTML, links.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        Just("\u{1b}[31m".to_string()),
        Just("\u{1b}]8;;http://x\u{7}".to_string()),
        Just("\u{9b}2J".to_string()),
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\u{202e}".to_string()),
        Just("=HYPERLINK(\"http://x\")".to_string()),
        Just("+1+cmd|' /C calc'!A0".to_string()),
        Just("-2+3".to_string()),
        Just("@SUM(A1)".to_string()),
        Just("\t=1".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("[x](javascript:alert(1))".to_string()),
        Just("![](https://evil.example/p.png)".to_string()),
        Just("`|\\".to_string()),
        Just("&lt;".to_string()),
        "[a-z0-9 ]{0,4}",
    ];
    prop::collection::vec(piece, 1..6).prop_map(|parts| parts.concat())
}

/// No character that acts on a terminal: line breaks and tabs only, `\r` only before `\n`.
fn assert_no_controls(what: &str, text: &str) {
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        assert!(
            !is_hidden_control_in_text(c),
            "{what}: raw control {c:?} at {i}\n{text}"
        );
        if c == '\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "{what}: a lone \\r\n{text}");
        }
    }
}

/// Markdown: no `<` but the tags it writes itself, outside fenced code blocks (where `<` is
/// text). A fence is closed only by a line of at least as many backticks.
fn assert_markdown_safe(what: &str, text: &str) {
    assert_no_controls(what, text);
    let mut open: Option<usize> = None;
    for line in text.lines() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        match open {
            Some(n) if ticks >= n && line.trim_start_matches('`').trim().is_empty() => open = None,
            Some(_) => {}
            None if ticks >= 3 => open = Some(ticks),
            None => {
                let mut rest = line.to_string();
                for ours in ["<br>", "<details>", "<summary>", "</summary>", "</details>"] {
                    rest = rest.replace(ours, "");
                }
                assert!(!rest.contains('<'), "{what}: raw `<` in {line:?}\n{text}");
            }
        }
    }
}

/// The tag names of an HTML text.
fn tags(text: &str) -> std::collections::BTreeSet<String> {
    text.match_indices('<')
        .map(|(i, _)| {
            text[i + 1..]
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .collect()
}

/// HTML: every tag is one the page writes for a harmless form (a `<script>` or `<img>` from a
/// form would be new).
fn assert_html_safe(text: &str, ours: &std::collections::BTreeSet<String>) {
    assert_no_controls("html", text);
    for tag in tags(text) {
        assert!(
            ours.contains(&tag),
            "html: a tag that is not the page's own: <{tag}"
        );
    }
    assert!(!text.contains("<script") && !text.contains("<img"));
}

/// CSV: parsed back, no field a spreadsheet would run.
fn assert_csv_safe(what: &str, text: &str) {
    assert_no_controls(what, text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        for field in record.iter() {
            assert!(
                !render::csv::is_formula(field),
                "{what}: a formula field {field:?}\n{text}"
            );
        }
    }
}

/// Renders every output of the form; whether it loaded and scored.
fn render_everything(session: &Session, text: &str) -> bool {
    let loaded = jixiao::form::load_str("hostile\u{1b}[2J.toml", text);
    let form = match loaded {
        Ok(form) => form,
        Err(errors) => {
            for e in &errors {
                assert_no_controls("error", &e.to_string());
                assert_no_controls("headline", &e.headline());
                assert_no_controls("error json", &render::json::to_string(&e.to_json()));
            }
            return false;
        }
    };
    let scored = match session.score(form.clone(), ScoreOptions { trace: true }) {
        Ok(scored) => scored,
        Err(errors) => {
            for e in &errors {
                assert_no_controls("score error", &e.to_string());
            }
            return false;
        }
    };
    let sheet = &scored.sheet;
    assert_no_controls("table", &render::table::render_fit(sheet, true, None));
    assert_no_controls(
        "table fit",
        &render::table::render_fit(sheet, true, Some(80)),
    );
    assert_markdown_safe("markdown", &render::markdown::render(sheet, true));
    assert_no_controls(
        "json",
        &render::json::to_string(&render::json::sheet(sheet)),
    );
    let review = session.review(&form, &CheckSet::all()).unwrap();
    assert_no_controls("review text", &render::review::form_text(&review));
    assert_markdown_safe("review markdown", &render::review::form_markdown(&review));
    assert_no_controls("review json", &render::review::form_json(&review));
    assert_csv_safe("review csv", &render::review::form_csv(&review));
    let summary = render::review::Summary::of(1, std::slice::from_ref(&review), 0);
    assert_no_controls(
        "review summary",
        &render::review::text_summary(&summary, &[]),
    );
    assert_markdown_safe(
        "review summary markdown",
        &render::review::markdown_summary(&summary, &[]),
    );
    let views = jixiao::report::layout::reviewed_views(std::slice::from_ref(&scored));
    assert_markdown_safe(
        "report markdown",
        &jixiao::report::markdown::render(&views, "t"),
    );
    let ours = {
        let form = jixiao::form::load_str("clean.toml", FORM).unwrap();
        let clean = session.score(form, ScoreOptions { trace: true }).unwrap();
        let views = jixiao::report::layout::reviewed_views(std::slice::from_ref(&clean));
        let mut ours = tags(&jixiao::report::html::render(&views, "t"));
        ours.insert("br".into()); // a line break in a cell
        ours
    };
    assert!(!ours.contains("script") && !ours.contains("img"));
    assert_html_safe(&jixiao::report::html::render(&views, "t"), &ours);
    // diff: the form under both shipped rulesets.
    let side = |id: &str| jixiao::diff::Side {
        ruleset: std::sync::Arc::new(
            session
                .registry()
                .find(&jixiao::rules::RulesetRef::parse(id).unwrap())
                .unwrap()
                .as_ref()
                .clone(),
        ),
        origin: "shipped".into(),
    };
    let (from, to) = (side("henan-2023"), side("central-2020"));
    let diffs = vec![jixiao::diff::compare(&form, &from, &to)];
    let summary = jixiao::diff::summarize(&diffs, &from, &to, 10);
    let report = jixiao::diff::render::Report {
        from: &from,
        to: &to,
        diffs: &diffs,
        summary: &summary,
        errors: &[],
    };
    assert_no_controls("diff table", &jixiao::diff::render::table_text(&report));
    assert_markdown_safe(
        "diff markdown",
        &jixiao::diff::render::markdown_text(&report),
    );
    assert_no_controls("diff json", &jixiao::diff::render::json_text(&report));
    assert_csv_safe("diff csv", &jixiao::diff::render::csv_text(&report));
    true
}

proptest! {
    #![proptest_config(Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn no_output_carries_an_attack_from_a_form_field(text in hostile_text(), field in 0usize..4) {
        let session = Session::builtin().unwrap();
        render_everything(&session, &form_with(&text, field));
    }
}

#[test]
fn each_attack_is_neutralised_in_the_output_a_person_reads() {
    let session = Session::builtin().unwrap();
    for text in [
        "=HYPERLINK(\"http://evil\",\"x\")",
        "\u{1b}[2J\u{1b}[31m红",
        "a\rb",
        "<img src=x onerror=alert(1)>",
        "[点我](javascript:alert(1))",
        "![](https://evil.example/p.png)",
    ] {
        for field in 0..4 {
            let rendered = render_everything(&session, &form_with(text, field));
            // A name may be anything: the form scores and every output is drawn.
            assert!(
                rendered || field >= 2,
                "{text:?} in field {field} did not score"
            );
        }
    }
}

/// The CLI: a formula in an indicator's name is neutralised in review CSV, and `--csv-raw` keeps
/// it for programs; an escape sequence in a name never reaches the terminal.
#[test]
fn the_cli_neutralises_csv_and_escapes_control_characters() {
    let dir = common::scratch("hostile-cli");
    let path = dir.join("f.toml");
    let text = FORM
        .replace("\"设备维修数量\"", &toml_string("=1+1"))
        .replace("\"测试项目\"", &toml_string("项目\u{1b}[2J"))
        .replace("\"20次\"", "\"19次\"");
    std::fs::write(&path, text).unwrap();
    let shown = path.to_string_lossy().into_owned();
    let csv = common::jixiao(&["review", "--format", "csv", &shown]);
    let stdout = common::stdout(&csv);
    assert!(stdout.contains("'=1+1"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    let raw = common::jixiao(&["review", "--format", "csv", "--csv-raw", &shown]);
    let stdout = common::stdout(&raw);
    assert!(
        stdout.contains(",=1+1") || stdout.contains("\"=1+1"),
        "{stdout}"
    );
    for format in ["table", "markdown", "json"] {
        let score = common::jixiao(&["score", "--explain", "--format", format, &shown]);
        let out = common::stdout(&score);
        assert!(!out.contains('\u{1b}'), "{format}: {out}");
        assert!(
            out.contains("\\u{1b}") || out.contains("\\u001b"),
            "{format}: {out}"
        );
    }
}
