//! Source files and the diagnostics that point into them.
//!
//! Every error a user sees names the file, the line and the column (in characters, as an editor
//! counts them), shows the source line with a caret under the offending part, and says what was
//! expected. Rendering is our own so that carets line up under CJK text (two columns per glyph)
//! and snapshots are byte-for-byte stable.

use serde::Serialize;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use unicode_width::UnicodeWidthChar;

/// A file's text with a line index, shared by every diagnostic that points into it.
mod visible;
pub(crate) use visible::may_hold_hidden_in_text;
pub use visible::{is_hidden_control, is_hidden_control_in_text, visible, visible_text};

#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
    /// Text generated from another document (a form read from a workbook): where each piece
    /// came from. Diagnostics then point at the cell, not at lines the user never saw.
    generated: Option<Generated>,
}

#[derive(Debug)]
struct Generated {
    document: String,
    origins: Vec<Origin>,
    /// The origins' indices in order of where they start (a row's origin is written after its
    /// cells'): a line's are found by binary search instead of a pass over all of them for
    /// every finding.
    by_start: Vec<usize>,
}

/// Where a piece of generated text came from: a cell (`Sheet1!D14`) or a range of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Byte range in the generated text.
    pub span: Range<usize>,
    /// `Sheet1!D14`, `Sheet1!A14:J14`
    pub place: String,
    /// What the cell shows.
    pub text: String,
    /// Where `text` starts, verbatim, in the generated text (so that carets can point inside it).
    pub verbatim_at: Option<usize>,
}

/// Where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::with_capacity(text.len() / 20 + 1);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    starts
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let text = text.into();
        let line_starts = line_starts(&text);
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
            generated: None,
        })
    }

    /// Text generated from `document` (a workbook), with the origin of each piece.
    pub fn generated(
        name: impl Into<String>,
        text: impl Into<String>,
        document: impl Into<String>,
        origins: Vec<Origin>,
    ) -> Arc<SourceFile> {
        let text = text.into();
        let line_starts = line_starts(&text);
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
            generated: Some(Generated {
                document: document.into(),
                by_start: {
                    let mut by_start: Vec<usize> = (0..origins.len()).collect();
                    by_start.sort_by_key(|&i| origins.get(i).map_or(0, |o| o.span.start));
                    by_start
                },
                origins,
            }),
        })
    }

    /// The document this text was generated from, if it was.
    pub fn document(&self) -> Option<&str> {
        self.generated.as_ref().map(|g| g.document.as_str())
    }

    /// The narrowest origin that holds the start of `span` (generated text only).
    pub fn origin_of(&self, span: &Range<usize>) -> Option<&Origin> {
        let generated = self.generated.as_ref()?;
        generated
            .origins
            .iter()
            .filter(|o| o.span.start <= span.start && span.start < o.span.end.max(o.span.start + 1))
            .min_by_key(|o| o.span.len())
    }

    /// The cell behind a line of generated text: the narrowest origin starting on that line.
    pub fn place_of_line(&self, line: usize) -> Option<&str> {
        let generated = self.generated.as_ref()?;
        let origins = &generated.origins;
        // The offsets `line_of` gives `line`: from its start to the next line's (the last line
        // takes every offset past it, as `line_of` clamps them).
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self.line_starts.get(line).copied().unwrap_or(usize::MAX);
        let starts_before = |limit: usize| {
            generated
                .by_start
                .partition_point(|&i| origins.get(i).is_some_and(|o| o.span.start < limit))
        };
        let on_line = generated
            .by_start
            .get(starts_before(start)..starts_before(end))?;
        // The narrowest; of equally narrow ones, the first written.
        on_line
            .iter()
            .filter_map(|&i| Some((i, origins.get(i)?)))
            .min_by_key(|(i, o)| (o.span.len(), *i))
            .map(|(_, o)| o.place.as_str())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and 1-based column in characters of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line + 1, column + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The 1-based line of a byte offset (no column: that needs a count of characters).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset.min(self.text.len())) {
            Ok(i) => i + 1,
            Err(i) => i.max(1),
        }
    }
}

/// A byte range in a source file: where a token, a cell or a field is written.
pub type Span = Range<usize>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem in one place.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code, e.g. `rules::syntax` or `form::unit-mismatch`.
    pub code: &'static str,
    /// What is wrong, in Chinese with an English gloss.
    pub message: String,
    pub file: Option<Arc<SourceFile>>,
    pub span: Option<Range<usize>>,
    /// Printed under the caret: usually what was expected there.
    pub label: Option<String>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// Other places in the same file that explain the problem (the `(` that a missing `)`
    /// leaves open), each with its label, shown under the main one.
    pub related: Vec<(Range<usize>, String)>,
}

impl Diagnostic {
    /// A problem that does not stop the work: the form still loads and scores.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            notes: Vec::new(),
            help: None,
            related: Vec::new(),
        }
    }

    pub fn at(mut self, file: &Arc<SourceFile>, span: Range<usize>) -> Self {
        self.file = Some(Arc::clone(file));
        self.span = Some(span);
        self
    }

    pub fn in_file(mut self, file: &Arc<SourceFile>) -> Self {
        self.file = Some(Arc::clone(file));
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Another place in the file that explains the problem, shown with its own caret.
    pub fn related(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// 1-based line and column, when the diagnostic points into a file.
    pub fn location(&self) -> Option<(usize, usize)> {
        let file = self.file.as_ref()?;
        let span = self.span.as_ref()?;
        Some(file.line_col(span.start))
    }

    pub fn file_name(&self) -> Option<&str> {
        self.file.as_deref().map(SourceFile::name)
    }

    /// A one-line form for summaries: `file:line:col: message`.
    /// Control characters from the input are shown as visible escapes.
    pub fn headline(&self) -> String {
        let line = if let Some((document, origin)) = self.cell() {
            format!("{document}:{}: {}", origin.place, self.message)
        } else {
            match (self.file_name(), self.location()) {
                (Some(name), Some((line, col))) => {
                    format!("{name}:{line}:{col}: {}", self.message)
                }
                (Some(name), None) => format!("{name}: {}", self.message),
                _ => self.message.clone(),
            }
        };
        visible_text(&line).into_owned()
    }

    /// The workbook and cell this diagnostic points at, for text generated from a workbook.
    pub fn cell(&self) -> Option<(&str, &Origin)> {
        let file = self.file.as_ref()?;
        let document = file.document()?;
        let origin = file.origin_of(self.span.as_ref()?)?;
        Some((document, origin))
    }

    pub fn to_json(&self) -> DiagnosticJson<'_> {
        let cell = self.cell();
        let (line, column) = if cell.is_some() {
            (None, None)
        } else {
            self.location().unzip()
        };
        DiagnosticJson {
            severity: self.severity,
            code: self.code,
            message: &self.message,
            file: cell.map(|(document, _)| document).or(self.file_name()),
            place: cell.map(|(_, origin)| origin.place.as_str()),
            line,
            column,
            label: self.label.as_deref(),
            notes: &self.notes,
            help: self.help.as_deref(),
            related: self
                .file
                .as_ref()
                .map(|file| {
                    self.related
                        .iter()
                        .map(|(span, label)| {
                            let (line, column) = file.line_col(span.start);
                            RelatedJson {
                                line,
                                column,
                                label,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Another place a diagnostic points at, in JSON.
#[derive(Serialize)]
pub struct RelatedJson<'a> {
    pub line: usize,
    pub column: usize,
    pub label: &'a str,
}

#[derive(Serialize)]
pub struct DiagnosticJson<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub message: &'a str,
    pub file: Option<&'a str>,
    /// The cell, for a form read from a workbook (`Sheet1!D14`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub label: Option<&'a str>,
    pub notes: &'a [String],
    pub help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedJson<'a>>,
}

impl fmt::Display for Diagnostic {
    /// Shown as a person reads it on a terminal: every control character that came from the input
    /// (a file name, a cell, a line of the file) as a visible escape.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.render_into(&mut text)?;
        f.write_str(&visible_text(&text))
    }
}

impl Diagnostic {
    fn render_into(&self, f: &mut String) -> fmt::Result {
        use std::fmt::Write;
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{kind}[{}]: {}", self.code, self.message)?;
        if let Some((document, origin)) = self.cell() {
            return self.fmt_cell(f, document, origin);
        }
        let located = self
            .file
            .as_ref()
            .zip(self.span.clone())
            .map(|(file, span)| {
                let at = file.line_col(span.start);
                (file, span, at)
            });
        match located {
            Some((file, span, (line, col))) => {
                let related: Vec<(usize, &Range<usize>, &String)> = self
                    .related
                    .iter()
                    .map(|(span, label)| (file.line_of(span.start), span, label))
                    .collect();
                let widest = related.iter().map(|r| r.0).fold(line, usize::max);
                let gutter = widest.to_string().len();
                let pad = " ".repeat(gutter);
                writeln!(f, "{pad}--> {}:{line}:{col}", file.name())?;
                writeln!(f, "{pad} |")?;
                let mark = Mark {
                    file,
                    pad: &pad,
                    caret: '^',
                };
                mark.write(f, line, &span, self.label.as_deref())?;
                for (at, span, label) in related {
                    writeln!(f, "{pad} |")?;
                    let mark = Mark { caret: '-', ..mark };
                    mark.write(f, at, span, Some(label))?;
                }
                for note in &self.notes {
                    writeln!(f, "{pad} = note: {note}")?;
                }
                if let Some(help) = &self.help {
                    writeln!(f, "{pad} = help: {help}")?;
                }
            }
            None => {
                if let Some(name) = self.file_name() {
                    writeln!(f, "  --> {name}")?;
                }
                if let Some(label) = &self.label {
                    writeln!(f, "  = {label}")?;
                }
                for note in &self.notes {
                    writeln!(f, "  = note: {note}")?;
                }
                if let Some(help) = &self.help {
                    writeln!(f, "  = help: {help}")?;
                }
            }
        }
        Ok(())
    }
}

/// How one source line is shown with a mark under part of it.
#[derive(Clone, Copy)]
struct Mark<'a> {
    file: &'a SourceFile,
    /// The blank gutter, as wide as the widest line number shown.
    pad: &'a str,
    /// `^` under the main place, `-` under a related one.
    caret: char,
}

impl Mark<'_> {
    fn write(
        self,
        f: &mut String,
        line: usize,
        span: &Range<usize>,
        label: Option<&str>,
    ) -> fmt::Result {
        use std::fmt::Write;
        let pad = self.pad;
        let text = visible(&expand_tabs(self.file.line_text(line))).into_owned();
        let (lead, width) = caret_geometry(self.file, line, span);
        let (text, lead, width) = window(&text, lead, width);
        writeln!(f, "{line:>w$} | {text}", w = pad.len())?;
        let carets = self.caret.to_string().repeat(width.max(1));
        match label {
            Some(label) => writeln!(f, "{pad} | {}{carets} {label}", " ".repeat(lead)),
            None => writeln!(f, "{pad} | {}{carets}", " ".repeat(lead)),
        }
    }
}

impl Diagnostic {
    /// A diagnostic in text generated from a workbook: the cell, what it shows, a caret.
    fn fmt_cell(&self, f: &mut String, document: &str, origin: &Origin) -> fmt::Result {
        use std::fmt::Write;
        writeln!(f, "  --> {document}:{}", origin.place)?;
        writeln!(f, "   |")?;
        let shown = origin.text.replace(['\n', '\r'], " ");
        writeln!(f, "   | {}", visible(&expand_tabs(&shown)))?;
        let (lead, width) = match (origin.verbatim_at, &self.span) {
            (Some(at), Some(span)) if span.start >= at && span.start - at <= origin.text.len() => {
                let start = span.start - at;
                let end = span.end.saturating_sub(at).clamp(start, origin.text.len());
                let lead = origin.text.get(..start).map(display_width).unwrap_or(0);
                let width = origin.text.get(start..end).map(display_width).unwrap_or(1);
                (lead, width)
            }
            _ => (0, display_width(&shown)),
        };
        let carets = "^".repeat(width.max(1));
        match &self.label {
            Some(label) => writeln!(f, "   | {}{carets} {label}", " ".repeat(lead))?,
            None => writeln!(f, "   | {}{carets}", " ".repeat(lead))?,
        }
        for note in &self.notes {
            writeln!(f, "   = note: {note}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "   = help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

fn expand_tabs(text: &str) -> String {
    text.replace('\t', "    ")
}

/// Columns on a terminal, as the text is shown: a tab as 4, a control character as its visible
/// escape (`\u{1b}`).
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\t' => 4,
            c if is_hidden_control(c) => c.escape_unicode().count(),
            c => c.width().unwrap_or(0),
        })
        .sum()
}

/// Long lines (a minified file, 100,000 parentheses) are shown around the caret only.
const MAX_SHOWN_COLUMNS: usize = 120;

fn window(text: &str, lead: usize, width: usize) -> (String, usize, usize) {
    if display_width(text) <= MAX_SHOWN_COLUMNS {
        return (text.to_string(), lead, width);
    }
    let start = lead.saturating_sub(40);
    let end = start + MAX_SHOWN_COLUMNS - 20;
    let mut shown = String::new();
    let mut column = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if column >= start && column + w <= end {
            shown.push(c);
        }
        column += w;
    }
    let mut new_lead = lead - start;
    if start > 0 {
        shown.insert(0, '…');
        new_lead += 1;
    }
    if column > end {
        shown.push('…');
    }
    let new_width = width.min(end.saturating_sub(lead)).max(1);
    (shown, new_lead, new_width)
}

/// Where the caret starts under the source line, and how wide it is, in terminal columns.
fn caret_geometry(file: &SourceFile, line: usize, span: &Range<usize>) -> (usize, usize) {
    let text = file.line_text(line);
    let line_start = span.start - (file.line_col(span.start).1 - 1).min(span.start);
    // line_col counts characters; recover the byte start of the line from the text itself.
    let line_start = file
        .text()
        .get(..span.start)
        .and_then(|before| before.rfind('\n').map(|i| i + 1))
        .unwrap_or(if line == 1 { 0 } else { line_start });
    let start_in_line = span.start.saturating_sub(line_start).min(text.len());
    let end_in_line = span
        .end
        .saturating_sub(line_start)
        .clamp(start_in_line, text.len());
    let lead = text.get(..start_in_line).map(display_width).unwrap_or(0);
    let width = text
        .get(start_in_line..end_in_line)
        .map(display_width)
        .unwrap_or(1);
    (lead, width)
}

/// Render several diagnostics one after another, separated by blank lines.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The candidate nearest to a misspelt word, for "did you mean": within about a third of the
/// word's length in edits (a swap of two neighbours counts as one), else none.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = word.chars().count().div_ceil(3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Edits between two words, in characters: insertions, deletions, substitutions and swaps of
/// neighbours (optimal string alignment).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    // Three rows: two back (for swaps), one back, and the one being filled.
    let mut rows = vec![vec![0usize; width]; 3];
    if let Some(first) = rows.get_mut(1) {
        for (j, cell) in first.iter_mut().enumerate() {
            *cell = j;
        }
    }
    for i in 1..=a.len() {
        let (done, current) = rows.split_at_mut(2);
        let (Some(older), Some(previous), Some(row)) =
            (done.first(), done.get(1), current.first_mut())
        else {
            return 0;
        };
        if let Some(cell) = row.first_mut() {
            *cell = i;
        }
        for j in 1..width {
            let same = a.get(i - 1) == b.get(j - 1);
            let substitute = previous.get(j - 1).copied().unwrap_or(0) + usize::from(!same);
            let delete = previous.get(j).copied().unwrap_or(0) + 1;
            let insert = row.get(j - 1).copied().unwrap_or(0) + 1;
            let mut best = substitute.min(delete).min(insert);
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                best = best.min(older.get(j - 2).copied().unwrap_or(0) + 1);
            }
            if let Some(cell) = row.get_mut(j) {
                *cell = best;
            }
        }
        rows.rotate_left(1);
    }
    rows.get(1).and_then(|row| row.last()).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_word_is_suggested_and_a_far_one_is_not() {
        assert_eq!(edit_distance("weigth", "weight"), 1);
        assert_eq!(edit_distance("wieght", "weight"), 1);
        assert_eq!(edit_distance("rte", "rate"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("执行率", "执行"), 1);
        let words = ["weight", "rate", "target", "actual"];
        assert_eq!(nearest("weigth", words), Some("weight"));
        assert_eq!(nearest("actul", words), Some("actual"));
        assert_eq!(nearest("budget_total", words), None);
        assert_eq!(nearest("x", words), None);
    }

    #[test]
    fn the_place_of_a_line_is_the_narrowest_origin_starting_on_it_in_either_order() {
        let text = "a = \"1\"\nb = \"22\"\n\nc = \"3\"";
        let origin = |start: usize, end: usize, place: &str| Origin {
            span: start..end,
            place: place.into(),
            text: String::new(),
            verbatim_at: None,
        };
        let origins = vec![
            origin(0, 7, "S!A1:B1"),
            origin(4, 7, "S!B1"),
            origin(8, 16, "S!A2"),
            origin(12, 16, "S!B2"),
            origin(12, 16, "S!C2"),
            origin(18, 25, "S!A4"),
            origin(40, 41, "S!Z9"),
        ];
        let mut shuffled = origins.clone();
        shuffled.reverse();
        shuffled.swap(0, 6);
        let in_order = SourceFile::generated("f", text, "d.xlsx", origins);
        let out_of_order = SourceFile::generated("f", text, "d.xlsx", shuffled);
        let expected = [None, Some("S!B1"), Some("S!B2"), None, Some("S!Z9"), None];
        for (line, want) in expected.iter().enumerate() {
            assert_eq!(in_order.place_of_line(line), *want, "line {line}");
        }
        // Out of order, of equally narrow origins the first written wins (S!C2 here).
        assert_eq!(out_of_order.place_of_line(1), Some("S!B1"));
        assert_eq!(out_of_order.place_of_line(2), Some("S!C2"));
        assert_eq!(out_of_order.place_of_line(4), Some("S!Z9"));
        assert_eq!(out_of_order.place_of_line(0), None);
    }

    #[test]
    fn line_starts_are_found_wherever_the_newlines_fall() {
        let naive = |text: &str| -> Vec<usize> {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        };
        let pieces = ["", "\n", "a", "项目", "\r\n", "≥95%", "0123456", "\n\n"];
        // Every sequence of up to four pieces: newlines at every offset within a word and
        // across word boundaries, at the start, at the end and in the tail.
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts.extend(longer);
            texts.dedup();
        }
        for text in &texts {
            assert_eq!(line_starts(text), naive(text), "{text:?}");
        }
    }

    #[test]
    fn line_and_column_count_characters() {
        let file = SourceFile::new("a.toml", "kind = \"项目\"\ntarget = \"≥=95%\"\n");
        let offset = file.text().find("=95").unwrap();
        assert_eq!(file.line_col(offset), (2, 12));
        assert_eq!(file.line_text(2), "target = \"≥=95%\"");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(file.text().len()), (3, 1));
    }

    #[test]
    fn caret_lines_up_under_wide_characters() {
        let file = SourceFile::new("a.toml", "name = \"项目\" x\n");
        let offset = file.text().find('x').unwrap();
        let diag = Diagnostic::error("test", "bad")
            .at(&file, offset..offset + 1)
            .label("here");
        let text = diag.to_string();
        let lines: Vec<&str> = text.lines().collect();
        let source = lines[3];
        let caret = lines[4];
        let source_col = display_width(&source[..source.find('x').unwrap()]);
        let caret_col = caret.find('^').unwrap();
        assert_eq!(source_col, caret_col, "\n{text}");
    }

    #[test]
    fn long_lines_are_shown_around_the_caret() {
        let line = format!("x = {}y{}", "(".repeat(5000), ")".repeat(5000));
        let file = SourceFile::new("a.rules", line.clone());
        let offset = line.find('y').unwrap();
        let text = Diagnostic::error("test", "deep")
            .at(&file, offset..offset + 1)
            .to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[3].chars().count() < 140, "{}", lines[3]);
        let source_col = display_width(&lines[3][..lines[3].find('y').unwrap()]);
        assert_eq!(lines[4].find('^').unwrap(), source_col);
    }

    #[test]
    fn crlf_lines_do_not_show_carriage_returns() {
        let file = SourceFile::new("a.toml", "a = 1\r\nb = ?\r\n");
        assert_eq!(file.line_text(2), "b = ?");
        assert_eq!(file.line_col(file.text().find('?').unwrap()), (2, 5));
    }
}
