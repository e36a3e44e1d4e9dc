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

/// Pretty JSON in which no character can act on a terminal: serde escapes C0 controls inside
/// strings; DEL, the C1 controls (U+0080–U+009F, among them the 8-bit CSI) and the
/// bidirectional overrides are written as `\u` escapes too. Outside strings JSON holds only
/// printable ASCII and line breaks, so every such character is inside a string.
pub fn to_string<T: Serialize>(value: &T) -> String {
    let text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    if !text.chars().any(crate::diag::is_hidden_control_in_text) {
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
