//! Checks across the forms of a run (跨表): a unit whose every form is at full marks, indicator
//! rows copied between units, 满意度 text naming another unit, the same form submitted twice,
//! two forms for one project, and score inflation summed per unit.
//!
//! They must not hold the forms: a batch of 100,000 forms streams past, each form reviewed and
//! rendered by a worker and dropped. Each worker collects a form's [`FormKeys`] (its names, totals,
//! row hashes and texts), and the [`Index`] keeps of them only numbers: a content hash, a project
//! hash, the unit's number, a hash per distinctive indicator row, and per unit running totals;
//! each form's name and file go to a temporary file ([`labels`]), as its row hashes do past a
//! first few ([`row_keys`]). No other text of a form is kept. The batch checks run once, on the
//! index, after the last form; the few forms a finding names are read again (through the index's
//! resolver) for their lines and texts.

mod checks;
mod labels;
mod row_keys;
mod spill;

pub(super) use checks::{
    copied_across_units, duplicate_form, duplicate_project, names_other_unit, unit_full_marks,
    unit_score_inflation,
};

use super::{Check, Context, Finding};
use crate::rules::FormKind;
use crate::rules::ruleset::ReviewSettings;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// FNV-1a, 64 bits: fast on the short texts of a form, and the same on every run and machine.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A batch finding with the form it is about (batch findings are listed apart from their forms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFinding {
    pub form: String,
    pub department: String,
    pub unit: String,
    pub finding: Finding,
}

/// A finding of a batch check, with the index of the form it is about.
pub type Raised = (u32, Finding);

/// What a worker collects of one form for the batch checks. The [`Index`] keeps only numbers of
/// it; the whole keys are made again, by the resolver, for the few forms a finding names.
#[derive(Debug, Clone, Default)]
pub struct FormKeys {
    pub file: String,
    pub name: String,
    /// 主管部门, or empty.
    pub department: String,
    /// 实施单位; the department where the form names no unit; empty when it names neither.
    pub unit: String,
    pub year: i32,
    pub kind: Option<FormKind>,
    /// A hash of everything the form says except its names (budget, rows, claims).
    pub content: u64,
    pub claimed_total: Option<Decimal>,
    pub total: Decimal,
    /// Some indicator row claims less than its weight.
    pub docked: bool,
    /// Rows long enough to be told apart, as (hash of name + target + actual, line, the text).
    pub rows: Vec<(u64, usize, Box<str>)>,
    /// 满意度 rows whose text names an organisation: (line, text).
    pub satisfaction: Vec<(usize, Box<str>)>,
}

/// Characters that end the name of an organisation (局, 中心, 学校 …).
const ORGANISATION_ENDINGS: &[&str] = &[
    "局",
    "委",
    "办",
    "中心",
    "院",
    "校",
    "所",
    "站",
    "馆",
    "社区",
    "街道",
    "公司",
    "委员会",
];

/// Unit characters that do not make a row distinctive.
const UNIT_CHARS: &[char] = &[
    '个', '次', '人', '件', '批', '项', '天', '月', '年', '日', '元', '万', '亿',
];

/// Letters — Chinese characters (the CJK unified block) and ASCII letters — that are not
/// digits, punctuation or units.
fn letters(text: &str) -> usize {
    text.chars()
        .filter(|c| {
            (c.is_ascii_alphabetic() || ('\u{4e00}'..='\u{9fff}').contains(c))
                && !UNIT_CHARS.contains(c)
        })
        .count()
}

fn hash_of(parts: &[&str]) -> u64 {
    let mut h = Fnv::new();
    for p in parts {
        p.trim().hash(&mut h);
    }
    h.finish()
}

/// Whether a text holds an organisation's name ending ([`ORGANISATION_ENDINGS`]): a pass over
/// its characters for the first letter of an ending, before any substring search.
fn names_organisation(text: &str) -> bool {
    text.chars().any(|c| {
        ORGANISATION_ENDINGS
            .iter()
            .any(|e| e.starts_with(c) && text.contains(e))
    })
}

fn is_satisfaction(level1: &str, level2: &str, name: &str) -> bool {
    // A search for one character first: most rows have no 满 at all, and it is far cheaper
    // than a substring search, which this runs for every row of every form.
    [level1, level2, name]
        .iter()
        .any(|t| t.contains('满') && t.contains("满意"))
}

impl FormKeys {
    /// The keys of one reviewed form.
    /// `row_texts`: keep each distinctive row's text (else an empty text: a run that reads the
    /// forms its findings name again needs no text of the others).
    pub fn collect(cx: &Context, row_texts: bool) -> FormKeys {
        let form = cx.form;
        let sheet = cx.sheet;
        let min_letters = cx.settings().copied_row_chars;
        let mut content = Fnv::new();
        (form.kind.value == FormKind::Project).hash(&mut content);
        form.year.value.hash(&mut content);
        let b = &form.budget;
        for field in [&b.initial, &b.adjusted, &b.executed] {
            crate::form::text_of(field).trim().hash(&mut content);
        }
        for section in &sheet.sections {
            for item in &section.items {
                item.name.hash(&mut content);
                item.claimed.as_ref().map(|c| c.value).hash(&mut content);
            }
        }
        let mut rows = Vec::new();
        let mut satisfaction = Vec::new();
        let mut docked = false;
        for (row, scored) in cx.rows() {
            let (name, target, actual) = (&row.name.value, &row.target.text, &row.actual.text);
            for part in [&row.level1.value, &row.level2.value, name, target, actual] {
                part.trim().hash(&mut content);
            }
            row.weight.value.hash(&mut content);
            scored
                .claimed_score
                .as_ref()
                .map(|c| c.value)
                .hash(&mut content);
            if let Some(c) = &scored.claimed_score
                && c.value < scored.weight
            {
                docked = true;
            }
            let text = || format!("{} {} {}", name.trim(), target.trim(), actual.trim());
            let count = letters(name) + letters(target) + letters(actual);
            if Decimal::from(count) >= min_letters {
                let line = cx.line(&row.actual.span);
                let shown = if row_texts {
                    text().into()
                } else {
                    Box::default()
                };
                rows.push((hash_of(&[name, target, actual]), line, shown));
            }
            if is_satisfaction(&row.level1.value, &row.level2.value, name)
                && [name, target, actual].iter().any(|t| names_organisation(t))
            {
                satisfaction.push((cx.line(&row.actual.span), text().into()));
            }
        }
        let department = form.department.clone().unwrap_or_default();
        let unit = form.unit.clone().unwrap_or_else(|| department.clone());
        FormKeys {
            file: form.path().to_string(),
            name: form.name().to_string(),
            department,
            unit,
            year: form.year.value,
            kind: Some(form.kind.value),
            content: content.finish(),
            claimed_total: sheet.claimed_total.as_ref().map(|c| c.value),
            total: sheet.total,
            docked,
            rows,
            satisfaction,
        }
    }
}

/// A project's name as the same project would be written twice: no spaces or quotes, and no
/// system code prefix (`51000021R0001-名称`).
fn project_key(name: &str) -> String {
    let name = name.rsplit_once(['-', '－']).map_or(name, |(_, n)| n);
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '「' | '」'))
        .collect()
}

/// One form in the index: numbers only (24 bytes).
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// A hash of everything the form says except its names.
    content: u64,
    /// A hash of its project name and year, for a 项目 form that names a project; else 0.
    project: u64,
    unit: u32,
    /// The number of its file in the run (the forms of a file are added together, in order).
    file: u32,
}

/// One distinctive indicator row: its hash and its form (12 bytes; the line and the text are
/// read again for the rows a finding is about).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct RowKey {
    hash: [u32; 2],
    form: u32,
}

impl RowKey {
    fn new(hash: u64, form: u32) -> RowKey {
        // The high half first, so that the order is the hash's order.
        RowKey {
            hash: [(hash >> 32) as u32, hash as u32],
            form,
        }
    }

    fn hash(&self) -> u64 {
        (u64::from(self.hash[0]) << 32) | u64::from(self.hash[1])
    }
}

/// At most this many forms are named in one finding's evidence.
pub(super) const LISTED: usize = 10;

/// A unit's figures, kept as its forms are added.
#[derive(Debug, Clone)]
struct UnitStats {
    forms: u32,
    /// Its first forms (at most [`LISTED`]), for the evidence.
    first: Vec<u32>,
    /// Their claimed and recomputed totals, kept only while no form of the unit is docked:
    /// `unit-full-marks` lists them, and once a form is docked it will not.
    first_totals: Vec<(Option<Decimal>, Decimal)>,
    any_docked: bool,
    all_full: bool,
    /// Claimed − recomputed totals, summed; `None` once the sum overflows.
    gap_sum: Option<Decimal>,
    /// Forms with a claimed total.
    gaps: u32,
    /// The largest positive gaps (at most [`LISTED`]), largest first.
    largest: Vec<(u32, Decimal)>,
}

impl Default for UnitStats {
    fn default() -> Self {
        UnitStats {
            forms: 0,
            first: Vec::new(),
            first_totals: Vec::new(),
            any_docked: false,
            all_full: true,
            gap_sum: Some(Decimal::ZERO),
            gaps: 0,
            largest: Vec::new(),
        }
    }
}

/// Reads a form's whole keys again: given the number of its file in the run and its place in
/// the file, the keys as the worker collected them.
pub type Resolver<'r> = Box<dyn FnMut(u32, u32) -> Option<FormKeys> + 'r>;

/// The keys of every form of a run, as numbers, filed by unit.
#[derive(Default)]
pub struct Index<'r> {
    forms: Vec<Entry>,
    /// Each form's name (project, or department) and file, by form number: most findings name
    /// forms, and a label costs far less to keep (in a temporary file) than a form to read again.
    labels: labels::Labels,
    /// (department, unit) by number.
    units: Vec<(String, String)>,
    unit_numbers: HashMap<(String, String), u32>,
    unit_stats: Vec<UnitStats>,
    /// Every distinctive row of every form, read back bucket by bucket when the checks run.
    rows: RefCell<row_keys::RowKeys>,
    /// Forms with a 满意度 row that names an organisation.
    satisfaction: Vec<u32>,
    resolver: RefCell<Option<Resolver<'r>>>,
}

impl std::fmt::Debug for Index<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("forms", &self.forms.len())
            .field("units", &self.units.len())
            .field("rows", &self.rows.borrow().len())
            .finish()
    }
}

pub(super) fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'r> Index<'r> {
    pub fn new() -> Index<'r> {
        Index::default()
    }

    /// An index whose findings can name their forms: `resolve(file, n)` gives the keys of the
    /// `n`-th form of the run's file `file` again.
    pub fn with_resolver(resolve: impl FnMut(u32, u32) -> Option<FormKeys> + 'r) -> Index<'r> {
        Index {
            resolver: RefCell::new(Some(Box::new(resolve))),
            ..Index::default()
        }
    }

    /// Room for `forms` forms (the number of files of a run, say), so that the index does not
    /// grow by doubling: a run's memory is then the index and no spare room.
    pub fn reserve(&mut self, forms: usize) {
        self.forms.reserve_exact(forms);
        self.labels.reserve(forms);
    }

    /// File one form's keys, from the run's file number `file`; forms are numbered in the order
    /// they are added, and the forms of one file are added together, with file numbers that do
    /// not go down. Only numbers are kept.
    pub fn add(&mut self, mut keys: FormKeys, file: u32) {
        let form = small(self.forms.len());
        // A form's own file: a workbook's forms are `book.xlsx#Sheet1`, `book.xlsx#Sheet2`.
        self.labels.push(&keys.name, &keys.file);
        let unit_key = (
            std::mem::take(&mut keys.department),
            std::mem::take(&mut keys.unit),
        );
        let unit = match self.unit_numbers.get(&unit_key) {
            Some(n) => *n,
            None => {
                let n = small(self.units.len());
                // Copied here, so that no worker allocation is kept alive by the index.
                let owned = (
                    unit_key.0.as_str().to_owned(),
                    unit_key.1.as_str().to_owned(),
                );
                self.units.push(owned.clone());
                self.unit_numbers.insert(owned, n);
                self.unit_stats.push(UnitStats::default());
                n
            }
        };
        let project = match project_key(&keys.name) {
            key if keys.kind == Some(FormKind::Project) && !key.is_empty() => {
                let mut h = Fnv::new();
                key.hash(&mut h);
                keys.year.hash(&mut h);
                h.finish().max(1)
            }
            _ => 0,
        };
        let mut seen: Vec<u64> = Vec::with_capacity(keys.rows.len());
        for (hash, _, _) in &keys.rows {
            if !seen.contains(hash) {
                seen.push(*hash);
                self.rows.get_mut().push(RowKey::new(*hash, form));
            }
        }
        if !keys.satisfaction.is_empty() {
            self.satisfaction.push(form);
        }
        let full = keys
            .claimed_total
            .is_some_and(|c| c >= Decimal::ONE_HUNDRED);
        if let Some(stats) = self.unit_stats.get_mut(unit as usize) {
            stats.add(form, &keys, full);
        }
        self.forms.push(Entry {
            content: keys.content,
            project,
            unit,
            file,
        });
    }

    pub fn len(&self) -> usize {
        self.forms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    fn entry(&self, form: u32) -> Option<&Entry> {
        self.forms.get(form as usize)
    }

    /// The whole keys of a form, read again through the resolver. They are not kept: each check
    /// reads a form it names once, and what it keeps of them is its findings.
    pub(super) fn named(&self, form: u32) -> Option<FormKeys> {
        self.entry(form).and_then(|e| {
            // Its place in its file: forms before it from the same file.
            let first = self.forms.partition_point(|f| f.file < e.file);
            let place = form.checked_sub(small(first))?;
            let mut resolver = self.resolver.borrow_mut();
            resolver.as_mut().and_then(|r| r(e.file, place))
        })
    }

    fn file_of(&self, form: u32) -> String {
        self.labels.get(form).map(|l| l.file).unwrap_or_default()
    }

    pub(super) fn name_of(&self, form: u32) -> String {
        self.labels.get(form).map(|l| l.name).unwrap_or_default()
    }

    fn unit_of(&self, form: u32) -> (&str, &str) {
        self.entry(form)
            .and_then(|e| self.units.get(e.unit as usize))
            .map_or(("", ""), |(d, u)| (d.as_str(), u.as_str()))
    }

    pub(super) fn finding(
        &self,
        check: &Check,
        form: u32,
        line: Option<usize>,
        row: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(check, &self.file_of(form), line, row, field, message)
    }

    /// `name (file)`, for evidence.
    pub(super) fn describe(&self, form: u32) -> String {
        self.labels
            .get(form)
            .map(|l| format!("{} ({})", l.name, l.file))
            .unwrap_or_default()
    }

    pub(super) fn unit_label(&self, unit: u32) -> String {
        match self.units.get(unit as usize) {
            Some((d, u)) if d.is_empty() && u.is_empty() => "（未填单位）(no unit)".into(),
            Some((d, u)) if d == u || d.is_empty() => u.clone(),
            Some((d, u)) => format!("{d} / {u}"),
            None => String::new(),
        }
    }

    /// Run the chosen batch checks; findings sorted by form, then in catalogue order.
    pub fn run(
        &mut self,
        settings: &ReviewSettings,
        checks: &super::CheckSet,
    ) -> Vec<BatchFinding> {
        let mut raised: Vec<Raised> = Vec::new();
        for check in checks.checks() {
            if let super::Runner::Batch(run) = check.run {
                run(self, settings, &mut raised);
            }
        }
        raised.sort_by_key(|(form, f)| (*form, super::catalogue_index(f.code), f.line));
        raised
            .into_iter()
            .map(|(form, finding)| {
                let (department, unit) = self.unit_of(form);
                BatchFinding {
                    form: self.name_of(form),
                    department: department.to_string(),
                    unit: unit.to_string(),
                    finding,
                }
            })
            .collect()
    }
}

impl UnitStats {
    fn add(&mut self, form: u32, keys: &FormKeys, full: bool) {
        self.forms = self.forms.saturating_add(1);
        if self.first.len() < LISTED {
            self.first.push(form);
            self.first_totals.push((keys.claimed_total, keys.total));
        }
        if keys.docked && !self.any_docked {
            self.any_docked = true;
            self.first_totals = Vec::new();
        }
        self.all_full &= full;
        let Some(claimed) = keys.claimed_total else {
            return;
        };
        let Ok(gap) = crate::num::sub(claimed, keys.total) else {
            return;
        };
        self.gaps = self.gaps.saturating_add(1);
        self.gap_sum = self.gap_sum.and_then(|s| s.checked_add(gap));
        if gap > Decimal::ZERO {
            self.largest.push((form, gap));
            self.largest
                .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            self.largest.truncate(LISTED);
        }
    }
}

/// Run the batch checks over reviews made with them chosen (their keys are taken out), as
/// `jixiao review` does over a run.
pub fn run_over(
    reviews: &mut [super::FormReview],
    settings: &ReviewSettings,
    checks: &super::CheckSet,
) -> Vec<BatchFinding> {
    let keys: Vec<FormKeys> = reviews
        .iter_mut()
        .filter_map(|r| r.keys.take().map(|k| *k))
        .collect();
    let mut index = Index::with_resolver(|file, _| keys.get(file as usize).cloned());
    for (i, k) in keys.iter().enumerate() {
        index.add(k.clone(), small(i));
    }
    index.run(settings, checks)
}
