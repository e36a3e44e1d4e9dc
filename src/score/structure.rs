//! The indicator table against its template: level-1 and level-2 names the template does not
//! know, the level-1 subtotals, and weights that do not add up.

use super::{Engine, IndicatorScore, Level1Subtotal, Problem, ProblemKind};
use crate::rules::ruleset::Template;
use rust_decimal::Decimal;

impl Engine<'_> {
    /// Check the rows against the template and add up the level-1 subtotals.
    pub(super) fn structure_and_subtotals(
        &mut self,
        template: &Template,
        rows: &[IndicatorScore],
    ) -> Vec<Level1Subtotal> {
        self.unknown_names(template);
        let (mut subtotals, extra) = subtotals(template, rows);
        self.group_weights(template, rows, &subtotals);
        let indicator_weight = subtotals
            .iter()
            .chain(extra.iter())
            .map(|s| s.weight)
            .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
        self.total_weights(template, indicator_weight);
        subtotals.extend(extra);
        // Weights add up with the scale of their longest term (3.5 + 3 = 6.5, 12.5 + 12.5 = 25.0);
        // show them as a person writes them.
        for s in &mut subtotals {
            s.weight = s.weight.normalize();
        }
        subtotals
    }

    /// Rows (and empty category rows) whose level-1 or level-2 names the template does not know,
    /// each name said once.
    fn unknown_names(&mut self, template: &Template) {
        let form = self.form;
        let ruleset_label = self.ruleset.label();
        let mut reported_level1: Vec<String> = Vec::new();
        let mut reported_level2: Vec<(String, String)> = Vec::new();
        let names = form
            .indicators
            .iter()
            .map(|i| (&i.level1, &i.level2))
            .collect::<Vec<_>>();
        // A flat template (`indicators 90 { }`) names no level-1 group: it takes the rows as
        // the form prints them, so no row's level-1 is unknown to it.
        let flat = template.level1.is_empty();
        for (level1, level2) in names {
            match template.level1_index(&level1.value) {
                None if flat => {}
                None => {
                    if !reported_level1.contains(&level1.value) {
                        reported_level1.push(level1.value.clone());
                        let count = form
                            .indicators
                            .iter()
                            .filter(|i| i.level1.value == level1.value)
                            .count();
                        let expected: Vec<&str> =
                            template.level1.iter().map(|l| l.name()).collect();
                        self.structure.push(
                            Problem::warning(ProblemKind::UnknownLevel1, format!("一级指标 {} 不在 {} 的{}表模板中 (level-1 indicator {} is not in the {} template of {}; {count} row(s))", level1.value, ruleset_label, form.kind.value, level1.value, form.kind.value, ruleset_label))
                                .at(&form.source, level1.span.clone())
                                .label(format!("expected {}", expected.join(", "))),
                        );
                    }
                }
                Some(i) => {
                    // `i` is the position `level1_index` found in `template.level1`.
                    let rule = &template.level1[i];
                    if !rule.level2.is_empty()
                        && rule.level2_index(&level2.value).is_none()
                        && !reported_level2.contains(&(level1.value.clone(), level2.value.clone()))
                    {
                        reported_level2.push((level1.value.clone(), level2.value.clone()));
                        let expected: Vec<&str> = rule
                            .level2
                            .iter()
                            .filter_map(|l| l.names.first().map(String::as_str))
                            .collect();
                        self.structure.push(
                            Problem::warning(ProblemKind::UnknownLevel2, format!("二级指标 {} 不属于 {} (level-2 indicator {} is not under {} in {})", level2.value, rule.name(), level2.value, rule.name(), ruleset_label))
                                .at(&form.source, level2.span.clone())
                                .label(format!("expected {}", expected.join(", "))),
                        );
                    }
                }
            }
        }
    }

    /// The weights under each of the template's level-1 and level-2 groups that differ from what
    /// the rules fix.
    fn group_weights(
        &mut self,
        template: &Template,
        rows: &[IndicatorScore],
        subtotals: &[Level1Subtotal],
    ) {
        let form = self.form;
        for (i, rule) in template.level1.iter().enumerate() {
            let Some(subtotal) = subtotals.get(i) else {
                continue;
            };
            let first_row = form
                .indicators
                .iter()
                .find(|r| rule.matches(&r.level1.value));
            if let Some(want) = subtotal.rule_weight
                && subtotal.weight != want
            {
                let at = first_row
                    .map(|r| r.level1.span.clone())
                    .unwrap_or(form.kind.span.clone());
                self.structure.push(
                        Problem::warning(ProblemKind::Weights, format!("{} 下各三级指标分值之和为 {}，应为 {want} (the weights under {} add up to {}, not {want})", rule.name(), subtotal.weight, rule.name(), subtotal.weight))
                            .at(&form.source, at),
                    );
            }
            for l2 in &rule.level2 {
                let Some(want) = l2.weight else { continue };
                let under: Vec<&IndicatorScore> = rows
                    .iter()
                    .filter(|r| rule.matches(&r.level1) && l2.names.contains(&r.level2))
                    .collect();
                let sum = under
                    .iter()
                    .map(|r| r.weight)
                    .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
                if sum != want && subtotal.rule_weight != Some(Decimal::ZERO) {
                    let l2_name = l2.names.first().map_or("", String::as_str);
                    let at = form
                        .indicators
                        .iter()
                        .find(|r| {
                            rule.matches(&r.level1.value) && l2.names.contains(&r.level2.value)
                        })
                        .map(|r| r.level2.span.clone())
                        .or(first_row.map(|r| r.level1.span.clone()))
                        .unwrap_or(form.kind.span.clone());
                    self.structure.push(
                        Problem::warning(ProblemKind::Weights, format!("{} 下各三级指标分值之和为 {sum}，应为 {want} (the weights under {}/{} add up to {sum}, not {want})", l2_name, rule.name(), l2_name))
                            .at(&form.source, at),
                    );
                }
            }
        }
    }

    /// The indicator weights against the template's total for them, and the whole form's weights
    /// against 100 (said only when no group's weights were found wrong already).
    fn total_weights(&mut self, template: &Template, indicator_weight: Decimal) {
        let form = self.form;
        if let Some(total) = template.indicators_total
            && indicator_weight != total
        {
            self.structure.push(
                    Problem::warning(ProblemKind::Weights, format!("绩效指标分值合计为 {indicator_weight}，应为 {total} (the indicator weights add up to {indicator_weight}, not {total})"))
                        .at(&form.source, form.kind.span.clone()),
                );
        }
        let section_weight = template
            .sections
            .iter()
            .map(|s| s.weight)
            .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
        let grand = template
            .execution
            .weight
            .checked_add(section_weight)
            .and_then(|w| w.checked_add(indicator_weight));
        if grand != Some(Decimal::ONE_HUNDRED)
            && self
                .structure
                .iter()
                .all(|p| p.kind != ProblemKind::Weights)
        {
            self.structure.push(
                Problem::warning(
                    ProblemKind::Weights,
                    format!(
                        "全表分值合计为 {}，应为 100 (the form's weights add up to {}, not 100)",
                        grand.map_or("?".into(), |g| g.to_string()),
                        grand.map_or("?".into(), |g| g.to_string())
                    ),
                )
                .at(&form.source, form.kind.span.clone()),
            );
        }
    }
}

/// The level-1 subtotals: one for each of the template's groups (in its order, with the weight
/// of an absent group passed on as the rules say), and one for each group the template does not
/// know (in the order the rows name them).
fn subtotals(
    template: &Template,
    rows: &[IndicatorScore],
) -> (Vec<Level1Subtotal>, Vec<Level1Subtotal>) {
    let mut subtotals: Vec<Level1Subtotal> = template
        .level1
        .iter()
        .map(|l| Level1Subtotal {
            name: l.name().to_string(),
            rule_weight: l.weight,
            weight: Decimal::ZERO,
            score: Decimal::ZERO,
        })
        .collect();
    let mut extra: Vec<Level1Subtotal> = Vec::new();
    for row in rows {
        let slot = match template.level1_index(&row.level1) {
            Some(i) => subtotals.get_mut(i),
            None => {
                if !extra.iter().any(|e| e.name == row.level1) {
                    extra.push(Level1Subtotal {
                        name: row.level1.clone(),
                        rule_weight: None,
                        weight: Decimal::ZERO,
                        score: Decimal::ZERO,
                    });
                }
                extra.iter_mut().find(|e| e.name == row.level1)
            }
        };
        if let Some(slot) = slot {
            slot.weight = slot.weight.checked_add(row.weight).unwrap_or(slot.weight);
            slot.score = slot.score.checked_add(row.score).unwrap_or(slot.score);
        }
    }
    // An absent level-1 with `absent -> X` passes its weight to X.
    for (i, rule) in template.level1.iter().enumerate() {
        let present = rows.iter().any(|r| rule.matches(&r.level1));
        if let (false, Some(to), Some(weight)) = (present, rule.absent_to, rule.weight) {
            if let Some(s) = subtotals.get_mut(i) {
                s.rule_weight = Some(Decimal::ZERO);
            }
            if let Some(target) = subtotals.get_mut(to) {
                target.rule_weight = target.rule_weight.and_then(|w| w.checked_add(weight));
            }
        }
    }
    (subtotals, extra)
}
