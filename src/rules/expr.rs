//! Checked expressions and their evaluation.
//!
//! The checker turns the AST's expressions into [`CExpr`]: names resolved to variables or
//! formulas, functions to built-ins, types (number or yes/no) verified. Evaluation is exact and
//! checked; a division by zero or an overflow is an [`EvalError`] that points at the operator.

use super::ast::{BinOp, CmpOp, Span};
use crate::num::{self, ArithError};
use rust_decimal::Decimal;
use std::fmt;

/// The variables a rule can read. Which ones a rule may use depends on where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Var {
    /// 分值 of the item being scored.
    Weight,
    /// 执行率: executed / the template's denominator.
    Rate,
    /// 年初预算数
    Initial,
    /// 全年预算数
    Budget,
    /// 全年执行数
    Executed,
    /// 实际完成值 (for qualitative indicators, the completion degree).
    Actual,
    /// 年度指标值 (for qualitative indicators, 100%).
    Target,
    /// actual / target.
    Ratio,
    /// Completion degree of a qualitative indicator.
    Degree,
    /// Whether the target is met.
    Met,
    /// The indicator's computed score (in `explain` rules).
    Score,
    /// The indicator's computed deviation (in `explain` rules).
    Deviation,
}

impl Var {
    pub const ALL: [Var; 12] = [
        Var::Weight,
        Var::Rate,
        Var::Initial,
        Var::Budget,
        Var::Executed,
        Var::Actual,
        Var::Target,
        Var::Ratio,
        Var::Degree,
        Var::Met,
        Var::Score,
        Var::Deviation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Var::Weight => "weight",
            Var::Rate => "rate",
            Var::Initial => "initial",
            Var::Budget => "budget",
            Var::Executed => "executed",
            Var::Actual => "actual",
            Var::Target => "target",
            Var::Ratio => "ratio",
            Var::Degree => "degree",
            Var::Met => "met",
            Var::Score => "score",
            Var::Deviation => "deviation",
        }
    }

    pub fn from_name(name: &str) -> Option<Var> {
        Var::ALL.into_iter().find(|v| v.name() == name)
    }

    /// What the variable means, for `rules show` and error help.
    pub fn meaning(self) -> &'static str {
        match self {
            Var::Weight => "分值 (the item's weight)",
            Var::Rate => "执行率 (execution rate, a fraction)",
            Var::Initial => "年初预算数 (initial budget)",
            Var::Budget => "全年预算数 (adjusted budget)",
            Var::Executed => "全年执行数 (executed)",
            Var::Actual => "实际完成值 (actual value)",
            Var::Target => "年度指标值 (target value)",
            Var::Ratio => "actual / target",
            Var::Degree => "完成程度 (completion degree of a qualitative indicator)",
            Var::Met => "whether the target is met (yes/no)",
            Var::Score => "the indicator's computed score",
            Var::Deviation => "the indicator's computed deviation",
        }
    }

    pub fn is_bool(self) -> bool {
        self == Var::Met
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Min,
    Max,
    Abs,
    Clamp,
    Floor,
    Ceil,
    Round,
}

impl Func {
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "clamp" => Func::Clamp,
            "floor" => Func::Floor,
            "ceil" => Func::Ceil,
            "round" => Func::Round,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Clamp => "clamp",
            Func::Floor => "floor",
            Func::Ceil => "ceil",
            Func::Round => "round",
        }
    }

    /// Accepted argument counts: (least, most).
    pub fn arity(self) -> (usize, usize) {
        match self {
            Func::Min | Func::Max => (1, usize::MAX),
            Func::Abs | Func::Floor | Func::Ceil => (1, 1),
            Func::Clamp => (3, 3),
            Func::Round => (1, 2),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CExpr {
    pub kind: CKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CKind {
    Num(Decimal),
    Bool(bool),
    Var(Var),
    /// Index into the ruleset's formulas.
    Formula(usize),
    Neg(Box<CExpr>),
    Not(Box<CExpr>),
    Binary(BinOp, Box<CExpr>, Box<CExpr>),
    Call(Func, Vec<CExpr>),
    If(Box<CExpr>, Box<CExpr>, Box<CExpr>),
    Steps {
        subject: Box<CExpr>,
        bands: Vec<(CBound, CExpr)>,
        otherwise: Option<Box<CExpr>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum CBound {
    Compare(CmpOp, CExpr),
    Interval {
        lower: Option<(CExpr, bool)>,
        upper: Option<(CExpr, bool)>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluated {
    Num(Decimal),
    Bool(bool),
}

impl fmt::Display for Evaluated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Evaluated::Num(n) => write!(f, "{n}"),
            Evaluated::Bool(true) => f.write_str("yes"),
            Evaluated::Bool(false) => f.write_str("no"),
        }
    }
}

/// What a variable holds while one number is computed. `None`: not defined here (the checker
/// keeps rules from reading such variables, except `ratio` with a target of 0).
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub weight: Option<Decimal>,
    pub rate: Option<Decimal>,
    pub initial: Option<Decimal>,
    pub budget: Option<Decimal>,
    pub executed: Option<Decimal>,
    pub actual: Option<Decimal>,
    pub target: Option<Decimal>,
    pub degree: Option<Decimal>,
    pub met: Option<bool>,
    pub score: Option<Decimal>,
    pub deviation: Option<Decimal>,
}

impl Env {
    pub fn get(&self, var: Var) -> Result<Evaluated, String> {
        let num = |v: Option<Decimal>| {
            v.map(Evaluated::Num).ok_or_else(|| {
                format!(
                    "变量 {} 在此处没有值 (variable `{}` has no value here)",
                    var.name(),
                    var.name()
                )
            })
        };
        match var {
            Var::Weight => num(self.weight),
            Var::Rate => num(self.rate),
            Var::Initial => num(self.initial),
            Var::Budget => num(self.budget),
            Var::Executed => num(self.executed),
            Var::Actual => num(self.actual),
            Var::Target => num(self.target),
            Var::Degree => num(self.degree),
            Var::Score => num(self.score),
            Var::Deviation => num(self.deviation),
            Var::Met => self.met.map(Evaluated::Bool).ok_or_else(|| {
                "变量 met 在此处没有值 (variable `met` has no value here)".to_string()
            }),
            Var::Ratio => {
                let (Some(actual), Some(target)) = (self.actual, self.target) else {
                    return Err(
                        "变量 ratio 在此处没有值 (variable `ratio` has no value here)".into(),
                    );
                };
                if target.is_zero() {
                    return Err(
                        "年度指标值为0，ratio 无定义 (ratio = actual / target is undefined: the target is 0)"
                            .into(),
                    );
                }
                num::div(actual, target)
                    .map(Evaluated::Num)
                    .map_err(|e| e.to_string())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    /// The part of the rule that could not be computed.
    pub span: Span,
    pub message: String,
}

impl EvalError {
    fn new(span: &Span, message: impl Into<String>) -> Self {
        EvalError {
            span: span.clone(),
            message: message.into(),
        }
    }

    fn arith(span: &Span, error: ArithError) -> Self {
        EvalError::new(span, error.to_string())
    }
}

/// Formulas an expression can refer to, by index.
pub trait Formulas {
    fn formula(&self, index: usize) -> Option<&CExpr>;
}

impl Formulas for Vec<CExpr> {
    fn formula(&self, index: usize) -> Option<&CExpr> {
        self.get(index)
    }
}

impl CExpr {
    pub fn eval(&self, env: &Env, formulas: &dyn Formulas) -> Result<Evaluated, EvalError> {
        let span = &self.span;
        match &self.kind {
            CKind::Num(n) => Ok(Evaluated::Num(*n)),
            CKind::Bool(b) => Ok(Evaluated::Bool(*b)),
            CKind::Var(v) => env.get(*v).map_err(|m| EvalError::new(span, m)),
            CKind::Formula(index) => match formulas.formula(*index) {
                Some(body) => body.eval(env, formulas),
                None => Err(EvalError::new(span, "unknown formula")),
            },
            CKind::Neg(inner) => {
                let v = inner.eval_num(env, formulas)?;
                Ok(Evaluated::Num(-v))
            }
            CKind::Not(inner) => Ok(Evaluated::Bool(!inner.eval_bool(env, formulas)?)),
            CKind::Binary(op, lhs, rhs) => eval_binary(*op, lhs, rhs, span, env, formulas),
            CKind::Call(func, args) => eval_call(*func, args, span, env, formulas),
            CKind::If(cond, then, otherwise) => {
                if cond.eval_bool(env, formulas)? {
                    then.eval(env, formulas)
                } else {
                    otherwise.eval(env, formulas)
                }
            }
            CKind::Steps {
                subject,
                bands,
                otherwise,
            } => {
                let x = subject.eval_num(env, formulas)?;
                for (bound, value) in bands {
                    if bound.contains(x, env, formulas)? {
                        return value.eval(env, formulas);
                    }
                }
                match otherwise {
                    Some(value) => value.eval(env, formulas),
                    None => Err(EvalError::new(
                        span,
                        format!("没有匹配的分段 (no band of these steps contains {x})"),
                    )),
                }
            }
        }
    }

    pub fn eval_num(&self, env: &Env, formulas: &dyn Formulas) -> Result<Decimal, EvalError> {
        match self.eval(env, formulas)? {
            Evaluated::Num(n) => Ok(n),
            Evaluated::Bool(_) => Err(EvalError::new(
                &self.span,
                "expected a number, found yes/no",
            )),
        }
    }

    pub fn eval_bool(&self, env: &Env, formulas: &dyn Formulas) -> Result<bool, EvalError> {
        match self.eval(env, formulas)? {
            Evaluated::Bool(b) => Ok(b),
            Evaluated::Num(_) => Err(EvalError::new(
                &self.span,
                "expected yes/no, found a number",
            )),
        }
    }

    /// Every variable this expression reads, following formula references.
    pub fn variables(&self, formulas: &dyn Formulas, out: &mut Vec<Var>) {
        self.visit(&mut |e| match &e.kind {
            CKind::Var(v) if !out.contains(v) => out.push(*v),
            CKind::Formula(i) => {
                if let Some(body) = formulas.formula(*i) {
                    body.variables(formulas, out);
                }
            }
            _ => {}
        });
    }

    /// Calls `f` on this node and every node below it (not following formula references).
    pub fn visit(&self, f: &mut dyn FnMut(&CExpr)) {
        f(self);
        match &self.kind {
            CKind::Num(_) | CKind::Bool(_) | CKind::Var(_) | CKind::Formula(_) => {}
            CKind::Neg(e) | CKind::Not(e) => e.visit(f),
            CKind::Binary(_, a, b) => {
                a.visit(f);
                b.visit(f);
            }
            CKind::Call(_, args) => args.iter().for_each(|a| a.visit(f)),
            CKind::If(a, b, c) => {
                a.visit(f);
                b.visit(f);
                c.visit(f);
            }
            CKind::Steps {
                subject,
                bands,
                otherwise,
            } => {
                subject.visit(f);
                for (bound, value) in bands {
                    match bound {
                        CBound::Compare(_, e) => e.visit(f),
                        CBound::Interval { lower, upper } => {
                            if let Some((e, _)) = lower {
                                e.visit(f);
                            }
                            if let Some((e, _)) = upper {
                                e.visit(f);
                            }
                        }
                    }
                    value.visit(f);
                }
                if let Some(e) = otherwise {
                    e.visit(f);
                }
            }
        }
    }
}

impl CBound {
    fn contains(&self, x: Decimal, env: &Env, formulas: &dyn Formulas) -> Result<bool, EvalError> {
        match self {
            CBound::Compare(op, limit) => Ok(compare(*op, x, limit.eval_num(env, formulas)?)),
            CBound::Interval { lower, upper } => {
                if let Some((lo, inclusive)) = lower {
                    let lo = lo.eval_num(env, formulas)?;
                    if x < lo || (!inclusive && x == lo) {
                        return Ok(false);
                    }
                }
                if let Some((hi, inclusive)) = upper {
                    let hi = hi.eval_num(env, formulas)?;
                    if x > hi || (!inclusive && x == hi) {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
        }
    }
}

pub fn compare(op: CmpOp, a: Decimal, b: Decimal) -> bool {
    match op {
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
    }
}

fn eval_binary(
    op: BinOp,
    lhs: &CExpr,
    rhs: &CExpr,
    span: &Span,
    env: &Env,
    formulas: &dyn Formulas,
) -> Result<Evaluated, EvalError> {
    match op {
        BinOp::And => Ok(Evaluated::Bool(
            lhs.eval_bool(env, formulas)? && rhs.eval_bool(env, formulas)?,
        )),
        BinOp::Or => Ok(Evaluated::Bool(
            lhs.eval_bool(env, formulas)? || rhs.eval_bool(env, formulas)?,
        )),
        BinOp::Cmp(cmp) => {
            let a = lhs.eval_num(env, formulas)?;
            let b = rhs.eval_num(env, formulas)?;
            Ok(Evaluated::Bool(compare(cmp, a, b)))
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
            let a = lhs.eval_num(env, formulas)?;
            let b = rhs.eval_num(env, formulas)?;
            let result = match op {
                BinOp::Add => num::add(a, b),
                BinOp::Sub => num::sub(a, b),
                BinOp::Mul => num::mul(a, b),
                _ => num::div(a, b),
            };
            result
                .map(Evaluated::Num)
                .map_err(|e| EvalError::arith(span, e))
        }
    }
}

fn eval_call(
    func: Func,
    args: &[CExpr],
    span: &Span,
    env: &Env,
    formulas: &dyn Formulas,
) -> Result<Evaluated, EvalError> {
    let mut values = Vec::with_capacity(args.len());
    for arg in args {
        values.push(arg.eval_num(env, formulas)?);
    }
    let arity_error = || {
        EvalError::new(
            span,
            format!("{} 的参数个数不对 (wrong number of arguments)", func.name()),
        )
    };
    let first = *values.first().ok_or_else(arity_error)?;
    let result = match func {
        Func::Min => values.iter().copied().fold(first, Decimal::min),
        Func::Max => values.iter().copied().fold(first, Decimal::max),
        Func::Abs => first.abs(),
        Func::Floor => first.floor(),
        Func::Ceil => first.ceil(),
        Func::Clamp => {
            let (Some(&lo), Some(&hi)) = (values.get(1), values.get(2)) else {
                return Err(arity_error());
            };
            if lo > hi {
                return Err(EvalError::new(
                    span,
                    format!(
                        "clamp 的下限 {lo} 大于上限 {hi} (clamp's lower bound is above its upper bound)"
                    ),
                ));
            }
            first.clamp(lo, hi)
        }
        Func::Round => {
            let decimals = values.get(1).copied().unwrap_or(Decimal::ZERO);
            let Some(dp) = u32::try_from(decimals.trunc().mantissa())
                .ok()
                .filter(|d| *d <= 20 && decimals.fract().is_zero())
            else {
                return Err(EvalError::new(
                    span,
                    format!(
                        "round 的小数位数应为 0 到 20 的整数 (round takes 0 to 20 decimals, not {decimals})"
                    ),
                ));
            };
            crate::num::Rounding::new(dp, crate::num::RoundingMode::HalfUp).apply(first)
        }
    };
    Ok(Evaluated::Num(result))
}
