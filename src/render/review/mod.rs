//! Review output: findings grouped by form, then a summary — as text, Markdown, CSV or JSON —
//! and the check catalogue (`--list-checks`).
//!
//! One file per output: `summary.rs` (the totals, built as forms stream past), `text.rs`,
//! `markdown.rs`, `csv.rs`, `json.rs`, and `catalogue.rs` (`--list-checks` in every format).

mod catalogue;
mod csv;
mod json;
mod markdown;
mod summary;
mod text;

pub use self::catalogue::{
    CATALOGUE_CSV_HEADER, CatalogueView, catalogue_csv, catalogue_json, catalogue_markdown,
    catalogue_text,
};
pub use self::csv::{CSV_HEADER, batch_csv, csv_header, csv_summary, form_csv, form_csv_with};
pub use self::json::{
    form_json, json_closing, json_closing_pieces, json_closing_with_batch, json_opening,
};
pub use self::markdown::{MARKDOWN_HEADING, batch_markdown, form_markdown, markdown_summary};
pub use self::summary::{CodeCount, FormLine, GradeCount, Summary, UnitLine};
pub use self::text::{batch_text, finding_text, form_text, text_summary, text_summary_fit};

use crate::diag::Severity;
use crate::render::csv::CsvStyle;
use crate::render::md_escape;
use crate::review::FormReview;

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
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

/// One CSV row, through the shared writer ([`super::csv`]): quoted where RFC 4180 needs it, and
/// with `style`, formulas neutralised.
fn csv_row_with(fields: &[&str], style: CsvStyle) -> String {
    super::csv::row(fields.iter().copied(), style, super::csv::LineEnd::Lf)
}

fn csv_row(fields: &[&str]) -> String {
    csv_row_with(fields, CsvStyle::Safe)
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
