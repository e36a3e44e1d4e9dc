//! Nothing a user has is lost: every command that writes a file refuses to replace one without
//! `--force` (leaving it byte for byte as it was), writes atomically (no half-written file, no
//! temporary file left behind), and `rules fmt` keeps every comment and leaves a file it cannot
//! format untouched. A batch with broken files scores the rest and reports each broken one at its
//! place.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    common::jixiao_in(dir, args)
}

/// Files in a directory, sorted; temporary files show up here if a write left one behind.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Run a writing command three times: it writes; without `--force` it refuses and the file keeps
/// what a user put in it meanwhile; with `--force` it replaces it.
fn check_refuses_then_forces(name: &str, args: &[&str], output: &str) {
    let dir = common::scratch(&format!("lost-{name}"));
    let root = common::root();
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{root}", &root.display().to_string()))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let target = dir.join(output);

    let first = run_in(&dir, &args);
    assert!(
        first.status.code() != Some(2),
        "{name}: first run\n{}",
        common::stderr(&first)
    );
    assert!(target.exists(), "{name}: nothing written at {output}");
    let written = listing(&dir);

    // The user edits the file; running the command again must not lose the edit.
    let edited = b"# my own edits, not to be lost\n".to_vec();
    std::fs::write(&target, &edited).unwrap();
    let refused = run_in(&dir, &args);
    let stderr = common::stderr(&refused);
    assert_eq!(refused.status.code(), Some(2), "{name}: refusal\n{stderr}");
    assert!(stderr.contains("--force"), "{name}: {stderr}");
    assert!(stderr.contains("已存在"), "{name}: {stderr}");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        edited,
        "{name}: file changed"
    );
    assert_eq!(listing(&dir), written, "{name}: files left behind");

    let mut forced = args.clone();
    forced.push("--force");
    let replaced = run_in(&dir, &forced);
    assert!(
        replaced.status.code() != Some(2),
        "{name}: --force\n{}",
        common::stderr(&replaced)
    );
    assert_ne!(
        std::fs::read(&target).unwrap(),
        edited,
        "{name}: not replaced"
    );
    assert_eq!(listing(&dir), written, "{name}: files left behind");
}

#[test]
fn report_refuses_to_overwrite_without_force() {
    check_refuses_then_forces(
        "report",
        &[
            "report",
            "{root}/evaluations/xuchang-2023",
            "--format",
            "markdown",
            "-o",
            "report.md",
        ],
        "report.md",
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    check_refuses_then_forces(
        "init",
        &[
            "init",
            "--kind",
            "项目",
            "--rules",
            "henan-2023",
            "-o",
            "new.toml",
        ],
        "new.toml",
    );
}

#[test]
fn schema_refuses_to_overwrite_without_force() {
    check_refuses_then_forces("schema", &["schema", "-o", "s.json"], "s.json");
}

#[cfg(feature = "xlsx")]
#[test]
fn export_refuses_to_overwrite_without_force() {
    check_refuses_then_forces(
        "export",
        &["export", "{root}/evaluations/xuchang-2023", "-o", "s.xlsx"],
        "s.xlsx",
    );
}

#[cfg(feature = "xlsx")]
#[test]
fn import_refuses_to_overwrite_form_files_without_force() {
    let dir = common::scratch("lost-import-source");
    let workbook = dir.join("s.xlsx");
    let export = common::jixiao(&[
        "export",
        "evaluations/xuchang-2023/03-e-seal-service.toml",
        "-o",
        workbook.to_str().unwrap(),
    ]);
    assert_eq!(export.status.code(), Some(0), "{}", common::stderr(&export));
    check_refuses_then_forces(
        "import",
        &["import", workbook.to_str().unwrap(), "-o", "forms"],
        "forms/01-市级电子印章服务费.toml",
    );
}

#[test]
fn rules_fmt_keeps_comments_and_leaves_what_it_cannot_format_untouched() {
    let dir = common::scratch("lost-fmt");
    let shown = |p: &PathBuf| p.to_str().unwrap().to_string();

    // A file that does not parse: reported, not touched.
    let broken = dir.join("broken.rules");
    let broken_text =
        std::fs::read(common::root().join("tests/fixtures/invalid/rules-missing-paren.rules"))
            .unwrap();
    std::fs::write(&broken, &broken_text).unwrap();
    let output = common::jixiao(&["rules", "fmt", &shown(&broken)]);
    assert_eq!(output.status.code(), Some(2), "{}", common::stderr(&output));
    assert_eq!(std::fs::read(&broken).unwrap(), broken_text);

    // A file in another layout, with comments everywhere: reformatted, every comment kept.
    let messy = dir.join("messy.rules");
    let source = std::fs::read_to_string(common::root().join("scoring-rules/henan-2023.rules"))
        .unwrap()
        .replace("min(rate, 100%)", "min( rate , # 上限 (cap)\n   100% )")
        .replace("grades {", "grades {   # 等级 (grades)");
    std::fs::write(&messy, &source).unwrap();
    let output = common::jixiao(&["rules", "fmt", &shown(&messy)]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let formatted = std::fs::read_to_string(&messy).unwrap();
    assert_ne!(formatted, source);
    assert_eq!(
        jixiao::rules::format::comment_texts(&formatted),
        jixiao::rules::format::comment_texts(&source)
    );
    assert_eq!(listing(&dir), ["broken.rules", "messy.rules"]);

    // Formatted already: not rewritten at all (its modification time stays).
    let before = std::fs::metadata(&messy).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let output = common::jixiao(&["rules", "fmt", &shown(&messy)]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        std::fs::metadata(&messy).unwrap().modified().unwrap(),
        before
    );

    // `--check` never writes.
    std::fs::write(&messy, &source).unwrap();
    let output = common::jixiao(&["rules", "fmt", "--check", &shown(&messy)]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), source);
}

/// A rewritten file keeps its permissions: `rules fmt` on a file the group may edit leaves it so.
#[cfg(unix)]
#[test]
fn rules_fmt_keeps_the_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::scratch("lost-fmt-mode");
    let path = dir.join("shared.rules");
    let source = std::fs::read_to_string(common::root().join("scoring-rules/henan-2023.rules"))
        .unwrap()
        .replace("min(rate, 100%)", "min(rate,100%)");
    std::fs::write(&path, source).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
    let output = common::jixiao(&["rules", "fmt", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);
}

// ───────── a batch with broken files ─────────

/// How each of the 10 broken files is broken, and the line its error must point at.
fn break_form(minimal: &str, which: usize) -> (String, usize) {
    // (what is replaced, by what, the line the error points at)
    let (from, to, at) = match which {
        0 => ("target = \"≥95%\"", "target = \"≥≥95%\"", "≥≥95%"),
        1 => ("actual = \"20次\"", "actual = \"20个\"", "20个"),
        2 => ("kind = \"项目\"", "kind = \"项目表\"", "kind = \"项目表\""),
        3 => ("executed = \"90\"", "executed = \"900\"", "900"),
        // The weights under 产出指标 no longer add up: reported at its level1 line.
        4 => (
            "weight = \"30\"",
            "weight = \"25\"",
            "level1 = \"产出指标\"",
        ),
        5 => ("actual = \"96%\"", "actual = \"9600%\"", "9600%"),
        6 => ("adjusted = \"100\"", "adjusted = \"1e30\"", "1e30"),
        7 => (
            "name = \"设备维修数量\"",
            "name = \"设备维修数量",
            "name = \"设备维修数量",
        ),
        8 => (
            "target = \"≤10万元\"",
            "target = \"≤10万元\"\ntarget = \"≤9万元\"",
            "≤9万元",
        ),
        _ => ("actual = \"9万元\"", "actual = \"\"", "actual = \"\""),
    };
    assert!(minimal.contains(from), "{from}");
    let text = minimal.replacen(from, to, 1);
    let line = text.lines().position(|l| l.contains(at)).unwrap() + 1;
    (text, line)
}

/// 1,000 forms, 10 of them broken in 10 different ways. The 3 that are no form a person could
/// read (an unknown kind, broken TOML, a key written twice) are refused, each at its file, line
/// and column, exit code 2; the 7 odd cells (a double comparator, a unit that does not match, …)
/// load and carry their finding at the right line; every other total is checked.
#[test]
fn a_batch_of_1000_forms_with_10_broken_scores_the_990_and_locates_the_10() {
    let dir = common::scratch("batch-1000");
    let minimal =
        std::fs::read_to_string(common::root().join("tests/fixtures/valid-minimal.toml")).unwrap();
    let mut broken = Vec::new();
    let mut expected_totals = std::collections::BTreeMap::new();
    for i in 0..1000i64 {
        // Spread over subdirectories, as a bureau's inbox would be.
        let sub = dir.join(format!("unit-{:02}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        let name = format!("form-{i:04}.toml");
        let path = sub.join(&name);
        if i % 100 == 37 {
            let (text, line) = break_form(&minimal, usize::try_from(i / 100).unwrap());
            std::fs::write(&path, text).unwrap();
            broken.push((path, line));
        } else {
            // Executed i % 101 of a budget of 100: the execution score is a tenth of it, and
            // every other row scores full marks (90 points).
            let executed = i % 101;
            let text = minimal.replace("executed = \"90\"", &format!("executed = \"{executed}\""));
            std::fs::write(&path, text).unwrap();
            let total = rust_decimal::Decimal::new(9000 + 10 * executed, 2);
            expected_totals.insert(path.display().to_string(), total.to_string());
        }
    }

    let output = common::jixiao(&["score", "--format", "json", dir.to_str().unwrap()]);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(2), "one bad file means exit 2");
    let json: Value = serde_json::from_str(&common::stdout(&output)).unwrap();
    assert_eq!(json["summary"]["files"], 1000);
    assert_eq!(json["summary"]["scored"], 997);
    assert_eq!(json["summary"]["errors"], 3);

    let forms = json["forms"].as_array().unwrap();
    assert_eq!(forms.len(), 997);
    let files: Vec<&str> = forms.iter().map(|f| f["file"].as_str().unwrap()).collect();
    let mut sorted = files.clone();
    sorted.sort_unstable();
    assert_eq!(files, sorted, "output in path order");
    for form in forms {
        let file = form["file"].as_str().unwrap();
        if let Some(total) = expected_totals.get(file) {
            assert_eq!(form["total"].as_str(), Some(total.as_str()), "{file}");
        }
    }

    let errors = json["errors"].as_array().unwrap();
    for (path, line) in &broken {
        let shown = path.display().to_string();
        if let Some(form) = forms.iter().find(|f| f["file"] == shown.as_str()) {
            // Loaded: the odd cell is a finding at its line.
            let structure = form["structure"].as_array().unwrap();
            assert!(
                structure.iter().any(|d| d["line"] == *line),
                "{shown}: no finding at line {line}: {form}"
            );
            continue;
        }
        let error = errors
            .iter()
            .find(|e| e["file"] == shown.as_str())
            .unwrap_or_else(|| panic!("{shown} not reported\n{stderr}"));
        assert_eq!(error["line"], *line, "{shown}: {error}");
        assert!(error["column"].as_u64().is_some_and(|c| c > 0), "{error}");
        // The same, readable, on stderr: file:line:col and a caret.
        assert!(
            stderr.contains(&format!("--> {shown}:{line}:")),
            "{shown}\n{stderr}"
        );
    }
    assert_eq!(stderr.matches("error[").count(), 3, "{stderr}");
}
