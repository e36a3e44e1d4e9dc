//! The batch checks, on the numbers of the [`Index`]; each reads again only the forms its
//! findings name.

use super::{Index, LISTED, Raised, RowKey, small};
use crate::review::{
    COPIED_ACROSS_UNITS, DUPLICATE_FORM, DUPLICATE_PROJECT, NAMES_OTHER_UNIT, UNIT_FULL_MARKS,
    UNIT_SCORE_INFLATION, setting,
};
use crate::rules::ruleset::ReviewSettings;
use rust_decimal::Decimal;

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

/// Runs of equal keys in a sorted list, as ranges.
fn runs<T, K: PartialEq>(items: &[T], key: impl Fn(&T) -> K) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=items.len() {
        let ends = i == items.len()
            || items
                .get(i)
                .zip(items.get(start))
                .is_none_or(|(a, b)| key(a) != key(b));
        if ends {
            if i > start {
                out.push(start..i);
            }
            start = i;
        }
    }
    out
}

pub(in crate::review) fn unit_full_marks(
    index: &Index,
    settings: &ReviewSettings,
    out: &mut Vec<Raised>,
) {
    let needed = settings.unit_forms;
    for (unit, stats) in index.unit_stats.iter().enumerate() {
        if Decimal::from(stats.forms) < needed || stats.forms == 0 || stats.any_docked {
            continue;
        }
        let label = index.unit_label(small(unit));
        let n = stats.forms;
        let (chinese, english) = if stats.all_full {
            ("全部自评满分 100", "every one self-scored 100")
        } else {
            (
                "没有一个指标扣分",
                "no indicator row of any of them was docked",
            )
        };
        let Some(first) = stats.first.first().copied() else {
            continue;
        };
        let totals: Vec<String> = stats
            .first
            .iter()
            .zip(&stats.first_totals)
            .map(|(form, (claimed, total))| {
                format!(
                    "{} 申报 {} / 复核 {total}",
                    index.name_of(*form),
                    claimed.map_or("—".into(), |c| c.to_string()),
                )
            })
            .collect();
        out.push((
            first,
            index
                .finding(
                    &UNIT_FULL_MARKS,
                    first,
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

/// A row found in forms of two units or more: its keys, then its text and places once read.
struct Copied {
    keys: Vec<RowKey>,
    text: String,
    /// (form, line), in form order.
    places: Vec<(u32, usize)>,
}

/// Whether a group of equal rows spans two units or more.
fn spans_units(index: &Index, group: &[RowKey]) -> bool {
    let unit = |form: u32| index.entry(form).map(|e| e.unit);
    let first = group.first().and_then(|k| unit(k.form));
    first.is_some() && group.iter().any(|k| unit(k.form) != first)
}

/// Read each form the copied rows are in once, in form order, for the lines and the text of
/// those rows: a form in many groups is not read many times, and no form's keys are kept.
fn read_places(index: &Index, copied: &mut [Copied]) {
    let mut wanted: Vec<(u32, usize)> = copied
        .iter()
        .enumerate()
        .flat_map(|(g, c)| c.keys.iter().map(move |k| (k.form, g)))
        .collect();
    wanted.sort_unstable();
    for range in runs(&wanted, |(form, _)| *form) {
        let Some(wants) = wanted.get(range) else {
            continue;
        };
        let Some(&(form, _)) = wants.first() else {
            continue;
        };
        let Some(keys) = index.named(form) else {
            continue;
        };
        for &(_, g) in wants {
            let Some(group) = copied.get_mut(g) else {
                continue;
            };
            let Some(hash) = group.keys.first().map(RowKey::hash) else {
                continue;
            };
            for (row_hash, line, row) in &keys.rows {
                if *row_hash == hash {
                    if group.text.is_empty() {
                        group.text = row.to_string();
                    }
                    group.places.push((form, *line));
                }
            }
        }
    }
}

pub(in crate::review) fn copied_across_units(
    index: &Index,
    settings: &ReviewSettings,
    out: &mut Vec<Raised>,
) {
    // Numbers first: the groups of equal rows that span units, bucket by bucket.
    let mut copied: Vec<Copied> = Vec::new();
    let read = index.rows.borrow_mut().for_each_bucket(|rows| {
        for range in runs(rows, RowKey::hash) {
            if let Some(group) = rows.get(range)
                && spans_units(index, group)
            {
                copied.push(Copied {
                    keys: group.to_vec(),
                    text: String::new(),
                    places: Vec::new(),
                });
            }
        }
    });
    // Only now, for rows in forms of two units or more, are the forms read again.
    read_places(index, &mut copied);
    for group in &copied {
        copied_findings(index, settings, group, out);
    }
    if let Err(e) = read {
        // Nothing is lost without a word: the rows not compared are said to be so.
        out.push((
            0,
            index.finding(
                &COPIED_ACROSS_UNITS,
                0,
                None,
                "",
                "三级指标",
                format!(
                    "跨单位复制的行未能全部比较：临时文件读回失败 (rows copied across units were not all compared: reading back the temporary file failed: {e})"
                ),
            ),
        ));
    }
}

/// One finding for each place of a row copied across units.
fn copied_findings(
    index: &Index,
    settings: &ReviewSettings,
    group: &Copied,
    out: &mut Vec<Raised>,
) {
    let Copied { text, places, .. } = group;
    let unit = |form: u32| index.entry(form).map(|e| e.unit);
    let units: Vec<u32> = places.iter().filter_map(|(f, _)| unit(*f)).collect();
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
            .map(|((f, l), u)| format!("{} {}:{l}", index.unit_label(*u), index.file_of(*f)))
            .collect();
        let row = text.split(' ').next().unwrap_or_default().to_string();
        out.push((
            *form,
            index
                .finding(
                    &COPIED_ACROSS_UNITS,
                    *form,
                    Some(*line),
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

pub(in crate::review) fn names_other_unit(
    index: &Index,
    _: &ReviewSettings,
    out: &mut Vec<Raised>,
) {
    // Names worth looking for: long enough not to be a word of ordinary text.
    let names: Vec<(u32, &str)> = index
        .units
        .iter()
        .enumerate()
        .flat_map(|(i, (d, u))| [(small(i), d.as_str()), (small(i), u.as_str())])
        .filter(|(_, n)| n.chars().count() >= 4)
        .collect();
    for form in &index.satisfaction {
        let (Some(entry), Some(keys)) = (index.entry(*form), index.named(*form)) else {
            continue;
        };
        let (own_department, own_unit) = index.unit_of(*form);
        for (line, text) in &keys.satisfaction {
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
                        Some(*line),
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
}

/// Groups of forms with the same key (two forms or more), each in form order.
fn same<K: Ord + Copy>(index: &Index, key: impl Fn(&super::Entry) -> Option<K>) -> Vec<Vec<u32>> {
    // Form numbers (4 bytes a form), sorted by their key: not a copy of the keys beside them.
    let key_of = |f: &u32| index.entry(*f).and_then(&key);
    let mut forms: Vec<u32> = (0..small(index.forms.len()))
        .filter(|f| key_of(f).is_some())
        .collect();
    // Stable, so that the forms of a group stay in form order.
    forms.sort_by_key(key_of);
    runs(&forms, key_of)
        .into_iter()
        .filter(|r| r.len() > 1)
        .filter_map(|r| forms.get(r).map(<[u32]>::to_vec))
        .collect()
}

pub(in crate::review) fn duplicate_form(index: &Index, _: &ReviewSettings, out: &mut Vec<Raised>) {
    for group in same(index, |e| Some(e.content)) {
        for form in &group {
            let others: Vec<u32> = group.iter().copied().filter(|f| f != form).collect();
            let name = index.name_of(*form);
            out.push((
                *form,
                index
                    .finding(
                        &DUPLICATE_FORM,
                        *form,
                        None,
                        name.clone(),
                        "全表",
                        format!(
                            "{name} 与另外 {} 张表内容完全相同（预算、指标、得分），只是名称或文件不同：同一张表重复报送 (the form's budget, indicators and scores are identical to {} other form(s) under another name or file: submitted twice)",
                            others.len(),
                            others.len()
                        ),
                    )
                    .with("相同的表 (identical forms)", listed(index, &others)),
            ));
        }
    }
}

pub(in crate::review) fn duplicate_project(
    index: &Index,
    _: &ReviewSettings,
    out: &mut Vec<Raised>,
) {
    let groups = same(index, |e| (e.project != 0).then_some((e.unit, e.project)));
    for group in groups {
        let contents: Vec<u64> = group
            .iter()
            .filter_map(|f| index.entry(*f).map(|e| e.content))
            .collect();
        // The same content twice is `duplicate-form`.
        if contents.iter().all(|c| Some(c) == contents.first()) {
            continue;
        }
        // The year is one of the group's key: one form read again says it for all.
        let Some(year) = group.first().and_then(|f| index.named(*f)).map(|k| k.year) else {
            continue;
        };
        for form in &group {
            let others: Vec<u32> = group.iter().copied().filter(|f| f != form).collect();
            let Some(entry) = index.entry(*form) else {
                continue;
            };
            let name = index.name_of(*form);
            out.push((
                *form,
                index
                    .finding(
                        &DUPLICATE_PROJECT,
                        *form,
                        None,
                        name.clone(),
                        "项目名称",
                        format!(
                            "同一单位同一年度的项目 {name} 有 {} 张自评表，内容不同 (the unit has {} forms for project {name} in {year}, with different contents)",
                            group.len(),
                            group.len(),
                        ),
                    )
                    .with("单位 (unit)", index.unit_label(entry.unit))
                    .with("其他表 (other forms)", listed(index, &others)),
            ));
        }
    }
}

pub(in crate::review) fn unit_score_inflation(
    index: &Index,
    settings: &ReviewSettings,
    out: &mut Vec<Raised>,
) {
    let limit = settings.unit_inflation;
    // Claimed minus recomputed totals, summed per unit, largest first.
    let mut ranked: Vec<(u32, Decimal)> = index
        .unit_stats
        .iter()
        .enumerate()
        .filter_map(|(u, s)| s.gap_sum.map(|sum| (small(u), sum)))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (rank, (unit, sum)) in ranked.into_iter().enumerate() {
        if sum <= limit {
            continue;
        }
        let Some(stats) = index.unit_stats.get(unit as usize) else {
            continue;
        };
        let Some(first) = stats.first.first().copied() else {
            continue;
        };
        let label = index.unit_label(unit);
        let largest: Vec<String> = stats
            .largest
            .iter()
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
                .with("表数 (forms)", stats.gaps.to_string())
                .with("高估最多的表 (most inflated forms)", largest.join("；"))
                .with("阈值 (threshold)", setting::UNIT_INFLATION.describe(settings)),
        ));
    }
}
