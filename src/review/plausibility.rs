//! Plausibility: what a reviewer should look at — copied values, vacuous targets, costs above the
//! spend, figures that contradict the header. Warnings: each needs a human to judge.

use super::{
    BUDGET_ADJUSTED_UNEXPLAINED, COPIED_ACTUALS, COPIED_TEXT, COST_EXCEEDS_SPEND, Context,
    DERIVED_INDICATOR, Finding, LATE_FULL_MARKS, LOW_EXECUTION_FULL_MARKS, MONEY_UNIT,
    OVER_ACHIEVEMENT, REASON_REQUIRED, UNDER_SPENDING_UNEXPLAINED, UNMET_UNEXPLAINED,
    VACUOUS_TARGET, setting, similarity,
};
use crate::form::Indicator;
use crate::form::{text_of, value_of};
use crate::num::{self, Rounding, RoundingMode, percent_number, percent_text};
use crate::rules::FormKind;
use crate::score::{IndicatorKind, Status};
use crate::value::{self, Actual, Comparator, Quantity, Target, Unit};
use rust_decimal::Decimal;

/// 万元 in 元.
const WAN: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// Rates for which lower is better, so that a cap such as `≤100%` is a real limit.
pub const LOWER_IS_BETTER_RATES: &[&str] = &[
    "控制率",
    "调整率",
    "结余率",
    "结转率",
    "超支率",
    "差错率",
    "误差率",
    "投诉率",
    "发生率",
    "事故率",
    "失误率",
    "损失率",
    "空置率",
    "返工率",
    "不合格率",
    "逾期率",
    "超标率",
    "违规率",
];

/// Indicator names that mean the budget execution rate.
pub const EXECUTION_RATE_NAMES: &[&str] = &[
    "预算执行率",
    "资金执行率",
    "项目资金执行率",
    "预算资金执行率",
    "财政资金执行率",
    "部门预算执行率",
    "执行率",
];

/// Indicator names that mean the share of the budget left unspent (结转结余).
pub const CARRYOVER_RATE_NAMES: &[&str] = &["结转结余率", "结余结转率", "结余率", "结转率"];

/// Rows needed before a share of copied actuals means anything.
const MIN_COMPARABLE_ROWS: usize = 3;

fn round4(x: Decimal) -> Decimal {
    Rounding::new(4, RoundingMode::HalfUp).apply(x)
}

fn quantities(row: &Indicator) -> Option<(Option<Comparator>, &Quantity, &Quantity)> {
    match (&row.target.value, &row.actual.value) {
        (
            Target::Quantitative {
                comparator,
                quantity,
            },
            Actual::Quantity(actual),
        ) => Some((*comparator, quantity, actual)),
        _ => None,
    }
}

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

pub(super) fn copied_actuals(cx: &Context, out: &mut Vec<Finding>) {
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

pub(super) fn copied_text(cx: &Context, out: &mut Vec<Finding>) {
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

/// Whether `needle` occurs in `haystack`. Indicator names are a few dozen bytes: a plain scan
/// beats `str::contains`, whose searcher is built anew for every call (every row, every check).
fn has(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w == n)
}

fn is_output(level1: &str) -> bool {
    has(level1, "产出")
}

pub(super) fn low_execution_full_marks(cx: &Context, out: &mut Vec<Finding>) {
    let e = &cx.sheet.execution;
    let threshold = cx.settings().low_execution;
    if e.rate >= threshold {
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

pub(super) fn cost_exceeds_spend(cx: &Context, out: &mut Vec<Finding>) {
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

pub(super) fn money_unit(cx: &Context, out: &mut Vec<Finding>) {
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

fn is_lower_better_rate(name: &str) -> bool {
    // Every spelling ends in 率: most names are out after one scan.
    has(name, "率") && LOWER_IS_BETTER_RATES.iter().any(|w| has(name, w))
}

pub(super) fn vacuous_target(cx: &Context, out: &mut Vec<Finding>) {
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

pub(super) fn derived_indicator(cx: &Context, out: &mut Vec<Finding>) {
    let b = &cx.form.budget;
    let gap_limit = cx.settings().derived_gap;
    for (row, _) in cx.rows() {
        let Some((_, _, actual)) = quantities(row) else {
            continue;
        };
        if actual.unit != Unit::Percent {
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

pub(super) fn over_achievement(cx: &Context, out: &mut Vec<Finding>) {
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

pub(super) fn unmet_unexplained(cx: &Context, out: &mut Vec<Finding>) {
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

pub(super) fn reason_required(cx: &Context, out: &mut Vec<Finding>) {
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

pub(super) fn late_full_marks(cx: &Context, out: &mut Vec<Finding>) {
    let year = cx.form.year.value;
    for (row, scored) in cx.rows() {
        if !super::design::is_timeliness(row) || scored.status == Status::Unmet {
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
            super::design::read_date(target, year),
            super::design::read_date(actual, year),
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

/// Where a finding about the execution rate points: the printed rate, else the executed amount,
/// else the budget block.
fn execution_span(b: &crate::form::Budget) -> &crate::form::Span {
    b.rate
        .as_ref()
        .or(b.executed.as_ref())
        .map_or(&b.span, |r| &r.span)
}

fn budget_explained(cx: &Context) -> bool {
    cx.form
        .budget
        .explanation
        .as_deref()
        .is_some_and(crate::form::is_a_reason)
}

pub(super) fn budget_adjusted_unexplained(cx: &Context, out: &mut Vec<Finding>) {
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

pub(super) fn under_spending_unexplained(cx: &Context, out: &mut Vec<Finding>) {
    let e = &cx.sheet.execution;
    let limit = cx.settings().under_spending;
    // The engine's rounded rate, as the form shows it: 89.995% is 90.00%, not below 90%.
    if e.rate >= limit || budget_explained(cx) || e.has_explanation {
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
