//! Money against the budget: full marks beside a low execution rate, costs above the spend,
//! money written in the wrong unit.

use super::{execution_span, has, quantities};
use crate::form::Indicator;
use crate::form::{text_of, value_of};
use crate::num::{self, percent_text};
use crate::review::{
    COST_EXCEEDS_SPEND, Context, Finding, LOW_EXECUTION_FULL_MARKS, MONEY_UNIT, setting,
};
use crate::value::{self, Quantity, Unit};
use rust_decimal::Decimal;

/// 万元 in 元.
const WAN: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

fn is_output(level1: &str) -> bool {
    has(level1, "产出")
}

pub(in crate::review) fn low_execution_full_marks(cx: &Context, out: &mut Vec<Finding>) {
    let e = &cx.sheet.execution;
    let threshold = cx.settings().low_execution;
    if e.rate >= threshold || super::rate_unknown(cx) {
        return;
    }
    let outputs: Vec<_> = cx
        .rows()
        .filter(|(_, s)| is_output(&s.level1) && !s.weight.is_zero())
        .collect();
    if outputs.is_empty() {
        return;
    }
    let all_full = outputs.iter().all(|(_, s)| {
        s.claimed_score
            .as_ref()
            .is_some_and(|c| c.value >= s.weight)
    });
    if !all_full {
        return;
    }
    let Ok(weights) = num::sum(outputs.iter().map(|(_, s)| s.weight)) else {
        return;
    };
    let b = &cx.form.budget;
    let span = execution_span(b);
    let rate = percent_text(e.rate);
    let limit = setting::LOW_EXECUTION.value_text(threshold);
    out.push(
        cx.finding(
            &LOW_EXECUTION_FULL_MARKS,
            Some(cx.line(span)),
            "执行率",
            "执行率",
            format!(
                "执行率仅 {rate}（低于 {limit}），{} 个产出指标却全部申报满分 (execution is only {rate}, below {limit}, yet all {} output indicators claim full marks)",
                outputs.len(),
                outputs.len()
            ),
        )
        .with("执行率 (execution rate)", rate)
        .with("全年执行数 (executed)", format!("{}{}", text_of(&b.executed), b.unit.name))
        .with(
            format!("{} (budget)", e.denominator),
            format!(
                "{}{}",
                match e.denominator {
                    "年初预算数" => text_of(&b.initial),
                    _ => text_of(&b.adjusted),
                },
                b.unit.name
            ),
        )
        .with(
            "产出指标 (outputs)",
            format!("{} 行，申报得分合计 {weights} / 分值 {weights}", outputs.len()),
        )
        .with("阈值 (threshold)", setting::LOW_EXECUTION.describe(cx.settings())),
    );
}

fn is_cost(row: &Indicator) -> bool {
    has(&row.level1.value, "成本") || has(&row.level2.value, "成本")
}

/// A money actual in 元: money as written, or a bare number read in a money target's unit.
fn money_in_yuan(target: &Quantity, actual: &Quantity) -> Option<Decimal> {
    match (&target.unit, &actual.unit) {
        (_, Unit::Money) => Some(actual.value),
        (Unit::Money, Unit::None) => value::align(target, actual).ok().map(|(_, a)| a),
        _ => None,
    }
}

fn wan_text(yuan: Decimal) -> String {
    match yuan.checked_div(WAN) {
        Some(w) => format!("{}万元", w.normalize()),
        None => format!("{yuan}元"),
    }
}

pub(in crate::review) fn cost_exceeds_spend(cx: &Context, out: &mut Vec<Finding>) {
    let mut rows: Vec<(&Indicator, Decimal)> = Vec::new();
    for (row, _) in cx.rows() {
        if !is_cost(row) {
            continue;
        }
        if let Some((_, target, actual)) = quantities(row)
            && let Some(yuan) = money_in_yuan(target, actual)
        {
            rows.push((row, yuan));
        }
    }
    let Some((first, _)) = rows.first() else {
        return;
    };
    let b = &cx.form.budget;
    let Some(executed) = value_of(&b.executed) else {
        return;
    };
    let unit = Decimal::from(b.unit.yuan);
    let (Ok(sum), Ok(spent), Ok(slack)) = (
        num::sum(rows.iter().map(|(_, y)| *y)),
        num::mul(executed, unit),
        num::mul(cx.tolerance(), unit),
    ) else {
        return;
    };
    let Ok(excess) = num::sub(sum, spent) else {
        return;
    };
    if excess <= slack {
        return;
    }
    let mut f = cx.finding(
        &COST_EXCEEDS_SPEND,
        Some(cx.line(&first.actual.span)),
        "成本指标",
        "实际完成值",
        format!(
            "成本指标实际完成值合计 {}，超过全年执行数 {}{} (the cost actuals add up to {}, more than the {}{} spent)",
            wan_text(sum),
            text_of(&b.executed),
            b.unit.name,
            wan_text(sum),
            text_of(&b.executed),
            b.unit.name
        ),
    );
    for (row, _) in &rows {
        f = f.with(
            format!("{} (第{}行)", row.name.value, cx.line(&row.actual.span)),
            row.actual.text.trim().to_string(),
        );
    }
    out.push(
        f.with("合计 (sum)", wan_text(sum))
            .with(
                "全年执行数 (executed)",
                format!("{}{}", text_of(&b.executed), b.unit.name),
            )
            .with("超出 (excess)", wan_text(excess)),
    );
}

pub(in crate::review) fn money_unit(cx: &Context, out: &mut Vec<Finding>) {
    let b = &cx.form.budget;
    let headers: Vec<(&str, &str, &crate::form::Field<Decimal>)> = [
        ("全年执行数", "executed amount", &b.executed),
        ("全年预算数", "adjusted budget", &b.adjusted),
    ]
    .into_iter()
    .filter_map(|(h, e, f)| f.as_ref().map(|f| (h, e, f)))
    .collect();
    let unit = b.unit.name;
    for (row, _) in cx.rows() {
        let Some((_, _, actual)) = quantities(row) else {
            continue;
        };
        if actual.unit != Unit::Money || actual.written_unit == unit {
            continue;
        }
        let Some(written) = actual.written_value() else {
            continue;
        };
        let Some((header, english, field)) = headers
            .iter()
            .find(|(_, _, f)| !f.value.is_zero() && f.value == written)
        else {
            continue;
        };
        let as_wan = num::mul(field.value, Decimal::from(b.unit.yuan))
            .map(|y| format!("{}{unit} = {}元", field.text, y.normalize()))
            .unwrap_or_else(|_| format!("{}{unit}", field.text));
        let actual_text = row.actual.text.trim();
        out.push(
            cx.finding(
                &MONEY_UNIT,
                Some(cx.line(&row.actual.span)),
                row.name.value.clone(),
                "实际完成值",
                format!(
                    "实际完成值 {actual_text} 与{header} {}{unit} 数字相同而单位不同，疑似把{unit}写成了{} (the actual {actual_text} has the number of the {english}, {}{unit}, in another unit: {unit} written as {}?)",
                    field.text, actual.written_unit, field.text, actual.written_unit
                ),
            )
            .with("实际完成值 (actual)", actual_text.to_string())
            .with(format!("{header} ({english})"), as_wan)
            .with("年度指标值 (target)", row.target.text.trim().to_string()),
        );
    }
}
