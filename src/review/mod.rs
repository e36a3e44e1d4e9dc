//! Review (复核): re-score a submitted form and raise findings a finance bureau acts on.
//!
//! A review reads the form, the ruleset and the engine's [`ScoreSheet`] and returns
//! [`Finding`]s, each from one check of the [`CATALOGUE`]:
//! - [`claimed`]: every claimed figure against the rules' figure (error severity);
//! - [`consistency`]: what the form contradicts by itself or against its template (error);
//! - [`plausibility`]: what needs a human look — copied values, vacuous targets, costs above the
//!   spend (warning).
//!
//! The catalogue is a data table: `jixiao review --list-checks`, `--only`/`--skip` and
//! `docs/review-checks.md` all read it. Thresholds come from the ruleset's `review` block
//! ([`ReviewSettings`]).
//!
//! Reviewing one form is a pure function of its inputs, so a batch can run forms in any order or
//! in parallel and sort afterwards.

pub mod batch;
pub mod claimed;
pub mod consistency;
pub mod design;
mod parts;
pub mod plausibility;
pub mod similarity;

pub use crate::diag::Severity;

use crate::form::{Form, Indicator, Span};
use crate::rules::ruleset::{ReviewSettings, RuleSet};
use crate::score::{IndicatorScore, Mismatch, ScoreSheet};
use rust_decimal::Decimal;
use serde::Serialize;

/// The three families of checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Claimed figures against the rules' figures.
    Claimed,
    /// What the form contradicts by itself, or against its template.
    Consistency,
    /// What needs a human look.
    Plausibility,
    /// How the indicators are set: defects a re-check team (自评复核) scores 0.
    Design,
    /// Across the forms of a run: units, copies, duplicates.
    Batch,
}

impl Family {
    pub const ALL: [Family; 5] = [
        Family::Claimed,
        Family::Consistency,
        Family::Plausibility,
        Family::Design,
        Family::Batch,
    ];

    /// The name `--only`/`--skip` accept.
    pub fn name(self) -> &'static str {
        match self {
            Family::Claimed => "claimed",
            Family::Consistency => "consistency",
            Family::Plausibility => "plausibility",
            Family::Design => "design",
            Family::Batch => "batch",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Family::Claimed => "申报与复核 (claimed against computed)",
            Family::Consistency => "一致性 (consistency)",
            Family::Plausibility => "合理性 (plausibility)",
            Family::Design => "指标设置 (indicator design)",
            Family::Batch => "跨表 (across the forms of a run)",
        }
    }
}

mod catalogue;
mod settings;

pub(crate) use catalogue::catalogue_index;
pub use catalogue::*;
pub use settings::{SETTINGS, Setting, SettingKind, setting, setting_named};

/// One number or text a finding rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// What it is: `全年执行数`, `申报 (claimed)`, `公式 (formula)` …
    pub name: String,
    /// As written on the form or computed, keeping the scale (`92.61万元`, `45.18%`, `8.22`).
    pub value: String,
}

/// One problem on one form, at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub file: String,
    /// 1-based line in the form file; `None` for the form as a whole.
    pub line: Option<usize>,
    /// For a form read from a workbook: the cell behind the line (`s.xlsx:Sheet1!D14`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The row: an indicator's name, a section item, `执行率`, `总分`, `年度总体目标` …
    pub row: String,
    /// The column: `得分`, `实际完成值`, `年度指标值`, `偏差度` …
    pub field: String,
    /// Chinese, with an English gloss in parentheses.
    pub message: String,
    pub evidence: Vec<Evidence>,
}

impl Finding {
    pub fn new(
        check: &Check,
        file: &str,
        line: Option<usize>,
        row: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code: check.code,
            severity: check.severity,
            file: file.to_string(),
            line,
            place: None,
            row: row.into(),
            field: field.into(),
            message: message.into(),
            evidence: Vec::new(),
        }
    }

    /// Add one piece of evidence.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Finding {
        self.evidence.push(Evidence {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    pub fn check(&self) -> Option<&'static Check> {
        check(self.code)
    }

    pub fn family(&self) -> Option<Family> {
        self.check().map(|c| c.family)
    }

    /// `file:line` (or the cell, for a workbook), or the file alone.
    pub fn location(&self) -> String {
        match (&self.place, self.line) {
            (Some(place), _) => place.clone(),
            (None, Some(line)) => format!("{}:{line}", self.file),
            (None, None) => self.file.clone(),
        }
    }

    /// The evidence on one line: `name: value; name: value`.
    pub fn evidence_text(&self) -> String {
        self.evidence
            .iter()
            .map(|e| format!("{}: {}", e.name, e.value))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Which checks run: all by default, narrowed by `--only` and `--skip`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSet {
    enabled: Vec<&'static str>,
    /// The same, by catalogue position: what the review loop tests for every check of every form.
    chosen: Vec<bool>,
    /// Whether a form's batch keys keep the text of each distinctive row (see
    /// [`CheckSet::row_texts_read_again`]).
    row_texts: bool,
}

impl Default for CheckSet {
    fn default() -> Self {
        CheckSet::all()
    }
}

impl CheckSet {
    pub fn all() -> CheckSet {
        CheckSet {
            enabled: CATALOGUE.iter().map(|c| c.code).collect(),
            chosen: vec![true; CATALOGUE.len()],
            row_texts: true,
        }
    }

    /// `only` (empty: every check) minus `skip`. A selector is a check code, a family
    /// (`claimed`, `consistency`, `plausibility`) or a severity (`error`, `warning`).
    pub fn select(only: &[String], skip: &[String]) -> Result<CheckSet, String> {
        let mut enabled: Vec<&'static str> = if only.is_empty() {
            CATALOGUE.iter().map(|c| c.code).collect()
        } else {
            let mut chosen = Vec::new();
            for selector in only {
                for code in resolve_selector(selector)? {
                    if !chosen.contains(&code) {
                        chosen.push(code);
                    }
                }
            }
            chosen
        };
        for selector in skip {
            let skipped = resolve_selector(selector)?;
            enabled.retain(|c| !skipped.contains(c));
        }
        enabled.sort_by_key(|c| catalogue_index(c));
        let chosen = CATALOGUE
            .iter()
            .map(|c| enabled.contains(&c.code))
            .collect();
        Ok(CheckSet {
            enabled,
            chosen,
            row_texts: true,
        })
    }

    /// The same checks, for a run whose batch index reads the forms its findings name again
    /// from their files (`jixiao review`): the keys of each form then leave out the row texts,
    /// which only those few forms need, and no worker formats them.
    pub fn row_texts_read_again(mut self) -> CheckSet {
        self.row_texts = false;
        self
    }

    /// Only the chosen batch checks, for reading a named form's keys again: its per-form checks
    /// ran the first time, and its findings are already out.
    pub fn batch_only(&self) -> CheckSet {
        let chosen: Vec<bool> = CATALOGUE
            .iter()
            .zip(&self.chosen)
            .map(|(c, on)| *on && c.is_batch())
            .collect();
        let enabled = self
            .enabled
            .iter()
            .copied()
            .filter(|code| check(code).is_some_and(Check::is_batch))
            .collect();
        CheckSet {
            enabled,
            chosen,
            row_texts: true,
        }
    }

    pub fn contains(&self, code: &str) -> bool {
        self.enabled.contains(&code)
    }

    pub fn codes(&self) -> &[&'static str] {
        &self.enabled
    }

    /// Whether a batch check is among the chosen.
    pub fn has_batch(&self) -> bool {
        CATALOGUE
            .iter()
            .zip(&self.chosen)
            .any(|(c, on)| *on && c.is_batch())
    }

    /// The chosen checks, in catalogue order.
    pub fn checks(&self) -> impl Iterator<Item = &'static Check> + '_ {
        CATALOGUE
            .iter()
            .zip(&self.chosen)
            .filter(|(_, on)| **on)
            .map(|(c, _)| c)
    }
}

fn resolve_selector(selector: &str) -> Result<Vec<&'static str>, String> {
    let selector = selector.trim();
    if let Some(check) = check(selector) {
        return Ok(vec![check.code]);
    }
    if let Some(family) = Family::ALL.iter().find(|f| f.name() == selector) {
        return Ok(CATALOGUE
            .iter()
            .filter(|c| c.family == *family)
            .map(|c| c.code)
            .collect());
    }
    let severity = match selector {
        "error" | "errors" => Some(Severity::Error),
        "warning" | "warnings" => Some(Severity::Warning),
        _ => None,
    };
    if let Some(severity) = severity {
        return Ok(CATALOGUE
            .iter()
            .filter(|c| c.severity == severity)
            .map(|c| c.code)
            .collect());
    }
    let codes: Vec<&str> = CATALOGUE.iter().map(|c| c.code).collect();
    Err(format!(
        "未知的检查 `{selector}` (unknown check `{selector}`): expected a code ({}), a family (claimed, consistency, plausibility, design, batch) or a severity (error, warning); `jixiao review --list-checks` lists them",
        codes.join(", ")
    ))
}

/// What a check needs: the rules, the form and the engine's sheet.
pub struct Context<'a> {
    pub ruleset: &'a RuleSet,
    pub form: &'a Form,
    pub sheet: &'a ScoreSheet,
    /// Each indicator row with its score, paired once: every check walks them.
    rows: Vec<(&'a Indicator, &'a IndicatorScore)>,
    /// The engine's claimed-against-computed comparisons, made once for the six checks of them.
    mismatches: std::cell::OnceCell<Vec<Mismatch>>,
}

impl<'a> Context<'a> {
    pub fn new(ruleset: &'a RuleSet, form: &'a Form, sheet: &'a ScoreSheet) -> Self {
        // Rows are paired by position and checked by line.
        let rows = form
            .indicators
            .iter()
            .zip(sheet.indicators.iter())
            .filter(|(row, scored)| form.line_of(&row.span) == scored.line)
            .collect();
        Context {
            ruleset,
            form,
            sheet,
            rows,
            mismatches: std::cell::OnceCell::new(),
        }
    }

    /// Every claimed figure that differs from the computed one.
    pub fn mismatches(&self) -> &[Mismatch] {
        self.mismatches.get_or_init(|| self.sheet.mismatches())
    }

    pub fn settings(&self) -> &'a ReviewSettings {
        &self.ruleset.review
    }

    pub fn tolerance(&self) -> Decimal {
        self.ruleset.review.tolerance
    }

    pub fn file(&self) -> &'a str {
        self.form.path()
    }

    pub fn line(&self, span: &Span) -> usize {
        self.form.line_of(span)
    }

    /// Each indicator row with its score.
    pub fn rows(&self) -> impl Iterator<Item = (&'a Indicator, &'a IndicatorScore)> + '_ {
        self.rows.iter().copied()
    }

    pub fn finding(
        &self,
        check: &Check,
        line: Option<usize>,
        row: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(check, self.file(), line, row, field, message)
    }
}

/// Review one scored form with every check.
pub fn review(ruleset: &RuleSet, form: &Form, sheet: &ScoreSheet) -> Vec<Finding> {
    review_with(ruleset, form, sheet, &CheckSet::all())
}

/// Review one scored form with the chosen checks. The sheet should be scored with traces
/// (`ScoreOptions { trace: true }`) so that claimed-against-computed findings show the formula.
///
/// Findings come sorted by line (form-wide ones first), then in catalogue order.
pub fn review_with(
    ruleset: &RuleSet,
    form: &Form,
    sheet: &ScoreSheet,
    checks: &CheckSet,
) -> Vec<Finding> {
    in_context(ruleset, form, sheet, |cx| review_in(cx, checks))
}

/// Run `f` on the context of a scored form. A row reported by parts is read at its combined
/// actual, as the engine scored it.
fn in_context<R>(
    ruleset: &RuleSet,
    form: &Form,
    sheet: &ScoreSheet,
    f: impl FnOnce(&Context) -> R,
) -> R {
    let combined = parts::with_combined_actuals(form, sheet);
    f(&Context::new(
        ruleset,
        combined.as_ref().unwrap_or(form),
        sheet,
    ))
}

/// [`review_with`] on a context already made.
fn review_in(cx: &Context, checks: &CheckSet) -> Vec<Finding> {
    let form = cx.form;
    let mut findings = Vec::new();
    for check in checks.checks() {
        if let Runner::Form(run) = check.run {
            run(cx, &mut findings);
        }
    }
    let superseded: Vec<(Option<usize>, String, &'static str)> = findings
        .iter()
        .filter_map(|f| f.check().map(|c| (f, c)))
        .flat_map(|(f, c)| {
            c.supersedes
                .iter()
                .map(move |code| (f.line, f.field.clone(), *code))
        })
        .collect();
    findings.retain(|f| {
        !superseded
            .iter()
            .any(|(line, field, code)| *code == f.code && *line == f.line && *field == f.field)
    });
    findings.sort_by_key(|f| (f.line, catalogue_index(f.code)));
    // A form read from a workbook: its lines are of text the user never saw; name the cell.
    if let Some(document) = form.source.document() {
        for f in &mut findings {
            if let Some(place) = f.line.and_then(|l| form.source.place_of_line(l)) {
                f.place = Some(format!("{document}:{place}"));
            }
        }
    }
    findings
}

/// A reviewed form: what was claimed, what the rules give, and the findings.
#[derive(Debug, Clone, Serialize)]
pub struct FormReview {
    pub file: String,
    pub name: String,
    pub kind: crate::rules::FormKind,
    pub year: i32,
    /// 主管部门, as the form names it.
    pub department: Option<String>,
    /// 实施单位, as the form names it.
    pub unit: Option<String>,
    pub ruleset: String,
    /// How the ruleset was chosen and why (see `ScoreSheet::ruleset_selection`).
    pub ruleset_selection: String,
    pub claimed_total: Option<String>,
    pub claimed_grade: Option<String>,
    pub total: String,
    /// Empty (`null` in JSON) when the ruleset does not grade (`grades none`).
    #[serde(serialize_with = "crate::score::sheet::empty_as_null")]
    pub grade: String,
    pub findings: Vec<Finding>,
    /// What the batch checks need of this form, when any of them runs.
    #[serde(skip)]
    pub keys: Option<Box<batch::FormKeys>>,
}

impl FormReview {
    pub fn new(sheet: &ScoreSheet, findings: Vec<Finding>) -> FormReview {
        FormReview {
            file: sheet.file.clone(),
            name: sheet.name.clone(),
            kind: sheet.kind,
            year: sheet.year,
            department: None,
            unit: None,
            ruleset: sheet.ruleset.clone(),
            ruleset_selection: sheet.ruleset_selection.clone(),
            claimed_total: sheet.claimed_total.as_ref().map(|c| c.text.clone()),
            claimed_grade: sheet.claimed_grade.as_ref().map(|c| c.text.clone()),
            total: sheet.total.to_string(),
            grade: sheet.grade.clone(),
            findings,
            keys: None,
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The unit the form is filed under: its 实施单位, else its 主管部门, else empty.
    pub fn unit_name(&self) -> &str {
        self.unit
            .as_deref()
            .or(self.department.as_deref())
            .unwrap_or("")
    }

    pub fn department_name(&self) -> &str {
        self.department.as_deref().unwrap_or("")
    }
}

/// Review a scored form and package the result.
/// Score a form for review. Traces cost as much as the scoring itself and only findings about
/// claimed figures that differ show them, so the form is scored again with traces only when it
/// has such a figure.
pub fn score_for_review(
    ruleset: &RuleSet,
    form: &Form,
    selection: crate::rules::registry::Selection,
) -> Result<ScoreSheet, Vec<crate::diag::Diagnostic>> {
    use crate::score::{ScoreOptions, score};
    let sheet = score(
        ruleset,
        form,
        selection.clone(),
        ScoreOptions { trace: false },
    )?;
    if sheet.mismatches().is_empty() {
        return Ok(sheet);
    }
    score(ruleset, form, selection, ScoreOptions { trace: true })
}

pub fn review_form(
    ruleset: &RuleSet,
    form: &Form,
    sheet: &ScoreSheet,
    checks: &CheckSet,
) -> FormReview {
    in_context(ruleset, form, sheet, |cx| {
        let mut r = FormReview::new(sheet, review_in(cx, checks));
        r.department = cx.form.department.clone();
        r.unit = cx.form.unit.clone();
        if checks.has_batch() {
            r.keys = Some(Box::new(batch::FormKeys::collect(cx, checks.row_texts)));
        }
        r
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_supersede_only_known_codes() {
        for (i, c) in CATALOGUE.iter().enumerate() {
            assert!(
                CATALOGUE.iter().skip(i + 1).all(|d| d.code != c.code),
                "duplicate code {}",
                c.code
            );
            for s in c.supersedes {
                assert!(check(s).is_some(), "{} supersedes unknown {s}", c.code);
            }
        }
    }

    #[test]
    fn selectors_take_codes_families_and_severities() {
        let only = CheckSet::select(&["plausibility".into()], &["copied-text".into()]).unwrap();
        assert!(only.contains("copied-actuals"));
        assert!(!only.contains("copied-text"));
        assert!(!only.contains("score-mismatch"));
        let errors = CheckSet::select(&["error".into()], &[]).unwrap();
        assert!(
            errors
                .codes()
                .iter()
                .all(|c| check(c).unwrap().severity == Severity::Error)
        );
        let err = CheckSet::select(&["no-such-check".into()], &[]).unwrap_err();
        assert!(err.contains("no-such-check"), "{err}");
    }

    #[test]
    fn thresholds_print_as_the_rules_write_them() {
        let s = ReviewSettings::default();
        assert_eq!(setting::TOLERANCE.describe(&s), "tolerance 0.01");
        assert_eq!(setting::LOW_EXECUTION.describe(&s), "low-execution 60%");
        assert_eq!(
            setting::OVER_ACHIEVEMENT.describe(&s),
            "over-achievement 130%"
        );
        assert_eq!(setting::DERIVED_GAP.describe(&s), "derived-gap 1%");
        assert_eq!(setting::UNIT_FORMS.describe(&s), "unit-forms 3");
        assert_eq!(GRADE_BAND.describe_settings(&s), "—");
    }

    #[test]
    fn every_setting_is_read_by_a_check_and_its_default_is_in_range() {
        for s in SETTINGS {
            assert!(
                CATALOGUE.iter().any(|c| c.settings.contains(s)),
                "no check reads {}",
                s.key
            );
            assert_eq!(s.out_of_range(s.default_value()), None, "{}", s.key);
            let mut changed = ReviewSettings::default();
            s.set(&mut changed, s.min);
            assert_eq!(
                s.value(&changed),
                s.min,
                "{} is kept where it is read",
                s.key
            );
        }
        for c in CATALOGUE {
            for s in c.settings {
                assert!(
                    setting_named(s.key).is_some(),
                    "{}: {} not in SETTINGS",
                    c.code,
                    s.key
                );
            }
        }
        assert!(
            setting::SIMILARITY
                .out_of_range(Decimal::new(12, 1))
                .is_some()
        );
        assert!(
            setting::UNIT_FORMS
                .out_of_range(Decimal::new(25, 1))
                .is_some()
        );
        assert!(setting::UNIT_FORMS.out_of_range(Decimal::ONE).is_some());
    }
}
