//! The fixed sections (judgement items such as 项目决策, 项目管理): each item's claimed score
//! within its weight, and the sections and items the template expects but the form lacks.

use super::{Engine, Problem, ProblemKind, SectionItemScore, SectionScore, claimed};
use crate::form::{Section, SectionItem};
use crate::rules::ruleset::{SectionRule, Template};
use rust_decimal::Decimal;

impl Engine<'_> {
    /// Fixed sections score what the unit claims (they are judgement items), within their weight.
    pub(super) fn sections(&mut self, template: &Template) -> Vec<SectionScore> {
        let form = self.form;
        let mut out = Vec::new();
        for section in &form.sections {
            out.push(self.section(template, section));
        }
        self.missing_sections(template);
        out
    }

    /// One section as printed, checked against its rule where the template has one.
    fn section(&mut self, template: &Template, section: &Section) -> SectionScore {
        let form = self.form;
        let rule = template
            .sections
            .iter()
            .find(|s| s.name == section.name.value);
        if rule.is_none() {
            let names: Vec<&str> = template.sections.iter().map(|s| s.name.as_str()).collect();
            self.structure.push(
                Problem::warning(
                    ProblemKind::UnknownSection,
                    format!(
                        "{} 不在{}的{}表模板中 (section {} is not part of the {} template of {})",
                        section.name.value,
                        self.ruleset.label(),
                        form.kind.value,
                        section.name.value,
                        form.kind.value,
                        self.ruleset.label()
                    ),
                )
                .at(&form.source, section.name.span.clone())
                .label(if names.is_empty() {
                    "this template has no fixed sections".to_string()
                } else {
                    format!("expected {}", names.join(", "))
                }),
            );
        }
        let mut items = Vec::new();
        for item in &section.items {
            items.push(self.section_item(rule, item));
        }
        if let Some(rule) = rule {
            for (name, _) in &rule.items {
                if !section.items.iter().any(|i| i.name.value == *name) {
                    self.structure.push(
                        Problem::warning(
                            ProblemKind::MissingItem,
                            format!(
                                "{} 缺少评分项 {name} (section {} lacks the item {name})",
                                rule.name, rule.name
                            ),
                        )
                        .at(&form.source, section.name.span.clone()),
                    );
                }
            }
        }
        let weight = items
            .iter()
            .map(|i| i.weight)
            .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
        let score = items
            .iter()
            .map(|i| i.score)
            .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
        SectionScore {
            name: section.name.value.clone(),
            weight,
            score,
            items,
        }
    }

    /// One item of a section: its weight by the rule (else as printed), its claimed score held
    /// within it.
    fn section_item(&mut self, rule: Option<&SectionRule>, item: &SectionItem) -> SectionItemScore {
        let form = self.form;
        let rule_weight = rule
            .and_then(|r| r.items.iter().find(|(n, _)| *n == item.name.value))
            .map(|(_, w)| *w);
        if let Some(rule) = rule {
            match rule_weight {
                None => self.structure.push(
                    Problem::warning(
                        ProblemKind::UnknownItem,
                        format!(
                            "{} 不是{}的评分项 (`{}` is not an item of {})",
                            item.name.value, rule.name, item.name.value, rule.name
                        ),
                    )
                    .at(&form.source, item.name.span.clone())
                    .label(format!(
                        "expected {}",
                        rule.items
                            .iter()
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ),
                Some(w) => {
                    if let Some(printed) = item.weight.as_ref().filter(|p| p.value != w) {
                        self.structure.push(
                            Problem::warning(ProblemKind::Weight, format!("{} 的分值 {} 与规则的 {w} 不符 (the weight of {} is {}, the rules say {w})", item.name.value, printed.text, item.name.value, printed.text))
                                .at(&form.source, printed.span.clone()),
                        );
                    }
                }
            }
        }
        let weight = rule_weight
            .or(crate::form::value_of(&item.weight))
            .unwrap_or_default();
        let (score, note) = match &item.score {
            None => (
                Decimal::ZERO,
                Some("未填写得分，按 0 计 (no score entered; counted as 0)".to_string()),
            ),
            Some(s) if s.value > weight => (
                weight,
                Some(format!(
                    "得分 {} 超过分值，按 {weight} 计 (the score is above the weight; counted as {weight})",
                    s.text
                )),
            ),
            Some(s) if s.value.is_sign_negative() && !s.value.is_zero() => (
                Decimal::ZERO,
                Some("得分为负，按 0 计 (a negative score counts as 0)".to_string()),
            ),
            Some(s) => (self.ruleset.rounding.score.apply(s.value), None),
        };
        SectionItemScore {
            name: item.name.value.clone(),
            line: form.line_of(&item.span),
            weight,
            score,
            claimed: claimed(form, &item.score),
            note,
        }
    }

    /// The template's sections the form does not print, each with what to add.
    fn missing_sections(&mut self, template: &Template) {
        let form = self.form;
        for rule in &template.sections {
            if !form.sections.iter().any(|s| s.name.value == rule.name) {
                self.structure.push(
                    Problem::warning(
                        ProblemKind::MissingSection,
                        format!(
                            "缺少{}（{}分）(the form lacks the section {}, worth {} points)",
                            rule.name, rule.weight, rule.name, rule.weight
                        ),
                    )
                    .at(&form.source, form.kind.span.clone())
                    .help(format!(
                        "add [[sections]] name = \"{}\" with its items: {}",
                        rule.name,
                        rule.items
                            .iter()
                            .map(|(n, w)| format!("{n} {w}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
    }
}
