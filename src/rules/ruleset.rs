//! The checked form of a rule file: what the engine scores with.

use super::ast::Span;
use super::expr::{CExpr, Formulas, Var};
use crate::diag::SourceFile;
use crate::num::Rounding;
use crate::value::Comparator;
use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

/// The two kinds of self-evaluation form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum FormKind {
    /// 项目支出绩效自评表
    #[serde(rename = "项目")]
    Project,
    /// 部门整体支出绩效自评表
    #[serde(rename = "部门整体")]
    Department,
}

impl FormKind {
    pub const ALL: [FormKind; 2] = [FormKind::Project, FormKind::Department];

    pub fn name(self) -> &'static str {
        match self {
            FormKind::Project => "项目",
            FormKind::Department => "部门整体",
        }
    }

    pub fn from_name(name: &str) -> Option<FormKind> {
        // The English names are accepted where a user types a kind (`init --kind project`).
        match name.trim() {
            "项目" | "项目支出" => Some(FormKind::Project),
            "部门整体" | "部门整体支出" => Some(FormKind::Department),
            other if other.eq_ignore_ascii_case("project") => Some(FormKind::Project),
            other if other.eq_ignore_ascii_case("department") => Some(FormKind::Department),
            _ => None,
        }
    }
}

impl fmt::Display for FormKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A rule expression with the text it was written as, for traces and `rules show`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleExpr {
    pub expr: CExpr,
    /// The expression as written in the rule file (or the built-in default).
    pub text: String,
    /// Where it was written; `None` for a built-in default.
    pub span: Option<Span>,
    /// Variables it reads, following formulas, in a stable order.
    pub reads: Vec<Var>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearRange {
    pub from: i32,
    /// `None`: open-ended.
    pub to: Option<i32>,
}

impl YearRange {
    pub fn contains(&self, year: i32) -> bool {
        year >= self.from && self.to.is_none_or(|to| year <= to)
    }

    pub fn overlaps(&self, other: &YearRange) -> bool {
        let self_end = self.to.unwrap_or(i32::MAX);
        let other_end = other.to.unwrap_or(i32::MAX);
        self.from <= other_end && other.from <= self_end
    }
}

impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to {
            Some(to) if to == self.from => write!(f, "{}", self.from),
            Some(to) => write!(f, "{}..{}", self.from, to),
            None => write!(f, "{}..", self.from),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GradeBand {
    pub name: String,
    /// Inclusive lower bound; `None` for the last band.
    pub min: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundingRules {
    /// Execution rates (as fractions: 0.01% is 4 decimals).
    pub rate: Rounding,
    /// Deviations (as fractions).
    pub deviation: Rounding,
    /// Each indicator's score.
    pub score: Rounding,
    /// The execution score.
    pub execution: Rounding,
    /// The total.
    pub total: Rounding,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Guard {
    When(RuleExpr),
    Met,
    /// Empty: every comparator.
    Unmet(Vec<Comparator>),
    ZeroTarget,
    Always,
}

impl Guard {
    pub fn describe(&self) -> String {
        match self {
            Guard::When(e) => format!("when {}", e.text),
            Guard::Met => "met".into(),
            Guard::Unmet(ops) if ops.is_empty() => "unmet".into(),
            Guard::Unmet(ops) => {
                let symbols: Vec<&str> = ops.iter().map(|c| c.symbol()).collect();
                format!("unmet {}", symbols.join(" "))
            }
            Guard::ZeroTarget => "zero-target".into(),
            Guard::Always => "score".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub guard: Guard,
    pub body: RuleExpr,
    pub span: Span,
}

/// The rules of one scoring block: `quantitative`, `qualitative` or `indicator NAME`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoringRules {
    pub clauses: Vec<Clause>,
    pub deviation: Option<RuleExpr>,
    pub explain: Option<RuleExpr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub name: String,
    pub lower: Decimal,
    pub lower_inclusive: bool,
    pub upper: Decimal,
    pub upper_inclusive: bool,
}

impl Tier {
    pub fn contains(&self, x: Decimal) -> bool {
        (x > self.lower || (self.lower_inclusive && x == self.lower))
            && (x < self.upper || (self.upper_inclusive && x == self.upper))
    }

    pub fn describe(&self) -> String {
        format!(
            "{}{}, {}{}",
            if self.lower_inclusive { "[" } else { "(" },
            crate::num::percent_text(self.lower),
            crate::num::percent_text(self.upper),
            if self.upper_inclusive { "]" } else { ")" }
        )
    }
}

/// `indicator NAME { … }`: rules for the indicators whose level-3, level-2 or level-1 name matches.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRules {
    pub selector: Vec<String>,
    pub rules: ScoringRules,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetColumn {
    /// 年初预算数
    Initial,
    /// 全年预算数 (调整后预算数)
    Adjusted,
}

impl BudgetColumn {
    pub fn name(self) -> &'static str {
        match self {
            BudgetColumn::Initial => "年初预算数",
            BudgetColumn::Adjusted => "全年预算数",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "年初预算数" | "年初预算" => Some(BudgetColumn::Initial),
            "全年预算数" | "全年预算" | "调整后预算数" | "调整后预算" => {
                Some(BudgetColumn::Adjusted)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionRule {
    pub weight: Decimal,
    pub denominator: BudgetColumn,
    pub formula: RuleExpr,
    /// When a 偏差原因 is required for the execution rate (四川 2023: rate < 90%).
    pub explain: Option<RuleExpr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionRule {
    pub name: String,
    pub weight: Decimal,
    pub items: Vec<(String, Decimal)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Level2Rule {
    /// The name and its alternative spellings; the first is the official one.
    pub names: Vec<String>,
    pub weight: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Level1Rule {
    pub names: Vec<String>,
    /// Fixed by the rules; `None`: set by the unit.
    pub weight: Option<Decimal>,
    /// Index of the level-1 that takes this one's weight when the form has none of it.
    pub absent_to: Option<usize>,
    /// Empty: any level-2 name is accepted.
    pub level2: Vec<Level2Rule>,
}

impl Level1Rule {
    pub fn name(&self) -> &str {
        self.names.first().map_or("", String::as_str)
    }

    pub fn matches(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    pub fn level2_index(&self, name: &str) -> Option<usize> {
        self.level2
            .iter()
            .position(|l2| l2.names.iter().any(|n| n == name))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub kind: FormKind,
    pub execution: ExecutionRule,
    pub sections: Vec<SectionRule>,
    /// The level-1 weights must add up to this, when it is given.
    pub indicators_total: Option<Decimal>,
    pub level1: Vec<Level1Rule>,
}

impl Template {
    pub fn level1_index(&self, name: &str) -> Option<usize> {
        self.level1.iter().position(|l1| l1.matches(name))
    }
}

/// The thresholds of re-scoring (复核); each key, its range and meaning is listed once, in
/// `crate::review::SETTINGS`, which the checker reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSettings {
    /// 尾差: how far a claimed figure may be from the computed one.
    pub tolerance: Decimal,
    /// Execution below this with every output at full marks is flagged.
    pub low_execution: Decimal,
    /// Achieved text at least this similar to the expected text is flagged.
    pub similarity: Decimal,
    /// An actual at or above this multiple of the target, with no 偏差原因, is flagged.
    pub over_achievement: Decimal,
    /// A form on which at least this share of the comparable actuals repeat their targets is flagged.
    pub copied_actuals: Decimal,
    /// A derived indicator (预算调整率 …) more than this many percentage points (as a fraction)
    /// away from what the header gives is flagged.
    pub derived_gap: Decimal,
    /// An execution rate below this with no reason given is flagged.
    pub under_spending: Decimal,
    /// A unit needs at least this many forms before all of them at full marks is flagged.
    pub unit_forms: Decimal,
    /// An indicator row repeated across units counts when it has at least this many letters.
    pub copied_row_chars: Decimal,
    /// A unit whose claimed totals exceed the recomputed ones by more than this, summed, is flagged.
    pub unit_inflation: Decimal,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        ReviewSettings {
            tolerance: Decimal::new(1, 2),
            low_execution: Decimal::new(60, 2),
            similarity: Decimal::new(90, 2),
            over_achievement: Decimal::new(130, 2),
            copied_actuals: Decimal::new(80, 2),
            derived_gap: Decimal::new(1, 2),
            under_spending: Decimal::new(90, 2),
            unit_forms: Decimal::from(3),
            copied_row_chars: Decimal::from(12),
            unit_inflation: Decimal::ONE,
        }
    }
}

/// A worked example carried by a rule file, checked by `jixiao rules test`.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub title: String,
    pub span: Span,
    pub kind: FormKind,
    pub figures: Vec<(String, Decimal)>,
    pub indicator: Option<ExampleIndicator>,
    /// `part …`: the parts that report the indicator's actual.
    pub parts: Vec<ExamplePart>,
    pub expectations: Vec<Expectation>,
}

/// `part 甲镇 actual "120户" funds 30`
#[derive(Debug, Clone, PartialEq)]
pub struct ExamplePart {
    pub name: String,
    pub actual: String,
    pub funds: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExampleIndicator {
    pub category: Vec<String>,
    pub target: String,
    /// `None`: left out (a row reported by parts).
    pub actual: Option<String>,
    pub weight: Decimal,
    pub claimed: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub key: String,
    pub value: ExpectedValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpectedValue {
    Number { value: Decimal, text: String },
    Word(String),
}

/// A region a ruleset claims, as written and as read.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionClaim {
    pub text: String,
    pub place: super::region::Place,
}

/// One `lower-is-better` name part: `控制率 except { 疫 病 }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowerIsBetter {
    pub pattern: String,
    pub except: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RuleSet {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub basis: Option<String>,
    pub years: YearRange,
    /// Where it is in force (`region "四川省"`); empty: nationwide, the fallback where a form's
    /// region has no ruleset of its own.
    pub regions: Vec<RegionClaim>,
    /// What is read off published forms rather than quoted from a policy text (`read-off "…"`).
    pub read_off: Vec<String>,
    pub source: Arc<SourceFile>,
    pub grades: Vec<GradeBand>,
    pub rounding: RoundingRules,
    pub formula_names: Vec<String>,
    pub formulas: Vec<CExpr>,
    pub formula_texts: Vec<String>,
    pub quantitative: ScoringRules,
    /// How a target with no comparator compares.
    pub bare: Comparator,
    /// Name parts that make a bare target lower-is-better (结余率, 投诉率 …): a row whose name
    /// contains one, with no comparator printed, reads as `≤` (`quantitative { lower-is-better
    /// { … } }`, else the built-in list).
    pub lower_is_better: Vec<LowerIsBetter>,
    /// How the parts of a row combine into its actual (`quantitative { parts { … } }`).
    pub parts: super::parts::PartsRule,
    pub qualitative: ScoringRules,
    pub tiers: Vec<Tier>,
    pub indicator_rules: Vec<IndicatorRules>,
    pub review: ReviewSettings,
    pub templates: Vec<Template>,
    pub examples: Vec<Example>,
}

impl Formulas for RuleSet {
    fn formula(&self, index: usize) -> Option<&CExpr> {
        self.formulas.get(index)
    }
}

impl RuleSet {
    pub fn template(&self, kind: FormKind) -> Option<&Template> {
        self.templates.iter().find(|t| t.kind == kind)
    }

    /// `henan-2023@1`
    pub fn label(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// Whether the ruleset grades a total (`grades none`: it gives a total only, 可以不评级).
    pub fn graded(&self) -> bool {
        !self.grades.is_empty()
    }

    /// The grade of a total: the first band whose lower bound the total reaches; empty for a
    /// ruleset that does not grade.
    pub fn grade(&self, total: Decimal) -> &str {
        self.grades
            .iter()
            .find(|band| band.min.is_none_or(|min| total >= min))
            .map_or("", |band| band.name.as_str())
    }

    pub fn grade_band(&self, name: &str) -> Option<&GradeBand> {
        self.grades.iter().find(|b| b.name == name)
    }

    pub fn tier_of(&self, degree: Decimal) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.contains(degree))
    }

    pub fn tier_named(&self, name: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.name == name)
    }

    /// The tier a phrase names: its exact name, else the longest tier name it contains
    /// (`达成预期指标` → 达成, `部分达成目标` → 部分达成).
    pub fn tier_in(&self, phrase: &str) -> Option<&Tier> {
        self.tier_named(phrase.trim()).or_else(|| {
            self.tiers
                .iter()
                .filter(|t| !t.name.is_empty() && phrase.contains(t.name.as_str()))
                .max_by_key(|t| t.name.len())
        })
    }

    /// The lower-is-better name part a row's name contains, if any, in the ruleset's order; a
    /// part is undone by any of its `except` parts in the name (the built-in list: a 控制率 of an
    /// epidemic, a pest or a fire — 疫情控制率, 病虫害控制率 — is how much was brought under
    /// control, so higher is better there).
    pub fn lower_is_better_pattern(&self, name: &str) -> Option<&str> {
        self.lower_is_better
            .iter()
            .find(|p| {
                name.contains(p.pattern.as_str())
                    && !p.except.iter().any(|e| name.contains(e.as_str()))
            })
            .map(|p| p.pattern.as_str())
    }

    /// The `indicator` blocks that apply to a row, most specific first: those naming its
    /// level-3 name, then its level-2, then its level-1.
    pub fn rules_for<'a>(
        &'a self,
        level1: &str,
        level2: &str,
        name: &str,
    ) -> Vec<&'a IndicatorRules> {
        let mut matching = Vec::new();
        for key in [name, level2, level1] {
            for rules in &self.indicator_rules {
                if rules.selector.iter().any(|s| s == key) && !matching.contains(&rules) {
                    matching.push(rules);
                }
            }
        }
        matching
    }
}
