//! Rows reported by parts, as the checks see them: with the actual the engine scored (the parts
//! combined), so that a check reading a row's 实际完成值 reads the figure that was scored rather
//! than a blank cell or the printed claim (which the engine holds against it already).

use crate::form::{Field, Form};
use crate::score::ScoreSheet;
use crate::value;

/// The form with each row that has parts given its combined actual; `None` when no row has
/// parts (the form is reviewed as it is).
pub(super) fn with_combined_actuals(form: &Form, sheet: &ScoreSheet) -> Option<Form> {
    if sheet.indicators.iter().all(|r| r.parts.is_none()) {
        return None;
    }
    let mut combined = form.clone();
    for row in &mut combined.indicators {
        let line = form.line_of(&row.span);
        let Some(scored) = sheet
            .indicators
            .iter()
            .find(|s| s.line == line && s.name == row.name.value)
        else {
            continue;
        };
        let Some(text) = scored.parts.as_ref().and_then(|p| p.combined.as_ref()) else {
            continue;
        };
        if let Ok(actual) = value::parse_actual(text) {
            row.actual = Field {
                value: actual,
                text: text.clone(),
                span: row.actual.span.clone(),
            };
        }
    }
    Some(combined)
}
