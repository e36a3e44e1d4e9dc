//! Checker: AST → [`RuleSet`].
//!
//! Resolves names (variables, formulas, functions, budget columns), checks types (a number where
//! a number is due, yes/no in conditions), checks that every variable a rule reads exists where
//! the rule is used, that formulas do not refer to themselves, that weights add up, and that the
//! scoring rules cover every case. Every problem is reported, not just the first.

mod errors;
mod expressions;
mod formulas;
mod parts;
mod scoring;
mod settings;
mod template;

pub use errors::{CHECK_ERRORS, CheckError, CheckErrorInfo};

use super::ast::{self, BinOp, CmpOp, ExprKind, ScoringEntry, ScoringScope, Span, TemplateEntry};
use super::expr::{CBound, CExpr, CKind, Func, Var};
use super::parser::parse_file;
use super::ruleset::*;
use super::syntax_diagnostic;
use crate::diag::{Diagnostic, SourceFile};
use crate::num::{Rounding, RoundingMode};
use crate::value::Comparator;
use formulas::{Cost, cost_of};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

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

/// What undoes 控制率: a 控制率 of an epidemic, a pest or a fire (疫情控制率, 病虫害控制率) is
/// how much was brought under control, so higher is better there.
const CONTROLLED_HARM: &[&str] = &["疫", "病", "虫", "火", "灾", "污染", "防控"];

/// The built-in `lower-is-better` list, for a ruleset that gives none.
pub fn default_lower_is_better() -> Vec<LowerIsBetter> {
    LOWER_IS_BETTER
        .iter()
        .map(|p| LowerIsBetter {
            pattern: p.to_string(),
            except: if *p == "控制率" {
                CONTROLLED_HARM.iter().map(|s| s.to_string()).collect()
            } else {
                Vec::new()
            },
        })
        .collect()
}

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
enum Place {
    Execution,
    Indicator,
    Explain,
    /// A formula's body: checked where the formula is used.
    Formula,
    /// Bounds and limits that must not depend on a form.
    Constant,
}

impl Place {
    fn allows(self, var: Var) -> bool {
        use Var::*;
        match self {
            Place::Formula => true,
            Place::Constant => false,
            Place::Execution => matches!(var, Weight | Rate | Initial | Budget | Executed),
            Place::Indicator => !matches!(var, Score | Deviation),
            Place::Explain => true,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Place::Execution => "the execution formula (weight, rate, initial, budget, executed)",
            Place::Indicator => {
                "an indicator rule (weight, actual, target, ratio, degree, met, rate, initial, budget, executed)"
            }
            Place::Explain => "an explain rule (the indicator's variables, score and deviation)",
            Place::Formula => "a formula",
            Place::Constant => "a constant (no variables)",
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
    /// How deep and how large each compiled formula is once its references are followed.
    costs: Vec<Option<Cost>>,
    /// Undefined names already reported, with the index of their diagnostic: a misspelt name
    /// used again is noted there rather than reported again.
    undefined: HashMap<String, usize>,
    /// `quantitative { lower-is-better { … } }`, once read; `None`: the built-in list.
    lower_is_better: Option<Vec<LowerIsBetter>>,
    /// `quantitative { parts { … } }`, once read; `None`: the template's rule (the default).
    parts: Option<super::parts::PartsRule>,
}

pub fn check_file(file: &Arc<SourceFile>) -> Result<RuleSet, Vec<Diagnostic>> {
    let ast = parse_file(file.text()).map_err(|e| vec![syntax_diagnostic(file, &e)])?;
    check(file, &ast)
}

pub fn check(file: &Arc<SourceFile>, ast: &ast::File) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut checker = Checker::new(file);
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
    fn new(file: &'a Arc<SourceFile>) -> Self {
        Checker {
            file,
            errors: Vec::new(),
            formula_index: HashMap::new(),
            formula_asts: Vec::new(),
            formulas: Vec::new(),
            failed: HashSet::new(),
            costs: Vec::new(),
            undefined: HashMap::new(),
            lower_is_better: None,
            parts: None,
        }
    }

    /// Report a mistake at `span`; the caller may add a label or a help to the diagnostic.
    fn error(&mut self, span: &Span, kind: CheckError) -> &mut Diagnostic {
        self.errors
            .push(Diagnostic::error(kind.code(), kind.message()).at(self.file, span.clone()));
        // Indexing cannot fail: the vector was just pushed to.
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn text_of(&self, span: &Span) -> String {
        self.file.text().get(span.clone()).unwrap_or("").to_string()
    }

    /// The file's items sorted by what they are; formulas indexed by name. A block given twice
    /// is reported here.
    fn sort_items(&mut self, file: &'a ast::File) -> Items<'a> {
        let mut items = Items::default();
        for item in &file.items {
            match item {
                ast::Item::Formula(f) => self.declare_formula(f),
                ast::Item::Ruleset(h) => {
                    if items.header.replace(h).is_some() {
                        self.error(&h.span, CheckError::DuplicateHeader);
                    }
                }
                ast::Item::Grades(g) => self.once(&mut items.grades, g, &g.span, "grades"),
                ast::Item::Rounding(r) => self.once(&mut items.rounding, r, &r.span, "rounding"),
                ast::Item::Review(r) => self.once(&mut items.review, r, &r.span, "review"),
                ast::Item::Scoring(block) => match block.scope {
                    ScoringScope::Quantitative => {
                        self.once(&mut items.quantitative, block, &block.span, "quantitative")
                    }
                    ScoringScope::Qualitative => {
                        self.once(&mut items.qualitative, block, &block.span, "qualitative")
                    }
                    ScoringScope::Indicator => items.indicator_blocks.push(block),
                },
                ast::Item::Form(t) => items.templates.push(t),
                ast::Item::Example(e) => items.examples.push(e),
            }
        }
        items
    }

    /// A block that a file has once: a second one is reported (and the last one kept).
    fn once<T>(&mut self, slot: &mut Option<T>, item: T, span: &Span, block: &'static str) {
        if slot.replace(item).is_some() {
            self.error(span, CheckError::DuplicateBlock { block });
        }
    }

    fn declare_formula(&mut self, f: &'a ast::FormulaDef) {
        let name = &f.name.text;
        if Var::from_name(name).is_some() || Func::from_name(name).is_some() {
            self.error(
                &f.name.span,
                CheckError::FormulaNameTaken { name: name.clone() },
            );
        } else if self.formula_index.contains_key(name) {
            self.error(
                &f.name.span,
                CheckError::DuplicateFormula { name: name.clone() },
            );
        } else {
            self.formula_index
                .insert(name.clone(), self.formula_asts.len());
            self.formula_asts.push(f);
        }
    }

    fn ruleset(&mut self, file: &'a ast::File) -> Option<RuleSet> {
        let items = self.sort_items(file);

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

        let Some(header) = items.header else {
            let end = self.file.text().len();
            self.error(&(0..end.min(1)), CheckError::MissingHeader).help = Some(
                "start the file with `ruleset my-rules { title \"…\" version 1 years 2023.. }`"
                    .into(),
            );
            return None;
        };
        let (version, title, basis, years) = self.header(header);
        let (regions, read_off) = super::region::header_claims(header, |span, kind| {
            self.error(span, kind);
        });
        let grades = self.grades(items.grades);
        let rounding = self.rounding(items.rounding);
        let review = self.review(items.review);

        let default_block = |scope| {
            defaults().items.iter().find_map(|i| match i {
                ast::Item::Scoring(b) if b.scope == scope => Some(b),
                _ => None,
            })
        };
        let (quantitative, bare, _) = self.scoring_with_defaults(
            items.quantitative,
            default_block(ScoringScope::Quantitative),
            "quantitative",
        );
        let (qualitative, _, tiers) = self.scoring_with_defaults(
            items.qualitative,
            default_block(ScoringScope::Qualitative),
            "qualitative",
        );
        let tiers = tiers.unwrap_or_default();

        let mut indicator_rules = Vec::new();
        for block in items.indicator_blocks {
            let (rules, _, _) = self.scoring_block(block, false);
            indicator_rules.push(IndicatorRules {
                selector: block.selector.iter().map(|n| n.text.clone()).collect(),
                rules,
                span: block.span.clone(),
            });
        }

        let templates = self.templates(&items.templates, header);
        let examples = items
            .examples
            .into_iter()
            .filter_map(|e| self.example(e))
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
            formulas: self.compiled_formulas(),
            quantitative,
            bare: bare.unwrap_or(Comparator::Ge),
            lower_is_better: self
                .lower_is_better
                .take()
                .unwrap_or_else(default_lower_is_better),
            parts: self.parts.take().unwrap_or_default(),
            qualitative,
            tiers,
            indicator_rules,
            review,
            templates,
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
                    if let (Some(from), Some(to)) = (from_year, to_year)
                        && to < from
                    {
                        self.error(span, CheckError::YearsReversed { from, to });
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
                CheckError::MissingVersion { id: id.clone() },
            );
        }
        if years.is_none() {
            self.error(&header.id.span, CheckError::MissingYears { id: id.clone() });
        }
        (
            version.unwrap_or(0),
            title.unwrap_or_else(|| id.clone()),
            basis,
            years.unwrap_or(YearRange { from: 0, to: None }),
        )
    }

    /// A weight (分值) is points out of 100: anything else is a typo. Bounding weights also
    /// keeps every sum of them far from overflow: `.sum()` and `+` on Decimal cannot overflow
    /// when a rule file of 1 MiB holds fewer than a million of them.
    fn weight(&mut self, n: &ast::Number) -> Decimal {
        if n.percent || n.value > Decimal::ONE_HUNDRED {
            let weight = format!("{}{}", n.digits, if n.percent { "%" } else { "" });
            self.error(&n.span, CheckError::WeightOutOfRange { weight });
            return Decimal::ZERO;
        }
        n.value
    }

    fn whole_number(&mut self, n: &ast::Number, what: &'static str) -> Option<u32> {
        use rust_decimal::prelude::ToPrimitive;
        if n.percent || !n.value.fract().is_zero() {
            self.error(&n.span, CheckError::NotWholeNumber { what });
            return None;
        }
        match n.value.to_u32() {
            Some(v) if v <= 9999 => Some(v),
            _ => {
                self.error(&n.span, CheckError::NumberOutOfRange { what });
                None
            }
        }
    }

    /// The compiled formulas, by index; a broken one (reported already) as 0.
    fn compiled_formulas(&self) -> Vec<CExpr> {
        self.formulas
            .iter()
            .map(|f| {
                f.as_ref().map(|(e, _)| e.clone()).unwrap_or(CExpr {
                    kind: CKind::Num(Decimal::ZERO),
                    span: 0..0,
                })
            })
            .collect()
    }
}

/// A file's items, sorted by what they are.
#[derive(Default)]
struct Items<'a> {
    header: Option<&'a ast::RulesetHeader>,
    grades: Option<&'a ast::Grades>,
    rounding: Option<&'a ast::RoundingBlock>,
    review: Option<&'a ast::ReviewBlock>,
    quantitative: Option<&'a ast::ScoringBlock>,
    qualitative: Option<&'a ast::ScoringBlock>,
    indicator_blocks: Vec<&'a ast::ScoringBlock>,
    templates: Vec<&'a ast::FormTemplate>,
    examples: Vec<&'a ast::Example>,
}
