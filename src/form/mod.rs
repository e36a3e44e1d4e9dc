//! Forms: raw TOML ([`raw`]) → the validated model ([`Form`]).
//!
//! Validation parses every number exactly and every target/actual with the value grammar, and
//! reports every problem with its place in the file; nothing is dropped or guessed.
//!
//! Reading is in parts: `validate.rs` (the validator and the form's header fields),
//! `budget.rs` (the budget block and the scored sections), `indicators.rs` (the indicator rows and
//! their cells), `cells.rs` (how a cell's text is read: placeholders, level names, the unit
//! column) and `toml_errors.rs` (what a TOML mistake means, in the words of the form).

pub mod blank;
mod budget;
mod cells;
pub mod columns;
pub mod emit;
mod indicators;
mod parts;
pub mod raw;
mod toml_errors;
mod validate;

pub use self::toml_errors::toml_diagnostic;
use self::validate::Validator;

use crate::diag::{Diagnostic, SourceFile};
use crate::rules::{FormKind, RulesetRef};
use crate::value::{self, Actual, Target};
use raw::RawForm;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A byte range in the form's text (one type with the rules language's [`crate::diag::Span`]).
pub use crate::diag::Span;

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
    /// The region the form names (`region = "四川省"`), for choosing its ruleset.
    pub region: Option<Text>,
    pub budget: Budget,
    pub objective: Objective,
    pub tasks: Vec<Task>,
    pub sections: Vec<Section>,
    pub indicators: Vec<Indicator>,
    /// Level-2 rows printed empty on the form, in order.
    pub empty_categories: Vec<EmptyCategory>,
    pub total: Option<Field<Decimal>>,
    pub grade: Option<Field<String>>,
    /// What a person reading the form would notice but still read: blank cells, a mark of "not
    /// applicable" where a number belongs, a comparator written in an actual, an unreadable
    /// cell. Each is located (severity warning); the form loads and scores as printed.
    pub notes: Vec<Diagnostic>,
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

/// The money unit a form's budget block is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyUnit {
    /// `万元`, `元`, `亿元` …
    pub name: &'static str,
    /// What one unit is worth in 元.
    pub yuan: i64,
}

impl MoneyUnit {
    /// 万元: what forms print unless the header says otherwise.
    pub const WAN: MoneyUnit = MoneyUnit {
        name: "万元",
        yuan: 10_000,
    };
    const ALL: [MoneyUnit; 4] = [
        MoneyUnit {
            name: "元",
            yuan: 1,
        },
        MoneyUnit {
            name: "千元",
            yuan: 1_000,
        },
        MoneyUnit::WAN,
        MoneyUnit {
            name: "亿元",
            yuan: 100_000_000,
        },
    ];

    /// `元`, `（元）`, `万元` …; `None` for anything else.
    pub fn parse(text: &str) -> Option<MoneyUnit> {
        let bare = text
            .trim()
            .trim_matches(|c| matches!(c, '(' | ')' | '（' | '）' | ' '));
        let bare = bare
            .strip_prefix("单位：")
            .or(bare.strip_prefix("单位:"))
            .unwrap_or(bare);
        MoneyUnit::ALL.into_iter().find(|u| u.name == bare.trim())
    }
}

#[derive(Debug, Clone)]
pub struct Budget {
    /// The unit the amounts are printed in; every amount stays in it.
    pub unit: MoneyUnit,
    /// 年初预算数; `None` where the layout has no such column or the cell is blank.
    pub initial: Option<Field<Decimal>>,
    /// 全年预算数 (调整后预算数, 预算数(A)); `None` when blank.
    pub adjusted: Option<Field<Decimal>>,
    /// 全年执行数 (执行数(B)); `None` when blank.
    pub executed: Option<Field<Decimal>>,
    /// Whether the layout has a 年初预算数 / a 全年预算数 column at all (a blank cell in a printed
    /// column is not a missing column).
    pub has_initial_column: bool,
    pub has_adjusted_column: bool,
    pub weight: Option<Field<Decimal>>,
    /// Claimed 执行率, as a fraction.
    pub rate: Option<Field<Decimal>>,
    /// Claimed execution score.
    pub score: Option<Field<Decimal>>,
    pub explanation: Option<String>,
    pub sources: Vec<FundSource>,
    pub span: Span,
}

/// The text of a figure as printed, or `""` where there is none.
pub fn text_of<T>(field: &Option<Field<T>>) -> &str {
    field.as_ref().map_or("", |f| f.text.as_str())
}

/// The value of a figure, where one is given.
pub fn value_of<T: Copy>(field: &Option<Field<T>>) -> Option<T> {
    field.as_ref().map(|f| f.value)
}

impl Budget {
    /// A value of the block in 元, for comparing it with amounts written elsewhere.
    pub fn in_yuan(&self, value: Decimal) -> Option<Decimal> {
        value.checked_mul(Decimal::from(self.unit.yuan))
    }
}

#[derive(Debug, Clone)]
pub struct FundSource {
    pub name: Text,
    /// `None` where the cell is blank or the layout has no such column.
    pub initial: Option<Field<Decimal>>,
    pub adjusted: Option<Field<Decimal>>,
    pub executed: Option<Field<Decimal>>,
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
    /// `None` where no weight is printed: the rules' weight applies.
    pub weight: Option<Field<Decimal>>,
    pub score: Option<Field<Decimal>>,
    pub problems: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    /// Empty on a flat list, which prints no 一级/二级 columns.
    pub level1: Text,
    pub level2: Text,
    pub name: Text,
    /// The 指标性质 column, where the layout prints the comparator apart (`≥`, `定性`, 正向).
    pub direction: Option<Text>,
    /// The 度量单位 column, where the layout prints the unit apart.
    pub unit: Option<Text>,
    pub target: Field<Target>,
    pub actual: Field<Actual>,
    /// A blank or unreadable 分值 counts 0 points (with a note).
    pub weight: Field<Decimal>,
    pub score: Option<Field<Decimal>>,
    /// Claimed 偏差度, as a fraction.
    pub deviation: Option<Field<Decimal>>,
    pub explanation: Option<String>,
    /// Other printed columns of the row, header → cell.
    pub extra: std::collections::BTreeMap<String, String>,
    /// The parts that report the row, whose actuals combine into its 实际完成值 (empty for a
    /// row reported whole).
    pub parts: Vec<IndicatorPart>,
    /// The whole `[[indicators]]` table.
    pub span: Span,
}

/// One part of an indicator row: a sub-project, a recipient unit or a fund line that reports
/// its own 实际完成值, with its funds (资金额度) where printed.
#[derive(Debug, Clone)]
pub struct IndicatorPart {
    /// As printed, or `第N分项` (part N) where blank.
    pub name: Text,
    pub actual: Field<Actual>,
    /// In the budget block's money unit; `None` where not printed (or unreadable, noted).
    pub funds: Option<Field<Decimal>>,
    pub span: Span,
}

impl Indicator {
    /// Whether a 偏差原因 was written: a `0`, `无` or `/` in the cell is no reason.
    pub fn has_explanation(&self) -> bool {
        self.explanation.as_deref().is_some_and(is_a_reason)
    }
}

/// Whether a 偏差原因 cell gives a reason: blank, `0`, `无`, `/` and the other not-applicable
/// marks do not.
pub fn is_a_reason(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text != "0" && !value::is_not_applicable_cell(text)
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
