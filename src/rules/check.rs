//! Checker: AST → [`RuleSet`].
//!
//! Resolves names (variables, formulas, functions, budget columns), checks types (a number where
//! a number is due, yes/no in conditions), checks that every variable a rule reads exists where
//! the rule is used, that formulas do not refer to themselves, that weights add up, and that the
//! scoring rules cover every case. Every problem is reported, not just the first.

use super::ast::{self, BinOp, CmpOp, ExprKind, ScoringEntry, ScoringScope, Span, TemplateEntry};
use super::expr::{CBound, CExpr, CKind, Func, Var};
use super::parser::parse_file;
use super::ruleset::*;
use super::syntax_diagnostic;

/// Name parts of rates where lower is better, read as `≤` when no comparator is printed (a
/// bare `5%` on 结余率 is a ceiling). Found on published forms; a ruleset may name its own.
const LOWER_IS_BETTER: &[&str] = &[
    "结余率",
    "结转结余率",
    "调整率",
    "投诉率",
    "事故率",
    "发生率",
    "差错率",
    "超支率",
    "返工率",
    "违规率",
    "违纪率",
    "失误率",
    "误差率",
    "损失率",
    "空置率",
    "流失率",
    "死亡率",
    "超标率",
    "出错率",
    "故障率",
    "不合格率",
    "退回率",
    "三公经费",
    "控制率",
];
use crate::diag::{Diagnostic, SourceFile};
use crate::num::{Rounding, RoundingMode};
use crate::value::Comparator;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One end of a band or tier: the bound and whether it is included; `None` is unbounded.
type End = Option<(Decimal, bool)>;
/// A band with constant ends, and where it is written.
type ConstantBand = (End, End, Span);

/// Formulas may refer to formulas, but not endlessly: evaluation follows the references. With
/// expressions at most [`super::parser::MAX_EXPR_DEPTH`] deep, the checker and the evaluator
/// recurse at most about 32 × 64 levels, which fits a 2 MiB thread stack in a debug build
/// (`tests/limits.rs`).
pub const MAX_FORMULA_CHAIN: usize = 32;

/// Bands in one `steps` expression: far more than any scoring rule has, and few enough that a
/// rule file cannot make the checker or the evaluator walk band lists without end.
pub const MAX_STEP_BANDS: usize = 1_000;

/// How deeply evaluating one rule may nest once its formula references are followed. Each formula
/// is at most [`super::parser::MAX_EXPR_DEPTH`] deep, but a chain of them nests their depths: the
/// evaluator recurses once per level, and 256 levels fit a 2 MiB thread stack in a debug build
/// with room to spare (`tests/limits.rs`).
pub const MAX_EVAL_DEPTH: usize = 4 * super::parser::MAX_EXPR_DEPTH;

/// How many terms evaluating one rule may visit once its formula references are followed. A
/// formula used twice by another, chained, doubles at every link (`f1 = f2 + f2`, `f2 = f3 + f3`
/// …): without a bound, 32 such links take 2^32 steps for every number computed.
pub const MAX_EVAL_TERMS: usize = 10_000;

/// The rules that apply where a rule file says nothing: 财预〔2020〕10号 as commonly practised.
pub const DEFAULT_RULES: &str = r#"
quantitative {
  zero-target -> if met then weight else 0
  met -> weight
  unmet >= > -> weight * actual / target
  unmet <= < -> weight * target / actual
  unmet = -> weight * max(0, 1 - abs(actual - target) / target)
  bare >=
  deviation -> if met then 0 else if target == 0 then 100% else abs(actual - target) / abs(target)
  explain when not met
}
qualitative {
  score -> weight * degree
  tiers {
    达成 [80%, 100%]
    部分达成 [60%, 80%)
    未达成 [0%, 60%)
  }
  deviation -> if met then 0 else 100% - degree
  explain when not met
}
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Num,
    Bool,
}

impl Type {
    fn describe(self) -> &'static str {
        match self {
            Type::Num => "a number",
            Type::Bool => "a yes/no condition",
        }
    }
}

/// Where an expression is used decides which variables it may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Execution,
    Indicator,
    Explain,
    /// A formula's body: checked where the formula is used.
    Formula,
    /// Bounds and limits that must not depend on a form.
    Constant,
}

impl Context {
    fn allows(self, var: Var) -> bool {
        use Var::*;
        match self {
            Context::Formula => true,
            Context::Constant => false,
            Context::Execution => matches!(var, Weight | Rate | Initial | Budget | Executed),
            Context::Indicator => !matches!(var, Score | Deviation),
            Context::Explain => true,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Context::Execution => "the execution formula (weight, rate, initial, budget, executed)",
            Context::Indicator => {
                "an indicator rule (weight, actual, target, ratio, degree, met, rate, initial, budget, executed)"
            }
            Context::Explain => "an explain rule (the indicator's variables, score and deviation)",
            Context::Formula => "a formula",
            Context::Constant => "a constant (no variables)",
        }
    }
}

struct Checker<'a> {
    file: &'a Arc<SourceFile>,
    errors: Vec<Diagnostic>,
    formula_index: HashMap<String, usize>,
    formula_asts: Vec<&'a ast::FormulaDef>,
    formulas: Vec<Option<(CExpr, Type)>>,
    /// Formulas already reported as broken: their users are not reported again.
    failed: HashSet<usize>,
    /// DFS state for cycle detection: formulas being compiled right now.
    compiling: Vec<usize>,
    /// How deep and how large each compiled formula is once its references are followed.
    costs: Vec<Option<Cost>>,
}

pub fn check_file(file: &Arc<SourceFile>) -> Result<RuleSet, Vec<Diagnostic>> {
    let ast = parse_file(file.text()).map_err(|e| vec![syntax_diagnostic(file, &e)])?;
    check(file, &ast)
}

pub fn check(file: &Arc<SourceFile>, ast: &ast::File) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut checker = Checker {
        file,
        errors: Vec::new(),
        formula_index: HashMap::new(),
        formula_asts: Vec::new(),
        formulas: Vec::new(),
        failed: HashSet::new(),
        compiling: Vec::new(),
        costs: Vec::new(),
    };
    let ruleset = checker.ruleset(ast);
    match ruleset {
        Some(r) if checker.errors.is_empty() => Ok(r),
        _ => Err(checker.errors),
    }
}

fn defaults() -> &'static ast::File {
    static DEFAULTS: std::sync::OnceLock<ast::File> = std::sync::OnceLock::new();
    DEFAULTS.get_or_init(|| parse_file(DEFAULT_RULES).unwrap_or(ast::File { items: Vec::new() }))
}

impl<'a> Checker<'a> {
    fn error(&mut self, span: &Span, message: impl Into<String>) -> &mut Diagnostic {
        self.errors
            .push(Diagnostic::error("rules::check", message).at(self.file, span.clone()));
        // Indexing cannot fail: the vector was just pushed to.
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn text_of(&self, span: &Span) -> String {
        self.file.text().get(span.clone()).unwrap_or("").to_string()
    }

    fn ruleset(&mut self, file: &'a ast::File) -> Option<RuleSet> {
        let mut header = None;
        let mut grades = None;
        let mut rounding = None;
        let mut review = None;
        let mut quantitative = None;
        let mut qualitative = None;
        let mut indicator_blocks = Vec::new();
        let mut templates = Vec::new();
        let mut examples = Vec::new();

        for item in &file.items {
            match item {
                ast::Item::Formula(f) => {
                    if Var::from_name(&f.name.text).is_some()
                        || Func::from_name(&f.name.text).is_some()
                    {
                        self.error(&f.name.span, format!("公式名 {} 与内置变量或函数重名 (formula name `{}` is taken by a built-in variable or function)", f.name.text, f.name.text));
                    } else if self.formula_index.contains_key(&f.name.text) {
                        self.error(
                            &f.name.span,
                            format!(
                                "公式 {} 重复定义 (formula `{}` is defined twice)",
                                f.name.text, f.name.text
                            ),
                        );
                    } else {
                        self.formula_index
                            .insert(f.name.text.clone(), self.formula_asts.len());
                        self.formula_asts.push(f);
                    }
                }
                ast::Item::Ruleset(h) => {
                    if header.replace(h).is_some() {
                        self.error(&h.span, "规则文件只能有一个 ruleset 声明 (a rule file has one `ruleset` header)");
                    }
                }
                ast::Item::Grades(g) => {
                    if grades.replace(g).is_some() {
                        self.error(&g.span, "grades 重复定义 (`grades` is given twice)");
                    }
                }
                ast::Item::Rounding(r) => {
                    if rounding.replace(r).is_some() {
                        self.error(&r.span, "rounding 重复定义 (`rounding` is given twice)");
                    }
                }
                ast::Item::Review(r) => {
                    if review.replace(r).is_some() {
                        self.error(&r.span, "review 重复定义 (`review` is given twice)");
                    }
                }
                ast::Item::Scoring(block) => match block.scope {
                    ScoringScope::Quantitative => {
                        if quantitative.replace(block).is_some() {
                            self.error(
                                &block.span,
                                "quantitative 重复定义 (`quantitative` is given twice)",
                            );
                        }
                    }
                    ScoringScope::Qualitative => {
                        if qualitative.replace(block).is_some() {
                            self.error(
                                &block.span,
                                "qualitative 重复定义 (`qualitative` is given twice)",
                            );
                        }
                    }
                    ScoringScope::Indicator => indicator_blocks.push(block),
                },
                ast::Item::Form(t) => templates.push(t),
                ast::Item::Example(e) => examples.push(e),
            }
        }

        // Formulas first: every other rule may refer to them. They are compiled in an order that
        // puts every formula after those it refers to, so that compiling one never recurses
        // into another: the checker's stack depth stays that of one expression.
        self.formulas = vec![None; self.formula_asts.len()];
        self.costs = vec![None; self.formula_asts.len()];
        for index in self.formula_order() {
            if self.compile_formula(index).is_some() {
                self.check_formula_cost(index);
            }
        }

        let Some(header) = header else {
            let end = self.file.text().len();
            self.error(
                &(0..end.min(1)),
                "缺少 ruleset 声明 (missing the `ruleset` header)",
            )
            .help = Some(
                "start the file with `ruleset my-rules { title \"…\" version 1 years 2023.. }`"
                    .into(),
            );
            return None;
        };
        let (version, title, basis, years) = self.header(header);
        let (regions, read_off) = super::region::header_claims(header, |span, message| {
            self.error(span, message);
        });
        let grades = self.grades(grades);
        let rounding = self.rounding(rounding);
        let review = self.review(review);

        let default_blocks: Vec<&ast::ScoringBlock> = defaults()
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Scoring(b) => Some(b),
                _ => None,
            })
            .collect();
        let default_quant = default_blocks
            .iter()
            .find(|b| b.scope == ScoringScope::Quantitative)
            .copied();
        let default_qual = default_blocks
            .iter()
            .find(|b| b.scope == ScoringScope::Qualitative)
            .copied();

        let (quantitative, bare, _) =
            self.scoring_with_defaults(quantitative, default_quant, "quantitative");
        let (qualitative, _, tiers) =
            self.scoring_with_defaults(qualitative, default_qual, "qualitative");
        let tiers = tiers.unwrap_or_default();

        let mut indicator_rules = Vec::new();
        for block in indicator_blocks {
            let (rules, _, _) = self.scoring_block(block, false);
            indicator_rules.push(IndicatorRules {
                selector: block.selector.iter().map(|n| n.text.clone()).collect(),
                rules,
                span: block.span.clone(),
            });
        }

        let mut checked_templates: Vec<Template> = Vec::new();
        for t in templates {
            if let Some(template) = self.template(t) {
                if checked_templates.iter().any(|c| c.kind == template.kind) {
                    self.error(
                        &t.kind.span,
                        format!(
                            "{} 表模板重复定义 (the {} template is given twice)",
                            template.kind, template.kind
                        ),
                    );
                } else {
                    checked_templates.push(template);
                }
            }
        }
        if checked_templates.is_empty() && self.errors.is_empty() {
            self.error(&header.span, "规则没有任何表模板 (the ruleset has no `form` template: add `form 项目 { … }` or `form 部门整体 { … }`)");
        }

        let examples = examples
            .into_iter()
            .filter_map(|e| self.example(e))
            .collect();

        let formulas: Vec<CExpr> = self
            .formulas
            .iter()
            .map(|f| {
                f.as_ref().map(|(e, _)| e.clone()).unwrap_or(CExpr {
                    kind: CKind::Num(Decimal::ZERO),
                    span: 0..0,
                })
            })
            .collect();
        Some(RuleSet {
            id: header.id.text.clone(),
            version,
            title,
            basis,
            years,
            regions,
            read_off,
            source: Arc::clone(self.file),
            grades,
            rounding,
            formula_names: self
                .formula_asts
                .iter()
                .map(|f| f.name.text.clone())
                .collect(),
            formula_texts: self
                .formula_asts
                .iter()
                .map(|f| self.text_of(&f.body.span))
                .collect(),
            formulas,
            quantitative,
            bare: bare.unwrap_or(Comparator::Ge),
            lower_is_better: LOWER_IS_BETTER.iter().map(|s| s.to_string()).collect(),
            qualitative,
            tiers,
            indicator_rules,
            review,
            templates: checked_templates,
            examples,
        })
    }

    fn header(&mut self, header: &ast::RulesetHeader) -> (u32, String, Option<String>, YearRange) {
        let mut version = None;
        let mut title = None;
        let mut basis = None;
        let mut years = None;
        for field in &header.fields {
            match field {
                ast::HeaderField::Title(t) => title = Some(t.value.clone()),
                ast::HeaderField::Basis(t) => basis = Some(t.value.clone()),
                ast::HeaderField::Version(n) => version = self.whole_number(n, "version"),
                // Read by `region::header_claims`.
                ast::HeaderField::Regions { .. } | ast::HeaderField::ReadOff(_) => {}
                ast::HeaderField::Years {
                    from,
                    to,
                    open,
                    span,
                } => {
                    let from_year = self.whole_number(from, "year");
                    let to_year = match to {
                        Some(to) => self.whole_number(to, "year"),
                        None if *open => None,
                        None => from_year,
                    };
                    if let (Some(f), Some(t)) = (from_year, to_year)
                        && t < f
                    {
                        self.error(
                            span,
                            format!("年份范围颠倒 (the years run backwards: {f}..{t})"),
                        );
                    }
                    years = from_year.map(|f| YearRange {
                        from: f as i32,
                        to: to_year.map(|t| t as i32),
                    });
                }
            }
        }
        let id = header.id.text.clone();
        if version.is_none() {
            self.error(
                &header.id.span,
                format!("规则 {id} 缺少 version (missing `version N`)"),
            );
        }
        if years.is_none() {
            self.error(
                &header.id.span,
                format!("规则 {id} 缺少适用年度 (missing `years 2023..2024`)"),
            );
        }
        (
            version.unwrap_or(0),
            title.unwrap_or_else(|| id.clone()),
            basis,
            years.unwrap_or(YearRange { from: 0, to: None }),
        )
    }

    /// A weight (分值) is points out of 100: anything else is a typo. Bounding weights also
    /// keeps every sum of them far from overflow.
    /// A weight of the template: at most 100, so that the sums of weights below (`.sum()`, `+`
    /// on Decimal) cannot overflow: a rule file of 1 MiB holds fewer than a million of them.
    fn weight(&mut self, n: &ast::Number) -> Decimal {
        if n.percent || n.value > Decimal::ONE_HUNDRED {
            self.error(
                &n.span,
                format!(
                    "分值应在 0 到 100 之间 (a weight is between 0 and 100 points, not {}{})",
                    n.digits,
                    if n.percent { "%" } else { "" }
                ),
            );
            return Decimal::ZERO;
        }
        n.value
    }

    fn whole_number(&mut self, n: &ast::Number, what: &str) -> Option<u32> {
        use rust_decimal::prelude::ToPrimitive;
        if n.percent || !n.value.fract().is_zero() {
            self.error(
                &n.span,
                format!("{what} 应为整数 (expected a whole number)"),
            );
            return None;
        }
        match n.value.to_u32() {
            Some(v) if v <= 9999 => Some(v),
            _ => {
                self.error(&n.span, format!("{what} 超出范围 (out of range)"));
                None
            }
        }
    }

    fn grades(&mut self, grades: Option<&ast::Grades>) -> Vec<GradeBand> {
        let Some(grades) = grades else {
            return [
                ("优", Some(90)),
                ("良", Some(80)),
                ("中", Some(60)),
                ("差", None),
            ]
            .into_iter()
            .map(|(name, min)| GradeBand {
                name: name.into(),
                min: min.map(Decimal::from),
            })
            .collect();
        };
        let mut bands: Vec<GradeBand> = Vec::new();
        let count = grades.bands.len();
        for (i, band) in grades.bands.iter().enumerate() {
            let last = i + 1 == count;
            if bands.iter().any(|b| b.name == band.name.text) {
                self.error(
                    &band.name.span,
                    format!(
                        "等级 {} 重复 (grade `{}` appears twice)",
                        band.name.text, band.name.text
                    ),
                );
            }
            match (&band.min, last) {
                (None, false) => {
                    self.error(&band.span, "只有最后一个等级可以不设下限 (only the last grade may have no lower bound: write `良 >= 80`)");
                }
                (Some(min), _) => {
                    if let Some(prev) = bands.last().and_then(|b| b.min)
                        && min.value >= prev
                    {
                        self.error(&min.span, format!("等级下限应从高到低排列 (grade bounds must fall from one grade to the next: {} is not below {prev})", min.value));
                    }
                }
                (None, true) => {}
            }
            bands.push(GradeBand {
                name: band.name.text.clone(),
                min: band.min.as_ref().map(|m| m.value),
            });
        }
        if bands.is_empty() {
            self.error(&grades.span, "grades 为空 (no grades given)");
        } else if bands.last().is_some_and(|b| b.min.is_some()) {
            self.error(&grades.span, "最后一个等级应不设下限，以兜底 (the last grade must have no bound, so that every total gets a grade: add e.g. `差`)");
        }
        bands
    }

    fn rounding(&mut self, block: Option<&ast::RoundingBlock>) -> RoundingRules {
        let half_up = |decimals| Rounding::new(decimals, RoundingMode::HalfUp);
        let mut rules = RoundingRules {
            rate: half_up(4),
            deviation: half_up(4),
            score: half_up(2),
            execution: half_up(2),
            total: half_up(2),
        };
        let Some(block) = block else { return rules };
        let default_mode = match &block.mode {
            Some(m) => self.rounding_mode(m).unwrap_or(RoundingMode::HalfUp),
            None => RoundingMode::HalfUp,
        };
        let mut seen: Vec<&str> = Vec::new();
        for entry in &block.entries {
            let mode = match &entry.mode {
                Some(m) => self.rounding_mode(m).unwrap_or(default_mode),
                None => default_mode,
            };
            let Some(decimals) = self.quantum_decimals(&entry.quantum) else {
                continue;
            };
            let rounding = Rounding::new(decimals, mode);
            let key = entry.target.text.as_str();
            if seen.contains(&key) {
                self.error(
                    &entry.target.span,
                    format!("{key} 的舍入重复定义 (rounding for `{key}` is given twice)"),
                );
            }
            seen.push(key);
            match key {
                "rate" => rules.rate = rounding,
                "deviation" => rules.deviation = rounding,
                "score" => rules.score = rounding,
                "execution" => rules.execution = rounding,
                "total" => rules.total = rounding,
                other => {
                    self.error(
                        &entry.target.span,
                        format!("未知的舍入对象 {other} (unknown rounding target)"),
                    )
                    .label = Some("expected rate, deviation, score, execution or total".into());
                }
            }
        }
        rules
    }

    fn rounding_mode(&mut self, name: &ast::Name) -> Option<RoundingMode> {
        let mode = RoundingMode::from_keyword(&name.text);
        if mode.is_none() {
            self.error(
                &name.span,
                format!("未知的舍入方式 {} (unknown rounding mode)", name.text),
            )
            .label = Some("expected half-up (四舍五入), half-even, down or up".into());
        }
        mode
    }

    /// `0.01` → 2 decimals; `0.01%` → 4 (rates are fractions); the quantum must be a power of ten.
    fn quantum_decimals(&mut self, quantum: &ast::Number) -> Option<u32> {
        let q = quantum.value.normalize();
        if q.mantissa() != 1 || q > Decimal::ONE {
            self.error(&quantum.span, "舍入单位应为 1、0.1、0.01 … (the rounding step must be a power of ten such as 0.01 or 0.01%)");
            return None;
        }
        Some(q.scale())
    }

    /// The `review` block: keys and ranges come from the review catalogue's settings table.
    fn review(&mut self, block: Option<&ast::ReviewBlock>) -> ReviewSettings {
        let mut settings = ReviewSettings::default();
        let Some(block) = block else { return settings };
        for s in &block.settings {
            let v = s.value.value;
            match crate::review::setting_named(&s.key.text) {
                Some(setting) => match setting.out_of_range(v) {
                    Some(message) => {
                        self.error(&s.value.span, message);
                    }
                    None => setting.set(&mut settings, v),
                },
                None => {
                    let keys: Vec<&str> = crate::review::SETTINGS.iter().map(|x| x.key).collect();
                    self.error(
                        &s.key.span,
                        format!("未知的复核设置 {} (unknown review setting)", s.key.text),
                    )
                    .label = Some(format!("expected {}", keys.join(", ")));
                }
            }
        }
        settings
    }

    /// A user's scoring block, completed from the defaults where it says nothing.
    fn scoring_with_defaults(
        &mut self,
        block: Option<&ast::ScoringBlock>,
        default: Option<&ast::ScoringBlock>,
        what: &str,
    ) -> (ScoringRules, Option<Comparator>, Option<Vec<Tier>>) {
        let (defaults, default_bare, default_tiers) = match default {
            Some(d) => self.default_block(d),
            None => (ScoringRules::default(), None, None),
        };
        let Some(block) = block else {
            return (defaults, default_bare, default_tiers);
        };
        let (mut rules, bare, tiers) = self.scoring_block(block, true);
        if rules.clauses.is_empty() {
            rules.clauses = defaults.clauses;
        } else {
            self.check_coverage(block, &rules, what);
        }
        if rules.deviation.is_none() {
            rules.deviation = defaults.deviation;
        }
        if rules.explain.is_none() {
            rules.explain = defaults.explain;
        }
        (rules, bare.or(default_bare), tiers.or(default_tiers))
    }

    /// The built-in defaults are checked against their own text.
    fn default_block(
        &mut self,
        block: &ast::ScoringBlock,
    ) -> (ScoringRules, Option<Comparator>, Option<Vec<Tier>>) {
        let file = SourceFile::new("<defaults>", DEFAULT_RULES);
        let mut inner = Checker {
            file: &file,
            errors: Vec::new(),
            formula_index: HashMap::new(),
            formula_asts: Vec::new(),
            formulas: Vec::new(),
            failed: HashSet::new(),
            compiling: Vec::new(),
            costs: Vec::new(),
        };
        let (mut rules, bare, tiers) = inner.scoring_block(block, true);
        // Default rules have no place in the user's file.
        for clause in &mut rules.clauses {
            clause.body.span = None;
            clause.span = 0..0;
        }
        if let Some(d) = &mut rules.deviation {
            d.span = None;
        }
        if let Some(e) = &mut rules.explain {
            e.span = None;
        }
        self.errors.extend(inner.errors);
        (rules, bare, tiers)
    }

    fn check_coverage(&mut self, block: &ast::ScoringBlock, rules: &ScoringRules, what: &str) {
        let has_always = rules
            .clauses
            .iter()
            .any(|c| matches!(c.guard, Guard::Always));
        if has_always {
            return;
        }
        let met = rules.clauses.iter().any(|c| matches!(c.guard, Guard::Met));
        if !met {
            self.error(&block.span, format!("{what} 规则没有覆盖达成的情形 (the {what} rules do not say how a met target scores: add `met -> weight`)"));
        }
        let comparators: &[Comparator] = if what == "quantitative" {
            &[
                Comparator::Ge,
                Comparator::Gt,
                Comparator::Le,
                Comparator::Lt,
                Comparator::Eq,
            ]
        } else {
            &[Comparator::Ge]
        };
        for cmp in comparators {
            let covered = rules.clauses.iter().any(|c| match &c.guard {
                Guard::Unmet(ops) => ops.is_empty() || ops.contains(cmp) || what != "quantitative",
                _ => false,
            });
            if !covered {
                let message = if what == "quantitative" {
                    format!(
                        "没有规定比较符 {} 未达成时如何计分 (no rule scores an unmet `{}` target: add `unmet {} -> …` or a catch-all `unmet -> …`)",
                        cmp.symbol(),
                        cmp.symbol(),
                        ascii_symbol(*cmp)
                    )
                } else {
                    "qualitative 规则没有覆盖未达成的情形 (the qualitative rules do not say how an unmet target scores: add `unmet -> …` or `score -> …`)".to_string()
                };
                self.error(&block.span, message);
            }
        }
    }

    fn scoring_block(
        &mut self,
        block: &ast::ScoringBlock,
        top_level: bool,
    ) -> (ScoringRules, Option<Comparator>, Option<Vec<Tier>>) {
        let mut rules = ScoringRules::default();
        let mut bare = None;
        let mut tiers = None;
        for entry in &block.entries {
            match entry {
                ScoringEntry::Clause(clause) => {
                    let guard = match &clause.guard {
                        ast::Guard::When(cond) => {
                            match self.rule_expr(cond, Context::Indicator, Type::Bool) {
                                Some(e) => Guard::When(e),
                                None => continue,
                            }
                        }
                        ast::Guard::Met => Guard::Met,
                        ast::Guard::ZeroTarget => Guard::ZeroTarget,
                        ast::Guard::Always => Guard::Always,
                        ast::Guard::Unmet(ops) => {
                            let mut comparators = Vec::new();
                            for (op, span) in ops {
                                match target_comparator(*op) {
                                    Some(c) => comparators.push(c),
                                    None => {
                                        self.error(span, "目标比较符只能是 >= > <= < = (a target's comparator is one of >= > <= < =)");
                                    }
                                }
                            }
                            Guard::Unmet(comparators)
                        }
                    };
                    if let Some(body) = self.rule_expr(&clause.body, Context::Indicator, Type::Num)
                    {
                        rules.clauses.push(Clause {
                            guard,
                            body,
                            span: clause.span.clone(),
                        });
                    }
                }
                ScoringEntry::Deviation { body, span } => {
                    if rules.deviation.is_some() {
                        self.error(
                            span,
                            "deviation 重复定义 (`deviation` is given twice in this block)",
                        );
                    }
                    rules.deviation = self.rule_expr(body, Context::Indicator, Type::Num);
                }
                ScoringEntry::Explain { condition, span } => {
                    if rules.explain.is_some() {
                        self.error(
                            span,
                            "explain 重复定义 (`explain` is given twice in this block)",
                        );
                    }
                    rules.explain = self.rule_expr(condition, Context::Explain, Type::Bool);
                }
                ScoringEntry::Bare { comparator, span } => {
                    if block.scope != ScoringScope::Quantitative || !top_level {
                        self.error(span, "bare 只能写在 quantitative 块中 (`bare` belongs in the `quantitative` block)");
                    }
                    match target_comparator(*comparator) {
                        Some(c) => bare = Some(c),
                        None => {
                            self.error(span, "目标比较符只能是 >= > <= < = (a target's comparator is one of >= > <= < =)");
                        }
                    }
                }
                ScoringEntry::Tiers { tiers: list, span } => {
                    if block.scope != ScoringScope::Qualitative || !top_level {
                        self.error(span, "tiers 只能写在 qualitative 块中 (`tiers` belongs in the `qualitative` block)");
                    }
                    tiers = Some(self.tiers(list, span));
                }
            }
        }
        (rules, bare, tiers)
    }

    fn tiers(&mut self, list: &[ast::Tier], span: &Span) -> Vec<Tier> {
        let mut tiers: Vec<Tier> = Vec::new();
        for tier in list {
            let lower = tier.interval.lower.as_ref().and_then(|e| self.constant(e));
            let upper = tier.interval.upper.as_ref().and_then(|e| self.constant(e));
            let (Some(lower), Some(upper)) = (lower, upper) else {
                if tier.interval.lower.is_none() || tier.interval.upper.is_none() {
                    self.error(
                        &tier.interval.span,
                        "档次的上下限都要写明 (a tier needs both bounds, e.g. [60%, 80%))",
                    );
                }
                continue;
            };
            if lower > upper {
                self.error(
                    &tier.interval.span,
                    "档次下限大于上限 (the tier's lower bound is above its upper bound)",
                );
            }
            if tiers.iter().any(|t| t.name == tier.name.text) {
                self.error(
                    &tier.name.span,
                    format!(
                        "档次 {} 重复 (tier `{}` appears twice)",
                        tier.name.text, tier.name.text
                    ),
                );
            }
            let candidate = Tier {
                name: tier.name.text.clone(),
                lower,
                lower_inclusive: tier.interval.lower_inclusive,
                upper,
                upper_inclusive: tier.interval.upper_inclusive,
            };
            if let Some(other) = tiers.iter().find(|t| intervals_overlap(t, &candidate)) {
                self.error(
                    &tier.interval.span,
                    format!(
                        "档次 {} 与 {} 重叠 (tiers overlap: {} and {})",
                        candidate.name,
                        other.name,
                        candidate.describe(),
                        other.describe()
                    ),
                );
            }
            tiers.push(candidate);
        }
        if tiers.is_empty() {
            self.error(span, "tiers 为空 (no tiers given)");
        }
        tiers
    }

    fn constant(&mut self, expr: &ast::Expr) -> Option<Decimal> {
        let compiled = self.expr(expr, Context::Constant)?;
        if compiled.1 != Type::Num {
            self.error(&expr.span, "此处应为数字 (expected a number here)");
            return None;
        }
        match compiled
            .0
            .eval_num(&super::expr::Env::default(), &Vec::new())
        {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(&e.span, e.message);
                None
            }
        }
    }

    fn template(&mut self, t: &ast::FormTemplate) -> Option<Template> {
        let Some(kind) = FormKind::from_name(&t.kind.text) else {
            self.error(
                &t.kind.span,
                format!("未知的表类型 {} (unknown form kind)", t.kind.text),
            )
            .label = Some("expected 项目 or 部门整体".into());
            return None;
        };
        let mut execution = None;
        // An `execution` entry whose formula is broken was reported already: not "missing" too.
        let mut execution_written = false;
        let mut explain = None;
        let mut sections: Vec<SectionRule> = Vec::new();
        let mut indicators = None;
        for entry in &t.entries {
            match entry {
                TemplateEntry::Execution {
                    weight,
                    denominator,
                    body,
                    span,
                } => {
                    let Some(column) = BudgetColumn::from_name(&denominator.text) else {
                        self.error(
                            &denominator.span,
                            format!("未知的预算列 {} (unknown budget column)", denominator.text),
                        )
                        .label = Some("expected 全年预算数 or 年初预算数".into());
                        continue;
                    };
                    execution_written = true;
                    let formula = self.rule_expr(body, Context::Execution, Type::Num);
                    if execution.is_some() {
                        self.error(span, "execution 重复定义 (`execution` is given twice)");
                    }
                    if let Some(formula) = formula {
                        let weight = self.weight(weight);
                        execution = Some(ExecutionRule {
                            weight,
                            denominator: column,
                            formula,
                            explain: None,
                        });
                    }
                }
                TemplateEntry::ExplainExecution { condition, .. } => {
                    explain = self.rule_expr(condition, Context::Execution, Type::Bool);
                }
                TemplateEntry::Section {
                    name,
                    weight,
                    items,
                    span,
                } => {
                    let mut checked = Vec::new();
                    for item in items {
                        if checked
                            .iter()
                            .any(|(n, _): &(String, Decimal)| *n == item.name.text)
                        {
                            self.error(
                                &item.name.span,
                                format!(
                                    "{} 重复 ({} appears twice)",
                                    item.name.text, item.name.text
                                ),
                            );
                        }
                        let item_weight = self.weight(&item.weight);
                        checked.push((item.name.text.clone(), item_weight));
                    }
                    let sum: Decimal = checked.iter().map(|(_, w)| *w).sum();
                    let weight = match weight.as_ref().map(|w| (w, self.weight(w))) {
                        Some((w, _)) if w.value != sum => {
                            self.error(span, format!("{} 的分值 {} 与各项之和 {sum} 不等 (the section's weight {} differs from the sum of its items, {sum})", name.text, w.value, w.value));
                            w.value
                        }
                        Some((_, value)) => value,
                        None => sum,
                    };
                    if sections.iter().any(|s| s.name == name.text) {
                        self.error(
                            &name.span,
                            format!("{} 重复 ({} appears twice)", name.text, name.text),
                        );
                    }
                    sections.push(SectionRule {
                        name: name.text.clone(),
                        weight,
                        items: checked,
                    });
                }
                TemplateEntry::Indicators {
                    total,
                    level1,
                    span,
                } => {
                    if indicators.is_some() {
                        self.error(span, "indicators 重复定义 (`indicators` is given twice)");
                    }
                    let total_weight = total.as_ref().map(|n| self.weight(n));
                    indicators = Some((
                        total_weight,
                        self.level1_rules(level1, total.as_ref(), span),
                    ));
                }
            }
        }
        let Some(mut execution) = execution else {
            if !execution_written {
                self.error(&t.span, format!("{kind} 表模板缺少 execution (the template needs `execution 10 over 全年预算数 -> …`)"));
            }
            return None;
        };
        execution.explain = explain;
        let (indicators_total, level1) = indicators.unwrap_or((None, Vec::new()));

        // When every weight is fixed by the rules, they must make 100.
        let fixed_indicators = match indicators_total {
            Some(total) => Some(total),
            None => level1.iter().map(|l| l.weight).sum::<Option<Decimal>>(),
        };
        if let Some(indicator_weight) = fixed_indicators {
            let total = execution.weight
                + sections.iter().map(|s| s.weight).sum::<Decimal>()
                + indicator_weight;
            if total != Decimal::ONE_HUNDRED {
                self.error(&t.kind.span, format!("{kind} 表模板的分值合计为 {total}，应为 100 (the template's weights add up to {total}, not 100)"));
            }
        }
        Some(Template {
            kind,
            execution,
            sections,
            indicators_total,
            level1,
        })
    }

    fn level1_rules(
        &mut self,
        list: &[ast::Level1],
        total: Option<&ast::Number>,
        span: &Span,
    ) -> Vec<Level1Rule> {
        let mut rules: Vec<Level1Rule> = Vec::new();
        for l1 in list {
            for n in &l1.names {
                if rules.iter().any(|r| r.matches(&n.text)) {
                    self.error(
                        &n.span,
                        format!(
                            "一级指标 {} 重复 (level-1 indicator `{}` appears twice)",
                            n.text, n.text
                        ),
                    );
                }
            }
            let mut level2: Vec<Level2Rule> = Vec::new();
            for l2 in &l1.level2 {
                for n in &l2.names {
                    if level2.iter().any(|r| r.names.contains(&n.text)) {
                        self.error(
                            &n.span,
                            format!(
                                "二级指标 {} 重复 (level-2 indicator `{}` appears twice)",
                                n.text, n.text
                            ),
                        );
                    }
                }
                level2.push(Level2Rule {
                    names: l2.names.iter().map(|n| n.text.clone()).collect(),
                    weight: l2.weight.as_ref().map(|w| self.weight(w)),
                });
            }
            if let Some(weight) = &l1.weight
                && level2.iter().all(|l| l.weight.is_some())
                && !level2.is_empty()
            {
                let sum: Decimal = level2.iter().filter_map(|l| l.weight).sum();
                if sum != weight.value {
                    self.error(&l1.span, format!("二级指标分值之和 {sum} 不等于一级指标分值 {} (the level-2 weights add up to {sum}, not {})", weight.value, weight.value));
                }
            }
            rules.push(Level1Rule {
                names: l1.names.iter().map(|n| n.text.clone()).collect(),
                weight: l1.weight.as_ref().map(|w| self.weight(w)),
                absent_to: None,
                level2,
            });
        }
        for (i, l1) in list.iter().enumerate() {
            let Some(target) = &l1.absent_to else {
                continue;
            };
            match rules.iter().position(|r| r.matches(&target.text)) {
                Some(j) if j == i => {
                    self.error(
                        &target.span,
                        "absent 不能指向自身 (`absent ->` cannot name the same indicator)",
                    );
                }
                Some(j) => {
                    if l1.weight.is_none() {
                        self.error(&target.span, "只有固定分值的一级指标可以转移分值 (only a level-1 indicator with a fixed weight can pass it on)");
                    }
                    if let Some(r) = rules.get_mut(i) {
                        r.absent_to = Some(j);
                    }
                }
                None => {
                    self.error(
                        &target.span,
                        format!("未知的一级指标 {} (unknown level-1 indicator)", target.text),
                    );
                }
            }
        }
        if let Some(total) = total
            && rules.iter().all(|r| r.weight.is_some())
            && !rules.is_empty()
        {
            let sum: Decimal = rules.iter().filter_map(|r| r.weight).sum();
            if sum != total.value {
                self.error(span, format!("一级指标分值之和 {sum} 不等于 {} (the level-1 weights add up to {sum}, not {})", total.value, total.value));
            }
        }
        rules
    }

    fn example(&mut self, e: &ast::Example) -> Option<Example> {
        let mut kind = FormKind::Project;
        let mut figures = Vec::new();
        let mut indicator = None;
        let mut expectations = Vec::new();
        for s in &e.statements {
            match s {
                ast::ExampleStatement::Kind(k) => match FormKind::from_name(&k.text) {
                    Some(found) => kind = found,
                    None => {
                        self.error(
                            &k.span,
                            format!("未知的表类型 {} (unknown form kind)", k.text),
                        );
                    }
                },
                ast::ExampleStatement::Figure { key, value } => {
                    figures.push((key.text.clone(), value.value))
                }
                ast::ExampleStatement::Indicator {
                    category,
                    target,
                    actual,
                    weight,
                    claimed,
                    span,
                } => {
                    if indicator.is_some() {
                        self.error(
                            span,
                            "一个示例只能有一个指标 (an example scores one indicator)",
                        );
                    }
                    indicator = Some(ExampleIndicator {
                        category: category.iter().map(|n| n.text.clone()).collect(),
                        target: target.value.clone(),
                        actual: actual.value.clone(),
                        weight: weight.value,
                        claimed: claimed.as_ref().map(|c| c.value),
                    });
                }
                ast::ExampleStatement::Expect { key, value, span } => {
                    const KEYS: &[&str] = &[
                        "execution",
                        "rate",
                        "score",
                        "deviation",
                        "explain",
                        "met",
                        "grade",
                        "tier",
                        "explain-execution",
                        "mismatch",
                    ];
                    if !KEYS.contains(&key.text.as_str()) {
                        self.error(
                            &key.span,
                            format!("未知的期望项 {} (unknown expectation)", key.text),
                        )
                        .label = Some(format!("expected one of {}", KEYS.join(", ")));
                        continue;
                    }
                    let value = match value {
                        ast::ExpectValue::Number(n) => ExpectedValue::Number {
                            value: n.value,
                            text: if n.percent {
                                format!("{}%", n.digits)
                            } else {
                                n.digits.clone()
                            },
                        },
                        ast::ExpectValue::Name(n) => ExpectedValue::Word(n.text.clone()),
                    };
                    expectations.push(Expectation {
                        key: key.text.clone(),
                        value,
                        span: span.clone(),
                    });
                }
            }
        }
        if expectations.is_empty() {
            self.error(
                &e.title.span,
                "示例没有 expect (the example expects nothing: add `expect score …`)",
            );
        }
        Some(Example {
            title: e.title.value.clone(),
            span: e.span.clone(),
            kind,
            figures,
            indicator,
            expectations,
        })
    }

    // ───────────── expressions ─────────────

    fn rule_expr(&mut self, expr: &ast::Expr, context: Context, want: Type) -> Option<RuleExpr> {
        let (compiled, ty) = self.expr(expr, context)?;
        if ty != want {
            self.error(
                &expr.span,
                format!(
                    "此处应为{} (expected {} here, found {})",
                    if want == Type::Num {
                        "数字"
                    } else {
                        "条件"
                    },
                    want.describe(),
                    ty.describe()
                ),
            );
            return None;
        }
        let cost = cost_of(&compiled, &self.costs);
        if !self.within_limits(cost, &expr.span, "此规则 (this rule)") {
            return None;
        }
        let mut reads = Vec::new();
        let formulas: Vec<CExpr> = self
            .formulas
            .iter()
            .map(|f| {
                f.as_ref().map(|(e, _)| e.clone()).unwrap_or(CExpr {
                    kind: CKind::Num(Decimal::ZERO),
                    span: 0..0,
                })
            })
            .collect();
        compiled.variables(&formulas, &mut reads);
        reads.sort();
        for var in &reads {
            if !context.allows(*var) {
                self.error(
                    &expr.span,
                    format!(
                        "变量 {} 不能用在此处 (`{}` is not available in {})",
                        var.name(),
                        var.name(),
                        context.describe()
                    ),
                );
            }
        }
        Some(RuleExpr {
            expr: compiled,
            text: self.text_of(&expr.span),
            span: Some(expr.span.clone()),
            reads,
        })
    }

    /// The formulas in an order where each comes after every formula it refers to (a depth-first
    /// post-order, in definition order, with an explicit stack: a chain of 20,000 references
    /// recurses nowhere). Cycles and chains longer than [`MAX_FORMULA_CHAIN`] are reported here,
    /// at the formula where they close or go too deep, and those formulas marked as failed.
    fn formula_order(&mut self) -> Vec<usize> {
        let count = self.formula_asts.len();
        let references: Vec<Vec<usize>> = self
            .formula_asts
            .iter()
            .map(|def| {
                let mut out = Vec::new();
                formula_references(&def.body, &self.formula_index, &mut out);
                out
            })
            .collect();
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let mut mark = vec![Mark::New; count];
        let mut order = Vec::with_capacity(count);
        let mut chain_reported = false;
        for root in 0..count {
            if mark.get(root) != Some(&Mark::New) {
                continue;
            }
            // The path from the root, each formula with the next reference to follow.
            let mut path: Vec<(usize, usize)> = vec![(root, 0)];
            if let Some(m) = mark.get_mut(root) {
                *m = Mark::Open;
            }
            while let Some(&mut (node, ref mut next)) = path.last_mut() {
                let Some(&child) = references.get(node).and_then(|r| r.get(*next)) else {
                    path.pop();
                    if let Some(m) = mark.get_mut(node) {
                        *m = Mark::Done;
                    }
                    order.push(node);
                    continue;
                };
                *next += 1;
                match mark.get(child) {
                    Some(Mark::New) if path.len() >= MAX_FORMULA_CHAIN => {
                        if let Some(m) = mark.get_mut(child) {
                            *m = Mark::Done;
                        }
                        self.failed.insert(child);
                        // Once is enough: a chain of 20,000 would otherwise be reported at every
                        // 33rd link.
                        if !chain_reported {
                            chain_reported = true;
                            if let Some(def) = self.formula_asts.get(child) {
                                let span = def.name.span.clone();
                                self.error(&span, format!("公式引用层次过深 (formulas refer to formulas more than {MAX_FORMULA_CHAIN} deep)"));
                            }
                        }
                        order.push(child);
                    }
                    Some(Mark::New) => {
                        if let Some(m) = mark.get_mut(child) {
                            *m = Mark::Open;
                        }
                        path.push((child, 0));
                    }
                    Some(Mark::Open) => {
                        let members: Vec<usize> = path
                            .iter()
                            .map(|(n, _)| *n)
                            .skip_while(|n| *n != child)
                            .collect();
                        if members.iter().any(|m| self.failed.contains(m)) {
                            continue;
                        }
                        let cycle: Vec<String> = members
                            .iter()
                            .chain(std::iter::once(&child))
                            .filter_map(|i| self.formula_asts.get(*i).map(|f| f.name.text.clone()))
                            .collect();
                        self.failed.extend(&members);
                        if let Some(def) = self.formula_asts.get(child) {
                            let span = def.name.span.clone();
                            self.error(
                                &span,
                                format!(
                                    "公式循环引用 (formulas refer to each other in a cycle: {})",
                                    cycle.join(" → ")
                                ),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        order
    }

    /// Record how deep and large a compiled formula is with its references followed, and refuse
    /// it past [`MAX_EVAL_DEPTH`] or [`MAX_EVAL_TERMS`].
    fn check_formula_cost(&mut self, index: usize) {
        let Some(Some((expr, _))) = self.formulas.get(index) else {
            return;
        };
        let cost = cost_of(expr, &self.costs);
        let Some(def) = self.formula_asts.get(index) else {
            return;
        };
        let (span, name) = (def.name.span.clone(), def.name.text.clone());
        if self.within_limits(cost, &span, &format!("公式 {name} (formula `{name}`)")) {
            if let Some(slot) = self.costs.get_mut(index) {
                *slot = Some(cost);
            }
        } else {
            self.failed.insert(index);
            if let Some(slot) = self.formulas.get_mut(index) {
                *slot = None;
            }
        }
    }

    fn within_limits(&mut self, cost: Cost, span: &Span, what: &str) -> bool {
        if cost.depth > MAX_EVAL_DEPTH {
            self.error(
                span,
                format!("{what} 连同所引用的公式嵌套过深 (nested {} levels deep with the formulas it uses; the limit is {MAX_EVAL_DEPTH})", cost.depth),
            )
            .help = Some("split the formulas differently, or write the rule more simply".into());
            return false;
        }
        if cost.terms > MAX_EVAL_TERMS {
            self.error(
                span,
                format!("{what} 连同所引用的公式过于庞大 (it expands to {} terms with the formulas it uses; the limit is {MAX_EVAL_TERMS})", cost.terms),
            )
            .help = Some("a formula used several times by another, in a chain, doubles at every link".into());
            return false;
        }
        true
    }

    fn compile_formula(&mut self, index: usize) -> Option<Type> {
        if let Some(Some((_, ty))) = self.formulas.get(index) {
            return Some(*ty);
        }
        if self.failed.contains(&index) {
            return None;
        }
        let def = *self.formula_asts.get(index)?;
        if self.compiling.contains(&index) {
            let members: Vec<usize> = self
                .compiling
                .iter()
                .copied()
                .skip_while(|i| *i != index)
                .collect();
            let cycle: Vec<String> = members
                .iter()
                .filter_map(|i| self.formula_asts.get(*i).map(|f| f.name.text.clone()))
                .chain(std::iter::once(def.name.text.clone()))
                .collect();
            self.failed.extend(members);
            self.error(
                &def.name.span,
                format!(
                    "公式循环引用 (formulas refer to each other in a cycle: {})",
                    cycle.join(" → ")
                ),
            );
            return None;
        }
        if self.compiling.len() >= MAX_FORMULA_CHAIN {
            self.failed.insert(index);
            self.error(&def.name.span, format!("公式引用层次过深 (formulas refer to formulas more than {MAX_FORMULA_CHAIN} deep)"));
            return None;
        }
        self.compiling.push(index);
        let compiled = self.expr(&def.body, Context::Formula);
        self.compiling.pop();
        let Some((expr, ty)) = compiled else {
            self.failed.insert(index);
            return None;
        };
        if let Some(slot) = self.formulas.get_mut(index) {
            *slot = Some((expr, ty));
        }
        Some(ty)
    }

    fn expr(&mut self, expr: &ast::Expr, context: Context) -> Option<(CExpr, Type)> {
        let span = expr.span.clone();
        let node = |kind| CExpr {
            kind,
            span: span.clone(),
        };
        match &expr.kind {
            ExprKind::Number(n) => Some((node(CKind::Num(n.value)), Type::Num)),
            ExprKind::Bool(b) => Some((node(CKind::Bool(*b)), Type::Bool)),
            ExprKind::Paren(inner) => self.expr(inner, context),
            ExprKind::Var(name) => {
                if let Some(var) = Var::from_name(name) {
                    if context == Context::Constant {
                        self.error(&span, format!("此处不能用变量 {name} (a constant is expected here, not the variable `{name}`)"));
                        return None;
                    }
                    let ty = if var.is_bool() { Type::Bool } else { Type::Num };
                    return Some((node(CKind::Var(var)), ty));
                }
                if let Some(&index) = self.formula_index.get(name) {
                    let ty = self.compile_formula(index)?;
                    return Some((node(CKind::Formula(index)), ty));
                }
                let mut help = format!("variables are {}", Var::ALL.map(Var::name).join(", "));
                if !self.formula_index.is_empty() {
                    let mut names: Vec<&String> = self.formula_index.keys().collect();
                    names.sort();
                    help.push_str(&format!(
                        "; formulas are {}",
                        names
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if name.contains('-') {
                    help.push_str("; write `a - b` with spaces to subtract");
                }
                let d = self.error(
                    &span,
                    format!("未定义的名称 {name} (undefined name `{name}`)"),
                );
                d.label = Some("not a variable or formula".into());
                d.help = Some(help);
                None
            }
            ExprKind::Unary(op, inner) => {
                let (e, ty) = self.expr(inner, context)?;
                match op {
                    ast::UnOp::Neg => {
                        self.expect_type(&inner.span, ty, Type::Num)?;
                        Some((node(CKind::Neg(Box::new(e))), Type::Num))
                    }
                    ast::UnOp::Not => {
                        self.expect_type(&inner.span, ty, Type::Bool)?;
                        Some((node(CKind::Not(Box::new(e))), Type::Bool))
                    }
                }
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let left = self.expr(lhs, context);
                let right = self.expr(rhs, context);
                let ((l, lt), (r, rt)) = (left?, right?);
                let (operand, result) = match op {
                    BinOp::And | BinOp::Or => (Type::Bool, Type::Bool),
                    BinOp::Cmp(_) => (Type::Num, Type::Bool),
                    _ => (Type::Num, Type::Num),
                };
                self.expect_type(&lhs.span, lt, operand)?;
                self.expect_type(&rhs.span, rt, operand)?;
                Some((node(CKind::Binary(*op, Box::new(l), Box::new(r))), result))
            }
            ExprKind::Call(name, args) => {
                let Some(func) = Func::from_name(&name.text) else {
                    self.error(
                        &name.span,
                        format!("未知的函数 {} (unknown function)", name.text),
                    )
                    .label = Some("expected min, max, abs, clamp, floor, ceil or round".into());
                    return None;
                };
                let (least, most) = func.arity();
                if args.len() < least || args.len() > most {
                    let wanted = if least == most {
                        least.to_string()
                    } else if most == usize::MAX {
                        format!("at least {least}")
                    } else {
                        format!("{least} to {most}")
                    };
                    self.error(
                        &span,
                        format!(
                            "{} 需要 {wanted} 个参数 ({} takes {wanted} arguments, not {})",
                            func.name(),
                            func.name(),
                            args.len()
                        ),
                    );
                    return None;
                }
                let mut compiled = Vec::new();
                for arg in args {
                    let (e, ty) = self.expr(arg, context)?;
                    self.expect_type(&arg.span, ty, Type::Num)?;
                    compiled.push(e);
                }
                Some((node(CKind::Call(func, compiled)), Type::Num))
            }
            ExprKind::If(cond, then, otherwise) => {
                let c = self.expr(cond, context);
                let t = self.expr(then, context);
                let o = self.expr(otherwise, context);
                let ((c, ct), (t, tt), (o, ot)) = (c?, t?, o?);
                self.expect_type(&cond.span, ct, Type::Bool)?;
                if tt != ot {
                    self.error(
                        &otherwise.span,
                        format!(
                            "if 的两个分支类型不同 (the branches of `if` differ: {} and {})",
                            tt.describe(),
                            ot.describe()
                        ),
                    );
                    return None;
                }
                Some((node(CKind::If(Box::new(c), Box::new(t), Box::new(o))), tt))
            }
            ExprKind::Steps {
                subject,
                bands,
                otherwise,
            } => {
                if bands.len() > MAX_STEP_BANDS {
                    self.error(
                        &span,
                        format!(
                            "steps 分段过多 (more than {MAX_STEP_BANDS} bands: no scoring rule has so many; {} given)",
                            bands.len()
                        ),
                    );
                    return None;
                }
                let (s, st) = self.expr(subject, context)?;
                self.expect_type(&subject.span, st, Type::Num)?;
                let mut result_type = None;
                let mut compiled = Vec::new();
                let mut constant_intervals: Vec<ConstantBand> = Vec::new();
                for band in bands {
                    let bound = match &band.bound {
                        ast::Bound::Compare(op, limit) => {
                            let (l, lt) = self.expr(limit, context)?;
                            self.expect_type(&limit.span, lt, Type::Num)?;
                            if let CKind::Num(v) = l.kind {
                                let interval = match op {
                                    CmpOp::Ge => (Some((v, true)), None),
                                    CmpOp::Gt => (Some((v, false)), None),
                                    CmpOp::Le => (None, Some((v, true))),
                                    CmpOp::Lt => (None, Some((v, false))),
                                    CmpOp::Eq => (Some((v, true)), Some((v, true))),
                                    CmpOp::Ne => (None, None),
                                };
                                if *op != CmpOp::Ne {
                                    constant_intervals.push((
                                        interval.0,
                                        interval.1,
                                        band.span.clone(),
                                    ));
                                }
                            }
                            CBound::Compare(*op, l)
                        }
                        ast::Bound::Interval(interval) => {
                            let mut ends = [None, None];
                            for (slot, (end, inclusive)) in ends.iter_mut().zip([
                                (&interval.lower, interval.lower_inclusive),
                                (&interval.upper, interval.upper_inclusive),
                            ]) {
                                if let Some(end) = end {
                                    let (e, et) = self.expr(end, context)?;
                                    self.expect_type(&end.span, et, Type::Num)?;
                                    *slot = Some((e, inclusive));
                                }
                            }
                            let [lower, upper] = ends;
                            let constant = |end: &Option<(CExpr, bool)>| match end {
                                Some((
                                    CExpr {
                                        kind: CKind::Num(v),
                                        ..
                                    },
                                    inc,
                                )) => Some(Some((*v, *inc))),
                                Some(_) => None,
                                None => Some(None),
                            };
                            if let (Some(lo), Some(hi)) = (constant(&lower), constant(&upper)) {
                                if let (Some((l, _)), Some((h, _))) = (lo, hi)
                                    && l > h
                                {
                                    self.error(&interval.span, "区间下限大于上限 (the interval's lower end is above its upper end)");
                                }
                                constant_intervals.push((lo, hi, band.span.clone()));
                            }
                            CBound::Interval { lower, upper }
                        }
                    };
                    let (v, vt) = self.expr(&band.value, context)?;
                    if let Some(rt) = result_type
                        && rt != vt
                    {
                        self.error(
                            &band.value.span,
                            "各分段的结果类型不同 (the bands give values of different types)",
                        );
                        return None;
                    }
                    result_type = Some(vt);
                    compiled.push((bound, v));
                }
                self.check_band_overlap(&constant_intervals);
                let otherwise = match otherwise {
                    Some(o) => {
                        let (e, ot) = self.expr(o, context)?;
                        if let Some(rt) = result_type
                            && rt != ot
                        {
                            self.error(&o.span, "else 的结果类型与各分段不同 (`else` gives a different type than the bands)");
                            return None;
                        }
                        result_type = Some(ot);
                        Some(Box::new(e))
                    }
                    None => None,
                };
                let Some(ty) = result_type else {
                    self.error(&span, "steps 没有分段 (the steps have no bands)");
                    return None;
                };
                Some((
                    node(CKind::Steps {
                        subject: Box::new(s),
                        bands: compiled,
                        otherwise,
                    }),
                    ty,
                ))
            }
        }
    }

    /// Two bands that both contain some value make the result depend on their order: refuse.
    /// Sorted by lower end, a band overlaps an earlier one exactly when it starts before the
    /// furthest upper end seen so far: n log n (65,000 bands compared pairwise took 33 s).
    fn check_band_overlap(&mut self, intervals: &[ConstantBand]) {
        let mut order: Vec<usize> = (0..intervals.len()).collect();
        // Lower ends: none (unbounded) first, then by value, an inclusive end before an exclusive.
        let lower_key = |i: &usize| {
            intervals
                .get(*i)
                .map(|band| band.0.map(|(v, inclusive)| (v, !inclusive)))
        };
        order.sort_by_key(lower_key);
        // The band reaching furthest up so far (an unbounded upper end reaches furthest).
        let mut reach: Option<usize> = None;
        let mut found = None;
        for &j in &order {
            let Some(b) = intervals.get(j) else { continue };
            if let Some(i) = reach
                && let Some(a) = intervals.get(i)
                && bands_overlap((a.0, a.1), (b.0, b.1))
            {
                found = Some((i.min(j), i.max(j)));
                break;
            }
            let further = match reach.and_then(|i| intervals.get(i)) {
                None => true,
                Some(a) => upper_key(b.1) > upper_key(a.1),
            };
            if further {
                reach = Some(j);
            }
        }
        let Some((first, second)) = found else {
            return;
        };
        let (Some(a), Some(b)) = (intervals.get(first), intervals.get(second)) else {
            return;
        };
        let other = self.text_of(&a.2);
        self.error(
            &b.2,
            format!("分段重叠 (this band overlaps an earlier one: `{other}`)"),
        )
        .help =
            Some("use `[a, b)` and `[b, c)` so that each value falls in exactly one band".into());
    }

    fn expect_type(&mut self, span: &Span, found: Type, want: Type) -> Option<()> {
        if found == want {
            return Some(());
        }
        self.error(
            span,
            format!(
                "类型不符 (expected {}, found {})",
                want.describe(),
                found.describe()
            ),
        );
        None
    }
}

/// An upper end as a sort key: unbounded highest, an inclusive end above an exclusive one.
fn upper_key(end: End) -> (bool, Option<(Decimal, bool)>) {
    match end {
        None => (true, None),
        Some((v, inclusive)) => (false, Some((v, inclusive))),
    }
}

/// Two intervals overlap unless one lies wholly below the other.
fn bands_overlap(a: (End, End), b: (End, End)) -> bool {
    !below(a.1, b.0) && !below(b.1, a.0)
}

/// Whether an interval ending at `upper` lies wholly below one starting at `lower`.
fn below(upper: End, lower: End) -> bool {
    match (upper, lower) {
        (Some((hi, hi_inc)), Some((lo, lo_inc))) => hi < lo || (hi == lo && !(hi_inc && lo_inc)),
        _ => false,
    }
}

fn intervals_overlap(a: &Tier, b: &Tier) -> bool {
    bands_overlap(
        (
            Some((a.lower, a.lower_inclusive)),
            Some((a.upper, a.upper_inclusive)),
        ),
        (
            Some((b.lower, b.lower_inclusive)),
            Some((b.upper, b.upper_inclusive)),
        ),
    )
}

fn target_comparator(op: CmpOp) -> Option<Comparator> {
    Some(match op {
        CmpOp::Ge => Comparator::Ge,
        CmpOp::Gt => Comparator::Gt,
        CmpOp::Le => Comparator::Le,
        CmpOp::Lt => Comparator::Lt,
        CmpOp::Eq => Comparator::Eq,
        CmpOp::Ne => return None,
    })
}

fn ascii_symbol(c: Comparator) -> &'static str {
    match c {
        Comparator::Ge => ">=",
        Comparator::Gt => ">",
        Comparator::Le => "<=",
        Comparator::Lt => "<",
        Comparator::Eq => "=",
    }
}

/// How deep and how large an expression is once formula references are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cost {
    depth: usize,
    terms: usize,
}

/// The cost of a compiled expression, the costs of the formulas it refers to known (a formula
/// without one, because it failed, counts as a single term). Recurses as deep as the expression,
/// which the parser keeps within [`super::parser::MAX_EXPR_DEPTH`].
fn cost_of(expr: &CExpr, formulas: &[Option<Cost>]) -> Cost {
    let leaf = Cost { depth: 1, terms: 1 };
    let combine = |children: &[Cost]| Cost {
        depth: children
            .iter()
            .map(|c| c.depth)
            .max()
            .unwrap_or(0)
            .saturating_add(1),
        terms: children
            .iter()
            .fold(1usize, |n, c| n.saturating_add(c.terms)),
    };
    match &expr.kind {
        CKind::Num(_) | CKind::Bool(_) | CKind::Var(_) => leaf,
        CKind::Formula(i) => match formulas.get(*i).copied().flatten() {
            Some(c) => combine(&[c]),
            None => leaf,
        },
        CKind::Neg(e) | CKind::Not(e) => combine(&[cost_of(e, formulas)]),
        CKind::Binary(_, a, b) => combine(&[cost_of(a, formulas), cost_of(b, formulas)]),
        CKind::Call(_, args) => {
            let costs: Vec<Cost> = args.iter().map(|a| cost_of(a, formulas)).collect();
            combine(&costs)
        }
        CKind::If(a, b, c) => combine(&[
            cost_of(a, formulas),
            cost_of(b, formulas),
            cost_of(c, formulas),
        ]),
        CKind::Steps {
            subject,
            bands,
            otherwise,
        } => {
            let mut costs = vec![cost_of(subject, formulas)];
            for (bound, value) in bands {
                match bound {
                    CBound::Compare(_, e) => costs.push(cost_of(e, formulas)),
                    CBound::Interval { lower, upper } => {
                        for (e, _) in lower.iter().chain(upper.iter()) {
                            costs.push(cost_of(e, formulas));
                        }
                    }
                }
                costs.push(cost_of(value, formulas));
            }
            if let Some(o) = otherwise {
                costs.push(cost_of(o, formulas));
            }
            combine(&costs)
        }
    }
}

/// The formulas an expression names, in the order the checker meets them.
fn formula_references(expr: &ast::Expr, index: &HashMap<String, usize>, out: &mut Vec<usize>) {
    let mut walk = |e: &ast::Expr| formula_references(e, index, out);
    match &expr.kind {
        ExprKind::Number(_) | ExprKind::Bool(_) => {}
        ExprKind::Var(name) => {
            if Var::from_name(name).is_none()
                && let Some(&i) = index.get(name)
            {
                out.push(i);
            }
        }
        ExprKind::Paren(e) | ExprKind::Unary(_, e) => walk(e),
        ExprKind::Binary(_, a, b) => {
            walk(a);
            walk(b);
        }
        ExprKind::Call(_, args) => args.iter().for_each(walk),
        ExprKind::If(a, b, c) => {
            walk(a);
            walk(b);
            walk(c);
        }
        ExprKind::Steps {
            subject,
            bands,
            otherwise,
        } => {
            walk(subject);
            for band in bands {
                match &band.bound {
                    ast::Bound::Compare(_, e) => walk(e),
                    ast::Bound::Interval(interval) => {
                        for e in interval.lower.iter().chain(interval.upper.iter()) {
                            walk(e);
                        }
                    }
                }
                walk(&band.value);
            }
            if let Some(o) = otherwise {
                walk(o);
            }
        }
    }
}
