//! A scored form in its official layout: the rows and cells of the printed 自评表, each figure
//! the engine's, beside the claimed one where they differ.
//!
//! The workbook exporter, the HTML report and the Markdown report all draw this one view of a
//! [`ScoreSheet`], so that every output shows the same figures.

use crate::form::Form;
use crate::form::text_of;
use crate::num::percent_text;
use crate::rules::FormKind;
use crate::score::sheet::NOT_GRADED;
use crate::score::{Agreement, Claimed, Scale, ScoreSheet, Status, agreement};
use rust_decimal::Decimal;

/// One figure as printed: the computed value, and the claim where it is not the same number.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What the cell shows: the claimed text where it is the computed figure (so that its scale
    /// is kept), else the computed figure.
    pub text: String,
    pub value: Option<Decimal>,
    /// The claim, when it differs from the computed figure ([`agreement`]: a mismatch).
    pub differs_from: Option<String>,
    /// The claim, when it is not the computed number but agrees at the precision it was printed
    /// with (`99%` for 99.10%) or within the tolerance: accepted, and shown beside.
    pub printed_as: Option<String>,
    /// How the computed figure was obtained, for the note on a differing cell.
    pub formula: Option<String>,
}

impl Figure {
    pub fn plain(text: impl Into<String>) -> Figure {
        Figure {
            text: text.into(),
            value: None,
            differs_from: None,
            printed_as: None,
            formula: None,
        }
    }

    fn computed(
        value: Decimal,
        claimed: Option<&Claimed>,
        tolerance: Decimal,
        percent: bool,
        formula: Option<String>,
    ) -> Figure {
        let computed_text = if percent {
            percent_text(value)
        } else {
            value.to_string()
        };
        let scale = if percent {
            Scale::Percent
        } else {
            Scale::Points
        };
        let mut figure = Figure {
            text: computed_text,
            value: Some(value),
            differs_from: None,
            printed_as: None,
            formula,
        };
        if let Some(c) = claimed {
            match agreement(c, value, scale, tolerance) {
                // The same number: keep the claim's writing (`2`, `0.00%`, `45.18`).
                Agreement::Same => figure.text = c.text.clone(),
                Agreement::AsPrinted => figure.printed_as = Some(c.text.clone()),
                Agreement::Differs => figure.differs_from = Some(c.text.clone()),
            }
        }
        figure
    }

    /// The note for a cell whose claim is not the computed number: both figures, and whether
    /// the claim agrees as printed.
    pub fn note(&self) -> Option<String> {
        if let Some(printed) = &self.printed_as {
            return Some(format!(
                "申报 {printed}，按评分规则计算为 {}，按申报的精度相符 (claimed {printed}, computed {}: they agree at the precision the claim is printed with)",
                self.text, self.text
            ));
        }
        let claimed = self.differs_from.as_ref()?;
        let mut note = format!(
            "申报 {claimed}，按评分规则计算为 {} (claimed {claimed}, computed {})",
            self.text, self.text
        );
        if let Some(f) = &self.formula {
            note.push_str(&format!("；计算方法：{f}"));
        }
        Some(note)
    }
}

#[derive(Debug, Clone)]
pub struct BudgetLine {
    pub label: String,
    pub initial: String,
    pub adjusted: String,
    pub executed: String,
    /// 分值 and 得分: on the total row only.
    pub weight: Option<String>,
    pub rate: Figure,
    pub score: Option<Figure>,
}

#[derive(Debug, Clone)]
pub struct SectionLine {
    pub name: String,
    pub description: String,
    pub weight: String,
    pub score: Figure,
    pub problems: String,
}

#[derive(Debug, Clone)]
pub struct SectionView {
    pub name: String,
    pub lines: Vec<SectionLine>,
}

#[derive(Debug, Clone)]
pub struct IndicatorLine {
    pub level1: String,
    pub level2: String,
    /// A level-2 row printed empty: no name, no figures.
    pub empty: bool,
    pub name: String,
    pub target: String,
    pub actual: String,
    pub weight: String,
    pub score: Figure,
    pub deviation: Figure,
    pub explanation: String,
    /// The rules ask for a 偏差原因 here and none was written.
    pub explanation_missing: bool,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub name: String,
    pub content: String,
    pub achieved: String,
}

/// One finding to show beside the forms: a claimed figure that differs, a structure problem, or
/// (once wired in) a review finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingRow {
    /// The form's name.
    pub form: String,
    /// Where the form is: a file, or `s.xlsx#Sheet1`.
    pub file: String,
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// `line 37`, `Sheet1!H17`.
    pub place: String,
    pub message: String,
}

/// The findings a score sheet carries by itself: claims that differ, and template misfits.
pub fn sheet_findings(sheet: &ScoreSheet) -> Vec<FindingRow> {
    let mut rows: Vec<FindingRow> = sheet
        .mismatches()
        .into_iter()
        .map(|m| FindingRow {
            form: sheet.name.clone(),
            file: sheet.file.clone(),
            code: "score::mismatch".into(),
            severity: "error".into(),
            place: m.place(),
            message: format!(
                "{} {}: 申报 {}，计算 {} (claimed {}, computed {})",
                m.row,
                m.kind.field(),
                m.claimed,
                m.computed,
                m.claimed,
                m.computed
            ),
        })
        .collect();
    for d in &sheet.structure {
        let place = match (d.cell(), d.location()) {
            (Some((_, origin)), _) => origin.place.clone(),
            (None, Some((line, _))) => format!("line {line}"),
            (None, None) => String::new(),
        };
        rows.push(FindingRow {
            form: sheet.name.clone(),
            file: sheet.file.clone(),
            code: d.code.to_string(),
            severity: match d.severity {
                crate::diag::Severity::Error => "error".into(),
                crate::diag::Severity::Warning => "warning".into(),
            },
            place,
            message: d.message.clone(),
        });
    }
    rows
}

/// The review's findings on a form, as rows for the reports and the workbook's summary sheet.
/// They include the claimed figures that differ and the template misfits, so they replace
/// [`sheet_findings`].
pub fn review_rows(sheet: &ScoreSheet, findings: &[crate::review::Finding]) -> Vec<FindingRow> {
    findings
        .iter()
        .map(|f| FindingRow {
            form: sheet.name.clone(),
            file: sheet.file.clone(),
            code: f.code.to_string(),
            severity: match f.severity {
                crate::diag::Severity::Error => "error".into(),
                crate::diag::Severity::Warning => "warning".into(),
            },
            place: match (&f.place, f.line) {
                (Some(place), _) => place.clone(),
                (None, Some(line)) => sheet.place(line),
                (None, None) => String::new(),
            },
            message: if f.row.is_empty() {
                f.message.clone()
            } else {
                format!("{}: {}", f.row, f.message)
            },
        })
        .collect()
}

/// Every scored form in its layout, with the review's findings under the ruleset that scored it.
pub fn reviewed_views(forms: &[crate::app::ScoredForm]) -> Vec<FormView> {
    forms
        .iter()
        .map(|f| {
            let mut view = FormView::new(&f.form, &f.sheet);
            let findings = crate::review::review(&f.ruleset, &f.form, &f.sheet);
            view.findings = review_rows(&f.sheet, &findings);
            view
        })
        .collect()
}

/// A form in its official layout.
#[derive(Debug, Clone)]
pub struct FormView {
    pub kind: FormKind,
    /// The heading: the form's own title, or the official one for its kind.
    pub title: String,
    pub year: i32,
    pub name: String,
    pub file: String,
    pub ruleset: String,
    /// Rows above the budget: (label, value) pairs, printed two to a row where they fit.
    pub heads: Vec<Vec<(String, String)>>,
    pub budget_label: &'static str,
    /// The total row first, then the fund sources.
    pub budget: Vec<BudgetLine>,
    pub sections: Vec<SectionView>,
    pub objective_label: &'static str,
    pub objective: Option<(String, String)>,
    pub tasks: Vec<Task>,
    pub indicators: Vec<IndicatorLine>,
    pub total_weight: Decimal,
    pub total: Figure,
    pub grade: Figure,
    pub findings: Vec<FindingRow>,
}

impl FormView {
    pub fn new(form: &Form, sheet: &ScoreSheet) -> FormView {
        let tol = sheet.tolerance;
        let e = &sheet.execution;
        let budget = budget_lines(form, sheet);
        let sections = section_views(form, sheet);
        let indicators = indicator_lines(form, sheet);
        let total_weight = crate::num::sum(
            std::iter::once(e.weight)
                .chain(sheet.sections.iter().map(|s| s.weight))
                .chain(sheet.level1.iter().map(|l| l.weight)),
        )
        .unwrap_or_default();
        let heads = heads(form);
        let grade = grade_figure(sheet);
        FormView {
            kind: form.kind.value,
            title: form.title.clone().unwrap_or_else(|| match form.kind.value {
                FormKind::Project => "项目支出绩效自评表".into(),
                FormKind::Department => "部门整体支出绩效自评表".into(),
            }),
            year: form.year.value,
            name: form.name().to_string(),
            file: sheet.file.clone(),
            // As the form names it, so that an exported form names the same ruleset.
            ruleset: form
                .ruleset
                .as_ref()
                .map_or_else(|| sheet.ruleset.clone(), |r| r.text.clone()),
            heads,
            budget_label: match form.kind.value {
                FormKind::Project => "项目资金（万元）",
                FormKind::Department => "部门整体支出情况（万元）",
            },
            budget,
            sections,
            objective_label: match form.kind.value {
                FormKind::Project => "年度总体目标",
                FormKind::Department => "年度履职目标",
            },
            objective: match (&form.objective.expected, &form.objective.achieved) {
                (None, None) => None,
                (e, a) => Some((
                    e.as_ref().map_or(String::new(), |f| f.value.clone()),
                    a.as_ref().map_or(String::new(), |f| f.value.clone()),
                )),
            },
            tasks: form
                .tasks
                .iter()
                .map(|t| Task {
                    name: t.name.clone(),
                    content: t.content.clone().unwrap_or_default(),
                    achieved: t.achieved.clone().unwrap_or_default(),
                })
                .collect(),
            indicators,
            total_weight,
            total: Figure::computed(
                sheet.total,
                sheet.claimed_total.as_ref(),
                tol,
                false,
                trace_formula(&sheet.total_trace),
            ),
            grade,
            findings: sheet_findings(sheet),
        }
    }

    /// Runs of equal values in a column, for merged cells: (first index, length).
    pub fn runs(&self, level: usize) -> Vec<(usize, usize)> {
        let key = |l: &IndicatorLine| match level {
            1 => (l.level1.clone(), String::new()),
            _ => (l.level1.clone(), l.level2.clone()),
        };
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (i, line) in self.indicators.iter().enumerate() {
            match runs.last_mut() {
                // `start` is an index this loop took from `self.indicators`.
                Some((start, len)) if key(&self.indicators[*start]) == key(line) => *len += 1,
                _ => runs.push((i, 1)),
            }
        }
        runs
    }

    /// Every figure that differs from its claim, with where it is printed.
    pub fn differing(&self) -> usize {
        let mut n = 0;
        let mut count = |f: &Figure| n += usize::from(f.differs_from.is_some());
        for b in &self.budget {
            count(&b.rate);
            if let Some(s) = &b.score {
                count(s);
            }
        }
        for s in &self.sections {
            for l in &s.lines {
                count(&l.score);
            }
        }
        for l in &self.indicators {
            count(&l.score);
            count(&l.deviation);
        }
        count(&self.total);
        count(&self.grade);
        n
    }
}

fn empty_line(level1: &str, level2: &str) -> IndicatorLine {
    IndicatorLine {
        level1: level1.to_string(),
        level2: level2.to_string(),
        empty: true,
        name: String::new(),
        target: String::new(),
        actual: String::new(),
        weight: String::new(),
        score: Figure::plain(""),
        deviation: Figure::plain(""),
        explanation: String::new(),
        explanation_missing: false,
    }
}

/// A trace's formula, for a figure's tooltip.
fn trace_formula(trace: &Option<crate::score::Trace>) -> Option<String> {
    trace.as_ref().map(|t| t.formula.clone())
}

/// The budget table: the total row (with the execution rate and its score), then the fund
/// sources.
fn budget_lines(form: &Form, sheet: &ScoreSheet) -> Vec<BudgetLine> {
    let tol = sheet.tolerance;
    let e = &sheet.execution;
    let b = &form.budget;
    let mut budget = vec![BudgetLine {
        label: match form.kind.value {
            FormKind::Project => format!("年度资金总额（{}）", b.unit.name),
            FormKind::Department => format!("部门预算总额（{}）", b.unit.name),
        },
        initial: text_of(&b.initial).to_string(),
        adjusted: text_of(&b.adjusted).to_string(),
        executed: text_of(&b.executed).to_string(),
        weight: Some(e.weight.to_string()),
        rate: Figure::computed(
            e.rate,
            e.claimed_rate.as_ref(),
            tol,
            true,
            trace_formula(&e.rate_trace),
        ),
        score: Some(Figure::computed(
            e.score,
            e.claimed_score.as_ref(),
            tol,
            false,
            trace_formula(&e.trace),
        )),
    }];
    if let Some(w) = b.weight.as_ref().filter(|w| w.value == e.weight) {
        // `budget` was built just above with the execution line first.
        budget[0].weight = Some(w.text.clone());
    }
    for (i, s) in b.sources.iter().enumerate() {
        let scored = sheet.sources.get(i).filter(|r| r.name == s.name.value);
        let rate = match scored.and_then(|r| r.rate.map(|rate| (rate, r))) {
            Some((rate, r)) => Figure::computed(
                rate,
                r.claimed_rate.as_ref(),
                tol,
                true,
                Some("全年执行数 / 全年预算数".into()),
            ),
            // A budget of 0: no rate; the claim is shown as written.
            None => Figure::plain(s.rate.as_ref().map_or("-".into(), |r| r.text.clone())),
        };
        budget.push(BudgetLine {
            label: s.name.value.clone(),
            initial: text_of(&s.initial).to_string(),
            adjusted: text_of(&s.adjusted).to_string(),
            executed: text_of(&s.executed).to_string(),
            weight: None,
            rate,
            score: None,
        });
    }
    budget
}

/// The scored sections (the parts scored outside the indicator table), item by item.
fn section_views(form: &Form, sheet: &ScoreSheet) -> Vec<SectionView> {
    let tol = sheet.tolerance;
    form.sections
        .iter()
        .map(|section| {
            let scored = sheet.sections.iter().find(|s| s.name == section.name.value);
            SectionView {
                name: section.name.value.clone(),
                lines: section
                    .items
                    .iter()
                    .map(|item| {
                        let scored_item =
                            scored.and_then(|s| s.items.iter().find(|i| i.name == item.name.value));
                        SectionLine {
                            name: item.name.value.clone(),
                            description: item.description.clone().unwrap_or_default(),
                            weight: text_of(&item.weight).to_string(),
                            score: match scored_item {
                                Some(i) => Figure::computed(
                                    i.score,
                                    i.claimed.as_ref(),
                                    tol,
                                    false,
                                    i.note.clone(),
                                ),
                                None => Figure::plain(
                                    item.score.as_ref().map_or("", |s| s.text.as_str()),
                                ),
                            },
                            problems: item.problems.clone().unwrap_or_default(),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The indicator rows in form order, with the empty categories where the form prints them.
fn indicator_lines(form: &Form, sheet: &ScoreSheet) -> Vec<IndicatorLine> {
    let tol = sheet.tolerance;
    let mut indicators = Vec::new();
    let mut empties = form.empty_categories.iter().peekable();
    for (i, row) in form.indicators.iter().enumerate() {
        while let Some(e) = empties.next_if(|e| e.position <= i) {
            indicators.push(empty_line(&e.level1, &e.level2));
        }
        let scored = sheet
            .indicators
            .get(i)
            .filter(|s| s.name == row.name.value && s.level2 == row.level2.value);
        let (score, deviation, missing) = match scored {
            Some(s) => {
                let score = if s.status == Status::NotApplicable {
                    Figure::plain("不适用")
                } else {
                    Figure::computed(
                        s.score,
                        s.claimed_score.as_ref(),
                        tol,
                        false,
                        trace_formula(&s.score_trace),
                    )
                };
                let deviation = Figure::computed(
                    s.deviation,
                    s.claimed_deviation.as_ref(),
                    tol,
                    true,
                    trace_formula(&s.deviation_trace),
                );
                (
                    score,
                    deviation,
                    s.explanation_required && !s.has_explanation,
                )
            }
            None => (
                Figure::plain(row.score.as_ref().map_or("", |s| s.text.as_str())),
                Figure::plain(row.deviation.as_ref().map_or("", |s| s.text.as_str())),
                false,
            ),
        };
        indicators.push(IndicatorLine {
            level1: row.level1.value.clone(),
            level2: row.level2.value.clone(),
            empty: false,
            name: row.name.value.clone(),
            target: row.target.text.clone(),
            actual: row.actual.text.clone(),
            weight: row.weight.text.clone(),
            score,
            deviation,
            explanation: row.explanation.clone().unwrap_or_default(),
            explanation_missing: missing,
        });
    }
    for e in empties {
        indicators.push(empty_line(&e.level1, &e.level2));
    }
    indicators
}

/// The header cells above the tables: project, department and unit, or the department alone.
fn heads(form: &Form) -> Vec<Vec<(String, String)>> {
    match form.kind.value {
        FormKind::Project => vec![
            vec![(
                "项目名称".to_string(),
                form.project.clone().unwrap_or_default(),
            )],
            vec![
                (
                    "主管部门".to_string(),
                    form.department.clone().unwrap_or_default(),
                ),
                (
                    "实施单位".to_string(),
                    form.unit.clone().unwrap_or_default(),
                ),
            ],
        ],
        FormKind::Department => vec![vec![(
            "部门（单位）名称".to_string(),
            form.department.clone().unwrap_or_default(),
        )]],
    }
}

/// The grade, marked where the claimed grade differs.
fn grade_figure(sheet: &ScoreSheet) -> Figure {
    match &sheet.claimed_grade {
        // 可以不评级: no grade, and a claimed one is shown as printed, not marked wrong.
        _ if sheet.grade.is_empty() => Figure::plain(NOT_GRADED.to_string()),
        Some(c) if c.text.trim() != sheet.grade => Figure {
            text: sheet.grade.clone(),
            value: None,
            differs_from: Some(c.text.clone()),
            printed_as: None,
            formula: Some("等级按自评得分所在区间确定 (grade band of the total)".into()),
        },
        _ => Figure::plain(sheet.grade.clone()),
    }
}
