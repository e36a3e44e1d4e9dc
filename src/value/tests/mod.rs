//! Tests of the value grammar, split by what they test; the helpers shared by all are here.

mod cells;
mod numbers;
mod robustness;
mod units;

use std::collections::HashSet;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::value::tables::{COUNT_UNITS, MONEY_UNITS, NOT_APPLICABLE, VOCABULARY};
use crate::value::{
    Actual, Comparator, Quantity, Target, Unit, UnitMismatch, ValueError, align, parse_actual,
    parse_decimal, parse_percent, parse_target, qualitative_words,
};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn count(unit: &'static str) -> Unit {
    Unit::Count(unit)
}

fn quantitative(text: &str) -> (Option<Comparator>, Quantity) {
    match parse_target(text) {
        Ok(Target::Quantitative {
            comparator,
            quantity,
        }) => (comparator, quantity),
        other => panic!("{text:?}: expected a quantitative target, got {other:?}"),
    }
}

fn actual_quantity(text: &str) -> Quantity {
    match parse_actual(text) {
        Ok(Actual::Quantity(q)) => q,
        other => panic!("{text:?}: expected a quantity, got {other:?}"),
    }
}

fn q(value: &str, unit: Unit, multiplier: &str, written: &str) -> Quantity {
    Quantity {
        value: d(value),
        unit,
        multiplier: d(multiplier),
        written_unit: written.to_string().into(),
    }
}

fn check_error_shape(text: &str, e: &ValueError) {
    assert!(e.offset <= text.len(), "{text:?}: {e:?}");
    assert!(e.offset + e.len <= text.len(), "{text:?}: {e:?}");
    assert!(text.is_char_boundary(e.offset), "{text:?}: {e:?}");
    assert!(text.is_char_boundary(e.offset + e.len), "{text:?}: {e:?}");
    assert!(!e.message.is_empty() && !e.expected.is_empty(), "{e:?}");
    assert!(
        e.message.contains('('),
        "message needs an English gloss: {e:?}"
    );
    assert!(
        e.expected.contains('('),
        "expected needs an English gloss: {e:?}"
    );
}

#[test]
fn is_not_applicable_cell_is_what_parse_actual_reads_as_not_applicable() {
    let mut cells: Vec<String> = NOT_APPLICABLE.iter().map(|s| s.to_string()).collect();
    cells.extend(NOT_APPLICABLE.iter().map(|s| format!(" {s}\u{3000}")));
    cells.extend(NOT_APPLICABLE.iter().map(|s| s.to_lowercase()));
    cells.extend(
        [
            "",
            " ",
            "\u{3000}",
            "0",
            "-5",
            "--5",
            "—5",
            "/5",
            "5/",
            "100%",
            "n/a",
            "N/A分",
            "#N/A",
            "#DIV/0!",
            "#VALUE!",
            "无投诉",
            "无 ",
            "不适用。",
            "不 适用",
            "95.5",
            "１００",
            "-",
            " - ",
            "––",
            "＞95%",
            "≥1",
            "达标",
            "/ /",
        ]
        .map(String::from),
    );
    for cell in &cells {
        assert_eq!(
            crate::value::is_not_applicable_cell(cell),
            matches!(parse_actual(cell), Ok(Actual::NotApplicable)),
            "{cell:?}"
        );
    }
}

/// The comparator read a char at a time is the comparator grammar: same comparator, same rest,
/// over every spelling, its full-width forms, what may follow it, and what is no comparator.
#[test]
fn comparator_reads_as_its_grammar() {
    use crate::value::parse::{comparator, comparator_by_grammar};
    let starts = [
        ">", ">=", "＞", "＞＝", ">＝", "≥", "≧", "⩾", "<", "<=", "＜", "＜＝", "≤", "≦", "⩽", "=",
        "==", "＝", "＝＝", "=＝", "═", "═=", "≥=", "=>", "<>", "−", "-", "9", "", " ", "≈", "约",
        "大于",
    ];
    let tails = ["", "=", "＝", "95%", " 95%", "=95", "—", "≥", "x"];
    for start in starts {
        for tail in tails {
            let cell = format!("{start}{tail}");
            let direct = comparator(&cell).ok();
            let grammar = comparator_by_grammar(&cell).ok();
            assert_eq!(direct, grammar, "{cell:?}");
        }
    }
}
