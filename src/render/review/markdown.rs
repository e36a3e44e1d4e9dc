//! Review output as Markdown: each form's findings, the batch findings and the summary.

use super::summary::{SUMMARY_UNIT_LINES, Summary};
use super::text::summary_lines;
use super::{claimed_text, counts_text, severity_name};
use crate::diag::Diagnostic;
use crate::render::{md_code, md_escape};
use crate::review::FormReview;
use crate::review::batch::BatchFinding;
use crate::score::sheet::shown_grade;
use std::fmt::Write;

pub const MARKDOWN_HEADING: &str = "# 复核结果 (review)\n\n";

/// One form's findings in Markdown.
pub fn form_markdown(r: &FormReview) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## {} ({}, {}年度)\n",
        md_escape(&r.name),
        r.kind,
        r.year
    );
    let _ = writeln!(out, "- 文件 (file): {}", md_code(&r.file));
    let _ = writeln!(
        out,
        "- 评分规则 (ruleset): {} ({})",
        md_code(&r.ruleset),
        md_escape(&r.ruleset_selection)
    );
    let _ = writeln!(
        out,
        "- 申报 (claimed): {} · 复核 (recomputed): {} {}",
        claimed_text(r),
        r.total,
        shown_grade(&r.grade)
    );
    let _ = writeln!(out, "- {}\n", counts_text(r));
    if r.findings.is_empty() {
        let _ = writeln!(out, "未发现问题 (no findings)\n");
        return out;
    }
    let _ = writeln!(
        out,
        "| 严重度 | 代码 | 行 | 指标 (row) | 栏目 (field) | 说明 (message) | 证据 (evidence) |\n|---|---|---:|---|---|---|---|"
    );
    for f in &r.findings {
        let evidence: Vec<String> = f
            .evidence
            .iter()
            .map(|e| format!("{}: {}", md_escape(&e.name), md_escape(&e.value)))
            .collect();
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | {} |",
            severity_name(f.severity),
            f.code,
            f.place
                .clone()
                .or(f.line.map(|l| l.to_string()))
                .unwrap_or_default(),
            md_escape(&f.row),
            md_escape(&f.field),
            md_escape(&f.message),
            evidence.join("<br>")
        );
    }
    out.push('\n');
    out
}

/// The end of a Markdown review: the same summary as [`text_summary`].
pub fn markdown_summary(summary: &Summary, input_errors: &[Diagnostic]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## 复核汇总 (summary)\n");
    if !summary.forms.is_empty() {
        let _ = writeln!(
            out,
            "| 表 (form) | 文件 (file) | 申报 (claimed) | 复核 (recomputed) | 错误 | 警告 |\n|---|---|---|---|---:|---:|"
        );
        for f in &summary.forms {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                md_escape(&f.name),
                md_code(&f.file),
                md_escape(&f.claimed),
                f.recomputed,
                f.errors,
                f.warnings
            );
        }
        out.push('\n');
        if summary.forms_not_listed > 0 {
            let _ = writeln!(
                out,
                "…… 另有 {} 个表见上文 ({} more forms above)\n",
                summary.forms_not_listed, summary.forms_not_listed
            );
        }
    }
    if !summary.grades.is_empty() {
        let _ = writeln!(
            out,
            "| 申报等级 (claimed) | 复核等级 (recomputed) | 表数 (forms) |\n|---|---|---:|"
        );
        for g in &summary.grades {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md_escape(&g.claimed),
                shown_grade(&g.recomputed),
                g.count
            );
        }
        out.push('\n');
    }
    if !summary.by_code.is_empty() {
        let _ = writeln!(
            out,
            "| 代码 (code) | 严重度 (severity) | 数量 (count) |\n|---|---|---:|"
        );
        for c in &summary.by_code {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                c.code,
                severity_name(c.severity),
                c.count
            );
        }
        out.push('\n');
    }
    if !summary.units.is_empty() {
        let _ = writeln!(
            out,
            "按单位 (by unit), 按申报−复核排序 (ranked by claimed − recomputed)\n\n| 单位 (unit) | 表数 (forms) | 申报均分 (claimed mean) | 复核均分 (recomputed mean) | 申报−复核 (inflation) | 错误 | 警告 |\n|---|---:|---:|---:|---:|---:|---:|"
        );
        for u in summary.units.iter().take(SUMMARY_UNIT_LINES) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md_escape(&u.label()),
                u.forms,
                u.claimed_mean.as_deref().unwrap_or("—"),
                u.recomputed_mean,
                u.inflation,
                u.errors,
                u.warnings
            );
        }
        out.push('\n');
        if summary.units.len() > SUMMARY_UNIT_LINES {
            let more = summary.units.len() - SUMMARY_UNIT_LINES;
            let _ = writeln!(
                out,
                "…… 另有 {more} 个单位 ({more} more units; all in --format json)\n"
            );
        }
    }
    for d in input_errors {
        let _ = writeln!(
            out,
            "- 无法复核 (not reviewed): {}",
            md_escape(&d.headline())
        );
    }
    let _ = writeln!(out, "{}", summary_lines(summary));
    out
}

/// The batch findings, as Markdown, after the forms.
pub fn batch_markdown(findings: &[BatchFinding]) -> String {
    let mut out = String::from("## 跨表检查 (checks across the forms of the run)\n\n");
    if findings.is_empty() {
        out.push_str("未发现问题 (no findings)\n\n");
        return out;
    }
    out.push_str("| 严重度 | 代码 | 表 (form) | 单位 (unit) | 位置 (place) | 指标 (row) | 说明 (message) | 证据 (evidence) |\n|---|---|---|---|---|---|---|---|\n");
    for b in findings {
        let f = &b.finding;
        let evidence: Vec<String> = f
            .evidence
            .iter()
            .map(|e| format!("{}: {}", md_escape(&e.name), md_escape(&e.value)))
            .collect();
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | `{}` | {} | {} | {} |",
            severity_name(f.severity),
            f.code,
            md_escape(&b.form),
            md_escape(&b.unit),
            f.location(),
            md_escape(&f.row),
            md_escape(&f.message),
            evidence.join("<br>")
        );
    }
    out.push('\n');
    out
}
