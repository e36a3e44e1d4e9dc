//! Plausibility: what a reviewer should look at — copied values, vacuous targets, costs above the
//! spend, figures that contradict the header. Warnings: each needs a human to judge.
//!
//! One file per concern: `copied.rs` (values copied between rows), `spend.rs` (money against the
//! budget), `targets.rs` (targets that are vacuous, derived or far exceeded) and `explanations.rs`
//! (deviations and changes that need a written reason).

mod copied;
mod explanations;
mod spend;
mod targets;

pub(super) use self::copied::{copied_actuals, copied_text};
pub(super) use self::explanations::{
    budget_adjusted_unexplained, late_full_marks, reason_required, under_spending_unexplained,
    unmet_unexplained,
};
pub(super) use self::spend::{cost_exceeds_spend, low_execution_full_marks, money_unit};
pub(super) use self::targets::{derived_indicator, over_achievement, vacuous_target};

use crate::form::Indicator;
use crate::num::{Rounding, RoundingMode};
use crate::value::{Actual, Comparator, Quantity, Target};
use rust_decimal::Decimal;

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

/// Whether `needle` occurs in `haystack`. Indicator names are a few dozen bytes: a plain scan
/// beats `str::contains`, whose searcher is built anew for every call (every row, every check).
fn has(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w == n)
}

/// Whether the form gives no execution rate at all: no rate is printed and the amounts do not
/// give one (a blank or missing budget block, or a budget of 0). The engine then counts 0%, which
/// is no spending figure to judge: the odd cells are reported on their own.
fn rate_unknown(cx: &super::Context) -> bool {
    cx.form.budget.rate.is_none()
        && cx
            .sheet
            .structure
            .iter()
            .any(|d| d.code == "score::execution-unverifiable" || d.code == "score::zero-budget")
}

/// Where a finding about the execution rate points: the printed rate, else the executed amount,
/// else the budget block.
fn execution_span(b: &crate::form::Budget) -> &crate::form::Span {
    b.rate
        .as_ref()
        .or(b.executed.as_ref())
        .map_or(&b.span, |r| &r.span)
}
