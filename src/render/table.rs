//! The terminal table: every row of the form with the computed figures beside the claimed ones.

use super::{check_mark, pct, right, table_fit, trace_lines};
use crate::score::sheet::shown_grade;
use crate::score::{IndicatorKind, ScoreSheet, Status};
use comfy_table::Cell;
use std::fmt::Write;

/// The full table, never wrapped: what piped output, `--wide` and the snapshots get.
pub fn render(sheet: &ScoreSheet, explain: bool) -> String {
    render_fit(sheet, explain, None)
}

/// The table fitted to `width` terminal columns when given: long texts wrap inside their cells,
/// and each claimed-figure check joins the figure it checks (`10.00 ✓`) instead of a column of
/// its own.
pub fn render_fit(sheet: &ScoreSheet, explain: bool, width: Option<u16>) -> String {
    crate::diag::visible_text(&render_fit_unescaped(sheet, explain, width)).into_owned()
}

fn render_fit_unescaped(sheet: &ScoreSheet, explain: bool, width: Option<u16>) -> String {
    let mut out = String::new();
    write_heading(&mut out, sheet);
    write_budget(&mut out, sheet, width);
    write_sections(&mut out, sheet, width);
    write_indicators(&mut out, sheet, width);
    write_totals(&mut out, sheet);
    if explain {
        let _ = writeln!(out, "\n计算过程 (how each number was computed)");
        for line in explain_lines(sheet) {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// The form's name, title, year and kind, its file, and the ruleset that scored it.
fn write_heading(out: &mut String, sheet: &ScoreSheet) {
    let title = sheet.title.as_deref().unwrap_or(match sheet.kind {
        crate::rules::FormKind::Project => "项目支出绩效自评表",
        crate::rules::FormKind::Department => "部门整体支出绩效自评表",
    });
    let _ = writeln!(
        out,
        "{} · {} · {}年度 · {}",
        sheet.name, title, sheet.year, sheet.kind
    );
    let _ = writeln!(out, "  {}", sheet.file);
    let _ = writeln!(
        out,
        "  评分规则 {} ({})",
        sheet.ruleset, sheet.ruleset_selection
    );
}

/// The budget execution table: the rate and its score, then one row per funding source.
fn write_budget(out: &mut String, sheet: &ScoreSheet, width: Option<u16>) {
    let tol = sheet.tolerance;
    let e = &sheet.execution;
    let mut budget = table_fit(
        &["预算执行", "执行率", "核对", "分值", "得分", "核对"],
        width,
    );
    budget.add_row(vec![
        Cell::new(format!("执行数 / {}", e.denominator)),
        right(pct(e.rate)),
        Cell::new(check_mark(e.claimed_rate.as_ref(), e.rate, tol, true)),
        right(e.weight),
        right(e.score),
        Cell::new(check_mark(e.claimed_score.as_ref(), e.score, tol, false)),
    ]);
    for s in &sheet.sources {
        budget.add_row(vec![
            Cell::new(format!("  {}", s.name)),
            right(s.rate.map(pct).unwrap_or_else(|| "—".into())),
            Cell::new(match (s.rate, &s.claimed_rate) {
                (Some(r), c) => check_mark(c.as_ref(), r, tol, true),
                (None, _) => String::new(),
            }),
            Cell::new("-"),
            Cell::new("-"),
            Cell::new(""),
        ]);
    }
    let _ = writeln!(out, "{budget}");
    if e.explanation_required && !e.has_explanation {
        let _ = writeln!(
            out,
            "  ! 执行率需说明偏差原因 (the rules ask for a reason for this execution rate)"
        );
    }
}

/// One table per scored section (the parts scored outside the indicator table), with its subtotal.
fn write_sections(out: &mut String, sheet: &ScoreSheet, width: Option<u16>) {
    let tol = sheet.tolerance;
    for section in &sheet.sections {
        let mut t = table_fit(&[section.name.as_str(), "分值", "得分", "核对"], width);
        for item in &section.items {
            t.add_row(vec![
                Cell::new(&item.name),
                right(item.weight),
                right(item.score),
                Cell::new(check_mark(item.claimed.as_ref(), item.score, tol, false)),
            ]);
        }
        t.add_row(vec![
            Cell::new("小计"),
            right(section.weight),
            right(section.score),
            Cell::new(""),
        ]);
        let _ = writeln!(out, "{t}");
    }
}

/// The indicator table's header; fitted to a width, the level names get little room and the
/// level-3 name and the values the most.
fn indicator_table(width: Option<u16>) -> comfy_table::Table {
    let compact = width.is_some();
    use crate::form::columns::{self as c, SCORED};
    let mut t = if compact {
        // A check shares its figure's column where room is short.
        let score = format!("{} {}", c::SCORE, c::CHECK);
        let deviation = format!("{} {}", c::DEVIATION, c::CHECK);
        let compact: [&str; 9] = [
            c::LEVEL1,
            c::LEVEL2,
            c::LEVEL3,
            c::TARGET,
            c::ACTUAL,
            c::WEIGHT,
            &score,
            &deviation,
            c::EXPLANATION_SHORT,
        ];
        table_fit(&compact, width)
    } else {
        table_fit(&SCORED, width)
    };
    if compact {
        // The level names are short and repeat; the level-3 name and the values need the room.
        use comfy_table::ColumnConstraint::{LowerBoundary, UpperBoundary};
        use comfy_table::Width::Fixed;
        let constraints = [
            (0, UpperBoundary(Fixed(8))),
            (1, UpperBoundary(Fixed(8))),
            (2, LowerBoundary(Fixed(16))),
            (3, UpperBoundary(Fixed(12))),
            (4, UpperBoundary(Fixed(12))),
            (8, UpperBoundary(Fixed(6))),
        ];
        for (index, constraint) in constraints {
            if let Some(column) = t.column_mut(index) {
                column.set_constraint(constraint);
            }
        }
    }
    t
}

/// The indicator table: every level-3 row under its level-1 and level-2 names, then a subtotal
/// per level-1 indicator. Fitted to a width, each check joins the figure it checks.
fn write_indicators(out: &mut String, sheet: &ScoreSheet, width: Option<u16>) {
    let tol = sheet.tolerance;
    let compact = width.is_some();
    let mut t = indicator_table(width);
    for l1 in &sheet.level1 {
        let rows: Vec<_> = sheet
            .indicators
            .iter()
            .filter(|r| r.level1 == l1.name)
            .collect();
        let mut previous_level2 = "";
        for (i, r) in rows.iter().enumerate() {
            let level1 = if i == 0 { r.level1.as_str() } else { "" };
            let level2 = if r.level2 != previous_level2 {
                r.level2.as_str()
            } else {
                ""
            };
            previous_level2 = &r.level2;
            let reason = match (r.explanation_required, r.has_explanation) {
                (true, false) if compact => "需填写",
                (true, false) => "需填写 (required)",
                (true, true) => "已填写",
                (false, true) => "已填写",
                (false, false) => "",
            };
            let deviation = if r.kind == IndicatorKind::NotApplicable {
                "—".to_string()
            } else {
                pct(r.deviation)
            };
            let score = match r.status {
                Status::NotApplicable => "不适用".to_string(),
                _ => r.score.to_string(),
            };
            let score_check = check_mark(r.claimed_score.as_ref(), r.score, tol, false);
            let deviation_check = check_mark(r.claimed_deviation.as_ref(), r.deviation, tol, true);
            let mut cells = vec![
                Cell::new(level1),
                Cell::new(level2),
                Cell::new(&r.name),
                Cell::new(&r.target),
                Cell::new(&r.actual),
                right(r.weight),
            ];
            if compact {
                cells.push(right(joined(&score, &score_check)));
                cells.push(right(joined(&deviation, &deviation_check)));
            } else {
                cells.push(right(score));
                cells.push(Cell::new(score_check));
                cells.push(right(deviation));
                cells.push(Cell::new(deviation_check));
            }
            cells.push(Cell::new(reason));
            t.add_row(cells);
        }
        let weight = match l1.rule_weight {
            Some(w) if w != l1.weight => format!("{} (规则 {w})", l1.weight),
            _ => l1.weight.to_string(),
        };
        let mut cells = vec![
            Cell::new(""),
            Cell::new(format!("{} 小计", l1.name)),
            Cell::new(""),
            Cell::new(""),
            Cell::new(""),
            right(weight),
            right(l1.score),
        ];
        let blanks = if compact { 2 } else { 4 };
        cells.extend((0..blanks).map(|_| Cell::new("")));
        t.add_row(cells);
    }
    let _ = writeln!(out, "{t}");
}

/// The total and grade with their checks, the claimed figures that differ, and the structure
/// problems.
fn write_totals(out: &mut String, sheet: &ScoreSheet) {
    let tol = sheet.tolerance;
    let total_check = sheet
        .claimed_total
        .as_ref()
        .map(|c| check_mark(Some(c), sheet.total, tol, false))
        .unwrap_or_default();
    let grade_check = match &sheet.claimed_grade {
        _ if sheet.grade.is_empty() => String::new(),
        Some(g) if g.text.trim() == sheet.grade => "✓".to_string(),
        Some(g) => format!("✗ 申报 {}", g.text),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "自评得分 {} {total_check}   等级 {} {grade_check}",
        sheet.total,
        shown_grade(&sheet.grade)
    );
    let mismatches = sheet.mismatches();
    if mismatches.is_empty() {
        let _ = writeln!(out, "申报数与计算结果一致 (every claimed figure matches)");
    } else {
        let _ = writeln!(
            out,
            "{} 处申报数与计算结果不符 ({} claimed figure(s) differ):",
            mismatches.len(),
            mismatches.len()
        );
        for m in &mismatches {
            let _ = writeln!(
                out,
                "  {}: {} {}: 申报 {} / 计算 {}",
                m.place(),
                m.row,
                m.kind.field(),
                m.claimed,
                m.computed
            );
        }
    }
    for d in &sheet.structure {
        let _ = write!(out, "{d}");
    }
}

/// A figure and its check in one cell: `10.00 ✓`, `8.00 ✗ 申报 9`.
fn joined(figure: &str, check: &str) -> String {
    if check.is_empty() {
        figure.to_string()
    } else {
        format!("{figure} {check}")
    }
}

/// Every trace on the sheet, in form order.
pub fn explain_lines(sheet: &ScoreSheet) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(t) = &sheet.execution.rate_trace {
        lines.extend(trace_lines("执行率", t));
    }
    if let Some(t) = &sheet.execution.trace {
        lines.extend(trace_lines("执行率得分", t));
    }
    for section in &sheet.sections {
        for item in &section.items {
            let note = item
                .note
                .as_deref()
                .unwrap_or("the unit's score, within the weight");
            lines.push(format!(
                "{} / {}: {} ({note})",
                section.name, item.name, item.score
            ));
        }
    }
    for r in &sheet.indicators {
        match &r.score_trace {
            Some(t) => lines.extend(trace_lines(&format!("{} 得分", r.name), t)),
            None if r.status == Status::NotApplicable => {
                lines.push(format!("{}: 不适用 (not applicable)", r.name))
            }
            None => {}
        }
        if let Some(t) = &r.deviation_trace {
            lines.extend(trace_lines(&format!("{} 偏差度", r.name), t));
        }
    }
    if let Some(t) = &sheet.total_trace {
        lines.extend(trace_lines("自评得分", t));
    }
    lines
}
