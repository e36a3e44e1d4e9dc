//! Markdown: the same content as the table, for reports and issue trackers.

use super::{check_mark, md_code, md_escape, pct};
use crate::score::sheet::shown_grade;
use crate::score::{ScoreSheet, Status};
use std::fmt::Write;

pub fn render(sheet: &ScoreSheet, explain: bool) -> String {
    crate::diag::visible_text(&render_unescaped(sheet, explain)).into_owned()
}

fn render_unescaped(sheet: &ScoreSheet, explain: bool) -> String {
    let mut out = String::new();
    write_heading(&mut out, sheet);
    write_budget(&mut out, sheet);
    write_sections(&mut out, sheet);
    write_indicators(&mut out, sheet);
    write_mismatches(&mut out, sheet);
    if explain {
        write_explanation(&mut out, sheet);
    }
    out
}

/// The form's name, kind and year, its file, ruleset, total and grade.
fn write_heading(out: &mut String, sheet: &ScoreSheet) {
    let tol = sheet.tolerance;
    let _ = writeln!(
        out,
        "## {} ({}, {}年度)\n",
        md_escape(&sheet.name),
        sheet.kind,
        sheet.year
    );
    let _ = writeln!(out, "- 文件 (file): {}", md_code(&sheet.file));
    let _ = writeln!(
        out,
        "- 评分规则 (ruleset): {} ({})",
        md_code(&sheet.ruleset),
        md_escape(&sheet.ruleset_selection)
    );
    let _ = writeln!(
        out,
        "- 自评得分 (total): **{}** {}",
        sheet.total,
        sheet
            .claimed_total
            .as_ref()
            .map(|c| check_mark(Some(c), sheet.total, tol, false))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "- 等级 (grade): **{}**\n", shown_grade(&sheet.grade));
}

/// The budget execution table: the rate and its score, then one row per funding source.
fn write_budget(out: &mut String, sheet: &ScoreSheet) {
    let tol = sheet.tolerance;
    let e = &sheet.execution;
    let _ = writeln!(
        out,
        "| 预算执行 | 执行率 | 核对 | 分值 | 得分 | 核对 |\n|---|---:|---|---:|---:|---|"
    );
    let _ = writeln!(
        out,
        "| 执行数 / {} | {} | {} | {} | {} | {} |",
        e.denominator,
        pct(e.rate),
        check_mark(e.claimed_rate.as_ref(), e.rate, tol, true),
        e.weight,
        e.score,
        check_mark(e.claimed_score.as_ref(), e.score, tol, false)
    );
    for s in &sheet.sources {
        let rate = s.rate.map(pct).unwrap_or_else(|| "—".into());
        let check = s
            .rate
            .map(|r| check_mark(s.claimed_rate.as_ref(), r, tol, true))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {rate} | {check} | - | - | |",
            md_escape(&s.name)
        );
    }
    out.push('\n');
}

/// One table per scored section, with its subtotal.
fn write_sections(out: &mut String, sheet: &ScoreSheet) {
    let tol = sheet.tolerance;
    for section in &sheet.sections {
        let _ = writeln!(
            out,
            "| {} | 分值 | 得分 | 核对 |\n|---|---:|---:|---|",
            md_escape(&section.name)
        );
        for item in &section.items {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md_escape(&item.name),
                item.weight,
                item.score,
                check_mark(item.claimed.as_ref(), item.score, tol, false)
            );
        }
        let _ = writeln!(out, "| 小计 | {} | {} | |\n", section.weight, section.score);
    }
}

/// The indicator table, with a subtotal per level-1 indicator.
fn write_indicators(out: &mut String, sheet: &ScoreSheet) {
    let tol = sheet.tolerance;
    let _ = writeln!(
        out,
        "{}",
        crate::form::columns::markdown_header(&crate::form::columns::SCORED)
    );
    let _ = writeln!(out, "|---|---|---|---|---|---:|---:|---|---:|---|---|");
    for l1 in &sheet.level1 {
        for r in sheet.indicators.iter().filter(|r| r.level1 == l1.name) {
            let reason = match (r.explanation_required, r.has_explanation) {
                (true, false) => "需填写",
                (_, true) => "已填写",
                _ => "",
            };
            let score = if r.status == Status::NotApplicable {
                "不适用".to_string()
            } else {
                r.score.to_string()
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                md_escape(&r.level1),
                md_escape(&r.level2),
                md_escape(&r.name),
                md_escape(&r.target),
                md_escape(&r.actual),
                r.weight,
                score,
                check_mark(r.claimed_score.as_ref(), r.score, tol, false),
                pct(r.deviation),
                check_mark(r.claimed_deviation.as_ref(), r.deviation, tol, true),
                reason
            );
        }
        let _ = writeln!(
            out,
            "| **{} 小计** | | | | | {} | **{}** | | | | |",
            md_escape(&l1.name),
            l1.weight,
            l1.score
        );
    }
    out.push('\n');
}

/// The claimed figures that differ from the computed ones, and the structure problems.
fn write_mismatches(out: &mut String, sheet: &ScoreSheet) {
    let mismatches = sheet.mismatches();
    if !mismatches.is_empty() {
        let _ = writeln!(
            out,
            "**申报数与计算结果不符 (claimed figures that differ):**\n"
        );
        for m in &mismatches {
            let _ = writeln!(
                out,
                "- {}: {} {}: 申报 {} / 计算 {}",
                m.place(),
                md_escape(&m.row),
                m.kind.field(),
                m.claimed,
                m.computed
            );
        }
        out.push('\n');
    }
    for d in &sheet.structure {
        let _ = writeln!(out, "- ⚠ {}", md_escape(&d.headline()));
    }
}

/// How each number was computed, in a collapsed code block.
fn write_explanation(out: &mut String, sheet: &ScoreSheet) {
    let lines = super::table::explain_lines(sheet);
    // A fence longer than any run of backticks in the lines (which quote names from the
    // form), so that no line can close the code block and write Markdown or HTML.
    let longest = lines
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(
        out,
        "\n<details><summary>计算过程 (how each number was computed)</summary>\n\n{fence}text"
    );
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{fence}\n\n</details>\n");
}
