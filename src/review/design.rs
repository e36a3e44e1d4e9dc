//! Indicator design (指标设置): how the targets are set, as a re-check team (自评复核) reads them —
//! a floor on a cost, one indicator counted twice, execution scored again as an output,
//! satisfaction without a survey, a percentage of nothing, a rate above 100%, a deadline after
//! the year. Each is a defect the published re-check standards score 0 or cut.

use super::{
    COST_FLOOR, Context, DEADLINE_AFTER_YEAR, DUPLICATE_INDICATOR, Finding, RATE_TARGET_ABOVE_100,
    SATISFACTION_NO_SURVEY, SPENDING_RATE_OUTPUT, UNMEASURABLE_BENEFIT,
};
use crate::form::Indicator;
use crate::num::percent_text;
use crate::value::{Actual, Comparator, Target, Unit};
use rust_decimal::Decimal;

fn has(haystack: &str, needle: &str) -> bool {
    haystack.contains(needle)
}

pub(super) fn is_cost(row: &Indicator) -> bool {
    has(&row.level1.value, "成本") || has(&row.level2.value, "成本")
}

fn is_output(row: &Indicator) -> bool {
    has(&row.level1.value, "产出")
}

pub(super) fn is_satisfaction(row: &Indicator) -> bool {
    [&row.level1.value, &row.level2.value, &row.name.value]
        .iter()
        .any(|t| has(t, "满意"))
}

fn is_benefit(row: &Indicator) -> bool {
    has(&row.level1.value, "效益") && !is_satisfaction(row)
}

/// The name with spaces and quotes removed, for comparing names.
fn bare(name: &str) -> String {
    name.chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '\'' | '「' | '」' | '‘' | '’')
        })
        .collect()
}

fn target_text(row: &Indicator) -> String {
    row.target.text.trim().to_string()
}

fn actual_text(row: &Indicator) -> String {
    row.actual.text.trim().to_string()
}

fn row_evidence(f: Finding, row: &Indicator) -> Finding {
    f.with(
        "指标 (indicator)",
        format!(
            "{} / {} / {}",
            row.level1.value, row.level2.value, row.name.value
        ),
    )
    .with("年度指标值 (target)", target_text(row))
    .with("实际完成值 (actual)", actual_text(row))
}

pub(super) fn cost_floor(cx: &Context, out: &mut Vec<Finding>) {
    for (row, _) in cx.rows() {
        if !is_cost(row) {
            continue;
        }
        let Target::Quantitative {
            comparator: Some(comparator @ (Comparator::Ge | Comparator::Gt)),
            ..
        } = &row.target.value
        else {
            continue;
        };
        let sign = if *comparator == Comparator::Ge {
            "≥"
        } else {
            ">"
        };
        let target = target_text(row);
        out.push(row_evidence(
            cx.finding(
                &COST_FLOOR,
                Some(cx.line(&row.target.span)),
                row.name.value.clone(),
                "年度指标值",
                format!(
                    "成本指标 {} 的指标值 {target} 用了「{sign}」：成本只能设上限（≤、<），设下限等于鼓励多花钱 (the cost indicator's target {target} is a floor: a cost takes ≤ or <; a floor rewards spending more)",
                    row.name.value
                ),
            ),
            row,
        ));
    }
}

pub(super) fn duplicate_indicator(cx: &Context, out: &mut Vec<Finding>) {
    // A department form lists its key tasks under 产出 and their effect under 效益 by design.
    if cx.form.kind.value != crate::rules::FormKind::Project {
        return;
    }
    let outputs: Vec<(&Indicator, String)> = cx
        .rows()
        .filter(|(r, _)| is_output(r))
        .map(|(r, _)| (r, bare(&r.name.value)))
        .collect();
    if outputs.is_empty() {
        return;
    }
    for (row, _) in cx.rows() {
        if !has(&row.level1.value, "效益") {
            continue;
        }
        let name = bare(&row.name.value);
        let Some((output, _)) = outputs.iter().find(|(_, n)| *n == name) else {
            continue;
        };
        out.push(
            cx.finding(
                &DUPLICATE_INDICATOR,
                Some(cx.line(&row.name.span)),
                row.name.value.clone(),
                "三级指标",
                format!(
                    "三级指标 {} 同时设在产出指标（第{}行）和效益指标下：复核只计其一，另一项记 0 分 (the same indicator is set under both 产出 (line {}) and 效益: a re-check counts one and scores the other 0)",
                    row.name.value,
                    cx.line(&output.name.span),
                    cx.line(&output.name.span)
                ),
            )
            .with(
                format!("产出 (第{}行)", cx.line(&output.name.span)),
                format!(
                    "{} / {}：{} → {}",
                    output.level2.value,
                    output.name.value,
                    target_text(output),
                    actual_text(output)
                ),
            )
            .with(
                format!("效益 (第{}行)", cx.line(&row.name.span)),
                format!(
                    "{} / {}：{} → {}",
                    row.level2.value,
                    row.name.value,
                    target_text(row),
                    actual_text(row)
                ),
            ),
        );
    }
}

/// Rates of spending: execution is scored in its own section, not again as an output.
pub const SPENDING_RATE_NAMES: &[&str] = &[
    "资金支付率",
    "预算执行率",
    "资金到位率",
    "资金执行率",
    "支付进度",
    "资金拨付率",
    "预算支出率",
];

pub(super) fn spending_rate_output(cx: &Context, out: &mut Vec<Finding>) {
    for (row, _) in cx.rows() {
        if !is_output(row) {
            continue;
        }
        let name = bare(&row.name.value);
        let Some(rate) = SPENDING_RATE_NAMES.iter().find(|n| has(&name, n)) else {
            continue;
        };
        out.push(row_evidence(
            cx.finding(
                &SPENDING_RATE_OUTPUT,
                Some(cx.line(&row.name.span)),
                row.name.value.clone(),
                "三级指标",
                format!(
                    "{} 是资金使用指标（{rate}），不是{}：预算执行已在执行率一项计分 (the row measures spending ({rate}), not an output of {}: execution is already scored in its own section)",
                    row.name.value, row.level2.value, row.level2.value
                ),
            ),
            row,
        ));
    }
}

/// Words that say complaints were counted, not satisfaction surveyed.
const COMPLAINT_WORDS: &[&str] = &["投诉", "差评", "举报"];

pub(super) fn satisfaction_no_survey(cx: &Context, out: &mut Vec<Finding>) {
    for (row, _) in cx.rows() {
        if !is_satisfaction(row) {
            continue;
        }
        let actual = actual_text(row);
        let target = target_text(row);
        let complaint = COMPLAINT_WORDS
            .iter()
            .find(|w| has(&actual, w) || has(&target, w));
        let measured = |unit: &Unit| matches!(unit, Unit::Percent | Unit::None);
        let target_measured = matches!(&row.target.value, Target::Quantitative { quantity, .. } if measured(&quantity.unit));
        let actual_measured = matches!(&row.actual.value, Actual::Quantity(q) if measured(&q.unit));
        let applicable = !matches!(row.target.value, Target::NotApplicable)
            && !matches!(row.actual.value, Actual::NotApplicable);
        let (chinese, english) = match complaint {
            Some(w) => (
                format!("以「{w}」情况代替满意度调查"),
                format!("counts complaints ({w}) instead of surveying satisfaction"),
            ),
            None if applicable && !(target_measured && actual_measured) => (
                "指标值或实际完成值没有满意度的度量（如 ≥90%）".to_string(),
                "the target or the actual names no measure of satisfaction (such as ≥90%)"
                    .to_string(),
            ),
            None => continue,
        };
        out.push(row_evidence(
            cx.finding(
                &SATISFACTION_NO_SURVEY,
                Some(cx.line(&row.actual.span)),
                row.name.value.clone(),
                "实际完成值",
                format!(
                    "满意度指标 {} {chinese}，无问卷等调查依据：复核记 0 分 (the satisfaction row {english}: no survey behind it, which a re-check scores 0)",
                    row.name.value
                ),
            ),
            row,
        ));
    }
}

/// Nouns that make a percentage a share of something.
const RATIO_NOUNS: &[&str] = &[
    "率",
    "度",
    "比例",
    "占比",
    "比重",
    "指数",
    "百分比",
    "覆盖",
    "份额",
    "达标",
];

/// Words that say nothing of what is measured.
const VAGUE_WORDS: &[&str] = &[
    "效益",
    "效果",
    "成效",
    "影响",
    "指标",
    "社会",
    "经济",
    "生态",
    "可持续",
    "项目",
    "明显",
    "显著",
    "提升",
    "提高",
    "良好",
    "较好",
    "有效",
    "发挥",
    "作用",
    "情况",
    "综合",
    "整体",
];

fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphabetic()).count()
}

pub(super) fn unmeasurable_benefit(cx: &Context, out: &mut Vec<Finding>) {
    for (row, _) in cx.rows() {
        if !is_benefit(row) {
            continue;
        }
        let name = bare(&row.name.value);
        let mut object = name.clone();
        // Runs for every benefit row of every form: a copy only where a word is there to remove.
        for w in VAGUE_WORDS {
            if object.contains(w) {
                object = object.replace(w, "");
            }
        }
        let vague_name = letters(&object) < 2;
        let reason = match &row.target.value {
            Target::Quantitative { quantity, .. }
                if quantity.unit == Unit::Percent && !RATIO_NOUNS.iter().any(|n| has(&name, n)) =>
            {
                Some((
                    "是百分比，但指标名称没有说是什么的比率",
                    "is a percentage, but the name says of what",
                ))
            }
            Target::Qualitative { .. } if vague_name => Some((
                "只是定性的程度词，指标名称没有说明作用对象",
                "is a degree word and the name names no object",
            )),
            Target::Quantitative { .. } if vague_name => Some((
                "有数字，但指标名称没有说明衡量的对象",
                "has a number, but the name names nothing measured",
            )),
            _ => None,
        };
        let Some((chinese, english)) = reason else {
            continue;
        };
        let target = target_text(row);
        out.push(row_evidence(
            cx.finding(
                &UNMEASURABLE_BENEFIT,
                Some(cx.line(&row.target.span)),
                row.name.value.clone(),
                "年度指标值",
                format!(
                    "效益指标 {} 的指标值 {target} {chinese}：形式上定量、实质上定性，无法衡量 (the benefit target {target} {english}: quantitative in form, qualitative in substance)",
                    row.name.value
                ),
            ),
            row,
        ));
    }
}

/// Rates that may exceed 100%: growth, returns.
const UNBOUNDED_RATES: &[&str] = &[
    "增长率",
    "增长",
    "增幅",
    "增速",
    "增加率",
    "提高率",
    "提升率",
    "回报率",
    "收益率",
    "利润率",
    "周转率",
    "倍",
];

pub(super) fn rate_target_above_100(cx: &Context, out: &mut Vec<Finding>) {
    for (row, _) in cx.rows() {
        let Target::Quantitative {
            comparator,
            quantity,
        } = &row.target.value
        else {
            continue;
        };
        if quantity.unit != Unit::Percent || quantity.value <= Decimal::ONE {
            continue;
        }
        if matches!(comparator, Some(Comparator::Le | Comparator::Lt)) {
            continue; // a cap above 100% is `vacuous-target`'s
        }
        let name = bare(&row.name.value);
        if !has(&name, "率") || UNBOUNDED_RATES.iter().any(|w| has(&name, w)) {
            continue;
        }
        if super::plausibility::LOWER_IS_BETTER_RATES
            .iter()
            .any(|w| has(&name, w))
        {
            continue;
        }
        let target = target_text(row);
        out.push(row_evidence(
            cx.finding(
                &RATE_TARGET_ABOVE_100,
                Some(cx.line(&row.target.span)),
                row.name.value.clone(),
                "年度指标值",
                format!(
                    "{} 是比率，指标值 {target} 却超过 100% (the rate's target {target} is above 100%, which a rate of this kind cannot reach)",
                    row.name.value
                ),
            )
            .with("指标值 (target, as a share)", percent_text(quantity.value)),
            row,
        ));
    }
}

/// A date as written in a 时效 cell: (year, month, day); a missing day is 0, a missing year is
/// the form's.
pub(super) type Date = (i32, u32, u32);

/// Read `2024年3月`, `2024年`, `10月`, `12月31日`, `2023.12`, `2024-03`, with an optional
/// comparator before and `前`/`底`/`以前`/`之前`/`末` after. `None` for anything else (durations
/// such as `10天` or `3个月` are not dates).
pub(super) fn read_date(text: &str, year: i32) -> Option<Date> {
    let mut s = text.trim();
    for prefix in ["≤", "<", "≥", ">", "=", "＜", "＞", "＝", "<=", ">="] {
        s = s.strip_prefix(prefix).unwrap_or(s).trim_start();
    }
    for suffix in ["之前", "以前", "底前", "前", "底", "末", "完成"] {
        s = s.strip_suffix(suffix).unwrap_or(s);
    }
    let digits = |t: &str| -> Option<u32> {
        (!t.is_empty() && t.chars().all(|c| c.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let month_ok = |m: u32| (1..=12).contains(&m);
    // 2023.12, 2024-03, 2024/3
    if let Some((y, m)) = s.split_once(['.', '-', '/']) {
        let (y, m) = (digits(y)?, digits(m)?);
        if y < 1900 || !month_ok(m) {
            return None;
        }
        return Some((i32::try_from(y).ok()?, m, 0));
    }
    let (written_year, rest) = match s.split_once('年') {
        Some((y, rest)) => (Some(digits(y)?), rest),
        None => (None, s),
    };
    let y = match written_year {
        Some(y) if y < 1900 => return None,
        Some(y) => i32::try_from(y).ok()?,
        None => year,
    };
    if rest.is_empty() {
        // `2024年`: the year's end.
        return written_year.map(|_| (y, 12, 31));
    }
    let (m, rest) = rest.split_once('月')?;
    let m = digits(m)?;
    if !month_ok(m) {
        return None;
    }
    let d = match rest.strip_suffix('日').or(rest.strip_suffix('号')) {
        Some(d) => digits(d)?,
        None if rest.is_empty() => 0,
        None => return None,
    };
    Some((y, m, d))
}

pub(super) fn is_timeliness(row: &Indicator) -> bool {
    has(&row.level2.value, "时效")
        || ["时间", "时限", "日期", "期限", "进度"]
            .iter()
            .any(|w| has(&row.name.value, w))
}

const NEXT_YEAR_WORDS: &[&str] = &["次年", "下年", "明年", "翌年", "下一年"];

pub(super) fn deadline_after_year(cx: &Context, out: &mut Vec<Finding>) {
    let year = cx.form.year.value;
    for (row, _) in cx.rows() {
        if !is_timeliness(row) {
            continue;
        }
        let target = target_text(row);
        let late = match read_date(&target, year) {
            Some((y, _, _)) if y > year => true,
            Some(_) => false,
            None => NEXT_YEAR_WORDS.iter().any(|w| has(&target, w)),
        };
        if !late {
            continue;
        }
        out.push(row_evidence(
            cx.finding(
                &DEADLINE_AFTER_YEAR,
                Some(cx.line(&row.target.span)),
                row.name.value.clone(),
                "年度指标值",
                format!(
                    "时效指标 {} 的完成时限 {target} 在 {year} 年度之后：年度绩效目标应在当年内完成 (the deadline {target} is after the end of {year}: a year's target must fall within the year)",
                    row.name.value
                ),
            )
            .with("年度 (year)", year.to_string()),
            row,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_and_durations_are_not() {
        assert_eq!(read_date("2024年3月", 2023), Some((2024, 3, 0)));
        assert_eq!(read_date("≤2024年", 2023), Some((2024, 12, 31)));
        assert_eq!(read_date("≤10月", 2023), Some((2023, 10, 0)));
        assert_eq!(read_date("12月31日前", 2023), Some((2023, 12, 31)));
        assert_eq!(read_date("2023.12", 2023), Some((2023, 12, 0)));
        assert_eq!(read_date("2024-03", 2023), Some((2024, 3, 0)));
        assert_eq!(read_date("≤10天", 2023), None);
        assert_eq!(read_date("3个月", 2023), None);
        assert_eq!(read_date("13月", 2023), None);
        assert_eq!(read_date("≥95%", 2023), None);
    }
}
