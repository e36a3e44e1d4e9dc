//! Score sheets as CSV (`jixiao score --format csv`): one row per form, for a bureau's
//! spreadsheet of a batch. The columns are named as the JSON fields are (`jixiao schema score`);
//! each figure is the one the table and the JSON show.

use super::csv::{CsvStyle, LineEnd, row};
use crate::num::percent_number;
use crate::score::ScoreSheet;

pub const HEADER: &[&str] = &[
    "file",
    "form",
    "kind",
    "year",
    "ruleset",
    "department",
    "unit",
    "rate_percent",
    "execution_score",
    "total",
    "grade",
    "claimed_total",
    "claimed_grade",
    "mismatches",
    "warnings",
];

/// The header row.
pub fn header(style: CsvStyle) -> String {
    row(HEADER.iter().copied(), style, LineEnd::Lf)
}

/// A form's row: what it scores, what it claims, and how many claims differ and warnings it has
/// (the table and the JSON say which).
pub fn sheet_row(sheet: &ScoreSheet, style: CsvStyle) -> String {
    let rate = sheet.execution.rate;
    let fields = [
        sheet.file.clone(),
        sheet.name.clone(),
        sheet.kind.to_string(),
        sheet.year.to_string(),
        sheet.ruleset.clone(),
        sheet.department.clone().unwrap_or_default(),
        sheet.unit.clone().unwrap_or_default(),
        percent_number(rate).map_or_else(|| rate.to_string(), |p| p.to_string()),
        sheet.execution.score.to_string(),
        sheet.total.to_string(),
        sheet.grade.clone(),
        sheet
            .claimed_total
            .as_ref()
            .map(|c| c.text.clone())
            .unwrap_or_default(),
        sheet
            .claimed_grade
            .as_ref()
            .map(|c| c.text.clone())
            .unwrap_or_default(),
        sheet.mismatches().len().to_string(),
        sheet.structure.len().to_string(),
    ];
    row(fields.iter().map(String::as_str), style, LineEnd::Lf)
}
