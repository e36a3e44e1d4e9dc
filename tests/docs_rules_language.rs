//! `docs/rules-language.md` is tested: every ```` ```rules ```` block in it must check, every
//! worked example in it must pass through the real engine, `rules fmt` must keep its meaning, and
//! together the blocks must show every construct of the language.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::rules::format::{comment_texts, fingerprint, format_source};
use jixiao::rules::parser::parse_file;
use jixiao::rules::{examples, load_str};
use std::collections::BTreeSet;

const DOC: &str = "docs/rules-language.md";

/// What a fragment is checked inside; the document shows the same text.
const HEADER: &str = "ruleset doc-example {\n  version 1\n  years 2023..\n}\n";
const TEMPLATE: &str = "form 项目 {\n  execution 10 over 全年预算数 -> weight * min(rate, 100%)\n  indicators 90 {\n    产出指标 { 数量指标 质量指标 时效指标 }\n    效益指标 { 社会效益指标 可持续影响指标 }\n    满意度指标 { 服务对象满意度指标 }\n  }\n}\n";

struct Block {
    /// 1-based line of the block's first line in the document.
    line: usize,
    text: String,
}

fn rules_blocks(doc: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in doc.lines().enumerate() {
        match &mut current {
            None if line.trim_end() == "```rules" => {
                current = Some(Block {
                    line: i + 2,
                    text: String::new(),
                });
            }
            None => {}
            Some(_) if line.trim_end() == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
        }
    }
    assert!(current.is_none(), "{DOC}: a ```rules block is not closed");
    blocks
}

/// A fragment completed into a rule file, as the document says.
fn complete(fragment: &str) -> String {
    let file = parse_file(fragment).unwrap();
    let has = |pred: &dyn Fn(&jixiao::rules::ast::Item) -> bool| file.items.iter().any(pred);
    if has(&|i| matches!(i, jixiao::rules::ast::Item::Ruleset(_))) {
        return fragment.to_string();
    }
    let has_project =
        has(&|i| matches!(i, jixiao::rules::ast::Item::Form(t) if t.kind.text == "项目"));
    let template = if has_project { "" } else { TEMPLATE };
    format!("{HEADER}\n{template}\n{fragment}")
}

fn doc() -> String {
    std::fs::read_to_string(common::root().join(DOC)).unwrap()
}

#[test]
fn the_document_shows_the_file_that_fragments_are_checked_in() {
    let doc = doc();
    assert!(
        doc.contains(&format!("```text\n{HEADER}\n{TEMPLATE}```")),
        "{DOC} must show the minimal file verbatim"
    );
}

#[test]
fn every_rules_block_checks_and_its_examples_pass() {
    let blocks = rules_blocks(&doc());
    assert!(blocks.len() >= 15, "{} blocks", blocks.len());
    let mut examples_run = 0;
    for block in &blocks {
        let place = format!("{DOC}:{}", block.line);
        let parsed = parse_file(&block.text);
        assert!(parsed.is_ok(), "{place}: {parsed:?}");
        let text = complete(&block.text);
        let ruleset = match load_str(&place, &text) {
            Ok(r) => r,
            Err(errors) => panic!("{place}:\n{}\n{text}", jixiao::diag::render_all(&errors)),
        };
        assert!(
            !ruleset.examples.is_empty(),
            "{place}: every block carries a worked example"
        );
        for outcome in examples::run_all(&ruleset) {
            assert!(
                outcome.passed(),
                "{place} «{}»: {:?}\n{}",
                outcome.title,
                outcome.failures,
                jixiao::diag::render_all(&outcome.errors)
            );
            examples_run += 1;
        }
        // `rules fmt` keeps the block's meaning and comments, and is stable.
        let formatted = format_source(&text).unwrap_or_else(|e| panic!("{place}: {e:?}"));
        assert_eq!(
            fingerprint(&parse_file(&formatted).unwrap()),
            fingerprint(&parse_file(&text).unwrap()),
            "{place}"
        );
        assert_eq!(comment_texts(&formatted), comment_texts(&text), "{place}");
        assert_eq!(format_source(&formatted).unwrap(), formatted, "{place}");
    }
    assert!(examples_run >= 40, "{examples_run} examples");
}

#[test]
fn the_blocks_together_show_every_construct() {
    let mut found = BTreeSet::new();
    for block in rules_blocks(&doc()) {
        found.extend(common::constructs::used(&parse_file(&block.text).unwrap()));
    }
    let missing: Vec<&&str> = common::constructs::ALL
        .iter()
        .filter(|c| !found.contains(**c))
        .collect();
    assert!(missing.is_empty(), "{DOC} has no example of {missing:?}");
}

#[test]
fn a_broken_example_in_the_document_would_fail() {
    // The test above can fail: the same block with one expected value changed does.
    let blocks = rules_blocks(&doc());
    let block = blocks
        .iter()
        .find(|b| b.text.contains("expect execution 9.5"))
        .unwrap();
    let broken = complete(&block.text).replace("expect execution 9.5", "expect execution 9.4");
    let ruleset = load_str("broken", &broken).unwrap();
    let failed: Vec<_> = examples::run_all(&ruleset)
        .into_iter()
        .filter(|o| !o.passed())
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].failures,
        vec!["expect execution 9.4: got 9.50".to_string()]
    );
}
