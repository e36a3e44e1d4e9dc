//! `jixiao diff`: what a revision of the rules does to the forms on file.
//!
//! Every form is scored once under each ruleset (`from` and `to`), with traces, and the two score
//! sheets are compared figure by figure: the total, the grade, the execution rate and score, each
//! fixed-section item and each indicator (score, deviation, whether a 偏差原因 is required). Each
//! change carries the rule that gave the figure on either side, so that a rule author sees not only
//! what moved but why. A form that cannot be scored under one side (it does not fit that template,
//! or a rule cannot be computed for it) is reported as such, and the batch goes on.

pub mod render;

use crate::diag::Diagnostic;
use crate::form::Form;
use crate::num::percent_text;
use crate::rules::RuleSet;
use crate::rules::registry::Selection;
use crate::score::{self, ScoreOptions, ScoreSheet, Trace};
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Arc;

/// One side of the comparison: a ruleset and where it came from.
#[derive(Debug, Clone)]
pub struct Side {
    pub ruleset: Arc<RuleSet>,
    /// `shipped` for a ruleset built into the binary, else the rule file's path.
    pub origin: String,
}

impl Side {
    /// `henan-2023@1 (draft.rules)`: the label alone cannot tell a draft from the shipped file.
    pub fn label(&self) -> String {
        format!("{} ({})", self.ruleset.label(), self.origin)
    }
}

/// The rule that gave a figure: its name, where it is written, and its formula.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleRef {
    pub rule: String,
    pub source: String,
    pub formula: String,
}

impl RuleRef {
    fn from_trace(trace: &Option<Trace>) -> Option<RuleRef> {
        trace.as_ref().map(|t| RuleRef {
            rule: t.rule.clone(),
            source: t.source.clone(),
            formula: without_bare_reference(&t.formula),
        })
    }

    /// `form 部门整体 · execution (draft.rules:31): department_execution = …`
    pub fn describe(&self) -> String {
        format!("{} ({}): {}", self.rule, self.source, self.formula)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Unchanged,
    Changed,
    /// Scored under `to` only.
    FailsUnderFrom,
    /// Scored under `from` only: the revision breaks this form.
    FailsUnderTo,
    FailsUnderBoth,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Unchanged => "无变化 (unchanged)",
            Status::Changed => "有变化 (changed)",
            Status::FailsUnderFrom => "原规则下无法评分 (fails under from)",
            Status::FailsUnderTo => "新规则下无法评分 (fails under to)",
            Status::FailsUnderBoth => "两套规则下均无法评分 (fails under both)",
        }
    }
}

/// What a changed figure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    Total,
    Grade,
    ExecutionRate,
    ExecutionScore,
    SectionItem,
    Indicator,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub subject: Subject,
    /// 自评得分, 等级, 执行率, the section item's or the indicator's name.
    pub item: String,
    pub level1: Option<String>,
    pub level2: Option<String>,
    /// The row's line in the form file.
    pub line: Option<usize>,
    /// 得分, 偏差度, 需说明偏差原因, 执行率, 等级.
    pub field: &'static str,
    pub from: String,
    pub to: String,
    /// `to − from`, for numbers; rates and deviations in percentage points.
    pub delta: Option<String>,
    pub from_rule: Option<RuleRef>,
    pub to_rule: Option<RuleRef>,
}

/// The headline figures of a form under one ruleset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub ruleset: String,
    pub total: Decimal,
    pub grade: String,
    /// A percentage: 74.01 for 74.01%.
    #[serde(rename = "execution_rate_percent")]
    pub execution_rate: Option<Decimal>,
    pub execution_score: Decimal,
}

impl Figures {
    fn of(sheet: &ScoreSheet) -> Figures {
        Figures {
            ruleset: sheet.ruleset.clone(),
            total: sheet.total,
            grade: sheet.grade.clone(),
            execution_rate: crate::num::percent_number(sheet.execution.rate),
            execution_score: sheet.execution.score,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FormDiff {
    pub file: String,
    pub name: String,
    pub kind: crate::rules::FormKind,
    pub year: i32,
    pub status: Status,
    pub from: Option<Figures>,
    pub to: Option<Figures>,
    pub changes: Vec<Change>,
    /// Why the form could not be scored under `from` / `to`.
    #[serde(skip)]
    pub from_errors: Vec<Diagnostic>,
    #[serde(skip)]
    pub to_errors: Vec<Diagnostic>,
}

impl FormDiff {
    /// `to.total − from.total`, when both were scored.
    pub fn total_delta(&self) -> Option<Decimal> {
        match (&self.from, &self.to) {
            (Some(a), Some(b)) => b.total.checked_sub(a.total),
            _ => None,
        }
    }
}

/// Score a form under a ruleset; a form that does not fit the template counts as failed.
fn score_under(side: &Side, form: &Form) -> Result<ScoreSheet, Vec<Diagnostic>> {
    let placed = score::place_blank_level1(&side.ruleset, form);
    let form = placed.as_ref().unwrap_or(form);
    let sheet = score::score(
        &side.ruleset,
        form,
        Selection::Override,
        ScoreOptions { trace: true },
    )?;
    if sheet.structure.is_empty() {
        Ok(sheet)
    } else {
        Err(sheet.structure.into_iter().map(|p| p.diagnostic).collect())
    }
}

/// Score a form under both rulesets and compare.
pub fn compare(form: &Form, from: &Side, to: &Side) -> FormDiff {
    let a = score_under(from, form);
    let b = score_under(to, form);
    let mut diff = FormDiff {
        file: form.path().to_string(),
        name: form.name().to_string(),
        kind: form.kind.value,
        year: form.year.value,
        status: Status::Unchanged,
        from: a.as_ref().ok().map(Figures::of),
        to: b.as_ref().ok().map(Figures::of),
        changes: Vec::new(),
        from_errors: Vec::new(),
        to_errors: Vec::new(),
    };
    match (a, b) {
        (Ok(a), Ok(b)) => {
            diff.changes = sheet_changes(&a, &b, from, to);
            if !diff.changes.is_empty() {
                diff.status = Status::Changed;
            }
        }
        (Err(e), Ok(_)) => {
            diff.status = Status::FailsUnderFrom;
            diff.from_errors = e;
        }
        (Ok(_), Err(e)) => {
            diff.status = Status::FailsUnderTo;
            diff.to_errors = e;
        }
        (Err(ea), Err(eb)) => {
            diff.status = Status::FailsUnderBoth;
            diff.from_errors = ea;
            diff.to_errors = eb;
        }
    }
    diff
}

/// A trace of a rule that only names a formula reads `f; f = body`: say `f = body` once.
fn without_bare_reference(formula: &str) -> String {
    // On one line: a `steps` block spans several in the rule file.
    let formula = crate::rules::format::one_line(formula);
    let formula = formula.as_str();
    if let Some((head, rest)) = formula.split_once("; ")
        && rest.starts_with(&format!("{head} = "))
    {
        return rest.to_string();
    }
    formula.to_string()
}

fn signed(delta: Decimal) -> String {
    if delta.is_sign_negative() && !delta.is_zero() {
        delta.to_string()
    } else {
        format!("+{delta}")
    }
}

fn signed_percent(delta: Decimal) -> String {
    let text = percent_text(delta.abs());
    if delta.is_sign_negative() && !delta.is_zero() {
        format!("-{text}")
    } else {
        format!("+{text}")
    }
}

fn yes_no(b: bool) -> String {
    if b { "是 (yes)" } else { "否 (no)" }.to_string()
}

fn grade_rule(ruleset: &RuleSet, total: Decimal) -> RuleRef {
    let band = ruleset
        .grades
        .iter()
        .find(|b| b.min.is_none_or(|m| total >= m));
    let formula = match band {
        Some(b) => match b.min {
            Some(min) => format!("{total} >= {min} → {}", b.name),
            None => format!("{total} below every bound → {}", b.name),
        },
        None => String::new(),
    };
    RuleRef {
        rule: "grades".into(),
        source: ruleset.source.name().to_string(),
        formula,
    }
}

struct Builder {
    changes: Vec<Change>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn number(
        &mut self,
        subject: Subject,
        item: &str,
        row: Option<(&str, &str, usize)>,
        field: &'static str,
        (a, b): (Decimal, Decimal),
        percent: bool,
        (from_rule, to_rule): (Option<RuleRef>, Option<RuleRef>),
    ) {
        if a == b {
            return;
        }
        let delta = b.checked_sub(a);
        let shown = |x: Decimal| {
            if percent {
                percent_text(x)
            } else {
                x.to_string()
            }
        };
        self.changes.push(Change {
            subject,
            item: item.to_string(),
            level1: row.map(|r| r.0.to_string()),
            level2: row.map(|r| r.1.to_string()),
            line: row.map(|r| r.2),
            field,
            from: shown(a),
            to: shown(b),
            delta: delta.map(|d| {
                if percent {
                    signed_percent(d)
                } else {
                    signed(d)
                }
            }),
            from_rule,
            to_rule,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn word(
        &mut self,
        subject: Subject,
        item: &str,
        row: Option<(&str, &str, usize)>,
        field: &'static str,
        (a, b): (String, String),
        (from_rule, to_rule): (Option<RuleRef>, Option<RuleRef>),
    ) {
        if a == b {
            return;
        }
        self.changes.push(Change {
            subject,
            item: item.to_string(),
            level1: row.map(|r| r.0.to_string()),
            level2: row.map(|r| r.1.to_string()),
            line: row.map(|r| r.2),
            field,
            from: a,
            to: b,
            delta: None,
            from_rule,
            to_rule,
        });
    }
}

/// Every figure that differs between two sheets of the same form.
pub fn sheet_changes(a: &ScoreSheet, b: &ScoreSheet, from: &Side, to: &Side) -> Vec<Change> {
    let mut out = Builder {
        changes: Vec::new(),
    };
    out.number(
        Subject::Total,
        "自评得分",
        None,
        "得分",
        (a.total, b.total),
        false,
        (None, None),
    );
    out.word(
        Subject::Grade,
        "等级",
        None,
        "等级",
        (a.grade.clone(), b.grade.clone()),
        (
            Some(grade_rule(&from.ruleset, a.total)),
            Some(grade_rule(&to.ruleset, b.total)),
        ),
    );
    let (ea, eb) = (&a.execution, &b.execution);
    out.number(
        Subject::ExecutionRate,
        "执行率",
        None,
        "执行率",
        (ea.rate, eb.rate),
        true,
        (
            RuleRef::from_trace(&ea.rate_trace),
            RuleRef::from_trace(&eb.rate_trace),
        ),
    );
    out.number(
        Subject::ExecutionScore,
        "执行率得分",
        None,
        "得分",
        (ea.score, eb.score),
        false,
        (
            RuleRef::from_trace(&ea.trace),
            RuleRef::from_trace(&eb.trace),
        ),
    );
    out.word(
        Subject::ExecutionScore,
        "执行率",
        None,
        "需说明偏差原因",
        (
            yes_no(ea.explanation_required),
            yes_no(eb.explanation_required),
        ),
        (None, None),
    );
    for (sa, sb) in a.sections.iter().zip(&b.sections) {
        for (ia, ib) in sa.items.iter().zip(&sb.items) {
            let rule = |note: &Option<String>, sheet: &ScoreSheet| {
                Some(RuleRef {
                    rule: format!("section {}", sa.name),
                    source: sheet.ruleset.clone(),
                    formula: note.clone().unwrap_or_else(|| {
                        "申报得分，不超过分值 (the unit's score, within the weight)".into()
                    }),
                })
            };
            out.number(
                Subject::SectionItem,
                &ia.name,
                Some((&sa.name, "", ia.line)),
                "得分",
                (ia.score, ib.score),
                false,
                (rule(&ia.note, a), rule(&ib.note, b)),
            );
        }
    }
    indicator_changes(&mut out, a, b);
    out.changes
}

/// The indicator rows' scores, deviations and whether a 偏差原因 is required.
fn indicator_changes(out: &mut Builder, a: &ScoreSheet, b: &ScoreSheet) {
    for (ra, rb) in a.indicators.iter().zip(&b.indicators) {
        let row = Some((ra.level1.as_str(), ra.level2.as_str(), ra.line));
        out.number(
            Subject::Indicator,
            &ra.name,
            row,
            "得分",
            (ra.score, rb.score),
            false,
            (
                RuleRef::from_trace(&ra.score_trace),
                RuleRef::from_trace(&rb.score_trace),
            ),
        );
        out.number(
            Subject::Indicator,
            &ra.name,
            row,
            "偏差度",
            (ra.deviation, rb.deviation),
            true,
            (
                RuleRef::from_trace(&ra.deviation_trace),
                RuleRef::from_trace(&rb.deviation_trace),
            ),
        );
        out.word(
            Subject::Indicator,
            &ra.name,
            row,
            "需说明偏差原因",
            (
                yes_no(ra.explanation_required),
                yes_no(rb.explanation_required),
            ),
            (None, None),
        );
    }
}

/// How many forms moved from one grade to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeMatrix {
    /// Rows: the grades of `from`, in its order.
    pub from_grades: Vec<String>,
    /// Columns: the grades of `to`, in its order.
    pub to_grades: Vec<String>,
    /// `counts[i][j]`: forms graded `from_grades[i]` before and `to_grades[j]` after.
    pub counts: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    pub file: String,
    pub name: String,
    pub from_total: Decimal,
    pub to_total: Decimal,
    pub delta: String,
    pub from_grade: String,
    pub to_grade: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub forms: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub fails_under_from: usize,
    pub fails_under_to: usize,
    pub fails_under_both: usize,
    pub grade_changes: usize,
    pub grades: GradeMatrix,
    /// The forms whose totals moved most, largest first.
    pub largest_moves: Vec<Move>,
}

pub fn summarize(diffs: &[FormDiff], from: &Side, to: &Side, top: usize) -> Summary {
    let count = |s: Status| diffs.iter().filter(|d| d.status == s).count();
    let from_grades: Vec<String> = from.ruleset.grades.iter().map(|g| g.name.clone()).collect();
    let to_grades: Vec<String> = to.ruleset.grades.iter().map(|g| g.name.clone()).collect();
    let mut counts = vec![vec![0usize; to_grades.len()]; from_grades.len()];
    let mut grade_changes = 0;
    for d in diffs {
        if let (Some(a), Some(b)) = (&d.from, &d.to) {
            let i = from_grades.iter().position(|g| *g == a.grade);
            let j = to_grades.iter().position(|g| *g == b.grade);
            if let (Some(i), Some(j)) = (i, j)
                && let Some(cell) = counts.get_mut(i).and_then(|row| row.get_mut(j))
            {
                *cell += 1;
            }
            if a.grade != b.grade {
                grade_changes += 1;
            }
        }
    }
    let mut moves: Vec<(&FormDiff, Decimal)> = diffs
        .iter()
        .filter_map(|d| d.total_delta().filter(|x| !x.is_zero()).map(|x| (d, x)))
        .collect();
    moves.sort_by(|(da, a), (db, b)| b.abs().cmp(&a.abs()).then_with(|| da.file.cmp(&db.file)));
    let largest_moves = moves
        .into_iter()
        .take(top)
        .filter_map(|(d, delta)| {
            let (a, b) = (d.from.as_ref()?, d.to.as_ref()?);
            Some(Move {
                file: d.file.clone(),
                name: d.name.clone(),
                from_total: a.total,
                to_total: b.total,
                delta: signed(delta),
                from_grade: a.grade.clone(),
                to_grade: b.grade.clone(),
            })
        })
        .collect();
    Summary {
        forms: diffs.len(),
        changed: count(Status::Changed),
        unchanged: count(Status::Unchanged),
        fails_under_from: count(Status::FailsUnderFrom),
        fails_under_to: count(Status::FailsUnderTo),
        fails_under_both: count(Status::FailsUnderBoth),
        grade_changes,
        grades: GradeMatrix {
            from_grades,
            to_grades,
            counts,
        },
        largest_moves,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{BUILTIN, load_str};

    fn side(name: &str, text: &str, origin: &str) -> Side {
        Side {
            ruleset: Arc::new(load_str(name, text).unwrap()),
            origin: origin.into(),
        }
    }

    const FORM: &str = r#"
kind = "项目"
year = 2023
project = "测试项目"
department = "测试部门"
[budget]
initial = 100
adjusted = 100
executed = 95
[[sections]]
name = "资金管理情况"
items = [
  { name = "安排科学性", weight = 5, score = 5 },
  { name = "拨付合规性", weight = 5, score = 5 },
  { name = "使用规范性", weight = 5, score = 5 },
  { name = "预算绩效管理情况", weight = 5, score = 5 },
]
[[indicators]]
level1 = "成本指标"
level2 = "经济成本指标"
name = "成本"
target = "≤10万元"
actual = "10万元"
weight = 10
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "数量"
target = "≥150个"
actual = "120个"
weight = 30
[[indicators]]
level1 = "效益指标"
level2 = "社会效益指标"
name = "效益"
target = "明显"
actual = "100%"
weight = 25
[[indicators]]
level1 = "满意度指标"
level2 = "服务对象满意度指标"
name = "满意度"
target = "≥95%"
actual = "96%"
weight = 5
"#;

    #[test]
    fn a_changed_clause_moves_the_indicator_the_total_and_names_both_rules() {
        let (_, name, text) = BUILTIN[0];
        let from = side(name, text, "shipped");
        let draft = text.replace(
            "unmet >= > -> weight * actual / target",
            "unmet >= > -> weight * actual / target / 2",
        );
        let to = side("draft.rules", &draft, "draft.rules");
        let form = crate::form::load_str("t.toml", FORM).unwrap();
        let diff = compare(&form, &from, &to);
        assert_eq!(diff.status, Status::Changed);
        let items: Vec<(&str, &str, &str, &str)> = diff
            .changes
            .iter()
            .map(|c| (c.item.as_str(), c.field, c.from.as_str(), c.to.as_str()))
            .collect();
        // 30 × 120/150 = 24 → 12: the total falls by 12, the grade from 优 (93.5) to 良 (81.5).
        assert_eq!(
            items,
            vec![
                ("自评得分", "得分", "93.50", "81.50"),
                ("等级", "等级", "优", "良"),
                ("数量", "得分", "24.00", "12.00"),
            ]
        );
        let row = &diff.changes[2];
        assert_eq!(row.delta.as_deref(), Some("-12.00"));
        let (a, b) = (
            row.from_rule.as_ref().unwrap(),
            row.to_rule.as_ref().unwrap(),
        );
        assert_eq!(a.rule, "quantitative · unmet ≥ >");
        assert_eq!(a.formula, "weight * actual / target");
        assert_eq!(b.formula, "weight * actual / target / 2");
        assert!(b.source.starts_with("draft.rules:"), "{}", b.source);

        let summary = summarize(&[diff], &from, &to, 5);
        assert_eq!((summary.changed, summary.grade_changes), (1, 1));
        assert_eq!(summary.grades.counts[0][1], 1, "优 → 良");
        assert_eq!(summary.largest_moves[0].delta, "-12.00");
    }

    #[test]
    fn a_form_the_other_template_does_not_fit_fails_under_that_side_only() {
        let (_, name, text) = BUILTIN[0];
        let from = side(name, text, "shipped");
        let (_, cname, ctext) = BUILTIN[1];
        let to = side(cname, ctext, "shipped");
        let form = crate::form::load_str("t.toml", FORM).unwrap();
        let diff = compare(&form, &from, &to);
        assert_eq!(diff.status, Status::FailsUnderTo);
        assert!(diff.from.is_some() && diff.to.is_none());
        assert!(!diff.to_errors.is_empty());
        let summary = summarize(&[diff], &from, &to, 5);
        assert_eq!(summary.fails_under_to, 1);
        assert!(summary.largest_moves.is_empty());
    }

    #[test]
    fn the_same_rules_change_nothing() {
        let (_, name, text) = BUILTIN[0];
        let from = side(name, text, "shipped");
        let to = side("copy.rules", text, "copy.rules");
        let form = crate::form::load_str("t.toml", FORM).unwrap();
        let diff = compare(&form, &from, &to);
        assert_eq!(diff.status, Status::Unchanged);
        assert!(diff.changes.is_empty());
    }
}
