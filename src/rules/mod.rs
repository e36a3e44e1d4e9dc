//! The rules language: `scoring-rules/*.rules`.
//!
//! Phases: [`lexer`] (lossless tokens) → [`parser`] (nom over tokens → [`ast`] with spans) →
//! [`check`] (→ [`ruleset::RuleSet`], every name resolved and every type known). [`expr`] holds
//! the checked expression language and its exact evaluator.

pub mod ast;
pub mod check;
pub mod examples;
pub mod expr;
pub mod format;
pub mod lexer;
pub mod parser;
pub mod parts;
pub mod region;
pub mod registry;
pub mod ruleset;

pub use registry::{Registry, RulesetRef};
pub use ruleset::{FormKind, RuleSet};

use crate::diag::{Diagnostic, SourceFile};
use parser::SyntaxError;
use std::sync::Arc;

/// Rule files larger than this are refused before parsing.
pub const MAX_RULES_BYTES: usize = 1 << 20;

/// The rulesets shipped inside the binary, so that they work from any directory: every
/// `scoring-rules/*.rules` file, listed by `build.rs` (henan-2023 and central-2020 first: tests
/// take them by position, then by name). Each is its id, the name errors and traces cite
/// (`built-in henan-2023.rules:82`; `jixiao rules export ID` writes the text to a file), and the
/// text.
pub const BUILTIN: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The text of a built-in ruleset, by id.
pub fn builtin_text(id: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(builtin, _, _)| *builtin == id)
        .map(|(_, _, text)| *text)
}

/// Parse and check rule text.
pub fn load_str(name: &str, text: &str) -> Result<RuleSet, Vec<Diagnostic>> {
    let file = SourceFile::new(name, text);
    if text.len() > MAX_RULES_BYTES {
        return Err(vec![
            Diagnostic::error(
                "rules::too-large",
                format!(
                    "规则文件过大 (the rule file is {} bytes; the limit is {MAX_RULES_BYTES})",
                    text.len()
                ),
            )
            .in_file(&file),
        ]);
    }
    check::check_file(&file)
}

/// Read, parse and check a rule file.
pub fn load_path(path: &std::path::Path) -> Result<RuleSet, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let text = crate::read_text(path)?;
    load_str(&name, &text)
}

/// Turn a syntax error into a diagnostic that names what was expected.
pub fn syntax_diagnostic(file: &Arc<SourceFile>, error: &SyntaxError) -> Diagnostic {
    let found = match &error.found {
        Some((kind, text)) if kind.is_trivia() => kind.describe().to_string(),
        Some((_, text)) => format!("`{text}`"),
        None => "the end of the file".to_string(),
    };
    let message = error
        .message
        .clone()
        .unwrap_or_else(|| format!("语法错误 (syntax error): unexpected {found}"));
    let mut diagnostic = Diagnostic::error("rules::syntax", message).at(file, error.span.clone());
    if !error.expected.is_empty() {
        diagnostic = diagnostic.label(format!("expected {}", join_alternatives(&error.expected)));
    }
    if let Some(open) = &error.unclosed {
        diagnostic = diagnostic.related(open.clone(), "this `(` is not closed (括号未闭合)");
    }
    if let Some(context) = error.context.first() {
        diagnostic = diagnostic.note(format!("while reading {context}"));
    }
    diagnostic
}

fn join_alternatives(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rulesets_check() {
        for (_, name, text) in BUILTIN {
            if let Err(errors) = load_str(name, text) {
                panic!("{}", crate::diag::render_all(&errors));
            }
        }
    }
}
