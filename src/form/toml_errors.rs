//! What the usual TOML mistakes in a form mean: a misspelt key (the nearest valid one), a table
//! written with single brackets where rows are repeated, a forgotten `[[indicators]]` line.

use crate::diag::{Diagnostic, SourceFile};
use std::sync::Arc;

pub fn toml_diagnostic(source: &Arc<SourceFile>, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_string();
    let mut diagnostic = Diagnostic::error(
        "form::toml",
        format!("表格文件格式错误 (malformed form file): {message}"),
    );
    if let Some(help) = toml_help(&message, source.text()) {
        diagnostic = diagnostic.help(help);
    }
    match error.span() {
        Some(span) => diagnostic.at(source, span),
        None => diagnostic.in_file(source),
    }
}

/// What the usual TOML mistakes in a form mean, in the words of the form: a misspelt key (the
/// nearest valid one), a table written with single brackets where rows are repeated, a row whose
/// `[[indicators]]` line was forgotten.
fn toml_help(message: &str, text: &str) -> Option<String> {
    if message.starts_with("invalid unquoted key") && !text.is_ascii() {
        return Some(
            "TOML keys in Chinese are written in quotes: `\"年度\" = 2023`, `[[\"绩效指标\"]]` (中文键名要加引号)"
                .to_string(),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (unknown, expected) = rest.split_once('`')?;
        let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let nearest = candidates
            .iter()
            .map(|c| (edit_distance(unknown, c), *c))
            .min()?;
        if nearest.0 <= unknown.chars().count().div_ceil(2).max(1) {
            return Some(format!(
                "did you mean `{}`? (是否应为 `{}`)",
                nearest.1, nearest.1
            ));
        }
        return None;
    }
    if message.starts_with("duplicate key")
        || message.contains("invalid type: map, expected a sequence")
    {
        for table in ["indicators", "sources", "tasks", "sections", "items"] {
            let single = format!("[{table}]");
            let dotted = format!(".{table}]");
            if text.lines().any(|l| {
                let l = l.trim();
                l == single || (l.ends_with(&dotted) && !l.starts_with("[["))
            }) {
                return Some(format!(
                    "each row of a repeated table starts with double brackets: `[[{table}]]`, not `[{table}]` (每一行以 [[{table}]] 开头)"
                ));
            }
        }
        return Some(
            "a key appears twice in one table: did a row miss its `[[indicators]]` (or `[[budget.sources]]`) line? (是否漏写了某一行开头的 [[indicators]]？)"
                .to_string(),
        );
    }
    None
}

/// Levenshtein distance over characters, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row.get(j + 1).copied().unwrap_or(0);
            let insert = row.get(j).copied().unwrap_or(0) + 1;
            let delete = previous + 1;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = substitute.min(insert).min(delete);
            }
        }
    }
    row.last().copied().unwrap_or(0)
}
