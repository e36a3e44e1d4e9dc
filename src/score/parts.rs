//! A row reported by parts (`[[indicators.parts]]`): the parts' actuals combined into the one
//! actual the rules then score, as the ruleset's `parts` setting says (by default the rule a 2020
//! 市直专项 项目自评表 prints under its form: "绝对值直接累加计算，相对值按照资金额度加权平均计算").
//!
//! * Which values combine: percentages (relative) or anything else (absolute), as the target's
//!   unit says (where no part is of that kind: as the first part with a number says). A bare
//!   number goes with either. Parts of the other kind, with a unit that does not compare, with a
//!   word, or blank are left out, each with a located finding; a not-applicable part (`/`) is
//!   left out silently.
//! * A funds-weighted mean needs every part's funds: when one is missing (or they add up to 0),
//!   the plain mean is taken instead, with a finding.
//! * The row's own printed 实际完成值, where there is one, is a claim: held against the combined
//!   figure at the precision it is printed with, a finding when they differ. The row is scored on
//!   the combined figure.

use super::problem::{Problem, ProblemKind};
use crate::form::{Field, Form, Indicator, IndicatorPart};
use crate::num::{self, ArithError, percent_text};
use crate::rules::RuleSet;
use crate::rules::parts::{AbsoluteParts, RelativeParts};
use crate::value::{self, Actual, Quantity, Target, Unit};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// How a row's parts were combined, for every output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartsScore {
    /// The rule that combined them: `absolute sum`, `relative funds-weighted`, `relative mean`
    /// (a funds-weighted mean that fell back to the plain mean says `relative mean`).
    pub rule: String,
    pub parts: Vec<PartScore>,
    /// The combined actual as scored (`270户`, `96.8%`); `None` when no part could be combined.
    pub combined: Option<String>,
    /// The working: `120户 + 150户 = 270户`, `(98% × 30 + 96% × 45) / 75 = 96.8%`.
    pub working: Option<String>,
    /// The row's own 实际完成值 as printed, a claim held against `combined`.
    pub claimed_actual: Option<String>,
}

/// One part as printed, and whether it went into the combined figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartScore {
    pub name: String,
    pub line: usize,
    pub actual: String,
    /// 资金额度, in the budget block's money unit, where printed.
    pub funds: Option<Decimal>,
    pub included: bool,
}

/// A row with its parts combined: the row to score (its actual the combined figure), the
/// summary, and the findings.
pub(super) struct Combined {
    pub row: Indicator,
    pub summary: PartsScore,
    pub findings: Vec<Problem>,
}

impl Combined {
    /// The line a score's trace shows: `parts absolute sum: 120户 + 150户 = 270户`.
    pub fn trace_note(&self) -> Option<String> {
        let working = self.summary.working.as_ref()?;
        Some(format!("parts {}: {working}", self.summary.rule))
    }
}

/// A percentage is relative; a bare number goes with either kind (`None`).
fn is_relative(q: &Quantity) -> Option<bool> {
    match q.unit {
        Unit::Percent => Some(true),
        Unit::None => None,
        _ => Some(false),
    }
}

/// Combine the parts of a row; `None` for a row reported whole.
pub(super) fn combine(ruleset: &RuleSet, form: &Form, row: &Indicator) -> Option<Combined> {
    if row.parts.is_empty() {
        return None;
    }
    let mut c = Combiner {
        form,
        row,
        findings: Vec::new(),
    };
    let relative = c.kind();
    let included = c.included(relative);
    let rule = if relative {
        format!("relative {}", ruleset.parts.relative.keyword())
    } else {
        format!("absolute {}", ruleset.parts.absolute.keyword())
    };
    let mut summary = PartsScore {
        rule,
        parts: row
            .parts
            .iter()
            .map(|p| PartScore {
                name: p.name.value.clone(),
                line: form.line_of(&p.span),
                actual: p.actual.text.clone(),
                funds: p.funds.as_ref().map(|f| f.value),
                included: included.iter().any(|(i, _)| std::ptr::eq(*i, p)),
            })
            .collect(),
        combined: None,
        working: None,
        claimed_actual: match row.actual.value {
            Actual::Blank => None,
            _ => Some(row.actual.text.clone()),
        },
    };
    let mut scored = row.clone();
    if let Some(reference) = included.first().map(|(_, q)| (*q).clone()) {
        let result = if relative {
            c.relative(ruleset, &included, &mut summary.rule)
        } else {
            c.absolute(ruleset, &included)
        };
        match result {
            Ok((value, working)) => {
                let quantity = Quantity {
                    value,
                    ..reference.clone()
                };
                let text = shown(&quantity, relative);
                c.check_claim(&quantity, &text, &working);
                summary.working = Some(format!("{working} = {text}"));
                summary.combined = Some(text.clone());
                let span = match row.actual.value {
                    Actual::Blank => included[0].0.actual.span.clone(),
                    _ => row.actual.span.clone(),
                };
                scored.actual = Field {
                    value: Actual::Quantity(quantity),
                    text,
                    span,
                };
            }
            Err(e) => c.findings.push(
                Problem::warning(
                    ProblemKind::PartsLeftOut,
                    format!(
                        "{}: 分项无法汇总 (the parts cannot be combined: {e}); the printed actual is scored",
                        row.name.value
                    ),
                )
                .at(&form.source, row.span.clone()),
            ),
        }
    }
    Some(Combined {
        row: scored,
        summary,
        findings: c.findings,
    })
}

struct Combiner<'a> {
    form: &'a Form,
    row: &'a Indicator,
    findings: Vec<Problem>,
}

impl<'a> Combiner<'a> {
    /// Whether the row combines relative values: as its target's unit says, unless no part is
    /// of that kind; then as the first part with a number says.
    fn kind(&self) -> bool {
        let quantities = || {
            self.row.parts.iter().filter_map(|p| match &p.actual.value {
                Actual::Quantity(q) => is_relative(q),
                _ => None,
            })
        };
        let target = match &self.row.target.value {
            Target::Quantitative { quantity, .. } => is_relative(quantity),
            Target::Qualitative { .. } => Some(true),
            _ => None,
        };
        match target {
            Some(t) if quantities().any(|k| k == t) => t,
            _ => quantities().next().or(target).unwrap_or(false),
        }
    }

    fn left_out(&mut self, part: &IndicatorPart, why: String) {
        let message = format!(
            "{} / {}: {why}，未计入汇总 (left out of the combined actual)",
            self.row.name.value, part.name.value
        );
        self.findings.push(
            Problem::warning(ProblemKind::PartsLeftOut, message)
                .at(&self.form.source, part.actual.span.clone()),
        );
    }

    /// The parts that combine, each with its value in the first one's unit.
    fn included(&mut self, relative: bool) -> Vec<(&'a IndicatorPart, Quantity)> {
        let row = self.row;
        let reference = row
            .parts
            .iter()
            .filter_map(|p| match &p.actual.value {
                Actual::Quantity(q) if is_relative(q) == Some(relative) => Some(q),
                _ => None,
            })
            .next();
        let mut out = Vec::new();
        for part in &row.parts {
            let text = &part.actual.text;
            let q = match &part.actual.value {
                Actual::Quantity(q) => q,
                Actual::NotApplicable => continue,
                Actual::Blank => {
                    self.left_out(part, "实际完成值为空 (blank)".into());
                    continue;
                }
                Actual::Word(_) => {
                    let why = format!("实际完成值「{text}」不是数值 (not a number)");
                    self.left_out(part, why);
                    continue;
                }
            };
            if is_relative(q).is_some_and(|k| k != relative) {
                let why = match relative {
                    true => format!(
                        "绝对值 {text} 不能与百分比合并 (an absolute value among percentages)"
                    ),
                    false => format!(
                        "百分比 {text} 不能与绝对值合并 (a percentage among absolute values)"
                    ),
                };
                self.left_out(part, why);
                continue;
            }
            let Some(reference) = reference else {
                out.push((part, q.clone()));
                continue;
            };
            match value::align(reference, q) {
                Ok((_, v)) => out.push((
                    part,
                    Quantity {
                        value: v,
                        ..reference.clone()
                    },
                )),
                Err(m) => {
                    let (first, this) = (m.target_unit, m.actual_unit);
                    let why = format!(
                        "单位「{this}」与首个分项的「{first}」不能换算 (the unit {this} does not compare with the first part's {first})"
                    );
                    self.left_out(part, why);
                }
            }
        }
        out
    }

    /// Absolute values: added up, or their mean.
    fn absolute(
        &mut self,
        ruleset: &RuleSet,
        parts: &[(&IndicatorPart, Quantity)],
    ) -> Result<(Decimal, String), ArithError> {
        let texts: Vec<&str> = parts.iter().map(|(p, _)| p.actual.text.as_str()).collect();
        let total = num::sum(parts.iter().map(|(_, q)| q.value))?;
        match ruleset.parts.absolute {
            AbsoluteParts::Sum => Ok((total, texts.join(" + "))),
            AbsoluteParts::Mean => {
                let n = Decimal::from(parts.len());
                let mean = ruleset.rounding.rate.apply(num::div(total, n)?);
                Ok((mean, format!("({}) / {n}", texts.join(" + "))))
            }
        }
    }

    /// Relative values: weighted by funds, or their plain mean (also where a part's funds are
    /// missing, with a finding; `rule` then says `relative mean`).
    fn relative(
        &mut self,
        ruleset: &RuleSet,
        parts: &[(&IndicatorPart, Quantity)],
        rule: &mut String,
    ) -> Result<(Decimal, String), ArithError> {
        let texts: Vec<&str> = parts.iter().map(|(p, _)| p.actual.text.as_str()).collect();
        if ruleset.parts.relative == RelativeParts::FundsWeighted {
            if let Some(weighted) = self.funds_weighted(ruleset, parts)? {
                return Ok(weighted);
            }
            *rule = format!("relative mean ({})", "资金额度不全 funds missing");
        }
        let n = Decimal::from(parts.len());
        let total = num::sum(parts.iter().map(|(_, q)| q.value))?;
        let mean = ruleset.rounding.rate.apply(num::div(total, n)?);
        Ok((mean, format!("({}) / {n}", texts.join(" + "))))
    }

    /// `(98% × 30 + 96% × 45) / 75`, or `None` (with a finding) when a part's funds are missing or
    /// they add up to 0.
    fn funds_weighted(
        &mut self,
        ruleset: &RuleSet,
        parts: &[(&IndicatorPart, Quantity)],
    ) -> Result<Option<(Decimal, String)>, ArithError> {
        let missing: Vec<&IndicatorPart> = parts
            .iter()
            .filter(|(p, _)| p.funds.is_none())
            .map(|(p, _)| *p)
            .collect();
        let funds = num::sum(
            parts
                .iter()
                .filter_map(|(p, _)| p.funds.as_ref().map(|f| f.value)),
        )?;
        if !missing.is_empty() || funds.is_zero() {
            let names: Vec<&str> = missing.iter().map(|p| p.name.value.as_str()).collect();
            let why = match names.is_empty() {
                false => format!("分项 {} 没有资金额度 (no funds printed)", names.join("、")),
                true => "分项资金额度合计为 0 (the funds add up to 0)".to_string(),
            };
            // At the part's name where printed, else its table.
            let at = match missing.first() {
                Some(p) if !p.name.span.is_empty() => p.name.span.clone(),
                Some(p) => p.span.clone(),
                None => self.row.span.clone(),
            };
            self.findings.push(
                Problem::warning(
                    ProblemKind::PartsFunds,
                    format!(
                        "{}: {why}，相对值无法按资金额度加权，按简单平均计算 (the rates cannot be weighted by funds: their plain mean is taken)",
                        self.row.name.value
                    ),
                )
                .at(&self.form.source, at),
            );
            return Ok(None);
        }
        let mut numerator = Decimal::ZERO;
        let mut terms = Vec::new();
        for (part, q) in parts {
            let f = part.funds.as_ref().map_or(Decimal::ZERO, |f| f.value);
            numerator = num::add(numerator, num::mul(q.value, f)?)?;
            let f_text = part.funds.as_ref().map_or("0", |f| f.text.as_str());
            terms.push(format!("{} × {f_text}", part.actual.text));
        }
        let mean = ruleset.rounding.rate.apply(num::div(numerator, funds)?);
        let working = format!("({}) / {}", terms.join(" + "), funds.normalize());
        Ok(Some((mean, working)))
    }

    /// The row's own actual, where printed, against the combined figure at the precision it is
    /// printed with.
    fn check_claim(&mut self, combined: &Quantity, text: &str, working: &str) {
        let row = self.row;
        let agrees = match &row.actual.value {
            Actual::Blank | Actual::NotApplicable => return,
            Actual::Quantity(claim) => agrees(combined, claim),
            Actual::Word(_) => false,
        };
        if agrees {
            return;
        }
        self.findings.push(
            Problem::warning(
                ProblemKind::PartsActual,
                format!(
                    "{}: 实际完成值申报 {}，分项汇总为 {text} (the printed actual {} differs from its parts combined, {text}); 按分项汇总数评分 (scored on the combined figure)",
                    row.name.value, row.actual.text, row.actual.text
                ),
            )
            .at(&self.form.source, row.actual.span.clone())
            .note(format!("{working} = {text}")),
        );
    }
}

/// Whether a claimed actual is the combined figure as printed: in the claim's unit, rounded
/// half-up to the decimals it is printed with.
fn agrees(combined: &Quantity, claim: &Quantity) -> bool {
    let Ok((c, _)) = value::align(combined, claim) else {
        return false;
    };
    let (Some(printed), Ok(in_claim_unit)) = (claim.written_value(), num::div(c, claim.multiplier))
    else {
        return false;
    };
    let rounded = in_claim_unit
        .round_dp_with_strategy(printed.scale(), RoundingStrategy::MidpointAwayFromZero);
    rounded == printed
}

/// The combined figure as a cell would print it: `270户`, `15万元`, `96.8%`.
fn shown(q: &Quantity, relative: bool) -> String {
    if relative || q.unit == Unit::Percent {
        return percent_text(q.value.normalize());
    }
    match q.written_value() {
        Some(v) => format!("{}{}", v.normalize(), q.written_unit),
        None => q.value.normalize().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        match value::parse_actual(text) {
            Ok(Actual::Quantity(q)) => q,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn a_claim_agrees_at_its_printed_precision() {
        let combined = Quantity {
            value: Decimal::new(968, 3),
            ..q("1%")
        };
        assert!(agrees(&combined, &q("96.8%")));
        assert!(agrees(&combined, &q("97%")));
        assert!(!agrees(&combined, &q("96%")));
        assert!(!agrees(&combined, &q("96.8户")));
    }

    #[test]
    fn combined_figures_print_in_the_first_parts_unit() {
        let money = Quantity {
            value: Decimal::from(150_000),
            ..q("10万元")
        };
        assert_eq!(shown(&money, false), "15万元");
        let rate = Quantity {
            value: Decimal::new(9680, 4),
            ..q("98%")
        };
        assert_eq!(shown(&rate, true), "96.8%");
    }
}
