//! The parts of an indicator row (`[[indicators.parts]]`, `[[绩效指标.分项]]`): each part's name,
//! 实际完成值 and funds (资金额度), read as printed. How they combine is the ruleset's (the engine
//! combines them, `score/parts.rs`).

use super::raw::RawPart;
use super::validate::Validator;
use super::{IndicatorPart, Text};
use toml::Spanned;

impl Validator<'_> {
    /// Every part of a row, in order. A part's actual is read as a row's is (the row's 度量单位
    /// column applies to it); its funds are an amount, noted and left out when blank or unreadable.
    pub(super) fn parts(
        &mut self,
        raw: Vec<Spanned<RawPart>>,
        row_name: &Text,
        unit: Option<&Text>,
    ) -> Vec<IndicatorPart> {
        let mut parts = Vec::with_capacity(raw.len());
        for (index, part) in raw.into_iter().enumerate() {
            let span = part.span();
            let part = part.into_inner();
            let name = part
                .name
                .map(Self::text)
                .filter(|n| !n.value.is_empty())
                .unwrap_or_else(|| Text {
                    value: format!("第{}分项", index + 1),
                    span: span.start..span.start,
                });
            let actual = self.actual(part.actual, &name, unit, &span);
            let label = format!("{} / {}", row_name.value, name.value);
            let funds = self.optional_amount(part.funds, "资金额度", &label);
            parts.push(IndicatorPart {
                name,
                actual,
                funds,
                span,
            });
        }
        parts
    }
}
