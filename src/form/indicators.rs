//! The indicator rows: levels, names, blank and placeholder rows, duplicates, and each row's
//! 分值, 年度指标值 and 实际完成值.

use super::cells::{
    direction_comparator, is_placeholder_name, name_or_row, quantity_text, trimmed,
    with_unit_column, without_weight_suffix,
};
use super::raw::RawNumber;
use super::validate::Validator;
use super::{EmptyCategory, Field, Indicator, MAX_INDICATORS, Span, Text, raw};
use crate::value::{self, Actual, Target};
use rust_decimal::Decimal;
use toml::Spanned;

impl Validator<'_> {
    pub(super) fn indicators(
        &mut self,
        rows: Vec<Spanned<raw::RawIndicator>>,
    ) -> (Vec<Indicator>, Vec<EmptyCategory>) {
        let mut indicators: Vec<Indicator> = Vec::with_capacity(rows.len().min(MAX_INDICATORS));
        let mut empty = Vec::new();
        if rows.len() > MAX_INDICATORS {
            let span = rows.get(MAX_INDICATORS).map(Spanned::span).unwrap_or(0..0);
            self.error(
                "form::too-many-indicators",
                span,
                format!(
                    "指标行过多 (the form has {} indicator rows; the limit is {MAX_INDICATORS})",
                    rows.len()
                ),
            );
            return (indicators, empty);
        }
        for row in rows {
            let row_span = row.span();
            let r = row.into_inner();
            let has_data = has_figures(&r);
            let above = indicators.last();
            let level1 = level_name(r.level1, &row_span, above.map(|i: &Indicator| &i.level1));
            let level2 = level_name(r.level2, &row_span, above.map(|i: &Indicator| &i.level2));
            let name = r.name.map(Self::text).filter(|n| !n.value.is_empty());
            // A template's placeholder (`指标2:`, `……`) left unfilled is a blank row too.
            let name = name.filter(|n| has_data || !is_placeholder_name(&n.value));
            let name = match name {
                Some(name) => name,
                // A row left blank (as `jixiao init` writes them, or a level-2 row printed
                // empty) is not data.
                None if !has_data => {
                    empty.push(EmptyCategory {
                        level1: level1.value,
                        level2: level2.value,
                        position: indicators.len(),
                    });
                    continue;
                }
                None => {
                    self.note(
                        "form::unnamed-indicator",
                        row_span.clone(),
                        "指标行有数值但三级指标名称为空 (this indicator row has figures but no name)",
                    );
                    Text {
                        value: String::new(),
                        span: row_span.start..row_span.start,
                    }
                }
            };
            self.note_duplicate(&indicators, &level1, &level2, &name);
            let direction = r.direction.map(Self::text).filter(|d| !d.value.is_empty());
            let unit = r.unit.map(Self::text).filter(|u| !u.value.is_empty());
            let target = self.target(
                r.target,
                &name,
                direction.as_ref(),
                unit.as_ref(),
                &row_span,
            );
            let actual = self.actual(r.actual, &name, unit.as_ref(), &row_span);
            let parts = self.parts(r.parts, &name, unit.as_ref());
            let weight = self.weight(r.weight, &name, &row_span, &target, &actual);
            if weight.value.is_sign_negative() && !weight.value.is_zero() {
                self.note(
                    "form::negative-weight",
                    weight.span.clone(),
                    "分值为负数 (a negative weight)",
                );
            }
            let score = self.claimed_number(r.score, "得分");
            let deviation = self.claimed_percent(r.deviation, "偏差度");
            indicators.push(Indicator {
                level1,
                level2,
                name,
                direction,
                unit,
                target,
                actual,
                weight,
                score,
                deviation,
                explanation: r.explanation,
                extra: r.extra,
                parts,
                span: row_span,
            });
        }
        (indicators, empty)
    }

    /// A row with the same three levels as an earlier one: a note; both rows are scored.
    fn note_duplicate(
        &mut self,
        indicators: &[Indicator],
        level1: &Text,
        level2: &Text,
        name: &Text,
    ) {
        // Names differ more often than categories: compared first, most pairs stop there.
        if let Some(first) = indicators.iter().find(|i| {
            i.name.value == name.value
                && i.level2.value == level2.value
                && i.level1.value == level1.value
                && !name.value.is_empty()
        }) {
            let line = self.source.line_of(first.span.start);
            self.note(
                "form::duplicate-indicator",
                name.span.clone(),
                format!(
                    "指标重复 (duplicate indicator {} / {} / {}): both rows are scored as printed",
                    level1.value, level2.value, name.value
                ),
            )
            .notes = vec![format!("first given at line {line}")];
        }
    }

    /// The 分值 of a row; blank, a not-applicable mark or unreadable counts 0 points, noted
    /// unless the whole row is not applicable.
    pub(super) fn weight(
        &mut self,
        raw: Option<Spanned<RawNumber>>,
        name: &Text,
        row_span: &Span,
        target: &Field<Target>,
        actual: &Field<Actual>,
    ) -> Field<Decimal> {
        let span = raw
            .as_ref()
            .map_or(row_span.start..row_span.start, Spanned::span);
        let text = raw
            .as_ref()
            .map(|r| r.get_ref().text.trim().to_string())
            .unwrap_or_default();
        let row_not_applicable = matches!(target.value, Target::NotApplicable)
            || matches!(actual.value, Actual::NotApplicable);
        if let Some(weight) = Self::filled(raw).and_then(|r| self.as_note(|v| v.number(r, "分值")))
        {
            return weight;
        }
        if !row_not_applicable {
            self.note(
                "form::no-weight",
                if span.is_empty() {
                    name.span.clone()
                } else {
                    span.clone()
                },
                format!(
                    "{} 没有分值，按 0 分计 (no weight printed: the row counts 0 points)",
                    name.value
                ),
            );
        }
        Field {
            value: Decimal::ZERO,
            text,
            span,
        }
    }

    /// A 年度指标值 as printed, with the 指标性质 and 度量单位 columns where the layout has them:
    /// a blank cell is [`Target::Blank`], any text without a number is qualitative, and a cell
    /// the grammar cannot read is noted and taken as qualitative text.
    pub(super) fn target(
        &mut self,
        raw: Option<Spanned<String>>,
        name: &Text,
        direction: Option<&Text>,
        unit: Option<&Text>,
        row_span: &Span,
    ) -> Field<Target> {
        let Some(raw) = raw else {
            return Field {
                value: Target::Blank,
                text: String::new(),
                span: name_or_row(name, row_span),
            };
        };
        let span = raw.span();
        let text = trimmed(raw.into_inner());
        let qualitative_direction =
            direction.is_some_and(|d| matches!(d.value.as_str(), "定性" | "定性指标"));
        if qualitative_direction && !text.is_empty() {
            return Field {
                value: Target::Qualitative {
                    words: value::qualitative_words_in(&text),
                    text: text.clone(),
                },
                text,
                span,
            };
        }
        let with_unit = with_unit_column(&text, unit);
        let parsed = match value::parse_target(&with_unit) {
            Ok(target) => target,
            Err(e) => {
                let at = if with_unit == text {
                    self.value_span(&span, &text, true, &e)
                } else {
                    span.clone()
                };
                self.note(
                    "form::unreadable-target",
                    at,
                    format!("年度指标值无法按数值读取，按定性指标处理 (the target cannot be read as a number; it is taken as qualitative text): {}", e.message),
                )
                .label = Some(format!("expected {}", e.expected));
                Target::Qualitative {
                    words: value::qualitative_words_in(&text),
                    text: text.clone(),
                }
            }
        };
        let value = match (parsed, direction) {
            (
                Target::Quantitative {
                    comparator: None,
                    quantity,
                },
                Some(d),
            ) if matches!(d.value.as_str(), "定量" | "定量指标") => Target::Quantitative {
                // 定量 says only that the row is a number: no direction, the name or the
                // ruleset's default decides.
                comparator: None,
                quantity,
            },
            (
                Target::Quantitative {
                    comparator: None,
                    quantity,
                },
                Some(d),
            ) => match direction_comparator(&d.value) {
                Some(comparator) => Target::Quantitative {
                    comparator: Some(comparator),
                    quantity,
                },
                None => {
                    self.note(
                        "form::direction",
                        d.span.clone(),
                        format!("未识别的指标性质「{}」 (unknown 指标性质): the ruleset's default applies", d.value),
                    )
                    .label = Some("expected ≥, ≤, =, 定性, 正向 or 反向".into());
                    Target::Quantitative {
                        comparator: None,
                        quantity,
                    }
                }
            },
            (parsed, _) => parsed,
        };
        if matches!(value, Target::Blank) {
            return Field { value, text, span };
        }
        Field { value, text, span }
    }

    /// A 实际完成值 as printed: blank is [`Actual::Blank`]; a comparator written in it (`≥95%`)
    /// is noted and the number read; any other unreadable text is noted and kept as a word.
    pub(super) fn actual(
        &mut self,
        raw: Option<Spanned<String>>,
        name: &Text,
        unit: Option<&Text>,
        row_span: &Span,
    ) -> Field<Actual> {
        let Some(raw) = raw else {
            return Field {
                value: Actual::Blank,
                text: String::new(),
                span: name_or_row(name, row_span),
            };
        };
        let span = raw.span();
        let text = trimmed(raw.into_inner());
        let with_unit = with_unit_column(&text, unit);
        let value = match value::parse_actual(&with_unit) {
            Ok(actual) => actual,
            Err(e) => match value::parse_target(&with_unit) {
                Ok(Target::Quantitative {
                    comparator: Some(comparator),
                    quantity,
                }) => {
                    self.note(
                        "form::comparator-in-actual",
                        span.clone(),
                        format!("实际完成值写了比较符「{comparator}」，按数值 {} 读取 (the actual is written with a comparator; its number is read)", quantity_text(&text)),
                    )
                    .help = Some("an actual is what was achieved: write the number alone".into());
                    Actual::Quantity(quantity)
                }
                _ => {
                    let at = if with_unit == text {
                        self.value_span(&span, &text, true, &e)
                    } else {
                        span.clone()
                    };
                    self.note(
                        "form::unreadable-actual",
                        at,
                        format!("实际完成值无法读取，按文字处理 (the actual cannot be read as a value; kept as text): {}", e.message),
                    )
                    .label = Some(format!("expected {}", e.expected));
                    Actual::Word(text.clone())
                }
            },
        };
        Field { value, text, span }
    }
}

/// A level (一级 or 二级 指标) as the row names it, without the weight a layout prints after it and
/// without the spaces that fill a cell. A flat list prints no level columns: the level is empty,
/// placed at the row. `above` is the same level of the row above, which most rows repeat.
fn level_name(level: Option<Spanned<String>>, row_span: &Span, above: Option<&Text>) -> Text {
    level.map_or_else(
        || Text {
            value: String::new(),
            span: row_span.start..row_span.start,
        },
        |l| {
            // A level name made here holds no whitespace: one written exactly as the row
            // above's, without a bracket at its end, is kept as written with no more checks.
            if above.is_some_and(|a| *l.get_ref() == a.value && !a.value.ends_with([')', '）'])) {
                return Text {
                    span: l.span(),
                    value: l.into_inner(),
                };
            }
            let mut text = Validator::text(l);
            // Most names have neither a `(20分)` suffix nor a space, and are kept as written
            // instead of copied (3% of a review).
            let plain =
                !text.value.ends_with([')', '）']) && !super::cells::has_whitespace(&text.value);
            if !plain {
                // `效 益 指 标` (spaced out to fill a cell, or split by a PDF's extraction) is 效益指标.
                text.value = without_weight_suffix(&text.value)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
            }
            text
        },
    )
}

/// Whether a row has any figure filled in (a target, an actual, a weight or a score).
fn has_figures(r: &raw::RawIndicator) -> bool {
    let filled = |t: Option<&str>| t.is_some_and(|t| !t.trim().is_empty());
    filled(r.target.as_ref().map(|t| t.get_ref().as_str()))
        || filled(r.actual.as_ref().map(|t| t.get_ref().as_str()))
        || filled(r.weight.as_ref().map(|w| w.get_ref().text.as_str()))
        || filled(r.score.as_ref().map(|w| w.get_ref().text.as_str()))
        || !r.parts.is_empty()
}
