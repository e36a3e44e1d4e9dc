//! The nom parsers behind [`super::parse_target`] and friends.
//!
//! Every parser works on a suffix of the original text, so an error's position is simply
//! `text.len() - remaining.len()`: a byte offset into the un-normalised input that always lands on
//! a char boundary. Full-width forms are folded character by character while matching, never by
//! rewriting the text.
//!
//! The unit lexicon (which spellings are units, and what they are worth) is in
//! `unit_lexicon.rs`; the wording of errors for text that does not fit is in `unexpected.rs`.

mod unexpected;
mod unit_lexicon;

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{take_while, take_while1},
    combinator::{all_consuming, consumed, cut, map, opt},
    error::{ErrorKind, ParseError},
    multi::many0_count,
    sequence::delimited,
};
use rust_decimal::Decimal;
use std::borrow::Cow;

use self::unexpected::{Stage, after_comparator, end, expect_number, unexpected};
pub(super) use self::unit_lexicon::FirstCharIndex;
use self::unit_lexicon::{UnitSpec, unit};
#[cfg(test)]
pub(super) use self::unit_lexicon::{exact_unit, exact_units, longest_unit};
use super::{Comparator, Quantity, Unit, ValueError};

pub(super) const EXPECTED_NUMBER: &str = "数字，如 95 或 1,200.5 (a number such as 95 or 1,200.5)";
pub(super) const EXPECTED_TARGET_NUMBER: &str =
    "比较符加数字，如 ≥95%、≤10万元 (a comparator and number such as ≥95% or ≤10万元)";
const EXPECTED_ACTUAL_NUMBER: &str = "不带比较符的数字加单位，如 96%、10万元 (a number and unit without a comparator, such as 96% or 10万元)";
const EXPECTED_PERCENT: &str =
    "数字，可带 %，如 45.18 或 45.18% (a number, optionally with %, such as 45.18 or 45.18%)";
const EXPECTED_UNIT: &str = "单位，如 %、元、千元、万元、亿元、个、次、批、天、月、人次、工作日、万本 \
     (a unit such as %, 元, 千元, 万元, 亿元, 个, 次, 批, 天, 月, 人次, 工作日, 万本)";
const EXPECTED_UNIT_OR_END: &str = "单位或文本结束 (a unit or the end of the text)";
const EXPECTED_END: &str = "文本结束 (end of the text)";
const EXPECTED_GROUPS: &str = "千位分隔符只能隔开三位一组的整数数字，如 1,563.95 \
     (a thousands separator only between groups of three integer digits, as in 1,563.95)";
const EXPECTED_PERCENT_RANGE: &str = "不超过1000%的百分比 (a percentage of at most 1000%)";

/// The largest percentage a measured value may be, as a fraction: 1000%. Past it, a typo.
pub(super) const PERCENT_CAP: Decimal = Decimal::TEN;

const MSG_OUT_OF_RANGE: &str = "数值超出范围 (number out of range)";
const MSG_PERCENT_TOO_BIG: &str =
    "百分比超过1000%，疑似录入错误 (a percentage above 1000% is almost certainly a typo)";
const MSG_AFTER_COMPARATOR: &str = "比较符后应为数字 (expected a number after the comparator)";

/// Where a value is being read: changes only the wording of errors (and whether units are allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    Target,
    Actual,
    Plain,
    Percent,
}

/// The parsers' error: where the problem starts (a suffix of the text), how long it is, and what
/// to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PError<'a> {
    at: &'a str,
    len: usize,
    // Alternatives fail all the time while parsing; static texts keep that free of allocation.
    message: Cow<'static, str>,
    expected: Cow<'static, str>,
}

impl<'a> PError<'a> {
    fn new(
        at: &'a str,
        len: usize,
        message: impl Into<Cow<'static, str>>,
        expected: impl Into<Cow<'static, str>>,
    ) -> Self {
        PError {
            at,
            len,
            message: message.into(),
            expected: expected.into(),
        }
    }

    /// Turns the error into a [`ValueError`] against `text`, of which `at` is a suffix. Offsets are
    /// clamped onto char boundaries defensively.
    pub(super) fn into_value_error(self, text: &str) -> ValueError {
        let mut offset = text.len().saturating_sub(self.at.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let mut len = self.len.min(text.len().saturating_sub(offset));
        while len > 0 && !text.is_char_boundary(offset + len) {
            len -= 1;
        }
        ValueError {
            offset,
            len,
            message: self.message.into_owned(),
            expected: self.expected.into_owned(),
        }
    }
}

impl<'a> ParseError<&'a str> for PError<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        PError::new(
            input,
            first_char_len(input),
            "无法识别的内容 (unrecognised text)",
            EXPECTED_NUMBER,
        )
    }

    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Of two alternatives that both failed, report the one that got further.
    fn or(self, other: Self) -> Self {
        if other.at.len() <= self.at.len() {
            other
        } else {
            self
        }
    }
}

pub(super) type PResult<'a, T> = IResult<&'a str, T, PError<'a>>;

/// Converts a nom error into a [`ValueError`] against `text`.
pub(super) fn to_value_error(text: &str, err: nom::Err<PError<'_>>) -> ValueError {
    match err {
        nom::Err::Error(e) | nom::Err::Failure(e) => e.into_value_error(text),
        // Only complete parsers are used; keep a sensible answer anyway.
        nom::Err::Incomplete(_) => ValueError {
            offset: text.len(),
            len: 0,
            message: "文本意外结束 (unexpected end of the text)".to_string(),
            expected: EXPECTED_NUMBER.to_string(),
        },
    }
}

fn fail<'a, T>(e: PError<'a>) -> PResult<'a, T> {
    Err(nom::Err::Failure(e))
}

fn backtrack<'a, T>(e: PError<'a>) -> PResult<'a, T> {
    Err(nom::Err::Error(e))
}

fn first_char_len(s: &str) -> usize {
    s.chars().next().map_or(0, char::len_utf8)
}

/// Folds full-width ASCII forms (`％`, `０`, `＞`, `，`, `．`, `Ｎ`, `／`) and the minus sign `−`
/// to their half-width counterparts; every other char is returned unchanged.
pub(super) fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{2212}' => '-',
        _ => c,
    }
}

/// Whitespace around and between the parts of a value: Unicode whitespace (ASCII, U+3000, NBSP,
/// …) plus the zero-width space and BOM that copy-paste leaves behind.
pub(super) fn is_ws(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

pub(super) fn is_digit(c: char) -> bool {
    fold(c).is_ascii_digit()
}

fn is_separator(c: char) -> bool {
    fold(c) == ','
}

fn is_comparator_char(c: char) -> bool {
    matches!(
        fold(c),
        '≥' | '≧' | '⩾' | '>' | '≤' | '≦' | '⩽' | '<' | '=' | '═'
    )
}

/// Chars that may belong to a unit (used to delimit an unknown unit in an error).
fn is_unitish(c: char) -> bool {
    c.is_alphabetic() || matches!(fold(c), '/' | '‰' | '°' | '℃' | '¥' | '$' | '㎡' | '·')
}

/// If `input` starts with `spelling` (comparing folded chars), the byte length of that prefix.
pub(super) fn folded_prefix(input: &str, spelling: &str) -> Option<usize> {
    let mut chars = input.char_indices();
    let mut end = 0;
    for want in spelling.chars() {
        let (idx, c) = chars.next()?;
        if fold(c) != want {
            return None;
        }
        end = idx + c.len_utf8();
    }
    Some(end)
}

/// A tag parser that compares folded chars, so `ftag(">=")` also accepts `＞=` and `＞＝`.
fn ftag<'a>(spelling: &'static str) -> impl Fn(&'a str) -> PResult<'a, &'a str> {
    move |i: &'a str| match folded_prefix(i, spelling).and_then(|n| i.split_at_checked(n)) {
        Some((matched, rest)) => Ok((rest, matched)),
        None => backtrack(PError::from_error_kind(i, ErrorKind::Tag)),
    }
}

pub(super) fn ws(i: &str) -> PResult<'_, &str> {
    take_while(is_ws).parse(i)
}

fn digits(i: &str) -> PResult<'_, &str> {
    take_while1(is_digit).parse(i)
}

// ---------------------------------------------------------------------------------------------
// Comparators

/// A comparator symbol, longest spelling first (`>=` before `>`, `==` before `=`), comparing
/// folded chars (`＞＝` is `>=`). Read a char at a time: every target and actual cell asks this
/// (the grammar it stands for, [`comparator_by_grammar`], was 0.6% of a review).
pub(super) fn comparator(i: &str) -> PResult<'_, Comparator> {
    let mut chars = i.chars();
    let Some(c) = chars.next() else {
        return backtrack(PError::from_error_kind(i, ErrorKind::Tag));
    };
    let len = c.len_utf8();
    // A second `=` after `>`, `<` or `=`: its length, else 0.
    let mut with_equals = || match chars.next() {
        Some(d) if fold(d) == '=' => d.len_utf8(),
        _ => 0,
    };
    let (comparator, len) = match fold(c) {
        '≥' | '≧' | '⩾' => (Comparator::Ge, len),
        '≤' | '≦' | '⩽' => (Comparator::Le, len),
        '═' => (Comparator::Eq, len),
        '=' => (Comparator::Eq, len + with_equals()),
        '>' => match with_equals() {
            0 => (Comparator::Gt, len),
            n => (Comparator::Ge, len + n),
        },
        '<' => match with_equals() {
            0 => (Comparator::Lt, len),
            n => (Comparator::Le, len + n),
        },
        _ => return backtrack(PError::from_error_kind(i, ErrorKind::Tag)),
    };
    match i.get(len..) {
        Some(rest) => Ok((rest, comparator)),
        None => backtrack(PError::from_error_kind(i, ErrorKind::Tag)),
    }
}

/// [`comparator`] as a grammar: the specification its char-at-a-time reading is tested against.
#[cfg(test)]
pub(super) fn comparator_by_grammar(i: &str) -> PResult<'_, Comparator> {
    use nom::combinator::value;
    if !i.chars().next().is_some_and(is_comparator_char) {
        return backtrack(PError::from_error_kind(i, ErrorKind::Tag));
    }
    alt((
        value(
            Comparator::Ge,
            alt((ftag(">="), ftag("≥"), ftag("≧"), ftag("⩾"))),
        ),
        value(
            Comparator::Le,
            alt((ftag("<="), ftag("≤"), ftag("≦"), ftag("⩽"))),
        ),
        value(Comparator::Eq, alt((ftag("=="), ftag("="), ftag("═")))),
        value(Comparator::Gt, ftag(">")),
        value(Comparator::Lt, ftag("<")),
    ))
    .parse(i)
}

/// The whole of `s` (surrounding whitespace allowed) is one comparator spelling.
pub(super) fn comparator_symbol(s: &str) -> Option<Comparator> {
    all_consuming(delimited(ws, comparator, ws))
        .parse(s)
        .ok()
        .map(|(_, c)| c)
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// A number as written: its text and its exact value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Number<'a> {
    pub(super) span: &'a str,
    pub(super) value: Decimal,
}

/// `,` + exactly three digits. No separator: a backtrack error (the group list ends). A separator
/// not followed by exactly three digits: a failure pointing at the separator.
fn separator_group(i: &str) -> PResult<'_, ()> {
    let (rest, sep) = ftag(",")(i)?;
    let (after, group) = take_while(is_digit).parse(rest)?;
    if group.chars().count() == 3 {
        Ok((after, ()))
    } else {
        fail(PError::new(
            i,
            sep.len(),
            "千位分隔符位置不对 (misplaced thousands separator)",
            EXPECTED_GROUPS,
        ))
    }
}

/// `.` + digits; a point without digits after it is a failure pointing at the point.
fn fraction(i: &str) -> PResult<'_, &str> {
    let (rest, point) = ftag(".")(i)?;
    match digits(rest) {
        Ok(ok) => Ok(ok),
        Err(nom::Err::Error(_)) => fail(PError::new(
            i,
            point.len(),
            "小数点后缺少数字 (missing digits after the decimal point)",
            EXPECTED_NUMBER,
        )),
        Err(e) => Err(e),
    }
}

/// The syntax of a number: sign, digits with optional thousands separators, optional fraction.
/// A missing number at the very start is a backtrack error, everything later a failure.
fn number_syntax(i: &str) -> PResult<'_, ()> {
    let (i, sign) = opt(alt((ftag("-"), ftag("+")))).parse(i)?;
    let (i, int_part) = match digits(i) {
        Ok(ok) => ok,
        Err(nom::Err::Error(_)) if sign.is_some() => {
            return fail(PError::new(
                i,
                first_char_len(i),
                "正负号后应为数字 (expected digits after the sign)",
                EXPECTED_NUMBER,
            ));
        }
        Err(nom::Err::Error(_)) => {
            return backtrack(PError::new(
                i,
                first_char_len(i),
                "此处应为数字 (expected a number here)",
                EXPECTED_NUMBER,
            ));
        }
        Err(e) => return Err(e),
    };
    if int_part.chars().count() > 3 && i.chars().next().is_some_and(is_separator) {
        return fail(PError::new(
            i,
            first_char_len(i),
            "千位分隔符位置不对 (misplaced thousands separator)",
            EXPECTED_GROUPS,
        ));
    }
    let (i, _) = many0_count(separator_group).parse(i)?;
    let (i, frac) = opt(fraction).parse(i)?;
    if frac.is_some() && i.chars().next().is_some_and(is_separator) {
        return fail(PError::new(
            i,
            first_char_len(i),
            "千位分隔符只能用于整数部分 (thousands separators belong in the integer part only)",
            EXPECTED_GROUPS,
        ));
    }
    exponent_check(i)?;
    Ok((i, ()))
}

/// `1e30`, `1.5E+3`: not supported; a failure pointing at the `e`.
fn exponent_check(i: &str) -> PResult<'_, ()> {
    let mut chars = i.chars();
    let Some(e) = chars.next() else {
        return Ok((i, ()));
    };
    if !matches!(fold(e), 'e' | 'E') {
        return Ok((i, ()));
    }
    let after_e = chars.as_str();
    let after_sign = after_e
        .strip_prefix(|c: char| matches!(fold(c), '+' | '-'))
        .unwrap_or(after_e);
    let exp_digits = after_sign.len() - after_sign.trim_start_matches(is_digit).len();
    if exp_digits == 0 {
        return Ok((i, ()));
    }
    let len = i.len() - after_sign.len() + exp_digits;
    fail(PError::new(
        i,
        len,
        "不支持科学计数法 (exponent notation is not supported)",
        "普通写法的数字，如 1000000 (a number written out in full, such as 1000000)",
    ))
}

/// The exact value of a number whose syntax has been checked. `None` if it does not fit a
/// [`Decimal`]: more than 28 significant digits or more than 28 decimal places.
pub(super) fn to_decimal(span: &str) -> Option<Decimal> {
    const MAX_DIGITS: u32 = 28;
    let mut negative = false;
    let mut in_fraction = false;
    let mut mantissa: i128 = 0;
    let mut scale: u32 = 0;
    let mut significant: u32 = 0;
    for c in span.chars() {
        match fold(c) {
            '-' => negative = true,
            '+' | ',' => {}
            '.' => in_fraction = true,
            d => {
                let digit = d.to_digit(10)?;
                if in_fraction {
                    scale = scale.checked_add(1)?;
                }
                if significant > 0 || digit != 0 {
                    significant = significant.checked_add(1)?;
                }
                if scale > MAX_DIGITS || significant > MAX_DIGITS {
                    return None;
                }
                mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(digit))?;
            }
        }
    }
    if negative {
        mantissa = mantissa.checked_neg()?;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

/// A number: syntax plus exact value; out of range is a failure over the whole number.
pub(super) fn number(i: &str) -> PResult<'_, Number<'_>> {
    if let Some((span, rest)) = plain_ascii_number(i)
        && let Some(value) = ascii_decimal(span).or_else(|| to_decimal(span))
    {
        return Ok((rest, Number { span, value }));
    }
    let (rest, (span, ())) = consumed(number_syntax).parse(i)?;
    match to_decimal(span) {
        Some(value) => Ok((rest, Number { span, value })),
        None => fail(PError::new(
            i,
            span.len(),
            MSG_OUT_OF_RANGE,
            "不超过28位有效数字的数 (a number of at most 28 significant digits)",
        )),
    }
}

/// The exact value of ASCII digits with at most one `.` (as [`plain_ascii_number`] finds them),
/// for up to 18 digits, which a `u64` holds: no folding, no 128-bit arithmetic. Longer numbers
/// return `None` and go through [`to_decimal`], which gives the same value.
pub(super) fn ascii_decimal(span: &str) -> Option<Decimal> {
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut scale = 0u32;
    let mut in_fraction = false;
    for &b in span.as_bytes() {
        if b == b'.' {
            in_fraction = true;
            continue;
        }
        if !b.is_ascii_digit() {
            return None;
        }
        digits += 1;
        if digits > 18 {
            return None;
        }
        scale += u32::from(in_fraction);
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    Decimal::try_from_i128_with_scale(i128::from(mantissa), scale).ok()
}

/// A cell that is nothing but ASCII digits with at most one `.` (`92.61`, `5`), as most are:
/// its value without the general grammar. Anything else returns `None` for the full path.
pub(super) fn whole_ascii_number(text: &str) -> Option<Decimal> {
    match plain_ascii_number(text)? {
        (span, "") => ascii_decimal(span),
        _ => None,
    }
}

/// A percent cell that is ASCII digits with at most one `.`, and perhaps a `%` right after them
/// (`45.18`, `0.00%`): the fraction, as [`percent_cell_within`] gives it with the same `cap`.
/// Past the cap it returns `None`: the full path says what is wrong.
pub(super) fn whole_ascii_percent(text: &str, cap: Option<Decimal>) -> Option<Decimal> {
    let digits = text.strip_suffix('%').unwrap_or(text);
    percent_fraction(whole_ascii_number(digits)?).filter(|v| cap.is_none_or(|cap| v.abs() <= cap))
}

/// The common case, `92.61` or `5` in ASCII with nothing tricky after it, read without the
/// general grammar. Anything else (signs, separators, full-width digits, exponents) returns `None`
/// and takes the full path, which also produces the errors.
fn plain_ascii_number(i: &str) -> Option<(&str, &str)> {
    let bytes = i.as_bytes();
    let int_len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if int_len == 0 {
        return None;
    }
    let mut end = int_len;
    if bytes.get(end) == Some(&b'.') {
        // `end` is a valid index (the `.`), so `end + 1` is at most the length.
        let frac_len = bytes[end + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if frac_len == 0 {
            return None;
        }
        end += 1 + frac_len;
    }
    let rest = i.get(end..)?;
    match rest.chars().next() {
        Some(c) if is_digit(c) || is_separator(c) || matches!(fold(c), '.' | 'e' | 'E') => None,
        _ => Some((i.get(..end)?, rest)),
    }
}

/// `n%` as a fraction, exactly: the digits stay, the scale grows by two (`0.00` → `0.0000`,
/// `45.18` → `0.4518`). Past 28 decimal places, checked multiplication (which rounds) takes over.
fn percent_fraction(n: Decimal) -> Option<Decimal> {
    let mut shifted = n;
    match shifted.set_scale(n.scale().checked_add(2)?) {
        Ok(()) => Some(shifted),
        Err(_) => n.checked_mul(Decimal::new(1, 2)),
    }
}

/// A number with an optional unit, converted to the base unit. A number not followed by a known
/// unit, whitespace-then-end or end is a failure (unknown unit or unexpected text).
fn quantity<'a>(ctx: Ctx) -> impl Fn(&'a str) -> PResult<'a, Quantity> {
    move |start: &'a str| {
        let (i, num) = number(start)?;
        let (after_ws, _) = ws(i)?;
        let (i, spec) = if after_ws.is_empty() {
            (after_ws, UnitSpec::none())
        } else {
            match unit(after_ws) {
                Ok(ok) => ok,
                Err(nom::Err::Error(_)) => return fail(unexpected(after_ws, ctx, Stage::Unit)),
                Err(e) => return Err(e),
            }
        };
        let span_len = start.len() - i.len();
        let converted = if spec.unit == Unit::Percent {
            percent_fraction(num.value)
        } else {
            num.value.checked_mul(spec.multiplier)
        };
        let Some(value) = converted else {
            return fail(PError::new(
                start,
                span_len,
                MSG_OUT_OF_RANGE,
                "换算成基本单位后仍在范围内的数 (a number that stays in range once converted to the base unit)",
            ));
        };
        if spec.unit == Unit::Percent && value.abs() > PERCENT_CAP {
            return fail(PError::new(
                start,
                span_len,
                MSG_PERCENT_TOO_BIG,
                EXPECTED_PERCENT_RANGE,
            ));
        }
        Ok((
            i,
            Quantity {
                value,
                unit: spec.unit,
                multiplier: spec.multiplier,
                written_unit: spec.written,
            },
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Whole cells

/// A target written the common way, `≥95%`, `≤7万元`, `100%`: a comparator right at the start
/// (or none), then a quantity and nothing else. `None` sends the cell to the full path, which
/// reads it the same way and also explains what is wrong.
pub(super) fn common_target(text: &str) -> Option<(Option<Comparator>, Quantity)> {
    let (comparator, rest) = match comparator(text) {
        Ok((rest, c)) => (Some(c), rest),
        Err(_) => (None, text),
    };
    match quantity(Ctx::Target)(rest) {
        Ok(("", q)) => Some((comparator, q)),
        _ => None,
    }
}

/// An actual written the common way, `96%`, `6万元`, `20次`: a quantity and nothing else.
pub(super) fn common_actual(text: &str) -> Option<Quantity> {
    match quantity(Ctx::Actual)(text) {
        Ok(("", q)) => Some(q),
        _ => None,
    }
}

/// A quantitative target: optional comparator, quantity, end.
pub(super) fn target_quantitative(i: &str) -> PResult<'_, (Option<Comparator>, Quantity)> {
    delimited(
        ws,
        alt((
            map((comparator, cut(after_comparator)), |(c, q)| (Some(c), q)),
            map(expect_number(Ctx::Target, quantity(Ctx::Target)), |q| {
                (None, q)
            }),
        )),
        end(Ctx::Target),
    )
    .parse(i)
}

/// A quantitative actual: no comparator, quantity, end.
pub(super) fn actual_quantity(i: &str) -> PResult<'_, Quantity> {
    let (i, _) = ws(i)?;
    if let Ok((_, (symbol, _))) = consumed(comparator).parse(i) {
        return fail(PError::new(
            i,
            symbol.len(),
            "实际完成值不应带比较符 (an actual value takes no comparator)",
            EXPECTED_ACTUAL_NUMBER,
        ));
    }
    let (i, q) = expect_number(Ctx::Actual, quantity(Ctx::Actual)).parse(i)?;
    let (i, ()) = end(Ctx::Actual)(i)?;
    Ok((i, q))
}

/// A plain number cell: number, end.
pub(super) fn plain_decimal(i: &str) -> PResult<'_, Decimal> {
    map(
        delimited(ws, expect_number(Ctx::Plain, number), end(Ctx::Plain)),
        |n| n.value,
    )
    .parse(i)
}

/// A percent cell: number, optional `%`, end; the value as a fraction.
pub(super) fn percent_cell(i: &str) -> PResult<'_, Decimal> {
    percent_cell_within(i, Some(PERCENT_CAP))
}

/// A percentage cell of any size (a 偏差度: an actual 208 times its target is 20700% off).
pub(super) fn percent_cell_any(i: &str) -> PResult<'_, Decimal> {
    percent_cell_within(i, None)
}

fn percent_cell_within(i: &str, cap: Option<Decimal>) -> PResult<'_, Decimal> {
    let (i, _) = ws(i)?;
    let (rest, (span, num)) =
        consumed((expect_number(Ctx::Percent, number), opt((ws, ftag("%"))))).parse(i)?;
    let (rest, ()) = end(Ctx::Percent)(rest)?;
    let span = span.trim_end_matches(is_ws);
    let Some(value) = percent_fraction(num.0.value) else {
        return fail(PError::new(
            i,
            span.len(),
            MSG_OUT_OF_RANGE,
            EXPECTED_PERCENT,
        ));
    };
    if cap.is_some_and(|cap| value.abs() > cap) {
        return fail(PError::new(
            i,
            span.len(),
            MSG_PERCENT_TOO_BIG,
            EXPECTED_PERCENT_RANGE,
        ));
    }
    Ok((rest, value))
}
