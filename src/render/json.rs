//! JSON: decimals as strings that keep their scale (`"8.22"`, `"90.00"`).

use crate::diag::{Diagnostic, DiagnosticJson};
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
        structure: sheet.structure.iter().map(Diagnostic::to_json).collect(),
    }
}

pub fn to_string<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
