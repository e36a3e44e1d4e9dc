//! Parser: tokens → AST, with nom over a token slice.
//!
//! Each construct commits (`cut`) once its keyword is seen, so an error inside a block is
//! reported where it is, with what was expected there, rather than as "expected an item" at the
//! block's start.

// A syntax error carries what was expected and where; it is built only when parsing fails, and
// rule files are small, so its size does not matter.
#![allow(clippy::result_large_err)]

use super::ast::*;
use super::lexer::{Token, TokenKind, lex, unquote};
use crate::num::parse_literal;
use nom::error::{ContextError, ErrorKind, ParseError as NomParseError};
use nom::{Err as NomErr, IResult, Input, Needed};
use std::iter::Enumerate;

/// Deeper expressions are refused: evaluation and formatting recurse over the tree.
pub const MAX_EXPR_DEPTH: usize = 64;

/// The parser's input: the non-trivia tokens, plus the source length for errors at the end.
#[derive(Debug, Clone, Copy)]
pub struct Tokens<'a> {
    tokens: &'a [Token<'a>],
    end: usize,
}

impl<'a> Tokens<'a> {
    fn first(&self) -> Option<&'a Token<'a>> {
        self.tokens.first()
    }

    /// Byte offset of the next token, or the end of the source.
    fn offset(&self) -> usize {
        self.first().map_or(self.end, |t| t.offset)
    }
}

impl<'a> Input for Tokens<'a> {
    type Item = &'a Token<'a>;
    type Iter = std::slice::Iter<'a, Token<'a>>;
    type IterIndices = Enumerate<Self::Iter>;

    fn input_len(&self) -> usize {
        self.tokens.len()
    }

    // nom's `Input` contract: `take` and `take_from` get an index at most `input_len()`.
    fn take(&self, index: usize) -> Self {
        Tokens {
            tokens: &self.tokens[..index],
            end: self.end,
        }
    }

    fn take_from(&self, index: usize) -> Self {
        Tokens {
            tokens: &self.tokens[index..],
            end: self.end,
        }
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.tokens.iter().position(predicate)
    }

    fn iter_elements(&self) -> Self::Iter {
        self.tokens.iter()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.tokens.iter().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.tokens.len() >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - self.tokens.len()))
        }
    }
}

/// Why parsing stopped, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    /// What would have been accepted here.
    pub expected: Vec<&'static str>,
    /// The construct being parsed, innermost first (`formula`, `grades` …).
    pub context: Vec<&'static str>,
    /// A message that replaces "unexpected …" when the problem is not a missing token.
    pub message: Option<String>,
    pub found: Option<(TokenKind, String)>,
}

impl SyntaxError {
    fn at(input: &Tokens<'_>) -> Self {
        let (span, found) = match input.first() {
            Some(t) => (t.span(), Some((t.kind, t.text.to_string()))),
            None => (input.end..input.end, None),
        };
        SyntaxError {
            span,
            expected: Vec::new(),
            context: Vec::new(),
            message: None,
            found,
        }
    }

    fn expecting(input: &Tokens<'_>, what: &'static str) -> Self {
        let mut e = SyntaxError::at(input);
        e.expected.push(what);
        e
    }

    fn message(input: &Tokens<'_>, message: String) -> Self {
        let mut e = SyntaxError::at(input);
        e.message = Some(message);
        e
    }
}

impl<'a> NomParseError<Tokens<'a>> for SyntaxError {
    fn from_error_kind(input: Tokens<'a>, _kind: ErrorKind) -> Self {
        SyntaxError::at(&input)
    }

    fn append(_input: Tokens<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Of two failed alternatives, the one that got further explains the problem better; at the
    /// same place, both sets of expectations are listed.
    fn or(mut self, other: Self) -> Self {
        match self.span.start.cmp(&other.span.start) {
            std::cmp::Ordering::Less => other,
            std::cmp::Ordering::Greater => self,
            std::cmp::Ordering::Equal => {
                for e in other.expected {
                    if !self.expected.contains(&e) {
                        self.expected.push(e);
                    }
                }
                if self.message.is_none() {
                    self.message = other.message;
                }
                self
            }
        }
    }
}

impl<'a> ContextError<Tokens<'a>> for SyntaxError {
    fn add_context(_input: Tokens<'a>, ctx: &'static str, mut other: Self) -> Self {
        other.context.push(ctx);
        other
    }
}

type PResult<'a, T> = IResult<Tokens<'a>, T, SyntaxError>;

fn fail<T>(error: SyntaxError) -> PResult<'static, T> {
    Err(NomErr::Error(error))
}

/// Turn a recoverable error into a committed one: we know which construct this is.
fn commit<'a, T>(result: PResult<'a, T>) -> PResult<'a, T> {
    result.map_err(|e| match e {
        NomErr::Error(e) => NomErr::Failure(e),
        other => other,
    })
}

fn with_context<'a, T>(ctx: &'static str, result: PResult<'a, T>) -> PResult<'a, T> {
    result.map_err(|e| {
        e.map(|mut e| {
            if !e.context.contains(&ctx) {
                e.context.push(ctx);
            }
            e
        })
    })
}

fn advance<'a>(input: Tokens<'a>) -> Tokens<'a> {
    input.take_from(1.min(input.input_len()))
}

fn token<'a>(input: Tokens<'a>, kind: TokenKind) -> PResult<'a, &'a Token<'a>> {
    match input.first() {
        Some(t) if t.kind == kind => Ok((advance(input), t)),
        _ => Err(NomErr::Error(SyntaxError::expecting(
            &input,
            kind.describe(),
        ))),
    }
}

fn peek_kind(input: &Tokens<'_>) -> Option<TokenKind> {
    input.first().map(|t| t.kind)
}

fn is_keyword(input: &Tokens<'_>, word: &str) -> bool {
    matches!(input.first(), Some(t) if t.kind == TokenKind::Name && t.text == word)
}

fn keyword<'a>(input: Tokens<'a>, word: &'static str) -> PResult<'a, Span> {
    match input.first() {
        Some(t) if t.kind == TokenKind::Name && t.text == word => Ok((advance(input), t.span())),
        _ => Err(NomErr::Error(SyntaxError::expecting(&input, word))),
    }
}

/// A bare name or a quoted one.
fn name<'a>(input: Tokens<'a>) -> PResult<'a, Name> {
    match input.first() {
        Some(t) if t.kind == TokenKind::Name => Ok((
            advance(input),
            Name {
                text: t.text.to_string(),
                quoted: false,
                span: t.span(),
            },
        )),
        Some(t) if t.kind == TokenKind::String => Ok((
            advance(input),
            Name {
                text: unquote(t.text),
                quoted: true,
                span: t.span(),
            },
        )),
        Some(t) if t.kind == TokenKind::UnterminatedString => {
            Err(NomErr::Failure(unterminated_string(&input, t)))
        }
        _ => fail(SyntaxError::expecting(&input, "a name")),
    }
}

fn unterminated_string(input: &Tokens<'_>, t: &Token<'_>) -> SyntaxError {
    let mut e = SyntaxError::message(
        input,
        "字符串缺少结尾的引号 (unterminated string: the closing `\"` is missing)".to_string(),
    );
    e.span = t.span();
    e.expected.push("`\"` before the end of the line");
    e
}

fn text<'a>(input: Tokens<'a>) -> PResult<'a, Text> {
    match input.first() {
        Some(t) if t.kind == TokenKind::String => Ok((
            advance(input),
            Text {
                value: unquote(t.text),
                span: t.span(),
            },
        )),
        Some(t) if t.kind == TokenKind::UnterminatedString => {
            Err(NomErr::Failure(unterminated_string(&input, t)))
        }
        _ => fail(SyntaxError::expecting(&input, "a quoted string")),
    }
}

/// `90`, `0.01`, `90%`. A `%` counts only directly after the digits.
fn number<'a>(input: Tokens<'a>) -> PResult<'a, Number> {
    let (rest, digits) = token(input, TokenKind::Number)?;
    let Some(value) = parse_literal(digits.text) else {
        return Err(NomErr::Failure(SyntaxError::message(
            &input,
            format!("数值超出范围 (number out of range): {}", digits.text),
        )));
    };
    match rest.first() {
        Some(p)
            if p.kind == TokenKind::Percent && p.offset == digits.offset + digits.text.len() =>
        {
            let Some(fraction) = value.checked_div(rust_decimal::Decimal::ONE_HUNDRED) else {
                return Err(NomErr::Failure(SyntaxError::message(
                    &input,
                    format!("数值超出范围 (number out of range): {}%", digits.text),
                )));
            };
            Ok((
                advance(rest),
                Number {
                    value: fraction,
                    percent: true,
                    digits: digits.text.to_string(),
                    span: digits.offset..p.offset + 1,
                },
            ))
        }
        _ => Ok((
            rest,
            Number {
                value,
                percent: false,
                digits: digits.text.to_string(),
                span: digits.span(),
            },
        )),
    }
}

/// The end offset of what has been consumed: the end of the token before `rest`.
fn end_of<'a>(all: &Tokens<'a>, rest: &Tokens<'a>) -> usize {
    let used = all.input_len() - rest.input_len();
    match used.checked_sub(1).and_then(|i| all.tokens.get(i)) {
        Some(t) => t.offset + t.text.len(),
        None => all.offset(),
    }
}

/// `{ entry* }`: entries until the closing brace, each committed.
fn block<'a, T>(
    input: Tokens<'a>,
    what: &'static str,
    mut entry: impl FnMut(Tokens<'a>) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let (mut input, open) = token(input, TokenKind::LBrace)?;
    let mut items = Vec::new();
    loop {
        match peek_kind(&input) {
            Some(TokenKind::RBrace) => return Ok((advance(input), items)),
            None => {
                let mut e = SyntaxError::message(
                    &input,
                    "块没有闭合 (unclosed block: `}` is missing)".to_string(),
                );
                e.expected.push("`}`");
                e.span = open.span();
                return Err(NomErr::Failure(e));
            }
            _ => {}
        }
        match entry(input) {
            Ok((rest, item)) => {
                items.push(item);
                // `,` or `;` may separate the entries of any block.
                input = optional_separator(rest);
            }
            Err(NomErr::Error(mut e)) => {
                if e.span.start == input.offset() {
                    e.expected.push(what);
                    e.expected.push("`}`");
                }
                return Err(NomErr::Failure(e));
            }
            Err(other) => return Err(other),
        }
    }
}

fn optional_separator<'a>(input: Tokens<'a>) -> Tokens<'a> {
    match peek_kind(&input) {
        Some(TokenKind::Comma | TokenKind::Semicolon) => advance(input),
        _ => input,
    }
}

// ───────────────────────── items ─────────────────────────

const ITEM_KEYWORDS: &str = "ruleset, grades, rounding, formula, quantitative, qualitative, indicator, review, form or example";

fn item<'a>(input: Tokens<'a>) -> PResult<'a, Item> {
    let Some(t) = input.first() else {
        return fail(SyntaxError::expecting(&input, ITEM_KEYWORDS));
    };
    if t.kind != TokenKind::Name {
        return fail(SyntaxError::expecting(&input, ITEM_KEYWORDS));
    }
    match t.text {
        "ruleset" => {
            with_context("ruleset", commit(ruleset(input))).map(|(i, x)| (i, Item::Ruleset(x)))
        }
        "grades" => {
            with_context("grades", commit(grades(input))).map(|(i, x)| (i, Item::Grades(x)))
        }
        "rounding" => {
            with_context("rounding", commit(rounding(input))).map(|(i, x)| (i, Item::Rounding(x)))
        }
        "formula" => {
            with_context("formula", commit(formula(input))).map(|(i, x)| (i, Item::Formula(x)))
        }
        "quantitative" | "qualitative" | "indicator" => {
            with_context("scoring rules", commit(scoring_block(input)))
                .map(|(i, x)| (i, Item::Scoring(x)))
        }
        "review" => {
            with_context("review", commit(review(input))).map(|(i, x)| (i, Item::Review(x)))
        }
        "form" => with_context("form", commit(form(input))).map(|(i, x)| (i, Item::Form(x))),
        "example" => {
            with_context("example", commit(example(input))).map(|(i, x)| (i, Item::Example(x)))
        }
        _ => fail(SyntaxError::expecting(&input, ITEM_KEYWORDS)),
    }
}

fn ruleset<'a>(all: Tokens<'a>) -> PResult<'a, RulesetHeader> {
    let (input, start) = keyword(all, "ruleset")?;
    let (input, id) = name(input)?;
    let (input, fields) = block(
        input,
        "title, version, basis, years, region or read-off",
        header_field,
    )?;
    Ok((
        input,
        RulesetHeader {
            id,
            fields,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn header_field<'a>(all: Tokens<'a>) -> PResult<'a, HeaderField> {
    if is_keyword(&all, "title") {
        let (input, _) = keyword(all, "title")?;
        let (input, t) = commit(text(input))?;
        return Ok((input, HeaderField::Title(t)));
    }
    if is_keyword(&all, "basis") {
        let (input, _) = keyword(all, "basis")?;
        let (input, t) = commit(text(input))?;
        return Ok((input, HeaderField::Basis(t)));
    }
    if is_keyword(&all, "version") {
        let (input, _) = keyword(all, "version")?;
        let (input, n) = commit(number(input))?;
        return Ok((input, HeaderField::Version(n)));
    }
    if let Some(word) = ["region", "regions"]
        .into_iter()
        .find(|w| is_keyword(&all, w))
    {
        return regions(all, word);
    }
    if is_keyword(&all, "read-off") {
        let (input, _) = keyword(all, "read-off")?;
        let (input, t) = commit(text(input))?;
        return Ok((input, HeaderField::ReadOff(t)));
    }
    if is_keyword(&all, "years") {
        let (input, start) = keyword(all, "years")?;
        let (input, from) = commit(number(input))?;
        if peek_kind(&input) == Some(TokenKind::DotDot) {
            let input = advance(input);
            if peek_kind(&input) == Some(TokenKind::Number) {
                let (input, to) = number(input)?;
                let span = start.start..end_of(&all, &input);
                return Ok((
                    input,
                    HeaderField::Years {
                        from,
                        to: Some(to),
                        open: false,
                        span,
                    },
                ));
            }
            let span = start.start..end_of(&all, &input);
            return Ok((
                input,
                HeaderField::Years {
                    from,
                    to: None,
                    open: true,
                    span,
                },
            ));
        }
        let span = start.start..end_of(&all, &input);
        return Ok((
            input,
            HeaderField::Years {
                from,
                to: None,
                open: false,
                span,
            },
        ));
    }
    fail(SyntaxError::at(&all))
}

/// `region "四川省"`, `regions "上海市" "上海市普陀区"`: one or more quoted names.
fn regions<'a>(all: Tokens<'a>, word: &'static str) -> PResult<'a, HeaderField> {
    let (input, start) = keyword(all, word)?;
    let (mut input, first) = commit(text(input))?;
    let mut texts = vec![first];
    while peek_kind(&input) == Some(TokenKind::String) {
        let (rest, t) = text(input)?;
        texts.push(t);
        input = rest;
    }
    let span = start.start..end_of(&all, &input);
    Ok((
        input,
        HeaderField::Regions {
            keyword: word,
            texts,
            span,
        },
    ))
}

fn grades<'a>(all: Tokens<'a>) -> PResult<'a, Grades> {
    let (input, start) = keyword(all, "grades")?;
    let (input, bands) = block(input, "a grade such as `优 >= 90`", |i| {
        let (rest, band_name) = name(i)?;
        let rest = optional_separator(rest);
        if peek_kind(&rest) == Some(TokenKind::Ge) {
            let (rest, _) = token(rest, TokenKind::Ge)?;
            let (rest, min) = commit(number(rest))?;
            let span = band_name.span.start..min.span.end;
            let rest = optional_separator(rest);
            Ok((
                rest,
                GradeBand {
                    name: band_name,
                    min: Some(min),
                    span,
                },
            ))
        } else {
            let span = band_name.span.clone();
            Ok((
                rest,
                GradeBand {
                    name: band_name,
                    min: None,
                    span,
                },
            ))
        }
    })?;
    Ok((
        input,
        Grades {
            bands,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn rounding<'a>(all: Tokens<'a>) -> PResult<'a, RoundingBlock> {
    let (input, start) = keyword(all, "rounding")?;
    let (input, mode) = if peek_kind(&input) == Some(TokenKind::Name) {
        let (i, m) = name(input)?;
        (i, Some(m))
    } else {
        (input, None)
    };
    let (input, entries) = block(input, "a rounding entry such as `score 0.01`", |i| {
        let (rest, target) = name(i)?;
        let (rest, quantum) = commit(number(rest))?;
        let (rest, mode) = match rest.first() {
            Some(t)
                if t.kind == TokenKind::Name
                    && crate::num::RoundingMode::from_keyword(t.text).is_some() =>
            {
                let (r, m) = name(rest)?;
                (r, Some(m))
            }
            _ => (rest, None),
        };
        let span = target.span.start..end_of(&i, &rest);
        let rest = optional_separator(rest);
        Ok((
            rest,
            RoundingEntry {
                target,
                quantum,
                mode,
                span,
            },
        ))
    })?;
    Ok((
        input,
        RoundingBlock {
            mode,
            entries,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn formula<'a>(all: Tokens<'a>) -> PResult<'a, FormulaDef> {
    let (input, start) = keyword(all, "formula")?;
    let (input, formula_name) = name(input)?;
    let (input, _) = token(input, TokenKind::Assign)?;
    let (input, body) = expr(input)?;
    Ok((
        input,
        FormulaDef {
            name: formula_name,
            body,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn scoring_block<'a>(all: Tokens<'a>) -> PResult<'a, ScoringBlock> {
    let (input, head) = name(all)?;
    let scope = match head.text.as_str() {
        "quantitative" => ScoringScope::Quantitative,
        "qualitative" => ScoringScope::Qualitative,
        _ => ScoringScope::Indicator,
    };
    let (input, selector) = if scope == ScoringScope::Indicator {
        alternatives(input)?
    } else {
        (input, Vec::new())
    };
    let (input, entries) = block(
        input,
        "a scoring rule: met, unmet, when, zero-target, score, deviation, explain, bare or tiers",
        scoring_entry,
    )?;
    Ok((
        input,
        ScoringBlock {
            scope,
            selector,
            entries,
            span: head.span.start..end_of(&all, &input),
        },
    ))
}

/// `a | b | c`
fn alternatives<'a>(input: Tokens<'a>) -> PResult<'a, Vec<Name>> {
    let (mut input, first) = name(input)?;
    let mut names = vec![first];
    while peek_kind(&input) == Some(TokenKind::Pipe) {
        let (rest, next) = commit(name(advance(input)))?;
        names.push(next);
        input = rest;
    }
    Ok((input, names))
}

fn arrow_then_expr<'a>(input: Tokens<'a>) -> PResult<'a, Expr> {
    let (input, _) = commit(token(input, TokenKind::Arrow))?;
    commit(expr(input))
}

fn comparator_token<'a>(input: Tokens<'a>) -> PResult<'a, (CmpOp, Span)> {
    let op = match peek_kind(&input) {
        Some(TokenKind::Ge) => CmpOp::Ge,
        Some(TokenKind::Gt) => CmpOp::Gt,
        Some(TokenKind::Le) => CmpOp::Le,
        Some(TokenKind::Lt) => CmpOp::Lt,
        Some(TokenKind::Assign | TokenKind::EqEq) => CmpOp::Eq,
        Some(TokenKind::NotEq) => CmpOp::Ne,
        _ => return fail(SyntaxError::expecting(&input, "a comparator (>= > <= < =)")),
    };
    let span = input.first().map(Token::span).unwrap_or(0..0);
    Ok((advance(input), (op, span)))
}

fn scoring_entry<'a>(all: Tokens<'a>) -> PResult<'a, ScoringEntry> {
    let Some(t) = all.first() else {
        return fail(SyntaxError::at(&all));
    };
    let start = t.offset;
    let word = if t.kind == TokenKind::Name {
        t.text
    } else {
        ""
    };
    let after = advance(all);
    let clause = |input: Tokens<'a>, guard: Guard| -> PResult<'a, ScoringEntry> {
        let (input, body) = arrow_then_expr(input)?;
        let span = start..end_of(&all, &input);
        Ok((input, ScoringEntry::Clause(Clause { guard, body, span })))
    };
    match word {
        "met" => clause(after, Guard::Met),
        "score" => clause(after, Guard::Always),
        "zero-target" => clause(after, Guard::ZeroTarget),
        "when" => {
            let (input, condition) = commit(expr(after))?;
            clause(input, Guard::When(condition))
        }
        "unmet" => {
            let mut input = after;
            let mut ops = Vec::new();
            while peek_kind(&input) != Some(TokenKind::Arrow) {
                let (rest, op) = commit(comparator_token(input)).map_err(|e| {
                    e.map(|mut e| {
                        e.expected.push("`->`");
                        e
                    })
                })?;
                ops.push(op);
                input = rest;
            }
            clause(input, Guard::Unmet(ops))
        }
        "deviation" => {
            let (input, body) = arrow_then_expr(after)?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::Deviation { body, span }))
        }
        "explain" => {
            let (input, _) = commit(keyword(after, "when"))?;
            let (input, condition) = commit(expr(input))?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::Explain { condition, span }))
        }
        "bare" => {
            let (input, (comparator, _)) = commit(comparator_token(after))?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::Bare { comparator, span }))
        }
        "tiers" => {
            let (input, tiers) =
                commit(block(after, "a tier such as `达成 [80%, 100%]`", |i| {
                    let (rest, tier_name) = name(i)?;
                    let (rest, interval) = commit(interval(rest))?;
                    let span = tier_name.span.start..interval.span.end;
                    let rest = optional_separator(rest);
                    Ok((
                        rest,
                        Tier {
                            name: tier_name,
                            interval,
                            span,
                        },
                    ))
                }))?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::Tiers { tiers, span }))
        }
        _ => fail(SyntaxError::at(&all)),
    }
}

fn review<'a>(all: Tokens<'a>) -> PResult<'a, ReviewBlock> {
    let (input, start) = keyword(all, "review")?;
    let (input, settings) = block(input, "a review setting such as `tolerance 0.01`", |i| {
        let (rest, key) = name(i)?;
        let (rest, value) = commit(number(rest))?;
        let span = key.span.start..value.span.end;
        let rest = optional_separator(rest);
        Ok((rest, ReviewSetting { key, value, span }))
    })?;
    Ok((
        input,
        ReviewBlock {
            settings,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn form<'a>(all: Tokens<'a>) -> PResult<'a, FormTemplate> {
    let (input, start) = keyword(all, "form")?;
    let (input, kind) = name(input)?;
    let (input, entries) = block(
        input,
        "execution, explain, section or indicators",
        template_entry,
    )?;
    Ok((
        input,
        FormTemplate {
            kind,
            entries,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn template_entry<'a>(all: Tokens<'a>) -> PResult<'a, TemplateEntry> {
    let Some(t) = all.first() else {
        return fail(SyntaxError::at(&all));
    };
    let start = t.offset;
    let after = advance(all);
    match t.text {
        "execution" if t.kind == TokenKind::Name => {
            let (input, weight) = commit(number(after))?;
            let (input, _) = commit(keyword(input, "over"))?;
            let (input, denominator) = commit(name(input))?;
            let (input, body) = arrow_then_expr(input)?;
            let span = start..end_of(&all, &input);
            Ok((
                input,
                TemplateEntry::Execution {
                    weight,
                    denominator,
                    body,
                    span,
                },
            ))
        }
        "explain" if t.kind == TokenKind::Name => {
            let (input, _) = commit(keyword(after, "execution"))?;
            let (input, _) = commit(keyword(input, "when"))?;
            let (input, condition) = commit(expr(input))?;
            let span = start..end_of(&all, &input);
            Ok((input, TemplateEntry::ExplainExecution { condition, span }))
        }
        "section" if t.kind == TokenKind::Name => {
            let (input, section_name) = commit(name(after))?;
            let (input, weight) = optional_number(input)?;
            let (input, items) =
                commit(block(input, "an item such as `安排科学性 5`", |i| {
                    let (rest, item_name) = name(i)?;
                    let (rest, weight) = commit(number(rest))?;
                    let span = item_name.span.start..weight.span.end;
                    let rest = optional_separator(rest);
                    Ok((
                        rest,
                        SectionItem {
                            name: item_name,
                            weight,
                            span,
                        },
                    ))
                }))?;
            let span = start..end_of(&all, &input);
            Ok((
                input,
                TemplateEntry::Section {
                    name: section_name,
                    weight,
                    items,
                    span,
                },
            ))
        }
        "indicators" if t.kind == TokenKind::Name => {
            let (input, total) = optional_number(after)?;
            let (input, level1) = commit(block(
                input,
                "a level-1 indicator such as `产出指标 30 { … }`",
                level1,
            ))?;
            let span = start..end_of(&all, &input);
            Ok((
                input,
                TemplateEntry::Indicators {
                    total,
                    level1,
                    span,
                },
            ))
        }
        _ => fail(SyntaxError::at(&all)),
    }
}

fn optional_number<'a>(input: Tokens<'a>) -> PResult<'a, Option<Number>> {
    if peek_kind(&input) == Some(TokenKind::Number) {
        let (input, n) = number(input)?;
        Ok((input, Some(n)))
    } else {
        Ok((input, None))
    }
}

fn level1<'a>(all: Tokens<'a>) -> PResult<'a, Level1> {
    let (input, names) = alternatives(all)?;
    let (input, weight) = optional_number(input)?;
    let (input, absent_to) = if is_keyword(&input, "absent") {
        let (i, _) = keyword(input, "absent")?;
        let (i, _) = commit(token(i, TokenKind::Arrow))?;
        let (i, target) = commit(name(i))?;
        (i, Some(target))
    } else {
        (input, None)
    };
    let (input, level2) = if peek_kind(&input) == Some(TokenKind::LBrace) {
        block(input, "a level-2 indicator", |i| {
            let (rest, names) = alternatives(i)?;
            let (rest, weight) = optional_number(rest)?;
            let span = names.first().map_or(0, |n| n.span.start)..end_of(&i, &rest);
            let rest = optional_separator(rest);
            Ok((
                rest,
                Level2 {
                    names,
                    weight,
                    span,
                },
            ))
        })?
    } else {
        (input, Vec::new())
    };
    let span = names.first().map_or(0, |n| n.span.start)..end_of(&all, &input);
    let input = optional_separator(input);
    Ok((
        input,
        Level1 {
            names,
            weight,
            absent_to,
            level2,
            span,
        },
    ))
}

fn example<'a>(all: Tokens<'a>) -> PResult<'a, Example> {
    let (input, start) = keyword(all, "example")?;
    let (input, title) = text(input)?;
    let (input, statements) = block(
        input,
        "kind, initial, budget, executed, total, indicator or expect",
        example_statement,
    )?;
    Ok((
        input,
        Example {
            title,
            statements,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn example_statement<'a>(all: Tokens<'a>) -> PResult<'a, ExampleStatement> {
    let Some(t) = all.first() else {
        return fail(SyntaxError::at(&all));
    };
    if t.kind != TokenKind::Name {
        return fail(SyntaxError::at(&all));
    }
    let start = t.offset;
    match t.text {
        "kind" => {
            let (input, kind) = commit(name(advance(all)))?;
            Ok((input, ExampleStatement::Kind(kind)))
        }
        "initial" | "budget" | "executed" | "total" => {
            let (input, key) = name(all)?;
            let (input, value) = commit(number(input))?;
            Ok((input, ExampleStatement::Figure { key, value }))
        }
        "indicator" => {
            let mut input = advance(all);
            let mut category = Vec::new();
            while matches!(peek_kind(&input), Some(TokenKind::Name | TokenKind::String))
                && !is_keyword(&input, "target")
            {
                let (rest, n) = name(input)?;
                category.push(n);
                input = rest;
            }
            let (input, _) = commit(keyword(input, "target"))?;
            let (input, target) = commit(text(input))?;
            let (input, _) = commit(keyword(input, "actual"))?;
            let (input, actual) = commit(text(input))?;
            let (input, _) = commit(keyword(input, "weight"))?;
            let (input, weight) = commit(number(input))?;
            let (input, claimed) = if is_keyword(&input, "claimed") {
                let (i, _) = keyword(input, "claimed")?;
                let (i, n) = commit(number(i))?;
                (i, Some(n))
            } else {
                (input, None)
            };
            let span = start..end_of(&all, &input);
            Ok((
                input,
                ExampleStatement::Indicator {
                    category,
                    target,
                    actual,
                    weight,
                    claimed,
                    span,
                },
            ))
        }
        "expect" => {
            let input = advance(all);
            let (input, key) = commit(name(input))?;
            let (input, value) = match peek_kind(&input) {
                Some(TokenKind::Number) => {
                    let (i, n) = number(input)?;
                    (i, ExpectValue::Number(n))
                }
                Some(TokenKind::Minus) => {
                    let (i, n) = commit(number(advance(input)))?;
                    let n = Number {
                        value: -n.value,
                        digits: format!("-{}", n.digits),
                        ..n
                    };
                    (i, ExpectValue::Number(n))
                }
                _ => {
                    let (i, n) = commit(name(input))?;
                    (i, ExpectValue::Name(n))
                }
            };
            let span = start..end_of(&all, &input);
            Ok((input, ExampleStatement::Expect { key, value, span }))
        }
        _ => fail(SyntaxError::at(&all)),
    }
}

// ───────────────────────── expressions ─────────────────────────

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
            let (rest, close) = commit(token(rest, TokenKind::RParen).map_err(|e| {
                e.map(|mut e| {
                    e.expected.extend(["an operator"]);
                    e
                })
            }))?;
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
            let builtin = super::expr::Func::from_name(t.text).is_some();
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
    let (mut input, _) = token(input, TokenKind::LParen)?;
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
    let (input, close) = commit(token(input, TokenKind::RParen).map_err(|e| {
        e.map(|mut e| {
            e.expected.push("`,`");
            e
        })
    }))?;
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
fn interval<'a>(all: Tokens<'a>) -> PResult<'a, Interval> {
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

// ───────────────────────── entry points ─────────────────────────

/// Parse a whole rule file. On failure, the first syntax error.
pub fn parse_file(source: &str) -> Result<File, SyntaxError> {
    let all_tokens = lex(source);
    // Unknown characters are reported where they stand, before the grammar sees them.
    let significant: Vec<Token<'_>> = all_tokens
        .into_iter()
        .filter(|t| !t.kind.is_trivia())
        .collect();
    let mut input = Tokens {
        tokens: &significant,
        end: source.len(),
    };
    let mut items = Vec::new();
    while input.input_len() > 0 {
        if let Some(t) = input.first()
            && t.kind == TokenKind::Unknown
        {
            let mut e = SyntaxError::message(
                &input,
                format!("无法识别的字符 (unexpected character) `{}`", t.text),
            );
            e.expected.push(ITEM_KEYWORDS);
            return Err(e);
        }
        match item(input) {
            Ok((rest, parsed)) => {
                items.push(parsed);
                input = rest;
            }
            Err(NomErr::Error(e) | NomErr::Failure(e)) => return Err(e),
            Err(NomErr::Incomplete(_)) => return Err(SyntaxError::at(&input)),
        }
    }
    Ok(File { items })
}

/// Parse a single expression, for tests and for `rules test` examples.
pub fn parse_expr(source: &str) -> Result<Expr, SyntaxError> {
    let tokens: Vec<Token<'_>> = lex(source)
        .into_iter()
        .filter(|t| !t.kind.is_trivia())
        .collect();
    let input = Tokens {
        tokens: &tokens,
        end: source.len(),
    };
    match expr(input) {
        Ok((rest, e)) if rest.input_len() == 0 => Ok(e),
        Ok((rest, _)) => {
            let mut e = SyntaxError::at(&rest);
            e.expected.push("an operator or the end of the expression");
            Err(e)
        }
        Err(NomErr::Error(e) | NomErr::Failure(e)) => Err(e),
        Err(NomErr::Incomplete(_)) => Err(SyntaxError::at(&input)),
    }
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    /// Test threads have a 2 MiB stack, as small as any caller's: the deepest expression the
    /// parser accepts, and the first one it refuses, must both fit in it (debug build included).
    #[test]
    fn the_deepest_accepted_expression_parses_on_a_small_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let deepest = MAX_EXPR_DEPTH - 1;
                let ok = format!("{}1{}", "(".repeat(deepest), ")".repeat(deepest));
                assert!(parse_expr(&ok).is_ok());
                let too_deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
                let error = parse_expr(&too_deep).unwrap_err();
                assert!(error.message.unwrap().contains("nested too deeply"));
                let chain = vec!["1"; 100_000].join(" + ");
                assert!(parse_expr(&chain).is_err());
                let negations = format!("{}1", "-".repeat(100_000));
                assert!(parse_expr(&negations).is_err());
            })
            .unwrap();
        handle.join().unwrap();
    }
}
