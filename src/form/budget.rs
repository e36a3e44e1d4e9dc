//! The budget block (资金 and its sources, the execution figures) and the scored sections.

use super::raw::RawNumber;
use super::validate::Validator;
use super::{Budget, Field, FundSource, MoneyUnit, Section, SectionItem, raw};
use rust_decimal::Decimal;
use toml::Spanned;

impl Validator<'_> {
    pub(super) fn budget(&mut self, raw: Spanned<raw::RawBudget>) -> Option<Budget> {
        let span = raw.span();
        let b = raw.into_inner();
        let unit = match &b.unit {
            None => MoneyUnit::WAN,
            Some(text) => MoneyUnit::parse(text.get_ref()).unwrap_or_else(|| {
                self.note(
                    "form::money-unit",
                    text.span(),
                    format!(
                        "未知的金额单位「{}」，按万元读取 (unknown money unit: read as 万元)",
                        text.get_ref()
                    ),
                )
                .label = Some("expected 元, 千元, 万元 or 亿元".into());
                MoneyUnit::WAN
            }),
        };
        let has_initial_column = b.initial.is_some();
        let has_adjusted_column = b.adjusted.is_some();
        let initial = self.optional_amount(b.initial, "年初预算数", "");
        let adjusted = self.optional_amount(b.adjusted, "全年预算数", "");
        let executed = self.optional_amount(b.executed, "全年执行数", "");
        let weight = self.claimed_number(b.weight, "分值");
        let rate = self.claimed_percent(b.rate, "执行率");
        let score = self.claimed_number(b.score, "得分");
        if let (Some(adjusted), Some(executed)) = (&adjusted, &executed) {
            self.check_overspend(adjusted, executed, "");
        }
        let mut sources = Vec::new();
        for s in b.sources {
            let source_span = s.span();
            let r = s.into_inner();
            let name = Self::text(r.name);
            // A fund-source row printed with every amount blank (其他资金 on most forms) says
            // there was no such money: nothing to note.
            let blank = |c: &Option<Spanned<RawNumber>>| {
                c.as_ref()
                    .is_none_or(|c| c.get_ref().text.trim().is_empty())
            };
            let (initial, adjusted, executed) =
                if blank(&r.initial) && blank(&r.adjusted) && blank(&r.executed) {
                    (None, None, None)
                } else {
                    (
                        self.optional_amount(r.initial, "年初预算数", &name.value),
                        self.optional_amount(r.adjusted, "全年预算数", &name.value),
                        self.optional_amount(r.executed, "全年执行数", &name.value),
                    )
                };
            let rate = self.claimed_percent(r.rate, "执行率");
            if let (Some(adjusted), Some(executed)) = (&adjusted, &executed) {
                self.check_overspend(adjusted, executed, &name.value);
            }
            sources.push(FundSource {
                name,
                initial,
                adjusted,
                executed,
                rate,
                span: source_span,
            });
        }
        Some(Budget {
            unit,
            initial,
            adjusted,
            executed,
            has_initial_column,
            has_adjusted_column,
            weight,
            rate,
            score,
            explanation: b.explanation,
            sources,
            span,
        })
    }

    pub(super) fn check_overspend(
        &mut self,
        adjusted: &Field<Decimal>,
        executed: &Field<Decimal>,
        row: &str,
    ) {
        if executed.value > adjusted.value {
            let row = if row.is_empty() {
                String::new()
            } else {
                format!("{row}: ")
            };
            let d = self.note(
                "form::overspent",
                executed.span.clone(),
                format!(
                    "{row}全年执行数 {} 超过全年预算数 {} (executed is above the adjusted budget)",
                    executed.text, adjusted.text
                ),
            );
            d.label = Some("expected at most the 全年预算数".into());
            d.help = Some(
                "check the figures; an adjustment that raised the budget belongs in 全年预算数"
                    .into(),
            );
        }
    }

    pub(super) fn section(&mut self, raw: Spanned<raw::RawSection>) -> Option<Section> {
        let span = raw.span();
        let s = raw.into_inner();
        let mut items = Vec::with_capacity(s.items.len());
        for item in s.items {
            let item_span = item.span();
            let i = item.into_inner();
            let weight = self.claimed_number(i.weight, "分值");
            let score = self.claimed_number(i.score, "得分");
            items.push(SectionItem {
                name: Self::text(i.name),
                description: i.description,
                weight,
                score,
                problems: i.problems,
                span: item_span,
            });
        }
        Some(Section {
            name: Self::text(s.name),
            items,
            span,
        })
    }
}
