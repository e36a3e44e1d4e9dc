//! A blank 一级指标 cell, placed by its 二级指标.
//!
//! Forms published as HTML or PDF often lose the merged 一级 label (a vertical `产出指标` that
//! did not survive, or a cell that prints only `(50分)`), while every 二级 cell is there. A
//! person reading such a form puts a 数量指标 row under 产出指标 without a second thought; so does
//! jixiao, when the ruleset's template has exactly one 一级指标 with that 二级指标, and says so
//! in a note. A 二级 name the template does not know, or knows under two 一级s, stays blank.

use crate::diag::Diagnostic;
use crate::form::Form;
use crate::rules::RuleSet;

/// The form with its blank 一级 cells filled from the template, or `None` when nothing was
/// placed (the form is then scored as it is, without a copy).
pub fn place_blank_level1(ruleset: &RuleSet, form: &Form) -> Option<Form> {
    let template = ruleset.template(form.kind.value)?;
    let owner = |level2: &str| -> Option<&str> {
        let mut owners = template
            .level1
            .iter()
            .filter(|l| l.level2_index(level2).is_some());
        match (owners.next(), owners.next()) {
            (Some(only), None) => Some(only.name()),
            _ => None,
        }
    };
    let needs = |level1: &str, level2: &str| level1.is_empty() && owner(level2).is_some();
    let any = form
        .indicators
        .iter()
        .any(|r| needs(&r.level1.value, &r.level2.value))
        || form
            .empty_categories
            .iter()
            .any(|c| needs(&c.level1, &c.level2));
    if !any {
        return None;
    }
    let mut placed = form.clone();
    let mut first: Option<(crate::form::Span, String, String)> = None;
    let mut count = 0usize;
    for row in &mut placed.indicators {
        if let Some(name) = owner(&row.level2.value).filter(|_| row.level1.value.is_empty()) {
            row.level1.value = name.to_string();
            count += 1;
            if first.is_none() {
                first = Some((
                    row.level1.span.clone(),
                    row.level2.value.clone(),
                    name.to_string(),
                ));
            }
        }
    }
    for category in &mut placed.empty_categories {
        if let Some(name) = owner(&category.level2).filter(|_| category.level1.is_empty()) {
            category.level1 = name.to_string();
        }
    }
    if let Some((span, level2, level1)) = first {
        placed.notes.push(
            Diagnostic::warning(
                "form::level1-from-level2",
                format!(
                    "{count} 行的一级指标为空，按二级指标归入模板的一级指标，如 {level2} 归入 {level1} (the 一级指标 cell is blank on {count} row(s); each is placed by its 二级指标, e.g. {level2} under {level1})"
                ),
            )
            .at(&placed.source, span)
            .help("print the 一级指标 on every row, or merged over its rows"),
        );
    }
    Some(placed)
}
