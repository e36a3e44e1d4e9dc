//! How a cell's text is read: template placeholders, level names with a weight after them, the
//! 度量单位 column, a 指标性质 cell, trimming without a copy.

use crate::value::{self, Actual};

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
/// already carries a unit, or a word, is read as it is.
pub(super) fn with_unit_column(text: &str, unit: Option<&Text>) -> String {
    match unit {
        Some(unit)
            if text
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_digit() || c.is_numeric())
                && !matches!(value::parse_actual(&unit.value), Ok(Actual::NotApplicable)) =>
        {
            format!("{text}{}", unit.value)
        }
        _ => text.to_string(),
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
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_string()
    }
}
