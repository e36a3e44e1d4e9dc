//! Rooms of a readable size: no `.rs` file under `src/` over 800 lines, and no function over
//! 120 lines, unless a comment containing `size:` says why (for a file, anywhere in it; for a
//! function, in the comments just above it or inside it).
//!
//! The function finder is deliberately simple (the same as the review script it replaces): a
//! line that starts with `fn` (after `pub`, `pub(…)`, `const`, `async`, `unsafe`), then braces
//! counted with string and char literals and `//` comments left out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 800;
const MAX_FN_LINES: usize = 120;

/// What is too long in one file's text: `FILE path lines` and `FN path:line name lines`.
fn offenders(path: &str, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    if lines.len() > MAX_FILE_LINES && !lines.iter().any(|l| is_size_comment(l)) {
        out.push(format!("FILE {path} {}", lines.len()));
    }
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else {
            continue;
        };
        let Some(end) = body_end(&lines, start) else {
            continue;
        };
        let length = end - start + 1;
        if length <= MAX_FN_LINES {
            continue;
        }
        let above = lines[..start]
            .iter()
            .rev()
            .take_while(|l| {
                let t = l.trim_start();
                t.starts_with("//") || t.starts_with("#[")
            })
            .any(|l| is_size_comment(l));
        let inside = lines[start..=end].iter().any(|l| is_size_comment(l));
        if !above && !inside {
            out.push(format!("FN {path}:{} {name} {length}", start + 1));
        }
    }
    out
}

/// A comment that gives the reason for a size: `// size: …`, `/// size: …`, `//! size: …`.
fn is_size_comment(line: &str) -> bool {
    line.find("//")
        .is_some_and(|at| line[at..].contains("size:"))
}

/// The name of the function a line starts, if it starts one.
fn fn_name(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    if let Some(after) = rest.strip_prefix("pub") {
        if let Some(scoped) = after.strip_prefix('(') {
            rest = &scoped[scoped.find(')')? + 1..];
        } else {
            rest = after;
        }
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        rest = rest.trim_start();
    }
    for qualifier in ["const", "async", "unsafe"] {
        if let Some(after) = rest.strip_prefix(qualifier)
            && after.starts_with(char::is_whitespace)
        {
            rest = after.trim_start();
        }
    }
    let after = rest.strip_prefix("fn")?;
    if !after.starts_with(char::is_whitespace) {
        return None;
    }
    let after = after.trim_start();
    let end = after
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(after.len());
    (end > 0).then(|| &after[..end])
}

/// The index of the line that closes the body of the function starting at `start`; `None` for a
/// declaration without a body.
fn body_end(lines: &[&str], start: usize) -> Option<usize> {
    let mut depth = 0i64;
    let mut started = false;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let code = code_of(line);
        for c in code.chars() {
            match c {
                '{' => {
                    depth += 1;
                    started = true;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        if started && depth <= 0 {
            return Some(i);
        }
        if !started && code.trim_end().ends_with(';') {
            return None;
        }
    }
    None
}

/// A line with its string and char literals emptied and its `//` comment cut off.
fn code_of(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '"' => {
                i += 1;
                while let Some(&s) = chars.get(i) {
                    i += if s == '\\' { 2 } else { 1 };
                    if s == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
                continue;
            }
            // `'x'` and `'\n'`; a lifetime (`'a`) has no closing quote and stays.
            '\'' if chars.get(i + 2) == Some(&'\'') && chars.get(i + 1) != Some(&'\\') => {
                out.push_str("''");
                i += 3;
                continue;
            }
            '\'' if chars.get(i + 1) == Some(&'\\') && chars.get(i + 3) == Some(&'\'') => {
                out.push_str("''");
                i += 4;
                continue;
            }
            '/' if chars.get(i + 1) == Some(&'/') => break,
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_file_or_function_under_src_is_too_long_without_a_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "src/ should hold the crate's modules");
    let mut found = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file).expect("a source file");
        found.extend(offenders(&relative, &text));
    }
    assert!(
        found.is_empty(),
        "split these along their seams, or say why in a `size:` comment:\n{}",
        found.join("\n")
    );
}

/// A function body of `n` lines (the `fn` line and the closing brace included).
fn function(n: usize, comment: &str) -> String {
    let mut text = format!("{comment}pub(crate) fn long(x: &str) -> usize {{\n");
    for i in 0..n - 3 {
        text.push_str(&format!("    let _s{i} = \"}}\"; // }}\n"));
    }
    text.push_str("    0\n}\n");
    text
}

#[test]
fn the_checker_finds_long_functions_and_files_and_honours_a_reason() {
    assert!(offenders("a.rs", &function(120, "")).is_empty());
    assert_eq!(
        offenders("a.rs", &function(121, "")),
        ["FN a.rs:1 long 121"]
    );
    let explained = function(121, "/// size: one table.\n#[allow(dead_code)]\n");
    assert!(offenders("a.rs", &explained).is_empty());

    let long_file = "const X: u8 = 0;\n".repeat(801);
    assert_eq!(offenders("b.rs", &long_file), ["FILE b.rs 801"]);
    let explained = format!("//! size: generated.\n{}", "const X: u8 = 0;\n".repeat(800));
    assert!(offenders("b.rs", &explained).is_empty());

    assert_eq!(fn_name("    pub(in crate::x) async fn go<T>()"), Some("go"));
    assert_eq!(fn_name("    let fnord = 1;"), None);
    assert_eq!(
        code_of(r#"let c = '{'; let s = "{\"}"; // {"#),
        "let c = ''; let s = \"\"; "
    );
}
