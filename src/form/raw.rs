//! Form files as written: TOML deserialized with spans, nothing validated yet.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use toml::Spanned;

/// A number as written: TOML integers, floats and strings are all kept as text, so that
/// `"92.61"` and `92.61` both become the exact decimal 92.61. A float is taken through its
/// shortest round-trip text, never through arithmetic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawNumber {
    pub text: String,
    /// Written as a TOML string (so offsets into `text` are offsets into the file after the quote).
    pub quoted: bool,
}

impl<'de> Deserialize<'de> for RawNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;

        impl Visitor<'_> for NumberVisitor {
            type Value = RawNumber;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or a number in a string such as \"92.61\"")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNumber, E> {
                Ok(RawNumber {
                    text: v.to_string(),
                    quoted: false,
                })
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNumber, E> {
                Ok(RawNumber {
                    text: v.to_string(),
                    quoted: false,
                })
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNumber, E> {
                // `Display` for f64 prints the shortest text that reads back as the same value.
                Ok(RawNumber {
                    text: v.to_string(),
                    quoted: false,
                })
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNumber, E> {
                Ok(RawNumber {
                    text: v.to_string(),
                    quoted: true,
                })
            }
        }

        deserializer.deserialize_any(NumberVisitor)
    }
}

/// Every key may also be written as the Chinese term printed on the form (`年度`, `项目名称`,
/// `年度指标值` …), the pairs of the glossary, so that a finance officer can write a form in the
/// words printed on it (`jixiao init --lang zh` writes one).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForm {
    #[serde(alias = "表类型")]
    pub kind: Spanned<String>,
    #[serde(alias = "评分规则")]
    pub ruleset: Option<Spanned<String>>,
    /// The province (or city, county) the form is from, when its names do not say it.
    #[serde(alias = "地区")]
    pub region: Option<Spanned<String>>,
    #[serde(alias = "年度")]
    pub year: Spanned<i64>,
    #[serde(alias = "标题")]
    pub title: Option<String>,
    #[serde(alias = "项目名称")]
    pub project: Option<Spanned<String>>,
    #[serde(alias = "主管部门")]
    pub department: Option<Spanned<String>>,
    #[serde(alias = "实施单位")]
    pub unit: Option<String>,
    #[serde(alias = "项目资金")]
    #[serde(alias = "预算")]
    pub budget: Spanned<RawBudget>,
    #[serde(alias = "年度总体目标")]
    pub objective: Option<RawObjective>,
    #[serde(default)]
    #[serde(alias = "年度主要任务")]
    pub tasks: Vec<RawTask>,
    #[serde(default)]
    #[serde(alias = "固定指标")]
    pub sections: Vec<Spanned<RawSection>>,
    #[serde(default)]
    #[serde(alias = "绩效指标")]
    pub indicators: Vec<Spanned<RawIndicator>>,
    #[serde(alias = "总分")]
    pub total: Option<RawTotal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBudget {
    /// The money unit the header prints (`项目资金（元）`): 元, 万元 (the default) or 亿元.
    #[serde(alias = "金额单位")]
    pub unit: Option<Spanned<String>>,
    /// Absent where the layout has no 年初预算数 column.
    #[serde(alias = "年初预算数")]
    pub initial: Option<Spanned<RawNumber>>,
    #[serde(alias = "全年预算数")]
    pub adjusted: Option<Spanned<RawNumber>>,
    #[serde(alias = "全年执行数")]
    pub executed: Option<Spanned<RawNumber>>,
    #[serde(alias = "分值")]
    pub weight: Option<Spanned<RawNumber>>,
    #[serde(alias = "执行率")]
    pub rate: Option<Spanned<RawNumber>>,
    #[serde(alias = "得分")]
    pub score: Option<Spanned<RawNumber>>,
    /// Why the execution rate is low, where the rules ask for it.
    #[serde(alias = "偏差原因")]
    pub explanation: Option<String>,
    #[serde(default)]
    #[serde(alias = "资金来源")]
    pub sources: Vec<Spanned<RawSource>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    #[serde(alias = "名称")]
    pub name: Spanned<String>,
    #[serde(alias = "年初预算数")]
    pub initial: Option<Spanned<RawNumber>>,
    #[serde(alias = "全年预算数")]
    pub adjusted: Option<Spanned<RawNumber>>,
    #[serde(alias = "全年执行数")]
    pub executed: Option<Spanned<RawNumber>>,
    #[serde(alias = "执行率")]
    pub rate: Option<Spanned<RawNumber>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjective {
    #[serde(alias = "预期目标")]
    pub expected: Option<Spanned<String>>,
    #[serde(alias = "实际完成情况")]
    pub achieved: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTask {
    #[serde(alias = "任务名称")]
    pub name: String,
    #[serde(alias = "主要内容")]
    pub content: Option<String>,
    #[serde(alias = "实际完成情况")]
    pub achieved: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    #[serde(alias = "名称")]
    pub name: Spanned<String>,
    #[serde(default)]
    #[serde(alias = "明细")]
    pub items: Vec<Spanned<RawSectionItem>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSectionItem {
    #[serde(alias = "名称")]
    pub name: Spanned<String>,
    #[serde(alias = "情况说明")]
    pub description: Option<String>,
    #[serde(alias = "分值")]
    pub weight: Option<Spanned<RawNumber>>,
    #[serde(alias = "得分")]
    pub score: Option<Spanned<RawNumber>>,
    #[serde(alias = "存在问题和改进措施")]
    pub problems: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    /// Absent on a flat list (only 三级指标 printed).
    #[serde(alias = "一级指标")]
    pub level1: Option<Spanned<String>>,
    #[serde(alias = "二级指标")]
    pub level2: Option<Spanned<String>>,
    #[serde(alias = "三级指标")]
    pub name: Option<Spanned<String>>,
    /// The 指标性质 column of layouts that print the comparator apart (`≥`, `≤`, `=`, `定性`,
    /// 正向, 反向).
    #[serde(alias = "指标性质")]
    pub direction: Option<Spanned<String>>,
    #[serde(alias = "年度指标值")]
    pub target: Option<Spanned<String>>,
    /// The 度量单位 column of layouts that print the unit apart.
    #[serde(alias = "度量单位")]
    #[serde(alias = "计量单位")]
    pub unit: Option<Spanned<String>>,
    #[serde(alias = "实际完成值")]
    pub actual: Option<Spanned<String>>,
    #[serde(alias = "分值")]
    pub weight: Option<Spanned<RawNumber>>,
    #[serde(alias = "得分")]
    pub score: Option<Spanned<RawNumber>>,
    #[serde(alias = "偏差度")]
    pub deviation: Option<Spanned<RawNumber>>,
    #[serde(alias = "偏差原因")]
    #[serde(alias = "偏差原因分析及改进措施")]
    pub explanation: Option<String>,
    /// Other printed columns of the row (是否核心指标, 得分系数 …): header → cell, kept as printed.
    #[serde(default, alias = "其他")]
    pub extra: std::collections::BTreeMap<String, String>,
    /// The parts that report the row (sub-projects, recipient units, fund lines): their actuals
    /// combine into the row's 实际完成值 as the ruleset's `parts` setting says.
    #[serde(default, alias = "分项")]
    pub parts: Vec<Spanned<RawPart>>,
}

/// One part of an indicator row (`[[indicators.parts]]`, `[[绩效指标.分项]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPart {
    #[serde(alias = "名称")]
    pub name: Option<Spanned<String>>,
    #[serde(alias = "实际完成值")]
    pub actual: Option<Spanned<String>>,
    /// The part's funds (资金额度), in the budget block's money unit: the weight of a relative
    /// value (a rate) in the funds-weighted mean.
    #[serde(alias = "资金额度")]
    #[serde(alias = "资金")]
    pub funds: Option<Spanned<RawNumber>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTotal {
    #[serde(alias = "自评得分")]
    pub score: Option<Spanned<RawNumber>>,
    #[serde(alias = "等级")]
    pub grade: Option<Spanned<String>>,
}
