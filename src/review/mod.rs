//! Review (复核): re-score a submitted form and raise findings a finance bureau acts on.
//!
//! A review reads the form, the ruleset and the engine's [`ScoreSheet`] and returns
//! [`Finding`]s, each from one check of the [`CATALOGUE`]:
//! - [`claimed`]: every claimed figure against the rules' figure (error severity);
//! - [`consistency`]: what the form contradicts by itself or against its template (error);
//! - [`plausibility`]: what needs a human look — copied values, vacuous targets, costs above the
//!   spend (warning).
//!
//! The catalogue is a data table: `jixiao review --list-checks`, `--only`/`--skip` and
//! `docs/review-checks.md` all read it. Thresholds come from the ruleset's `review` block
//! ([`ReviewSettings`]).
//!
//! Reviewing one form is a pure function of its inputs, so a batch can run forms in any order or
//! in parallel and sort afterwards.

pub mod claimed;
pub mod consistency;
pub mod plausibility;
pub mod similarity;

pub use crate::diag::Severity;

use crate::form::{Form, Indicator, Span};
use crate::num::percent_text;
use crate::rules::ruleset::{ReviewSettings, RuleSet};
use crate::score::{IndicatorScore, ScoreSheet};
use rust_decimal::Decimal;
use serde::Serialize;

/// The three families of checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Claimed figures against the rules' figures.
    Claimed,
    /// What the form contradicts by itself, or against its template.
    Consistency,
    /// What needs a human look.
    Plausibility,
}

impl Family {
    pub const ALL: [Family; 3] = [Family::Claimed, Family::Consistency, Family::Plausibility];

    /// The name `--only`/`--skip` accept.
    pub fn name(self) -> &'static str {
        match self {
            Family::Claimed => "claimed",
            Family::Consistency => "consistency",
            Family::Plausibility => "plausibility",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Family::Claimed => "申报与复核 (claimed against computed)",
            Family::Consistency => "一致性 (consistency)",
            Family::Plausibility => "合理性 (plausibility)",
        }
    }
}

/// The `review` setting a check reads, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    None,
    Tolerance,
    LowExecution,
    Similarity,
    OverAchievement,
    CopiedActuals,
    DerivedGap,
}

impl Threshold {
    /// The key in the rules' `review` block.
    pub fn key(self) -> Option<&'static str> {
        Some(match self {
            Threshold::None => return None,
            Threshold::Tolerance => "tolerance",
            Threshold::LowExecution => "low-execution",
            Threshold::Similarity => "similarity",
            Threshold::OverAchievement => "over-achievement",
            Threshold::CopiedActuals => "copied-actuals",
            Threshold::DerivedGap => "derived-gap",
        })
    }

    pub fn value(self, settings: &ReviewSettings) -> Option<Decimal> {
        Some(match self {
            Threshold::None => return None,
            Threshold::Tolerance => settings.tolerance,
            Threshold::LowExecution => settings.low_execution,
            Threshold::Similarity => settings.similarity,
            Threshold::OverAchievement => settings.over_achievement,
            Threshold::CopiedActuals => settings.copied_actuals,
            Threshold::DerivedGap => settings.derived_gap,
        })
    }

    /// What the setting means, for the docs.
    pub fn meaning(self) -> &'static str {
        match self {
            Threshold::None => "",
            Threshold::Tolerance => {
                "尾差: how far a claimed figure may be from the computed one (scores and totals in points, rates and deviations in percentage points, amounts in 万元)"
            }
            Threshold::LowExecution => {
                "an execution rate below this, with every output indicator at full marks, is flagged"
            }
            Threshold::Similarity => {
                "achieved text at least this similar to the expected text is flagged"
            }
            Threshold::OverAchievement => {
                "an actual at or above this multiple of a `≥`/`>` target, with no 偏差原因, is flagged"
            }
            Threshold::CopiedActuals => {
                "a form on which at least this share of the comparable actuals repeat their targets is flagged"
            }
            Threshold::DerivedGap => {
                "a derived indicator more than this many percentage points from the header's figure is flagged"
            }
        }
    }

    /// Every setting, in the order the docs list them.
    pub const ALL: [Threshold; 6] = [
        Threshold::Tolerance,
        Threshold::LowExecution,
        Threshold::Similarity,
        Threshold::OverAchievement,
        Threshold::CopiedActuals,
        Threshold::DerivedGap,
    ];

    /// `similarity 90%`, `tolerance 0.01`, or `—`.
    pub fn describe(self, settings: &ReviewSettings) -> String {
        match (self.key(), self.value(settings)) {
            (Some(key), Some(value)) => format!("{key} {}", self.value_text(value)),
            _ => "—".into(),
        }
    }

    /// The value as the rules would write it: shares and ratios as percentages.
    pub fn value_text(self, value: Decimal) -> String {
        match self {
            Threshold::Tolerance | Threshold::None => value.normalize().to_string(),
            _ => percent_text(value.normalize()),
        }
    }
}

/// One check of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// Stable: used by `--only`/`--skip`, in every output format, and in the docs.
    pub code: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// A short name, Chinese with an English gloss.
    pub title: &'static str,
    /// What it checks, one sentence, Chinese with an English gloss.
    pub checks: &'static str,
    pub threshold: Threshold,
    /// Findings of these codes on the same line and field say less than this check's finding
    /// (which carries the computed figure too): they are dropped when both are raised.
    pub supersedes: &'static [&'static str],
    /// The longer explanation for `docs/review-checks.md`.
    pub details: &'static str,
}

macro_rules! check {
    ($name:ident, $code:literal, $family:ident, $severity:ident, $threshold:ident, [$($sup:ident),*], $title:literal, $checks:literal, $details:literal) => {
        pub const $name: Check = Check {
            code: $code,
            family: Family::$family,
            severity: Severity::$severity,
            title: $title,
            checks: $checks,
            threshold: Threshold::$threshold,
            supersedes: &[$($sup.code),*],
            details: $details,
        };
    };
}

check!(
    RATE_MISMATCH,
    "rate-mismatch",
    Claimed,
    Error,
    Tolerance,
    [],
    "执行率与计算不符 (execution rate differs)",
    "申报的执行率（合计行及各资金来源行）与 全年执行数 / 预算数 相差超过尾差 (a claimed 执行率, of the total row or of a fund-source row, differs from executed / budget by more than the tolerance, in percentage points)",
    "The rate is recomputed from the row's own figures, with the denominator the template names \
     (全年预算数 or 年初预算数), rounded as the rules say, and compared in percentage points: with \
     `tolerance 0.01`, a claimed 45.19% against a computed 45.18% passes and 45.20% does not."
);
check!(
    EXECUTION_SCORE_MISMATCH,
    "execution-score-mismatch",
    Claimed,
    Error,
    Tolerance,
    [],
    "执行率得分与计算不符 (execution score differs)",
    "申报的执行率得分与规则公式的结果相差超过尾差 (the claimed execution score differs from the rules' formula by more than the tolerance)",
    "The execution score is computed with the template's formula (for henan-2023, project forms \
     `weight * min(rate, 100%)`, department forms `weight * min(rate / 90%, 1)`); the finding \
     shows both figures, the formula and its inputs."
);
check!(
    SCORE_MISMATCH,
    "score-mismatch",
    Claimed,
    Error,
    Tolerance,
    [],
    "得分与计算不符 (score differs)",
    "指标或资金管理项目的申报得分与规则计算结果相差超过尾差 (an indicator's or a 资金管理情况 item's claimed score differs from the rules' score by more than the tolerance)",
    "Every level-3 indicator is re-scored with the rule that applies to it (an `indicator` block, \
     else the `quantitative` or `qualitative` defaults). The finding names the rule, the formula \
     and its inputs. When a consistency check explains the same cell better (a score above its \
     weight, a met target that lost points, an unmet target with full marks, a qualitative score \
     outside its tier), that finding is shown instead."
);
check!(
    DEVIATION_MISMATCH,
    "deviation-mismatch",
    Claimed,
    Error,
    Tolerance,
    [],
    "偏差度与计算不符 (deviation differs)",
    "申报的偏差度与规则计算结果相差超过尾差 (a claimed 偏差度 differs from the rules' deviation by more than the tolerance, in percentage points)",
    "偏差度 is computed with the ruleset's `deviation` rule; for henan-2023 it is one-sided (0 \
     whenever the target is met), so a form that prints 4.00% for 96% against `≥95%` is flagged."
);
check!(
    TOTAL_MISMATCH,
    "total-mismatch",
    Claimed,
    Error,
    Tolerance,
    [],
    "自评得分与复核得分不符 (total differs)",
    "申报的自评得分与复核计算的总分相差超过尾差 (the claimed total differs from the recomputed total by more than the tolerance)",
    "The recomputed total is the execution score plus every section item and every indicator as \
     the rules score them. When the claimed total is not even the sum of the form's own claimed \
     scores, `total-sum` says so instead."
);
check!(
    GRADE_MISMATCH,
    "grade-mismatch",
    Claimed,
    Error,
    None,
    [],
    "等级与复核等级不符 (grade differs from the recomputed grade)",
    "申报等级与复核总分所在的等级不同 (the claimed grade is not the grade of the recomputed total)",
    "Typical of an inflated score: the claimed grade fits the claimed total, but the recomputed \
     total falls in a lower band. When the claimed grade does not even fit the claimed total, \
     `grade-band` says so instead."
);
check!(
    FUND_SOURCES_SUM,
    "fund-sources-sum",
    Consistency,
    Error,
    Tolerance,
    [],
    "资金来源之和与合计不符 (fund sources do not add up)",
    "各资金来源行的年初预算数、全年预算数、全年执行数之和与合计行相差超过尾差 (the fund-source rows' initial budget, adjusted budget or executed amounts do not add up to the total row)",
    "Each of the three columns is added up separately over the `[[budget.sources]]` rows and held \
     against the `[budget]` row. Forms without fund-source rows are not checked."
);
check!(
    SCORE_ABOVE_WEIGHT,
    "score-above-weight",
    Consistency,
    Error,
    None,
    [SCORE_MISMATCH, EXECUTION_SCORE_MISMATCH],
    "得分超过分值 (score above its weight)",
    "申报得分高于该项分值，或为负数 (a claimed score is above the item's weight, or below 0)",
    "Applies to the execution score, every 资金管理情况 item and every indicator. No tolerance: a \
     score cannot exceed its weight at all."
);
check!(
    WEIGHT_SUM,
    "weight-sum",
    Consistency,
    Error,
    None,
    [],
    "分值之和不符 (weights do not add up)",
    "各三级指标分值之和不等于上级指标的分值，或全表分值合计不为 100 (level-3 weights do not add up to their parent's weight, or the form's weights do not add up to 100)",
    "The template fixes the level-1 (and some level-2) weights; the form's level-3 weights must add \
     up to them, and execution + sections + indicators must make 100. `jixiao score` refuses such a \
     form as bad input; `jixiao review` reports it and reviews the rest."
);
check!(
    TEMPLATE_FIT,
    "template-fit",
    Consistency,
    Error,
    None,
    [],
    "与评分模板不符 (does not fit the template)",
    "表中的指标、栏目或分值与评分规则的模板不符：未知的一级/二级指标、缺少或多出的评分项、与规则不同的固定分值 (the form does not fit the ruleset's template: unknown level-1/level-2 names, missing or unknown section items, fixed weights that differ from the rules)",
    "These are the template-fit problems the engine finds while scoring (`score::unknown-level1`, \
     `score::missing-section`, …). The finding keeps the engine's message and says what was \
     expected."
);
check!(
    ODD_CELL,
    "odd-cell",
    Consistency,
    Error,
    None,
    [],
    "无法按原样核对的单元格 (a cell the rules cannot check as printed)",
    "表中有人能读懂、但无法按规则核对的单元格：空白、数字处填了“/”或“—”、实际完成值写了比较符、单位不一致、无法判断完成程度等；表仍按原样评分 (a cell a person can read but the rules cannot check as printed: a blank, a `/` or `—` where a number belongs, a comparator in an actual, units that do not compare, a completion degree that cannot be told; the form is still scored as printed)",
    "A form loads as printed, whatever its cells hold. What the reader noticed (`form::blank-cell`, \
     `form::comparator-in-actual`, `form::unreadable-target` …) and the rows the engine could not \
     score by the rules (`score::blank-cell`, `score::unit-mismatch`, `score::degree` …: the \
     unit's claimed score is taken within the weight, unchecked) are each reported here, located, \
     with the engine's code."
);
check!(
    QUALITATIVE_TIER,
    "qualitative-tier",
    Consistency,
    Error,
    None,
    [SCORE_MISMATCH],
    "定性得分超出档次 (qualitative score outside its tier)",
    "定性指标的申报得分占分值的比例不在其完成程度所属档次之内 (a qualitative indicator's claimed score, as a share of its weight, lies outside the tier its completion degree puts it in)",
    "The tiers come from the ruleset (`tiers { 达成 [80%, 100%] 部分达成 [60%, 80%) 未达成 [0%, 60%) }` \
     for the national rules): a row whose 实际完成值 is 70% is 部分达成 and may claim 60%–80% of its \
     weight, no more."
);
check!(
    MET_LOST_POINTS,
    "met-lost-points",
    Consistency,
    Error,
    Tolerance,
    [SCORE_MISMATCH],
    "达成却扣分且无原因 (met target lost points without a reason)",
    "指标已达成年度指标值，申报得分却低于分值和规则得分，且未填写偏差原因 (the target is met, yet the claimed score is below the weight and below the rules' score, and no 偏差原因 is given)",
    "A met target earns full marks unless the rules say otherwise (an over-achievement band, say); \
     where the rules give less, the rule is the reason and nothing is raised."
);
check!(
    UNMET_FULL_MARKS,
    "unmet-full-marks",
    Consistency,
    Error,
    None,
    [SCORE_MISMATCH],
    "未达成却得满分 (unmet target with full marks)",
    "指标未达成年度指标值，却申报满分 (the target is not met, yet the row claims its full weight)",
    "Raised when the actual misses the target (by the target's comparator), the claimed score is the \
     full weight, and the rules give less."
);
check!(
    TOTAL_SUM,
    "total-sum",
    Consistency,
    Error,
    Tolerance,
    [TOTAL_MISMATCH],
    "总分不等于各项得分之和 (total is not the sum of the scores)",
    "申报的自评得分不等于表中各项申报得分（执行率、资金管理、各指标）之和 (the claimed total is not the sum of the form's own claimed scores: execution, sections and indicators)",
    "Provable from the form alone. Checked only when every scored row carries a claimed score."
);
check!(
    GRADE_BAND,
    "grade-band",
    Consistency,
    Error,
    None,
    [GRADE_MISMATCH],
    "等级与自评得分不符 (grade does not match the claimed total)",
    "申报等级不是申报自评得分所在的等级 (the claimed grade is not the band of the claimed total)",
    "The bands come from the ruleset's `grades` block (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below, lower \
     bounds inclusive, in the shipped rules)."
);
check!(
    COPIED_ACTUALS,
    "copied-actuals",
    Plausibility,
    Warning,
    CopiedActuals,
    [],
    "实际值照抄指标值 (actuals copied from targets)",
    "可比较的行中，实际完成值与年度指标值相同的比例达到阈值 (at least the threshold share of the comparable rows have an actual equal to their target)",
    "A row is comparable when its target is a number (other than a 100% rate: reaching exactly 100% \
     of a completion rate is the ordinary honest result) or a word that the actual could repeat. It \
     is copied when the actual is the target's number in the same quantity (`≤10万元` → `10万元`) \
     or the target's own word. At least 3 comparable rows are needed. A form where nearly every \
     actual sits exactly on its bound was rarely measured."
);
check!(
    COPIED_TEXT,
    "copied-text",
    Plausibility,
    Warning,
    Similarity,
    [],
    "完成情况照抄目标 (achieved text copies the expected text)",
    "实际完成情况与预期目标（或年度主要任务的主要内容）的文字相似度达到阈值 (the 实际完成情况 text is at least the threshold similar to the 预期目标 text, or to a task's 主要内容)",
    "Similarity is the Sørensen–Dice coefficient of the two texts' character bigrams (as multisets), \
     after removing whitespace and punctuation (Chinese and ASCII) and folding full-width letters \
     and digits: 2 × shared bigrams / (bigrams of one + bigrams of the other). Identical texts \
     score 100%; a text that only drops a few leading words still scores above 90%. Empty texts \
     (after normalization) are not compared."
);
check!(
    LOW_EXECUTION_FULL_MARKS,
    "low-execution-full-marks",
    Plausibility,
    Warning,
    LowExecution,
    [],
    "执行率低而产出满分 (low execution, full output marks)",
    "执行率低于阈值，而每一个产出指标都申报满分 (the execution rate is below the threshold while every output indicator (产出指标) claims full marks)",
    "Money that was not spent rarely bought every planned output. The rate is the recomputed one."
);
check!(
    COST_EXCEEDS_SPEND,
    "cost-exceeds-spend",
    Plausibility,
    Warning,
    Tolerance,
    [],
    "成本实际值超过执行数 (cost actuals above the spend)",
    "成本指标的实际完成金额合计超过全年执行数 (the money actuals of the cost indicators add up to more than 全年执行数)",
    "Cost rows are those whose level-1 or level-2 name contains 成本. Their actuals are read with \
     the value grammar and converted to 元 (a bare number is read in the target's unit); the sum is \
     held against 全年执行数 (万元) with the tolerance in 万元."
);
check!(
    MONEY_UNIT,
    "money-unit",
    Plausibility,
    Warning,
    None,
    [],
    "金额单位疑似错误 (money in the wrong unit)",
    "金额实际完成值的数字等于表头的全年执行数或全年预算数（万元），单位却不是万元 (a money actual has the same number as 全年执行数 or 全年预算数, which are in 万元, but another unit)",
    "The classic slip: the header says 6.11 万元 was spent and the cost row says `6.11元`, 10,000 times \
     less. Only nonzero header figures are compared."
);
check!(
    VACUOUS_TARGET,
    "vacuous-target",
    Plausibility,
    Warning,
    None,
    [],
    "指标值形同虚设 (vacuous target)",
    "任何实际值（包括 0）都能达成的年度指标值：比率的 ≤100%、数量指标的 ≤N、以及 ≥0 (a target that any actual, zero included, meets: `≤100%` on a rate, `≤N` on a quantity indicator, `≥0`)",
    "`≤100%` (or `≤` above 100%, or `<` above 100%) is flagged on a rate unless the name marks a \
     lower-is-better rate, for which a cap is a real limit: 控制率, 调整率, 结余率, 结转率, 超支率, \
     差错率, 误差率, 投诉率, 发生率, 事故率, 失误率, 损失率, 空置率, 返工率, 不合格率, 逾期率, \
     超标率, 违规率. `≤N` / `<N` is flagged under a 数量指标 (any level-2 name containing 数量), where \
     zero output would pass. `≥0` is flagged anywhere."
);
check!(
    DERIVED_INDICATOR,
    "derived-indicator",
    Plausibility,
    Warning,
    DerivedGap,
    [],
    "指标与表头数据矛盾 (indicator contradicts the header)",
    "可由表头预算数推算的指标（预算调整率、预算执行率）与推算结果相差超过阈值（百分点） (an indicator that the header's budget figures determine (预算调整率, 预算执行率) differs from the derived figure by more than the threshold, in percentage points)",
    "预算调整率 (any name containing it) = |全年预算数 − 年初预算数| / 年初预算数. 预算执行率 (named \
     exactly 预算执行率, 资金执行率, 项目资金执行率, 预算资金执行率, 财政资金执行率, 部门预算执行率 or \
     执行率) = the recomputed execution rate. Both are rounded like execution rates. Other rates \
     (结转结余率, 政府采购执行率) depend on figures the form does not carry and are not derived."
);
check!(
    OVER_ACHIEVEMENT,
    "over-achievement",
    Plausibility,
    Warning,
    OverAchievement,
    [],
    "大幅超额且无原因 (far over target, no reason)",
    "实际完成值达到年度指标值的阈值倍数以上（≥、> 指标），且未填写偏差原因 (the actual is at least the threshold multiple of a `≥`/`>` target, and no 偏差原因 is given)",
    "财预〔2020〕10号: an actual far above the target because the target was set too low calls for a \
     cut; several provinces require a 偏差原因 from 130% up. Targets of 0 are not compared."
);
check!(
    UNMET_UNEXPLAINED,
    "unmet-unexplained",
    Plausibility,
    Warning,
    None,
    [],
    "未达成且无偏差原因 (unmet target, no reason)",
    "指标未达成年度指标值，偏差原因分析及改进措施为空 (the target is not met and the 偏差原因分析及改进措施 cell is empty)",
    "Met or unmet is decided by the target's comparator on the aligned quantities (qualitative rows: \
     a completion degree below 100%)."
);
check!(
    REASON_REQUIRED,
    "reason-required",
    Plausibility,
    Warning,
    None,
    [],
    "规则要求说明原因 (the rules ask for a reason)",
    "评分规则的 explain 条件要求填写偏差原因（如执行率低于 90%），但未填写 (the ruleset's `explain` condition asks for a 偏差原因 — e.g. an execution rate below 90% — and none is given)",
    "Covers the execution rate (`explain execution when …` in a template) and indicator rows whose \
     `explain` rule fires although the target is met (unmet rows are `unmet-unexplained`)."
);

/// Every check, in the order findings are listed on one line.
pub const CATALOGUE: &[Check] = &[
    RATE_MISMATCH,
    EXECUTION_SCORE_MISMATCH,
    SCORE_MISMATCH,
    DEVIATION_MISMATCH,
    TOTAL_MISMATCH,
    GRADE_MISMATCH,
    FUND_SOURCES_SUM,
    SCORE_ABOVE_WEIGHT,
    WEIGHT_SUM,
    TEMPLATE_FIT,
    ODD_CELL,
    QUALITATIVE_TIER,
    MET_LOST_POINTS,
    UNMET_FULL_MARKS,
    TOTAL_SUM,
    GRADE_BAND,
    COPIED_ACTUALS,
    COPIED_TEXT,
    LOW_EXECUTION_FULL_MARKS,
    COST_EXCEEDS_SPEND,
    MONEY_UNIT,
    VACUOUS_TARGET,
    DERIVED_INDICATOR,
    OVER_ACHIEVEMENT,
    UNMET_UNEXPLAINED,
    REASON_REQUIRED,
];

/// The check with this code.
pub fn check(code: &str) -> Option<&'static Check> {
    CATALOGUE.iter().find(|c| c.code == code)
}

fn catalogue_index(code: &str) -> usize {
    CATALOGUE
        .iter()
        .position(|c| c.code == code)
        .unwrap_or(CATALOGUE.len())
}

/// One number or text a finding rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// What it is: `全年执行数`, `申报 (claimed)`, `公式 (formula)` …
    pub name: String,
    /// As written on the form or computed, keeping the scale (`92.61万元`, `45.18%`, `8.22`).
    pub value: String,
}

/// One problem on one form, at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub file: String,
    /// 1-based line in the form file; `None` for the form as a whole.
    pub line: Option<usize>,
    /// For a form read from a workbook: the cell behind the line (`s.xlsx:Sheet1!D14`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The row: an indicator's name, a section item, `执行率`, `总分`, `年度总体目标` …
    pub row: String,
    /// The column: `得分`, `实际完成值`, `年度指标值`, `偏差度` …
    pub field: String,
    /// Chinese, with an English gloss in parentheses.
    pub message: String,
    pub evidence: Vec<Evidence>,
}

impl Finding {
    pub fn new(
        check: &Check,
        file: &str,
        line: Option<usize>,
        row: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code: check.code,
            severity: check.severity,
            file: file.to_string(),
            line,
            place: None,
            row: row.into(),
            field: field.into(),
            message: message.into(),
            evidence: Vec::new(),
        }
    }

    /// Add one piece of evidence.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Finding {
        self.evidence.push(Evidence {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    pub fn check(&self) -> Option<&'static Check> {
        check(self.code)
    }

    pub fn family(&self) -> Option<Family> {
        self.check().map(|c| c.family)
    }

    /// `file:line` (or the cell, for a workbook), or the file alone.
    pub fn location(&self) -> String {
        match (&self.place, self.line) {
            (Some(place), _) => place.clone(),
            (None, Some(line)) => format!("{}:{line}", self.file),
            (None, None) => self.file.clone(),
        }
    }

    /// The evidence on one line: `name: value; name: value`.
    pub fn evidence_text(&self) -> String {
        self.evidence
            .iter()
            .map(|e| format!("{}: {}", e.name, e.value))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Which checks run: all by default, narrowed by `--only` and `--skip`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSet {
    enabled: Vec<&'static str>,
}

impl Default for CheckSet {
    fn default() -> Self {
        CheckSet::all()
    }
}

impl CheckSet {
    pub fn all() -> CheckSet {
        CheckSet {
            enabled: CATALOGUE.iter().map(|c| c.code).collect(),
        }
    }

    /// `only` (empty: every check) minus `skip`. A selector is a check code, a family
    /// (`claimed`, `consistency`, `plausibility`) or a severity (`error`, `warning`).
    pub fn select(only: &[String], skip: &[String]) -> Result<CheckSet, String> {
        let mut enabled: Vec<&'static str> = if only.is_empty() {
            CATALOGUE.iter().map(|c| c.code).collect()
        } else {
            let mut chosen = Vec::new();
            for selector in only {
                for code in resolve_selector(selector)? {
                    if !chosen.contains(&code) {
                        chosen.push(code);
                    }
                }
            }
            chosen
        };
        for selector in skip {
            let skipped = resolve_selector(selector)?;
            enabled.retain(|c| !skipped.contains(c));
        }
        enabled.sort_by_key(|c| catalogue_index(c));
        Ok(CheckSet { enabled })
    }

    pub fn contains(&self, code: &str) -> bool {
        self.enabled.contains(&code)
    }

    pub fn codes(&self) -> &[&'static str] {
        &self.enabled
    }
}

fn resolve_selector(selector: &str) -> Result<Vec<&'static str>, String> {
    let selector = selector.trim();
    if let Some(check) = check(selector) {
        return Ok(vec![check.code]);
    }
    if let Some(family) = Family::ALL.iter().find(|f| f.name() == selector) {
        return Ok(CATALOGUE
            .iter()
            .filter(|c| c.family == *family)
            .map(|c| c.code)
            .collect());
    }
    let severity = match selector {
        "error" | "errors" => Some(Severity::Error),
        "warning" | "warnings" => Some(Severity::Warning),
        _ => None,
    };
    if let Some(severity) = severity {
        return Ok(CATALOGUE
            .iter()
            .filter(|c| c.severity == severity)
            .map(|c| c.code)
            .collect());
    }
    let codes: Vec<&str> = CATALOGUE.iter().map(|c| c.code).collect();
    Err(format!(
        "未知的检查 `{selector}` (unknown check `{selector}`): expected a code ({}), a family (claimed, consistency, plausibility) or a severity (error, warning); `jixiao review --list-checks` lists them",
        codes.join(", ")
    ))
}

/// What a check needs: the rules, the form and the engine's sheet.
pub struct Context<'a> {
    pub ruleset: &'a RuleSet,
    pub form: &'a Form,
    pub sheet: &'a ScoreSheet,
    /// Each indicator row with its score, paired once: every check walks them.
    rows: Vec<(&'a Indicator, &'a IndicatorScore)>,
}

impl<'a> Context<'a> {
    pub fn new(ruleset: &'a RuleSet, form: &'a Form, sheet: &'a ScoreSheet) -> Self {
        // Rows are paired by position and checked by line.
        let rows = form
            .indicators
            .iter()
            .zip(sheet.indicators.iter())
            .filter(|(row, scored)| form.line_of(&row.span) == scored.line)
            .collect();
        Context {
            ruleset,
            form,
            sheet,
            rows,
        }
    }

    pub fn settings(&self) -> &'a ReviewSettings {
        &self.ruleset.review
    }

    pub fn tolerance(&self) -> Decimal {
        self.ruleset.review.tolerance
    }

    pub fn file(&self) -> &'a str {
        self.form.path()
    }

    pub fn line(&self, span: &Span) -> usize {
        self.form.line_of(span)
    }

    /// Each indicator row with its score.
    pub fn rows(&self) -> impl Iterator<Item = (&'a Indicator, &'a IndicatorScore)> + '_ {
        self.rows.iter().copied()
    }

    pub fn finding(
        &self,
        check: &Check,
        line: Option<usize>,
        row: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(check, self.file(), line, row, field, message)
    }
}

/// Review one scored form with every check.
pub fn review(ruleset: &RuleSet, form: &Form, sheet: &ScoreSheet) -> Vec<Finding> {
    review_with(ruleset, form, sheet, &CheckSet::all())
}

/// Review one scored form with the chosen checks. The sheet should be scored with traces
/// (`ScoreOptions { trace: true }`) so that claimed-against-computed findings show the formula.
///
/// Findings come sorted by line (form-wide ones first), then in catalogue order.
pub fn review_with(
    ruleset: &RuleSet,
    form: &Form,
    sheet: &ScoreSheet,
    checks: &CheckSet,
) -> Vec<Finding> {
    let cx = Context::new(ruleset, form, sheet);
    let mut findings = claimed::run(&cx);
    findings.extend(consistency::run(&cx));
    findings.extend(plausibility::run(&cx));
    findings.retain(|f| checks.contains(f.code));
    let superseded: Vec<(Option<usize>, String, &'static str)> = findings
        .iter()
        .filter_map(|f| f.check().map(|c| (f, c)))
        .flat_map(|(f, c)| {
            c.supersedes
                .iter()
                .map(move |code| (f.line, f.field.clone(), *code))
        })
        .collect();
    findings.retain(|f| {
        !superseded
            .iter()
            .any(|(line, field, code)| *code == f.code && *line == f.line && *field == f.field)
    });
    findings.sort_by_key(|f| (f.line, catalogue_index(f.code)));
    // A form read from a workbook: its lines are of text the user never saw; name the cell.
    if let Some(document) = form.source.document() {
        for f in &mut findings {
            if let Some(place) = f.line.and_then(|l| form.source.place_of_line(l)) {
                f.place = Some(format!("{document}:{place}"));
            }
        }
    }
    findings
}

/// A reviewed form: what was claimed, what the rules give, and the findings.
#[derive(Debug, Clone, Serialize)]
pub struct FormReview {
    pub file: String,
    pub name: String,
    pub kind: crate::rules::FormKind,
    pub year: i32,
    pub ruleset: String,
    pub claimed_total: Option<String>,
    pub claimed_grade: Option<String>,
    pub total: String,
    pub grade: String,
    pub findings: Vec<Finding>,
}

impl FormReview {
    pub fn new(sheet: &ScoreSheet, findings: Vec<Finding>) -> FormReview {
        FormReview {
            file: sheet.file.clone(),
            name: sheet.name.clone(),
            kind: sheet.kind,
            year: sheet.year,
            ruleset: sheet.ruleset.clone(),
            claimed_total: sheet.claimed_total.as_ref().map(|c| c.text.clone()),
            claimed_grade: sheet.claimed_grade.as_ref().map(|c| c.text.clone()),
            total: sheet.total.to_string(),
            grade: sheet.grade.clone(),
            findings,
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Review a scored form and package the result.
/// Score a form for review. Traces cost as much as the scoring itself and only findings about
/// claimed figures that differ show them, so the form is scored again with traces only when it
/// has such a figure.
pub fn score_for_review(
    ruleset: &RuleSet,
    form: &Form,
    selection: crate::rules::registry::Selection,
) -> Result<ScoreSheet, Vec<crate::diag::Diagnostic>> {
    use crate::score::{ScoreOptions, score};
    let sheet = score(ruleset, form, selection, ScoreOptions { trace: false })?;
    if sheet.mismatches().is_empty() {
        return Ok(sheet);
    }
    score(ruleset, form, selection, ScoreOptions { trace: true })
}

pub fn review_form(
    ruleset: &RuleSet,
    form: &Form,
    sheet: &ScoreSheet,
    checks: &CheckSet,
) -> FormReview {
    FormReview::new(sheet, review_with(ruleset, form, sheet, checks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_supersede_only_known_codes() {
        for (i, c) in CATALOGUE.iter().enumerate() {
            assert!(
                CATALOGUE.iter().skip(i + 1).all(|d| d.code != c.code),
                "duplicate code {}",
                c.code
            );
            for s in c.supersedes {
                assert!(check(s).is_some(), "{} supersedes unknown {s}", c.code);
            }
        }
    }

    #[test]
    fn selectors_take_codes_families_and_severities() {
        let only = CheckSet::select(&["plausibility".into()], &["copied-text".into()]).unwrap();
        assert!(only.contains("copied-actuals"));
        assert!(!only.contains("copied-text"));
        assert!(!only.contains("score-mismatch"));
        let errors = CheckSet::select(&["error".into()], &[]).unwrap();
        assert!(
            errors
                .codes()
                .iter()
                .all(|c| check(c).unwrap().severity == Severity::Error)
        );
        let err = CheckSet::select(&["no-such-check".into()], &[]).unwrap_err();
        assert!(err.contains("no-such-check"), "{err}");
    }

    #[test]
    fn thresholds_print_as_the_rules_write_them() {
        let s = ReviewSettings::default();
        assert_eq!(Threshold::Tolerance.describe(&s), "tolerance 0.01");
        assert_eq!(Threshold::LowExecution.describe(&s), "low-execution 60%");
        assert_eq!(
            Threshold::OverAchievement.describe(&s),
            "over-achievement 130%"
        );
        assert_eq!(Threshold::DerivedGap.describe(&s), "derived-gap 1%");
        assert_eq!(Threshold::None.describe(&s), "—");
    }
}
