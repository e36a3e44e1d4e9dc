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

mod expression;
mod items;
mod parts;

pub(crate) use expression::expr;
use items::{ITEM_KEYWORDS, item};

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
    /// The `(` left open when a `)` is missing: a missing `)` is noticed only where the next
    /// construct starts, lines later, so the diagnostic points at both.
    pub unclosed: Option<Span>,
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
            unclosed: None,
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
                if self.unclosed.is_none() {
                    self.unclosed = other.unclosed;
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

/// The `)` that closes the `(` at `open`; when it is missing, the error says where the `(` is.
fn close_paren<'a>(
    input: Tokens<'a>,
    open: &Token<'_>,
    also_expected: &'static str,
) -> PResult<'a, &'a Token<'a>> {
    commit(token(input, TokenKind::RParen).map_err(|e| {
        e.map(|mut e| {
            e.expected.push(also_expected);
            e.unclosed.get_or_insert(open.span());
            e
        })
    }))
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

fn text<'a>(input: Tokens<'a>) -> PResult<'a, StringLit> {
    match input.first() {
        Some(t) if t.kind == TokenKind::String => Ok((
            advance(input),
            StringLit {
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
