//! Targets that say little: vacuous targets (`≤100%` on a rate that is better higher), derived
//! indicators, actuals far above the target.

use super::{
    CARRYOVER_RATE_NAMES, EXECUTION_RATE_NAMES, LOWER_IS_BETTER_RATES, has, quantities, round4,
};
use crate::form::text_of;
use crate::num::{self, percent_number, percent_text};
use crate::review::{
    Context, DERIVED_INDICATOR, Finding, OVER_ACHIEVEMENT, VACUOUS_TARGET, setting,
};
use crate::score::{IndicatorKind, Status};
use crate::value::{self, Comparator, Target, Unit};
use rust_decimal::Decimal;

fn is_lower_better_rate(name: &str) -> bool {
    // Every spelling ends in 率: most names are out after one scan.
    has(name, "率") && LOWER_IS_BETTER_RATES.iter().any(|w| has(name, w))
}

pub(in crate::review) fn vacuous_target(cx: &Context, out: &mut Vec<Finding>) {
    for (row, _) in cx.rows() {
        let Target::Quantitative {
            comparator: Some(comparator),
            quantity,
        } = &row.target.value
        else {
            continue;
        };
        let name = &row.name.value;
        let reason = match comparator {
            Comparator::Ge if quantity.value.is_zero() => Some((
                "任何实际值（包括 0）都能达成",
                "any actual, 0 included, meets it",
            )),
            Comparator::Le | Comparator::Lt
                if quantity.unit == Unit::Percent
                    && (quantity.value > Decimal::ONE
                        || (*comparator == Comparator::Le && quantity.value == Decimal::ONE))
                    && !is_lower_better_rate(name) =>
            {
                Some((
                    "比率不会超过 100%，上限指标值任何完成率都能达成，0% 也算达成",
                    "a rate cannot exceed 100%, so any rate, 0% included, meets this cap",
                ))
            }
            Comparator::Le | Comparator::Lt if has(&row.level2.value, "数量") => Some((
                "数量指标只设上限，产出为 0 也算达成",
                "a quantity indicator with only an upper bound: zero output meets it",
            )),
            _ => None,
        };
        let Some((chinese, english)) = reason else {
            continue;
        };
        let target = row.target.text.trim();
        out.push(
            cx.finding(
                &VACUOUS_TARGET,
                Some(cx.line(&row.target.span)),
                name.clone(),
                "年度指标值",
                format!("{name} 的年度指标值 {target} 形同虚设：{chinese} (vacuous target {target}: {english})"),
            )
            .with("年度指标值 (target)", target.to_string())
            .with("实际完成值 (actual)", row.actual.text.trim().to_string())
            .with(
                "指标类别 (category)",
                format!("{} / {}", row.level1.value, row.level2.value),
            ),
        );
    }
}

/// The name with quotes and spaces removed, for matching against known indicator names.
fn bare_name(name: &str) -> String {
    name.chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '\'' | '「' | '」' | '‘' | '’')
        })
        .collect()
}

pub(in crate::review) fn derived_indicator(cx: &Context, out: &mut Vec<Finding>) {
    let b = &cx.form.budget;
    let gap_limit = cx.settings().derived_gap;
    for (row, _) in cx.rows() {
        let Some((_, _, actual)) = quantities(row) else {
            continue;
        };
        if actual.unit != Unit::Percent {
            continue;
        }
        // Every rate derived below is named with 率; most rows are not, and are passed over
        // before their name is copied.
        if !has(&row.name.value, "率") {
            continue;
        }
        let name = bare_name(&row.name.value);
        let derived = if has(&name, "预算调整率") {
            let (Some(initial), Some(adjusted)) = (&b.initial, &b.adjusted) else {
                continue;
            };
            let Ok(change) = num::sub(adjusted.value, initial.value) else {
                continue;
            };
            let Ok(rate) = num::div(change.abs(), initial.value) else {
                continue;
            };
            Some((
                cx.ruleset.rounding.rate.apply(rate),
                format!(
                    "|全年预算数 − 年初预算数| / 年初预算数 = |{} − {}| / {}",
                    adjusted.text, initial.text, initial.text
                ),
            ))
        } else if CARRYOVER_RATE_NAMES.iter().any(|n| has(&name, n)) {
            let e = &cx.sheet.execution;
            let field = match e.denominator {
                "年初预算数" => &b.initial,
                _ => &b.adjusted,
            };
            let (Some(field), Some(executed)) = (field, &b.executed) else {
                continue;
            };
            let (budget, budget_text) = (field.value, &field.text);
            let Ok(unspent) = num::sub(budget, executed.value) else {
                continue;
            };
            let Ok(rate) = num::div(unspent.max(Decimal::ZERO), budget) else {
                continue;
            };
            Some((
                cx.ruleset.rounding.rate.apply(rate),
                format!(
                    "({} − 全年执行数) / {} = ({budget_text} − {}) / {budget_text}",
                    e.denominator, e.denominator, executed.text
                ),
            ))
        } else if EXECUTION_RATE_NAMES.contains(&name.as_str()) {
            let e = &cx.sheet.execution;
            let denominator = match e.denominator {
                "年初预算数" => text_of(&b.initial),
                _ => text_of(&b.adjusted),
            };
            Some((
                e.rate,
                format!(
                    "全年执行数 / {} = {} / {}",
                    e.denominator,
                    text_of(&b.executed),
                    denominator
                ),
            ))
        } else {
            None
        };
        let Some((derived, formula)) = derived else {
            continue;
        };
        let Ok(gap) = num::sub(actual.value, derived) else {
            continue;
        };
        let gap = gap.abs();
        if gap <= gap_limit {
            continue;
        }
        let actual_text = row.actual.text.trim();
        let derived_text = percent_text(derived);
        let points = percent_number(gap).map_or_else(|| gap.to_string(), |p| p.to_string());
        out.push(
            cx.finding(
                &DERIVED_INDICATOR,
                Some(cx.line(&row.actual.span)),
                row.name.value.clone(),
                "实际完成值",
                format!(
                    "{} 申报 {actual_text}，按表头预算数推算为 {derived_text} (claimed {actual_text}; the header's budget figures give {derived_text})",
                    row.name.value
                ),
            )
            .with("申报 (claimed)", actual_text.to_string())
            .with("按表头推算 (derived)", derived_text)
            .with("公式 (formula)", formula)
            .with("差距 (gap)", format!("{points} 个百分点 (points)"))
            .with("阈值 (threshold)", setting::DERIVED_GAP.describe(cx.settings())),
        );
    }
}

pub(in crate::review) fn over_achievement(cx: &Context, out: &mut Vec<Finding>) {
    let ratio_limit = cx.settings().over_achievement;
    for (row, scored) in cx.rows() {
        if scored.kind != IndicatorKind::Quantitative
            || scored.status != Status::Met
            || row.has_explanation()
        {
            continue;
        }
        let Some((comparator, target, actual)) = quantities(row) else {
            continue;
        };
        let comparator = comparator.unwrap_or(cx.ruleset.bare);
        if !matches!(comparator, Comparator::Ge | Comparator::Gt) {
            continue;
        }
        let Ok((t, a)) = value::align(target, actual) else {
            continue;
        };
        if t <= Decimal::ZERO {
            continue;
        }
        let Ok(ratio) = num::div(a, t) else { continue };
        if ratio < ratio_limit {
            continue;
        }
        let ratio_text = percent_text(round4(ratio));
        let limit = setting::OVER_ACHIEVEMENT.value_text(ratio_limit);
        out.push(
            cx.finding(
                &OVER_ACHIEVEMENT,
                Some(cx.line(&row.actual.span)),
                row.name.value.clone(),
                "实际完成值",
                format!(
                    "{} 实际完成值 {} 为年度指标值 {} 的 {ratio_text}（达到 {limit}），未说明偏差原因 (the actual is {ratio_text} of the target, at least {limit}, and no 偏差原因 is given: was the target set too low?)",
                    row.name.value,
                    row.actual.text.trim(),
                    row.target.text.trim()
                ),
            )
            .with("年度指标值 (target)", row.target.text.trim().to_string())
            .with("实际完成值 (actual)", row.actual.text.trim().to_string())
            .with("完成比例 (actual / target)", ratio_text)
            .with(
                "阈值 (threshold)",
                setting::OVER_ACHIEVEMENT.describe(cx.settings()),
            ),
        );
    }
}
