//! The catalogue of review checks: each check's code, family, severity, settings, the prose the
//! docs print, and the function that runs it, in one list ([`CATALOGUE`]) that drives
//! `--list-checks`, `--only`/`--skip`, the review itself and `docs/review-checks.md`.

use super::settings::{Setting, setting};
use super::{
    Context, Family, Finding, Severity, batch, claimed, consistency, design, plausibility,
};
use crate::rules::ruleset::ReviewSettings;

/// How a check runs: on one form at a time, or once over every form of a run.
#[derive(Clone, Copy)]
pub enum Runner {
    /// Sees one form (with its rules and score sheet).
    Form(fn(&Context, &mut Vec<Finding>)),
    /// Sees the small keys of every form of the run ([`batch::Index`]).
    Batch(fn(&batch::Index, &ReviewSettings, &mut Vec<batch::Raised>)),
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Runner::Form(_) => "Runner::Form",
            Runner::Batch(_) => "Runner::Batch",
        })
    }
}

/// One check of the catalogue: everything `--list-checks`, `--only`/`--skip`, the `review`
/// block, the docs and the review itself know about it, the function that runs it included.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Stable: used by `--only`/`--skip`, in every output format, and in the docs.
    pub code: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// A short name, Chinese with an English gloss.
    pub title: &'static str,
    /// What it checks, one sentence, Chinese with an English gloss.
    pub checks: &'static str,
    /// The `review` settings it reads.
    pub settings: &'static [Setting],
    /// Findings of these codes on the same line and field say less than this check's finding
    /// (which carries the computed figure too): they are dropped when both are raised.
    pub supersedes: &'static [&'static str],
    /// The longer explanation for `docs/review-checks.md`.
    pub details: &'static str,
    /// The function that raises its findings.
    pub run: Runner,
}

impl Check {
    /// `similarity 90%`, `tolerance 0.01, unit-forms 3`, or `—`.
    pub fn describe_settings(&self, settings: &ReviewSettings) -> String {
        if self.settings.is_empty() {
            return "—".into();
        }
        self.settings
            .iter()
            .map(|s| s.describe(settings))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_batch(&self) -> bool {
        matches!(self.run, Runner::Batch(_))
    }

    /// The same as [`Check::is_batch`], named for tests reading the runner.
    pub fn run_is_batch(&self) -> bool {
        self.is_batch()
    }
}

macro_rules! check {
    ($name:ident, $code:literal, $family:ident, $severity:ident, [$($setting:ident),*], [$($sup:ident),*], $run:expr, $title:literal, $checks:literal, $details:literal) => {
        pub const $name: Check = Check {
            code: $code,
            family: Family::$family,
            severity: Severity::$severity,
            title: $title,
            checks: $checks,
            settings: &[$(setting::$setting),*],
            supersedes: &[$($sup.code),*],
            details: $details,
            run: $run,
        };
    };
}

check!(
    RATE_MISMATCH,
    "rate-mismatch",
    Claimed,
    Error,
    [],
    [],
    Runner::Form(claimed::rate_mismatch),
    "执行率与计算不符 (execution rate differs)",
    "申报的执行率（合计行及各资金来源行）与 全年执行数 / 预算数 在申报的精度上不符 (a claimed 执行率, of the total row or of a fund-source row, differs from executed / budget at the precision it is printed with)",
    "The rate is recomputed from the row's own figures, with the denominator the template names \
     (全年预算数 or 年初预算数), rounded as the rules say, and compared at the precision the claim \
     is printed with (rounded half up): a claimed `99%` agrees with a computed 99.10%, a claimed \
     45.19% does not agree with 45.18%. A claim that agrees only as printed is shown beside the \
     computed figure in every output."
);
check!(
    EXECUTION_SCORE_MISMATCH,
    "execution-score-mismatch",
    Claimed,
    Error,
    [TOLERANCE],
    [],
    Runner::Form(claimed::execution_score_mismatch),
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
    [TOLERANCE],
    [],
    Runner::Form(claimed::score_mismatch),
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
    [],
    [],
    Runner::Form(claimed::deviation_mismatch),
    "偏差度与计算不符 (deviation differs)",
    "申报的偏差度与规则计算结果在申报的精度上不符 (a claimed 偏差度 differs from the rules' deviation at the precision it is printed with: `0%` agrees with 0.40%, `0.50%` does not agree with 0.40%)",
    "偏差度 is computed with the ruleset's `deviation` rule; for henan-2023 it is one-sided (0 \
     whenever the target is met), so a form that prints 4.00% for 96% against `≥95%` is flagged."
);
check!(
    TOTAL_MISMATCH,
    "total-mismatch",
    Claimed,
    Error,
    [TOLERANCE],
    [],
    Runner::Form(claimed::total_mismatch),
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
    [],
    [],
    Runner::Form(claimed::grade_mismatch),
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
    [TOLERANCE],
    [],
    Runner::Form(consistency::fund_sources_sum),
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
    [],
    [SCORE_MISMATCH, EXECUTION_SCORE_MISMATCH],
    Runner::Form(consistency::score_above_weight),
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
    [],
    [],
    Runner::Form(consistency::weight_sum),
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
    [],
    [],
    Runner::Form(consistency::template_fit),
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
    [],
    [],
    Runner::Form(consistency::odd_cell),
    "无法按原样核对的单元格 (a cell the rules cannot check as printed)",
    "表中有人能读懂、但无法按规则核对的单元格：空白、数字处填了“/”或“—”、实际完成值写了比较符、单位不一致、无法判断完成程度等；表仍按原样评分 (a cell a person can read but the rules cannot check as printed: a blank, a `/` or `—` where a number belongs, a comparator in an actual, units that do not compare, a completion degree that cannot be told; the form is still scored as printed)",
    "A form loads as printed, whatever its cells hold. What the reader noticed (`form::blank-cell`, \
     `form::comparator-in-actual`, `form::unreadable-target` …) and the rows the engine could not \
     score by the rules (`score::blank-cell`, `score::unit-mismatch`, `score::degree` …: the \
     unit's claimed score is taken within the weight, unchecked) are each reported here, located, \
     with the engine's code. So are the parts of a row that do not combine into its actual \
     (`score::parts-left-out`, `score::parts-funds`) and a printed actual that is not its parts \
     combined (`score::parts-actual`)."
);
check!(
    QUALITATIVE_TIER,
    "qualitative-tier",
    Consistency,
    Error,
    [],
    [SCORE_MISMATCH],
    Runner::Form(consistency::qualitative_tier),
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
    [TOLERANCE],
    [SCORE_MISMATCH],
    Runner::Form(consistency::met_lost_points),
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
    [],
    [SCORE_MISMATCH],
    Runner::Form(consistency::unmet_full_marks),
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
    [TOLERANCE],
    [TOTAL_MISMATCH],
    Runner::Form(consistency::total_sum),
    "总分不等于各项得分之和 (total is not the sum of the scores)",
    "申报的自评得分不等于表中各项申报得分（执行率、资金管理、各指标）之和 (the claimed total is not the sum of the form's own claimed scores: execution, sections and indicators)",
    "Provable from the form alone. Checked only when every scored row carries a claimed score."
);
check!(
    GRADE_BAND,
    "grade-band",
    Consistency,
    Error,
    [],
    [GRADE_MISMATCH],
    Runner::Form(consistency::grade_band),
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
    [COPIED_ACTUALS],
    [],
    Runner::Form(plausibility::copied_actuals),
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
    [SIMILARITY],
    [],
    Runner::Form(plausibility::copied_text),
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
    [LOW_EXECUTION],
    [],
    Runner::Form(plausibility::low_execution_full_marks),
    "执行率低而产出满分 (low execution, full output marks)",
    "执行率低于阈值，而每一个产出指标都申报满分 (the execution rate is below the threshold while every output indicator (产出指标) claims full marks)",
    "Money that was not spent rarely bought every planned output. The rate is the recomputed one."
);
check!(
    COST_EXCEEDS_SPEND,
    "cost-exceeds-spend",
    Plausibility,
    Warning,
    [TOLERANCE],
    [],
    Runner::Form(plausibility::cost_exceeds_spend),
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
    [],
    [],
    Runner::Form(plausibility::money_unit),
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
    [],
    [],
    Runner::Form(plausibility::vacuous_target),
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
    [DERIVED_GAP],
    [],
    Runner::Form(plausibility::derived_indicator),
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
    [OVER_ACHIEVEMENT],
    [],
    Runner::Form(plausibility::over_achievement),
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
    [],
    [],
    Runner::Form(plausibility::unmet_unexplained),
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
    [],
    [],
    Runner::Form(plausibility::reason_required),
    "规则要求说明原因 (the rules ask for a reason)",
    "评分规则的 explain 条件要求填写偏差原因（如执行率低于 90%），但未填写 (the ruleset's `explain` condition asks for a 偏差原因 — e.g. an execution rate below 90% — and none is given)",
    "Covers the execution rate (`explain execution when …` in a template) and indicator rows whose \
     `explain` rule fires although the target is met (unmet rows are `unmet-unexplained`)."
);

check!(
    MISSING_GROUP,
    "missing-group",
    Consistency,
    Error,
    [],
    [WEIGHT_SUM],
    Runner::Form(consistency::missing_group),
    "缺少一级指标 (a level-1 group is missing)",
    "模板规定了分值的一级指标（如满意度指标）在表中没有任何指标，其分值也未按规则移至他项 (a level-1 group the template weighs, such as 满意度指标, has no rows on the form, and its weight was not moved as the rules allow)",
    "A template's level-1 group with a fixed weight must have rows. A ruleset may say where the weight \
     goes when it has none (`满意度指标 10 absent -> 效益指标` in central-2020, as 财预〔2020〕10号 \
     allows); a form that moved it is fine. Otherwise the form is missing the group: this finding \
     replaces the `weight-sum` finding the engine raises for the empty group."
);
check!(
    BUDGET_ADJUSTED_UNEXPLAINED,
    "budget-adjusted-unexplained",
    Plausibility,
    Warning,
    [TOLERANCE],
    [],
    Runner::Form(plausibility::budget_adjusted_unexplained),
    "预算调整未说明原因 (budget adjusted, no reason)",
    "全年预算数与年初预算数不同（年中调整了预算），表中未说明调整原因 (the adjusted budget differs from the initial budget — the budget was changed during the year — and the form gives no reason)",
    "四川's 2023 template requires a mid-year budget adjustment to be explained. The reason goes in the \
     budget's `explanation` (偏差原因); amounts within the tolerance are the same."
);
check!(
    UNDER_SPENDING_UNEXPLAINED,
    "under-spending-unexplained",
    Plausibility,
    Warning,
    [UNDER_SPENDING],
    [],
    Runner::Form(plausibility::under_spending_unexplained),
    "执行率偏低未说明原因 (under-spending, no reason)",
    "预算执行率低于阈值，表中未说明原因 (the execution rate is below the threshold and the form gives no reason)",
    "四川 2023: 预算执行率未达到90%的需说明原因. The rate compared is the engine's, rounded as the rules \
     round rates (89.996% is 90.00%, not below 90%). Unlike `reason-required`, it does not depend on the \
     ruleset's `explain` rule, and unlike `low-execution-full-marks` it does not look at the outputs."
);
check!(
    LATE_FULL_MARKS,
    "late-full-marks",
    Plausibility,
    Warning,
    [],
    [],
    Runner::Form(plausibility::late_full_marks),
    "逾期完成却得满分 (late, yet full marks)",
    "时效指标的实际完成时间晚于指标值的时间，却申报满分 (a timeliness row's actual date is later than its target date, yet it claims full marks)",
    "Dates are read as written: `10月`, `2023年12月`, `12月31日`, `2023.12` (a month without a year is the \
     form's year; a target month without a day means its end). When the rules already score the row as \
     unmet, `unmet-full-marks` says so; this catches the rows the rules read as met — a bare `10月` \
     compared as `≥`, a `2023.12` read as a number."
);
check!(
    COST_FLOOR,
    "cost-floor",
    Design,
    Error,
    [],
    [],
    Runner::Form(design::cost_floor),
    "成本指标设下限 (a floor on a cost)",
    "成本指标的指标值用 ≥ 或 >：成本只能设上限 (a cost indicator's target is written with ≥ or >: a cost takes an upper bound)",
    "A re-check standard ranks it the most serious defect of indicator setting: a floor on a cost \
     rewards spending more. Rows under a level-1 or level-2 name with 成本 are cost rows."
);
check!(
    DUPLICATE_INDICATOR,
    "duplicate-indicator",
    Design,
    Error,
    [],
    [],
    Runner::Form(design::duplicate_indicator),
    "同一指标重复设置 (the same indicator twice)",
    "同一个三级指标同时设在产出指标和效益指标下 (the same level-3 indicator is set under both 产出 and 效益)",
    "Project forms only (the re-check standard is for project self-evaluations; a 部门整体 form lists \
     its key tasks under 产出 and their effect under 效益 by its template's design). Names are \
     compared without spaces and quotes. The re-check counts one and scores the other 0; the finding \
     is on the 效益 row and names the 产出 row."
);
check!(
    SPENDING_RATE_OUTPUT,
    "spending-rate-output",
    Design,
    Error,
    [],
    [],
    Runner::Form(design::spending_rate_output),
    "资金指标作产出指标 (a spending rate as an output)",
    "资金支付率、预算执行率、资金到位率等资金使用指标设为产出指标 (a spending rate — 资金支付率, 预算执行率, 资金到位率 — is set as an output indicator)",
    "Execution is scored in its own section (执行率); counting it again as a 数量指标 or any 产出 row \
     scores the same money twice, and a re-check scores such a row 0. Recognised names: 资金支付率, \
     预算执行率, 资金到位率, 资金执行率, 支付进度, 资金拨付率, 预算支出率."
);
check!(
    SATISFACTION_NO_SURVEY,
    "satisfaction-no-survey",
    Design,
    Warning,
    [],
    [],
    Runner::Form(design::satisfaction_no_survey),
    "满意度无调查依据 (satisfaction without a survey)",
    "满意度指标以无投诉、未收到投诉、零投诉代替调查，或指标值、实际完成值没有满意度的度量 (a satisfaction row counts complaints — 无投诉, 未收到投诉, 零投诉 — instead of surveying, or its target or actual names no measure)",
    "A re-check standard scores `未收到投诉` taken as 100% satisfaction 0: the absence of complaints is \
     not a survey. A measure is a percentage or a number (`≥90%`, `95%`); a word such as `满意` or `较高` \
     is none."
);
check!(
    UNMEASURABLE_BENEFIT,
    "unmeasurable-benefit",
    Design,
    Warning,
    [],
    [],
    Runner::Form(design::unmeasurable_benefit),
    "效益指标无法衡量 (unmeasurable benefit)",
    "效益指标有数字却没有衡量对象（如只写 ≥95%），或只有程度词（如 效果明显）：形式上定量、实质上定性 (a benefit row with a number but no object, such as `≥95%` alone, or a degree word such as `效果明显` with no object: quantitative in form, qualitative in substance)",
    "A percentage target needs a name that says what it is a share of (a name with 率, 度, 比例, 占比, \
     比重, 指数 …). A name left with fewer than two characters once the vague words (效益, 效果, 明显, \
     提升, 社会, 经济 …) are taken out names no object. A re-check cuts such rows 30%–100%."
);
check!(
    RATE_TARGET_ABOVE_100,
    "rate-target-above-100",
    Design,
    Warning,
    [],
    [],
    Runner::Form(design::rate_target_above_100),
    "比率指标值超过 100% (a rate's target above 100%)",
    "比率类指标（名称含“率”）的指标值超过 100%，且不是上限 (a rate's target — a name with 率 — is above 100% and is not a cap)",
    "Completion, pass and coverage rates cannot exceed 100%. Growth rates and returns (增长率, 增幅, \
     回报率 …) can and are left alone, as are lower-is-better rates; a cap above 100% (`≤120%`) is \
     `vacuous-target`'s."
);
check!(
    DEADLINE_AFTER_YEAR,
    "deadline-after-year",
    Design,
    Warning,
    [],
    [],
    Runner::Form(design::deadline_after_year),
    "时效指标超出年度 (a deadline after the year)",
    "时效指标的完成时限在表的年度之后（如 2023 年度的表写 2024年3月） (a timeliness target falls after the form's year, e.g. 2024年3月 on a 2023 form)",
    "Timeliness rows are those under a 时效 level-2 name or named with 时间, 时限, 日期, 期限 or 进度. \
     Dates are read as in `late-full-marks`; `次年`, `下年`, `明年` count as after the year. Note: the \
     form reader does not yet take a year with a month (`2024年3月`) as a value; such a cell is \
     refused when the form is loaded, and `≤2024年` or `2024.3` reach this check."
);
check!(
    UNIT_FULL_MARKS,
    "unit-full-marks",
    Batch,
    Warning,
    [UNIT_FORMS],
    [],
    Runner::Batch(batch::unit_full_marks),
    "单位各表全部满分 (every form of a unit at full marks)",
    "同一单位的表达到阈值张数，且没有一个指标扣分（或全部自评 100 分） (a unit with at least the threshold number of forms in the run, none of which docks any indicator row, or all of which self-score 100)",
    "The most damaging finding of a published re-check: every project of a unit self-scored 100. A \
     unit is the form's 实施单位 (`unit`), else its 主管部门 (`department`). The finding is on the \
     unit's first form and lists the others."
);
check!(
    COPIED_ACROSS_UNITS,
    "copied-across-units",
    Batch,
    Warning,
    [COPIED_ROW_CHARS],
    [],
    Runner::Batch(batch::copied_across_units),
    "指标跨单位照抄 (indicator copied across units)",
    "同一三级指标的名称、指标值和实际完成值与其他单位的表逐字相同 (a row's name, target and actual are word for word those of a form of another unit)",
    "Only rows with enough text to tell them apart are compared (the threshold counts letters besides \
     digits, units and punctuation): `服务对象满意度 ≥90% 95%` is on every unit's forms honestly. Each \
     form holding the row gets a finding naming the others."
);
check!(
    NAMES_OTHER_UNIT,
    "names-other-unit",
    Batch,
    Warning,
    [],
    [],
    Runner::Batch(batch::names_other_unit),
    "满意度写的是其他单位 (satisfaction names another unit)",
    "满意度指标的文字写的是本次复核中另一个单位的名称 (a satisfaction row's text names another unit of the run)",
    "Satisfaction text copied from another unit's template keeps that unit's name (its beneficiaries). \
     Detected where the other unit is in the same run: its 主管部门 or 实施单位 name (4 characters or \
     more) appears in a 满意度 row of a form of a different unit."
);
check!(
    DUPLICATE_FORM,
    "duplicate-form",
    Batch,
    Error,
    [],
    [],
    Runner::Batch(batch::duplicate_form),
    "同一张表重复报送 (the same form submitted twice)",
    "两张表的预算、指标、实际值和得分完全相同，只是名称或文件不同 (two forms have identical budgets, indicators, actuals and scores under different names or files)",
    "The content compared is everything but the names and free text: the budget figures, every \
     indicator (names, targets, actuals, weights, claimed scores) and the claimed section scores."
);
check!(
    DUPLICATE_PROJECT,
    "duplicate-project",
    Batch,
    Warning,
    [],
    [],
    Runner::Batch(batch::duplicate_project),
    "同一项目两张表 (two forms for one project)",
    "同一单位同一年度的同名项目有两张内容不同的自评表 (a unit has two project forms of the same year for the same project name, with different contents)",
    "Names are compared without spaces, quotes and a system-code prefix (`51000021R0001-名称`). Forms \
     with the same content are `duplicate-form`."
);
check!(
    UNIT_SCORE_INFLATION,
    "unit-score-inflation",
    Batch,
    Warning,
    [UNIT_INFLATION],
    [],
    Runner::Batch(batch::unit_score_inflation),
    "单位自评分虚高 (a unit's scores inflated)",
    "同一单位各表的申报总分减复核总分之和超过阈值 (the claimed totals of a unit's forms exceed the recomputed totals by more than the threshold, summed)",
    "The gap (自评 − 复核) is summed over the unit's forms, and units are ranked by it; the ranking is \
     in the summary's per-unit table in every format."
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
    MISSING_GROUP,
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
    BUDGET_ADJUSTED_UNEXPLAINED,
    UNDER_SPENDING_UNEXPLAINED,
    LATE_FULL_MARKS,
    COST_FLOOR,
    DUPLICATE_INDICATOR,
    SPENDING_RATE_OUTPUT,
    SATISFACTION_NO_SURVEY,
    UNMEASURABLE_BENEFIT,
    RATE_TARGET_ABOVE_100,
    DEADLINE_AFTER_YEAR,
    UNIT_FULL_MARKS,
    COPIED_ACROSS_UNITS,
    NAMES_OTHER_UNIT,
    DUPLICATE_FORM,
    DUPLICATE_PROJECT,
    UNIT_SCORE_INFLATION,
];

/// The check with this code.
pub fn check(code: &str) -> Option<&'static Check> {
    CATALOGUE.iter().find(|c| c.code == code)
}

pub(crate) fn catalogue_index(code: &str) -> usize {
    CATALOGUE
        .iter()
        .position(|c| c.code == code)
        .unwrap_or(CATALOGUE.len())
}
