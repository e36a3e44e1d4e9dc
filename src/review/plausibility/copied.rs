//! Values copied between rows: the same actual on most rows, the same explanation text.

use super::round4;
use crate::form::Indicator;
use crate::num::{self, percent_text};
use crate::review::{COPIED_ACTUALS, COPIED_TEXT, Context, Finding, setting, similarity};
use crate::rules::FormKind;
use crate::value::{self, Actual, Quantity, Target, Unit};
use rust_decimal::Decimal;

/// Rows needed before a share of copied actuals means anything.
const MIN_COMPARABLE_ROWS: usize = 3;

/// A target of 100%: `100%`, or a bare `100` on a row whose name is a rate (`资金支付率` printing
/// only completion rates, where 100 means 100%).
fn is_full_rate(q: &Quantity, name: &str) -> bool {
    (q.unit == Unit::Percent && q.value == Decimal::ONE)
        || (q.unit == Unit::None && q.value == Decimal::ONE_HUNDRED && name.trim().ends_with('率'))
}

fn arrow(row: &Indicator) -> String {
    format!(
        "{} {}→{}",
        row.name.value,
        row.target.text.trim(),
        row.actual.text.trim()
    )
}

pub(in crate::review) fn copied_actuals(cx: &Context, out: &mut Vec<Finding>) {
    let mut copied: Vec<&Indicator> = Vec::new();
    let mut kept: Vec<&Indicator> = Vec::new();
    for (row, _) in cx.rows() {
        let is_copy = match (&row.target.value, &row.actual.value) {
            (Target::Quantitative { quantity, .. }, Actual::Quantity(actual)) => {
                if is_full_rate(quantity, &row.name.value) {
                    continue;
                }
                matches!(value::align(quantity, actual), Ok((t, a)) if t == a)
            }
            (Target::Qualitative { text, .. }, Actual::Word(word)) => word.trim() == text.trim(),
            _ => continue,
        };
        if is_copy {
            copied.push(row);
        } else {
            kept.push(row);
        }
    }
    let comparable = copied.len() + kept.len();
    if comparable < MIN_COMPARABLE_ROWS || copied.is_empty() {
        return;
    }
    let Ok(share) = num::div(Decimal::from(copied.len()), Decimal::from(comparable)) else {
        return;
    };
    let threshold = cx.settings().copied_actuals;
    if share < threshold {
        return;
    }
    let share_text = percent_text(round4(share));
    let Some(first) = copied.first() else { return };
    let list = |rows: &[&Indicator]| {
        if rows.is_empty() {
            "—".to_string()
        } else {
            rows.iter().map(|r| arrow(r)).collect::<Vec<_>>().join("；")
        }
    };
    out.push(
        cx.finding(
            &COPIED_ACTUALS,
            Some(cx.line(&first.actual.span)),
            "三级指标 (all rows)",
            "实际完成值",
            format!(
                "{} 行中有 {} 行的实际完成值与年度指标值相同（{share_text}），疑似照抄指标值 ({} of {} comparable actuals repeat their targets ({share_text}): copied from the targets?)",
                comparable,
                copied.len(),
                copied.len(),
                comparable
            ),
        )
        .with("照抄 (copied)", list(&copied))
        .with("不同 (differ)", list(&kept))
        .with("比例 (share)", format!("{}/{comparable} = {share_text}", copied.len()))
        .with(
            "阈值 (threshold)",
            setting::COPIED_ACTUALS.describe(cx.settings()),
        )
        .with(
            "不计 (not counted)",
            "目标为 100% 的比率、不适用的行 (rates with a 100% target, rows not applicable)",
        ),
    );
}

pub(in crate::review) fn copied_text(cx: &Context, out: &mut Vec<Finding>) {
    let form = cx.form;
    let threshold = cx.settings().similarity;
    let objective_row = match form.kind.value {
        FormKind::Project => "年度总体目标",
        FormKind::Department => "年度履职目标",
    };
    let mut pairs: Vec<(String, &str, &str, &str, Option<usize>)> = Vec::new();
    if let (Some(expected), Some(achieved)) = (&form.objective.expected, &form.objective.achieved) {
        pairs.push((
            objective_row.to_string(),
            "预期目标",
            &expected.value,
            &achieved.value,
            Some(cx.line(&achieved.span)),
        ));
    }
    for task in &form.tasks {
        if let (Some(content), Some(achieved)) = (&task.content, &task.achieved) {
            pairs.push((
                task.name.clone(),
                "主要内容",
                content,
                achieved,
                task.achieved_span.as_ref().map(|s| cx.line(s)),
            ));
        }
    }
    for (row, against, expected, achieved, line) in pairs {
        let Some(sim) = similarity::similarity(expected, achieved) else {
            continue;
        };
        if sim < threshold {
            continue;
        }
        let sim_text = percent_text(round4(sim));
        let english = if against == "预期目标" {
            "the expected objective"
        } else {
            "the task's planned content"
        };
        out.push(
            cx.finding(
                &COPIED_TEXT,
                line,
                row,
                "实际完成情况",
                format!(
                    "实际完成情况与{against}的文字相似度为 {sim_text}，几乎照抄 (the achieved text is {sim_text} similar to {english}: copied?)"
                ),
            )
            .with("相似度 (similarity)", sim_text)
            .with("阈值 (threshold)", setting::SIMILARITY.describe(cx.settings()))
            .with(
                "度量 (measure)",
                "字符二元组 Dice 系数，去除空白和标点 (character-bigram Dice, whitespace and punctuation removed)",
            )
            .with(
                "字数 (characters)",
                format!(
                    "{against} {} / 实际完成情况 {}",
                    similarity::normalize(expected).len(),
                    similarity::normalize(achieved).len()
                ),
            ),
        );
    }
}
