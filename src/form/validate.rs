//! The validator: every cell read exactly, every problem located; what is odd but readable is a
//! note and the form still loads. Here also the form's header fields (kind, ruleset, year).

use super::cells::trimmed;
use super::raw::{RawForm, RawNumber};
use super::{Field, Form, Objective, Span, Task, Text};
use crate::diag::{Diagnostic, SourceFile};
use crate::rules::{FormKind, RulesetRef};
use crate::value::{self, ValueError};
use rust_decimal::Decimal;
use std::sync::Arc;
use toml::Spanned;

pub(super) struct Validator<'a> {
    pub(super) source: &'a Arc<SourceFile>,
    pub(super) errors: Vec<Diagnostic>,
    /// What is odd but readable: the form still loads (see [`Form::notes`]).
    pub(super) notes: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(source: &'a Arc<SourceFile>) -> Self {
        Validator {
            source,
            errors: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A note: something a person would notice, located, that does not stop the form.
    pub(super) fn note(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.notes
            .push(Diagnostic::warning(code, message).at(self.source, span));
        // Indexing cannot fail: the vector was just pushed to.
        let last = self.notes.len() - 1;
        &mut self.notes[last]
    }

    /// An amount cell that may be absent (no such column), blank, a not-applicable mark or
    /// unreadable: only a readable number is a figure; the others are noted and left out.
    pub(super) fn optional_amount(
        &mut self,
        raw: Option<Spanned<RawNumber>>,
        field: &str,
        row: &str,
    ) -> Option<Field<Decimal>> {
        let raw = raw?;
        let span = raw.span();
        // The row's name is spelt out only for a note (every form reads six amounts).
        let prefix = || {
            if row.is_empty() {
                String::new()
            } else {
                format!("{row}: ")
            }
        };
        let text = raw.get_ref().text.trim();
        if text.is_empty() {
            let message = format!("{}{field}为空 (the {field} cell is blank)", prefix());
            self.note("form::blank-cell", span, message);
            return None;
        }
        // The spellings of a not-applicable mark, asked directly: the value tests hold this
        // equal to `parse_actual(text) == NotApplicable`.
        if value::is_not_applicable_cell(text) {
            let message = format!(
                "{}{field}填写「{text}」，按未填报处理 (a not-applicable mark where an amount belongs: read as not reported)",
                prefix()
            );
            self.note("form::not-applicable-amount", span, message);
            return None;
        }
        // A number that cannot be read is noted with the reader's own message, and left out.
        self.as_note(|v| v.amount(raw, field))
    }

    pub(super) fn error(
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
    pub(super) fn value_span(
        &self,
        span: &Span,
        text: &str,
        quoted: bool,
        error: &ValueError,
    ) -> Span {
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

    pub(super) fn value_error(
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

    pub(super) fn number(
        &mut self,
        raw: Spanned<RawNumber>,
        field: &str,
    ) -> Option<Field<Decimal>> {
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
    pub(super) fn percent(
        &mut self,
        raw: Spanned<RawNumber>,
        field: &str,
    ) -> Option<Field<Decimal>> {
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
    pub(super) fn claimed_number(
        &mut self,
        raw: Option<Spanned<RawNumber>>,
        field: &str,
    ) -> Option<Field<Decimal>> {
        let raw = Self::filled(raw)?;
        self.as_note(|v| v.number(raw, field))
    }

    pub(super) fn claimed_percent(
        &mut self,
        raw: Option<Spanned<RawNumber>>,
        field: &str,
    ) -> Option<Field<Decimal>> {
        let raw = Self::filled(raw)?;
        self.as_note(|v| v.percent(raw, field))
    }

    /// A claimed figure that is written: not blank, not a not-applicable mark (`/` in the 得分 of
    /// a fund-source row claims nothing).
    pub(super) fn filled(raw: Option<Spanned<RawNumber>>) -> Option<Spanned<RawNumber>> {
        // Not `parse_actual(text) == NotApplicable`: the same answer (the value tests hold them
        // equal) without reading every claimed figure as a value first (4% of a review).
        raw.filter(|r| {
            let text = r.get_ref().text.trim();
            !text.is_empty() && !value::is_not_applicable_cell(text)
        })
    }

    /// Run a reader whose errors are only notes here: a claimed figure that cannot be read is
    /// not claimed, and the form goes on.
    pub(super) fn as_note<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let mut errors = std::mem::take(&mut self.errors);
        let value = read(self);
        std::mem::swap(&mut errors, &mut self.errors);
        for mut e in errors {
            e.severity = crate::diag::Severity::Warning;
            self.notes.push(e);
        }
        value
    }

    pub(super) fn amount(
        &mut self,
        raw: Spanned<RawNumber>,
        field: &str,
    ) -> Option<Field<Decimal>> {
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

    pub(super) fn text(raw: Spanned<String>) -> Text {
        Text {
            span: raw.span(),
            value: trimmed(raw.into_inner()),
        }
    }

    /// A word whose spelling as written is kept beside its trimmed value (a claimed grade).
    pub(super) fn word(raw: Spanned<String>) -> Field<String> {
        let span = raw.span();
        let text = raw.into_inner();
        Field {
            value: text.trim().to_string(),
            text,
            span,
        }
    }

    /// The 表类型: 项目 or 部门整体.
    pub(super) fn form_kind(&mut self, raw: &Spanned<String>) -> Option<Field<FormKind>> {
        match FormKind::from_name(raw.get_ref()) {
            Some(kind) => Some(Field {
                value: kind,
                text: raw.get_ref().clone(),
                span: raw.span(),
            }),
            None => {
                self.error(
                    "form::unknown-kind",
                    raw.span(),
                    format!("未知的表类型 {} (unknown form kind)", raw.get_ref()),
                )
                .label = Some("expected 项目 or 部门整体".into());
                None
            }
        }
    }

    /// The ruleset the form names, if it names one.
    pub(super) fn ruleset(&mut self, r: &Spanned<String>) -> Option<Field<RulesetRef>> {
        match RulesetRef::parse(r.get_ref()) {
            Ok(value) => Some(Field {
                value,
                text: r.get_ref().clone(),
                span: r.span(),
            }),
            Err(message) => {
                self.error("form::ruleset", r.span(), message);
                None
            }
        }
    }

    /// The 年度, within reason.
    pub(super) fn year(&mut self, raw: &Spanned<i64>) -> Option<Field<i32>> {
        match i32::try_from(*raw.get_ref()) {
            Ok(y) if (1949..=2200).contains(&y) => Some(Field {
                value: y,
                text: y.to_string(),
                span: raw.span(),
            }),
            _ => {
                self.error(
                    "form::year",
                    raw.span(),
                    format!("年度不合理 (implausible year {})", raw.get_ref()),
                )
                .label = Some("expected a year such as 2023".into());
                None
            }
        }
    }

    /// A 项目 form without its project's name, or a 部门整体 form without its department's: a
    /// note, the form still loads.
    pub(super) fn note_unnamed(&mut self, kind: &Field<FormKind>, raw: &RawForm) {
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
                self.note(
                    "form::missing-field",
                    at,
                    "项目表缺少项目名称 (a 项目 form names its project: `project = \"项目名称\"`)",
                );
            }
            FormKind::Department
                if raw
                    .department
                    .as_ref()
                    .is_none_or(|p| p.get_ref().trim().is_empty()) =>
            {
                self.note("form::missing-field", kind.span.clone(), "部门整体表缺少部门名称 (a 部门整体 form names its department: `department = \"部门名称\"`)");
            }
            _ => {}
        }
    }

    pub(super) fn form(mut self, raw: RawForm) -> Result<Form, Vec<Diagnostic>> {
        let kind = self.form_kind(&raw.kind);
        let ruleset = raw.ruleset.as_ref().and_then(|r| self.ruleset(r));
        let year = self.year(&raw.year);
        if let Some(kind) = &kind {
            self.note_unnamed(kind, &raw);
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
                region: raw.region.map(Self::text).filter(|r| !r.value.is_empty()),
                budget,
                objective,
                tasks,
                sections,
                indicators,
                empty_categories,
                total,
                grade,
                notes: self.notes,
            }),
            _ => Err(self.errors),
        }
    }
}
