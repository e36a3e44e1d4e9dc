//! The score sheet: every figure of a form as the rules compute it, beside what was claimed.

use super::claim::{Scale, agreement};
use crate::diag::{Diagnostic, SourceFile};
use crate::num::percent_text;
use crate::rules::FormKind;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// How text outputs show the grade of a ruleset that does not grade (`grades none`).
pub const NOT_GRADED: &str = "不评级 (not graded)";

/// The grade as shown: the band's name, or [`NOT_GRADED`].
pub fn shown_grade(grade: &str) -> &str {
    if grade.is_empty() { NOT_GRADED } else { grade }
}

/// An empty text (no grade) as JSON `null`.
pub fn empty_as_null<T: AsRef<str>, S: Serializer>(text: &T, s: S) -> Result<S::Ok, S::Error> {
    match text.as_ref() {
        "" => s.serialize_none(),
        text => s.serialize_str(text),
    }
}

fn as_percent<S: Serializer>(fraction: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    match crate::num::percent_number(*fraction) {
        Some(pct) => Serialize::serialize(&pct, s),
        None => s.serialize_none(),
    }
}

fn as_optional_percent<S: Serializer>(fraction: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match fraction {
        Some(f) => as_percent(f, s),
        None => s.serialize_none(),
    }
}

/// A claimed rate in JSON: the same fields, the value in percent (`"99"` for `99%`), as the field's
/// `_percent` name says.
fn as_optional_claimed_percent<S: Serializer>(
    claimed: &Option<Claimed>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct ClaimedPercent<'a> {
        value: Option<Decimal>,
        text: &'a str,
        line: usize,
    }
    match claimed {
        Some(c) => Serialize::serialize(
            &ClaimedPercent {
                value: crate::num::percent_number(c.value),
                text: &c.text,
                line: c.line,
            },
            s,
        ),
        None => s.serialize_none(),
    }
}

/// A figure as the form claims it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claimed {
    pub value: Decimal,
    /// As written (`"0.00%"`, `"100 %"`).
    pub text: String,
    pub line: usize,
}

/// A word as the form claims it (a grade).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimedText {
    pub text: String,
    pub line: usize,
}

/// How one number was computed: the rule, the formula, and the inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// Which rule: `quantitative · unmet ≥`, `form 项目 · execution` …
    pub rule: String,
    /// Where the rule is written (`scoring-rules/henan-2023.rules:37`), or `built-in`.
    pub source: String,
    pub formula: String,
    pub inputs: Vec<TraceInput>,
    /// The value before rounding.
    pub raw: String,
    pub result: String,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceInput {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExecutionScore {
    pub weight: Decimal,
    /// 全年预算数 or 年初预算数
    pub denominator: &'static str,
    /// Rounded execution rate: a fraction here, a percentage in JSON (`rate_percent`).
    #[serde(rename = "rate_percent", serialize_with = "as_percent")]
    pub rate: Decimal,
    pub score: Decimal,
    /// A fraction here, in percent in JSON (`claimed_rate_percent`), like `rate_percent`.
    #[serde(
        rename = "claimed_rate_percent",
        serialize_with = "as_optional_claimed_percent"
    )]
    pub claimed_rate: Option<Claimed>,
    pub claimed_score: Option<Claimed>,
    /// The rules ask for a reason for this execution rate.
    pub explanation_required: bool,
    pub has_explanation: bool,
    pub rate_trace: Option<Trace>,
    pub trace: Option<Trace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRate {
    pub name: String,
    pub line: usize,
    /// `None` where the budget of the row is 0.
    #[serde(rename = "rate_percent", serialize_with = "as_optional_percent")]
    pub rate: Option<Decimal>,
    #[serde(
        rename = "claimed_rate_percent",
        serialize_with = "as_optional_claimed_percent"
    )]
    pub claimed_rate: Option<Claimed>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionItemScore {
    pub name: String,
    pub line: usize,
    pub weight: Decimal,
    pub score: Decimal,
    pub claimed: Option<Claimed>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionScore {
    pub name: String,
    pub weight: Decimal,
    pub score: Decimal,
    pub items: Vec<SectionItemScore>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndicatorKind {
    Quantitative,
    Qualitative,
    NotApplicable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Met,
    Unmet,
    NotApplicable,
    /// The rules cannot score the row as printed (a blank cell, units that do not compare): the
    /// unit's claimed score is taken, unchecked.
    Unverifiable,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "达成",
            Status::Unmet => "未达成",
            Status::NotApplicable => "不适用",
            Status::Unverifiable => "无法核对",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorScore {
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub line: usize,
    pub kind: IndicatorKind,
    pub target: String,
    pub actual: String,
    pub weight: Decimal,
    pub status: Status,
    /// The qualitative tier the completion degree falls in.
    pub tier: Option<String>,
    pub score: Decimal,
    /// A fraction here, a percentage in JSON (`deviation_percent`).
    #[serde(rename = "deviation_percent", serialize_with = "as_percent")]
    pub deviation: Decimal,
    pub explanation_required: bool,
    pub has_explanation: bool,
    pub claimed_score: Option<Claimed>,
    /// A fraction here, in percent in JSON (`claimed_deviation_percent`).
    #[serde(
        rename = "claimed_deviation_percent",
        serialize_with = "as_optional_claimed_percent"
    )]
    pub claimed_deviation: Option<Claimed>,
    pub score_trace: Option<Trace>,
    pub deviation_trace: Option<Trace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Level1Subtotal {
    pub name: String,
    /// The weight the rules fix for it (after an absent indicator's weight moved here).
    pub rule_weight: Option<Decimal>,
    /// The weights of its rows, added up.
    pub weight: Decimal,
    pub score: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreSheet {
    pub file: String,
    pub name: String,
    pub kind: FormKind,
    pub year: i32,
    pub title: Option<String>,
    pub department: Option<String>,
    pub unit: Option<String>,
    /// `henan-2023@1`
    pub ruleset: String,
    /// How the ruleset was chosen and why: named by the form, chosen by region and year (which
    /// region, read from where), fallback to central (why), `--rules-map` (which entry) or
    /// `--rules`.
    pub ruleset_selection: String,
    pub execution: ExecutionScore,
    pub sources: Vec<SourceRate>,
    pub sections: Vec<SectionScore>,
    pub indicators: Vec<IndicatorScore>,
    pub level1: Vec<Level1Subtotal>,
    pub total: Decimal,
    /// The grade of the total; empty (`null` in JSON) when the ruleset does not grade
    /// (`grades none`, 可以不评级): see [`NOT_GRADED`] for how text outputs show it.
    #[serde(serialize_with = "empty_as_null")]
    pub grade: String,
    pub claimed_total: Option<Claimed>,
    pub claimed_grade: Option<ClaimedText>,
    pub total_trace: Option<Trace>,
    pub tolerance: Decimal,
    /// Located warnings: what the reader noticed in the cells (blank, not applicable where a
    /// number belongs …), where the form does not fit its template (unknown names, weights that
    /// do not add up), and rows the rules cannot check as printed. The sheet is complete anyway.
    #[serde(skip)]
    pub structure: Vec<Diagnostic>,
    /// The form's text, to name places: `line 37`, or a cell for a form read from a workbook.
    #[serde(skip)]
    pub source: Arc<SourceFile>,
}

/// A claimed figure that differs from the computed one ([`agreement`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// 执行率, 得分, 偏差度, 自评得分, 等级 …
    pub field: &'static str,
    /// The row: an indicator's name, a section item's, `执行率`, `总分` …
    pub row: String,
    pub line: usize,
    /// The cell, for a form read from a workbook (`Sheet1!H17`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    pub claimed: String,
    pub computed: String,
    /// The rule that gives the computed figure.
    pub formula: Option<String>,
}

impl Mismatch {
    /// Where the claim is written: `line 37`, or its cell.
    pub fn place(&self) -> String {
        self.place
            .clone()
            .unwrap_or_else(|| format!("line {}", self.line))
    }
}

impl ScoreSheet {
    /// A line of the form, as a user can find it: `line 37`, or the cell of a workbook.
    pub fn place(&self, line: usize) -> String {
        self.source
            .place_of_line(line)
            .map_or_else(|| format!("line {line}"), str::to_string)
    }

    /// Every claimed figure that differs from the computed one ([`agreement`]): points beyond
    /// the tolerance (尾差), rates and deviations at the precision they were printed with.
    pub fn mismatches(&self) -> Vec<Mismatch> {
        let tolerance = self.tolerance;
        let mut out = Vec::new();
        let differs = |claimed: &Claimed, computed: Decimal| {
            agreement(claimed, computed, Scale::Points, tolerance).differs()
        };
        // Rates and deviations: at the precision the claim was printed with.
        let differs_pct = |claimed: &Claimed, computed: Decimal| {
            agreement(claimed, computed, Scale::Percent, tolerance).differs()
        };
        let formula = |t: &Option<Trace>| t.as_ref().map(|t| t.formula.clone());
        let e = &self.execution;
        if let Some(c) = &e.claimed_rate
            && differs_pct(c, e.rate)
        {
            out.push(Mismatch {
                field: "执行率",
                row: "执行率".into(),
                line: c.line,
                place: None,
                claimed: c.text.clone(),
                computed: percent_text(e.rate),
                formula: formula(&e.rate_trace),
            });
        }
        if let Some(c) = &e.claimed_score
            && differs(c, e.score)
        {
            out.push(Mismatch {
                field: "得分",
                row: "执行率".into(),
                line: c.line,
                place: None,
                claimed: c.text.clone(),
                computed: e.score.to_string(),
                formula: formula(&e.trace),
            });
        }
        for s in &self.sources {
            if let (Some(c), Some(rate)) = (&s.claimed_rate, s.rate)
                && differs_pct(c, rate)
            {
                out.push(Mismatch {
                    field: "执行率",
                    row: s.name.clone(),
                    line: c.line,
                    place: None,
                    claimed: c.text.clone(),
                    computed: percent_text(rate),
                    formula: Some("executed / budget".into()),
                });
            }
        }
        for section in &self.sections {
            for item in &section.items {
                if let Some(c) = &item.claimed
                    && differs(c, item.score)
                {
                    out.push(Mismatch {
                        field: "得分",
                        row: item.name.clone(),
                        line: c.line,
                        place: None,
                        claimed: c.text.clone(),
                        computed: item.score.to_string(),
                        formula: item.note.clone(),
                    });
                }
            }
        }
        for row in &self.indicators {
            if let Some(c) = &row.claimed_score
                && differs(c, row.score)
            {
                out.push(Mismatch {
                    field: "得分",
                    row: row.name.clone(),
                    line: c.line,
                    place: None,
                    claimed: c.text.clone(),
                    computed: row.score.to_string(),
                    formula: formula(&row.score_trace),
                });
            }
            if let Some(c) = &row.claimed_deviation
                && differs_pct(c, row.deviation)
            {
                out.push(Mismatch {
                    field: "偏差度",
                    row: row.name.clone(),
                    line: c.line,
                    place: None,
                    claimed: c.text.clone(),
                    computed: percent_text(row.deviation),
                    formula: formula(&row.deviation_trace),
                });
            }
        }
        if let Some(c) = &self.claimed_total
            && differs(c, self.total)
        {
            out.push(Mismatch {
                field: "自评得分",
                row: "总分".into(),
                line: c.line,
                place: None,
                claimed: c.text.clone(),
                computed: self.total.to_string(),
                formula: formula(&self.total_trace),
            });
        }
        // A ruleset that does not grade has nothing to hold a claimed grade against.
        if let Some(c) = &self.claimed_grade
            && !self.grade.is_empty()
            && c.text.trim() != self.grade
        {
            out.push(Mismatch {
                field: "等级",
                row: "等级".into(),
                line: c.line,
                place: None,
                claimed: c.text.clone(),
                computed: self.grade.clone(),
                formula: None,
            });
        }
        for m in &mut out {
            m.place = self.source.place_of_line(m.line).map(str::to_string);
        }
        out
    }
}
