//! Claimed against computed: every figure the form claims, held against the rules' figure.
//!
//! The engine already compares them ([`ScoreSheet::mismatches`]); this turns each mismatch into a
//! finding with both figures, the formula and its inputs.

use super::{
    Check, Context, DEVIATION_MISMATCH, EXECUTION_SCORE_MISMATCH, Finding, GRADE_MISMATCH,
    RATE_MISMATCH, SCORE_MISMATCH, TOTAL_MISMATCH,
};
use crate::score::{Mismatch, MismatchKind, ScoreSheet, Trace};

pub(super) fn rate_mismatch(cx: &Context, out: &mut Vec<Finding>) {
    run(cx, &RATE_MISMATCH, out);
}

pub(super) fn execution_score_mismatch(cx: &Context, out: &mut Vec<Finding>) {
    run(cx, &EXECUTION_SCORE_MISMATCH, out);
}

pub(super) fn score_mismatch(cx: &Context, out: &mut Vec<Finding>) {
    run(cx, &SCORE_MISMATCH, out);
}

pub(super) fn deviation_mismatch(cx: &Context, out: &mut Vec<Finding>) {
    run(cx, &DEVIATION_MISMATCH, out);
}

pub(super) fn total_mismatch(cx: &Context, out: &mut Vec<Finding>) {
    run(cx, &TOTAL_MISMATCH, out);
}

pub(super) fn grade_mismatch(cx: &Context, out: &mut Vec<Finding>) {
    run(cx, &GRADE_MISMATCH, out);
}

/// The findings of one claimed-against-computed check: the engine's mismatches of its kind.
fn run(cx: &Context, wanted: &Check, out: &mut Vec<Finding>) {
    out.extend(
        cx.mismatches()
            .iter()
            .filter(|m| check_of(m).code == wanted.code)
            .map(|m| finding(cx, m)),
    );
}

/// Which check a mismatch is for, by the figure it is about.
fn check_of(m: &Mismatch) -> &'static Check {
    match m.kind {
        MismatchKind::ExecutionRate | MismatchKind::SourceRate => &RATE_MISMATCH,
        MismatchKind::ExecutionScore => &EXECUTION_SCORE_MISMATCH,
        MismatchKind::ItemScore | MismatchKind::IndicatorScore => &SCORE_MISMATCH,
        MismatchKind::Deviation => &DEVIATION_MISMATCH,
        MismatchKind::Total => &TOTAL_MISMATCH,
        MismatchKind::Grade => &GRADE_MISMATCH,
    }
}

fn finding(cx: &Context, m: &Mismatch) -> Finding {
    let sheet = cx.sheet;
    let line = Some(m.line);
    // Rates and deviations sit in columns headed `%`, where the unit is often left out.
    let claimed = match m.kind.is_percent() {
        true => percent_cell(&m.claimed),
        false => m.claimed.trim().to_string(),
    };
    let m = &Mismatch {
        claimed,
        ..m.clone()
    };
    let base = |check, message: String| {
        cx.finding(check, line, m.row.clone(), m.kind.field(), message)
            .with("申报 (claimed)", m.claimed.clone())
            .with("复核 (computed)", m.computed.clone())
    };
    let f = match m.kind {
        MismatchKind::ExecutionRate | MismatchKind::SourceRate => {
            let (executed, budget) = rate_inputs(cx, m);
            base(
                &RATE_MISMATCH,
                format!(
                    "{}执行率申报 {}，按{}计算为 {} (the claimed execution rate {} differs from the computed {})",
                    row_prefix(&m.row),
                    m.claimed,
                    sheet.execution.denominator,
                    m.computed,
                    m.claimed,
                    m.computed
                ),
            )
            .with(
                "公式 (formula)",
                format!("全年执行数 / {}", sheet.execution.denominator),
            )
            // In the form's own unit (元 on a form that prints its budget in 元).
            .with(
                "全年执行数 (executed)",
                format!("{executed}{}", cx.form.budget.unit.name),
            )
            .with(
                format!("{} (budget)", sheet.execution.denominator),
                format!("{budget}{}", cx.form.budget.unit.name),
            )
        }
        MismatchKind::ExecutionScore => base(
            &EXECUTION_SCORE_MISMATCH,
            format!(
                "执行率得分申报 {}，按规则计算为 {} (the claimed execution score {} differs from the computed {})",
                m.claimed, m.computed, m.claimed, m.computed
            ),
        ),
        MismatchKind::ItemScore | MismatchKind::IndicatorScore => base(
            &SCORE_MISMATCH,
            format!(
                "{} 得分申报 {}，按规则计算为 {} (the claimed score {} differs from the computed {})",
                m.row, m.claimed, m.computed, m.claimed, m.computed
            ),
        ),
        MismatchKind::Deviation => base(
            &DEVIATION_MISMATCH,
            format!(
                "{} 偏差度申报 {}，按规则计算为 {} (the claimed deviation {} differs from the computed {})",
                m.row, m.claimed, m.computed, m.claimed, m.computed
            ),
        ),
        MismatchKind::Total => base(
            &TOTAL_MISMATCH,
            format!(
                "自评得分申报 {}，复核得分为 {} (the claimed total {} differs from the recomputed {})",
                m.claimed, m.computed, m.claimed, m.computed
            ),
        ),
        MismatchKind::Grade => base(
            &GRADE_MISMATCH,
            format!(
                "申报等级为{}，复核总分 {} 对应的等级为{} (the claimed grade {} is not the grade of the recomputed total {}, which is {})",
                m.claimed, sheet.total, m.computed, m.claimed, sheet.total, m.computed
            ),
        )
        .with("复核自评得分 (recomputed total)", sheet.total.to_string()),
    };
    let f = match (&m.formula, m.kind) {
        (_, MismatchKind::ExecutionRate | MismatchKind::SourceRate) => f,
        (Some(formula), _) => f.with("公式 (formula)", formula.clone()),
        (None, _) => f,
    };
    match trace_for(sheet, m) {
        Some(trace) => with_trace(f, trace),
        None => f,
    }
}

/// A claimed percentage as the reader expects it: `96.00` in a `%` column is `96.00%`.
fn percent_cell(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['%', '％']) {
        text.to_string()
    } else {
        format!("{text}%")
    }
}

fn row_prefix(row: &str) -> String {
    if row == "执行率" {
        String::new()
    } else {
        format!("{row} ")
    }
}

/// The executed and budget figures behind a rate: the form's total row or a fund-source row.
fn rate_inputs(cx: &Context, m: &Mismatch) -> (String, String) {
    let b = &cx.form.budget;
    let denominator_is_initial = cx.sheet.execution.denominator == "年初预算数";
    let pick = |initial: &Option<crate::form::Field<_>>,
                adjusted: &Option<crate::form::Field<_>>| {
        crate::form::text_of(if denominator_is_initial {
            initial
        } else {
            adjusted
        })
        .to_string()
    };
    let source = b.sources.iter().find(|s| {
        s.rate
            .as_ref()
            .is_some_and(|r| cx.line(&r.span) == m.line && s.name.value == m.row)
    });
    match source {
        Some(s) => (
            crate::form::text_of(&s.executed).to_string(),
            pick(&s.initial, &s.adjusted),
        ),
        None => (
            crate::form::text_of(&b.executed).to_string(),
            pick(&b.initial, &b.adjusted),
        ),
    }
}

/// The trace of the figure a mismatch is about, when the sheet was scored with traces.
fn trace_for<'s>(sheet: &'s ScoreSheet, m: &Mismatch) -> Option<&'s Trace> {
    let e = &sheet.execution;
    match m.kind {
        MismatchKind::ExecutionScore => e.trace.as_ref(),
        MismatchKind::IndicatorScore => sheet
            .indicators
            .iter()
            .find(|r| r.claimed_score.as_ref().map(|c| c.line) == Some(m.line))
            .and_then(|r| r.score_trace.as_ref()),
        MismatchKind::Deviation => sheet
            .indicators
            .iter()
            .find(|r| r.claimed_deviation.as_ref().map(|c| c.line) == Some(m.line))
            .and_then(|r| r.deviation_trace.as_ref()),
        MismatchKind::Total => sheet.total_trace.as_ref(),
        MismatchKind::ExecutionRate
        | MismatchKind::SourceRate
        | MismatchKind::ItemScore
        | MismatchKind::Grade => None,
    }
}

fn with_trace(f: Finding, trace: &Trace) -> Finding {
    let f = f.with("规则 (rule)", format!("{} ({})", trace.rule, trace.source));
    if trace.inputs.is_empty() {
        return f;
    }
    let inputs: Vec<String> = trace
        .inputs
        .iter()
        .map(|i| format!("{} = {}", i.name, i.value))
        .collect();
    f.with("输入 (inputs)", inputs.join(", "))
}
