//! The docs do not drift: every relative link in README.md and docs/ resolves inside the
//! repository, and the lists the docs give (qualitative words, units, not-applicable marks,
//! Chinese keys) are the code's own.
//!
//! A generated list that differs is printed as it should read; `JIXIAO_UPDATE_DOCS=1 cargo test
//! --test docs_links` writes it into the page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

fn markdown_files() -> Vec<PathBuf> {
    let root = common::root();
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The targets of `[text](target)` links, outside code blocks.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn every_relative_link_in_the_docs_resolves() {
    let root = common::root();
    let mut broken = Vec::new();
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("../shared"),
            "{} points outside the repository (../shared does not exist in a user's clone)",
            common::relative(&file)
        );
        for link in links(&text) {
            if link.contains("://") || link.starts_with('#') || link.starts_with("mailto:") {
                continue;
            }
            let path = link.split('#').next().unwrap_or("");
            let target = file.parent().unwrap().join(path);
            if !target.exists() {
                broken.push(format!("{} → {link}", common::relative(&file)));
            }
            // Relative links must stay inside the repository.
            let resolved = target.canonicalize().unwrap_or(target);
            assert!(resolved.starts_with(&root), "{link} leaves the repository");
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The generated block between `<!-- begin: NAME -->` and `<!-- end: NAME -->` in `page`.
fn check_block(page: &Path, name: &str, expected: &str) {
    let text = std::fs::read_to_string(page).unwrap();
    let begin = format!("<!-- begin: {name} -->\n");
    let end = format!("<!-- end: {name} -->");
    let (Some(b), Some(e)) = (text.find(&begin), text.find(&end)) else {
        panic!("{} has no {name} block", page.display());
    };
    let current = &text[b + begin.len()..e];
    if current != expected {
        if std::env::var_os("JIXIAO_UPDATE_DOCS").is_some() {
            let updated = format!("{}{begin}{expected}{}", &text[..b], &text[e..]);
            std::fs::write(page, updated).unwrap();
        }
        panic!(
            "the {name} list in {} differs from the code; it should read:\n{expected}",
            page.display()
        );
    }
}

fn word_list(words: &[&str]) -> String {
    let shown: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    format!("{}\n", shown.join(" "))
}

#[test]
fn the_documented_vocabularies_are_the_codes() {
    let page = common::root().join("docs/form-format.md");
    check_block(
        &page,
        "qualitative-words",
        &word_list(jixiao::value::qualitative_words()),
    );
    check_block(
        &page,
        "count-units",
        &word_list(jixiao::value::count_units()),
    );
    check_block(
        &page,
        "not-applicable",
        &word_list(jixiao::value::not_applicable_marks()),
    );
}

#[test]
fn the_chinese_keys_table_lists_every_alias_of_the_form_reader() {
    let root = common::root();
    let code = std::fs::read_to_string(root.join("src/form/raw.rs")).unwrap();
    let mut in_code: Vec<String> = code
        .split("alias = \"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect();
    in_code.sort();
    in_code.dedup();
    let page = std::fs::read_to_string(root.join("docs/form-format.md")).unwrap();
    let table = page
        .split("<!-- keys-table")
        .nth(1)
        .expect("the keys table");
    let mut documented: Vec<String> = table
        .lines()
        .filter(|l| l.starts_with("| "))
        .filter_map(|l| l.split('|').nth(3))
        .flat_map(|cell| {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    documented.sort();
    documented.dedup();
    assert_eq!(documented, in_code);
}
