//! The syntax tree of a rule file. Every node keeps the byte span it was parsed from, so that the
//! checker can point at it and `rules fmt` can re-emit it with its comments.

use rust_decimal::Decimal;

/// A byte range in a rule file: the same type as a form's [`crate::form::Span`].
pub use crate::diag::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Ruleset(RulesetHeader),
    Grades(Grades),
    Rounding(RoundingBlock),
    Formula(FormulaDef),
    /// `quantitative { … }`, `qualitative { … }` and `indicator NAME { … }` share one body syntax.
    Scoring(ScoringBlock),
    Review(ReviewBlock),
    Form(FormTemplate),
    Example(Example),
}

impl Item {
    pub fn span(&self) -> &Span {
        match self {
            Item::Ruleset(x) => &x.span,
            Item::Grades(x) => &x.span,
            Item::Rounding(x) => &x.span,
            Item::Formula(x) => &x.span,
            Item::Scoring(x) => &x.span,
            Item::Review(x) => &x.span,
            Item::Form(x) => &x.span,
            Item::Example(x) => &x.span,
        }
    }
}

/// A name as written: a bare word (`成本指标`, `henan-2023`) or a quoted string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub quoted: bool,
    pub span: Span,
}

/// A number literal, `90` or `90%`. `value` has the percent applied (`90%` is 0.9).
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub value: Decimal,
    pub percent: bool,
    /// The digits as written, without the `%`.
    pub digits: String,
    pub span: Span,
}

/// A quoted string in a rule file (a title, a basis, an example's target), with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct StringLit {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RulesetHeader {
    pub id: Name,
    pub fields: Vec<HeaderField>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HeaderField {
    Title(StringLit),
    Basis(StringLit),
    Version(Number),
    Years {
        from: Number,
        to: Option<Number>,
        /// `2023..` with no end: in force from 2023 on.
        open: bool,
        span: Span,
    },
    /// `region "四川省"` or `regions "上海市" "上海市普陀区"`: where the ruleset is in force.
    Regions {
        /// `region` or `regions`, as written.
        keyword: &'static str,
        texts: Vec<StringLit>,
        span: Span,
    },
    /// `read-off "…"`: a rule read off published forms rather than quoted from a policy text.
    ReadOff(StringLit),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grades {
    pub bands: Vec<GradeBand>,
    /// `grades none`: the ruleset gives a total but no grade (可以不评级).
    pub none: bool,
    pub span: Span,
}

/// `优 >= 90`, or the last band `差` with no bound.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeBand {
    pub name: Name,
    pub min: Option<Number>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoundingBlock {
    /// `rounding half-up { … }`: the mode for entries that name none.
    pub mode: Option<Name>,
    pub entries: Vec<RoundingEntry>,
    pub span: Span,
}

/// `rate 0.01% half-up`: round rates to the nearest 0.01 percent.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundingEntry {
    pub target: Name,
    pub quantum: Number,
    pub mode: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormulaDef {
    pub name: Name,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoringScope {
    Quantitative,
    Qualitative,
    /// Rules for the indicators that match a name at level 3, 2 or 1.
    Indicator,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoringBlock {
    pub scope: ScoringScope,
    /// For `indicator NAME { … }`: the names it applies to (`a | b`).
    pub selector: Vec<Name>,
    pub entries: Vec<ScoringEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScoringEntry {
    /// `met -> …`, `unmet >= > -> …`, `when … -> …`, `zero-target -> …`, `score -> …`.
    Clause(Clause),
    /// `deviation -> …`
    Deviation { body: Expr, span: Span },
    /// `explain when …`
    Explain { condition: Expr, span: Span },
    /// `bare >=`: how a target with no comparator compares.
    Bare { comparator: CmpOp, span: Span },
    /// `tiers { 达成 [80%, 100%] … }`
    Tiers { tiers: Vec<Tier>, span: Span },
    /// `lower-is-better { 结余率 控制率 except { 疫 病 } }`: name parts that make a target with no
    /// comparator read as `≤`.
    LowerIsBetter {
        patterns: Vec<LowerPattern>,
        span: Span,
    },
    /// `parts { absolute sum  relative funds-weighted }`: how the parts of a row combine into
    /// its actual.
    Parts { rules: Vec<PartsEntry>, span: Span },
}

/// `absolute sum`, `relative funds-weighted`: which values (`absolute` or `relative`) and how
/// they combine.
#[derive(Debug, Clone, PartialEq)]
pub struct PartsEntry {
    pub kind: Name,
    pub method: Name,
    pub span: Span,
}

/// `控制率 except { 疫 病 }`: a name part, and the name parts that undo it.
#[derive(Debug, Clone, PartialEq)]
pub struct LowerPattern {
    pub name: Name,
    pub except: Vec<Name>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub guard: Guard,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Guard {
    When(Expr),
    Met,
    /// An empty list covers every comparator.
    Unmet(Vec<(CmpOp, Span)>),
    ZeroTarget,
    Always,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub name: Name,
    pub interval: Interval,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewBlock {
    pub settings: Vec<ReviewSetting>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSetting {
    pub key: Name,
    pub value: Number,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormTemplate {
    pub kind: Name,
    pub entries: Vec<TemplateEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplateEntry {
    /// `execution 10 over 全年预算数 -> project_execution`
    Execution {
        weight: Number,
        denominator: Name,
        body: Expr,
        span: Span,
    },
    /// `explain execution when rate < 90%`
    ExplainExecution { condition: Expr, span: Span },
    /// `section 资金管理情况 20 { 安排科学性 5 … }`
    Section {
        name: Name,
        weight: Option<Number>,
        items: Vec<SectionItem>,
        span: Span,
    },
    /// `indicators 90 { 产出指标 50 { 数量指标 … } … }`
    Indicators {
        total: Option<Number>,
        level1: Vec<Level1>,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionItem {
    pub name: Name,
    pub weight: Number,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Level1 {
    /// The name and its alternative spellings: `满意度指标 | 满意度`.
    pub names: Vec<Name>,
    pub weight: Option<Number>,
    /// `absent -> 效益指标`: where the weight goes when the form has no indicator here.
    pub absent_to: Option<Name>,
    pub level2: Vec<Level2>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Level2 {
    pub names: Vec<Name>,
    pub weight: Option<Number>,
    pub span: Span,
}

/// `example "…" { kind 项目 budget 205 executed 92.61 expect execution 4.52 }`
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub title: StringLit,
    pub statements: Vec<ExampleStatement>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExampleStatement {
    /// `kind 项目`
    Kind(Name),
    /// `initial 205`, `budget 205`, `executed 92.61`, `total 89.99`
    Figure { key: Name, value: Number },
    /// `indicator 数量指标 target "≥150个" actual "120个" weight 10 [claimed 8]` (`actual` left out
    /// for a row reported by parts)
    Indicator {
        category: Vec<Name>,
        target: StringLit,
        actual: Option<StringLit>,
        weight: Number,
        claimed: Option<Number>,
        span: Span,
    },
    /// `part 甲镇 actual "120户" [funds 30]`: a part of the example's row.
    Part {
        name: Name,
        actual: StringLit,
        funds: Option<Number>,
        span: Span,
    },
    /// `expect score 8`, `expect deviation 20%`, `expect grade 良`, `expect explain yes`
    Expect {
        key: Name,
        value: ExpectValue,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpectValue {
    Number(Number),
    Name(Name),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Cmp(CmpOp),
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Cmp(op) => op.symbol(),
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    /// Binding strength, higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Cmp(_) => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div => 6,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Number(Number),
    Bool(bool),
    /// A variable (`rate`, `weight` …) or a formula's name.
    Var(String),
    Paren(Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call(Name, Vec<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Steps {
        subject: Box<Expr>,
        bands: Vec<StepBand>,
        otherwise: Option<Box<Expr>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepBand {
    pub bound: Bound,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    /// `>= 90%`
    Compare(CmpOp, Expr),
    /// `[80%, 90%)`
    Interval(Interval),
}

/// `[lo, hi)`: a missing end is unbounded; brackets say whether an edge is included.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub lower: Option<Expr>,
    pub lower_inclusive: bool,
    pub upper: Option<Expr>,
    pub upper_inclusive: bool,
    pub span: Span,
}
