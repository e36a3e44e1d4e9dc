//! Review output as CSV: one row per finding, then the batch findings and the per-unit summary.

use super::summary::Summary;
use super::{csv_row, csv_row_with, severity_name};
use crate::render::csv::CsvStyle;
use crate::review::batch::BatchFinding;
use crate::review::{Finding, FormReview};

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
