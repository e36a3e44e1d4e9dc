//! Values of the 年度指标值 (target) and 实际完成值 (actual) cells of a 绩效自评表, and of plain
//! number and percent cells.
//!
//! ```text
//! target  = ws ( not-applicable | comparator? ws quantity | qualitative ) ws
//! actual  = ws ( not-applicable | quantity | word ) ws
//! quantity = number ws unit?
//! number  = sign? digits ( "," digit digit digit )* ( "." digits )?
//! ```
//!
//! Full-width forms (`≧９５％`, `１，５６３．９５`) are accepted everywhere; error offsets are byte
//! offsets into the text as given. Every number is read exactly from its digits into a
//! [`Decimal`]; conversions to the base unit use checked arithmetic, so an out-of-range value is
//! an error, never a panic.

mod parse;
mod tables;
#[cfg(test)]
mod tests;
mod units;

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;

use crate::value::parse::{EXPECTED_NUMBER, fold, is_digit, is_ws};
use crate::value::tables::{NOT_APPLICABLE, VOCABULARY};

/// A comparator of a quantitative target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// `≥`
    Ge,
    /// `>`
    Gt,
    /// `≤`
    Le,
    /// `<`
    Lt,
    /// `=`
    Eq,
}

impl Comparator {
    /// Every comparator, in the order `≥ > ≤ < =`.
    pub const ALL: [Comparator; 5] = [
        Comparator::Ge,
        Comparator::Gt,
        Comparator::Le,
        Comparator::Lt,
        Comparator::Eq,
    ];

    /// The canonical symbol: `≥`, `>`, `≤`, `<` or `=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Ge => "≥",
            Comparator::Gt => ">",
            Comparator::Le => "≤",
            Comparator::Lt => "<",
            Comparator::Eq => "=",
        }
    }

    /// Whether `actual CMP target` holds.
    pub fn holds(self, actual: Decimal, target: Decimal) -> bool {
        match self {
            Comparator::Ge => actual >= target,
            Comparator::Gt => actual > target,
            Comparator::Le => actual <= target,
            Comparator::Lt => actual < target,
            Comparator::Eq => actual == target,
        }
    }

    /// Reads one comparator spelling (surrounding whitespace allowed): `≥ ≧ >= ＞= ⩾`, `> ＞`,
    /// `≤ ≦ <= ＜= ⩽`, `< ＜`, `= ＝ ═ ==` (and their other full-width mixtures such as `＞＝`).
    pub fn parse_symbol(s: &str) -> Option<Comparator> {
        parse::comparator_symbol(s)
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// The kind of unit a quantity was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A bare number: `100`, `82`.
    None,
    /// `%` / `％`; the value is stored as a fraction: 95% → 0.95.
    Percent,
    /// `元`, `千元`, `万元`, `百万元`, `千万元`, `亿元`; the value is stored in 元: 10万元 → 100000.
    /// (`万` alone is not money.)
    Money,
    /// A counting, time or measure unit, without any `万`/`亿` prefix; the value is stored in that
    /// unit: `160个` → (160, "个"), `200万本` → (2000000, "本").
    /// The base spelling comes from the unit table, so the unit costs no allocation.
    Count(&'static str),
}

/// A number with its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// The value in the base unit (a fraction for %, 元 for money, the count unit otherwise).
    pub value: Decimal,
    /// The kind of unit.
    pub unit: Unit,
    /// What one written unit is worth in the base unit: 万元 → 10000, % → 0.01, 个 → 1, 万本 → 10000.
    pub multiplier: Decimal,
    /// The unit as written, normalised to half-width: "万元", "%", "个", "万本", "". Borrowed from
    /// the unit table except for a prefixed count unit (`万本`).
    pub written_unit: Cow<'static, str>,
}

impl Quantity {
    /// The number as written, in [`Quantity::written_unit`]s (`10万元` → 10). `None` only for a
    /// hand-built quantity whose multiplier is zero or makes the division overflow.
    pub fn written_value(&self) -> Option<Decimal> {
        self.value.checked_div(self.multiplier)
    }
}

/// A parsed 年度指标值.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// comparator None = a bare target such as "100%" (the ruleset decides what that means).
    Quantitative {
        /// The comparator written before the number, if any.
        comparator: Option<Comparator>,
        /// The number and its unit.
        quantity: Quantity,
    },
    /// e.g. "明显", "明显减少", "方便群众办事": the text (trimmed) and the known words found in it.
    Qualitative {
        /// The text, trimmed.
        text: String,
        /// The vocabulary words found, longest match first at each position, in order of first
        /// appearance, each once.
        words: Vec<&'static str>,
    },
    /// "/", "／", "—", "-", "无", "不适用", "N/A": the row does not apply.
    NotApplicable,
    /// A blank cell: nothing to score against.
    Blank,
}

/// A parsed 实际完成值.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actual {
    /// A number with an optional unit.
    Quantity(Quantity),
    /// A word instead of a number, e.g. "达成", "部分达成", "明显" (no digits); trimmed.
    Word(String),
    /// "/", "／", "—", "-", "无", "不适用", "N/A": the row does not apply.
    NotApplicable,
    /// A blank cell: nothing was reported.
    Blank,
}

/// Why a cell's text could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// Byte offset into the input text where the problem starts (always a char boundary).
    pub offset: usize,
    /// Byte length of the offending part (>= 1 unless the text is empty or ends there).
    pub len: usize,
    /// What is wrong, Chinese + (English).
    pub message: String,
    /// What was expected, Chinese + (English).
    pub expected: String,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}；应为 (expected): {} [字节位置 (byte offset) {}]",
            self.message, self.expected, self.offset
        )
    }
}

impl std::error::Error for ValueError {}

/// A target and an actual written in units that cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitMismatch {
    /// The target's written unit, e.g. "个".
    pub target_unit: String,
    /// The actual's written unit, e.g. "次".
    pub actual_unit: String,
}

impl fmt::Display for UnitMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "单位不一致：指标值单位为「{}」，实际完成值单位为「{}」 (unit mismatch: the target is in “{}”, the actual in “{}”)",
            self.target_unit, self.actual_unit, self.target_unit, self.actual_unit
        )
    }
}

impl std::error::Error for UnitMismatch {}

/// `text` without surrounding whitespace, and the byte offset where that starts.
fn trim(text: &str) -> (usize, &str) {
    let start_trimmed = text.trim_start_matches(is_ws);
    let start = text.len() - start_trimmed.len();
    (start, start_trimmed.trim_end_matches(is_ws))
}

/// Whether a cell says "not applicable" (`/`, `—`, `无`, `不适用`, `N/A` …, spaces around them
/// allowed): what [`parse_actual`] reads as [`Actual::NotApplicable`], without reading the cell as a
/// value. A form asks this of every claimed figure before reading it as a number.
pub fn is_not_applicable_cell(text: &str) -> bool {
    // A figure (nearly every cell asked) starts with a digit, which no spelling does.
    if text.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    is_not_applicable(trim(text).1)
}

/// Whether the (trimmed) text is one of the "not applicable" spellings.
fn is_not_applicable(trimmed: &str) -> bool {
    // Every value is asked this: most start with a digit or a comparator and are out at once.
    let Some(first) = trimmed.chars().next().map(fold) else {
        return false;
    };
    if !NOT_APPLICABLE.iter().any(|na| {
        na.chars()
            .next()
            .is_some_and(|c| c.eq_ignore_ascii_case(&first))
    }) {
        return false;
    }
    let matches = |na: &str| {
        let mut written = trimmed.chars().map(fold);
        let mut spelling = na.chars();
        loop {
            match (written.next(), spelling.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b) => {}
                _ => return false,
            }
        }
    };
    NOT_APPLICABLE.iter().any(|na| matches(na))
}

/// The known qualitative words in a text (`明显提升` → 明显, 提升), longest match first.
pub fn qualitative_words_in(text: &str) -> Vec<&'static str> {
    find_words(text)
}

/// The vocabulary words in `text`, scanning left to right and taking the longest word at each
/// position (non-overlapping); each word once, in order of first appearance.
fn find_words(text: &str) -> Vec<&'static str> {
    let index = vocabulary_index();
    let mut words: Vec<&'static str> = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        // Only the words that start with this character can match here.
        let best = index
            .starting_with(Some(c))
            .iter()
            .copied()
            .filter(|w| rest.starts_with(w))
            .max_by_key(|w| w.len());
        let step = match best {
            Some(word) => {
                if !words.contains(&word) {
                    words.push(word);
                }
                word.len()
            }
            None => c.len_utf8(),
        };
        rest = rest.get(step..).unwrap_or("");
    }
    words
}

/// The vocabulary grouped by first character, in vocabulary order.
fn vocabulary_index() -> &'static parse::FirstCharIndex<&'static str> {
    static INDEX: std::sync::OnceLock<parse::FirstCharIndex<&'static str>> =
        std::sync::OnceLock::new();
    INDEX.get_or_init(|| parse::FirstCharIndex::new(VOCABULARY.iter().map(|&w| (w, w))))
}

/// Excel's error values: what a cell shows when its formula failed. Pasted into a form or read
/// from a workbook, they are not numbers, and saying so beats "expected a number".
const EXCEL_ERRORS: &[&str] = &[
    "#DIV/0!",
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
];

fn excel_error(text: &str) -> Result<(), ValueError> {
    // Every error value starts with `#`: a text without one is none of them.
    if !text.contains('#') {
        return Ok(());
    }
    let (start, trimmed) = trim(text);
    if EXCEL_ERRORS.iter().any(|e| trimmed.eq_ignore_ascii_case(e)) {
        return Err(ValueError {
            offset: start,
            len: trimmed.len(),
            message: format!(
                "「{trimmed}」是 Excel 的错误值，公式没有算出结果 (an Excel error value: the cell's formula failed)"
            ),
            expected: "数字：请在原表中改正公式，或直接填写数值 (a number: correct the formula in the workbook, or type the figure)".to_string(),
        });
    }
    Ok(())
}

/// Parses a 年度指标值 cell.
///
/// * `/`, `—`, `无`, `不适用`, `N/A`, … → [`Target::NotApplicable`];
/// * a comparator, or any digit → [`Target::Quantitative`] (the whole text must fit);
/// * otherwise a text with at least one word of [`qualitative_words`] → [`Target::Qualitative`].
pub fn parse_target(text: &str) -> Result<Target, ValueError> {
    if let Some((comparator, quantity)) = parse::common_target(text) {
        return Ok(Target::Quantitative {
            comparator,
            quantity,
        });
    }
    excel_error(text)?;
    let (_, trimmed) = trim(text);
    if trimmed.is_empty() {
        return Ok(Target::Blank);
    }
    if is_not_applicable(trimmed) {
        return Ok(Target::NotApplicable);
    }
    if parse::comparator(trimmed).is_ok() || trimmed.chars().any(is_digit) {
        let (_, (comparator, quantity)) =
            parse::target_quantitative(text).map_err(|e| parse::to_value_error(text, e))?;
        return Ok(Target::Quantitative {
            comparator,
            quantity,
        });
    }
    // Any text without a number is a qualitative target (高, 好, 有效保障 …): the known words
    // found in it are kept for the tiers' wording, and there may be none.
    let words = find_words(trimmed);
    Ok(Target::Qualitative {
        text: trimmed.to_string(),
        words,
    })
}

/// Parses a 实际完成值 cell: a number with an optional unit (no comparator), a digit-free word,
/// or a "not applicable" spelling.
pub fn parse_actual(text: &str) -> Result<Actual, ValueError> {
    if let Some(quantity) = parse::common_actual(text) {
        return Ok(Actual::Quantity(quantity));
    }
    excel_error(text)?;
    let (_, trimmed) = trim(text);
    if trimmed.is_empty() {
        return Ok(Actual::Blank);
    }
    if is_not_applicable(trimmed) {
        return Ok(Actual::NotApplicable);
    }
    if parse::comparator(trimmed).is_ok() || trimmed.chars().any(is_digit) {
        let (_, quantity) =
            parse::actual_quantity(text).map_err(|e| parse::to_value_error(text, e))?;
        return Ok(Actual::Quantity(quantity));
    }
    Ok(Actual::Word(trimmed.to_string()))
}

/// A plain number cell: "1563.95", "1,563.95", "１５６３．９５", "-3", " 205 ". No unit allowed.
pub fn parse_decimal(text: &str) -> Result<Decimal, ValueError> {
    if let Some(value) = parse::whole_ascii_number(text) {
        return Ok(value);
    }
    excel_error(text)?;
    if trim(text).1.is_empty() {
        return Err(ValueError {
            offset: 0,
            len: text.len(),
            message: "数值为空 (empty number)".to_string(),
            expected: EXPECTED_NUMBER.to_string(),
        });
    }
    parse::plain_decimal(text)
        .map(|(_, d)| d)
        .map_err(|e| parse::to_value_error(text, e))
}

/// A rate or deviation cell whose column is headed "%": "45.18", "45.18%", "100 %", "0.00%",
/// "0.00" -> the fraction (0.4518, 1, 0, 0), exactly (0.00% keeps its scale: 0.0000).
/// A value above 1000% (in absolute value) is an error.
pub fn parse_percent(text: &str) -> Result<Decimal, ValueError> {
    if let Some(value) = parse::whole_ascii_percent(text, Some(parse::PERCENT_CAP)) {
        return Ok(value);
    }
    excel_error(text)?;
    if trim(text).1.is_empty() {
        return Err(ValueError {
            offset: 0,
            len: text.len(),
            message: "百分比为空 (empty percentage)".to_string(),
            expected: EXPECTED_NUMBER.to_string(),
        });
    }
    parse::percent_cell(text)
        .map(|(_, d)| d)
        .map_err(|e| parse::to_value_error(text, e))
}

/// A claimed 偏差度 cell: as [`parse_percent`], without the 1000% bound, for a deviation is
/// computed, not typed from a measurement: an actual 208 times its target is 20700% off.
pub fn parse_deviation(text: &str) -> Result<Decimal, ValueError> {
    if let Some(value) = parse::whole_ascii_percent(text, None) {
        return Ok(value);
    }
    excel_error(text)?;
    if trim(text).1.is_empty() {
        return Err(ValueError {
            offset: 0,
            len: text.len(),
            message: "百分比为空 (empty percentage)".to_string(),
            expected: EXPECTED_NUMBER.to_string(),
        });
    }
    parse::percent_cell_any(text)
        .map(|(_, d)| d)
        .map_err(|e| parse::to_value_error(text, e))
}

/// Brings a target and an actual to a common unit so they can be compared: returns (target, actual)
/// values.
///
/// * Same unit: as is (money both in 元, counts both in the base count unit, % as fractions).
/// * One side [`Unit::None`]: the bare number is read in the other side's *written* unit (bare 95
///   against 96% means 95%, i.e. 0.95; bare 12 against 12万元 means 12万元 = 120000). Should that
///   conversion overflow, both values are returned in the written unit instead (12 and 12).
/// * Different units (e.g. 个 vs 次, % vs 万元): `Err(UnitMismatch)` naming both written units.
pub fn align(target: &Quantity, actual: &Quantity) -> Result<(Decimal, Decimal), UnitMismatch> {
    let mismatch = || UnitMismatch {
        target_unit: target.written_unit.to_string(),
        actual_unit: actual.written_unit.to_string(),
    };
    if target.unit == actual.unit {
        return Ok((target.value, actual.value));
    }
    match (&target.unit, &actual.unit) {
        (Unit::None, _) => read_bare_in(target.value, actual).ok_or_else(mismatch),
        (_, Unit::None) => read_bare_in(actual.value, target)
            .map(|(a, t)| (t, a))
            .ok_or_else(mismatch),
        // 50厘米 against 0.6米, 2吨 against 1800公斤: one family, converted to its base unit and
        // then back into the target's unit, so that rules read the target's unit.
        (Unit::Count(t), Unit::Count(a)) => {
            let (Some((tf, t_base)), Some((af, a_base))) = (
                units::to_family_base(t, target.value),
                units::to_family_base(a, actual.value),
            ) else {
                return Err(mismatch());
            };
            if tf != af || t_base.is_zero() {
                // A zero target converts trivially: the actual's base value over a base of 0.
                if tf == af {
                    return Ok((target.value, a_base));
                }
                return Err(mismatch());
            }
            let ratio = a_base.checked_div(t_base).ok_or_else(mismatch)?;
            let actual_in_target_unit = target.value.checked_mul(ratio).ok_or_else(mismatch)?;
            Ok((target.value, actual_in_target_unit))
        }
        _ => Err(mismatch()),
    }
}

/// (bare read in `other`'s written unit, `other`), both in a common unit.
fn read_bare_in(bare: Decimal, other: &Quantity) -> Option<(Decimal, Decimal)> {
    match bare.checked_mul(other.multiplier) {
        Some(value) => Some((value, other.value)),
        None => other.written_value().map(|w| (bare, w)),
    }
}

/// The counting, time and measure units the grammar knows (money units apart).
pub fn count_units() -> &'static [&'static str] {
    tables::COUNT_UNITS
}

/// The spellings that mark a cell or a row as not applicable (`/`, `—`, `无`, `不适用` …).
pub fn not_applicable_marks() -> &'static [&'static str] {
    tables::NOT_APPLICABLE
}

/// The qualitative target words the grammar knows.
pub fn qualitative_words() -> &'static [&'static str] {
    VOCABULARY
}
