//! Rendering score sheets for people (tables, Markdown) and for programs (JSON).
//!
//! Every renderer reads the same [`ScoreSheet`](crate::score::ScoreSheet), so all outputs agree.

pub mod json;
pub mod markdown;
pub mod review;
pub mod table;

use crate::num::percent_text;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

/// A terminal table in the house style: condensed borders, never wrapped (CJK text aligns).
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().map(Cell::new));
    t
}

/// A right-aligned cell, for figures.
pub fn right(text: impl ToString) -> Cell {
    Cell::new(text).set_alignment(CellAlignment::Right)
}

/// Text for a Markdown table cell: pipes escaped, line breaks as `<br>`.
pub fn md_escape(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('\r', "")
        .replace('\n', "<br>")
}
use crate::score::{Claimed, Trace};
use rust_decimal::Decimal;

/// How a claimed figure compares with the computed one, for a table cell.
pub fn check_mark(
    claimed: Option<&Claimed>,
    computed: Decimal,
    tolerance: Decimal,
    percent: bool,
) -> String {
    let Some(claimed) = claimed else {
        return String::new();
    };
    let tolerance = if percent {
        tolerance / Decimal::ONE_HUNDRED
    } else {
        tolerance
    };
    if crate::score::beyond(claimed.value, computed, tolerance) {
        format!("✗ 申报 {}", claimed.text)
    } else {
        "✓".to_string()
    }
}

pub fn pct(fraction: Decimal) -> String {
    percent_text(fraction)
}

/// A trace as indented lines: rule, formula, inputs, result.
pub fn trace_lines(label: &str, trace: &Trace) -> Vec<String> {
    let mut lines = vec![format!("{label}: {}", trace.result)];
    lines.push(format!("    rule     {} ({})", trace.rule, trace.source));
    lines.push(format!("    formula  {}", trace.formula));
    if !trace.inputs.is_empty() {
        let inputs: Vec<String> = trace
            .inputs
            .iter()
            .map(|i| format!("{} = {}", i.name, i.value))
            .collect();
        lines.push(format!("    inputs   {}", inputs.join(", ")));
    }
    let mut result = format!("    result   {}", trace.result);
    if trace.raw != trace.result {
        result.push_str(&format!(" (computed {})", trace.raw));
    }
    lines.push(result);
    for note in &trace.notes {
        lines.push(format!("    note     {note}"));
    }
    lines
}
