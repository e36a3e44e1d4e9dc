//! The rules language as a rule author meets it: how expressions read, and `rules fmt` on every
//! rule file of the repository (canonical, idempotent, meaning and comments kept).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::rules::format::{comment_texts, fingerprint, format_source};
use jixiao::rules::lexer::{TokenKind, lex};
use jixiao::rules::parser::{parse_expr, parse_file};
use jixiao::rules::{examples, load_str};

fn rules_with(body: &str) -> String {
    format!(
        "ruleset t {{ version 1 years 2023.. }}\nform 项目 {{ execution 10 over 全年预算数 -> weight * min(rate, 100%) indicators 90 {{ 产出指标 {{ 数量指标 }} }} }}\n{body}\n"
    )
}

#[test]
fn comparison_bands_follow_one_another_without_separators() {
    let source = "steps rate {\n  >= 90% -> 5\n  >= 80% -> 4\n  else -> 0\n}";
    let e = parse_expr(source).unwrap();
    let shown = format!("{e:?}");
    assert_eq!(shown.matches("StepBand").count(), 2, "{shown}");
}

#[test]
fn an_interval_band_on_the_next_line_is_not_a_call() {
    let text = rules_with(
        "formula penalty = weight / 2\nformula f = steps rate {\n  [0, 50%] -> penalty\n  (50%, ) -> 0\n}\nexample \"x\" { budget 100 executed 40 expect rate 40% }",
    );
    let ruleset = load_str("t.rules", &text).unwrap();
    assert_eq!(ruleset.formula_names, vec!["penalty", "f"]);
}

#[test]
fn a_builtin_function_may_stand_apart_from_its_parenthesis() {
    let a = parse_expr("min (rate, 1)").unwrap();
    let b = parse_expr("min(rate, 1)").unwrap();
    let file = |e: jixiao::rules::ast::Expr| {
        fingerprint(&jixiao::rules::ast::File {
            items: vec![jixiao::rules::ast::Item::Formula(
                jixiao::rules::ast::FormulaDef {
                    name: jixiao::rules::ast::Name {
                        text: "f".into(),
                        quoted: false,
                        span: 0..0,
                    },
                    body: e,
                    span: 0..0,
                },
            )],
        })
    };
    assert_eq!(file(a), file(b));
}

#[test]
fn a_misspelled_function_is_named_as_unknown() {
    let text = rules_with("formula f = mni(rate, 1)");
    let errors = load_str("t.rules", &text).unwrap_err();
    let shown = jixiao::diag::render_all(&errors);
    assert!(shown.contains("未知的函数 mni"), "{shown}");
}

#[test]
fn a_yes_no_band_value_is_written_in_parentheses() {
    let text = rules_with(
        "quantitative {\n  met -> weight\n  unmet -> 0\n  explain when steps actual {\n    >= 100 -> (target > 0)\n    else -> false\n  }\n}\nexample \"x\" { indicator 数量指标 target \"≥10个\" actual \"120个\" weight 10 expect explain yes }",
    );
    let ruleset = load_str("t.rules", &text).unwrap();
    let outcomes = examples::run_all(&ruleset);
    assert!(outcomes.iter().all(|o| o.passed()), "{outcomes:?}");
}

// ───────── rules fmt on every rule file ─────────

fn check_format(name: &str, source: &str) -> String {
    let formatted = format_source(source).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let original = parse_file(source).unwrap();
    let reparsed = parse_file(&formatted).unwrap();
    assert_eq!(
        fingerprint(&reparsed),
        fingerprint(&original),
        "{name}: formatting changed the meaning"
    );
    assert_eq!(
        comment_texts(&formatted),
        comment_texts(source),
        "{name}: formatting lost or reordered a comment"
    );
    assert_eq!(
        format_source(&formatted).unwrap(),
        formatted,
        "{name}: formatting twice changes the file"
    );
    formatted
}

#[test]
fn every_rule_file_formats_to_the_same_rules_and_comments_and_is_stable() {
    let files = common::rule_files();
    assert!(files.len() >= 3, "{files:?}");
    for path in files {
        let name = common::relative(&path);
        let source = std::fs::read_to_string(&path).unwrap();
        let formatted = check_format(&name, &source);
        // The checked rules and the worked examples are the same before and after.
        let before = load_str(&name, &source);
        let after = load_str(&name, &formatted);
        assert_eq!(before.is_ok(), after.is_ok(), "{name}");
        if let (Ok(a), Ok(b)) = (before, after) {
            let outcomes = |r: &jixiao::rules::RuleSet| {
                examples::run_all(r)
                    .into_iter()
                    .map(|o| (o.title, o.failures, o.errors.len()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(outcomes(&a), outcomes(&b), "{name}");
        }
    }
}

/// A small deterministic generator, so that a failure can be replayed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The same tokens with the spaces between two pieces of code on a line replaced by other
/// spaces or by line breaks. Comments, blank lines and touching tokens stay as they are.
fn relayout(source: &str, rng: &mut XorShift) -> String {
    let tokens = lex(source);
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let between_code = t.kind == TokenKind::Whitespace
            && i > 0
            && !tokens[i - 1].kind.is_trivia()
            && tokens.get(i + 1).is_some_and(|n| !n.kind.is_trivia());
        if between_code {
            out.push_str(match rng.next() % 4 {
                0 => " ",
                1 => "    ",
                2 => "\n",
                _ => "\n\t ",
            });
        } else {
            out.push_str(t.text);
        }
    }
    out
}

#[test]
fn the_layout_of_the_input_does_not_matter() {
    for path in common::rule_files() {
        let name = common::relative(&path);
        let source = std::fs::read_to_string(&path).unwrap();
        let canonical = format_source(&source).unwrap();
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15 ^ source.len() as u64);
        for round in 0..8 {
            let shuffled = relayout(&source, &mut rng);
            let formatted = format_source(&shuffled)
                .unwrap_or_else(|e| panic!("{name} round {round}: {e:?}\n{shuffled}"));
            assert_eq!(formatted, canonical, "{name} round {round}:\n{shuffled}");
        }
    }
}

/// A comment inside an expression that `fmt` joins onto one line, and the line's own comment
/// after it: both stay, in order, as two comments (found by the proptest in tests/invariants.rs;
/// `fmt` used to run them together, then refuse its own output).
#[test]
fn a_comment_inside_a_joined_expression_and_a_trailing_one_both_stay() {
    let source = rules_with(
        "formula joined = (if weight >= 1 then weight else # 内部注释 (inside)\n    weight)  # 行尾注释 (trailing)\n",
    );
    let formatted = check_format("joined", &source);
    assert!(
        formatted.contains(
            "formula joined = (if weight >= 1 then weight else weight)  # 内部注释 (inside)\n# 行尾注释 (trailing)\n"
        ),
        "{formatted}"
    );
}

// ───────── lower-is-better name parts ─────────

#[test]
fn a_ruleset_names_its_own_lower_is_better_parts_and_the_default_stays() {
    let own = load_str(
        "t.rules",
        &rules_with("quantitative {\n  lower-is-better { 空置率 控制率 except { 疫 } }\n}"),
    )
    .unwrap();
    assert_eq!(own.lower_is_better_pattern("房屋空置率"), Some("空置率"));
    assert_eq!(
        own.lower_is_better_pattern("资金结余率"),
        None,
        "not in its list"
    );
    assert_eq!(own.lower_is_better_pattern("成本控制率"), Some("控制率"));
    assert_eq!(
        own.lower_is_better_pattern("疫情控制率"),
        None,
        "undone by except"
    );

    let default = load_str("t.rules", &rules_with("")).unwrap();
    assert_eq!(
        default.lower_is_better_pattern("资金结余率"),
        Some("结余率")
    );
    assert_eq!(default.lower_is_better_pattern("病虫害控制率"), None);
    assert_eq!(
        default.lower_is_better_pattern("“三公经费”控制率"),
        Some("三公经费")
    );

    let off = load_str(
        "t.rules",
        &rules_with("quantitative {\n  lower-is-better { }\n}"),
    )
    .unwrap();
    assert_eq!(off.lower_is_better_pattern("资金结余率"), None);
}

#[test]
fn lower_is_better_mistakes_have_their_codes() {
    for (body, code) in [
        (
            "quantitative {\n  lower-is-better { 结余率 \"\" }\n}",
            "rules::empty-name-part",
        ),
        (
            "quantitative {\n  lower-is-better { 结余率 结余率 }\n}",
            "rules::duplicate-name-part",
        ),
        (
            "qualitative {\n  lower-is-better { 结余率 }\n}",
            "rules::misplaced-entry",
        ),
        (
            "quantitative {\n  lower-is-better { 结余率 }\n  lower-is-better { 调整率 }\n}",
            "rules::duplicate-entry",
        ),
    ] {
        let errors = load_str("t.rules", &rules_with(body)).unwrap_err();
        let shown = jixiao::diag::render_all(&errors);
        assert!(shown.contains(code), "{body}: {shown}");
    }
}
