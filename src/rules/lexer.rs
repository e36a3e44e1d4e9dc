//! The rules language's tokens.
//!
//! The lexer is lossless: every byte of the input belongs to exactly one token, whitespace and
//! comments included, so that the tokens join back to the input and `rules fmt` can keep every
//! comment. The parser skips the trivia.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, none_of};
use nom::combinator::{opt, recognize};
use nom::multi::many0_count;
use nom::{IResult, Parser};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Spaces and tabs.
    Whitespace,
    Newline,
    /// `# …` to the end of the line.
    Comment,
    /// A name: ASCII words (`formula`, `half-up`, `henan-2023`) or CJK names (`资金管理情况`).
    Name,
    /// `90`, `0.01`: digits, optionally with a fractional part. `%` is a token of its own.
    Number,
    /// `"…"` with `\"`, `\\` and `\n` escapes.
    String,
    Percent,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Semicolon,
    Colon,
    Slash,
    Star,
    Plus,
    Minus,
    /// `->` or `→`
    Arrow,
    /// `..`
    DotDot,
    /// `=`
    Assign,
    /// `==`
    EqEq,
    /// `!=` or `≠`
    NotEq,
    /// `>=` or `≥`
    Ge,
    /// `<=` or `≤`
    Le,
    Gt,
    Lt,
    /// `|`: alternative spellings of a name
    Pipe,
    /// A character that starts no token. The parser reports it where it stands.
    Unknown,
    /// A string with no closing quote. It runs to the end of its line.
    UnterminatedString,
}

impl TokenKind {
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace | TokenKind::Newline | TokenKind::Comment
        )
    }

    /// How a token of this kind is described to a user who is missing one.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Whitespace => "whitespace",
            TokenKind::Newline => "a line break",
            TokenKind::Comment => "a comment",
            TokenKind::Name => "a name",
            TokenKind::Number => "a number",
            TokenKind::String => "a quoted string",
            TokenKind::Percent => "`%`",
            TokenKind::LBrace => "`{`",
            TokenKind::RBrace => "`}`",
            TokenKind::LParen => "`(`",
            TokenKind::RParen => "`)`",
            TokenKind::LBracket => "`[`",
            TokenKind::RBracket => "`]`",
            TokenKind::Comma => "`,`",
            TokenKind::Semicolon => "`;`",
            TokenKind::Colon => "`:`",
            TokenKind::Slash => "`/`",
            TokenKind::Star => "`*`",
            TokenKind::Plus => "`+`",
            TokenKind::Minus => "`-`",
            TokenKind::Arrow => "`->`",
            TokenKind::DotDot => "`..`",
            TokenKind::Assign => "`=`",
            TokenKind::EqEq => "`==`",
            TokenKind::NotEq => "`!=`",
            TokenKind::Ge => "`>=`",
            TokenKind::Le => "`<=`",
            TokenKind::Gt => "`>`",
            TokenKind::Lt => "`<`",
            TokenKind::Pipe => "`|`",
            TokenKind::Unknown => "an unknown character",
            TokenKind::UnterminatedString => "an unterminated string",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'src> {
    pub kind: TokenKind,
    pub text: &'src str,
    /// Byte offset of the token in the source.
    pub offset: usize,
}

impl Token<'_> {
    pub fn span(&self) -> Range<usize> {
        self.offset..self.offset + self.text.len()
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || is_cjk_punctuation_in_names(c)
}

fn is_name_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || is_cjk_punctuation_in_names(c)
}

/// Quotes and brackets that appear inside indicator names (“三公经费”控制率, 政府采购（集中）执行率).
fn is_cjk_punctuation_in_names(c: char) -> bool {
    matches!(
        c,
        '“' | '”' | '‘' | '’' | '（' | '）' | '《' | '》' | '、' | '·'
    )
}

fn whitespace(input: &str) -> IResult<&str, TokenKind> {
    take_while1(|c: char| c == ' ' || c == '\t' || c == '\u{3000}' || c == '\u{feff}')
        .map(|_| TokenKind::Whitespace)
        .parse(input)
}

fn newline(input: &str) -> IResult<&str, TokenKind> {
    alt((tag("\r\n"), tag("\n"), tag("\r")))
        .map(|_| TokenKind::Newline)
        .parse(input)
}

fn comment(input: &str) -> IResult<&str, TokenKind> {
    recognize((char('#'), take_while(|c: char| c != '\n' && c != '\r')))
        .map(|_| TokenKind::Comment)
        .parse(input)
}

fn name(input: &str) -> IResult<&str, TokenKind> {
    recognize((
        take_while1_count(is_name_start, 1),
        take_while(is_name_continue),
    ))
    .map(|_| TokenKind::Name)
    .parse(input)
}

/// Exactly `n` leading characters satisfying `pred`.
fn take_while1_count(pred: fn(char) -> bool, n: usize) -> impl Fn(&str) -> IResult<&str, &str> {
    move |input: &str| {
        let mut end = 0;
        for (count, c) in input.chars().enumerate() {
            if count == n || !pred(c) {
                break;
            }
            end += c.len_utf8();
        }
        if end == 0 {
            return Err(nom::Err::Error(nom::error::Error::new(
                input,
                nom::error::ErrorKind::TakeWhile1,
            )));
        }
        Ok((&input[end..], &input[..end]))
    }
}

fn number(input: &str) -> IResult<&str, TokenKind> {
    recognize((digit1, opt((char('.'), digit1))))
        .map(|_| TokenKind::Number)
        .parse(input)
}

fn string(input: &str) -> IResult<&str, TokenKind> {
    let body = many0_count(alt((
        recognize((char('\\'), none_of("\n\r"))),
        recognize(none_of("\"\\\n\r")),
    )));
    (char('"'), body, opt(char('"')))
        .map(|(_, _, close)| match close {
            Some(_) => TokenKind::String,
            None => TokenKind::UnterminatedString,
        })
        .parse(input)
}

fn punctuation(input: &str) -> IResult<&str, TokenKind> {
    alt((
        alt((
            tag("->").map(|_| TokenKind::Arrow),
            tag("→").map(|_| TokenKind::Arrow),
            tag("..").map(|_| TokenKind::DotDot),
            tag("==").map(|_| TokenKind::EqEq),
            tag("!=").map(|_| TokenKind::NotEq),
            tag("≠").map(|_| TokenKind::NotEq),
            tag(">=").map(|_| TokenKind::Ge),
            tag("≥").map(|_| TokenKind::Ge),
            tag("<=").map(|_| TokenKind::Le),
            tag("≤").map(|_| TokenKind::Le),
        )),
        alt((
            tag(">").map(|_| TokenKind::Gt),
            tag("<").map(|_| TokenKind::Lt),
            tag("=").map(|_| TokenKind::Assign),
            tag("%").map(|_| TokenKind::Percent),
            tag("{").map(|_| TokenKind::LBrace),
            tag("}").map(|_| TokenKind::RBrace),
            tag("(").map(|_| TokenKind::LParen),
            tag(")").map(|_| TokenKind::RParen),
            tag("[").map(|_| TokenKind::LBracket),
            tag("]").map(|_| TokenKind::RBracket),
            tag(",").map(|_| TokenKind::Comma),
            tag(";").map(|_| TokenKind::Semicolon),
            tag(":").map(|_| TokenKind::Colon),
            tag("/").map(|_| TokenKind::Slash),
            tag("*").map(|_| TokenKind::Star),
            tag("+").map(|_| TokenKind::Plus),
            tag("-").map(|_| TokenKind::Minus),
            tag("|").map(|_| TokenKind::Pipe),
        )),
    ))
    .parse(input)
}

fn unknown(input: &str) -> IResult<&str, TokenKind> {
    recognize(nom::character::complete::anychar)
        .map(|_| TokenKind::Unknown)
        .parse(input)
}

fn token(input: &str) -> IResult<&str, TokenKind> {
    alt((
        whitespace,
        newline,
        comment,
        string,
        number,
        name,
        punctuation,
        unknown,
    ))
    .parse(input)
}

/// Split the source into tokens. Never fails: what it cannot place becomes an `Unknown` or
/// `UnterminatedString` token, which the parser reports with its location.
pub fn lex(source: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = source;
    while !rest.is_empty() {
        let offset = source.len() - rest.len();
        match token(rest) {
            Ok((after, kind)) if after.len() < rest.len() => {
                let len = rest.len() - after.len();
                tokens.push(Token {
                    kind,
                    text: &rest[..len],
                    offset,
                });
                rest = after;
            }
            // `unknown` consumes one character whenever any is left, so this arm is defensive:
            // it keeps the loop finite even if a future token parser matches nothing.
            _ => {
                let len = rest.chars().next().map_or(rest.len(), char::len_utf8);
                tokens.push(Token {
                    kind: TokenKind::Unknown,
                    text: &rest[..len],
                    offset,
                });
                rest = &rest[len..];
            }
        }
    }
    tokens
}

/// The text of a string token without its quotes, with escapes resolved.
pub fn unquote(text: &str) -> String {
    let inner = text.strip_prefix('"').unwrap_or(text);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# 河南\nruleset henan-2023 {\n  title \"河南省\\\"规则\\\"\"\n  years 2023..2024\n}\nformula f = weight * min(rate / 90%, 1) → x ≥ 3 ≤ 4 != 5\r\nindicator “三公经费”控制率 { unmet -> max(0, weight - (actual - target) / 1%) }\n";

    #[test]
    fn tokens_join_back_to_the_input() {
        for source in [
            SAMPLE,
            "",
            "\"open",
            "¤¤ ?",
            "a\r\nb\rc\n",
            "\u{3000}名\t1.5%",
        ] {
            let tokens = lex(source);
            let joined: String = tokens.iter().map(|t| t.text).collect();
            assert_eq!(joined, source);
        }
    }

    #[test]
    fn offsets_are_contiguous_and_match_the_text() {
        let tokens = lex(SAMPLE);
        let mut expected = 0;
        for token in &tokens {
            assert_eq!(token.offset, expected, "{token:?}");
            assert_eq!(&SAMPLE[token.span()], token.text);
            expected += token.text.len();
        }
        assert_eq!(expected, SAMPLE.len());
    }

    #[test]
    fn line_and_column_of_every_token_agree_with_a_naive_count() {
        let file = crate::diag::SourceFile::new("t", SAMPLE);
        let mut line = 1;
        let mut column = 1;
        let mut previous_was_cr = false;
        for token in lex(SAMPLE) {
            assert_eq!(file.line_col(token.offset), (line, column), "{token:?}");
            for c in token.text.chars() {
                if c == '\n' {
                    line += 1;
                    column = 1;
                } else if c == '\r' {
                    previous_was_cr = true;
                    column += 1;
                    continue;
                } else {
                    column += 1;
                }
                previous_was_cr = false;
            }
        }
        let _ = previous_was_cr;
    }

    fn kinds(source: &str) -> Vec<TokenKind> {
        lex(source)
            .into_iter()
            .filter(|t| !t.kind.is_trivia())
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn names_numbers_and_operators() {
        use TokenKind::*;
        assert_eq!(
            kinds("half-up 0.01% henan-2023 资金管理情况 ≥ >= -> → .. == ≠"),
            vec![
                Name, Number, Percent, Name, Name, Ge, Ge, Arrow, Arrow, DotDot, EqEq, NotEq
            ]
        );
        assert_eq!(kinds("1-rate"), vec![Number, Minus, Name]);
        assert_eq!(kinds("“三公经费”控制率"), vec![Name]);
    }

    #[test]
    fn an_unterminated_string_stops_at_the_end_of_its_line() {
        let tokens: Vec<_> = lex("title \"河南\nyears 2023")
            .into_iter()
            .filter(|t| !t.kind.is_trivia())
            .collect();
        assert_eq!(tokens[1].kind, TokenKind::UnterminatedString);
        assert_eq!(tokens[1].text, "\"河南");
        assert_eq!(tokens[2].text, "years");
    }

    #[test]
    fn unquote_resolves_escapes() {
        assert_eq!(unquote(r#""a\"b\\c\n""#), "a\"b\\c\n");
    }
}
