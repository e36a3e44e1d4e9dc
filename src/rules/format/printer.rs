//! The printer's state: the lines put out so far, the indentation, and the source's comments and
//! blank lines, put out before each line that starts after them.

use super::INDENT;
use crate::rules::ast::File;
use crate::rules::lexer::{TokenKind, lex};

pub(super) struct Comment {
    pub(super) offset: usize,
    end: usize,
    text: String,
    /// Code stands before it on its line.
    trailing: bool,
}

pub(super) struct Printer {
    lines: Vec<String>,
    pub(super) line: String,
    pub(super) depth: usize,
    pub(super) comments: Vec<Comment>,
    next_comment: usize,
    /// Offsets of the line breaks that end a blank source line.
    blank_lines: Vec<usize>,
    /// Where the last thing put out ends in the source.
    last_end: usize,
    /// Just after a `{`: no blank line here.
    block_start: bool,
    /// The line that already ends in a comment: a second comment for it (one from inside an
    /// expression joined onto that line, then the line's own) goes on a line of its own, or the
    /// two would read as one comment.
    commented_line: Option<usize>,
}

fn scan(source: &str) -> (Vec<Comment>, Vec<usize>) {
    let tokens = lex(source);
    let mut comments = Vec::new();
    let mut blank_lines = Vec::new();
    let mut code_on_line = false;
    let mut line_has_content = false;
    for t in &tokens {
        match t.kind {
            TokenKind::Newline => {
                if !line_has_content {
                    blank_lines.push(t.offset);
                }
                code_on_line = false;
                line_has_content = false;
            }
            TokenKind::Whitespace => {}
            TokenKind::Comment => {
                comments.push(Comment {
                    offset: t.offset,
                    end: t.offset + t.text.len(),
                    text: t.text.trim_end().to_string(),
                    trailing: code_on_line,
                });
                line_has_content = true;
            }
            _ => {
                code_on_line = true;
                line_has_content = true;
            }
        }
    }
    (comments, blank_lines)
}

/// Format a parsed file. The AST must have been parsed from `source`.
pub fn format_file(source: &str, file: &File) -> String {
    let (comments, blank_lines) = scan(source);
    let mut p = Printer {
        lines: Vec::new(),
        line: String::new(),
        depth: 0,
        comments,
        next_comment: 0,
        blank_lines,
        last_end: 0,
        block_start: true,
        commented_line: None,
    };
    for item in &file.items {
        p.item(item);
    }
    p.flush_comments(usize::MAX);
    while p.lines.last().is_some_and(|l| l.is_empty()) {
        p.lines.pop();
    }
    let mut out = p.lines.join("\n");
    out.push('\n');
    out
}

impl Printer {
    pub(super) fn blank_between(&self, from: usize, to: usize) -> bool {
        // `blank_lines` is in source order.
        let first_at_or_after = self.blank_lines.partition_point(|&b| b < from);
        from < to
            && self
                .blank_lines
                .get(first_at_or_after)
                .is_some_and(|&b| b < to)
    }

    pub(super) fn push_line(&mut self, text: String) {
        self.lines.push(text);
    }

    pub(super) fn blank_line(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// Put out the comments that stand before `offset`.
    pub(super) fn flush_comments(&mut self, offset: usize) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.offset >= offset {
                break;
            }
            let (text, trailing, start, end) = (c.text.clone(), c.trailing, c.offset, c.end);
            self.next_comment += 1;
            let last_index = self.lines.len().checked_sub(1);
            let appended = trailing
                && self.commented_line != last_index
                && match self.lines.last_mut() {
                    Some(last)
                        if !last.trim().is_empty() && !last.trim_start().starts_with('#') =>
                    {
                        last.push_str("  ");
                        last.push_str(&text);
                        true
                    }
                    _ => false,
                };
            if appended {
                self.commented_line = last_index;
            }
            if !appended {
                if !self.block_start && self.blank_between(self.last_end, start) {
                    self.blank_line();
                }
                self.push_line(format!("{}{text}", INDENT.repeat(self.depth)));
                self.block_start = false;
            }
            self.last_end = self.last_end.max(end);
        }
    }

    /// Start a line for a construct that begins at `start` in the source.
    pub(super) fn begin(&mut self, start: usize) {
        self.flush_comments(start);
        if !self.block_start && self.blank_between(self.last_end, start) {
            self.blank_line();
        }
        self.block_start = false;
        self.line.clear();
    }

    pub(super) fn w(&mut self, text: &str) {
        self.line.push_str(text);
    }

    /// Finish the current line; the construct it shows ends at `end` in the source.
    pub(super) fn end(&mut self, end: usize) {
        let text = format!("{}{}", INDENT.repeat(self.depth), self.line);
        self.line.clear();
        self.push_line(text.trim_end().to_string());
        self.last_end = self.last_end.max(end);
    }

    /// End the current line with `{` and go one level deeper.
    pub(super) fn open(&mut self, end: usize) {
        self.w(" {");
        self.end(end);
        self.depth += 1;
        self.block_start = true;
    }

    /// Close a block whose `}` stands at `close` in the source; the line stays open after `}`.
    pub(super) fn close(&mut self, close: usize) {
        self.flush_comments(close);
        self.depth = self.depth.saturating_sub(1);
        self.block_start = false;
        self.line.clear();
        self.w("}");
    }
}
