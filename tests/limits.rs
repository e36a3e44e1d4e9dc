//! Limits: what no real form or rule file comes near is refused with a located error — never a
//! crash, a hang or an exhausted stack — and the largest inputs the limits let through still work,
//! on a thread stack as small as any caller's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::form::MAX_INDICATORS;
use jixiao::rules::check::MAX_FORMULA_CHAIN;
use jixiao::rules::parser::{MAX_EXPR_DEPTH, parse_expr};

const MINIMAL: &str = "tests/fixtures/valid-minimal.toml";

fn minimal_form() -> String {
    std::fs::read_to_string(common::root().join(MINIMAL)).unwrap()
}

/// The shipped rule file with a replacement, as a rule author might edit it.
fn base_rules() -> String {
    // The henan-2023 rules in the compact form the bad-input corpus is built from.
    std::fs::read_to_string(
        common::root().join("tests/fixtures/invalid/rules-undefined-name.rules"),
    )
    .unwrap()
    .replace("wieght", "weight")
}

fn refused(output: &std::process::Output) -> String {
    let stderr = common::stderr(output);
    assert_eq!(output.status.code(), Some(2), "exit code\n{stderr}");
    assert!(common::stdout(output).is_empty(), "printed a result");
    stderr
}

#[test]
fn a_form_file_above_the_size_limit_is_refused_before_parsing() {
    let dir = common::scratch("limit-form-size");
    let path = dir.join("huge.toml");
    let mut text = minimal_form();
    let pad = usize::try_from(jixiao::MAX_INPUT_BYTES).unwrap() + 1 - text.len();
    text.push('#');
    text.push_str(&"x".repeat(pad));
    std::fs::write(&path, text).unwrap();
    let stderr = refused(&common::jixiao(&["score", path.to_str().unwrap()]));
    assert!(stderr.contains("input::too-large"), "{stderr}");
    assert!(stderr.contains("huge.toml"), "{stderr}");
}

/// A path whose size the file system does not know (a device, a pipe) is read only up to the
/// limit: the size check cannot be passed by reporting 0 bytes.
#[cfg(unix)]
#[test]
fn an_endless_input_is_refused_at_the_size_limit() {
    let stderr = refused(&common::jixiao(&["score", "/dev/zero"]));
    assert!(stderr.contains("input::too-large"), "{stderr}");
    assert!(stderr.contains("/dev/zero"), "{stderr}");
}

#[test]
fn a_rule_file_above_the_size_limit_is_refused_before_parsing() {
    let dir = common::scratch("limit-rules-size");
    let path = dir.join("huge.rules");
    let mut text = base_rules();
    while text.len() <= jixiao::rules::MAX_RULES_BYTES {
        text.push_str("# 注释 comment padding the file past the limit\n");
    }
    std::fs::write(&path, &text).unwrap();
    let shown = path.to_str().unwrap();
    for args in [
        vec!["rules", "check", shown],
        vec!["score", "--rules", shown, MINIMAL],
    ] {
        let output = common::jixiao(&args);
        let stderr = common::stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}\n{stderr}");
        assert!(stderr.contains("规则文件过大"), "{args:?}\n{stderr}");
        assert!(stderr.contains("huge.rules"), "{args:?}\n{stderr}");
    }
}

#[test]
fn too_many_indicator_rows_are_refused_at_the_first_row_past_the_limit() {
    let dir = common::scratch("limit-indicators");
    let path = dir.join("many.toml");
    let mut text = minimal_form();
    let row = "\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"重复\"\ntarget = \"≥1次\"\nactual = \"1次\"\nweight = \"0\"\n";
    let existing = text.matches("[[indicators]]").count();
    let mut first_beyond = 0;
    for i in existing..=MAX_INDICATORS {
        if i == MAX_INDICATORS {
            first_beyond = text.lines().count() + 2;
        }
        text.push_str(row);
    }
    std::fs::write(&path, &text).unwrap();
    let stderr = refused(&common::jixiao(&["score", path.to_str().unwrap()]));
    assert!(stderr.contains("form::too-many-indicators"), "{stderr}");
    assert!(
        stderr.contains(&format!("many.toml:{first_beyond}:")),
        "expected line {first_beyond}\n{stderr}"
    );
}

/// An expression `levels` deep around `inner`, alternating products and calls.
fn nested(inner: &str, levels: usize) -> String {
    let mut e = inner.to_string();
    for i in 0..levels {
        e = if i % 2 == 0 {
            format!("1 * ({e})")
        } else {
            format!("max(0, {e})")
        };
    }
    e
}

/// Rules whose project execution formula goes through a chain of `length` formulas, each
/// `levels` deep.
fn rules_with_chain(length: usize, levels: usize) -> String {
    let mut chain = String::new();
    for i in 0..length {
        let next = if i + 1 == length {
            "rate".to_string()
        } else {
            format!("step{}", i + 1)
        };
        chain.push_str(&format!("formula step{i} = {}\n", nested(&next, levels)));
    }
    base_rules().replace(
        "formula project_execution = weight * min(rate, 100%)",
        &format!("{chain}formula project_execution = weight * min(step0, 100%)"),
    )
}

fn messages(text: &str) -> String {
    match jixiao::rules::load_str("deep.rules", text) {
        Ok(_) => String::new(),
        Err(errors) => jixiao::diag::render_all(&errors),
    }
}

/// The deepest rules the limits let through — long chains of shallow formulas, short chains of
/// deep ones — are checked, evaluated, formatted and dropped on a 2 MiB stack (tests run in a
/// debug build, whose frames are the largest); one level more is refused with a located error.
/// Rules past the limits are refused there too, however large.
#[test]
fn the_deepest_rules_allowed_run_on_a_small_stack() {
    let form = jixiao::form::load_str(MINIMAL, &minimal_form()).unwrap();
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for length in [1, 3, 8, MAX_FORMULA_CHAIN - 1] {
                // The deepest formulas this chain may have.
                let fits = |levels: usize| {
                    parse_expr(&nested("x", levels)).is_ok()
                        && messages(&rules_with_chain(length, levels)).is_empty()
                };
                // Binary search: whether it fits falls from true to false as levels grow.
                let (mut fitting, mut too_deep) = (0, MAX_EXPR_DEPTH + 1);
                while too_deep - fitting > 1 {
                    let mid = (fitting + too_deep) / 2;
                    if fits(mid) {
                        fitting = mid;
                    } else {
                        too_deep = mid;
                    }
                }
                let levels = fitting;
                assert!(levels > 0, "no depth works for a chain of {length}");
                let text = rules_with_chain(length, levels);
                // The limit is what stopped it: one level more is refused, at a formula.
                if parse_expr(&nested("x", levels + 1)).is_ok() {
                    let refused = messages(&rules_with_chain(length, levels + 1));
                    assert!(
                        refused.contains("嵌套过深"),
                        "{length} × {levels}:\n{refused}"
                    );
                    assert!(refused.contains("deep.rules:"), "{refused}");
                    assert!(refused.contains('^'), "{refused}");
                }
                let ruleset = jixiao::rules::load_str("deep.rules", &text).unwrap();
                let sheet = jixiao::score::score(
                    &ruleset,
                    &form,
                    jixiao::rules::registry::Selection::Override,
                    jixiao::score::ScoreOptions { trace: true },
                )
                .unwrap();
                // 1 * max(0, …) leaves the rate as it is: 90% of 10 points.
                assert_eq!(
                    sheet.execution.score.to_string(),
                    "9.00",
                    "{length} × {levels}"
                );
                let _ = jixiao::render::table::render(&sheet, true);
                let formatted = jixiao::rules::format::format_source(&text).unwrap();
                assert!(messages(&formatted).is_empty());
                let _ = jixiao::rules::examples::run_all(&ruleset);
                drop((ruleset, sheet, formatted));
            }

            // One link more than the chain limit is refused, at the formula that goes too deep.
            let refused = messages(&rules_with_chain(MAX_FORMULA_CHAIN + 1, 1));
            assert!(refused.contains("公式引用层次过深"), "{refused}");

            // A chain of 20,000 formulas (under 1 MiB) is refused without recursing 20,000 deep.
            let mut long = String::new();
            for i in 0..20_000 {
                long.push_str(&format!("formula f{i} = f{}\n", i + 1));
            }
            long.push_str("formula f20000 = rate\n");
            let text = base_rules().replace(
                "formula project_execution = weight * min(rate, 100%)",
                &format!("{long}formula project_execution = weight * min(f0, 100%)"),
            );
            assert!(text.len() < jixiao::rules::MAX_RULES_BYTES);
            assert!(messages(&text).contains("公式引用层次过深"));
            let _ = jixiao::rules::format::format_source(&text);

            // A cycle through 20,000 formulas, likewise.
            let cycle = text.replace("formula f20000 = rate", "formula f20000 = f0");
            assert!(!messages(&cycle).is_empty());
        })
        .unwrap();
    handle.join().unwrap();
}

/// A formula used twice by the next, in a chain, doubles the work at every link: 20 links would
/// be a million terms for every number computed. It is refused when checked, at the formula.
#[test]
fn formulas_that_expand_exponentially_are_refused() {
    let mut chain = String::new();
    for i in 0..20 {
        chain.push_str(&format!("formula f{i} = f{} + f{}\n", i + 1, i + 1));
    }
    chain.push_str("formula f20 = rate\n");
    let text = base_rules().replace(
        "formula project_execution = weight * min(rate, 100%)",
        &format!("{chain}formula project_execution = weight * min(f0, 100%)"),
    );
    let refused = messages(&text);
    assert!(refused.contains("过于庞大"), "{refused}");
    assert!(
        refused.contains(&jixiao::rules::check::MAX_EVAL_TERMS.to_string()),
        "{refused}"
    );
    assert!(refused.contains('^'), "{refused}");
}

/// Expressions past the nesting limit, however written, are refused with a located message
/// through the command line (the corpus has 100,000 parentheses; these are the other shapes).
#[test]
fn expressions_past_the_nesting_limit_are_refused_whatever_their_shape() {
    let dir = common::scratch("limit-nesting");
    let shapes = [
        (
            "parens",
            format!("{}rate{}", "(".repeat(100_000), ")".repeat(100_000)),
        ),
        ("negations", format!("{}rate", "-".repeat(100_000))),
        (
            "calls",
            format!("{}rate{}", "max(0, ".repeat(10_000), ")".repeat(10_000)),
        ),
        (
            "ifs",
            format!(
                "{}rate{}",
                "if met then 1 else (".repeat(5_000),
                ")".repeat(5_000)
            ),
        ),
        ("sums", vec!["rate"; 100_000].join(" + ")),
    ];
    for (name, expr) in shapes {
        let text = base_rules().replace(
            "formula project_execution = weight * min(rate, 100%)",
            &format!("formula project_execution = weight * min({expr}, 100%)"),
        );
        let path = dir.join(format!("{name}.rules"));
        std::fs::write(&path, text).unwrap();
        let output = common::jixiao(&["rules", "check", path.to_str().unwrap()]);
        let stderr = refused(&output);
        assert!(stderr.contains("nested too deeply"), "{name}\n{stderr}");
        assert!(
            stderr.contains(&format!("{name}.rules:31:")),
            "{name}\n{stderr}"
        );
        assert!(stderr.contains('^'), "{name}\n{stderr}");
    }
}

/// Division by zero and overflow in a rule are errors located at the form's figure, naming
/// the rule, never a panic.
#[test]
fn division_by_zero_in_a_rule_is_a_located_error() {
    let dir = common::scratch("limit-division");
    let path = dir.join("divide.rules");
    std::fs::write(
        &path,
        base_rules().replace(
            "formula project_execution = weight * min(rate, 100%)",
            "formula project_execution = weight * min(rate / (rate - rate), 100%)",
        ),
    )
    .unwrap();
    let output = common::jixiao(&["score", "--rules", path.to_str().unwrap(), MINIMAL]);
    let stderr = refused(&output);
    assert!(stderr.contains("division by zero"), "{stderr}");
    assert!(stderr.contains(&format!("--> {MINIMAL}:")), "{stderr}");
    assert!(stderr.contains("divide.rules:31:"), "{stderr}");
}
