//! Review output: findings grouped by form, then a summary — as text, Markdown, CSV or JSON —
//! and the check catalogue (`--list-checks`).

use super::csv::CsvStyle;
use super::{md_code, md_escape, right};
use crate::diag::{Diagnostic, Severity};
use crate::review::batch::BatchFinding;
use crate::review::{CATALOGUE, Check, CheckSet, Finding, FormReview};
use crate::rules::ruleset::ReviewSettings;
use comfy_table::{Cell, ContentArrangement, Table, presets};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write;
use std::str::FromStr;

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Totals over a batch, built as forms stream past: memory stays flat however many forms there
/// are (the per-form lines are kept for small batches only).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Form files found.
    pub files: usize,
    pub reviewed: usize,
    /// Files that could not be read, parsed or scored.
    pub input_errors: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings per code, in catalogue order; codes with none are left out.
    pub by_code: Vec<CodeCount>,
    /// Claimed grade against recomputed grade, with how many forms each pair has.
    pub grades: Vec<GradeCount>,
    #[serde(skip)]
    code_counts: Vec<usize>,
    /// The first forms, one line each, for the text and Markdown summaries.
    #[serde(skip)]
    pub forms: Vec<FormLine>,
    #[serde(skip)]
    pub forms_not_listed: usize,
    /// Per unit (实施单位, else 主管部门): forms, mean totals, the inflation and the findings,
    /// ranked by inflation (claimed − recomputed, summed), largest first.
    pub units: Vec<UnitLine>,
    #[serde(skip)]
    unit_numbers: HashMap<(String, String), usize>,
}

/// One unit in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLine {
    pub department: String,
    pub unit: String,
    pub forms: usize,
    /// Mean claimed total over the forms that claim one.
    pub claimed_mean: Option<String>,
    pub recomputed_mean: String,
    /// Claimed − recomputed totals, summed over the forms that claim one.
    pub inflation: String,
    pub errors: usize,
    pub warnings: usize,
    #[serde(skip)]
    claimed_forms: usize,
    #[serde(skip)]
    claimed_sum: Decimal,
    #[serde(skip)]
    recomputed_sum: Decimal,
    #[serde(skip)]
    inflation_sum: Decimal,
}

impl UnitLine {
    fn new(department: &str, unit: &str) -> UnitLine {
        UnitLine {
            department: department.to_string(),
            unit: unit.to_string(),
            forms: 0,
            claimed_mean: None,
            recomputed_mean: String::new(),
            inflation: String::new(),
            errors: 0,
            warnings: 0,
            claimed_forms: 0,
            claimed_sum: Decimal::ZERO,
            recomputed_sum: Decimal::ZERO,
            inflation_sum: Decimal::ZERO,
        }
    }

    /// The unit as the tables show it.
    pub fn label(&self) -> String {
        match (self.department.as_str(), self.unit.as_str()) {
            ("", "") => "—".into(),
            (d, u) if d == u || d.is_empty() => u.to_string(),
            (d, u) => format!("{d} / {u}"),
        }
    }

    fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }
}

fn mean(sum: Decimal, n: usize) -> Option<String> {
    (n > 0)
        .then(|| sum.checked_div(Decimal::from(n)))
        .flatten()
        .map(|m| m.round_dp(2).to_string())
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeCount {
    pub code: &'static str,
    pub severity: Severity,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeCount {
    /// `—` where the form claims none.
    pub claimed: String,
    pub recomputed: String,
    pub count: usize,
}

/// One form in the summary table.
#[derive(Debug, Clone)]
pub struct FormLine {
    pub name: String,
    pub file: String,
    pub claimed: String,
    pub recomputed: String,
    pub errors: usize,
    pub warnings: usize,
}

/// Larger batches list their forms in the output above, not again in the summary.
const SUMMARY_FORM_LINES: usize = 100;

/// The text and Markdown summaries show the units with the largest inflation; JSON has them all.
const SUMMARY_UNIT_LINES: usize = 100;

impl Summary {
    pub fn new(files: usize) -> Summary {
        Summary {
            files,
            reviewed: 0,
            input_errors: 0,
            errors: 0,
            warnings: 0,
            by_code: Vec::new(),
            grades: Vec::new(),
            code_counts: vec![0; CATALOGUE.len()],
            forms: Vec::new(),
            forms_not_listed: 0,
            units: Vec::new(),
            unit_numbers: HashMap::new(),
        }
    }

    fn unit(&mut self, department: &str, unit: &str) -> Option<&mut UnitLine> {
        let key = (department.to_string(), unit.to_string());
        let n = match self.unit_numbers.get(&key) {
            Some(n) => *n,
            None => {
                self.units.push(UnitLine::new(department, unit));
                self.unit_numbers.insert(key, self.units.len() - 1);
                self.units.len() - 1
            }
        };
        self.units.get_mut(n)
    }

    fn count_finding(&mut self, f: &Finding) {
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if let Some(i) = CATALOGUE.iter().position(|c| c.code == f.code)
            && let Some(n) = self.code_counts.get_mut(i)
        {
            *n += 1;
        }
    }

    /// Count a finding of a batch check (its form was added already).
    pub fn add_batch(&mut self, b: &BatchFinding) {
        self.count_finding(&b.finding);
        if let Some(u) = self.unit(&b.department, &b.unit) {
            u.count(b.finding.severity);
        }
    }

    pub fn add(&mut self, r: &FormReview) {
        self.reviewed += 1;
        for f in &r.findings {
            self.count_finding(f);
        }
        let total = Decimal::from_str(&r.total).ok();
        let claimed_total = r
            .claimed_total
            .as_deref()
            .and_then(|c| Decimal::from_str(c.trim()).ok());
        let (department, unit) = (r.department_name().to_string(), r.unit_name().to_string());
        if let Some(u) = self.unit(&department, &unit) {
            u.forms += 1;
            for f in &r.findings {
                u.count(f.severity);
            }
            if let Some(total) = total {
                u.recomputed_sum = u
                    .recomputed_sum
                    .checked_add(total)
                    .unwrap_or(u.recomputed_sum);
                if let Some(claimed) = claimed_total {
                    u.claimed_forms += 1;
                    u.claimed_sum = u.claimed_sum.checked_add(claimed).unwrap_or(u.claimed_sum);
                    let gap = claimed.checked_sub(total).unwrap_or_default();
                    u.inflation_sum = u.inflation_sum.checked_add(gap).unwrap_or(u.inflation_sum);
                }
            }
        }
        let claimed = r.claimed_grade.clone().unwrap_or_else(|| "—".into());
        match self
            .grades
            .iter_mut()
            .find(|g| g.claimed == claimed && g.recomputed == r.grade)
        {
            Some(g) => g.count += 1,
            None => self.grades.push(GradeCount {
                claimed,
                recomputed: r.grade.clone(),
                count: 1,
            }),
        }
        if self.forms.len() < SUMMARY_FORM_LINES {
            self.forms.push(FormLine {
                name: r.name.clone(),
                file: r.file.clone(),
                claimed: claimed_text(r),
                recomputed: format!("{} {}", r.total, r.grade),
                errors: r.count(Severity::Error),
                warnings: r.count(Severity::Warning),
            });
        } else {
            self.forms_not_listed += 1;
        }
    }

    pub fn finish(mut self, input_errors: usize) -> Summary {
        self.input_errors = input_errors;
        self.by_code = CATALOGUE
            .iter()
            .zip(&self.code_counts)
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| CodeCount {
                code: c.code,
                severity: c.severity,
                count: *n,
            })
            .collect();
        self.grades
            .sort_by(|a, b| (&a.claimed, &a.recomputed).cmp(&(&b.claimed, &b.recomputed)));
        for u in &mut self.units {
            u.claimed_mean = mean(u.claimed_sum, u.claimed_forms);
            u.recomputed_mean = mean(u.recomputed_sum, u.forms).unwrap_or_default();
            u.inflation = u.inflation_sum.normalize().to_string();
        }
        self.units.sort_by(|a, b| {
            b.inflation_sum
                .cmp(&a.inflation_sum)
                .then_with(|| (&a.department, &a.unit).cmp(&(&b.department, &b.unit)))
        });
        self.unit_numbers.clear();
        self
    }

    /// Summarise a finished batch at once.
    pub fn of(files: usize, reviews: &[FormReview], input_errors: usize) -> Summary {
        let mut summary = Summary::new(files);
        for r in reviews {
            summary.add(r);
        }
        summary.finish(input_errors)
    }
}

fn claimed_text(r: &FormReview) -> String {
    match (&r.claimed_total, &r.claimed_grade) {
        (Some(t), Some(g)) => format!("{t} {g}"),
        (Some(t), None) => t.clone(),
        (None, Some(g)) => g.clone(),
        (None, None) => "—".into(),
    }
}

fn counts_text(r: &FormReview) -> String {
    format!(
        "{} 个错误 (errors), {} 个警告 (warnings)",
        r.count(Severity::Error),
        r.count(Severity::Warning)
    )
}

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
        r.grade,
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

fn summary_lines(summary: &Summary) -> String {
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
    let table = |header: &[&str]| super::table_fit(header, width);
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
                Cell::new(&g.recomputed),
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
        r.grade
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
                g.recomputed,
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

/// One CSV row, through the shared writer ([`super::csv`]): quoted where RFC 4180 needs it, and
/// with `style`, formulas neutralised.
fn csv_row_with(fields: &[&str], style: CsvStyle) -> String {
    super::csv::row(fields.iter().copied(), style, super::csv::LineEnd::Lf)
}

fn csv_row(fields: &[&str]) -> String {
    csv_row_with(fields, CsvStyle::Safe)
}

pub const CSV_HEADER: &[&str] = &[
    "file",
    "line",
    "form",
    "department",
    "unit",
    "severity",
    "code",
    "family",
    "row",
    "field",
    "message",
    "evidence",
];

/// The header row of the CSV output.
pub fn csv_header() -> String {
    csv_row(CSV_HEADER)
}

/// One row per finding of a form. Input errors are not findings: they go to stderr.
pub fn form_csv(r: &FormReview) -> String {
    form_csv_with(r, CsvStyle::Safe)
}

/// [`form_csv`] with the fields written as `style` says (`--csv-raw`: exactly as they are).
pub fn form_csv_with(r: &FormReview, style: CsvStyle) -> String {
    let mut out = String::new();
    for f in &r.findings {
        out.push_str(&finding_csv(
            f,
            &r.name,
            r.department_name(),
            r.unit_name(),
            style,
        ));
    }
    out
}

fn finding_csv(f: &Finding, form: &str, department: &str, unit: &str, style: CsvStyle) -> String {
    let line = f
        .place
        .clone()
        .or(f.line.map(|l| l.to_string()))
        .unwrap_or_default();
    let family = f.family().map(|x| x.name()).unwrap_or("");
    csv_row_with(
        &[
            &f.file,
            &line,
            form,
            department,
            unit,
            severity_name(f.severity),
            f.code,
            family,
            &f.row,
            &f.field,
            &f.message,
            &f.evidence_text(),
        ],
        style,
    )
}

/// The batch findings, one row each, after the forms' rows.
pub fn batch_csv(findings: &[BatchFinding]) -> String {
    findings
        .iter()
        .map(|b| finding_csv(&b.finding, &b.form, &b.department, &b.unit, CsvStyle::Safe))
        .collect()
}

/// The summary's per-unit table as CSV rows after the findings: severity and family `summary`,
/// code `unit-summary`, the figures in the message.
pub fn csv_summary(summary: &Summary) -> String {
    let mut out = String::new();
    for u in &summary.units {
        let message = format!(
            "forms {}; claimed mean {}; recomputed mean {}; inflation {}; errors {}; warnings {}",
            u.forms,
            u.claimed_mean.as_deref().unwrap_or("—"),
            u.recomputed_mean,
            u.inflation,
            u.errors,
            u.warnings
        );
        out.push_str(&csv_row(&[
            "",
            "",
            "",
            &u.department,
            &u.unit,
            "summary",
            "unit-summary",
            "summary",
            &u.label(),
            "",
            &message,
            "",
        ]));
    }
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

/// What the detailed findings are grouped by (`--group-by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    File,
    Unit,
    Department,
}

impl Grouping {
    /// The group a form falls in; `None` for `file` (forms stream in input order).
    pub fn key(self, r: &FormReview) -> Option<String> {
        match self {
            Grouping::File => None,
            Grouping::Unit => Some(r.unit_name().to_string()),
            Grouping::Department => Some(r.department_name().to_string()),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Grouping::File => "文件 (file)",
            Grouping::Unit => "单位 (unit)",
            Grouping::Department => "主管部门 (department)",
        }
    }

    /// The heading of a group in text output.
    pub fn heading_text(self, name: &str, forms: usize) -> String {
        let name = if name.is_empty() { "—" } else { name };
        format!("#### {}: {name} · {forms} 张表 (forms)\n\n", self.label())
    }

    /// The heading of a group in Markdown output.
    pub fn heading_markdown(self, name: &str, forms: usize) -> String {
        let name = if name.is_empty() { "—" } else { name };
        format!(
            "## {}: {} · {forms} 张表 (forms)\n\n",
            self.label(),
            md_escape(name)
        )
    }
}

#[derive(Serialize)]
struct FindingJson<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    family: Option<crate::review::Family>,
}

#[derive(Serialize)]
struct FormJson<'a> {
    file: &'a str,
    name: &'a str,
    kind: crate::rules::FormKind,
    year: i32,
    department: Option<&'a str>,
    unit: Option<&'a str>,
    ruleset: &'a str,
    ruleset_selection: &'a str,
    claimed: ClaimedJson<'a>,
    recomputed: RecomputedJson<'a>,
    errors: usize,
    warnings: usize,
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct ClaimedJson<'a> {
    total: Option<&'a str>,
    grade: Option<&'a str>,
}

#[derive(Serialize)]
struct RecomputedJson<'a> {
    total: &'a str,
    #[serde(serialize_with = "crate::score::sheet::empty_as_null")] // null: `grades none`
    grade: &'a str,
}

/// The start of the JSON document: its schema version (`jixiao schema review`), then the forms.
pub fn json_opening() -> String {
    format!(
        "{{\n\"schema_version\": {},\n\"forms\": [",
        super::schema::SCHEMA_VERSION
    )
}

/// One form as a JSON object, for the `forms` array.
pub fn form_json(r: &FormReview) -> String {
    let form = FormJson {
        file: &r.file,
        name: &r.name,
        kind: r.kind,
        year: r.year,
        department: r.department.as_deref(),
        unit: r.unit.as_deref(),
        ruleset: &r.ruleset,
        ruleset_selection: &r.ruleset_selection,
        claimed: ClaimedJson {
            total: r.claimed_total.as_deref(),
            grade: r.claimed_grade.as_deref(),
        },
        recomputed: RecomputedJson {
            total: &r.total,
            grade: &r.grade,
        },
        errors: r.count(Severity::Error),
        warnings: r.count(Severity::Warning),
        findings: r
            .findings
            .iter()
            .map(|f| FindingJson {
                finding: f,
                family: f.family(),
            })
            .collect(),
    };
    super::json::to_string(&form)
}

#[derive(Serialize)]
struct BatchFindingJson<'a> {
    form: &'a str,
    department: &'a str,
    unit: &'a str,
    #[serde(flatten)]
    finding: &'a Finding,
    family: Option<crate::review::Family>,
}

/// The end of the JSON document of a run without batch findings.
pub fn json_closing(summary: &Summary, input_errors: &[Diagnostic]) -> String {
    json_closing_with_batch(summary, input_errors, &[])
}

/// The end of the JSON document: `], "batch": [...], "errors": [...], "summary": {...}}`.
pub fn json_closing_with_batch(
    summary: &Summary,
    input_errors: &[Diagnostic],
    batch: &[BatchFinding],
) -> String {
    let errors: Vec<_> = input_errors.iter().map(Diagnostic::to_json).collect();
    let batch: Vec<BatchFindingJson> = batch
        .iter()
        .map(|b| BatchFindingJson {
            form: &b.form,
            department: &b.department,
            unit: &b.unit,
            finding: &b.finding,
            family: b.finding.family(),
        })
        .collect();
    format!(
        "\n],\n\"batch\": {},\n\"errors\": {},\n\"summary\": {}\n}}\n",
        super::json::to_string(&batch),
        super::json::to_string(&errors),
        super::json::to_string(summary)
    )
}

/// What `--list-checks` shows: the selected checks, with thresholds from a ruleset or the defaults.
pub struct CatalogueView<'a> {
    pub settings: &'a ReviewSettings,
    /// `henan-2023@1`, or `None` for the built-in defaults.
    pub ruleset: Option<String>,
    pub selected: &'a CheckSet,
}

impl CatalogueView<'_> {
    fn checks(&self) -> impl Iterator<Item = &'static Check> + '_ {
        CATALOGUE.iter().filter(|c| self.selected.contains(c.code))
    }

    fn note(&self) -> String {
        match &self.ruleset {
            Some(label) => format!("阈值取自评分规则 {label} 的 review 块 (thresholds from the review block of {label})"),
            None => "阈值为默认值；评分规则的 review 块可以修改 (thresholds are the defaults; a ruleset's review block may change them — see --rules)".into(),
        }
    }
}

/// The catalogue as a table: code, severity, family, threshold, what it checks.
pub fn catalogue_text(source: &CatalogueView) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::DynamicFullWidth)
        .set_width(160)
        .set_header(
            [
                "代码 (code)",
                "严重度 (severity)",
                "类别 (family)",
                "阈值 (threshold)",
                "检查内容 (what it checks)",
            ]
            .iter()
            .map(Cell::new),
        );
    for c in source.checks() {
        t.add_row(vec![
            Cell::new(c.code),
            Cell::new(severity_name(c.severity)),
            Cell::new(c.family.name()),
            Cell::new(c.describe_settings(source.settings)),
            Cell::new(format!("{}\n{}", c.title, c.checks)),
        ]);
    }
    format!("{t}\n{}\n", source.note())
}

pub fn catalogue_markdown(source: &CatalogueView) -> String {
    let mut out = String::from(
        "| 代码 (code) | 严重度 (severity) | 类别 (family) | 阈值 (threshold) | 检查内容 (what it checks) |\n|---|---|---|---|---|\n",
    );
    for c in source.checks() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {}<br>{} |",
            c.code,
            severity_name(c.severity),
            c.family.name(),
            c.describe_settings(source.settings),
            md_escape(c.title),
            md_escape(c.checks)
        );
    }
    let _ = writeln!(out, "\n{}", source.note());
    out
}

pub const CATALOGUE_CSV_HEADER: &[&str] = &[
    "code",
    "severity",
    "family",
    "threshold_key",
    "threshold",
    "title",
    "checks",
];

pub fn catalogue_csv(source: &CatalogueView) -> String {
    let mut out = csv_row(CATALOGUE_CSV_HEADER);
    for c in source.checks() {
        let keys: Vec<&str> = c.settings.iter().map(|s| s.key).collect();
        let values: Vec<String> = c
            .settings
            .iter()
            .map(|s| s.value_text(s.value(source.settings)))
            .collect();
        let (key, value) = (keys.join(" "), values.join(" "));
        out.push_str(&csv_row(&[
            c.code,
            severity_name(c.severity),
            c.family.name(),
            &key,
            &value,
            c.title,
            c.checks,
        ]));
    }
    out
}

#[derive(Serialize)]
struct CheckJson<'a> {
    code: &'a str,
    severity: Severity,
    family: crate::review::Family,
    title: &'a str,
    checks: &'a str,
    /// `form`: runs on each form; `batch`: once over every form of the run.
    scope: &'static str,
    settings: Vec<SettingJson>,
    supersedes: &'a [&'a str],
    details: &'a str,
}

#[derive(Serialize)]
struct SettingJson {
    key: &'static str,
    value: String,
    default: String,
    range: String,
}

fn check_json<'a>(c: &'a Check, settings: &ReviewSettings) -> CheckJson<'a> {
    CheckJson {
        code: c.code,
        severity: c.severity,
        family: c.family,
        title: c.title,
        checks: c.checks,
        scope: if c.is_batch() { "batch" } else { "form" },
        settings: c
            .settings
            .iter()
            .map(|s| SettingJson {
                key: s.key,
                value: s.value_text(s.value(settings)),
                default: s.value_text(s.default_value()),
                range: s.range_text(),
            })
            .collect(),
        supersedes: c.supersedes,
        details: c.details,
    }
}

#[derive(Serialize)]
struct CatalogueJson<'a> {
    /// The ruleset the thresholds come from; `null` for the defaults.
    ruleset: Option<&'a str>,
    checks: Vec<CheckJson<'a>>,
}

pub fn catalogue_json(source: &CatalogueView) -> String {
    let checks: Vec<CheckJson> = source
        .checks()
        .map(|c| check_json(c, source.settings))
        .collect();
    let mut text = super::json::to_string(&CatalogueJson {
        ruleset: source.ruleset.as_deref(),
        checks,
    });
    text.push('\n');
    text
}
