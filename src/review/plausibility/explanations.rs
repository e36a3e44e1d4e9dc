//! Deviations and changes that need a written reason: unmet targets, late full marks, an
//! adjusted budget, under-spending.

use super::{execution_span, round4};
use crate::form::text_of;
use crate::num::{self, percent_text};
use crate::review::{
    BUDGET_ADJUSTED_UNEXPLAINED, Context, Finding, LATE_FULL_MARKS, REASON_REQUIRED,
    UNDER_SPENDING_UNEXPLAINED, UNMET_UNEXPLAINED, setting,
};
use crate::score::{IndicatorKind, Status};

pub(in crate::review) fn unmet_unexplained(cx: &Context, out: &mut Vec<Finding>) {
    for (row, scored) in cx.rows() {
        if scored.status != Status::Unmet || row.has_explanation() {
            continue;
        }
        out.push(
            cx.finding(
                &UNMET_UNEXPLAINED,
                Some(cx.line(&row.actual.span)),
                row.name.value.clone(),
                "偏差原因分析及改进措施",
                format!(
                    "{} 未达成年度指标值（{}，实际 {}），未填写偏差原因分析及改进措施 (the target is not met and no deviation explanation is given)",
                    row.name.value,
                    row.target.text.trim(),
                    row.actual.text.trim()
                ),
            )
            .with("年度指标值 (target)", row.target.text.trim().to_string())
            .with("实际完成值 (actual)", row.actual.text.trim().to_string())
            .with("偏差度 (deviation)", percent_text(scored.deviation)),
        );
    }
}

pub(in crate::review) fn reason_required(cx: &Context, out: &mut Vec<Finding>) {
    let e = &cx.sheet.execution;
    let b = &cx.form.budget;
    if e.explanation_required && !e.has_explanation {
        let rule = cx
            .ruleset
            .template(cx.form.kind.value)
            .and_then(|t| t.execution.explain.as_ref())
            .map(|x| format!("explain execution when {}", x.text))
            .unwrap_or_default();
        let span = b
            .rate
            .as_ref()
            .or(b.executed.as_ref())
            .map_or(&b.span, |r| &r.span);
        out.push(
            cx.finding(
                &REASON_REQUIRED,
                Some(cx.line(span)),
                "执行率",
                "偏差原因",
                format!(
                    "执行率 {} 按评分规则须说明原因，但未填写 (the rules ask for a reason for an execution rate of {}, and none is given)",
                    percent_text(e.rate),
                    percent_text(e.rate)
                ),
            )
            .with("执行率 (execution rate)", percent_text(e.rate))
            .with("规则 (rule)", rule),
        );
    }
    for (row, scored) in cx.rows() {
        if !scored.explanation_required || scored.has_explanation || scored.status == Status::Unmet
        {
            continue;
        }
        let specific = cx
            .ruleset
            .rules_for(&row.level1.value, &row.level2.value, &row.name.value);
        let default = match scored.kind {
            IndicatorKind::Qualitative => &cx.ruleset.qualitative,
            _ => &cx.ruleset.quantitative,
        };
        let rule = specific
            .iter()
            .map(|r| &r.rules)
            .chain(std::iter::once(default))
            .find_map(|r| r.explain.as_ref())
            .map(|x| format!("explain when {}", x.text))
            .unwrap_or_default();
        out.push(
            cx.finding(
                &REASON_REQUIRED,
                Some(cx.line(&row.actual.span)),
                row.name.value.clone(),
                "偏差原因分析及改进措施",
                format!(
                    "{} 按评分规则须说明偏差原因（{}，实际 {}），但未填写 (the rules ask for a 偏差原因 on this row, and none is given)",
                    row.name.value,
                    row.target.text.trim(),
                    row.actual.text.trim()
                ),
            )
            .with("年度指标值 (target)", row.target.text.trim().to_string())
            .with("实际完成值 (actual)", row.actual.text.trim().to_string())
            .with("规则 (rule)", rule),
        );
    }
}

pub(in crate::review) fn late_full_marks(cx: &Context, out: &mut Vec<Finding>) {
    let year = cx.form.year.value;
    for (row, scored) in cx.rows() {
        if !crate::review::design::is_timeliness(row) || scored.status == Status::Unmet {
            continue;
        }
        let Some(claimed) = &scored.claimed_score else {
            continue;
        };
        if claimed.value < scored.weight || scored.weight.is_zero() {
            continue;
        }
        let (target, actual) = (row.target.text.trim(), row.actual.text.trim());
        let (Some(due), Some(done)) = (
            crate::review::design::read_date(target, year),
            crate::review::design::read_date(actual, year),
        ) else {
            continue;
        };
        // A day left out is the month's end on the target, its start on the actual.
        let due = (due.0, due.1, if due.2 == 0 { 31 } else { due.2 });
        if done <= due {
            continue;
        }
        out.push(
            cx.finding(
                &LATE_FULL_MARKS,
                Some(cx.line(&row.actual.span)),
                row.name.value.clone(),
                "实际完成值",
                format!(
                    "{} 实际完成时间 {actual} 晚于指标值 {target}，却申报满分 {} (completed at {actual}, later than the target {target}, yet the row claims its full {})",
                    row.name.value, claimed.text, scored.weight
                ),
            )
            .with("年度指标值 (target)", target.to_string())
            .with("实际完成值 (actual)", actual.to_string())
            .with("申报得分 (claimed)", claimed.text.clone())
            .with("分值 (weight)", scored.weight.to_string())
            .with("复核得分 (computed)", scored.score.to_string()),
        );
    }
}

fn budget_explained(cx: &Context) -> bool {
    cx.form
        .budget
        .explanation
        .as_deref()
        .is_some_and(crate::form::is_a_reason)
}

pub(in crate::review) fn budget_adjusted_unexplained(cx: &Context, out: &mut Vec<Finding>) {
    let b = &cx.form.budget;
    let (Some(initial), Some(adjusted)) = (&b.initial, &b.adjusted) else {
        return;
    };
    if !crate::score::beyond(adjusted.value, initial.value, cx.tolerance()) || budget_explained(cx)
    {
        return;
    }
    let unit = b.unit.name;
    let change = num::sub(adjusted.value, initial.value).unwrap_or_default();
    let share = num::div(change.abs(), initial.value)
        .map(|r| percent_text(round4(r)))
        .unwrap_or_else(|_| "—".into());
    out.push(
        cx.finding(
            &BUDGET_ADJUSTED_UNEXPLAINED,
            Some(cx.line(&adjusted.span)),
            "预算",
            "全年预算数",
            format!(
                "全年预算数 {}{unit} 与年初预算数 {}{unit} 不同（调整 {change}{unit}），未说明调整原因 (the budget was adjusted during the year from {} to {}{unit}, and no reason is given)",
                adjusted.text, initial.text, initial.text, adjusted.text
            ),
        )
        .with("年初预算数 (initial)", format!("{}{unit}", initial.text))
        .with("全年预算数 (adjusted)", format!("{}{unit}", adjusted.text))
        .with("调整 (change)", format!("{change}{unit} ({share})"))
        .with("偏差原因 (reason)", "—"),
    );
}

pub(in crate::review) fn under_spending_unexplained(cx: &Context, out: &mut Vec<Finding>) {
    let e = &cx.sheet.execution;
    let limit = cx.settings().under_spending;
    // The engine's rounded rate, as the form shows it: 89.995% is 90.00%, not below 90%.
    if e.rate >= limit || budget_explained(cx) || e.has_explanation || super::rate_unknown(cx) {
        return;
    }
    let b = &cx.form.budget;
    let span = execution_span(b);
    let rate = percent_text(e.rate);
    let limit_text = setting::UNDER_SPENDING.value_text(limit);
    out.push(
        cx.finding(
            &UNDER_SPENDING_UNEXPLAINED,
            Some(cx.line(span)),
            "执行率",
            "偏差原因",
            format!(
                "执行率 {rate} 低于 {limit_text}，未说明原因 (execution is {rate}, below {limit_text}, and no reason is given)"
            ),
        )
        .with("执行率 (execution rate)", rate)
        .with("全年执行数 (executed)", format!("{}{}", text_of(&b.executed), b.unit.name))
        .with("阈值 (threshold)", setting::UNDER_SPENDING.describe(cx.settings())),
    );
}
