//! Expressions: precedence climbing over `if`, `or`, `and`, `not`, comparisons, `+ -`, `* /`,
//! unary minus, calls and `steps`, each level counting its depth so that no expression nests
//! deeper than [`MAX_EXPR_DEPTH`].

use super::*;

/// Words that cannot be variables because they continue or end an expression.
const EXPR_RESERVED: &[&str] = &[
    "if", "then", "else", "and", "or", "not", "true", "false", "steps",
];

pub(crate) fn expr<'a>(input: Tokens<'a>) -> PResult<'a, Expr> {
    with_context("expression", expression(input, 0)).map(|(i, (e, _))| (i, e))
}

type Deep = (Expr, usize);

fn too_deep<'a, T>(input: &Tokens<'a>) -> PResult<'a, T> {
    Err(NomErr::Failure(SyntaxError::message(
        input,
        format!(
            "表达式嵌套过深 (expression nested too deeply: the limit is {MAX_EXPR_DEPTH} levels)"
        ),
    )))
}

fn expression<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    if nesting > MAX_EXPR_DEPTH {
        return too_deep(&input);
    }
    if is_keyword(&input, "if") {
        let start = input.offset();
        let all = input;
        let (i, (cond, d1)) = commit(expression(advance(input), nesting + 1))?;
        let (i, _) = commit(keyword(i, "then"))?;
        let (i, (then, d2)) = commit(expression(i, nesting + 1))?;
        let (i, _) = commit(keyword(i, "else"))?;
        let (i, (otherwise, d3)) = commit(expression(i, nesting + 1))?;
        let span = start..end_of(&all, &i);
        let depth = d1.max(d2).max(d3) + 1;
        let e = Expr {
            kind: ExprKind::If(Box::new(cond), Box::new(then), Box::new(otherwise)),
            span,
        };
        return Ok((i, (e, depth)));
    }
    or_expr(input, nesting)
}

fn fold<'a>(
    input: &Tokens<'a>,
    op: BinOp,
    lhs: Deep,
    rhs: Deep,
) -> Result<Deep, NomErr<SyntaxError>> {
    let depth = lhs.1.max(rhs.1) + 1;
    if depth > MAX_EXPR_DEPTH {
        return Err(NomErr::Failure(SyntaxError::message(
            input,
            format!(
                "表达式嵌套过深 (expression nested too deeply: the limit is {MAX_EXPR_DEPTH} levels)"
            ),
        )));
    }
    let span = lhs.0.span.start..rhs.0.span.end;
    Ok((
        Expr {
            kind: ExprKind::Binary(op, Box::new(lhs.0), Box::new(rhs.0)),
            span,
        },
        depth,
    ))
}

fn binary_chain<'a>(
    input: Tokens<'a>,
    nesting: usize,
    operand: fn(Tokens<'a>, usize) -> PResult<'a, Deep>,
    operator: fn(&Tokens<'a>) -> Option<BinOp>,
    single: bool,
) -> PResult<'a, Deep> {
    let (mut input, mut lhs) = operand(input, nesting)?;
    while let Some(op) = operator(&input) {
        let (rest, rhs) = commit(operand(advance(input), nesting))?;
        lhs = fold(&input, op, lhs, rhs)?;
        input = rest;
        if single {
            break;
        }
    }
    Ok((input, lhs))
}

fn or_expr<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    binary_chain(
        input,
        nesting,
        and_expr,
        |i| is_keyword(i, "or").then_some(BinOp::Or),
        false,
    )
}

fn and_expr<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    binary_chain(
        input,
        nesting,
        not_expr,
        |i| is_keyword(i, "and").then_some(BinOp::And),
        false,
    )
}

fn not_expr<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    if is_keyword(&input, "not") {
        if nesting > MAX_EXPR_DEPTH {
            return too_deep(&input);
        }
        let start = input.offset();
        let (rest, (operand, depth)) = commit(not_expr(advance(input), nesting + 1))?;
        let span = start..operand.span.end;
        return Ok((
            rest,
            (
                Expr {
                    kind: ExprKind::Unary(UnOp::Not, Box::new(operand)),
                    span,
                },
                depth + 1,
            ),
        ));
    }
    cmp_expr(input, nesting)
}

fn cmp_operator(input: &Tokens<'_>) -> Option<BinOp> {
    let op = match peek_kind(input)? {
        TokenKind::Lt => CmpOp::Lt,
        TokenKind::Le => CmpOp::Le,
        TokenKind::Gt => CmpOp::Gt,
        TokenKind::Ge => CmpOp::Ge,
        TokenKind::EqEq | TokenKind::Assign => CmpOp::Eq,
        TokenKind::NotEq => CmpOp::Ne,
        _ => return None,
    };
    Some(BinOp::Cmp(op))
}

fn cmp_expr<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    binary_chain(input, nesting, add_expr, cmp_operator, true)
}

fn add_expr<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    binary_chain(
        input,
        nesting,
        mul_expr,
        |i| match peek_kind(i) {
            Some(TokenKind::Plus) => Some(BinOp::Add),
            Some(TokenKind::Minus) => Some(BinOp::Sub),
            _ => None,
        },
        false,
    )
}

fn mul_expr<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    binary_chain(
        input,
        nesting,
        unary,
        |i| match peek_kind(i) {
            Some(TokenKind::Star) => Some(BinOp::Mul),
            Some(TokenKind::Slash) => Some(BinOp::Div),
            _ => None,
        },
        false,
    )
}

fn unary<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    if peek_kind(&input) == Some(TokenKind::Minus) {
        if nesting > MAX_EXPR_DEPTH {
            return too_deep(&input);
        }
        let start = input.offset();
        let (rest, (operand, depth)) = commit(unary(advance(input), nesting + 1))?;
        let span = start..operand.span.end;
        return Ok((
            rest,
            (
                Expr {
                    kind: ExprKind::Unary(UnOp::Neg, Box::new(operand)),
                    span,
                },
                depth + 1,
            ),
        ));
    }
    primary(input, nesting)
}

fn primary<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    if nesting > MAX_EXPR_DEPTH {
        return too_deep(&input);
    }
    let Some(t) = input.first() else {
        return fail(SyntaxError::expecting(&input, "an expression"));
    };
    match t.kind {
        TokenKind::Number => {
            let (rest, n) = number(input)?;
            let span = n.span.clone();
            Ok((
                rest,
                (
                    Expr {
                        kind: ExprKind::Number(n),
                        span,
                    },
                    1,
                ),
            ))
        }
        TokenKind::LParen => {
            let (rest, (inner, depth)) = commit(expression(advance(input), nesting + 1))?;
            let (rest, close) = close_paren(rest, t, "an operator")?;
            let span = t.offset..close.offset + 1;
            Ok((
                rest,
                (
                    Expr {
                        kind: ExprKind::Paren(Box::new(inner)),
                        span,
                    },
                    depth + 1,
                ),
            ))
        }
        TokenKind::Name if t.text == "true" || t.text == "false" => Ok((
            advance(input),
            (
                Expr {
                    kind: ExprKind::Bool(t.text == "true"),
                    span: t.span(),
                },
                1,
            ),
        )),
        TokenKind::Name if t.text == "steps" => steps(input, nesting),
        TokenKind::Name if !EXPR_RESERVED.contains(&t.text) => {
            let rest = advance(input);
            // `min(…)` is a call; so is `min (…)`. Any other name is a call only when the `(`
            // touches it, so that a steps band `(10%, ]` on the next line is not taken for
            // the arguments of the previous band's formula.
            let touching = rest.first().is_some_and(|p| {
                p.kind == TokenKind::LParen && p.offset == t.offset + t.text.len()
            });
            let builtin = crate::rules::expr::Func::from_name(t.text).is_some();
            if peek_kind(&rest) == Some(TokenKind::LParen) && (touching || builtin) {
                return call(input, nesting);
            }
            Ok((
                rest,
                (
                    Expr {
                        kind: ExprKind::Var(t.text.to_string()),
                        span: t.span(),
                    },
                    1,
                ),
            ))
        }
        TokenKind::UnterminatedString => Err(NomErr::Failure(unterminated_string(&input, t))),
        _ => fail(SyntaxError::expecting(&input, "an expression")),
    }
}

fn call<'a>(all: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    let (input, function) = name(all)?;
    let (mut input, open) = token(input, TokenKind::LParen)?;
    let mut args = Vec::new();
    let mut depth = 0;
    if peek_kind(&input) != Some(TokenKind::RParen) {
        loop {
            let (rest, (arg, d)) = commit(expression(input, nesting + 1))?;
            depth = depth.max(d);
            args.push(arg);
            input = rest;
            if peek_kind(&input) == Some(TokenKind::Comma) {
                input = advance(input);
            } else {
                break;
            }
        }
    }
    let (input, close) = close_paren(input, open, "`,`")?;
    let span = function.span.start..close.offset + 1;
    Ok((
        input,
        (
            Expr {
                kind: ExprKind::Call(function, args),
                span,
            },
            depth + 1,
        ),
    ))
}

/// `steps rate { >= 90% -> 5  [80%, 90%) -> 4  else -> 0 }`
fn steps<'a>(all: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    let (input, start) = keyword(all, "steps")?;
    let (input, (subject, mut depth)) = commit(operand_for_steps(input, nesting + 1))?;
    let (mut input, open) = commit(token(input, TokenKind::LBrace))?;
    let mut bands = Vec::new();
    let mut otherwise = None;
    loop {
        match peek_kind(&input) {
            Some(TokenKind::RBrace) => {
                input = advance(input);
                break;
            }
            None => {
                let mut e = SyntaxError::message(
                    &input,
                    "块没有闭合 (unclosed block: `}` is missing)".into(),
                );
                e.span = open.span();
                return Err(NomErr::Failure(e));
            }
            _ => {}
        }
        if is_keyword(&input, "else") {
            let (rest, (value, d)) = commit(arrow_then_deep(advance(input), nesting + 1))?;
            depth = depth.max(d);
            otherwise = Some(Box::new(value));
            input = optional_separator(rest);
            continue;
        }
        let band_start = input.offset();
        let (rest, bound) = match peek_kind(&input) {
            Some(TokenKind::LBracket | TokenKind::LParen) => {
                let (r, i) = commit(interval(input))?;
                (r, Bound::Interval(i))
            }
            _ => {
                let (r, (op, _)) = commit(comparator_token(input).map_err(|e| {
                    e.map(|mut e| {
                        e.expected
                            .extend(["an interval such as `[80%, 90%)`", "else", "`}`"]);
                        e
                    })
                }))?;
                let (r, (limit, d)) = commit(add_expr(r, nesting + 1))?;
                depth = depth.max(d);
                (r, Bound::Compare(op, limit))
            }
        };
        let (rest, (value, d)) = commit(arrow_then_deep(rest, nesting + 1))?;
        depth = depth.max(d);
        let span = band_start..value.span.end;
        bands.push(StepBand { bound, value, span });
        input = optional_separator(rest);
    }
    let span = start.start..end_of(&all, &input);
    Ok((
        input,
        (
            Expr {
                kind: ExprKind::Steps {
                    subject: Box::new(subject),
                    bands,
                    otherwise,
                },
                span,
            },
            depth + 1,
        ),
    ))
}

/// The subject of `steps` stops before `{`, so it is an additive expression.
fn operand_for_steps<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    add_expr(input, nesting)
}

fn arrow_then_deep<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    let (input, _) = commit(token(input, TokenKind::Arrow))?;
    commit(band_value(input, nesting))
}

/// A band's value: arithmetic, or `if … then … else …` over arithmetic. It stops before a
/// comparison, which starts the next band (`>= 90% -> 5  >= 80% -> 4`); a yes/no value is
/// written in parentheses.
fn band_value<'a>(input: Tokens<'a>, nesting: usize) -> PResult<'a, Deep> {
    if nesting > MAX_EXPR_DEPTH {
        return too_deep(&input);
    }
    if is_keyword(&input, "if") {
        let start = input.offset();
        let all = input;
        let (i, (cond, d1)) = commit(expression(advance(input), nesting + 1))?;
        let (i, _) = commit(keyword(i, "then"))?;
        let (i, (then, d2)) = commit(band_value(i, nesting + 1))?;
        let (i, _) = commit(keyword(i, "else"))?;
        let (i, (otherwise, d3)) = commit(band_value(i, nesting + 1))?;
        let span = start..end_of(&all, &i);
        let e = Expr {
            kind: ExprKind::If(Box::new(cond), Box::new(then), Box::new(otherwise)),
            span,
        };
        return Ok((i, (e, d1.max(d2).max(d3) + 1)));
    }
    add_expr(input, nesting)
}

/// `[80%, 90%)`, `(60%, ]`, `[, 60%)`: brackets include the edge, parentheses exclude it.
pub(super) fn interval<'a>(all: Tokens<'a>) -> PResult<'a, Interval> {
    let start = all.offset();
    let (input, lower_inclusive) = match peek_kind(&all) {
        Some(TokenKind::LBracket) => (advance(all), true),
        Some(TokenKind::LParen) => (advance(all), false),
        _ => {
            return fail(SyntaxError::expecting(
                &all,
                "an interval such as `[80%, 90%)`",
            ));
        }
    };
    let (input, lower) = if peek_kind(&input) == Some(TokenKind::Comma) {
        (input, None)
    } else {
        let (i, (e, _)) = commit(add_expr(input, 1))?;
        (i, Some(e))
    };
    let (input, _) = commit(token(input, TokenKind::Comma))?;
    let (input, upper) = match peek_kind(&input) {
        Some(TokenKind::RBracket | TokenKind::RParen) => (input, None),
        _ => {
            let (i, (e, _)) = commit(add_expr(input, 1))?;
            (i, Some(e))
        }
    };
    let (input, upper_inclusive) = match peek_kind(&input) {
        Some(TokenKind::RBracket) => (advance(input), true),
        Some(TokenKind::RParen) => (advance(input), false),
        _ => {
            return Err(NomErr::Failure(SyntaxError::expecting(
                &input,
                "`]` (edge included) or `)` (edge excluded)",
            )));
        }
    };
    let span = start..end_of(&all, &input);
    Ok((
        input,
        Interval {
            lower,
            lower_inclusive,
            upper,
            upper_inclusive,
            span,
        },
    ))
}
