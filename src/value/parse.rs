//! The nom parsers behind [`super::parse_target`] and friends.
//!
//! Every parser works on a suffix of the original text, so an error's position is simply
//! `text.len() - remaining.len()`: a byte offset into the un-normalised input that always lands on
//! a char boundary. Full-width forms are folded character by character while matching, never by
//! rewriting the text.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{take_while, take_while1},
    combinator::{all_consuming, consumed, cut, map, opt, value},
    error::{ErrorKind, ParseError},
    multi::many0_count,
    sequence::delimited,
};
use rust_decimal::Decimal;
use std::borrow::Cow;

use super::tables::{
    COMPARATOR_LOOKALIKES, COMPARATOR_WORDS, COUNT_UNITS, MAGNITUDE_PREFIXES, MONEY_UNITS,
    RANGE_WORDS,
};
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

/// A comparator symbol, longest spelling first (`>=` before `>`, `==` before `=`).
pub(super) fn comparator(i: &str) -> PResult<'_, Comparator> {
    // Most cells start with a digit: refuse those before trying a dozen spellings.
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

// ---------------------------------------------------------------------------------------------
// Units

/// A recognised unit: what it is, what one written unit is worth in the base unit, and its
/// half-width spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct UnitSpec {
    pub(super) unit: Unit,
    pub(super) multiplier: Decimal,
    pub(super) written: Cow<'static, str>,
}

impl UnitSpec {
    fn none() -> Self {
        UnitSpec {
            unit: Unit::None,
            multiplier: Decimal::ONE,
            written: Cow::Borrowed(""),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnitKind {
    Percent,
    Money(i64),
    Count {
        prefix: &'static str,
        multiplier: i64,
        base: &'static str,
    },
}

/// The longest known unit at the start of `i`.
#[derive(Debug, Clone, Copy)]
enum IndexedUnit {
    Money(&'static str, i64),
    Count(&'static str),
    Magnitude(&'static str, i64),
}

impl IndexedUnit {
    /// A unit written on its own (not a magnitude prefix): its spelling and what it is.
    fn direct(&self) -> Option<(&'static str, UnitKind)> {
        match *self {
            IndexedUnit::Money(spelling, multiplier) => {
                Some((spelling, UnitKind::Money(multiplier)))
            }
            IndexedUnit::Count(base) => Some((
                base,
                UnitKind::Count {
                    prefix: "",
                    multiplier: 1,
                    base,
                },
            )),
            IndexedUnit::Magnitude(..) => None,
        }
    }
}

/// Entries grouped by the first character of their spelling, in the order given, sorted by that
/// character: a table that a value is matched against only where it could match.
pub(super) struct FirstCharIndex<T>(Vec<(char, Vec<T>)>);

impl<T> FirstCharIndex<T> {
    pub(super) fn new(entries: impl IntoIterator<Item = (&'static str, T)>) -> Self {
        let mut index: Vec<(char, Vec<T>)> = Vec::new();
        for (spelling, entry) in entries {
            let Some(c) = spelling.chars().next() else {
                continue;
            };
            match index.iter_mut().find(|(k, _)| *k == c) {
                Some((_, list)) => list.push(entry),
                None => index.push((c, vec![entry])),
            }
        }
        index.sort_by_key(|(c, _)| *c);
        FirstCharIndex(index)
    }

    /// The entries whose spelling starts with `c`.
    pub(super) fn starting_with(&self, c: Option<char>) -> &[T] {
        c.and_then(|c| self.0.binary_search_by_key(&c, |(k, _)| *k).ok())
            .and_then(|i| self.0.get(i))
            .map_or(&[][..], |(_, list)| list.as_slice())
    }

    fn entries(&self) -> impl Iterator<Item = &T> {
        self.0.iter().flat_map(|(_, list)| list.iter())
    }
}

/// The unit spellings grouped by their first character.
fn unit_index() -> &'static FirstCharIndex<IndexedUnit> {
    static INDEX: std::sync::OnceLock<FirstCharIndex<IndexedUnit>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        FirstCharIndex::new(
            MONEY_UNITS
                .iter()
                .map(|&(s, m)| (s, IndexedUnit::Money(s, m)))
                .chain(COUNT_UNITS.iter().map(|&s| (s, IndexedUnit::Count(s))))
                .chain(
                    MAGNITUDE_PREFIXES
                        .iter()
                        .map(|&(s, m)| (s, IndexedUnit::Magnitude(s, m))),
                ),
        )
    })
}

/// Every unit spelling as written in the tables (`%`, the money units, the count units), sorted
/// for a binary search; where two tables share a spelling, the one [`unit`] would take.
pub(super) fn exact_units() -> &'static [(&'static str, UnitKind)] {
    static EXACT: std::sync::OnceLock<Vec<(&'static str, UnitKind)>> = std::sync::OnceLock::new();
    EXACT.get_or_init(|| {
        let mut exact: Vec<(&'static str, UnitKind)> = vec![("%", UnitKind::Percent)];
        for entry in unit_index().entries().filter_map(IndexedUnit::direct) {
            if !exact.iter().any(|(s, _)| *s == entry.0) {
                exact.push(entry);
            }
        }
        exact.sort_by_key(|(s, _)| *s);
        exact
    })
}

fn unit(i: &str) -> PResult<'_, UnitSpec> {
    // Nearly every unit is written on its own, exactly as the tables spell it (`万元`, `%`, `次`):
    // a match of the whole rest is the longest match there can be.
    let exact = exact_units();
    let best = match exact.binary_search_by_key(&i, |(s, _)| *s) {
        Ok(found) => exact.get(found).map(|&(s, kind)| (s.len(), kind)),
        Err(_) => longest_unit(i),
    };
    let Some((len, kind)) = best.or_else(|| opaque_unit(i)) else {
        return backtrack(PError::new(
            i,
            first_char_len(i),
            "未知单位 (unknown unit)",
            EXPECTED_UNIT,
        ));
    };
    let Some((_, rest)) = i.split_at_checked(len) else {
        return backtrack(PError::from_error_kind(i, ErrorKind::Tag));
    };
    Ok((rest, unit_spec(kind)))
}

/// Any other unit a form prints (`厘米`, `枚`, `人/次`, `斤`): the run of letters at the start of
/// `i`, taken as a counting unit compared only with itself. `万`/`亿` alone stay incomplete.
fn opaque_unit(i: &str) -> Option<(usize, UnitKind)> {
    let run = i.len() - i.trim_start_matches(is_unitish).len();
    let word = i.get(..run)?;
    // Words of comparison (`以上`, `不低于`) are not units: the grammar says what to write.
    let comparison = super::tables::RANGE_WORDS
        .iter()
        .chain(super::tables::COMPARATOR_WORDS)
        .any(|(w, _)| word.contains(w));
    if run == 0 || comparison || matches!(word, "万" | "亿" | "左右" | "约") {
        return None;
    }
    let base = super::units::intern(word)?;
    Some((
        run,
        UnitKind::Count {
            prefix: "",
            multiplier: 1,
            base,
        },
    ))
}

/// The longest known unit at the start of `i`, comparing folded chars: `%` first, then the
/// money and count spellings, then a magnitude prefix and a count unit (`万本`); of two matches
/// of one length, the first.
pub(super) fn longest_unit(i: &str) -> Option<(usize, UnitKind)> {
    let mut best: Option<(usize, UnitKind)> = None;
    let mut consider = |len: Option<usize>, kind: UnitKind| {
        if let Some(len) = len
            && best.is_none_or(|(best_len, _)| len > best_len)
        {
            best = Some((len, kind));
        }
    };
    // Every value has a unit to look up among a hundred spellings: only those that start with
    // the right character are compared.
    let index = unit_index();
    let candidates = |c: Option<char>| index.starting_with(c);
    let first = i.chars().next().map(fold);
    consider(folded_prefix(i, "%"), UnitKind::Percent);
    for candidate in candidates(first) {
        if let Some((spelling, kind)) = candidate.direct() {
            consider(folded_prefix(i, spelling), kind);
        }
    }
    for candidate in candidates(first) {
        let IndexedUnit::Magnitude(prefix, multiplier) = *candidate else {
            continue;
        };
        let Some(p) = folded_prefix(i, prefix) else {
            continue;
        };
        let Some(rest) = i.get(p..) else {
            continue;
        };
        let rest_first = rest.chars().next().map(fold);
        let bases = candidates(rest_first).iter().filter_map(|c| match *c {
            IndexedUnit::Count(base) => Some(base),
            _ => None,
        });
        for base in bases {
            consider(
                folded_prefix(rest, base).map(|n| p + n),
                UnitKind::Count {
                    prefix,
                    multiplier,
                    base,
                },
            );
        }
    }
    best
}

fn unit_spec(kind: UnitKind) -> UnitSpec {
    match kind {
        UnitKind::Percent => UnitSpec {
            unit: Unit::Percent,
            multiplier: Decimal::new(1, 2),
            written: Cow::Borrowed("%"),
        },
        UnitKind::Money(multiplier) => UnitSpec {
            unit: Unit::Money,
            multiplier: Decimal::from(multiplier),
            written: MONEY_UNITS
                .iter()
                .find(|(_, m)| *m == multiplier)
                .map_or(Cow::Borrowed("元"), |(s, _)| Cow::Borrowed(s)),
        },
        UnitKind::Count {
            prefix,
            multiplier,
            base,
        } => UnitSpec {
            unit: Unit::Count(base),
            multiplier: Decimal::from(multiplier),
            written: if prefix.is_empty() {
                Cow::Borrowed(base)
            } else {
                Cow::Owned(format!("{prefix}{base}"))
            },
        },
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
// Errors for unexpected text

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
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
fn unexpected<'a>(rest: &'a str, ctx: Ctx, stage: Stage) -> PError<'a> {
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
fn end<'a>(ctx: Ctx) -> impl Fn(&'a str) -> PResult<'a, ()> {
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
fn expect_number<'a, O>(
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
fn after_comparator(after_symbol: &str) -> PResult<'_, Quantity> {
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
