//! Rendering score sheets for people (tables, Markdown) and for programs (JSON).
//!
//! Every renderer reads the same [`ScoreSheet`](crate::score::ScoreSheet), so all outputs agree.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod review;
pub mod schema;
pub mod sheet_csv;
pub mod table;

use crate::num::percent_text;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

/// A terminal table in the house style: condensed borders, never wrapped (CJK text aligns).
/// The stable layout that piped output and `--wide` get.
pub fn table(header: &[&str]) -> Table {
    table_fit(header, None)
}

/// Below this width a table is not worth fitting: it is printed in full and the terminal wraps.
const MIN_FIT_WIDTH: u16 = 60;

/// A table that fits `width` columns when given: long texts wrap inside their cells (CJK
/// characters count two columns). `None` gives the full, never-wrapped layout.
pub fn table_fit(header: &[&str], width: Option<u16>) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_header(header.iter().map(Cell::new));
    match width {
        Some(w) if w >= MIN_FIT_WIDTH => {
            t.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(w);
        }
        _ => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    t
}

/// A right-aligned cell, for figures.
pub fn right(text: impl ToString) -> Cell {
    Cell::new(text).set_alignment(CellAlignment::Right)
}

/// A file name or an identifier as Markdown code (`` `a.toml` ``); one that a code span cannot
/// hold as it is (a backtick, a pipe, a line break, a control character) is written as escaped
/// text instead ([`md_escape`]).
pub fn md_code(text: &str) -> String {
    if text.contains(['`', '|', '\\'])
        || text.chars().any(crate::diag::is_hidden_control)
        || text.is_empty()
    {
        md_escape(text)
    } else {
        format!("`{text}`")
    }
}

/// Text from a form for Markdown (a table cell or a line): what a submitter wrote is shown as
/// text, never run as Markdown or HTML. Pipes and backslashes are escaped, `<`, `>` and `&` are
/// written as entities (no raw HTML, no `<javascript:…>` autolink), `[` and `]` are escaped (so
/// no `[text](javascript:…)` link and no `![](https://…)` remote image can form: both need a
/// bracket; parentheses and `!` stay readable), control characters are shown as visible escapes,
/// and line breaks become `<br>`. Every Markdown output (score, review, diff, report) uses this one.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            c if crate::diag::is_hidden_control(c) && c != '\t' => {
                for e in c.escape_unicode() {
                    if e == '\\' {
                        out.push('\\');
                    }
                    out.push(e);
                }
            }
            c => out.push(c),
        }
    }
    out
}
use crate::score::{Agreement, Claimed, Scale, Trace, agreement};
use rust_decimal::Decimal;

/// How a claimed figure compares with the computed one, for a table cell: `✓` where it is the
/// same number, `✓ 申报 99%` where it agrees only as printed (both figures shown), `✗ 申报 …` where
/// it differs. Rates and deviations (`percent`) are compared at the claim's printed precision.
pub fn check_mark(
    claimed: Option<&Claimed>,
    computed: Decimal,
    tolerance: Decimal,
    percent: bool,
) -> String {
    let Some(claimed) = claimed else {
        return String::new();
    };
    let scale = if percent {
        Scale::Percent
    } else {
        Scale::Points
    };
    match agreement(claimed, computed, scale, tolerance) {
        Agreement::Same => "✓".to_string(),
        Agreement::AsPrinted => format!("✓ 申报 {}", claimed.text),
        Agreement::Differs => format!("✗ 申报 {}", claimed.text),
    }
}

pub fn pct(fraction: Decimal) -> String {
    percent_text(fraction)
}

/// A trace as indented lines: rule, formula, inputs, result, with Chinese labels and the English
/// gloss, and the unrounded figure to a precision a person reads.
pub fn trace_lines(label: &str, trace: &Trace) -> Vec<String> {
    let mut lines = vec![format!("{label}: {}", trace.result)];
    lines.push(format!(
        "    规则 rule     {} ({})",
        trace.rule, trace.source
    ));
    lines.push(format!("    公式 formula  {}", trace.formula));
    if !trace.inputs.is_empty() {
        let inputs: Vec<String> = trace
            .inputs
            .iter()
            .map(|i| format!("{} = {}", i.name, i.value))
            .collect();
        lines.push(format!("    输入 inputs   {}", inputs.join(", ")));
    }
    let mut result = format!("    结果 result   {}", trace.result);
    if trace.raw != trace.result && !same_value(&trace.result, &trace.raw) {
        result.push_str(&format!(
            "（未取整 unrounded {}）",
            readable_raw(&trace.raw)
        ));
    }
    lines.push(result);
    for note in &trace.notes {
        lines.push(format!("    说明 note     {note}"));
    }
    lines
}

/// Decimal places of an unrounded figure shown to a person; the JSON output keeps every digit.
const RAW_PLACES: u32 = 6;

/// Whether the rounded result (`5.00`, `0.00%`) is the unrounded figure (`5`, `0`) written
/// another way: then rounding changed nothing, and the unrounded figure is not shown.
fn same_value(result: &str, raw: &str) -> bool {
    use rust_decimal::Decimal;
    let Ok(raw) = raw.parse::<Decimal>() else {
        return false;
    };
    let shown = match result.strip_suffix('%') {
        Some(percent) => percent
            .parse::<Decimal>()
            .ok()
            .and_then(|p| p.checked_div(Decimal::ONE_HUNDRED)),
        None => result.parse::<Decimal>().ok(),
    };
    shown == Some(raw)
}

/// `8.223333333333333333333333333` as `8.223333…`: enough to see how the rounding went.
fn readable_raw(raw: &str) -> String {
    match raw.parse::<rust_decimal::Decimal>() {
        Ok(value) if value.scale() > RAW_PLACES => {
            let shown = value.round_dp_with_strategy(
                RAW_PLACES,
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            );
            format!("{}…", shown.normalize())
        }
        _ => raw.to_string(),
    }
}

/// Prose lines longer than `width` folded at the width, each continuation indented like the line
/// it continues (plus two spaces), so that finding messages read in a narrow terminal. Lines
/// already within the width, tables included, are left as they are.
pub fn fold_lines(text: &str, width: u16) -> String {
    use unicode_width::UnicodeWidthChar;
    let width = usize::from(width.max(MIN_FIT_WIDTH));
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        if unicode_width::UnicodeWidthStr::width(body) <= width {
            out.push_str(line);
            continue;
        }
        let indent = body.len() - body.trim_start().len();
        let continuation = format!("{}  ", &body[..indent]);
        let mut used = 0;
        for c in body.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width {
                out.push('\n');
                out.push_str(&continuation);
                used = continuation.len();
            }
            out.push(c);
            used += w;
        }
        out.push_str(newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_the_width_with_a_hanging_indent() {
        let line = format!("  {}", "绩效".repeat(40));
        let folded = fold_lines(&format!("short\n{line}\n"), 60);
        let lines: Vec<&str> = folded.lines().collect();
        assert_eq!(lines[0], "short");
        assert!(lines.len() > 2);
        for l in &lines[1..] {
            assert!(unicode_width::UnicodeWidthStr::width(*l) <= 60, "{l}");
        }
        assert!(lines[2].starts_with("    "));
        assert_eq!(
            folded.replace("\n    ", "").replace("\n", ""),
            format!("short{line}")
        );
    }
}
