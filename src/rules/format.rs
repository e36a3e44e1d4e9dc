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

use super::ast::*;
use super::lexer::{TokenKind, lex};
use super::parser::{SyntaxError, parse_file};
use unicode_width::UnicodeWidthStr;

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

struct Comment {
    offset: usize,
    end: usize,
    text: String,
    /// Code stands before it on its line.
    trailing: bool,
}

struct Printer {
    lines: Vec<String>,
    line: String,
    depth: usize,
    comments: Vec<Comment>,
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
    fn blank_between(&self, from: usize, to: usize) -> bool {
        // `blank_lines` is in source order.
        let first_at_or_after = self.blank_lines.partition_point(|&b| b < from);
        from < to
            && self
                .blank_lines
                .get(first_at_or_after)
                .is_some_and(|&b| b < to)
    }

    fn push_line(&mut self, text: String) {
        self.lines.push(text);
    }

    fn blank_line(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// Put out the comments that stand before `offset`.
    fn flush_comments(&mut self, offset: usize) {
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
    fn begin(&mut self, start: usize) {
        self.flush_comments(start);
        if !self.block_start && self.blank_between(self.last_end, start) {
            self.blank_line();
        }
        self.block_start = false;
        self.line.clear();
    }

    fn w(&mut self, text: &str) {
        self.line.push_str(text);
    }

    /// Finish the current line; the construct it shows ends at `end` in the source.
    fn end(&mut self, end: usize) {
        let text = format!("{}{}", INDENT.repeat(self.depth), self.line);
        self.line.clear();
        self.push_line(text.trim_end().to_string());
        self.last_end = self.last_end.max(end);
    }

    /// End the current line with `{` and go one level deeper.
    fn open(&mut self, end: usize) {
        self.w(" {");
        self.end(end);
        self.depth += 1;
        self.block_start = true;
    }

    /// Close a block whose `}` stands at `close` in the source; the line stays open after `}`.
    fn close(&mut self, close: usize) {
        self.flush_comments(close);
        self.depth = self.depth.saturating_sub(1);
        self.block_start = false;
        self.line.clear();
        self.w("}");
    }

    // ───────── items ─────────

    fn item(&mut self, item: &Item) {
        match item {
            Item::Ruleset(h) => self.ruleset(h),
            Item::Grades(g) if g.none => {
                self.begin(g.span.start);
                self.w("grades none");
                self.end(g.span.end);
            }
            Item::Grades(g) => {
                self.begin(g.span.start);
                self.w("grades");
                self.open(g.span.start + "grades".len());
                for band in &g.bands {
                    self.begin(band.span.start);
                    self.name(&band.name);
                    if let Some(min) = &band.min {
                        self.w(" >= ");
                        self.number(min);
                    }
                    self.end(band.span.end);
                }
                self.close_block(&g.span);
            }
            Item::Rounding(r) => {
                self.begin(r.span.start);
                self.w("rounding");
                let mut head_end = r.span.start + "rounding".len();
                if let Some(mode) = &r.mode {
                    self.w(" ");
                    self.name(mode);
                    head_end = mode.span.end;
                }
                self.open(head_end);
                for e in &r.entries {
                    self.begin(e.span.start);
                    self.name(&e.target);
                    self.w(" ");
                    self.number(&e.quantum);
                    if let Some(mode) = &e.mode {
                        self.w(" ");
                        self.name(mode);
                    }
                    self.end(e.span.end);
                }
                self.close_block(&r.span);
            }
            Item::Formula(f) => {
                self.begin(f.span.start);
                self.w("formula ");
                self.name(&f.name);
                self.w(" = ");
                self.expr(&f.body);
                self.end(f.span.end);
            }
            Item::Scoring(b) => self.scoring(b),
            Item::Review(r) => {
                self.begin(r.span.start);
                self.w("review");
                self.open(r.span.start + "review".len());
                for s in &r.settings {
                    self.begin(s.span.start);
                    self.name(&s.key);
                    self.w(" ");
                    self.number(&s.value);
                    self.end(s.span.end);
                }
                self.close_block(&r.span);
            }
            Item::Form(t) => self.form(t),
            Item::Example(e) => self.example(e),
        }
    }

    /// Close a block that ends its construct: `}` then the end of the line.
    fn close_block(&mut self, span: &Span) {
        self.close(span.end.saturating_sub(1));
        self.end(span.end);
    }

    fn ruleset(&mut self, h: &RulesetHeader) {
        self.begin(h.span.start);
        self.w("ruleset ");
        self.name(&h.id);
        self.open(h.id.span.end);
        for field in &h.fields {
            match field {
                HeaderField::Title(t) => {
                    self.begin(t.span.start);
                    self.w("title ");
                    self.text(&t.value);
                    self.end(t.span.end);
                }
                HeaderField::Basis(t) => {
                    self.begin(t.span.start);
                    self.w("basis ");
                    self.text(&t.value);
                    self.end(t.span.end);
                }
                HeaderField::Version(n) => {
                    self.begin(n.span.start);
                    self.w("version ");
                    self.number(n);
                    self.end(n.span.end);
                }
                HeaderField::Years {
                    from,
                    to,
                    open,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("years ");
                    self.number(from);
                    if let Some(to) = to {
                        self.w("..");
                        self.number(to);
                    } else if *open {
                        self.w("..");
                    }
                    self.end(span.end);
                }
                HeaderField::Regions {
                    keyword,
                    texts,
                    span,
                } => {
                    self.begin(span.start);
                    self.w(keyword);
                    for t in texts {
                        self.w(" ");
                        self.text(&t.value);
                    }
                    self.end(span.end);
                }
                HeaderField::ReadOff(t) => {
                    self.begin(t.span.start);
                    self.w("read-off ");
                    self.text(&t.value);
                    self.end(t.span.end);
                }
            }
        }
        self.close_block(&h.span);
    }

    fn scoring(&mut self, b: &ScoringBlock) {
        self.begin(b.span.start);
        let mut head_end = b.span.start;
        match b.scope {
            ScoringScope::Quantitative => {
                self.w("quantitative");
                head_end += "quantitative".len();
            }
            ScoringScope::Qualitative => {
                self.w("qualitative");
                head_end += "qualitative".len();
            }
            ScoringScope::Indicator => {
                self.w("indicator ");
                self.alternatives(&b.selector);
                head_end = b.selector.last().map_or(head_end, |n| n.span.end);
            }
        }
        self.open(head_end);
        for entry in &b.entries {
            match entry {
                ScoringEntry::Clause(c) => {
                    self.begin(c.span.start);
                    match &c.guard {
                        Guard::When(cond) => {
                            self.w("when ");
                            self.expr(cond);
                        }
                        Guard::Met => self.w("met"),
                        Guard::Unmet(ops) => {
                            self.w("unmet");
                            for (op, _) in ops {
                                self.w(" ");
                                self.w(comparator(*op));
                            }
                        }
                        Guard::ZeroTarget => self.w("zero-target"),
                        Guard::Always => self.w("score"),
                    }
                    self.w(" -> ");
                    self.expr(&c.body);
                    self.end(c.span.end);
                }
                ScoringEntry::Deviation { body, span } => {
                    self.begin(span.start);
                    self.w("deviation -> ");
                    self.expr(body);
                    self.end(span.end);
                }
                ScoringEntry::Explain { condition, span } => {
                    self.begin(span.start);
                    self.w("explain when ");
                    self.expr(condition);
                    self.end(span.end);
                }
                ScoringEntry::Bare {
                    comparator: op,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("bare ");
                    self.w(comparator(*op));
                    self.end(span.end);
                }
                ScoringEntry::LowerIsBetter { patterns, span } => {
                    self.begin(span.start);
                    self.w("lower-is-better");
                    self.open(span.start + "lower-is-better".len());
                    for pattern in patterns {
                        self.begin(pattern.span.start);
                        self.name(&pattern.name);
                        if !pattern.except.is_empty() {
                            self.w(" except {");
                            for part in &pattern.except {
                                self.w(" ");
                                self.name(part);
                            }
                            self.w(" }");
                        }
                        self.end(pattern.span.end);
                    }
                    self.close_block(span);
                }
                ScoringEntry::Tiers { tiers, span } => {
                    self.begin(span.start);
                    self.w("tiers");
                    self.open(span.start + "tiers".len());
                    for tier in tiers {
                        self.begin(tier.span.start);
                        self.name(&tier.name);
                        self.w(" ");
                        self.interval(&tier.interval);
                        self.end(tier.span.end);
                    }
                    self.close_block(span);
                }
            }
        }
        self.close_block(&b.span);
    }

    fn form(&mut self, t: &FormTemplate) {
        self.begin(t.span.start);
        self.w("form ");
        self.name(&t.kind);
        self.open(t.kind.span.end);
        for entry in &t.entries {
            match entry {
                TemplateEntry::Execution {
                    weight,
                    denominator,
                    body,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("execution ");
                    self.number(weight);
                    self.w(" over ");
                    self.name(denominator);
                    self.w(" -> ");
                    self.expr(body);
                    self.end(span.end);
                }
                TemplateEntry::ExplainExecution { condition, span } => {
                    self.begin(span.start);
                    self.w("explain execution when ");
                    self.expr(condition);
                    self.end(span.end);
                }
                TemplateEntry::Section {
                    name,
                    weight,
                    items,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("section ");
                    self.name(name);
                    let mut head_end = name.span.end;
                    if let Some(w) = weight {
                        self.w(" ");
                        self.number(w);
                        head_end = w.span.end;
                    }
                    self.open(head_end);
                    for item in items {
                        self.begin(item.span.start);
                        self.name(&item.name);
                        self.w(" ");
                        self.number(&item.weight);
                        self.end(item.span.end);
                    }
                    self.close_block(span);
                }
                TemplateEntry::Indicators {
                    total,
                    level1,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("indicators");
                    let mut head_end = span.start + "indicators".len();
                    if let Some(n) = total {
                        self.w(" ");
                        self.number(n);
                        head_end = n.span.end;
                    }
                    self.open(head_end);
                    for l1 in level1 {
                        self.level1(l1);
                    }
                    self.close_block(span);
                }
            }
        }
        self.close_block(&t.span);
    }

    fn level1(&mut self, l1: &Level1) {
        self.begin(l1.span.start);
        self.alternatives(&l1.names);
        let mut head_end = l1.names.last().map_or(l1.span.start, |n| n.span.end);
        if let Some(w) = &l1.weight {
            self.w(" ");
            self.number(w);
            head_end = w.span.end;
        }
        if let Some(to) = &l1.absent_to {
            self.w(" absent -> ");
            self.name(to);
            head_end = to.span.end;
        }
        if l1.level2.is_empty() {
            self.end(l1.span.end);
            return;
        }
        let inline: Vec<String> = l1.level2.iter().map(level2_text).collect();
        let inline = format!(" {{ {} }}", inline.join(" "));
        let width = INDENT.repeat(self.depth).width() + self.line.width() + inline.width();
        let commented = self
            .comments
            .iter()
            .any(|c| c.offset > l1.span.start && c.offset < l1.span.end);
        if !commented && width <= MAX_INLINE_WIDTH {
            self.w(&inline);
            self.end(l1.span.end);
            return;
        }
        self.open(head_end);
        for l2 in &l1.level2 {
            self.begin(l2.span.start);
            self.w(&level2_text(l2));
            self.end(l2.span.end);
        }
        self.close_block(&l1.span);
    }

    fn example(&mut self, e: &Example) {
        self.begin(e.span.start);
        self.w("example ");
        self.text(&e.title.value);
        self.open(e.title.span.end);
        for s in &e.statements {
            match s {
                ExampleStatement::Kind(k) => {
                    self.begin(k.span.start);
                    self.w("kind ");
                    self.name(k);
                    self.end(k.span.end);
                }
                ExampleStatement::Figure { key, value } => {
                    self.begin(key.span.start);
                    self.name(key);
                    self.w(" ");
                    self.number(value);
                    self.end(value.span.end);
                }
                ExampleStatement::Indicator {
                    category,
                    target,
                    actual,
                    weight,
                    claimed,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("indicator");
                    for n in category {
                        self.w(" ");
                        self.name(n);
                    }
                    self.w(" target ");
                    self.text(&target.value);
                    self.w(" actual ");
                    self.text(&actual.value);
                    self.w(" weight ");
                    self.number(weight);
                    if let Some(c) = claimed {
                        self.w(" claimed ");
                        self.number(c);
                    }
                    self.end(span.end);
                }
                ExampleStatement::Expect { key, value, span } => {
                    self.begin(span.start);
                    self.w("expect ");
                    self.name(key);
                    self.w(" ");
                    match value {
                        ExpectValue::Number(n) => self.number(n),
                        ExpectValue::Name(n) => self.name(n),
                    }
                    self.end(span.end);
                }
            }
        }
        self.close_block(&e.span);
    }

    // ───────── pieces ─────────

    fn name(&mut self, n: &Name) {
        let shown = name_text(n);
        self.w(&shown);
    }

    fn alternatives(&mut self, names: &[Name]) {
        let shown: Vec<String> = names.iter().map(name_text).collect();
        self.w(&shown.join(" | "));
    }

    fn text(&mut self, value: &str) {
        self.w(&quote(value));
    }

    fn number(&mut self, n: &Number) {
        self.w(&number_text(n));
    }

    fn interval(&mut self, i: &Interval) {
        self.w(if i.lower_inclusive { "[" } else { "(" });
        if let Some(lo) = &i.lower {
            self.expr(lo);
        }
        self.w(", ");
        if let Some(hi) = &i.upper {
            self.expr(hi);
        }
        self.w(if i.upper_inclusive { "]" } else { ")" });
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Number(n) => self.number(n),
            ExprKind::Bool(b) => self.w(if *b { "true" } else { "false" }),
            ExprKind::Var(v) => self.w(v),
            ExprKind::Paren(inner) => {
                self.w("(");
                self.expr(inner);
                self.w(")");
            }
            ExprKind::Unary(UnOp::Neg, inner) => {
                self.w("-");
                self.expr(inner);
            }
            ExprKind::Unary(UnOp::Not, inner) => {
                self.w("not ");
                self.expr(inner);
            }
            ExprKind::Binary(op, lhs, rhs) => {
                self.expr(lhs);
                self.w(" ");
                self.w(op.symbol());
                self.w(" ");
                self.expr(rhs);
            }
            ExprKind::Call(name, args) => {
                self.name(name);
                self.w("(");
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        self.w(", ");
                    }
                    self.expr(arg);
                }
                self.w(")");
            }
            ExprKind::If(cond, then, otherwise) => {
                self.w("if ");
                self.expr(cond);
                self.w(" then ");
                self.expr(then);
                self.w(" else ");
                self.expr(otherwise);
            }
            ExprKind::Steps {
                subject,
                bands,
                otherwise,
            } => {
                self.w("steps ");
                self.expr(subject);
                self.open(subject.span.end);
                for band in bands {
                    self.begin(band.span.start);
                    match &band.bound {
                        Bound::Compare(op, limit) => {
                            self.w(comparator(*op));
                            self.w(" ");
                            self.expr(limit);
                        }
                        Bound::Interval(i) => self.interval(i),
                    }
                    self.w(" -> ");
                    self.expr(&band.value);
                    self.end(band.span.end);
                }
                if let Some(value) = otherwise {
                    self.begin(value.span.start);
                    self.w("else -> ");
                    self.expr(value);
                    self.end(value.span.end);
                }
                // The construct around the steps goes on after the `}`.
                self.close(e.span.end.saturating_sub(1));
            }
        }
    }
}

fn level2_text(l2: &Level2) -> String {
    let names: Vec<String> = l2.names.iter().map(name_text).collect();
    let mut text = names.join(" | ");
    if let Some(w) = &l2.weight {
        text.push(' ');
        text.push_str(&number_text(w));
    }
    text
}

/// A comparator as a rule author types it: `>=`, `=` (in guards and bands, `=` reads naturally).
fn comparator(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        other => other.symbol(),
    }
}

fn number_text(n: &Number) -> String {
    if n.percent {
        format!("{}%", n.digits)
    } else {
        n.digits.clone()
    }
}

fn name_text(n: &Name) -> String {
    if n.quoted {
        quote(&n.text)
    } else {
        n.text.clone()
    }
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
