//! Writing form files: TOML text that reads like the hand-written ones (numbers as strings, as
//! shown; a Chinese comment where it helps), remembering where each value came from.
//!
//! Used by `jixiao import` (forms read from a workbook: every value records its cell, so that
//! errors in the generated text point at the cell) and `jixiao init` (a blank form).

use crate::diag::{Origin, SourceFile};
use std::fmt::Write;
use std::sync::Arc;

/// A cell a value came from: `Sheet1!D14` and what the cell shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    pub place: String,
    pub text: String,
}

/// TOML text under construction.
#[derive(Debug, Default)]
pub struct TomlText {
    text: String,
    origins: Vec<Origin>,
    /// Comments are aligned to this column when the key/value is shorter.
    comment_column: usize,
    /// Field comments are written (off for the second and later rows of a list).
    comments: bool,
}

impl TomlText {
    pub fn new() -> TomlText {
        TomlText {
            text: String::new(),
            origins: Vec::new(),
            comment_column: 32,
            comments: true,
        }
    }

    /// Whether field comments are written from now on.
    pub fn comments(&mut self, on: bool) {
        self.comments = on;
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// A comment line (`# …`), one per line of `text`.
    pub fn comment(&mut self, text: &str) {
        for line in text.lines() {
            if line.is_empty() {
                self.text.push_str("#\n");
            } else {
                let _ = writeln!(self.text, "# {line}");
            }
        }
    }

    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// `[name]` or `[[name]]`, after a blank line.
    pub fn table(&mut self, header: &str, comment: Option<&str>) {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
        self.line_with_comment(&[header], comment);
    }

    /// Mark everything written since `start` as coming from `cell` (a row or a whole table).
    pub fn mark(&mut self, start: usize, cell: &CellRef) {
        self.origins.push(Origin {
            span: start..self.text.len(),
            place: cell.place.clone(),
            text: cell.text.clone(),
            verbatim_at: None,
        });
    }

    /// `key = "value"`, with an optional comment and the cell it came from.
    pub fn string(
        &mut self,
        key: &str,
        value: &str,
        comment: Option<&str>,
        cell: Option<&CellRef>,
    ) {
        let quoted = quote(value);
        let line_start = self.text.len();
        let value_start = line_start + key.len() + 3;
        let verbatim = quoted.len() == value.len() + 2;
        self.line_with_comment(&[key, " = ", &quoted], comment);
        if let Some(cell) = cell {
            self.origins.push(Origin {
                span: value_start..value_start + quoted.len(),
                place: cell.place.clone(),
                text: cell.text.clone(),
                verbatim_at: (verbatim && cell.text.trim() == value).then_some(value_start + 1),
            });
        }
    }

    /// `key = 2023` (a bare integer).
    pub fn integer(
        &mut self,
        key: &str,
        value: i64,
        comment: Option<&str>,
        cell: Option<&CellRef>,
    ) {
        let line_start = self.text.len();
        let value_start = line_start + key.len() + 3;
        let shown = value.to_string();
        self.line_with_comment(&[key, " = ", &shown], comment);
        if let Some(cell) = cell {
            self.origins.push(Origin {
                span: value_start..value_start + shown.len(),
                place: cell.place.clone(),
                text: cell.text.clone(),
                verbatim_at: None,
            });
        }
    }

    /// A line of `pieces` (written straight onto the text: an importer writes one per cell),
    /// with the comment aligned after it.
    fn line_with_comment(&mut self, pieces: &[&str], comment: Option<&str>) {
        let start = self.text.len();
        for piece in pieces {
            self.text.push_str(piece);
        }
        let comment = comment.filter(|c| !c.is_empty() && self.comments);
        if let Some(comment) = comment {
            let code = self.text.get(start..).unwrap_or_default();
            let width = unicode_width::UnicodeWidthStr::width(code);
            let pad = self.comment_column.saturating_sub(width).max(1);
            self.text.push_str(&" ".repeat(pad));
            self.text.push_str("# ");
            self.text.push_str(&comment.replace('\n', " "));
        }
        self.text.push('\n');
    }

    /// The finished text as a source file whose diagnostics point at the cells.
    pub fn into_source(self, name: &str, document: &str) -> Arc<SourceFile> {
        SourceFile::generated(name, self.text, document, self.origins)
    }

    pub fn into_parts(self) -> (String, Vec<Origin>) {
        (self.text, self.origins)
    }
}

/// A TOML basic string: `"…"` with `\"`, `\\` and control characters escaped.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    // Nearly every cell needs no escape: a quote, a backslash, a control character (C0, DEL,
    // and C1, whose lead byte is C2) is looked for byte by byte before any is decoded.
    if !value
        .bytes()
        .any(|b| b < 0x20 || matches!(b, b'"' | b'\\' | 0x7F | 0xC2))
    {
        out.push_str(value);
        out.push('"');
        return out;
    }
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Chinese name of each key, by the table it stands in (`""` for the top level): the first
/// alias of the field in [`crate::form::raw`], which reads either spelling.
const CHINESE_KEYS: &[(&str, &str, &str)] = &[
    ("", "kind", "表类型"),
    ("", "ruleset", "评分规则"),
    ("", "year", "年度"),
    ("", "title", "标题"),
    ("", "project", "项目名称"),
    ("", "department", "主管部门"),
    ("", "unit", "实施单位"),
    ("", "budget", "项目资金"),
    ("", "objective", "年度总体目标"),
    ("", "tasks", "年度主要任务"),
    ("", "sections", "固定指标"),
    ("", "indicators", "绩效指标"),
    ("", "total", "总分"),
    ("budget", "initial", "年初预算数"),
    ("budget", "adjusted", "全年预算数"),
    ("budget", "executed", "全年执行数"),
    ("budget", "weight", "分值"),
    ("budget", "rate", "执行率"),
    ("budget", "score", "得分"),
    ("budget", "explanation", "偏差原因"),
    ("budget", "sources", "资金来源"),
    ("sources", "name", "名称"),
    ("sources", "initial", "年初预算数"),
    ("sources", "adjusted", "全年预算数"),
    ("sources", "executed", "全年执行数"),
    ("sources", "rate", "执行率"),
    ("objective", "expected", "预期目标"),
    ("objective", "achieved", "实际完成情况"),
    ("tasks", "name", "任务名称"),
    ("tasks", "content", "主要内容"),
    ("tasks", "achieved", "实际完成情况"),
    ("sections", "name", "名称"),
    ("sections", "items", "明细"),
    ("items", "name", "名称"),
    ("items", "description", "情况说明"),
    ("items", "weight", "分值"),
    ("items", "score", "得分"),
    ("items", "problems", "存在问题和改进措施"),
    ("indicators", "level1", "一级指标"),
    ("indicators", "level2", "二级指标"),
    ("indicators", "name", "三级指标"),
    ("indicators", "target", "年度指标值"),
    ("indicators", "actual", "实际完成值"),
    ("indicators", "weight", "分值"),
    ("indicators", "score", "得分"),
    ("indicators", "deviation", "偏差度"),
    ("indicators", "explanation", "偏差原因分析及改进措施"),
    ("indicators", "parts", "分项"),
    ("parts", "name", "名称"),
    ("parts", "actual", "实际完成值"),
    ("parts", "funds", "资金额度"),
    ("total", "score", "自评得分"),
    ("total", "grade", "等级"),
];

fn chinese_key(table: &str, key: &str) -> Option<&'static str> {
    CHINESE_KEYS
        .iter()
        .find(|(t, k, _)| *t == table && *k == key)
        .map(|(_, _, zh)| *zh)
}

/// Form-file text with its keys and table headers written in Chinese (quoted, as TOML wants), for
/// `jixiao init --lang zh`. Values, comments and layout are unchanged; a commented-out line
/// (`# rate = ""`) is translated too, so that uncommenting it works.
pub fn with_chinese_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut table = "";
    for line in text.split_inclusive('\n') {
        let (prefix, body) = match line.strip_prefix("# ") {
            Some(rest) => ("# ", rest),
            None => ("", line),
        };
        if prefix.is_empty() && body.starts_with('[') {
            let brackets = if body.starts_with("[[") { 2 } else { 1 };
            let close = body.find(']').unwrap_or(body.len());
            let path = body.get(brackets..close).unwrap_or("");
            let parts: Vec<&str> = path.split('.').collect();
            let mut parent = "";
            let mut translated = Vec::new();
            for part in &parts {
                translated.push(match chinese_key(parent, part) {
                    Some(zh) => format!("\"{zh}\""),
                    None => (*part).to_string(),
                });
                parent = part;
            }
            table = parts.last().copied().unwrap_or("");
            let open = "[".repeat(brackets);
            let rest = body.get(close..).unwrap_or("");
            out.push_str(&format!("{open}{}{rest}", translated.join(".")));
            continue;
        }
        let key_end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(0);
        let key = body.get(..key_end).unwrap_or("");
        match chinese_key(table, key) {
            Some(zh)
                if key_end > 0
                    && body
                        .get(key_end..)
                        .is_some_and(|r| r.trim_start().starts_with('=')) =>
            {
                out.push_str(prefix);
                out.push_str(&format!("\"{zh}\""));
                out.push_str(body.get(key_end..).unwrap_or(""));
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_read_back_unchanged() {
        let tricky = "a \"quoted\" \\ path\nsecond line\ttab\u{1}";
        let mut t = TomlText::new();
        t.string("name", tricky, Some("名称"), None);
        let value: toml::Table = toml::from_str(t.text()).unwrap();
        assert_eq!(value["name"].as_str(), Some(tricky));
    }

    #[test]
    fn origins_cover_the_value_and_point_inside_plain_strings() {
        let mut t = TomlText::new();
        t.string(
            "target",
            "≥95%",
            None,
            Some(&CellRef {
                place: "Sheet1!E5".into(),
                text: "≥95%".into(),
            }),
        );
        let (text, origins) = t.into_parts();
        let o = &origins[0];
        assert_eq!(&text[o.span.clone()], "\"≥95%\"");
        assert_eq!(&text[o.verbatim_at.unwrap()..o.span.end - 1], "≥95%");
    }
}
