//! Review output as text: each finding rustc-style, the forms, the batch findings and the
//! summary tables.

use super::summary::{SUMMARY_UNIT_LINES, Summary};
use super::{claimed_text, counts_text, severity_name};
use crate::diag::Diagnostic;
use crate::render::right;
use crate::review::batch::BatchFinding;
use crate::review::{Finding, FormReview};
use crate::score::sheet::shown_grade;
use comfy_table::Cell;
use std::fmt::Write;

/// One finding, rustc-style: the headline, where, then the evidence.
pub fn finding_text(f: &Finding) -> String {
    crate::diag::visible_text(&finding_text_unescaped(f)).into_owned()
}

fn finding_text_unescaped(f: &Finding) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        severity_name(f.severity),
        f.code,
        f.message
    );
    let mut place = vec![f.location()];
    if !f.row.is_empty() {
        place.push(f.row.clone());
    }
    if !f.field.is_empty() {
        place.push(f.field.clone());
    }
    let _ = writeln!(out, "  --> {}", place.join(" · "));
    for e in &f.evidence {
        let _ = writeln!(out, "   = {}: {}", e.name, e.value);
    }
    out
}

/// The findings of one form, as text.
pub fn form_text(r: &FormReview) -> String {
    crate::diag::visible_text(&form_text_unescaped(r)).into_owned()
}

fn form_text_unescaped(r: &FormReview) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "== {} · {} · {}年度", r.name, r.kind, r.year);
    let _ = writeln!(
        out,
        "   {} · 评分规则 {} ({})",
        r.file, r.ruleset, r.ruleset_selection
    );
    let _ = writeln!(
        out,
        "   申报 (claimed) {} · 复核 (recomputed) {} {} · {}",
        claimed_text(r),
        r.total,
        shown_grade(&r.grade),
        counts_text(r)
    );
    if r.findings.is_empty() {
        let _ = writeln!(out, "\n   未发现问题 (no findings)");
    }
    for f in &r.findings {
        let _ = writeln!(out);
        out.push_str(&finding_text(f));
    }
    out
}

pub(super) fn summary_lines(summary: &Summary) -> String {
    format!(
        "{} 个表已复核 (forms reviewed), {} 个无法复核 (input errors), {} 个错误 (errors), {} 个警告 (warnings)",
        summary.reviewed, summary.input_errors, summary.errors, summary.warnings
    )
}

/// The end of a text review: forms with claimed and recomputed grades, the grade transitions,
/// findings per code, and the files that could not be reviewed.
pub fn text_summary(summary: &Summary, input_errors: &[Diagnostic]) -> String {
    text_summary_fit(summary, input_errors, None)
}

/// [`text_summary`] with its tables fitted to `width` terminal columns.
pub fn text_summary_fit(
    summary: &Summary,
    input_errors: &[Diagnostic],
    width: Option<u16>,
) -> String {
    crate::diag::visible_text(&text_summary_fit_unescaped(summary, input_errors, width))
        .into_owned()
}

fn text_summary_fit_unescaped(
    summary: &Summary,
    input_errors: &[Diagnostic],
    width: Option<u16>,
) -> String {
    let table = |header: &[&str]| crate::render::table_fit(header, width);
    let mut out = String::new();
    let _ = writeln!(out, "复核汇总 (review summary)");
    if !summary.forms.is_empty() {
        let mut t = table(&[
            "表 (form)",
            "文件 (file)",
            "申报 (claimed)",
            "复核 (recomputed)",
            "错误",
            "警告",
        ]);
        for f in &summary.forms {
            t.add_row(vec![
                Cell::new(&f.name),
                Cell::new(&f.file),
                Cell::new(&f.claimed),
                Cell::new(&f.recomputed),
                right(f.errors),
                right(f.warnings),
            ]);
        }
        let _ = writeln!(out, "{t}");
        if summary.forms_not_listed > 0 {
            let _ = writeln!(
                out,
                "…… 另有 {} 个表见上文 ({} more forms above)",
                summary.forms_not_listed, summary.forms_not_listed
            );
        }
    }
    if !summary.grades.is_empty() {
        let mut t = table(&[
            "申报等级 (claimed)",
            "复核等级 (recomputed)",
            "表数 (forms)",
        ]);
        for g in &summary.grades {
            t.add_row(vec![
                Cell::new(&g.claimed),
                Cell::new(shown_grade(&g.recomputed)),
                right(g.count),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if !summary.by_code.is_empty() {
        let mut t = table(&["代码 (code)", "严重度 (severity)", "数量 (count)"]);
        for c in &summary.by_code {
            t.add_row(vec![
                Cell::new(c.code),
                Cell::new(severity_name(c.severity)),
                right(c.count),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if !summary.units.is_empty() {
        let mut t = table(&[
            "单位 (unit)",
            "表数 (forms)",
            "申报均分 (claimed mean)",
            "复核均分 (recomputed mean)",
            "申报−复核 (inflation)",
            "错误",
            "警告",
        ]);
        for u in summary.units.iter().take(SUMMARY_UNIT_LINES) {
            t.add_row(vec![
                Cell::new(u.label()),
                right(u.forms),
                right(u.claimed_mean.as_deref().unwrap_or("—")),
                right(&u.recomputed_mean),
                right(&u.inflation),
                right(u.errors),
                right(u.warnings),
            ]);
        }
        let _ = writeln!(
            out,
            "按单位 (by unit), 按申报−复核排序 (ranked by claimed − recomputed)\n{t}"
        );
        if summary.units.len() > SUMMARY_UNIT_LINES {
            let more = summary.units.len() - SUMMARY_UNIT_LINES;
            let _ = writeln!(
                out,
                "…… 另有 {more} 个单位 ({more} more units; all in --format json)"
            );
        }
    }
    for d in input_errors {
        let _ = writeln!(out, "无法复核 (not reviewed): {}", d.headline());
    }
    let _ = writeln!(out, "{}", summary_lines(summary));
    out
}

/// The batch findings, as text, after the forms.
pub fn batch_text(findings: &[BatchFinding]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "== 跨表检查 (checks across the forms of the run) · {} 个发现 (findings)",
        findings.len()
    );
    if findings.is_empty() {
        let _ = writeln!(out, "\n   未发现问题 (no findings)");
    }
    for b in findings {
        let _ = writeln!(out);
        out.push_str(&finding_text(&b.finding));
        let _ = writeln!(out, "   = 表 (form): {}", b.form);
    }
    out.push('\n');
    out
}
