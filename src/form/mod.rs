//! Forms: raw TOML ([`raw`]) → the validated model ([`Form`]).
//!
//! Validation parses every number exactly and every target/actual with the value grammar, and
//! reports every problem with its place in the file; nothing is dropped or guessed.

pub mod blank;
pub mod emit;
pub mod raw;

use crate::diag::{Diagnostic, SourceFile};
use crate::rules::{FormKind, RulesetRef};
use crate::value::{self, Actual, Target, Unit, ValueError};
use raw::{RawForm, RawNumber};
use rust_decimal::Decimal;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

pub type Span = Range<usize>;

/// Forms with more indicator rows than this are refused: no real form has them.
pub const MAX_INDICATORS: usize = 2000;

/// A value with the text it was written as and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<T> {
    pub value: T,
    /// As written in the file (numbers keep their scale: `"0.00%"`).
    pub text: String,
    pub span: Span,
}

/// A name or a text of the form (an indicator's name, a level, an objective), trimmed, with
/// where it is written. Unlike a [`Field`], it keeps no second copy as written: the span points
/// at that.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub source: Arc<SourceFile>,
    pub kind: Field<FormKind>,
    pub ruleset: Option<Field<RulesetRef>>,
    pub year: Field<i32>,
    pub title: Option<String>,
    pub project: Option<String>,
    pub department: Option<String>,
    pub unit: Option<String>,
    pub budget: Budget,
    pub objective: Objective,
    pub tasks: Vec<Task>,
    pub sections: Vec<Section>,
    pub indicators: Vec<Indicator>,
    /// Level-2 rows printed empty on the form, in order.
    pub empty_categories: Vec<EmptyCategory>,
    pub total: Option<Field<Decimal>>,
    pub grade: Option<Field<String>>,
}

impl Form {
    /// What the form is about: the project's name, or the department's.
    pub fn name(&self) -> &str {
        self.project
            .as_deref()
            .or(self.department.as_deref())
            .unwrap_or("")
    }

    pub fn path(&self) -> &str {
        self.source.name()
    }

    pub fn line_of(&self, span: &Span) -> usize {
        self.source.line_of(span.start)
    }
}

#[derive(Debug, Clone)]
pub struct Budget {
    /// 年初预算数 (万元)
    pub initial: Field<Decimal>,
    /// 全年预算数 (万元)
    pub adjusted: Field<Decimal>,
    /// 全年执行数 (万元)
    pub executed: Field<Decimal>,
    pub weight: Option<Field<Decimal>>,
    /// Claimed 执行率, as a fraction.
    pub rate: Option<Field<Decimal>>,
    /// Claimed execution score.
    pub score: Option<Field<Decimal>>,
    pub explanation: Option<String>,
    pub sources: Vec<FundSource>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct FundSource {
    pub name: Text,
    pub initial: Field<Decimal>,
    pub adjusted: Field<Decimal>,
    pub executed: Field<Decimal>,
    pub rate: Option<Field<Decimal>>,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Objective {
    pub expected: Option<Text>,
    pub achieved: Option<Text>,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub name: String,
    pub content: Option<String>,
    pub achieved: Option<String>,
    /// Where `achieved` is written, for findings about it.
    pub achieved_span: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub name: Text,
    pub items: Vec<SectionItem>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct SectionItem {
    pub name: Text,
    pub description: Option<String>,
    pub weight: Field<Decimal>,
    pub score: Option<Field<Decimal>>,
    pub problems: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub level1: Text,
    pub level2: Text,
    pub name: Text,
    pub target: Field<Target>,
    pub actual: Field<Actual>,
    pub weight: Field<Decimal>,
    pub score: Option<Field<Decimal>>,
    /// Claimed 偏差度, as a fraction.
    pub deviation: Option<Field<Decimal>>,
    pub explanation: Option<String>,
    /// The whole `[[indicators]]` table.
    pub span: Span,
}

impl Indicator {
    /// Whether a 偏差原因 was written.
    pub fn has_explanation(&self) -> bool {
        self.explanation
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct EmptyCategory {
    pub level1: String,
    pub level2: String,
    /// How many indicators come before it on the form.
    pub position: usize,
}

/// Parse and validate form text. `name` is how the file is named in messages.
pub fn load_str(name: &str, text: &str) -> Result<Form, Vec<Diagnostic>> {
    load_string(name, text.to_string())
}

/// Parse and validate form text, keeping the text (no copy) for diagnostics.
pub fn load_string(name: &str, mut text: String) -> Result<Form, Vec<Diagnostic>> {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    load_source(SourceFile::new(name, text))
}

/// Parse and validate form text held in a source file (e.g. text generated from a workbook,
/// whose diagnostics then point at cells).
pub fn load_source(source: Arc<SourceFile>) -> Result<Form, Vec<Diagnostic>> {
    let raw: RawForm =
        toml::from_str(source.text()).map_err(|e| vec![toml_diagnostic(&source, &e)])?;
    Validator::new(&source).form(raw)
}

/// Read, parse and validate a form file.
pub fn load_path(path: &std::path::Path) -> Result<Form, Vec<Diagnostic>> {
    let text = crate::read_text(path)?;
    load_string(&path.display().to_string(), text)
}

pub fn toml_diagnostic(source: &Arc<SourceFile>, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_string();
    let diagnostic = Diagnostic::error(
        "form::toml",
        format!("表格文件格式错误 (malformed form file): {message}"),
    );
    match error.span() {
        Some(span) => diagnostic.at(source, span),
        None => diagnostic.in_file(source),
    }
}

struct Validator<'a> {
    source: &'a Arc<SourceFile>,
    errors: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    fn new(source: &'a Arc<SourceFile>) -> Self {
        Validator {
            source,
            errors: Vec::new(),
        }
    }

    fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.errors
            .push(Diagnostic::error(code, message).at(self.source, span));
        // Indexing cannot fail: the vector was just pushed to.
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    /// Where a value error inside a string points in the file: inside the quotes when the
    /// string is written plainly, else at the whole value.
    fn value_span(&self, span: &Span, text: &str, quoted: bool, error: &ValueError) -> Span {
        let written = self.source.text().get(span.clone()).unwrap_or("");
        let plain = if quoted {
            written.len() == text.len() + 2 && written.get(1..written.len() - 1) == Some(text)
        } else {
            written == text
        };
        if plain {
            let start = span.start + usize::from(quoted) + error.offset;
            let end = (start + error.len.max(1))
                .min(span.end - usize::from(quoted))
                .max(start);
            start..end
        } else {
            span.clone()
        }
    }

    fn value_error(
        &mut self,
        code: &'static str,
        field: &str,
        span: &Span,
        text: &str,
        quoted: bool,
        e: &ValueError,
    ) {
        let at = self.value_span(span, text, quoted, e);
        let label = format!("expected {}", e.expected);
        self.error(code, at, format!("{field}: {}", e.message))
            .label = Some(label);
    }

    fn number(&mut self, raw: Spanned<RawNumber>, field: &str) -> Option<Field<Decimal>> {
        let span = raw.span();
        let n = raw.into_inner();
        match value::parse_decimal(&n.text) {
            Ok(value) => Some(Field {
                value,
                text: trimmed(n.text),
                span,
            }),
            Err(e) => {
                self.value_error("form::number", field, &span, &n.text, n.quoted, &e);
                None
            }
        }
    }

    /// A rate or deviation: `45.18`, `"45.18%"` and `"100 %"` are all percentages. A rate above
    /// 1000% is a typo; a deviation may be any size.
    fn percent(&mut self, raw: Spanned<RawNumber>, field: &str) -> Option<Field<Decimal>> {
        let span = raw.span();
        let n = raw.into_inner();
        let parsed = if field == "偏差度" {
            value::parse_deviation(&n.text)
        } else {
            value::parse_percent(&n.text)
        };
        match parsed {
            Ok(value) => Some(Field {
                value,
                text: trimmed(n.text),
                span,
            }),
            Err(e) => {
                self.value_error("form::number", field, &span, &n.text, n.quoted, &e);
                None
            }
        }
    }

    /// A claimed figure (得分, 执行率, 偏差度 …): optional, and a blank one is simply not claimed,
    /// as a form fresh from `jixiao init` has them.
    fn claimed_number(
        &mut self,
        raw: Option<Spanned<RawNumber>>,
        field: &str,
    ) -> Option<Field<Decimal>> {
        let raw = raw.filter(|r| !r.get_ref().text.trim().is_empty())?;
        self.number(raw, field)
    }

    fn claimed_percent(
        &mut self,
        raw: Option<Spanned<RawNumber>>,
        field: &str,
    ) -> Option<Field<Decimal>> {
        let raw = raw.filter(|r| !r.get_ref().text.trim().is_empty())?;
        self.percent(raw, field)
    }

    fn amount(&mut self, raw: Spanned<RawNumber>, field: &str) -> Option<Field<Decimal>> {
        let amount = self.number(raw, field)?;
        if amount.value.is_sign_negative() && !amount.value.is_zero() {
            self.error(
                "form::negative-amount",
                amount.span.clone(),
                format!(
                    "{field}不能为负数 ({field} cannot be negative: {})",
                    amount.text
                ),
            )
            .label = Some("expected an amount of 0 or more (万元)".into());
            return None;
        }
        Some(amount)
    }

    fn text(raw: Spanned<String>) -> Text {
        Text {
            span: raw.span(),
            value: trimmed(raw.into_inner()),
        }
    }

    /// A word whose spelling as written is kept beside its trimmed value (a claimed grade).
    fn word(raw: Spanned<String>) -> Field<String> {
        let span = raw.span();
        let text = raw.into_inner();
        Field {
            value: text.trim().to_string(),
            text,
            span,
        }
    }

    fn form(mut self, raw: RawForm) -> Result<Form, Vec<Diagnostic>> {
        let kind = match FormKind::from_name(raw.kind.get_ref()) {
            Some(kind) => Some(Field {
                value: kind,
                text: raw.kind.get_ref().clone(),
                span: raw.kind.span(),
            }),
            None => {
                self.error(
                    "form::unknown-kind",
                    raw.kind.span(),
                    format!("未知的表类型 {} (unknown form kind)", raw.kind.get_ref()),
                )
                .label = Some("expected 项目 or 部门整体".into());
                None
            }
        };
        let ruleset = raw
            .ruleset
            .as_ref()
            .and_then(|r| match RulesetRef::parse(r.get_ref()) {
                Ok(value) => Some(Field {
                    value,
                    text: r.get_ref().clone(),
                    span: r.span(),
                }),
                Err(message) => {
                    self.error("form::ruleset", r.span(), message);
                    None
                }
            });
        let year = match i32::try_from(*raw.year.get_ref()) {
            Ok(y) if (1949..=2200).contains(&y) => Some(Field {
                value: y,
                text: y.to_string(),
                span: raw.year.span(),
            }),
            _ => {
                self.error(
                    "form::year",
                    raw.year.span(),
                    format!("年度不合理 (implausible year {})", raw.year.get_ref()),
                )
                .label = Some("expected a year such as 2023".into());
                None
            }
        };
        if let Some(kind) = &kind {
            match kind.value {
                FormKind::Project
                    if raw
                        .project
                        .as_ref()
                        .is_none_or(|p| p.get_ref().trim().is_empty()) =>
                {
                    let at = raw
                        .project
                        .as_ref()
                        .map_or(kind.span.clone(), Spanned::span);
                    self.error(
                        "form::missing-field",
                        at,
                        "项目表缺少项目名称 (a 项目 form needs `project = \"项目名称\"`)",
                    );
                }
                FormKind::Department
                    if raw
                        .department
                        .as_ref()
                        .is_none_or(|p| p.get_ref().trim().is_empty()) =>
                {
                    self.error("form::missing-field", kind.span.clone(), "部门整体表缺少部门名称 (a 部门整体 form needs `department = \"部门名称\"`)");
                }
                _ => {}
            }
        }

        let budget = self.budget(raw.budget);
        let objective = raw
            .objective
            .map(|o| Objective {
                expected: o.expected.map(Self::text),
                achieved: o.achieved.map(Self::text),
            })
            .unwrap_or_default();
        let tasks = raw
            .tasks
            .into_iter()
            .map(|t| Task {
                name: t.name,
                content: t.content,
                achieved_span: t.achieved.as_ref().map(Spanned::span),
                achieved: t.achieved.map(Spanned::into_inner),
            })
            .collect();
        let sections = raw
            .sections
            .into_iter()
            .filter_map(|s| self.section(s))
            .collect();
        let (indicators, empty_categories) = self.indicators(raw.indicators);
        let (total_score, grade) = raw.total.map_or((None, None), |t| (t.score, t.grade));
        let total = self.claimed_number(total_score, "自评得分");
        let grade = grade.map(Self::word);

        match (kind, year, budget) {
            (Some(kind), Some(year), Some(budget)) if self.errors.is_empty() => Ok(Form {
                source: Arc::clone(self.source),
                kind,
                ruleset,
                year,
                title: raw.title,
                project: raw.project.map(|p| p.into_inner().trim().to_string()),
                department: raw.department.map(|d| d.into_inner().trim().to_string()),
                unit: raw.unit,
                budget,
                objective,
                tasks,
                sections,
                indicators,
                empty_categories,
                total,
                grade,
            }),
            _ => Err(self.errors),
        }
    }

    fn budget(&mut self, raw: Spanned<raw::RawBudget>) -> Option<Budget> {
        let span = raw.span();
        let b = raw.into_inner();
        let initial = self.amount(b.initial, "年初预算数");
        let adjusted = self.amount(b.adjusted, "全年预算数");
        let executed = self.amount(b.executed, "全年执行数");
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
            let initial = self.amount(r.initial, "年初预算数");
            let adjusted = self.amount(r.adjusted, "全年预算数");
            let executed = self.amount(r.executed, "全年执行数");
            let rate = self.claimed_percent(r.rate, "执行率");
            if let (Some(adjusted), Some(executed)) = (&adjusted, &executed) {
                self.check_overspend(adjusted, executed, &name.value);
            }
            if let (Some(initial), Some(adjusted), Some(executed)) = (initial, adjusted, executed) {
                sources.push(FundSource {
                    name,
                    initial,
                    adjusted,
                    executed,
                    rate,
                    span: source_span,
                });
            }
        }
        Some(Budget {
            initial: initial?,
            adjusted: adjusted?,
            executed: executed?,
            weight,
            rate,
            score,
            explanation: b.explanation,
            sources,
            span,
        })
    }

    fn check_overspend(&mut self, adjusted: &Field<Decimal>, executed: &Field<Decimal>, row: &str) {
        if executed.value > adjusted.value {
            let row = if row.is_empty() {
                String::new()
            } else {
                format!("{row}: ")
            };
            let d = self.error(
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

    fn section(&mut self, raw: Spanned<raw::RawSection>) -> Option<Section> {
        let span = raw.span();
        let s = raw.into_inner();
        let mut items = Vec::with_capacity(s.items.len());
        for item in s.items {
            let item_span = item.span();
            let i = item.into_inner();
            let weight = self.number(i.weight, "分值");
            let score = self.claimed_number(i.score, "得分");
            if let Some(weight) = weight {
                items.push(SectionItem {
                    name: Self::text(i.name),
                    description: i.description,
                    weight,
                    score,
                    problems: i.problems,
                    span: item_span,
                });
            }
        }
        Some(Section {
            name: Self::text(s.name),
            items,
            span,
        })
    }

    fn indicators(
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
            let level1 = Self::text(r.level1);
            let level2 = Self::text(r.level2);
            let Some(name) = r.name.map(Self::text).filter(|n| !n.value.is_empty()) else {
                // A row left blank (as `jixiao init` writes them) is not data either.
                let filled = |t: Option<&str>| t.is_some_and(|t| !t.trim().is_empty());
                let has_data = filled(r.target.as_ref().map(|t| t.get_ref().as_str()))
                    || filled(r.actual.as_ref().map(|t| t.get_ref().as_str()))
                    || filled(r.weight.as_ref().map(|w| w.get_ref().text.as_str()))
                    || filled(r.score.as_ref().map(|w| w.get_ref().text.as_str()));
                if has_data {
                    self.error(
                        "form::missing-field",
                        row_span,
                        "指标行缺少三级指标名称 (this indicator row has figures but no `name`)",
                    )
                    .help = Some(
                        "a row with only level1 and level2 stands for a level-2 row printed empty"
                            .into(),
                    );
                } else {
                    empty.push(EmptyCategory {
                        level1: level1.value,
                        level2: level2.value,
                        position: indicators.len(),
                    });
                }
                continue;
            };
            // Names differ more often than categories: compared first, most pairs stop there.
            if let Some(first) = indicators.iter().find(|i| {
                i.name.value == name.value
                    && i.level2.value == level2.value
                    && i.level1.value == level1.value
            }) {
                let line = self.source.line_of(first.span.start);
                self.error(
                    "form::duplicate-indicator",
                    name.span.clone(),
                    format!(
                        "指标重复 (duplicate indicator {} / {} / {})",
                        level1.value, level2.value, name.value
                    ),
                )
                .notes = vec![format!("first given at line {line}")];
                continue;
            }
            let target = match r.target {
                Some(t) => self.target(t),
                None => {
                    self.error(
                        "form::missing-field",
                        name.span.clone(),
                        format!("{} 缺少年度指标值 (missing `target`)", name.value),
                    );
                    None
                }
            };
            let actual = match r.actual {
                Some(a) => self.actual(a),
                None => {
                    self.error(
                        "form::missing-field",
                        name.span.clone(),
                        format!("{} 缺少实际完成值 (missing `actual`)", name.value),
                    )
                    .help = Some(
                        "write the actual value, or `/` if the indicator does not apply".into(),
                    );
                    None
                }
            };
            let weight = match r.weight {
                Some(w) => self.number(w, "分值"),
                None => {
                    self.error(
                        "form::missing-field",
                        name.span.clone(),
                        format!("{} 缺少分值 (missing `weight`)", name.value),
                    );
                    None
                }
            };
            if let Some(w) = &weight {
                if w.value.is_sign_negative() && !w.value.is_zero() {
                    self.error(
                        "form::negative-weight",
                        w.span.clone(),
                        "分值不能为负数 (a weight cannot be negative)",
                    );
                }
            }
            let score = self.claimed_number(r.score, "得分");
            let deviation = self.claimed_percent(r.deviation, "偏差度");
            let (Some(target), Some(actual), Some(weight)) = (target, actual, weight) else {
                continue;
            };
            if !self.compatible(&name.value, &target, &actual) {
                continue;
            }
            indicators.push(Indicator {
                level1,
                level2,
                name,
                target,
                actual,
                weight,
                score,
                deviation,
                explanation: r.explanation,
                span: row_span,
            });
        }
        (indicators, empty)
    }

    fn target(&mut self, raw: Spanned<String>) -> Option<Field<Target>> {
        match value::parse_target(raw.get_ref()) {
            Ok(value) => Some(Field {
                value,
                span: raw.span(),
                text: trimmed(raw.into_inner()),
            }),
            Err(e) => {
                self.value_error(
                    "form::target",
                    "年度指标值",
                    &raw.span(),
                    raw.get_ref(),
                    true,
                    &e,
                );
                None
            }
        }
    }

    fn actual(&mut self, raw: Spanned<String>) -> Option<Field<Actual>> {
        match value::parse_actual(raw.get_ref()) {
            Ok(value) => Some(Field {
                value,
                span: raw.span(),
                text: trimmed(raw.into_inner()),
            }),
            Err(e) => {
                self.value_error(
                    "form::actual",
                    "实际完成值",
                    &raw.span(),
                    raw.get_ref(),
                    true,
                    &e,
                );
                None
            }
        }
    }

    /// A target and an actual that cannot be compared are refused here, with both named.
    fn compatible(&mut self, name: &str, target: &Field<Target>, actual: &Field<Actual>) -> bool {
        match (&target.value, &actual.value) {
            (Target::NotApplicable, _) | (_, Actual::NotApplicable) => true,
            (Target::Quantitative { quantity: t, .. }, Actual::Quantity(a)) => {
                match value::align(t, a) {
                    Ok(_) => true,
                    Err(m) => {
                        let d = self.error(
                        "form::unit-mismatch",
                        actual.span.clone(),
                        format!("{name}: 实际完成值的单位 {} 与年度指标值的单位 {} 不一致 (the actual is in {} but the target in {})", shown_unit(&m.actual_unit), shown_unit(&m.target_unit), shown_unit(&m.actual_unit), shown_unit(&m.target_unit)),
                    );
                        d.label = Some(format!(
                            "expected a value in {}",
                            shown_unit(&m.target_unit)
                        ));
                        false
                    }
                }
            }
            (Target::Quantitative { .. }, Actual::Word(word)) => {
                self.error("form::actual", actual.span.clone(), format!("{name}: 定量指标的实际完成值应为数值 (a quantitative target needs a number as its actual, not `{word}`)"))
                    .label = Some(format!("expected a number comparable with {}", target.text));
                false
            }
            (Target::Qualitative { .. }, Actual::Quantity(q)) => match q.unit {
                Unit::Percent | Unit::None => true,
                _ => {
                    self.error("form::actual", actual.span.clone(), format!("{name}: 定性指标的实际完成值应为完成程度 (a qualitative target takes a completion degree such as 100%, not `{}`)", actual.text))
                        .label = Some("expected a percentage or a tier word such as 达成 / 部分达成 / 未达成".into());
                    false
                }
            },
            (Target::Qualitative { .. }, Actual::Word(_)) => true,
        }
    }
}

/// The text without surrounding whitespace, reusing its buffer when there is none to remove.
fn trimmed(text: String) -> String {
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_string()
    }
}

fn shown_unit(unit: &str) -> String {
    if unit.is_empty() {
        "(no unit)".to_string()
    } else {
        unit.to_string()
    }
}
