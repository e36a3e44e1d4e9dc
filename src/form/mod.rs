//! Forms: raw TOML ([`raw`]) → the validated model ([`Form`]).
//!
//! Validation parses every number exactly and every target/actual with the value grammar, and
//! reports every problem with its place in the file; nothing is dropped or guessed.

pub mod blank;
pub mod emit;
pub mod raw;

use crate::diag::{Diagnostic, SourceFile};
use crate::rules::{FormKind, RulesetRef};
use crate::value::{self, Actual, Target, ValueError};
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
    /// The whole `[[indicators]]` table.
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
    !text.is_empty()
        && text != "0"
        && !matches!(value::parse_actual(text), Ok(Actual::NotApplicable))
}

#[derive(Debug, Clone)]
pub struct EmptyCategory {
    pub level1: String,
    pub level2: String,
    /// How many indicators come before it on the form.
    pub position: usize,
}

/// The name of a template row that was never filled in: `指标2:`, `指标3：`, `……`, `...`.
/// Templates print a few of these under each 二级指标 for the unit to fill or delete.
fn is_placeholder_name(name: &str) -> bool {
    let name = name.trim();
    if !name.is_empty()
        && name
            .chars()
            .all(|c| matches!(c, '…' | '.' | '。' | '·' | '⋯'))
    {
        return true;
    }
    name.strip_prefix("指标")
        .map(|rest| rest.trim_end_matches([':', '：']))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
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
    let mut diagnostic = Diagnostic::error(
        "form::toml",
        format!("表格文件格式错误 (malformed form file): {message}"),
    );
    if let Some(help) = toml_help(&message, source.text()) {
        diagnostic = diagnostic.help(help);
    }
    match error.span() {
        Some(span) => diagnostic.at(source, span),
        None => diagnostic.in_file(source),
    }
}

/// What the usual TOML mistakes in a form mean, in the words of the form: a misspelt key (the
/// nearest valid one), a table written with single brackets where rows are repeated, a row whose
/// `[[indicators]]` line was forgotten.
fn toml_help(message: &str, text: &str) -> Option<String> {
    if message.starts_with("invalid unquoted key") && !text.is_ascii() {
        return Some(
            "TOML keys in Chinese are written in quotes: `\"年度\" = 2023`, `[[\"绩效指标\"]]` (中文键名要加引号)"
                .to_string(),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (unknown, expected) = rest.split_once('`')?;
        let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let nearest = candidates
            .iter()
            .map(|c| (edit_distance(unknown, c), *c))
            .min()?;
        if nearest.0 <= unknown.chars().count().div_ceil(2).max(1) {
            return Some(format!(
                "did you mean `{}`? (是否应为 `{}`)",
                nearest.1, nearest.1
            ));
        }
        return None;
    }
    if message.starts_with("duplicate key")
        || message.contains("invalid type: map, expected a sequence")
    {
        for table in ["indicators", "sources", "tasks", "sections", "items"] {
            let single = format!("[{table}]");
            let dotted = format!(".{table}]");
            if text.lines().any(|l| {
                let l = l.trim();
                l == single || (l.ends_with(&dotted) && !l.starts_with("[["))
            }) {
                return Some(format!(
                    "each row of a repeated table starts with double brackets: `[[{table}]]`, not `[{table}]` (每一行以 [[{table}]] 开头)"
                ));
            }
        }
        return Some(
            "a key appears twice in one table: did a row miss its `[[indicators]]` (or `[[budget.sources]]`) line? (是否漏写了某一行开头的 [[indicators]]？)"
                .to_string(),
        );
    }
    None
}

/// Levenshtein distance over characters, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row.get(j + 1).copied().unwrap_or(0);
            let insert = row.get(j).copied().unwrap_or(0) + 1;
            let delete = previous + 1;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = substitute.min(insert).min(delete);
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

struct Validator<'a> {
    source: &'a Arc<SourceFile>,
    errors: Vec<Diagnostic>,
    /// What is odd but readable: the form still loads (see [`Form::notes`]).
    notes: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    fn new(source: &'a Arc<SourceFile>) -> Self {
        Validator {
            source,
            errors: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A note: something a person would notice, located, that does not stop the form.
    fn note(
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
    fn optional_amount(
        &mut self,
        raw: Option<Spanned<RawNumber>>,
        field: &str,
        row: &str,
    ) -> Option<Field<Decimal>> {
        let raw = raw?;
        let span = raw.span();
        let text = raw.get_ref().text.trim().to_string();
        let row = if row.is_empty() {
            String::new()
        } else {
            format!("{row}: ")
        };
        if text.is_empty() {
            self.note(
                "form::blank-cell",
                span,
                format!("{row}{field}为空 (the {field} cell is blank)"),
            );
            return None;
        }
        if matches!(value::parse_actual(&text), Ok(Actual::NotApplicable)) {
            self.note(
                "form::not-applicable-amount",
                span,
                format!("{row}{field}填写「{text}」，按未填报处理 (a not-applicable mark where an amount belongs: read as not reported)"),
            );
            return None;
        }
        // A number that cannot be read is noted with the reader's own message, and left out.
        self.as_note(|v| v.amount(raw, field))
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
        let raw = Self::filled(raw)?;
        self.as_note(|v| v.number(raw, field))
    }

    fn claimed_percent(
        &mut self,
        raw: Option<Spanned<RawNumber>>,
        field: &str,
    ) -> Option<Field<Decimal>> {
        let raw = Self::filled(raw)?;
        self.as_note(|v| v.percent(raw, field))
    }

    /// A claimed figure that is written: not blank, not a not-applicable mark (`/` in the 得分 of
    /// a fund-source row claims nothing).
    fn filled(raw: Option<Spanned<RawNumber>>) -> Option<Spanned<RawNumber>> {
        raw.filter(|r| {
            let text = r.get_ref().text.trim();
            !text.is_empty() && !matches!(value::parse_actual(text), Ok(Actual::NotApplicable))
        })
    }

    /// Run a reader whose errors are only notes here: a claimed figure that cannot be read is
    /// not claimed, and the form goes on.
    fn as_note<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let mut errors = std::mem::take(&mut self.errors);
        let value = read(self);
        std::mem::swap(&mut errors, &mut self.errors);
        for mut e in errors {
            e.severity = crate::diag::Severity::Warning;
            self.notes.push(e);
        }
        value
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

    fn budget(&mut self, raw: Spanned<raw::RawBudget>) -> Option<Budget> {
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

    fn check_overspend(&mut self, adjusted: &Field<Decimal>, executed: &Field<Decimal>, row: &str) {
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

    fn section(&mut self, raw: Spanned<raw::RawSection>) -> Option<Section> {
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
            // A flat list prints no 一级/二级 columns: the level is empty, placed at the row.
            let level = |l: Option<Spanned<String>>| {
                l.map_or_else(
                    || Text {
                        value: String::new(),
                        span: row_span.start..row_span.start,
                    },
                    |l| {
                        let mut text = Self::text(l);
                        // `效 益 指 标` (spaced out to fill a cell, or split by a PDF's
                        // extraction) is 效益指标.
                        text.value = without_weight_suffix(&text.value)
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .collect();
                        text
                    },
                )
            };
            let level1 = level(r.level1);
            let level2 = level(r.level2);
            let filled = |t: Option<&str>| t.is_some_and(|t| !t.trim().is_empty());
            let has_data = filled(r.target.as_ref().map(|t| t.get_ref().as_str()))
                || filled(r.actual.as_ref().map(|t| t.get_ref().as_str()))
                || filled(r.weight.as_ref().map(|w| w.get_ref().text.as_str()))
                || filled(r.score.as_ref().map(|w| w.get_ref().text.as_str()));
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
                span: row_span,
            });
        }
        (indicators, empty)
    }

    /// The 分值 of a row; blank, a not-applicable mark or unreadable counts 0 points, noted
    /// unless the whole row is not applicable.
    fn weight(
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
    fn target(
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
    fn actual(
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

/// A level name without the weight a layout prints after it: `产出指标(50分)` and
/// `产出指标（50分）` are 产出指标 (the weight is the template's to check).
fn without_weight_suffix(name: &str) -> &str {
    let trimmed = name.trim_end();
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(body) = trimmed.strip_suffix(close)
            && let Some(at) = body.rfind(open)
        {
            let inside = body.get(at + open.len_utf8()..).unwrap_or("");
            let number = inside.trim_end_matches('分').trim();
            if inside.ends_with('分') && !number.is_empty() && value::parse_decimal(number).is_ok()
            {
                return body.get(..at).unwrap_or(name).trim_end();
            }
        }
    }
    name
}

/// Where a row's missing cell is placed: its name, or the row.
fn name_or_row(name: &Text, row_span: &Span) -> Span {
    if name.span.is_empty() {
        row_span.start..row_span.start
    } else {
        name.span.clone()
    }
}

/// A cell read with the row's 度量单位 column: `95` with unit `%` reads as `95%`. A cell that
/// already carries a unit, or a word, is read as it is.
fn with_unit_column(text: &str, unit: Option<&Text>) -> String {
    match unit {
        Some(unit)
            if text
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_digit() || c.is_numeric())
                && !matches!(value::parse_actual(&unit.value), Ok(Actual::NotApplicable)) =>
        {
            format!("{text}{}", unit.value)
        }
        _ => text.to_string(),
    }
}

/// The comparator a 指标性质 cell stands for.
fn direction_comparator(text: &str) -> Option<value::Comparator> {
    match text.trim() {
        "正向" | "正向指标" => Some(value::Comparator::Ge),
        "反向" | "反向指标" => Some(value::Comparator::Le),
        "﹦" | "＝" => Some(value::Comparator::Eq),
        other => value::Comparator::parse_symbol(other),
    }
}

/// The number part of a cell written with a comparator, for a note.
fn quantity_text(text: &str) -> &str {
    text.trim_start_matches(|c: char| !c.is_ascii_digit() && !c.is_numeric())
}

/// The text without surrounding whitespace, reusing its buffer when there is none to remove.
fn trimmed(text: String) -> String {
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_string()
    }
}
