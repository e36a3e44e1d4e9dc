//! What the checker can find wrong in a rule file: one kind per mistake, each with a stable code
//! (`rules::undefined-name`), its arguments, and one message in Chinese with an English gloss,
//! written once. `docs/rules-errors.md` is generated from [`CHECK_ERRORS`]
//! (`tests/rules_errors_docs.rs` keeps it in sync).

use super::{MAX_EVAL_DEPTH, MAX_EVAL_TERMS, MAX_FORMULA_CHAIN, MAX_STEP_BANDS};
use rust_decimal::Decimal;

/// One entry of the catalogue of checker errors, for `docs/rules-errors.md`.
#[derive(Debug, Clone, Copy)]
pub struct CheckErrorInfo {
    /// The stable code a diagnostic carries, e.g. `rules::undefined-name`.
    pub code: &'static str,
    /// What the mistake is and how to mend it (the kind's doc comment, line by line).
    pub doc: &'static [&'static str],
    /// The message, with each argument as `{name}`.
    pub message: &'static str,
}

/// Declares [`CheckError`], its codes and messages, and the catalogue [`CHECK_ERRORS`] from one
/// list, so that a kind's code, arguments, message and documentation are written in one place.
macro_rules! check_errors {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $({ $($field:ident : $ty:ty),* $(,)? })? = $code:literal => $message:literal;
    )*) => {
        /// A mistake the checker found in a rule file. Each kind has a stable code
        /// ([`CheckError::code`]) and one bilingual message ([`CheckError::message`]).
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum CheckError {
            $( $(#[doc = $doc])* $variant $({ $($field: $ty),* })?, )*
        }

        impl CheckError {
            /// The stable code, e.g. `rules::undefined-name`.
            pub fn code(&self) -> &'static str {
                match self {
                    $( Self::$variant { .. } => $code, )*
                }
            }

            /// What is wrong, in Chinese with an English gloss.
            pub fn message(&self) -> String {
                match self {
                    $( Self::$variant $({ $($field),* })? => format!($message), )*
                }
            }
        }

        /// Every kind of checker error, in the order the checker meets them in a file.
        pub const CHECK_ERRORS: &[CheckErrorInfo] = &[
            $( CheckErrorInfo { code: $code, doc: &[$($doc),*], message: $message }, )*
        ];
    };
}

check_errors! {
    // ───────────── the file's items ─────────────

    /// A formula is named like a built-in variable (`rate`) or function (`min`).
    FormulaNameTaken { name: String } = "rules::formula-name-taken" =>
        "公式名 {name} 与内置变量或函数重名 (formula name `{name}` is taken by a built-in variable or function)";
    /// Two formulas have the same name.
    DuplicateFormula { name: String } = "rules::duplicate-formula" =>
        "公式 {name} 重复定义 (formula `{name}` is defined twice)";
    /// A second `ruleset { … }` header.
    DuplicateHeader = "rules::duplicate-header" =>
        "规则文件只能有一个 ruleset 声明 (a rule file has one `ruleset` header)";
    /// A block that a file or a template has once (`grades`, `rounding`, `review`,
    /// `quantitative`, `qualitative`, `execution`, `indicators`) is written twice.
    DuplicateBlock { block: &'static str } = "rules::duplicate-block" =>
        "{block} 重复定义 (`{block}` is given twice)";
    /// The file has no `ruleset { … }` header.
    MissingHeader = "rules::missing-header" =>
        "缺少 ruleset 声明 (missing the `ruleset` header)";
    /// Two `form` templates for the same kind of form.
    DuplicateTemplate { kind: String } = "rules::duplicate-template" =>
        "{kind} 表模板重复定义 (the {kind} template is given twice)";
    /// The ruleset has no `form` template, so no form could be scored with it.
    NoTemplate = "rules::no-template" =>
        "规则没有任何表模板 (the ruleset has no `form` template: add `form 项目 {{ … }}` or `form 部门整体 {{ … }}`)";

    // ───────────── header and numbers ─────────────

    /// `years 2024..2023`.
    YearsReversed { from: u32, to: u32 } = "rules::years-reversed" =>
        "年份范围颠倒 (the years run backwards: {from}..{to})";
    /// The header has no `version N`.
    MissingVersion { id: String } = "rules::missing-version" =>
        "规则 {id} 缺少 version (missing `version N`)";
    /// The header has no `years …`.
    MissingYears { id: String } = "rules::missing-years" =>
        "规则 {id} 缺少适用年度 (missing `years 2023..2024`)";
    /// `region "…"` names no place in the divisions table (`scoring-rules/regions.json`), or a
    /// district name that two provinces share without its province (`普陀区`: write `上海市普陀区`).
    UnknownRegion { reason: String } = "rules::unknown-region" =>
        "{reason}";
    /// The same place is named twice among a ruleset's regions.
    DuplicateRegion { place: String } = "rules::duplicate-region" =>
        "地区 {place} 重复 (the region {place} is named twice)";
    /// A weight (分值) that is a percentage or above 100 points.
    WeightOutOfRange { weight: String } = "rules::weight-out-of-range" =>
        "分值应在 0 到 100 之间 (a weight is between 0 and 100 points, not {weight})";
    /// A version or a year with a fraction or a `%`.
    NotWholeNumber { what: &'static str } = "rules::not-whole-number" =>
        "{what} 应为整数 (expected a whole number)";
    /// A version or a year above 9999.
    NumberOutOfRange { what: &'static str } = "rules::number-out-of-range" =>
        "{what} 超出范围 (out of range)";

    // ───────────── grades, rounding, review ─────────────

    /// Two grades with the same name.
    DuplicateGrade { name: String } = "rules::duplicate-grade" =>
        "等级 {name} 重复 (grade `{name}` appears twice)";
    /// A grade other than the last has no lower bound.
    GradeWithoutBound = "rules::grade-without-bound" =>
        "只有最后一个等级可以不设下限 (only the last grade may have no lower bound: write `良 >= 80`)";
    /// Grade bounds that do not fall from one grade to the next.
    GradesOutOfOrder { min: Decimal, previous: Decimal } = "rules::grades-out-of-order" =>
        "等级下限应从高到低排列 (grade bounds must fall from one grade to the next: {min} is not below {previous})";
    /// `grades { }` with nothing in it.
    NoGrades = "rules::no-grades" =>
        "grades 为空 (no grades given)";
    /// The last grade has a bound, so a low total would get no grade.
    LastGradeBounded = "rules::last-grade-bounded" =>
        "最后一个等级应不设下限，以兜底 (the last grade must have no bound, so that every total gets a grade: add e.g. `差`)";
    /// Rounding for the same figure is given twice.
    DuplicateRounding { target: String } = "rules::duplicate-rounding" =>
        "{target} 的舍入重复定义 (rounding for `{target}` is given twice)";
    /// A rounding entry for something other than rate, deviation, score, execution or total.
    UnknownRoundingTarget { target: String } = "rules::unknown-rounding-target" =>
        "未知的舍入对象 {target} (unknown rounding target)";
    /// A rounding mode other than half-up, half-even, down or up.
    UnknownRoundingMode { mode: String } = "rules::unknown-rounding-mode" =>
        "未知的舍入方式 {mode} (unknown rounding mode)";
    /// A rounding step that is not a power of ten (`0.05`).
    BadRoundingStep = "rules::bad-rounding-step" =>
        "舍入单位应为 1、0.1、0.01 … (the rounding step must be a power of ten such as 0.01 or 0.01%)";
    /// A `review` setting outside its range (the message names the range).
    ReviewSettingOutOfRange { message: String } = "rules::review-setting-out-of-range" =>
        "{message}";
    /// A `review` setting the review checks do not have.
    UnknownReviewSetting { key: String } = "rules::unknown-review-setting" =>
        "未知的复核设置 {key} (unknown review setting)";

    // ───────────── scoring blocks ─────────────

    /// A scoring block that says how unmet targets score but not met ones.
    MetNotCovered { block: &'static str } = "rules::met-not-covered" =>
        "{block} 规则没有覆盖达成的情形 (the {block} rules do not say how a met target scores: add `met -> weight`)";
    /// A quantitative block that does not say how an unmet target with this comparator scores.
    UnmetNotCovered { symbol: &'static str, ascii: &'static str } = "rules::unmet-not-covered" =>
        "没有规定比较符 {symbol} 未达成时如何计分 (no rule scores an unmet `{symbol}` target: add `unmet {ascii} -> …` or a catch-all `unmet -> …`)";
    /// A qualitative block that does not say how an unmet target scores.
    QualitativeUnmetNotCovered = "rules::qualitative-unmet-not-covered" =>
        "qualitative 规则没有覆盖未达成的情形 (the qualitative rules do not say how an unmet target scores: add `unmet -> …` or `score -> …`)";
    /// `!=` where a target's comparator is due (`unmet != -> …`, `bare !=`).
    NotATargetComparator = "rules::not-a-target-comparator" =>
        "目标比较符只能是 >= > <= < = (a target's comparator is one of >= > <= < =)";
    /// `deviation`, `explain`, `lower-is-better` or `parts` written twice in one scoring block,
    /// or `absolute` / `relative` twice in `parts`.
    DuplicateEntry { entry: &'static str } = "rules::duplicate-entry" =>
        "{entry} 重复定义 (`{entry}` is given twice in this block)";
    /// `bare`, `lower-is-better` or `parts` outside the `quantitative` block, `tiers` outside the
    /// `qualitative` block.
    MisplacedEntry { entry: &'static str, block: &'static str } = "rules::misplaced-entry" =>
        "{entry} 只能写在 {block} 块中 (`{entry}` belongs in the `{block}` block)";
    /// An empty name part in `lower-is-better` (`""`), which every indicator name contains.
    EmptyNamePart = "rules::empty-name-part" =>
        "名称片段为空 (an empty name part matches every indicator: give a part such as 结余率)";
    /// A name part written twice in `lower-is-better`.
    DuplicateNamePart { name: String } = "rules::duplicate-name-part" =>
        "名称片段 {name} 重复 (name part `{name}` is listed twice)";
    /// A `parts` entry whose method is not one the language knows (`absolute average`).
    UnknownPartsMethod { kind: String, method: String, expected: &'static str } =
        "rules::unknown-parts-method" =>
        "分项汇总方式 {kind} {method} 无法识别 (`{kind} {method}` is not a way to combine parts: `{kind}` takes {expected})";
    /// A tier with an open end.
    TierWithoutBounds = "rules::tier-without-bounds" =>
        "档次的上下限都要写明 (a tier needs both bounds, e.g. [60%, 80%))";
    /// A tier whose lower bound is above its upper bound.
    TierReversed = "rules::tier-reversed" =>
        "档次下限大于上限 (the tier's lower bound is above its upper bound)";
    /// Two tiers with the same name.
    DuplicateTier { name: String } = "rules::duplicate-tier" =>
        "档次 {name} 重复 (tier `{name}` appears twice)";
    /// Two tiers that share some degree, so that the tier of a form would depend on their order.
    TiersOverlap { name: String, other: String, interval: String, other_interval: String } = "rules::tiers-overlap" =>
        "档次 {name} 与 {other} 重叠 (tiers overlap: {interval} and {other_interval})";
    /// `tiers { }` with nothing in it.
    NoTiers = "rules::no-tiers" =>
        "tiers 为空 (no tiers given)";
    /// A yes/no value where a constant number is due (a tier's bound).
    ExpectedNumber = "rules::expected-number" =>
        "此处应为数字 (expected a number here)";
    /// A constant that cannot be computed (a division by zero in a tier's bound).
    ConstantNotComputable { message: String } = "rules::constant-not-computable" =>
        "{message}";

    // ───────────── form templates and examples ─────────────

    /// A form kind other than 项目 or 部门整体.
    UnknownFormKind { kind: String } = "rules::unknown-form-kind" =>
        "未知的表类型 {kind} (unknown form kind)";
    /// An execution rule over a budget column other than 全年预算数 or 年初预算数.
    UnknownBudgetColumn { column: String } = "rules::unknown-budget-column" =>
        "未知的预算列 {column} (unknown budget column)";
    /// A section, or an item of a section, written twice.
    DuplicateItem { name: String } = "rules::duplicate-item" =>
        "{name} 重复 ({name} appears twice)";
    /// A section whose weight differs from the sum of its items' weights.
    SectionWeightMismatch { section: String, weight: Decimal, sum: Decimal } = "rules::section-weight-mismatch" =>
        "{section} 的分值 {weight} 与各项之和 {sum} 不等 (the section's weight {weight} differs from the sum of its items, {sum})";
    /// A template without an `execution` rule.
    MissingExecution { kind: String } = "rules::missing-execution" =>
        "{kind} 表模板缺少 execution (the template needs `execution 10 over 全年预算数 -> …`)";
    /// A template whose fixed weights do not add up to 100.
    TemplateNot100 { kind: String, total: Decimal } = "rules::template-not-100" =>
        "{kind} 表模板的分值合计为 {total}，应为 100 (the template's weights add up to {total}, not 100)";
    /// A level-1 indicator (一级指标) named twice.
    DuplicateLevel1 { name: String } = "rules::duplicate-level1" =>
        "一级指标 {name} 重复 (level-1 indicator `{name}` appears twice)";
    /// A level-2 indicator (二级指标) named twice under one level-1 indicator.
    DuplicateLevel2 { name: String } = "rules::duplicate-level2" =>
        "二级指标 {name} 重复 (level-2 indicator `{name}` appears twice)";
    /// The level-2 weights of a level-1 indicator do not add up to its weight.
    Level2SumMismatch { sum: Decimal, weight: Decimal } = "rules::level2-sum-mismatch" =>
        "二级指标分值之和 {sum} 不等于一级指标分值 {weight} (the level-2 weights add up to {sum}, not {weight})";
    /// `absent -> X` naming the indicator it is written on.
    AbsentToSelf = "rules::absent-to-self" =>
        "absent 不能指向自身 (`absent ->` cannot name the same indicator)";
    /// `absent -> X` on an indicator without a fixed weight: there is nothing to pass on.
    AbsentWithoutWeight = "rules::absent-without-weight" =>
        "只有固定分值的一级指标可以转移分值 (only a level-1 indicator with a fixed weight can pass it on)";
    /// `absent -> X` naming no level-1 indicator of the template.
    UnknownLevel1 { name: String } = "rules::unknown-level1" =>
        "未知的一级指标 {name} (unknown level-1 indicator)";
    /// The level-1 weights do not add up to the `indicators` total.
    Level1SumMismatch { sum: Decimal, total: Decimal } = "rules::level1-sum-mismatch" =>
        "一级指标分值之和 {sum} 不等于 {total} (the level-1 weights add up to {sum}, not {total})";
    /// An example with two `indicator` lines.
    SecondIndicator = "rules::second-indicator" =>
        "一个示例只能有一个指标 (an example scores one indicator)";
    /// `part …` in an example that has no `indicator` for it to report.
    PartWithoutIndicator = "rules::part-without-indicator" =>
        "示例有分项却没有指标 (an example gives parts but no `indicator` row for them)";
    /// `expect X` for something an example cannot check.
    UnknownExpectation { key: String } = "rules::unknown-expectation" =>
        "未知的期望项 {key} (unknown expectation)";
    /// An example that expects nothing, and so tests nothing.
    NoExpectation = "rules::no-expectation" =>
        "示例没有 expect (the example expects nothing: add `expect score …`)";

    // ───────────── formulas ─────────────

    /// Formulas that refer to formulas more than 32 deep.
    FormulaChainTooDeep = "rules::formula-chain-too-deep" =>
        "公式引用层次过深 (formulas refer to formulas more than {MAX_FORMULA_CHAIN} deep)";
    /// Formulas that refer to each other in a cycle (a formula that uses itself included).
    FormulaCycle { cycle: String } = "rules::formula-cycle" =>
        "公式循环引用 (formulas refer to each other in a cycle: {cycle})";
    /// A rule or formula nested too deeply once the formulas it uses are followed.
    NestedTooDeep { what: String, depth: usize } = "rules::nested-too-deep" =>
        "{what} 连同所引用的公式嵌套过深 (nested {depth} levels deep with the formulas it uses; the limit is {MAX_EVAL_DEPTH})";
    /// A rule or formula too large once the formulas it uses are followed.
    TooManyTerms { what: String, terms: usize } = "rules::too-many-terms" =>
        "{what} 连同所引用的公式过于庞大 (it expands to {terms} terms with the formulas it uses; the limit is {MAX_EVAL_TERMS})";

    // ───────────── expressions ─────────────

    /// A rule gives a number where a condition is due, or a condition where a number is due.
    WrongRuleType { want_zh: &'static str, want: &'static str, found: &'static str } = "rules::wrong-rule-type" =>
        "此处应为{want_zh} (expected {want} here, found {found})";
    /// A rule reads a variable that the place it is used in does not have (`actual` in the
    /// execution rule).
    VariableNotAvailable { name: &'static str, place: &'static str } = "rules::variable-not-available" =>
        "变量 {name} 不能用在此处 (`{name}` is not available in {place})";
    /// A variable where a constant is due (a tier's bound).
    VariableInConstant { name: String } = "rules::variable-in-constant" =>
        "此处不能用变量 {name} (a constant is expected here, not the variable `{name}`)";
    /// A name that is no variable and no formula: usually a typo.
    UndefinedName { name: String } = "rules::undefined-name" =>
        "未定义的名称 {name} (undefined name `{name}`)";
    /// A call of a function other than min, max, abs, clamp, floor, ceil or round.
    UnknownFunction { name: String } = "rules::unknown-function" =>
        "未知的函数 {name} (unknown function)";
    /// A function called with too few or too many arguments.
    WrongArity { function: &'static str, wanted: String, given: usize } = "rules::wrong-arity" =>
        "{function} 需要 {wanted} 个参数 ({function} takes {wanted} arguments, not {given})";
    /// `if … then A else B` where A and B are not both numbers or both conditions.
    BranchTypesDiffer { then: &'static str, otherwise: &'static str } = "rules::branch-types-differ" =>
        "if 的两个分支类型不同 (the branches of `if` differ: {then} and {otherwise})";
    /// A `steps` expression with more than 1,000 bands.
    TooManyBands { given: usize } = "rules::too-many-bands" =>
        "steps 分段过多 (more than {MAX_STEP_BANDS} bands: no scoring rule has so many; {given} given)";
    /// An interval whose lower end is above its upper end.
    IntervalReversed = "rules::interval-reversed" =>
        "区间下限大于上限 (the interval's lower end is above its upper end)";
    /// The bands of `steps` give numbers and conditions.
    BandTypesDiffer = "rules::band-types-differ" =>
        "各分段的结果类型不同 (the bands give values of different types)";
    /// The `else` of `steps` gives another type than the bands.
    ElseTypeDiffers = "rules::else-type-differs" =>
        "else 的结果类型与各分段不同 (`else` gives a different type than the bands)";
    /// `steps x { }` with no band.
    NoBands = "rules::no-bands" =>
        "steps 没有分段 (the steps have no bands)";
    /// Two bands of `steps` that both hold some value, so the result would depend on their order.
    BandsOverlap { other: String } = "rules::bands-overlap" =>
        "分段重叠 (this band overlaps an earlier one: `{other}`)";
    /// An operand of the wrong type (`rate and 1`, `-met`).
    TypeMismatch { want: &'static str, found: &'static str } = "rules::type-mismatch" =>
        "类型不符 (expected {want}, found {found})";
}
