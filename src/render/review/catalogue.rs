//! The check catalogue (`--list-checks`) as a table, Markdown, CSV or JSON, with the thresholds
//! from a ruleset or the defaults.

use super::{csv_row, severity_name};
use crate::diag::Severity;
use crate::render::md_escape;
use crate::review::{CATALOGUE, Check, CheckSet};
use crate::rules::ruleset::ReviewSettings;
use comfy_table::{Cell, ContentArrangement, Table, presets};
use serde::Serialize;
use std::fmt::Write;

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
    let mut text = crate::render::json::to_string(&CatalogueJson {
        ruleset: source.ruleset.as_deref(),
        checks,
    });
    text.push('\n');
    text
}
