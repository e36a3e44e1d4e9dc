//! How the parts of an indicator row combine into its 实际完成值 (`quantitative { parts { … } }`).
//!
//! The default is the rule a 2020 市直专项 项目自评表 prints under its form: "定量指标完成数汇总原则：
//! 绝对值直接累加计算，相对值按照资金额度加权平均计算" — absolute values (counts, amounts, any unit
//! other than %) are added up; relative values (percentages) are averaged weighted by each part's
//! funds (资金额度).

use std::fmt;

/// How absolute values (any unit but %) combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AbsoluteParts {
    /// 直接累加: added up.
    #[default]
    Sum,
    /// The plain mean.
    Mean,
}

/// How relative values (percentages) combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RelativeParts {
    /// 按资金额度加权平均: weighted by each part's funds.
    #[default]
    FundsWeighted,
    /// The plain (unweighted) mean.
    Mean,
}

/// The ruleset's `parts` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PartsRule {
    pub absolute: AbsoluteParts,
    pub relative: RelativeParts,
}

impl AbsoluteParts {
    /// The spellings after `absolute`.
    pub const KEYWORDS: &'static str = "sum or mean";

    pub fn keyword(self) -> &'static str {
        match self {
            AbsoluteParts::Sum => "sum",
            AbsoluteParts::Mean => "mean",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Self> {
        match word {
            "sum" => Some(AbsoluteParts::Sum),
            "mean" => Some(AbsoluteParts::Mean),
            _ => None,
        }
    }
}

impl RelativeParts {
    /// The spellings after `relative`.
    pub const KEYWORDS: &'static str = "funds-weighted or mean";

    pub fn keyword(self) -> &'static str {
        match self {
            RelativeParts::FundsWeighted => "funds-weighted",
            RelativeParts::Mean => "mean",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Self> {
        match word {
            "funds-weighted" => Some(RelativeParts::FundsWeighted),
            "mean" => Some(RelativeParts::Mean),
            _ => None,
        }
    }
}

impl fmt::Display for PartsRule {
    /// `absolute sum · relative funds-weighted`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "absolute {} · relative {}",
            self.absolute.keyword(),
            self.relative.keyword()
        )
    }
}
