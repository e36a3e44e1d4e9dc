//! Checks across the forms of a run (跨表): a unit whose every form is at full marks, indicator
//! rows copied between units, 满意度 text naming another unit, the same form submitted twice,
//! two forms for one project, and score inflation summed per unit.
//!
//! They must not hold the forms: a batch of 100,000 forms streams past, each form reviewed and
//! rendered by a worker and dropped. Each form leaves only its [`FormKeys`] — a content hash,
//! its names and totals, a hash per distinctive indicator row, the few 满意度 texts that name
//! an organisation — which the [`Index`] files under its department and unit. The batch checks
//! run once, on the index, after the last form.

use super::{
    COPIED_ACROSS_UNITS, Check, Context, DUPLICATE_FORM, DUPLICATE_PROJECT, Finding,
    NAMES_OTHER_UNIT, UNIT_FULL_MARKS, UNIT_SCORE_INFLATION, setting,
};
use crate::num::{self};
use crate::rules::FormKind;
use crate::rules::ruleset::ReviewSettings;
use rust_decimal::Decimal;
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

/// What one form leaves for the batch checks.
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

fn is_satisfaction(level1: &str, level2: &str, name: &str) -> bool {
    [level1, level2, name].iter().any(|t| t.contains("满意"))
}

impl FormKeys {
    /// The keys of one reviewed form.
    pub fn collect(cx: &Context) -> FormKeys {
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
                rows.push((hash_of(&[name, target, actual]), line, text().into()));
            }
            if is_satisfaction(&row.level1.value, &row.level2.value, name)
                && ORGANISATION_ENDINGS
                    .iter()
                    .any(|e| name.contains(e) || target.contains(e) || actual.contains(e))
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

/// A distinctive row: its text once, and every (form, line) it is on.
type RowPlaces = (Box<str>, Vec<(u32, u32)>);

/// A unit's summed gap (claimed − recomputed) and each form's gap.
pub type UnitGap = (u32, Decimal, Vec<(u32, Decimal)>);

/// One form in the index: its keys without the rows.
#[derive(Debug)]
struct Entry {
    file: Box<str>,
    name: Box<str>,
    unit: u32,
    year: i32,
    project: bool,
    content: u64,
    claimed_total: Option<Decimal>,
    total: Decimal,
    docked: bool,
}

/// The keys of every form of a run, filed by unit.
#[derive(Debug, Default)]
pub struct Index {
    forms: Vec<Entry>,
    /// (department, unit) by number.
    units: Vec<(String, String)>,
    unit_numbers: HashMap<(String, String), u32>,
    /// Each distinctive row: the text once, and every (form, line) it is on.
    rows: HashMap<u64, RowPlaces>,
    satisfaction: Vec<(u32, u32, Box<str>)>,
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// File one form's keys; forms are numbered in the order they are added.
    ///
    /// What is kept is copied here, on the thread that owns the index, and the keys (made by a
    /// worker) are dropped: a long-lived string left in a worker's allocation would pin the
    /// page it shares with the form's short-lived data, and memory would grow with the batch.
    pub fn add(&mut self, keys: FormKeys) {
        let form = small(self.forms.len());
        let unit_key = (keys.department, keys.unit);
        let unit = match self.unit_numbers.get(&unit_key) {
            Some(n) => *n,
            None => {
                let n = small(self.units.len());
                let owned = (
                    unit_key.0.as_str().to_owned(),
                    unit_key.1.as_str().to_owned(),
                );
                self.units.push(owned.clone());
                self.unit_numbers.insert(owned, n);
                n
            }
        };
        for (hash, line, text) in keys.rows {
            let entry = self
                .rows
                .entry(hash)
                .or_insert_with(|| (Box::from(&*text), Vec::new()));
            entry.1.push((form, small(line)));
        }
        for (line, text) in keys.satisfaction {
            self.satisfaction
                .push((form, small(line), Box::from(&*text)));
        }
        self.forms.push(Entry {
            file: Box::from(keys.file.as_str()),
            name: Box::from(keys.name.as_str()),
            unit,
            year: keys.year,
            project: keys.kind == Some(FormKind::Project),
            content: keys.content,
            claimed_total: keys.claimed_total,
            total: keys.total,
            docked: keys.docked,
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

    fn unit_of(&self, form: u32) -> (&str, &str) {
        self.entry(form)
            .and_then(|e| self.units.get(e.unit as usize))
            .map_or(("", ""), |(d, u)| (d.as_str(), u.as_str()))
    }

    fn finding(
        &self,
        check: &Check,
        form: u32,
        line: Option<usize>,
        row: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        let file = self.entry(form).map_or("", |e| &*e.file);
        Finding::new(check, file, line, row, field, message)
    }

    /// `name (file)`, for evidence.
    fn describe(&self, form: u32) -> String {
        self.entry(form)
            .map(|e| format!("{} ({})", e.name, e.file))
            .unwrap_or_default()
    }

    /// Forms by unit number, in the order they were added.
    fn by_unit(&self) -> Vec<Vec<u32>> {
        let mut groups = vec![Vec::new(); self.units.len()];
        for (i, e) in self.forms.iter().enumerate() {
            if let Some(g) = groups.get_mut(e.unit as usize) {
                g.push(small(i));
            }
        }
        groups
    }

    fn unit_label(&self, unit: u32) -> String {
        match self.units.get(unit as usize) {
            Some((d, u)) if d.is_empty() && u.is_empty() => "（未填单位）(no unit)".into(),
            Some((d, u)) if d == u || d.is_empty() => u.clone(),
            Some((d, u)) => format!("{d} / {u}"),
            None => String::new(),
        }
    }

    /// Run the chosen batch checks; findings sorted by form, then in catalogue order.
    pub fn run(&self, settings: &ReviewSettings, checks: &super::CheckSet) -> Vec<BatchFinding> {
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
                    form: self
                        .entry(form)
                        .map(|e| e.name.to_string())
                        .unwrap_or_default(),
                    department: department.to_string(),
                    unit: unit.to_string(),
                    finding,
                }
            })
            .collect()
    }
}

/// At most this many forms are named in one finding's evidence.
const LISTED: usize = 10;

fn listed(index: &Index, forms: &[u32]) -> String {
    let mut names: Vec<String> = forms
        .iter()
        .take(LISTED)
        .map(|f| index.describe(*f))
        .collect();
    if forms.len() > LISTED {
        names.push(format!(
            "…… 另有 {} 个 ({} more)",
            forms.len() - LISTED,
            forms.len() - LISTED
        ));
    }
    names.join("；")
}

pub(super) fn unit_full_marks(index: &Index, settings: &ReviewSettings, out: &mut Vec<Raised>) {
    let needed = settings.unit_forms;
    for (unit, forms) in index.by_unit().into_iter().enumerate() {
        if Decimal::from(forms.len()) < needed || forms.is_empty() {
            continue;
        }
        let entries: Vec<&Entry> = forms.iter().filter_map(|f| index.entry(*f)).collect();
        if entries.iter().any(|e| e.docked) {
            continue;
        }
        let hundred = Decimal::ONE_HUNDRED;
        let all_full = entries
            .iter()
            .all(|e| e.claimed_total.is_some_and(|c| c >= hundred));
        let label = index.unit_label(small(unit));
        let n = forms.len();
        let (chinese, english) = if all_full {
            ("全部自评满分 100", "every one self-scored 100")
        } else {
            (
                "没有一个指标扣分",
                "no indicator row of any of them was docked",
            )
        };
        let Some(first) = forms.first() else { continue };
        let totals: Vec<String> = entries
            .iter()
            .take(LISTED)
            .map(|e| {
                format!(
                    "{} 申报 {} / 复核 {}",
                    e.name,
                    e.claimed_total.map_or("—".into(), |c| c.to_string()),
                    e.total
                )
            })
            .collect();
        out.push((
            *first,
            index
                .finding(
                    &UNIT_FULL_MARKS,
                    *first,
                    None,
                    label.clone(),
                    "自评得分",
                    format!(
                        "{label} 的 {n} 张自评表{chinese} (all {n} forms of {label}: {english})"
                    ),
                )
                .with("表数 (forms)", n.to_string())
                .with("自评得分 (totals)", totals.join("；"))
                .with("阈值 (threshold)", setting::UNIT_FORMS.describe(settings)),
        ));
    }
}

pub(super) fn copied_across_units(index: &Index, settings: &ReviewSettings, out: &mut Vec<Raised>) {
    let mut groups: Vec<(&RowPlaces, u32)> = index
        .rows
        .values()
        .filter_map(|g| g.1.first().map(|(f, _)| (g, *f)))
        .collect();
    groups.sort_by_key(|(_, first)| *first);
    for ((text, places), _) in groups {
        let units: Vec<u32> = places
            .iter()
            .filter_map(|(f, _)| index.entry(*f).map(|e| e.unit))
            .collect();
        let Some(first_unit) = units.first() else {
            continue;
        };
        if units.iter().all(|u| u == first_unit) {
            continue;
        }
        let mut distinct: Vec<u32> = units.clone();
        distinct.sort_unstable();
        distinct.dedup();
        for (i, (form, line)) in places.iter().enumerate() {
            let own = units.get(i).copied().unwrap_or_default();
            let others: Vec<String> = places
                .iter()
                .zip(&units)
                .filter(|(_, u)| **u != own)
                .take(LISTED)
                .map(|((f, l), u)| {
                    let file = index.entry(*f).map_or("", |e| &*e.file);
                    format!("{} {file}:{l}", index.unit_label(*u))
                })
                .collect();
            let row = text.split(' ').next().unwrap_or_default().to_string();
            out.push((
*form,
                index
                    .finding(
                        &COPIED_ACROSS_UNITS,
                        *form,
                        Some(*line as usize),
                        row,
                        "三级指标",
                        format!(
                            "指标「{text}」的名称、指标值和实际完成值与其他 {} 个单位的表逐字相同 (this row's name, target and actual are word for word those of forms of {} other units: copied?)",
                            distinct.len() - 1,
                            distinct.len() - 1
                        ),
                    )
                    .with("本单位 (this unit)", index.unit_label(own))
                    .with("相同的行 (same row in)", others.join("；"))
                    .with("阈值 (threshold)", setting::COPIED_ROW_CHARS.describe(settings)),
            ));
        }
    }
}

pub(super) fn names_other_unit(index: &Index, _: &ReviewSettings, out: &mut Vec<Raised>) {
    // Names worth looking for: long enough not to be a word of ordinary text.
    let names: Vec<(u32, &str)> = index
        .units
        .iter()
        .enumerate()
        .flat_map(|(i, (d, u))| [(small(i), d.as_str()), (small(i), u.as_str())])
        .filter(|(_, n)| n.chars().count() >= 4)
        .collect();
    for (form, line, text) in &index.satisfaction {
        let Some(entry) = index.entry(*form) else {
            continue;
        };
        let (own_department, own_unit) = index.unit_of(*form);
        let other = names.iter().find(|(unit, name)| {
            *unit != entry.unit
                && text.contains(name)
                && !own_unit.contains(name)
                && !own_department.contains(name)
        });
        let Some((other_unit, name)) = other else {
            continue;
        };
        let row = text.split(' ').next().unwrap_or_default().to_string();
        out.push((
*form,
            index
                .finding(
                    &NAMES_OTHER_UNIT,
                    *form,
                    Some(*line as usize),
                    row,
                    "满意度指标",
                    format!(
                        "满意度指标「{text}」写的是 {name}，不是本单位 {own_unit}：疑似套用其他单位的模板 (the satisfaction row names {name}, not this form's unit {own_unit}: copied from another unit's template?)"
                    ),
                )
                .with("本单位 (this unit)", index.unit_label(entry.unit))
                .with("所写单位 (unit named)", index.unit_label(*other_unit)),
        ));
    }
}

pub(super) fn duplicate_form(index: &Index, _: &ReviewSettings, out: &mut Vec<Raised>) {
    let mut by_content: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, e) in index.forms.iter().enumerate() {
        by_content.entry(e.content).or_default().push(small(i));
    }
    let mut groups: Vec<Vec<u32>> = by_content.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for group in groups {
        for form in &group {
            let others: Vec<u32> = group.iter().copied().filter(|f| f != form).collect();
            let Some(entry) = index.entry(*form) else {
                continue;
            };
            out.push((
*form,
                index
                    .finding(
                        &DUPLICATE_FORM,
                        *form,
                        None,
                        entry.name.to_string(),
                        "全表",
                        format!(
                            "{} 与另外 {} 张表内容完全相同（预算、指标、得分），只是名称或文件不同：同一张表重复报送 (the form's budget, indicators and scores are identical to {} other form(s) under another name or file: submitted twice)",
                            entry.name,
                            others.len(),
                            others.len()
                        ),
                    )
                    .with("相同的表 (identical forms)", listed(index, &others)),
            ));
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

pub(super) fn duplicate_project(index: &Index, _: &ReviewSettings, out: &mut Vec<Raised>) {
    let mut by_project: HashMap<(u32, i32, String), Vec<u32>> = HashMap::new();
    for (i, e) in index.forms.iter().enumerate() {
        let key = project_key(&e.name);
        if !e.project || key.is_empty() {
            continue;
        }
        by_project
            .entry((e.unit, e.year, key))
            .or_default()
            .push(small(i));
    }
    let mut groups: Vec<Vec<u32>> = by_project.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for group in groups {
        let contents: Vec<u64> = group
            .iter()
            .filter_map(|f| index.entry(*f).map(|e| e.content))
            .collect();
        // The same content twice is `duplicate-form`.
        if contents.iter().all(|c| Some(c) == contents.first()) {
            continue;
        }
        for form in &group {
            let others: Vec<u32> = group.iter().copied().filter(|f| f != form).collect();
            let Some(entry) = index.entry(*form) else {
                continue;
            };
            out.push((
*form,
                index
                    .finding(
                        &DUPLICATE_PROJECT,
                        *form,
                        None,
                        entry.name.to_string(),
                        "项目名称",
                        format!(
                            "同一单位同一年度的项目 {} 有 {} 张自评表，内容不同 (the unit has {} forms for project {} in {}, with different contents)",
                            entry.name,
                            group.len(),
                            group.len(),
                            entry.name,
                            entry.year
                        ),
                    )
                    .with("单位 (unit)", index.unit_label(entry.unit))
                    .with("其他表 (other forms)", listed(index, &others)),
            ));
        }
    }
}

/// Claimed minus recomputed totals, summed per unit: (unit, gap, forms with a claimed total).
pub fn inflation_by_unit(index: &Index) -> Vec<UnitGap> {
    let mut out = Vec::new();
    for (unit, forms) in index.by_unit().into_iter().enumerate() {
        let mut gaps = Vec::new();
        for f in forms {
            let Some(e) = index.entry(f) else { continue };
            if let Some(claimed) = e.claimed_total
                && let Ok(gap) = num::sub(claimed, e.total)
            {
                gaps.push((f, gap));
            }
        }
        let Ok(sum) = num::sum(gaps.iter().map(|(_, g)| *g)) else {
            continue;
        };
        out.push((small(unit), sum, gaps));
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

pub(super) fn unit_score_inflation(
    index: &Index,
    settings: &ReviewSettings,
    out: &mut Vec<Raised>,
) {
    let limit = settings.unit_inflation;
    let by_unit = index.by_unit();
    for (rank, (unit, sum, mut gaps)) in inflation_by_unit(index).into_iter().enumerate() {
        if sum <= limit {
            continue;
        }
        gaps.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let Some(first) = by_unit.get(unit as usize).and_then(|f| f.first().copied()) else {
            continue;
        };
        let label = index.unit_label(unit);
        let largest: Vec<String> = gaps
            .iter()
            .filter(|(_, g)| *g > Decimal::ZERO)
            .take(LISTED)
            .map(|(f, g)| format!("{} +{g}", index.describe(*f)))
            .collect();
        out.push((
first,
            index
                .finding(
                    &UNIT_SCORE_INFLATION,
                    first,
                    None,
                    label.clone(),
                    "自评得分",
                    format!(
                        "{label} 各表申报总分比复核总分合计高 {sum} 分，在本次复核的单位中排第 {} (the claimed totals of {label} exceed the recomputed ones by {sum} points in all, rank {} of the run's units)",
                        rank + 1,
                        rank + 1
                    ),
                )
                .with("申报 − 复核 合计 (claimed − recomputed, summed)", sum.to_string())
                .with("表数 (forms)", gaps.len().to_string())
                .with("高估最多的表 (most inflated forms)", largest.join("；"))
                .with("阈值 (threshold)", setting::UNIT_INFLATION.describe(settings)),
        ));
    }
}

/// Run the batch checks over reviews made with them chosen (their keys are taken out), as
/// `jixiao review` does over a run.
pub fn run_over(
    reviews: &mut [super::FormReview],
    settings: &ReviewSettings,
    checks: &super::CheckSet,
) -> Vec<BatchFinding> {
    let mut index = Index::new();
    for r in reviews.iter_mut() {
        if let Some(keys) = r.keys.take() {
            index.add(*keys);
        }
    }
    index.run(settings, checks)
}
