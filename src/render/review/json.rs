//! Review output as one JSON document, written form by form: the opening with the schema
//! version, one object per form, then the batch findings, errors and summary.

use super::summary::Summary;
use crate::diag::{Diagnostic, Severity};
use crate::review::batch::BatchFinding;
use crate::review::{Finding, FormReview};
use serde::Serialize;

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
        crate::render::schema::SCHEMA_VERSION
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
    crate::render::json::to_string(&form)
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
    json_closing_pieces(summary, input_errors, batch).collect()
}

/// [`json_closing_with_batch`] in pieces, one batch finding at a time, for writing as they come:
/// a run can raise thousands of batch findings, and the whole array as one string (beside
/// serde's buffer for the flattened finding) was the peak of a run's memory (issue 17).
pub fn json_closing_pieces<'a>(
    summary: &'a Summary,
    input_errors: &'a [Diagnostic],
    batch: &'a [BatchFinding],
) -> impl Iterator<Item = String> + 'a {
    let findings = batch.iter().map(|b| BatchFindingJson {
        form: &b.form,
        department: &b.department,
        unit: &b.unit,
        finding: &b.finding,
        family: b.finding.family(),
    });
    std::iter::once("\n],\n\"batch\": ".to_string())
        .chain(crate::render::json::array_pieces(findings))
        .chain(std::iter::once_with(move || {
            let errors: Vec<_> = input_errors.iter().map(Diagnostic::to_json).collect();
            format!(
                ",\n\"errors\": {},\n\"summary\": {}\n}}\n",
                crate::render::json::to_string(&errors),
                crate::render::json::to_string(summary)
            )
        }))
}
