//! Errors for text that does not fit: what the user wrote, named in their words (`以上` after a
//! number, `。` as a decimal point, an unknown unit), and what was expected instead.

use nom::Parser;

use super::unit_lexicon::unit;
use super::{
    Ctx, EXPECTED_ACTUAL_NUMBER, EXPECTED_END, EXPECTED_NUMBER, EXPECTED_PERCENT,
    EXPECTED_TARGET_NUMBER, EXPECTED_UNIT, EXPECTED_UNIT_OR_END, MSG_AFTER_COMPARATOR, PError,
    PResult, fail, first_char_len, is_comparator_char, is_digit, is_unitish, is_ws, quantity, ws,
};
use crate::value::tables::{COMPARATOR_LOOKALIKES, COMPARATOR_WORDS, RANGE_WORDS};
use crate::value::{Quantity, Unit};

/// Where in a value the unexpected text stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// Right after a number, where a unit may stand.
    Unit,
    /// Where only the end of the text may stand.
    End,
}

fn snippet(s: &str) -> String {
    const MAX: usize = 12;
    let trimmed = s.trim_end_matches(is_ws);
    if trimmed.chars().count() > MAX {
        let mut out: String = trimmed.chars().take(MAX).collect();
        out.push('…');
        out
    } else {
        trimmed.to_string()
    }
}

/// Describes the text at `rest` (non-empty, not starting with whitespace) that does not fit.
pub(super) fn unexpected<'a>(rest: &'a str, ctx: Ctx, stage: Stage) -> PError<'a> {
    // `95%以上`: a range word where a comparator belongs.
    for &(word, symbol) in RANGE_WORDS {
        if rest.starts_with(word) {
            let expected = if ctx == Ctx::Target {
                format!(
                    "文本结束；请把「{word}」改为数字前的比较符 {symbol}，如 {symbol}95% \
                     (end of the text; write “{word}” as the comparator {symbol} before the number, e.g. {symbol}95%)"
                )
            } else {
                EXPECTED_END.to_string()
            };
            return PError::new(
                rest,
                word.len(),
                format!("「{word}」不能写在数值后 (“{word}” cannot follow the value)"),
                expected,
            );
        }
    }
    let mut chars = rest.chars();
    let first = chars.next();
    // `95。5`: an ideographic full stop used as a decimal point.
    if first == Some('。') && chars.next().is_some_and(is_digit) {
        return PError::new(
            rest,
            '。'.len_utf8(),
            "「。」不能用作小数点 (“。” is not a decimal point)",
            "小数点「.」，如 95.5 (the decimal point “.”, as in 95.5)",
        );
    }
    match (ctx, stage) {
        (Ctx::Plain, _) => {
            if let Ok((after, spec)) = unit(rest) {
                return PError::new(
                    rest,
                    rest.len() - after.len(),
                    format!("此处不允许单位「{}」 (no unit allowed here)", spec.written),
                    "不带单位的数字，如 1,563.95 (a number without a unit, such as 1,563.95)",
                );
            }
        }
        (Ctx::Percent, _) => {
            let other_unit = unit(rest)
                .ok()
                .filter(|(_, spec)| spec.unit != Unit::Percent);
            if let Some((after, spec)) = other_unit {
                return PError::new(
                    rest,
                    rest.len() - after.len(),
                    format!(
                        "此处只允许单位 %，不允许「{}」 (only % is allowed here, not “{}”)",
                        spec.written, spec.written
                    ),
                    EXPECTED_PERCENT,
                );
            }
        }
        (Ctx::Target | Ctx::Actual, Stage::Unit) => {
            if first.is_some_and(is_unitish) {
                let run = rest.len() - rest.trim_start_matches(is_unitish).len();
                let word = rest.get(..run).unwrap_or(rest);
                let message = if matches!(word, "万" | "亿") {
                    format!(
                        "单位不完整：「{word}」后缺少单位 (incomplete unit: “{word}” needs a unit after it, such as {word}元 or {word}人次)"
                    )
                } else {
                    format!("未知单位「{word}」 (unknown unit)")
                };
                return PError::new(rest, run, message, EXPECTED_UNIT);
            }
        }
        (Ctx::Target | Ctx::Actual, Stage::End) => {}
    }
    let expected = if stage == Stage::Unit {
        EXPECTED_UNIT_OR_END
    } else {
        EXPECTED_END
    };
    PError::new(
        rest,
        rest.trim_end_matches(is_ws).len().max(first_char_len(rest)),
        format!(
            "多余的内容「{}」 (unexpected text after the value)",
            snippet(rest)
        ),
        expected,
    )
}

/// Optional whitespace, then the end of the text; anything else is a failure.
pub(super) fn end<'a>(ctx: Ctx) -> impl Fn(&'a str) -> PResult<'a, ()> {
    move |i: &'a str| {
        let (i, _) = ws(i)?;
        if i.is_empty() {
            Ok((i, ()))
        } else {
            fail(unexpected(i, ctx, Stage::End))
        }
    }
}

/// The error for a value that should start with a number (or comparator) but does not.
fn no_number_here<'a>(i: &'a str, ctx: Ctx) -> PError<'a> {
    if i.is_empty() {
        return PError::new(i, 0, "缺少数字 (a number is missing)", EXPECTED_NUMBER);
    }
    let run = (i.len()
        - i.trim_start_matches(|c| !is_digit(c) && !is_ws(c) && !is_comparator_char(c))
            .len())
    .max(first_char_len(i));
    let word = i.get(..run).unwrap_or(i);
    match ctx {
        Ctx::Target => {
            for &(w, symbol) in COMPARATOR_WORDS {
                if i.starts_with(w) {
                    return PError::new(
                        i,
                        w.len(),
                        format!(
                            "「{w}」应写作比较符 {symbol} (write “{w}” as the comparator {symbol})"
                        ),
                        EXPECTED_TARGET_NUMBER,
                    );
                }
            }
            if let Some(c) = i
                .chars()
                .next()
                .filter(|c| COMPARATOR_LOOKALIKES.contains(c))
            {
                return PError::new(
                    i,
                    c.len_utf8(),
                    format!("「{c}」不是可识别的比较符 (“{c}” is not a recognised comparator)"),
                    "比较符 ≥ > ≤ < = 之一，后接数字，如 ≥95% \
                     (one of the comparators ≥ > ≤ < = followed by a number, e.g. ≥95%)",
                );
            }
            PError::new(
                i,
                run,
                format!(
                    "此处应为比较符或数字，却是「{}」 (expected a comparator or a number)",
                    snippet(word)
                ),
                EXPECTED_TARGET_NUMBER,
            )
        }
        Ctx::Actual => PError::new(
            i,
            run,
            format!(
                "此处应为数字，却是「{}」 (expected a number)",
                snippet(word)
            ),
            EXPECTED_ACTUAL_NUMBER,
        ),
        Ctx::Plain => PError::new(
            i,
            run,
            format!(
                "此处应为数字，却是「{}」 (expected a number)",
                snippet(word)
            ),
            EXPECTED_NUMBER,
        ),
        Ctx::Percent => PError::new(
            i,
            run,
            format!(
                "此处应为数字，却是「{}」 (expected a number)",
                snippet(word)
            ),
            EXPECTED_PERCENT,
        ),
    }
}

/// Runs `parser`; a backtrack error at its very start becomes the context's "no number here"
/// failure.
pub(super) fn expect_number<'a, O>(
    ctx: Ctx,
    mut parser: impl Parser<&'a str, Output = O, Error = PError<'a>>,
) -> impl FnMut(&'a str) -> PResult<'a, O> {
    move |i: &'a str| match parser.parse(i) {
        Err(nom::Err::Error(_)) => fail(no_number_here(i, ctx)),
        other => other,
    }
}

/// After a comparator: optional whitespace and a quantity, or a failure saying a number was
/// expected (at the end of the comparator if the text ends).
pub(super) fn after_comparator(after_symbol: &str) -> PResult<'_, Quantity> {
    let (i, _) = ws(after_symbol)?;
    match quantity(Ctx::Target)(i) {
        Err(nom::Err::Error(_)) => {
            let e = match i.chars().next() {
                None => PError::new(after_symbol, 0, MSG_AFTER_COMPARATOR, EXPECTED_NUMBER),
                Some(c) if is_comparator_char(c) => PError::new(
                    i,
                    c.len_utf8(),
                    format!(
                        "比较符后应为数字，不应再有「{c}」 (expected a number after the comparator, not a second comparator symbol)"
                    ),
                    "数字；比较符只写一个，如 ≥95% (a number; write a single comparator, e.g. ≥95%)",
                ),
                Some(c) => PError::new(i, c.len_utf8(), MSG_AFTER_COMPARATOR, EXPECTED_NUMBER),
            };
            fail(e)
        }
        other => other,
    }
}
