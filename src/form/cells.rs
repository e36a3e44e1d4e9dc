//! How a cell's text is read: template placeholders, level names with a weight after them, the
//! 度量单位 column, a 指标性质 cell, trimming without a copy.

use crate::value;
use std::borrow::Cow;

use super::{Span, Text};

/// The name of a template row that was never filled in: `指标2:`, `指标3：`, `……`, `...`.
/// Templates print a few of these under each 二级指标 for the unit to fill or delete.
pub(super) fn is_placeholder_name(name: &str) -> bool {
    let name = name.trim();
    if !name.is_empty()
        && name
            .chars()
            .all(|c| matches!(c, '…' | '.' | '。' | '·' | '⋯'))
    {
        return true;
    }
    name.strip_prefix("指标")
        .map(|rest| rest.trim_end_matches([':', '：']))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// A level name without the weight a layout prints after it: `产出指标(50分)` and
/// `产出指标（50分）` are 产出指标 (the weight is the template's to check).
pub(super) fn without_weight_suffix(name: &str) -> &str {
    let trimmed = name.trim_end();
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(body) = trimmed.strip_suffix(close)
            && let Some(at) = body.rfind(open)
        {
            let inside = body.get(at + open.len_utf8()..).unwrap_or("");
            let number = inside.trim_end_matches('分').trim();
            if inside.ends_with('分') && !number.is_empty() && value::parse_decimal(number).is_ok()
            {
                return body.get(..at).unwrap_or(name).trim_end();
            }
        }
    }
    name
}

/// Where a row's missing cell is placed: its name, or the row.
pub(super) fn name_or_row(name: &Text, row_span: &Span) -> Span {
    if name.span.is_empty() {
        row_span.start..row_span.start
    } else {
        name.span.clone()
    }
}

/// A cell read with the row's 度量单位 column: `95` with unit `%` reads as `95%`. A cell that
/// already carries a unit, or a word, is read as it is (borrowed: every target and actual of a
/// form passes here, and most rows have no unit column).
pub(super) fn with_unit_column<'a>(text: &'a str, unit: Option<&Text>) -> Cow<'a, str> {
    match unit {
        Some(unit)
            if text
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_digit() || c.is_numeric())
                && !value::is_not_applicable_cell(&unit.value) =>
        {
            Cow::Owned(format!("{text}{}", unit.value))
        }
        _ => Cow::Borrowed(text),
    }
}

/// The comparator a 指标性质 cell stands for.
pub(super) fn direction_comparator(text: &str) -> Option<value::Comparator> {
    match text.trim() {
        "正向" | "正向指标" => Some(value::Comparator::Ge),
        "反向" | "反向指标" => Some(value::Comparator::Le),
        "﹦" | "＝" => Some(value::Comparator::Eq),
        other => value::Comparator::parse_symbol(other),
    }
}

/// The number part of a cell written with a comparator, for a note.
pub(super) fn quantity_text(text: &str) -> &str {
    text.trim_start_matches(|c: char| !c.is_ascii_digit() && !c.is_numeric())
}

/// The text without surrounding whitespace, reusing its buffer when there is none to remove.
pub(super) fn trimmed(text: String) -> String {
    if edges_are_not_whitespace(&text) || text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_string()
    }
}

/// Whether `byte` can begin a whitespace character: ASCII's own, and the lead bytes of U+0085 and
/// U+00A0 (C2), U+1680 (E1), U+2000–U+205F (E2) and U+3000 (E3). Chinese text (U+4E00 up, lead
/// bytes E4–E9) has none, so most cells are cleared by looking at bytes instead of decoding and
/// classifying every character (a review asks this of every name and cell: 2% of its time).
fn may_begin_whitespace(byte: u8) -> bool {
    MAY_BEGIN_WHITESPACE[usize::from(byte)]
}

/// [`may_begin_whitespace`] as a table: one load a byte instead of a chain of comparisons.
static MAY_BEGIN_WHITESPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(byte as u8, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3);
        byte += 1;
    }
    table
};

/// `text.chars().any(char::is_whitespace)`, cleared byte by byte first.
pub(super) fn has_whitespace(text: &str) -> bool {
    text.bytes().any(may_begin_whitespace) && text.chars().any(char::is_whitespace)
}

/// Whether neither the first nor the last character of a non-empty `text` can be whitespace
/// (false says nothing: `trim` decides).
fn edges_are_not_whitespace(text: &str) -> bool {
    let bytes = text.as_bytes();
    // The last character's lead byte: at most three continuation bytes (10xxxxxx) follow it.
    let last_lead = bytes
        .iter()
        .rev()
        .take(4)
        .find(|b| !(0x80..=0xBF).contains(*b));
    bytes.first().is_some_and(|&b| !may_begin_whitespace(b))
        && last_lead.is_some_and(|&b| !may_begin_whitespace(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_whitespace_character_begins_with_a_byte_the_fast_paths_look_for() {
        let mut buffer = [0u8; 4];
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if c.is_whitespace() {
                let lead = c.encode_utf8(&mut buffer).as_bytes()[0];
                assert!(may_begin_whitespace(lead), "{c:?} (U+{:04X})", u32::from(c));
            }
        }
    }

    #[test]
    fn the_fast_paths_answer_as_trim_and_is_whitespace_do() {
        let pieces = [
            "", " ", "\u{3000}", "\u{a0}", "产出", "、", "a", "≥95%", "\t", "\u{2003}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    assert_eq!(trimmed(text.clone()), text.trim(), "{text:?}");
                    let naive = text.chars().any(char::is_whitespace);
                    assert_eq!(has_whitespace(&text), naive, "{text:?}");
                }
            }
        }
    }
}
