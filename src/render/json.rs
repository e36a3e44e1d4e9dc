//! JSON: decimals as strings that keep their scale (`"8.22"`, `"90.00"`).

use crate::diag::DiagnosticJson;
use crate::score::{Mismatch, ScoreSheet};
use serde::Serialize;

#[derive(Serialize)]
pub struct SheetJson<'a> {
    #[serde(flatten)]
    pub sheet: &'a ScoreSheet,
    pub mismatches: Vec<Mismatch>,
    pub structure: Vec<DiagnosticJson<'a>>,
}

pub fn sheet(sheet: &ScoreSheet) -> SheetJson<'_> {
    SheetJson {
        sheet,
        mismatches: sheet.mismatches(),
        structure: sheet.structure.iter().map(|p| p.to_json()).collect(),
    }
}

/// A JSON array in pieces, one element at a time, as [`to_string`] writes the whole array: `[`
/// and the first element, each next element after its comma, then `]`. The elements are indented
/// line by line (a string value holds no line break: JSON escapes it).
pub fn array_pieces<T: Serialize>(items: impl Iterator<Item = T>) -> impl Iterator<Item = String> {
    let mut items = items.peekable();
    let empty = items.peek().is_none();
    items
        .enumerate()
        .map(|(at, item)| {
            let lines: Vec<String> = to_string(&item)
                .lines()
                .map(|line| format!("  {line}"))
                .collect();
            format!(
                "{}{}",
                if at == 0 { "[\n" } else { ",\n" },
                lines.join("\n")
            )
        })
        .chain(std::iter::once(
            if empty { "[]" } else { "\n]" }.to_string(),
        ))
}

/// Pretty JSON in which no character can act on a terminal: serde escapes C0 controls inside
/// strings; DEL, the C1 controls (U+0080–U+009F, among them the 8-bit CSI) and the
/// bidirectional overrides are written as `\u` escapes too. Outside strings JSON holds only
/// printable ASCII and line breaks, so every such character is inside a string.
pub fn to_string<T: Serialize>(value: &T) -> String {
    let text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    // A form's whole JSON passes here: cleared by its bytes first (1% of a review).
    if !crate::diag::may_hold_hidden_in_text(&text)
        || !text.chars().any(crate::diag::is_hidden_control_in_text)
    {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if crate::diag::is_hidden_control_in_text(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{array_pieces, to_string};

    #[test]
    fn an_array_in_pieces_is_the_array_written_whole() {
        let arrays: [Vec<serde_json::Value>; 3] = [
            vec![],
            vec![serde_json::json!({"a": "x\ny", "b": [1, 2]})],
            vec![
                serde_json::json!({"a": {"b": {}}}),
                serde_json::json!("\u{1b}[31m"),
                serde_json::json!([]),
            ],
        ];
        for array in arrays {
            let pieces: String = array_pieces(array.iter()).collect();
            assert_eq!(pieces, to_string(&array));
        }
    }
}
