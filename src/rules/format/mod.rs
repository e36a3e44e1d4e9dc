//! `jixiao rules fmt`: a rule file in canonical layout.
//!
//! The layout comes from the AST (one construct per line, two-space indentation, single spaces
//! around operators, `steps` bands one per line); the comments come from the lexer's comment
//! tokens, which the parser skips. Because the AST and the comments are both in source order, the
//! printer walks the tree and, before each line it starts, puts out the comments that stood
//! before that point: a comment on a line of its own stays on a line of its own, a comment after
//! code stays after the code it followed. Up to one blank line is kept where the author left one.
//!
//! [`format_source`] checks its own work: the output must parse to the same tree (spans aside) and
//! carry the same comments, or it is refused, so that a formatter bug can never change a rule.

//!
//! The printer is in three parts: `printer.rs` (lines, indentation, and the comments waiting to
//! be put out), `items.rs` (the top-level constructs) and `pieces.rs` (names, numbers, intervals
//! and expressions).

mod items;
mod pieces;
mod printer;

pub use self::printer::format_file;

use super::ast::*;
use super::lexer::{TokenKind, lex};
use super::parser::{SyntaxError, parse_file};

/// A level-1 indicator's level-2 list stays on one line up to this display width.
pub const MAX_INLINE_WIDTH: usize = 100;

const INDENT: &str = "  ";

/// Why a file could not be formatted.
#[derive(Debug, Clone, PartialEq)]
pub enum FormatError {
    /// The file does not parse.
    Syntax(SyntaxError),
    /// The formatted text would mean something else (a bug in the formatter): nothing is written.
    Changed(String),
}

/// The canonical layout of a rule file.
pub fn format_source(source: &str) -> Result<String, FormatError> {
    let file = parse_file(source).map_err(FormatError::Syntax)?;
    let formatted = format_file(source, &file);
    let reparsed = parse_file(&formatted).map_err(|e| {
        FormatError::Changed(format!(
            "the formatted text does not parse ({:?} at byte {})",
            e.message.as_deref().unwrap_or("syntax error"),
            e.span.start
        ))
    })?;
    if fingerprint(&reparsed) != fingerprint(&file) {
        return Err(FormatError::Changed(
            "the formatted text parses to a different rule file".into(),
        ));
    }
    if comment_texts(&formatted) != comment_texts(source) {
        return Err(FormatError::Changed(
            "the formatted text does not keep every comment".into(),
        ));
    }
    Ok(formatted)
}

/// The tree with every span left out: two files with equal fingerprints say the same thing.
pub fn fingerprint(file: &File) -> String {
    strip_ranges(&format!("{file:?}"))
}

/// A piece of rule text on one line, its comments left out: how a multi-line rule (a `steps`
/// block) is shown in a table or a trace.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for t in lex(text) {
        match t.kind {
            TokenKind::Comment => {}
            TokenKind::Whitespace | TokenKind::Newline => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            _ => out.push_str(t.text),
        }
    }
    out.trim_end().to_string()
}

/// Every comment of a source, in order, as written (trailing spaces aside).
pub fn comment_texts(source: &str) -> Vec<String> {
    lex(source)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Comment)
        .map(|t| t.text.trim_end().to_string())
        .collect()
}

/// Replace `12..34` (how `Debug` shows a byte range) with `_`, outside string literals.
fn strip_ranges(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut in_string = false;
    let mut previous: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some((_, escaped)) = chars.next() {
                    out.push(escaped);
                }
            } else if c == '"' {
                in_string = false;
            }
            previous = Some(c);
            continue;
        }
        if c == '"' {
            in_string = true;
            out.push(c);
            previous = Some(c);
            continue;
        }
        if c.is_ascii_digit() && !previous.is_some_and(|p| p.is_alphanumeric() || p == '.') {
            let rest = &text[i..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let after = &rest[digits..];
            if let Some(tail) = after.strip_prefix("..") {
                let end_digits = tail.bytes().take_while(u8::is_ascii_digit).count();
                if end_digits > 0 {
                    out.push('_');
                    let skip = digits + 2 + end_digits;
                    while chars.peek().is_some_and(|(j, _)| *j < i + skip) {
                        chars.next();
                    }
                    previous = Some('_');
                    continue;
                }
            }
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

/// A string literal the lexer reads back as `value`.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(source: &str) -> String {
        match format_source(source) {
            Ok(text) => text,
            Err(e) => panic!("{e:?}\n{source}"),
        }
    }

    #[test]
    fn shipped_rulesets_are_in_canonical_layout() {
        for (_, name, text) in super::super::BUILTIN {
            let formatted = fmt(text);
            assert_eq!(&formatted, text, "{name} is not in canonical layout");
        }
    }

    #[test]
    fn a_flat_template_stays_on_one_line() {
        let source = "form 部门整体 {\nexecution 10 over 全年预算数 -> weight * rate\nindicators 90 {\n}\n}\n";
        let expected = "form 部门整体 {\n  execution 10 over 全年预算数 -> weight * rate\n  indicators 90 { }\n}\n";
        assert_eq!(fmt(source), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn a_cramped_file_is_laid_out_one_construct_per_line() {
        let source = "ruleset x{title \"t\" version 1 years 2023..}\ngrades{优>=90,良>=80;差}\nformula f=weight*min(rate/90%,1)\nform 项目{execution 10 over 全年预算数 ->f\nindicators{产出指标 90{数量指标 质量指标}}}\n";
        let expected = "ruleset x {\n  title \"t\"\n  version 1\n  years 2023..\n}\ngrades {\n  优 >= 90\n  良 >= 80\n  差\n}\nformula f = weight * min(rate / 90%, 1)\nform 项目 {\n  execution 10 over 全年预算数 -> f\n  indicators {\n    产出指标 90 { 数量指标 质量指标 }\n  }\n}\n";
        assert_eq!(fmt(source), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn comments_stay_where_they_were() {
        let source = "# head\n\n# about f\nformula f = weight   # trailing\n\n\n\nformula g = steps rate {  # after brace\n  # before band\n  >= 90% -> 5 # band\n  else -> 0\n  # before close\n}  # after close\n# end\n";
        let expected = "# head\n\n# about f\nformula f = weight  # trailing\n\nformula g = steps rate {  # after brace\n  # before band\n  >= 90% -> 5  # band\n  else -> 0\n  # before close\n}  # after close\n# end\n";
        assert_eq!(fmt(source), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn steps_go_one_band_per_line_inside_an_expression() {
        let source =
            "formula f = weight * steps rate { >= 90% -> 100%  [80%, 90%) -> 80% else -> 0 } / 1\n";
        let expected = "formula f = weight * steps rate {\n  >= 90% -> 100%\n  [80%, 90%) -> 80%\n  else -> 0\n} / 1\n";
        assert_eq!(fmt(source), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn long_or_commented_level2_lists_are_broken_into_lines() {
        let long = (0..20).map(|i| format!("二级指标{i}")).collect::<Vec<_>>();
        let source = format!(
            "form 项目 {{ indicators {{ 产出指标 {{ {} }} 效益指标 {{ a # why\n b }} }} }}\n",
            long.join(" ")
        );
        let formatted = fmt(&source);
        assert!(
            formatted.contains("    产出指标 {\n      二级指标0\n"),
            "{formatted}"
        );
        assert!(
            formatted.contains("    效益指标 {\n      a  # why\n      b\n    }"),
            "{formatted}"
        );
        assert_eq!(fmt(&formatted), formatted);
    }

    #[test]
    fn strings_and_quoted_names_are_escaped_again() {
        let source = "ruleset \"a b\" { title \"说\\\"明\\\\\\n\" }\n";
        let formatted = fmt(source);
        assert_eq!(
            formatted,
            "ruleset \"a b\" {\n  title \"说\\\"明\\\\\\n\"\n}\n"
        );
    }

    #[test]
    fn a_syntax_error_is_reported_not_formatted() {
        assert!(matches!(
            format_source("grades { 优 >= }"),
            Err(FormatError::Syntax(_))
        ));
    }

    #[test]
    fn one_line_joins_lines_and_drops_comments() {
        assert_eq!(
            one_line("steps rate {  # why\n  >= 90% -> 5\n  else -> min(rate, 1)\n}"),
            "steps rate { >= 90% -> 5 else -> min(rate, 1) }"
        );
    }

    #[test]
    fn fingerprints_ignore_spans_only() {
        let a = parse_file("formula f = 1 + 2").unwrap();
        let b = parse_file("formula  f =\n 1+2").unwrap();
        let c = parse_file("formula f = 1 + 3").unwrap();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
        assert_eq!(
            strip_ranges("span: 3..14, x: \"1..2\""),
            "span: _, x: \"1..2\""
        );
    }
}
