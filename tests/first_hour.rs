//! What a new user meets in the first hour: folders walked for forms only, tables that fit the
//! terminal, forms written in the words printed on them, and mistakes explained.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{jixiao, jixiao_in, stderr, stdout};
use std::path::Path;

fn display_width(line: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(line)
}

#[test]
fn the_reference_forms_fit_a_100_column_terminal() {
    let output = jixiao(&["score", "--width", "100", "evaluations/xuchang-2023/"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for line in text.lines() {
        assert!(
            display_width(line) <= 100,
            "{} columns: {line}",
            display_width(line)
        );
    }
    // Nothing a user relies on is folded away: every total and grade is still there.
    for figure in ["98.22", "94.52", "90.00", "100.00", "4.52 ✓"] {
        assert!(text.contains(figure), "{figure} missing");
    }
    // Piped output keeps the full, stable layout (one row a line), whatever the terminal.
    let piped = stdout(&jixiao(&["score", "evaluations/xuchang-2023/"]));
    assert!(piped.lines().any(|l| display_width(l) > 100));
    assert_eq!(
        piped,
        stdout(&jixiao(&["score", "--wide", "evaluations/xuchang-2023/"]))
    );
}

#[test]
fn review_findings_fold_to_the_terminal_width() {
    let output = jixiao(&["review", "--width", "80", "evaluations/xuchang-2023/"]);
    for line in stdout(&output).lines() {
        assert!(display_width(line) <= 80, "{line}");
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_folder_walk_reads_forms_only_and_says_what_it_skipped() {
    let dir = common::scratch("walk");
    let form = std::fs::read_to_string(
        common::root().join("evaluations/xuchang-2023/03-e-seal-service.toml"),
    )
    .unwrap();
    write(&dir, "forms/a.toml", &form);
    write(&dir, "Cargo.toml", "[package]\nname = \"x\"\n");
    write(&dir, "clippy.toml", "msrv = \"1.85\"\n");
    write(&dir, ".hidden/b.toml", "not = [a form");
    write(&dir, "target/c.toml", "not = [a form");
    write(&dir, ".gitignore", "/target\nscratch/\n");
    write(&dir, "scratch/d.toml", "not = [a form");
    write(&dir, "forms/notes.md", "# notes\n");
    write(&dir, "forms/old.ods", "\u{fffd}");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("forms/loop")).unwrap();

    let output = jixiao_in(&dir, &["score", "--format", "json", "."]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    let out = stdout(&output);
    assert!(out.contains("\"scored\": 1"), "{out}");
    assert!(out.contains("\"errors\": []"), "{out}");
    // The summary counts each skipped file with its reason; a submission in a format not read
    // yet and a link not followed are named.
    assert!(err.contains("跳过"), "{err}");
    assert!(err.contains("old.ods"), "{err}");
    assert!(err.contains("2 工具配置文件"), "{err}");
    #[cfg(unix)]
    assert!(err.contains("loop"), "{err}");
}

#[test]
fn a_form_written_with_chinese_keys_scores_as_its_english_twin() {
    let json = |path: &str| {
        let output = jixiao(&["score", "--format", "json", path]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
            .lines()
            .filter(|l| !l.trim_start().starts_with("\"file\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let chinese = json("tests/fixtures/chinese-keys.toml");
    assert!(chinese.contains("\"total\": \"94.52\""));
    assert_eq!(
        chinese,
        json("evaluations/xuchang-2023/01-citizen-center-operations.toml")
    );
}

#[test]
fn toml_mistakes_are_explained_in_the_forms_words() {
    let dir = common::scratch("toml-mistakes");
    let form =
        std::fs::read_to_string(common::root().join("tests/fixtures/valid-minimal.toml")).unwrap();
    let cases = [
        (
            "single.toml",
            form.replacen("[[indicators]]", "[indicators]", 1),
            "[[indicators]]",
        ),
        (
            "unquoted.toml",
            form.replacen("year = ", "年度 = ", 1),
            "中文键名要加引号",
        ),
    ];
    for (name, text, expected) in cases {
        write(&dir, name, &text);
        let output = jixiao(&["score", dir.join(name).to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains(expected),
            "{name}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn files_of_other_types_say_what_they_are() {
    let dir = common::scratch("types");
    write(&dir, "table.csv", "一级指标,二级指标\n产出指标,数量指标\n");
    write(
        &dir,
        "renamed.xlsx",
        "一级指标,二级指标\n产出指标,数量指标\n",
    );
    let csv = jixiao(&["score", dir.join("table.csv").to_str().unwrap()]);
    assert_eq!(csv.status.code(), Some(2));
    assert!(
        stderr(&csv).contains("unsupported file type"),
        "{}",
        stderr(&csv)
    );
    #[cfg(feature = "xlsx")]
    {
        let renamed = jixiao(&["score", dir.join("renamed.xlsx").to_str().unwrap()]);
        assert_eq!(renamed.status.code(), Some(2));
        assert!(stderr(&renamed).contains("not an Excel workbook"));
        assert!(stderr(&renamed).contains("CSV"));
    }
}

#[test]
fn init_writes_a_form_in_chinese_keys_that_reads_as_the_english_one() {
    let dir = common::scratch("init-zh");
    for lang in ["en", "zh"] {
        let path = dir.join(format!("{lang}.toml"));
        let output = jixiao(&[
            "init",
            "--kind",
            "project",
            "--rules",
            "henan-2023",
            "--lang",
            lang,
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let zh = std::fs::read_to_string(dir.join("zh.toml")).unwrap();
    assert!(zh.contains("\"年度\" = "), "{zh}");
    assert!(zh.contains("[[\"绩效指标\"]]"), "{zh}");
    // Both blank forms are refused for the same reasons (blank figures), never for their keys.
    let codes = |lang: &str| {
        let output = jixiao(&["score", dir.join(format!("{lang}.toml")).to_str().unwrap()]);
        let err = stderr(&output);
        assert!(!err.contains("form::toml"), "{lang}: {err}");
        let mut codes: Vec<String> = err
            .lines()
            .filter(|l| l.starts_with("error["))
            .map(|l| l.split(']').next().unwrap_or("").to_string())
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(codes("zh"), codes("en"));
}

#[test]
fn a_form_given_to_rules_check_is_named_as_a_form() {
    let output = jixiao(&[
        "rules",
        "check",
        "evaluations/xuchang-2023/03-e-seal-service.toml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("a form file, not a rule file"), "{err}");
    assert!(err.contains("jixiao score"), "{err}");
}
