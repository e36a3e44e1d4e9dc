//! Whether a claimed figure agrees with the computed one: the one place that decides, for the
//! engine's mismatches, the tables, the report layout and the review checks alike.
//!
//! A rate or a deviation is compared at the precision the form printed it with: `99%` is the
//! whole percent of 99.10% and agrees with it, while `86.19%` does not agree with 86.18%, however
//! small the gap. Points (scores, totals) are compared within the ruleset's tolerance (尾差).
//! Either way, a claim that is not the same number is shown beside the computed one.

use super::Claimed;
use rust_decimal::{Decimal, RoundingStrategy};

/// What a figure measures, which decides how a claim of it is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Scores and totals: within the tolerance, in points.
    Points,
    /// Rates and deviations (fractions, printed as percentages): at the printed precision.
    Percent,
}

/// How a claim stands against the computed figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// The same number (`45.18%` for 0.4518, `8.00` for 8).
    Same,
    /// Not the same number, but the same at the precision the claim was printed with (`99%` for
    /// 99.10%), or, for points, within the tolerance. Accepted, and both figures are shown.
    AsPrinted,
    /// A different figure: a mismatch.
    Differs,
}

impl Agreement {
    /// Whether the claim is a mismatch.
    pub fn differs(self) -> bool {
        self == Agreement::Differs
    }

    /// Whether the claim should be shown beside the computed figure.
    pub fn shows_claim(self) -> bool {
        self != Agreement::Same
    }
}

/// Whether two figures differ by more than the tolerance; an overflowing difference differs.
/// For points; a claimed figure goes through [`agreement`].
pub fn beyond(claimed: Decimal, computed: Decimal, tolerance: Decimal) -> bool {
    claimed
        .checked_sub(computed)
        .is_none_or(|d| d.abs() > tolerance)
}

/// Round half up (四舍五入) to a number of decimals.
fn round(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// How `claimed` stands against `computed`. `tolerance` is the ruleset's, in points; it does
/// not apply to percentages, which agree only when the coarser of the two printed precisions
/// gives both the same figure (a claim printed more finely than the rules round is compared at
/// the rules' precision).
pub fn agreement(
    claimed: &Claimed,
    computed: Decimal,
    scale: Scale,
    tolerance: Decimal,
) -> Agreement {
    if claimed.value == computed {
        return Agreement::Same;
    }
    let agrees = match scale {
        Scale::Points => !beyond(claimed.value, computed, tolerance),
        Scale::Percent => {
            let decimals = claimed.value.scale().min(computed.scale());
            round(claimed.value, decimals) == round(computed, decimals)
        }
    };
    if agrees {
        Agreement::AsPrinted
    } else {
        Agreement::Differs
    }
}

/// The computed figure at the precision the claim was printed with, for saying why a claim
/// agrees or not: 0.9910 against `99%` is 0.99.
pub fn at_printed_precision(claimed: &Claimed, computed: Decimal) -> Decimal {
    let mut rounded = round(computed, claimed.value.scale());
    rounded.rescale(claimed.value.scale());
    rounded
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// A claim as the form reader makes it: `99%` is 0.99 with scale 2.
    fn percent(text: &str) -> Claimed {
        let number = d(text.trim_end_matches('%'));
        let mut value = number;
        value.set_scale(number.scale() + 2).unwrap();
        Claimed {
            value,
            text: text.into(),
            line: 1,
        }
    }

    fn points(text: &str) -> Claimed {
        Claimed {
            value: d(text),
            text: text.into(),
            line: 1,
        }
    }

    const TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

    #[test]
    fn a_rate_is_compared_at_the_precision_it_was_printed_with() {
        let pct = |c: &str, computed: &str| {
            agreement(&percent(c), d(computed), Scale::Percent, TOLERANCE)
        };
        // 99% is 99.10% to the whole percent.
        assert_eq!(pct("99%", "0.9910"), Agreement::AsPrinted);
        // 86.19% is not 86.18%, however small the gap, and the tolerance does not hide it.
        assert_eq!(pct("86.19%", "0.8618"), Agreement::Differs);
        assert_eq!(pct("86.18%", "0.8618"), Agreement::Same);
        assert_eq!(pct("86.180%", "0.8618"), Agreement::Same);
        // Half up: 99.50% is 100% to the whole percent, not 99%.
        assert_eq!(pct("99%", "0.9950"), Agreement::Differs);
        assert_eq!(pct("100%", "0.9950"), Agreement::AsPrinted);
        assert_eq!(pct("99%", "0.9949"), Agreement::AsPrinted);
        // Printed more finely than the rules round: compared at the rules' precision.
        assert_eq!(pct("86.1834%", "0.8618"), Agreement::AsPrinted);
        assert_eq!(pct("86.1850%", "0.8618"), Agreement::Differs);
        // A deviation of 0% printed whole agrees with 0.40%.
        assert_eq!(pct("0%", "0.0040"), Agreement::AsPrinted);
        assert_eq!(pct("1%", "0.0040"), Agreement::Differs);
    }

    #[test]
    fn points_are_compared_within_the_tolerance() {
        let pts =
            |c: &str, computed: &str| agreement(&points(c), d(computed), Scale::Points, TOLERANCE);
        assert_eq!(pts("8.22", "8.22"), Agreement::Same);
        assert_eq!(pts("8.2200", "8.22"), Agreement::Same);
        assert_eq!(pts("8.23", "8.22"), Agreement::AsPrinted);
        assert_eq!(pts("8.24", "8.22"), Agreement::Differs);
        // A whole-number claim is not a figure printed coarsely: 8 points are not 8.22.
        assert_eq!(pts("8", "8.22"), Agreement::Differs);
    }

    #[test]
    fn the_computed_figure_at_the_claims_precision() {
        assert_eq!(
            at_printed_precision(&percent("99%"), d("0.9910")).to_string(),
            "0.99"
        );
        assert_eq!(
            at_printed_precision(&percent("86.19%"), d("0.8618")).to_string(),
            "0.8618"
        );
        assert_eq!(
            at_printed_precision(&points("8"), d("8.5")).to_string(),
            "9"
        );
    }

    #[test]
    fn what_agreement_shows() {
        assert!(!Agreement::Same.shows_claim());
        assert!(Agreement::AsPrinted.shows_claim() && !Agreement::AsPrinted.differs());
        assert!(Agreement::Differs.shows_claim() && Agreement::Differs.differs());
    }
}
