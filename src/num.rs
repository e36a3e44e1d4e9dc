//! Exact decimal arithmetic for money, rates and scores.
//!
//! Every operation is checked: an overflow or a division by zero is an [`ArithError`],
//! never a panic and never a silently wrong number.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArithError {
    Overflow {
        op: &'static str,
        lhs: Decimal,
        rhs: Decimal,
    },
    DivisionByZero {
        lhs: Decimal,
    },
}

impl fmt::Display for ArithError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArithError::Overflow { op, lhs, rhs } => {
                write!(f, "数值溢出 (overflow): {lhs} {op} {rhs}")
            }
            ArithError::DivisionByZero { lhs } => {
                write!(f, "除数为零 (division by zero): {lhs} / 0")
            }
        }
    }
}

impl std::error::Error for ArithError {}

pub fn add(lhs: Decimal, rhs: Decimal) -> Result<Decimal, ArithError> {
    lhs.checked_add(rhs)
        .ok_or(ArithError::Overflow { op: "+", lhs, rhs })
}

pub fn sub(lhs: Decimal, rhs: Decimal) -> Result<Decimal, ArithError> {
    lhs.checked_sub(rhs)
        .ok_or(ArithError::Overflow { op: "-", lhs, rhs })
}

pub fn mul(lhs: Decimal, rhs: Decimal) -> Result<Decimal, ArithError> {
    lhs.checked_mul(rhs)
        .ok_or(ArithError::Overflow { op: "*", lhs, rhs })
}

pub fn div(lhs: Decimal, rhs: Decimal) -> Result<Decimal, ArithError> {
    if rhs.is_zero() {
        return Err(ArithError::DivisionByZero { lhs });
    }
    lhs.checked_div(rhs)
        .ok_or(ArithError::Overflow { op: "/", lhs, rhs })
}

pub fn sum<I: IntoIterator<Item = Decimal>>(items: I) -> Result<Decimal, ArithError> {
    items.into_iter().try_fold(Decimal::ZERO, add)
}

/// How a rounded figure treats its last digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundingMode {
    /// 四舍五入: halves go away from zero.
    HalfUp,
    /// Banker's rounding: halves go to the even digit.
    HalfEven,
    /// 截尾: toward zero.
    Down,
    /// 进一: away from zero.
    Up,
}

impl RoundingMode {
    pub fn keyword(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half-up",
            RoundingMode::HalfEven => "half-even",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Self> {
        Some(match word {
            "half-up" => RoundingMode::HalfUp,
            "half-even" => RoundingMode::HalfEven,
            "down" => RoundingMode::Down,
            "up" => RoundingMode::Up,
            _ => return None,
        })
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

/// Round to a number of decimals, keeping that scale so that `90` prints as `90.00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Rounding {
    pub decimals: u32,
    pub mode: RoundingMode,
}

impl Rounding {
    pub const fn new(decimals: u32, mode: RoundingMode) -> Self {
        Rounding { decimals, mode }
    }

    pub fn apply(self, value: Decimal) -> Decimal {
        let mut rounded = value.round_dp_with_strategy(self.decimals, self.mode.strategy());
        rounded.rescale(self.decimals);
        rounded
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} decimals {}", self.decimals, self.mode.keyword())
    }
}

/// A fraction shown as a percentage with the fraction's scale less two: 0.7401 → "74.01%".
pub fn percent_text(fraction: Decimal) -> String {
    match percent_number(fraction) {
        Some(pct) => format!("{pct}%"),
        None => format!("{fraction}×100%"),
    }
}

/// The percentage number without the sign: 0.7401 → 74.01, 1 → 100.
pub fn percent_number(fraction: Decimal) -> Option<Decimal> {
    let mut pct = fraction.checked_mul(Decimal::ONE_HUNDRED)?;
    pct.rescale(fraction.scale().saturating_sub(2));
    Some(pct)
}

/// Parse a plain ASCII decimal literal exactly (the rules language's number tokens).
pub fn parse_literal(text: &str) -> Option<Decimal> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    text.parse::<Decimal>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn half_up_rounds_every_xx5_boundary_away_from_zero() {
        let r = Rounding::new(2, RoundingMode::HalfUp);
        for cents in 0..1000 {
            let v = Decimal::new(cents * 10 + 5, 3); // 0.005, 0.015, …
            let expected = Decimal::new(cents + 1, 2);
            assert_eq!(r.apply(v), expected, "{v}");
        }
        assert_eq!(r.apply(d("4.518")).to_string(), "4.52");
        assert_eq!(r.apply(d("8.2233")).to_string(), "8.22");
        assert_eq!(r.apply(d("90")).to_string(), "90.00");
        assert_eq!(r.apply(d("-0.125")).to_string(), "-0.13");
    }

    #[test]
    fn other_modes() {
        assert_eq!(
            Rounding::new(2, RoundingMode::HalfEven)
                .apply(d("0.125"))
                .to_string(),
            "0.12"
        );
        assert_eq!(
            Rounding::new(1, RoundingMode::Down)
                .apply(d("0.19"))
                .to_string(),
            "0.1"
        );
        assert_eq!(
            Rounding::new(1, RoundingMode::Up)
                .apply(d("0.11"))
                .to_string(),
            "0.2"
        );
    }

    #[test]
    fn checked_ops_report_instead_of_panicking() {
        assert!(matches!(
            div(d("1"), Decimal::ZERO),
            Err(ArithError::DivisionByZero { .. })
        ));
        assert!(matches!(
            mul(Decimal::MAX, d("2")),
            Err(ArithError::Overflow { .. })
        ));
        assert!(matches!(
            add(Decimal::MAX, Decimal::ONE),
            Err(ArithError::Overflow { .. })
        ));
        assert_eq!(sum([d("1514.67"), d("49.28")]).unwrap(), d("1563.95"));
    }

    #[test]
    fn percent_text_keeps_two_decimals() {
        assert_eq!(percent_text(d("0.7401")), "74.01%");
        assert_eq!(percent_text(d("1.0000")), "100.00%");
        assert_eq!(percent_text(d("0.9")), "90%");
    }
}
