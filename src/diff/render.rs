//! A ruleset diff as a terminal table, JSON, CSV or Markdown. All four read the same [`Report`].

use super::{Change, FormDiff, RuleRef, Side, Status, Summary};
use crate::diag::Diagnostic;
use crate::render::csv::{CsvStyle, LineEnd};
use crate::render::{right, table};
use comfy_table::Cell;
use serde::Serialize;
use std::fmt::Write;

/// Everything a diff run found.
pub struct Report<'a> {
    pub from: &'a Side,
    pub to: &'a Side,
    pub diffs: &'a [FormDiff],
    pub summary: &'a Summary,
    /// Form files that could not be read at all.
    pub errors: &'a [Diagnostic],
}

/// `数量 (产出指标 / 数量指标, line 12)`
fn item_text(c: &Change) -> String {
    match (&c.level1, &c.level2, c.line) {
        (Some(l1), Some(l2), Some(line)) if !l2.is_empty() => {
            format!("{} ({l1} / {l2}, line {line})", c.item)
        }
        (Some(l1), _, Some(line)) => format!("{} ({l1}, line {line})", c.item),
        _ => c.item.clone(),
    }
}

/// The rules on either side; one line when they are the same rule.
fn rule_text(c: &Change) -> String {
    match (&c.from_rule, &c.to_rule) {
        (None, None) => String::new(),
        (Some(a), Some(b)) if a.rule == b.rule && a.formula == b.formula => {
            format!("  {} · {}", a.rule, a.formula)
        }
        (a, b) => {
            let side = |mark: &str, r: &Option<RuleRef>| match r {
                Some(r) => format!("{mark} {}", r.describe()),
                None => format!("{mark} —"),
            };
            format!("{}\n{}", side("-", a), side("+", b))
        }
    }
}

fn headline(d: &FormDiff) -> String {
    format!("{} · {} · {}年度 · {}", d.name, d.kind, d.year, d.file)
}

fn totals(d: &FormDiff) -> String {
    match (&d.from, &d.to) {
        (Some(a), Some(b)) if a.total == b.total && a.grade == b.grade => {
            format!("自评得分 {} {}", a.total, a.grade)
        }
        (Some(a), Some(b)) => format!(
            "自评得分 {} → {} ({}) · 等级 {} → {}",
            a.total,
            b.total,
            d.total_delta()
                .map(super::signed)
                .unwrap_or_else(|| "?".into()),
            a.grade,
            b.grade
        ),
        (Some(a), None) => format!("from: 自评得分 {} {}", a.total, a.grade),
        (None, Some(b)) => format!("to: 自评得分 {} {}", b.total, b.grade),
        (None, None) => String::new(),
    }
}

fn error_lines(errors: &[Diagnostic], limit: usize) -> Vec<String> {
    let mut lines: Vec<String> = errors.iter().take(limit).map(|e| e.headline()).collect();
    if errors.len() > limit {
        lines.push(format!("… and {} more", errors.len() - limit));
    }
    lines
}

pub fn table_text(report: &Report<'_>) -> String {
    crate::diag::visible_text(&table_text_unescaped(report)).into_owned()
}

fn table_text_unescaped(report: &Report<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "评分规则对比 (ruleset diff)");
    let _ = writeln!(out, "  from  {}", report.from.label());
    let _ = writeln!(out, "  to    {}", report.to.label());
    for d in report.diffs {
        let _ = writeln!(out);
        match d.status {
            Status::Unchanged => {
                let _ = writeln!(
                    out,
                    "= {} · {} · 无变化 (unchanged)",
                    headline(d),
                    totals(d)
                );
            }
            Status::Changed => {
                let _ = writeln!(out, "~ {}", headline(d));
                let _ = writeln!(out, "  {}", totals(d));
                let mut t = table(&["项目 (item)", "字段", "from", "to", "Δ", "规则 (rule)"]);
                for c in &d.changes {
                    t.add_row(vec![
                        Cell::new(item_text(c)),
                        Cell::new(c.field),
                        right(&c.from),
                        right(&c.to),
                        right(c.delta.as_deref().unwrap_or("")),
                        Cell::new(rule_text(c)),
                    ]);
                }
                let _ = writeln!(out, "{t}");
            }
            _ => {
                let _ = writeln!(out, "! {} · {}", headline(d), d.status.label());
                let shown = totals(d);
                if !shown.is_empty() {
                    let _ = writeln!(out, "  {shown}");
                }
                for (side, errors) in [("from", &d.from_errors), ("to", &d.to_errors)] {
                    for line in error_lines(errors, 5) {
                        let _ = writeln!(out, "  {side}: {line}");
                    }
                }
            }
        }
    }
    for line in error_lines(report.errors, usize::MAX) {
        let _ = writeln!(out, "\n! {line}");
    }
    let s = report.summary;
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", summary_line(s));
    let _ = writeln!(
        out,
        "等级变化 (grade transitions: rows from, columns to), {} 张表等级改变 (forms changed grade)",
        s.grade_changes
    );
    let mut header = vec!["from \\ to".to_string()];
    header.extend(s.grades.to_grades.iter().cloned());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut matrix = table(&header);
    for (grade, row) in s.grades.from_grades.iter().zip(&s.grades.counts) {
        let mut cells = vec![Cell::new(grade)];
        cells.extend(row.iter().map(|n| {
            right(if *n == 0 {
                String::new()
            } else {
                n.to_string()
            })
        }));
        matrix.add_row(cells);
    }
    let _ = writeln!(out, "{matrix}");
    if s.largest_moves.is_empty() {
        let _ = writeln!(out, "最大变动 (largest moves): 无 (no total moved)");
    } else {
        let _ = writeln!(out, "最大变动 (largest moves)");
        let mut t = table(&["Δ 自评得分", "from", "to", "等级", "表 (form)"]);
        for m in &s.largest_moves {
            t.add_row(vec![
                right(&m.delta),
                right(m.from_total),
                right(m.to_total),
                Cell::new(format!("{} → {}", m.from_grade, m.to_grade)),
                Cell::new(format!("{} · {}", m.name, m.file)),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    out
}

fn summary_line(s: &Summary) -> String {
    format!(
        "汇总 (summary): {} 张表 forms · {} 有变化 changed · {} 无变化 unchanged · {} 原规则下无法评分 fail under from · {} 新规则下无法评分 fail under to · {} 均无法评分 fail under both",
        s.forms, s.changed, s.unchanged, s.fails_under_from, s.fails_under_to, s.fails_under_both
    )
}

#[derive(Serialize)]
struct SideJson {
    ruleset: String,
    origin: String,
    title: String,
    years: String,
}

impl SideJson {
    fn of(side: &Side) -> SideJson {
        SideJson {
            ruleset: side.ruleset.label(),
            origin: side.origin.clone(),
            title: side.ruleset.title.clone(),
            years: side.ruleset.years.to_string(),
        }
    }
}

#[derive(Serialize)]
struct FormJson<'a> {
    #[serde(flatten)]
    diff: &'a FormDiff,
    from_errors: Vec<crate::diag::DiagnosticJson<'a>>,
    to_errors: Vec<crate::diag::DiagnosticJson<'a>>,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    /// `jixiao schema diff`.
    schema_version: u32,
    from: SideJson,
    to: SideJson,
    forms: Vec<FormJson<'a>>,
    summary: &'a Summary,
    errors: Vec<crate::diag::DiagnosticJson<'a>>,
}

pub fn json_text(report: &Report<'_>) -> String {
    let value = ReportJson {
        schema_version: crate::render::schema::SCHEMA_VERSION,
        from: SideJson::of(report.from),
        to: SideJson::of(report.to),
        forms: report
            .diffs
            .iter()
            .map(|d| FormJson {
                diff: d,
                from_errors: d.from_errors.iter().map(Diagnostic::to_json).collect(),
                to_errors: d.to_errors.iter().map(Diagnostic::to_json).collect(),
            })
            .collect(),
        summary: report.summary,
        errors: report.errors.iter().map(Diagnostic::to_json).collect(),
    };
    let mut text = crate::render::json::to_string(&value);
    text.push('\n');
    text
}

const CSV_HEADER: &[&str] = &[
    "file",
    "form",
    "kind",
    "status",
    "subject",
    "item",
    "level1",
    "level2",
    "line",
    "field",
    "from",
    "to",
    "delta",
    "from_rule",
    "from_source",
    "from_formula",
    "to_rule",
    "to_source",
    "to_formula",
];

/// One row per change; a form with no change (or that failed) gets one row of its own. Fields
/// that a spreadsheet would run as a formula are neutralised ([`crate::render::csv`]).
pub fn csv_text(report: &Report<'_>) -> String {
    csv_text_with(report, CsvStyle::Safe)
}

/// [`csv_text`] with the fields written as `style` says (`--csv-raw`: exactly as they are).
pub fn csv_text_with(report: &Report<'_>, style: CsvStyle) -> String {
    let mut out = String::new();
    let mut row = |fields: Vec<String>| {
        out.push_str(&crate::render::csv::row(
            fields.iter().map(String::as_str),
            style,
            LineEnd::CrLf,
        ));
    };
    row(CSV_HEADER.iter().map(|s| s.to_string()).collect());
    let status_text = |s: Status| {
        serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let rule_fields = |r: &Option<RuleRef>| match r {
        Some(r) => vec![r.rule.clone(), r.source.clone(), r.formula.clone()],
        None => vec![String::new(), String::new(), String::new()],
    };
    for d in report.diffs {
        let lead = vec![
            d.file.clone(),
            d.name.clone(),
            d.kind.name().to_string(),
            status_text(d.status),
        ];
        if d.changes.is_empty() {
            let total = |f: &Option<super::Figures>, errors: &[Diagnostic]| match f {
                Some(f) => f.total.to_string(),
                None => errors
                    .first()
                    .map(|e| format!("error: {}", e.headline()))
                    .unwrap_or_default(),
            };
            let mut fields = lead.clone();
            fields.extend([
                "total".into(),
                "自评得分".into(),
                String::new(),
                String::new(),
                String::new(),
                "得分".into(),
                total(&d.from, &d.from_errors),
                total(&d.to, &d.to_errors),
                String::new(),
            ]);
            fields.extend(rule_fields(&None));
            fields.extend(rule_fields(&None));
            row(fields);
            continue;
        }
        for c in &d.changes {
            let mut fields = lead.clone();
            let subject = serde_json::to_value(c.subject)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            fields.extend([
                subject,
                c.item.clone(),
                c.level1.clone().unwrap_or_default(),
                c.level2.clone().unwrap_or_default(),
                c.line.map(|l| l.to_string()).unwrap_or_default(),
                c.field.to_string(),
                c.from.clone(),
                c.to.clone(),
                c.delta.clone().unwrap_or_default(),
            ]);
            fields.extend(rule_fields(&c.from_rule));
            fields.extend(rule_fields(&c.to_rule));
            row(fields);
        }
    }
    out
}

fn md(text: &str) -> String {
    crate::render::md_escape(text)
}

fn code(text: &str) -> String {
    crate::render::md_code(text)
}

pub fn markdown_text(report: &Report<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# 评分规则对比 (ruleset diff)\n");
    let _ = writeln!(out, "- from: {}", code(&report.from.label()));
    let _ = writeln!(out, "- to: {}\n", code(&report.to.label()));
    for d in report.diffs.iter().filter(|d| d.status == Status::Changed) {
        let _ = writeln!(out, "## {} ({}, {}年度)\n", md(&d.name), d.kind, d.year);
        let _ = writeln!(out, "{} · {}\n", code(&d.file), md(&totals(d)));
        let _ = writeln!(
            out,
            "| 项目 (item) | 字段 | from | to | Δ | 规则 from | 规则 to |\n|---|---|---:|---:|---:|---|---|"
        );
        for c in &d.changes {
            let rule =
                |r: &Option<RuleRef>| r.as_ref().map(|r| md(&r.describe())).unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md(&item_text(c)),
                c.field,
                md(&c.from),
                md(&c.to),
                c.delta.as_deref().unwrap_or(""),
                rule(&c.from_rule),
                rule(&c.to_rule)
            );
        }
        let _ = writeln!(out);
    }
    let failed: Vec<&FormDiff> = report
        .diffs
        .iter()
        .filter(|d| !matches!(d.status, Status::Changed | Status::Unchanged))
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "## 无法评分 (could not be scored)\n");
        for d in failed {
            let _ = writeln!(
                out,
                "- {} {}: {}",
                code(&d.file),
                md(&d.name),
                d.status.label()
            );
            for (side, errors) in [("from", &d.from_errors), ("to", &d.to_errors)] {
                for line in error_lines(errors, 5) {
                    let _ = writeln!(out, "  - {side}: {}", md(&line));
                }
            }
        }
        let _ = writeln!(out);
    }
    let unchanged: Vec<&FormDiff> = report
        .diffs
        .iter()
        .filter(|d| d.status == Status::Unchanged)
        .collect();
    if !unchanged.is_empty() {
        let _ = writeln!(out, "## 无变化 (unchanged)\n");
        for d in unchanged {
            let _ = writeln!(
                out,
                "- {} {} · {}",
                code(&d.file),
                md(&d.name),
                md(&totals(d))
            );
        }
        let _ = writeln!(out);
    }
    for line in error_lines(report.errors, usize::MAX) {
        let _ = writeln!(out, "- error: {}", md(&line));
    }
    let s = report.summary;
    let _ = writeln!(out, "## 汇总 (summary)\n");
    let _ = writeln!(out, "{}\n", summary_line(s));
    let _ = writeln!(
        out,
        "等级变化 (grade transitions: rows from, columns to):\n"
    );
    let _ = writeln!(out, "| from \\ to | {} |", s.grades.to_grades.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(s.grades.to_grades.len()));
    for (grade, row) in s.grades.from_grades.iter().zip(&s.grades.counts) {
        let cells: Vec<String> = row.iter().map(|n| n.to_string()).collect();
        let _ = writeln!(out, "| {grade} | {} |", cells.join(" | "));
    }
    if !s.largest_moves.is_empty() {
        let _ = writeln!(out, "\n最大变动 (largest moves):\n");
        let _ = writeln!(
            out,
            "| Δ 自评得分 | from | to | 等级 | 表 (form) |\n|---:|---:|---:|---|---|"
        );
        for m in &s.largest_moves {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} → {} | {} {} |",
                m.delta,
                m.from_total,
                m.to_total,
                m.from_grade,
                m.to_grade,
                md(&m.name),
                code(&m.file)
            );
        }
    }
    out
}
