//! The score sheet: every figure of a form as the rules compute it, beside what was claimed.

use super::claim::{Scale, agreement};
use super::problem::Problem;
use crate::diag::SourceFile;
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
    /// How the row's parts combined into `actual`, for a row reported by parts.
    pub parts: Option<super::parts::PartsScore>,
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
    pub structure: Vec<Problem>,
    /// The form's text, to name places: `line 37`, or a cell for a form read from a workbook.
    #[serde(skip)]
    pub source: Arc<SourceFile>,
}

/// Which claimed figure a [`Mismatch`] is about. Review routes each kind to its check with an
/// exhaustive match; outputs show [`MismatchKind::field`], the form's own column name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MismatchKind {
    /// The budget block's 执行率.
    ExecutionRate,
    /// A funding source's 执行率.
    SourceRate,
    /// The execution score (执行率 得分).
    ExecutionScore,
    /// A scored section item's 得分 (资金管理 …).
    ItemScore,
    /// An indicator's 得分.
    IndicatorScore,
    /// An indicator's 偏差度.
    Deviation,
    /// The 自评得分.
    Total,
    /// The 等级.
    Grade,
}

impl MismatchKind {
    /// The column the claim is printed in: 执行率, 得分, 偏差度, 自评得分 or 等级.
    pub const fn field(self) -> &'static str {
        match self {
            MismatchKind::ExecutionRate | MismatchKind::SourceRate => "执行率",
            MismatchKind::ExecutionScore
            | MismatchKind::ItemScore
            | MismatchKind::IndicatorScore => "得分",
            MismatchKind::Deviation => "偏差度",
            MismatchKind::Total => "自评得分",
            MismatchKind::Grade => "等级",
        }
    }

    /// Whether the figure is a rate, claimed in a `%` column.
    pub const fn is_percent(self) -> bool {
        matches!(
            self,
            MismatchKind::ExecutionRate | MismatchKind::SourceRate | MismatchKind::Deviation
        )
    }
}

fn kind_as_field<S: Serializer>(kind: &MismatchKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.field())
}

/// A claimed figure that differs from the computed one ([`agreement`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// Which figure; in JSON, its column name (`field`: 执行率, 得分, 偏差度, 自评得分, 等级).
    #[serde(rename = "field", serialize_with = "kind_as_field")]
    pub kind: MismatchKind,
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
        let mut out = Vec::new();
        // Points beyond the tolerance; rates and deviations at the precision they were printed with.
        let mut claim = |kind: MismatchKind,
                         row: &str,
                         claimed: Option<&Claimed>,
                         computed: Decimal,
                         scale: Scale,
                         formula: Option<&str>| {
            if let Some(c) = claimed
                && agreement(c, computed, scale, self.tolerance).differs()
            {
                out.push(Mismatch {
                    kind,
                    row: row.into(),
                    line: c.line,
                    place: None,
                    claimed: c.text.clone(),
                    computed: match scale {
                        Scale::Percent => percent_text(computed),
                        Scale::Points => computed.to_string(),
                    },
                    formula: formula.map(str::to_string),
                });
            }
        };
        let e = &self.execution;
        let (rate_claim, score_claim) = (e.claimed_rate.as_ref(), e.claimed_score.as_ref());
        claim(
            MismatchKind::ExecutionRate,
            "执行率",
            rate_claim,
            e.rate,
            Scale::Percent,
            trace_formula(&e.rate_trace),
        );
        claim(
            MismatchKind::ExecutionScore,
            "执行率",
            score_claim,
            e.score,
            Scale::Points,
            trace_formula(&e.trace),
        );
        for s in &self.sources {
            if let Some(rate) = s.rate {
                let formula = Some("executed / budget");
                claim(
                    MismatchKind::SourceRate,
                    &s.name,
                    s.claimed_rate.as_ref(),
                    rate,
                    Scale::Percent,
                    formula,
                );
            }
        }
        for section in &self.sections {
            for item in &section.items {
                let (claimed, note) = (item.claimed.as_ref(), item.note.as_deref());
                claim(
                    MismatchKind::ItemScore,
                    &item.name,
                    claimed,
                    item.score,
                    Scale::Points,
                    note,
                );
            }
        }
        for row in &self.indicators {
            let score = (row.claimed_score.as_ref(), row.score);
            claim(
                MismatchKind::IndicatorScore,
                &row.name,
                score.0,
                score.1,
                Scale::Points,
                trace_formula(&row.score_trace),
            );
            let deviation = (row.claimed_deviation.as_ref(), row.deviation);
            let deviation_formula = trace_formula(&row.deviation_trace);
            claim(
                MismatchKind::Deviation,
                &row.name,
                deviation.0,
                deviation.1,
                Scale::Percent,
                deviation_formula,
            );
        }
        let total = (self.claimed_total.as_ref(), self.total);
        claim(
            MismatchKind::Total,
            "总分",
            total.0,
            total.1,
            Scale::Points,
            trace_formula(&self.total_trace),
        );
        // A ruleset that does not grade has nothing to hold a claimed grade against.
        if let Some(c) = &self.claimed_grade
            && !self.grade.is_empty()
            && c.text.trim() != self.grade
        {
            out.push(Mismatch {
                kind: MismatchKind::Grade,
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

/// A trace's formula, where there is a trace.
fn trace_formula(trace: &Option<Trace>) -> Option<&str> {
    trace.as_ref().map(|t| t.formula.as_str())
}
