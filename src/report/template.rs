//! A small text template language for the disclosure narrative, so that its wording lives in a
//! file users can change while every figure comes from the engine.
//!
//! - `{{名称}}` — a field;
//! - `{{#项目}} … {{/项目}}` — repeated for each item of a list, or shown when a field is true or
//!   non-empty;
//! - `{{^部门整体}} … {{/部门整体}}` — shown when a list is empty or a field is false or empty;
//! - `{{! … }}` — a comment.
//!
//! A tag alone on its line takes the line with it. A field the data does not have is an error
//! that names the template's line and column, never a silently empty gap.

use crate::diag::{Diagnostic, SourceFile};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// What a template is filled with.
/// Sections (`{{#…}}`, `{{^…}}`) nested deeper than this are refused when the template is
/// parsed: rendering recurses once per level, and each level of lists multiplies the text (a
/// 423-byte template nested 18 deep allocated 7 GB; 50,000 nested sections overflowed the stack).
pub const MAX_DEPTH: usize = 16;
/// Text a template may make: the disclosure narrative is a few kilobytes.
pub const MAX_OUTPUT_BYTES: usize = 4 << 20;
/// Errors reported from one rendering (an unknown field inside a list repeats per item).
const MAX_ERRORS: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    Bool(bool),
    List(Vec<Fields>),
}

pub type Fields = BTreeMap<String, FieldValue>;

impl From<&str> for FieldValue {
    fn from(s: &str) -> FieldValue {
        FieldValue::Text(s.to_string())
    }
}

impl From<String> for FieldValue {
    fn from(s: String) -> FieldValue {
        FieldValue::Text(s)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Field {
        name: String,
        span: Range<usize>,
    },
    Section {
        name: String,
        inverted: bool,
        span: Range<usize>,
        body: Vec<Node>,
    },
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    source: Arc<SourceFile>,
    nodes: Vec<Node>,
}

/// An open section: its name, whether it is inverted (`{{^…}}`), where it opened, its body.
type OpenSection = (String, bool, Range<usize>, Vec<Node>);

/// `{{/name}}`: the innermost open section ends here and joins its parent's body, or the tag is
/// an error (its message and label) because it closes another section or none.
fn close_section(
    stack: &mut Vec<OpenSection>,
    nodes: &mut Vec<Node>,
    name: &str,
) -> Result<(), (String, String)> {
    match stack.pop() {
        Some((open_name, inverted, open_span, body)) if open_name == name => {
            let node = Node::Section {
                name: open_name,
                inverted,
                span: open_span,
                body,
            };
            match stack.last_mut() {
                Some((_, _, _, body)) => body.push(node),
                None => nodes.push(node),
            }
            Ok(())
        }
        Some((open_name, _, _, _)) => Err((
            format!("段落结束标记不匹配 (`{{{{/{name}}}}}` closes `{{{{#{open_name}}}}}`)"),
            format!("expected {{{{/{open_name}}}}}"),
        )),
        None => Err((
            format!("多余的段落结束标记 (`{{{{/{name}}}}}` closes nothing)"),
            "no section is open here".to_string(),
        )),
    }
}

impl Template {
    pub fn parse(name: &str, text: &str) -> Result<Template, Vec<Diagnostic>> {
        let source = SourceFile::new(name, text);
        let (text, map) = strip_standalone(text);
        // A span in the stripped text, as a span in the file.
        let original = |span: Range<usize>| -> Range<usize> {
            let start = map.get(span.start).copied().unwrap_or(source.text().len());
            let end = span
                .end
                .checked_sub(1)
                .and_then(|last| map.get(last))
                .map_or(start, |&last| last + 1);
            start..end.max(start)
        };
        let mut stack: Vec<OpenSection> = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut rest = 0usize;
        let error = |span: Range<usize>, message: String, label: &str| {
            vec![
                Diagnostic::error("template::syntax", message)
                    .at(&source, original(span))
                    .label(label),
            ]
        };
        while let Some(open) = text.get(rest..).and_then(|t| t.find("{{")) {
            let open = rest + open;
            let Some(close) = text.get(open + 2..).and_then(|t| t.find("}}")) else {
                return Err(error(
                    open..open + 2,
                    "模板标记未闭合 (a `{{` without its `}}`)".into(),
                    "expected `}}` after this",
                ));
            };
            let close = open + 2 + close;
            let target = match stack.last_mut() {
                Some((_, _, _, body)) => body,
                None => &mut nodes,
            };
            if open > rest {
                target.push(Node::Text(text[rest..open].to_string()));
            }
            let tag = text[open + 2..close].trim();
            let span = open..close + 2;
            let located = original(span.clone());
            rest = close + 2;
            if tag.starts_with('!') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('#').or_else(|| tag.strip_prefix('^')) {
                let inverted = tag.starts_with('^');
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        span,
                        format!(
                            "段落嵌套过深 (sections nested more than {MAX_DEPTH} deep: each level of lists multiplies the text)"
                        ),
                        "this section is one level too deep",
                    ));
                }
                stack.push((name.trim().to_string(), inverted, located, Vec::new()));
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                close_section(&mut stack, &mut nodes, name.trim())
                    .map_err(|(message, label)| error(span, message, &label))?;
                continue;
            }
            if tag.is_empty() {
                return Err(error(
                    span,
                    "空的模板标记 (an empty `{{}}`)".into(),
                    "expected a field name",
                ));
            }
            target.push(Node::Field {
                name: tag.to_string(),
                span: located,
            });
        }
        if let Some((name, _, span, _)) = stack.pop() {
            return Err(vec![
                Diagnostic::error(
                    "template::syntax",
                    format!("段落未结束 (`{{{{#{name}}}}}` is never closed)"),
                )
                .at(&source, span)
                .label(format!("expected {{{{/{name}}}}} later")),
            ]);
        }
        if let Some(tail) = text.get(rest..).filter(|t| !t.is_empty()) {
            nodes.push(Node::Text(tail.to_string()));
        }
        Ok(Template { source, nodes })
    }

    pub fn render(&self, data: &Fields) -> Result<String, Vec<Diagnostic>> {
        let mut out = String::new();
        let mut errors = Vec::new();
        let mut scopes = vec![data];
        self.render_nodes(&self.nodes, &mut scopes, &mut out, &mut errors);
        if out.len() > MAX_OUTPUT_BYTES {
            return Err(vec![
                Diagnostic::error(
                    "template::too-large",
                    format!(
                        "模板生成的文本过长 (the template makes more than {MAX_OUTPUT_BYTES} bytes of text: nested lists multiply it)"
                    ),
                )
                .at(&self.source, 0..0)
                .label("rendering stopped at the limit"),
            ]);
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            errors.dedup_by(|a, b| a.span == b.span);
            Err(errors)
        }
    }

    fn lookup<'d>(scopes: &[&'d Fields], name: &str) -> Option<&'d FieldValue> {
        scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn unknown(&self, name: &str, span: &Range<usize>, scopes: &[&Fields]) -> Diagnostic {
        let mut known: Vec<&str> = scopes
            .iter()
            .flat_map(|s| s.keys().map(String::as_str))
            .collect();
        known.sort_unstable();
        known.dedup();
        Diagnostic::error(
            "template::unknown-field",
            format!("模板中的字段「{name}」不存在 (no field named `{name}` here)"),
        )
        .at(&self.source, span.clone())
        .label("unknown field")
        .note(format!("fields here: {}", known.join("、")))
    }

    fn render_nodes(
        &self,
        nodes: &[Node],
        scopes: &mut Vec<&Fields>,
        out: &mut String,
        errors: &mut Vec<Diagnostic>,
    ) {
        for node in nodes {
            // Past the limit, rendering unwinds at once; `render` reports it.
            if out.len() > MAX_OUTPUT_BYTES || errors.len() >= MAX_ERRORS {
                return;
            }
            match node {
                Node::Text(t) => out.push_str(t),
                Node::Field { name, span } => match Self::lookup(scopes, name) {
                    Some(FieldValue::Text(t)) => out.push_str(t),
                    Some(FieldValue::Bool(b)) => out.push_str(if *b { "是" } else { "否" }),
                    Some(FieldValue::List(items)) => out.push_str(&items.len().to_string()),
                    None => errors.push(self.unknown(name, span, scopes)),
                },
                Node::Section {
                    name,
                    inverted,
                    span,
                    body,
                } => {
                    let Some(value) = Self::lookup(scopes, name) else {
                        errors.push(self.unknown(name, span, scopes));
                        continue;
                    };
                    let truthy = match value {
                        FieldValue::Text(t) => !t.is_empty(),
                        FieldValue::Bool(b) => *b,
                        FieldValue::List(items) => !items.is_empty(),
                    };
                    if *inverted {
                        if !truthy {
                            self.render_nodes(body, scopes, out, errors);
                        }
                        continue;
                    }
                    match value {
                        FieldValue::List(items) => {
                            for item in items {
                                scopes.push(item);
                                self.render_nodes(body, scopes, out, errors);
                                scopes.pop();
                            }
                        }
                        _ if truthy => self.render_nodes(body, scopes, out, errors),
                        _ => {}
                    }
                }
            }
        }
    }
}

/// Lines that hold nothing but a section tag or a comment are dropped with their line break, so
/// that `{{#项目}}` on a line of its own leaves no blank line behind. Returns the text and, for each
/// of its bytes, the offset in the original (for diagnostics).
fn strip_standalone(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        let standalone = trimmed.starts_with("{{")
            && trimmed.ends_with("}}")
            && trimmed.matches("{{").count() == 1
            && matches!(trimmed.chars().nth(2), Some('#' | '^' | '/' | '!'));
        let (kept, at) = if standalone {
            let lead = body.len() - body.trim_start().len();
            (trimmed, offset + lead)
        } else {
            (line, offset)
        };
        out.push_str(kept);
        map.extend(at..at + kept.len());
        offset += line.len();
    }
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, FieldValue)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn fields_sections_and_standalone_lines() {
        let t = Template::parse(
            "t",
            "共{{个数}}个：\n{{#项目}}\n- {{名称}}{{#优}}（优）{{/优}}\n{{/项目}}\n{{^空}}无空{{/空}}\n",
        )
        .unwrap();
        let data = fields(&[
            ("个数", "2".into()),
            (
                "项目",
                FieldValue::List(vec![
                    fields(&[("名称", "甲".into()), ("优", FieldValue::Bool(true))]),
                    fields(&[("名称", "乙".into()), ("优", FieldValue::Bool(false))]),
                ]),
            ),
            ("空", FieldValue::List(vec![])),
        ]);
        assert_eq!(
            t.render(&data).unwrap(),
            "共2个：\n- 甲（优）\n- 乙\n无空\n"
        );
    }

    #[test]
    fn unknown_fields_and_unclosed_sections_are_located() {
        let t = Template::parse("t.txt", "第一行\n得分{{自评得份}}\n").unwrap();
        let errors = t.render(&fields(&[("自评得分", "1".into())])).unwrap_err();
        let shown = errors[0].to_string();
        assert!(shown.contains("t.txt:2:3"), "{shown}");
        assert!(shown.contains("自评得份"), "{shown}");
        let errors = Template::parse("t.txt", "{{#项目}}\n没有结束\n").unwrap_err();
        assert!(errors[0].to_string().contains("never closed"));
        let errors = Template::parse("t.txt", "{{#项目}}{{/部门}}").unwrap_err();
        assert!(errors[0].to_string().contains("closes"));
    }
}
