//! Consistency: what a form contradicts by itself (sums, weights, tiers, grades) or against its
//! template. Each is provable from the form and the rules, so each is an error.

use super::{
    Check, Context, FUND_SOURCES_SUM, Finding, GRADE_BAND, MET_LOST_POINTS, MISSING_GROUP,
    ODD_CELL, QUALITATIVE_TIER, SCORE_ABOVE_WEIGHT, TEMPLATE_FIT, TOTAL_SUM, UNMET_FULL_MARKS,
    WEIGHT_SUM,
};
use crate::diag::Diagnostic;
use crate::form::{Field, FundSource, IndicatorPart};
use crate::num::{self, percent_text};
use crate::score::{IndicatorKind, ProblemKind, Scale, Status, agreement, beyond};
use rust_decimal::Decimal;

type Column = fn(&FundSource) -> &Option<Field<Decimal>>;

pub(super) fn fund_sources_sum(cx: &Context, out: &mut Vec<Finding>) {
    let b = &cx.form.budget;
    if b.sources.is_empty() {
        return;
    }
    let columns: [(&str, &str, &Option<Field<Decimal>>, Column); 3] = [
        ("年初预算数", "initial budget", &b.initial, |s| {
            &s.initial
        }),
        ("全年预算数", "adjusted budget", &b.adjusted, |s| {
            &s.adjusted
        }),
        ("全年执行数", "executed", &b.executed, |s| &s.executed),
    ];
    for (label, english, total, column) in columns {
        // A blank total or a blank row cannot be added up: the blank cells are noted already.
        let Some(total) = total else {
            continue;
        };
        let Some(values) = b
            .sources
            .iter()
            .map(|s| column(s).as_ref().map(|f| f.value))
            .collect::<Option<Vec<Decimal>>>()
        else {
            continue;
        };
        let Ok(sum) = num::sum(values) else {
            continue;
        };
        if !beyond(sum, total.value, cx.tolerance()) {
            continue;
        }
        let mut f = cx.finding(
            &FUND_SOURCES_SUM,
            Some(cx.line(&total.span)),
            "资金来源 (fund sources)",
            label,
            format!(
                "各资金来源行的{label}之和为 {sum}，与合计行的 {} 不符 (the fund-source rows' {english} add up to {sum}, not the total row's {})",
                total.text, total.text
            ),
        );
        for s in &b.sources {
            f = f.with(
                s.name.value.clone(),
                crate::form::text_of(column(s)).to_string(),
            );
        }
        let difference = num::sub(sum, total.value)
            .map(|d| d.to_string())
            .unwrap_or_else(|e| e.to_string());
        out.push(
            f.with("各行之和 (sum of rows)", sum.to_string())
                .with("合计行 (total row)", total.text.clone())
                .with("差额 (difference)", difference)
                .with("尾差 (tolerance)", cx.tolerance().to_string()),
        );
    }
}

pub(super) fn score_above_weight(cx: &Context, out: &mut Vec<Finding>) {
    let sheet = cx.sheet;
    let e = &sheet.execution;
    let mut candidates: Vec<(&str, usize, &str, Decimal, Decimal)> = Vec::new();
    if let Some(c) = &e.claimed_score {
        candidates.push(("执行率", c.line, &c.text, c.value, e.weight));
    }
    for section in &sheet.sections {
        for item in &section.items {
            if let Some(c) = &item.claimed {
                candidates.push((&item.name, c.line, &c.text, c.value, item.weight));
            }
        }
    }
    let mut computed: Vec<(usize, Decimal)> = Vec::new();
    if let Some(c) = &e.claimed_score {
        computed.push((c.line, e.score));
    }
    for section in &sheet.sections {
        for item in &section.items {
            if let Some(c) = &item.claimed {
                computed.push((c.line, item.score));
            }
        }
    }
    for (row, scored) in cx.rows() {
        // A row printed without a weight is its own finding (odd-cell): "above a weight of 0"
        // would say something the form does not.
        if row.weight.text.trim().is_empty() {
            continue;
        }
        if let Some(c) = &scored.claimed_score {
            candidates.push((&scored.name, c.line, &c.text, c.value, scored.weight));
            computed.push((c.line, scored.score));
        }
    }
    for (row, line, text, claimed, weight) in candidates {
        let negative = claimed.is_sign_negative() && !claimed.is_zero();
        if claimed <= weight && !negative {
            continue;
        }
        let message = if negative {
            format!("{row} 申报得分 {text} 为负数 (the claimed score {text} is below 0)")
        } else {
            format!(
                "{row} 申报得分 {text} 超过分值 {weight} (the claimed score {text} is above the weight {weight})"
            )
        };
        let mut f = cx
            .finding(&SCORE_ABOVE_WEIGHT, Some(line), row, "得分", message)
            .with("申报得分 (claimed)", text.to_string())
            .with("分值 (weight)", weight.to_string());
        if let Some((_, score)) = computed.iter().find(|(l, _)| *l == line) {
            f = f.with("复核得分 (computed)", score.to_string());
        }
        out.push(f);
    }
}

/// Weights that do not add up, as the engine found them while scoring.
pub(super) fn weight_sum(cx: &Context, out: &mut Vec<Finding>) {
    structure(cx, &WEIGHT_SUM, out);
}

/// The other template-fit problems the engine collected while scoring.
pub(super) fn template_fit(cx: &Context, out: &mut Vec<Finding>) {
    structure(cx, &TEMPLATE_FIT, out);
}

/// What the reader noticed in the cells (the form's notes, which the sheet carries first) and
/// the rows the engine could not check by the rules.
pub(super) fn odd_cell(cx: &Context, out: &mut Vec<Finding>) {
    structure(cx, &ODD_CELL, out);
}

fn structure(cx: &Context, wanted: &Check, out: &mut Vec<Finding>) {
    for d in &cx.sheet.structure {
        let (check, field) = match d.kind {
            ProblemKind::Weights => (&WEIGHT_SUM, "分值"),
            ProblemKind::Weight
            | ProblemKind::ExecutionWeight
            | ProblemKind::NotApplicableWeight => (&TEMPLATE_FIT, "分值"),
            ProblemKind::UnknownLevel1 => (&TEMPLATE_FIT, "一级指标"),
            ProblemKind::UnknownLevel2 => (&TEMPLATE_FIT, "二级指标"),
            ProblemKind::UnknownSection | ProblemKind::MissingSection => (&TEMPLATE_FIT, "栏目"),
            ProblemKind::UnknownItem | ProblemKind::MissingItem => (&TEMPLATE_FIT, "评分项"),
            ProblemKind::TotalAbove100 => (&TEMPLATE_FIT, ""),
            ProblemKind::FormNote
            | ProblemKind::BlankCell
            | ProblemKind::UnitMismatch
            | ProblemKind::Degree
            | ProblemKind::Actual
            | ProblemKind::ExecutionUnverifiable
            | ProblemKind::ZeroBudget
            | ProblemKind::Denominator
            | ProblemKind::NoWeight => (&ODD_CELL, ""),
            ProblemKind::PartsLeftOut | ProblemKind::PartsFunds | ProblemKind::PartsActual => {
                (&ODD_CELL, "实际完成值")
            }
        };
        if check.code != wanted.code {
            continue;
        }
        let line = d.location().map(|(line, _)| line);
        let mut f = cx
            .finding(check, line, row_at(cx, d), field, d.message.clone())
            .with("引擎代码 (engine code)", d.code);
        if let Some(label) = &d.label {
            let label = label.strip_prefix("expected ").unwrap_or(label);
            f = f.with("应为 (expected)", label.to_string());
        }
        for note in &d.notes {
            f = f.with("说明 (note)", note.clone());
        }
        if let Some(help) = &d.help {
            f = f.with("建议 (help)", help.clone());
        }
        out.push(f);
    }
}

/// The row a diagnostic points into: an indicator (or its level-1/level-2 name), a section item,
/// a section, a fund source, the budget, or the whole form.
fn row_at(cx: &Context, d: &Diagnostic) -> String {
    let Some(span) = &d.span else {
        return "全表 (whole form)".into();
    };
    let at = span.start;
    let form = cx.form;
    let inside = |s: &std::ops::Range<usize>| s.start <= at && at < s.end.max(s.start + 1);
    for row in &form.indicators {
        if inside(&row.level1.span) {
            return row.level1.value.clone();
        }
        if inside(&row.level2.span) {
            return row.level2.value.clone();
        }
        let cells = [
            Some(&row.span),
            Some(&row.name.span),
            Some(&row.target.span),
            Some(&row.actual.span),
            Some(&row.weight.span),
            row.score.as_ref().map(|s| &s.span),
            row.deviation.as_ref().map(|d| &d.span),
        ];
        let in_part = |p: &IndicatorPart| {
            [&p.span, &p.name.span, &p.actual.span]
                .into_iter()
                .chain(p.funds.as_ref().map(|f| &f.span))
                .any(inside)
        };
        if cells.into_iter().flatten().any(inside) || row.parts.iter().any(in_part) {
            return row.name.value.clone();
        }
    }
    for section in &form.sections {
        for item in &section.items {
            if inside(&item.span) {
                return item.name.value.clone();
            }
        }
        if inside(&section.name.span) || inside(&section.span) {
            return section.name.value.clone();
        }
    }
    for s in &form.budget.sources {
        if inside(&s.span) {
            return s.name.value.clone();
        }
    }
    if inside(&form.budget.span) {
        return "执行率".into();
    }
    "全表 (whole form)".into()
}

pub(super) fn qualitative_tier(cx: &Context, out: &mut Vec<Finding>) {
    for (row, scored) in cx.rows() {
        if scored.kind != IndicatorKind::Qualitative || scored.weight.is_zero() {
            continue;
        }
        let (Some(claimed), Some(tier)) = (
            &scored.claimed_score,
            scored
                .tier
                .as_deref()
                .and_then(|t| cx.ruleset.tier_named(t)),
        ) else {
            continue;
        };
        // The engine's own rounded score is never wrong: 79% of 0.5 is 0.395, rounded to 0.40,
        // which is 80% of the weight, "outside" [60%, 80%) only before rounding.
        if !agreement(claimed, scored.score, Scale::Points, cx.tolerance()).differs() {
            continue;
        }
        if tier_allows(cx, tier, scored.weight, claimed.value) {
            continue;
        }
        let Ok(share) = num::div(claimed.value, scored.weight) else {
            continue;
        };
        let share_text = percent_text(
            crate::num::Rounding::new(4, crate::num::RoundingMode::HalfUp).apply(share),
        );
        out.push(
            cx.finding(
                &QUALITATIVE_TIER,
                Some(claimed.line),
                scored.name.clone(),
                "得分",
                format!(
                    "{} 完成程度 {} 属于「{}」档 {}，申报得分 {} 为分值 {} 的 {share_text}，不在该档内 (the completion degree {} puts the row in tier {} {}; the claimed {} of {} is {share_text}, outside it)",
                    scored.name,
                    row.actual.text,
                    tier.name,
                    tier.describe(),
                    claimed.text,
                    scored.weight,
                    row.actual.text,
                    tier.name,
                    tier.describe(),
                    claimed.text,
                    scored.weight
                ),
            )
            .with("年度指标值 (target)", row.target.text.clone())
            .with("实际完成值 (completion degree)", row.actual.text.clone())
            .with("档次 (tier)", format!("{} {}", tier.name, tier.describe()))
            .with("申报得分 (claimed)", claimed.text.clone())
            .with("分值 (weight)", scored.weight.to_string())
            .with("得分占分值 (share of the weight)", share_text)
            .with("复核得分 (computed)", scored.score.to_string()),
        );
    }
}

/// Whether a claimed score lies in a tier at the rounding the rules apply to scores: between the
/// rounded scores of the tier's bounds, both included (an open bound such as the 80% of
/// `[60%, 80%)` is approached by shares whose rounded scores reach the bound's own).
fn tier_allows(
    cx: &Context,
    tier: &crate::rules::ruleset::Tier,
    weight: Decimal,
    claimed: Decimal,
) -> bool {
    let round = |share: Decimal| {
        num::mul(share, weight)
            .map(|x| cx.ruleset.rounding.score.apply(x))
            .ok()
    };
    match (round(tier.lower), round(tier.upper)) {
        (Some(low), Some(high)) => low <= claimed && claimed <= high,
        _ => tier.contains(num::div(claimed, weight).unwrap_or(Decimal::MAX)),
    }
}

pub(super) fn met_lost_points(cx: &Context, out: &mut Vec<Finding>) {
    met_and_unmet(cx, &MET_LOST_POINTS, out);
}

pub(super) fn unmet_full_marks(cx: &Context, out: &mut Vec<Finding>) {
    met_and_unmet(cx, &UNMET_FULL_MARKS, out);
}

fn met_and_unmet(cx: &Context, wanted: &Check, out: &mut Vec<Finding>) {
    let tolerance = cx.tolerance();
    for (row, scored) in cx.rows() {
        let Some(claimed) = &scored.claimed_score else {
            continue;
        };
        let weight = scored.weight;
        let evidence = |f: Finding| {
            f.with("年度指标值 (target)", row.target.text.clone())
                .with("实际完成值 (actual)", row.actual.text.clone())
                .with("申报得分 (claimed)", claimed.text.clone())
                .with("分值 (weight)", weight.to_string())
                .with("复核得分 (computed)", scored.score.to_string())
        };
        match scored.status {
            Status::Met
                if wanted.code == MET_LOST_POINTS.code
                    && claimed.value < weight
                    && beyond(claimed.value, weight, tolerance)
                    && claimed.value < scored.score
                    && agreement(claimed, scored.score, Scale::Points, tolerance).differs()
                    && !row.has_explanation() =>
            {
                out.push(evidence(cx.finding(
                    &MET_LOST_POINTS,
                    Some(claimed.line),
                    scored.name.clone(),
                    "得分",
                    format!(
                        "{} 已达成年度指标值（{}，实际 {}），却只申报 {} 分（分值 {weight}），且未说明扣分原因 (the target is met, yet the claimed score is {} of {weight}, with no reason given)",
                        scored.name, row.target.text, row.actual.text, claimed.text, claimed.text
                    ),
                )));
            }
            Status::Unmet
                if wanted.code == UNMET_FULL_MARKS.code
                    && claimed.value >= weight
                    && scored.score < weight =>
            {
                out.push(
                    evidence(cx.finding(
                        &UNMET_FULL_MARKS,
                        Some(claimed.line),
                        scored.name.clone(),
                        "得分",
                        format!(
                            "{} 未达成年度指标值（{}，实际 {}），却申报满分 {} (the target is not met, yet the row claims its full {})",
                            scored.name, row.target.text, row.actual.text, claimed.text, weight
                        ),
                    ))
                    .with("偏差度 (deviation)", percent_text(scored.deviation)),
                );
            }
            _ => {}
        }
    }
}

pub(super) fn total_sum(cx: &Context, out: &mut Vec<Finding>) {
    let sheet = cx.sheet;
    let Some(total) = &sheet.claimed_total else {
        return;
    };
    let Some(execution) = &sheet.execution.claimed_score else {
        return;
    };
    // (group, claimed sum) in the order the form prints them.
    let mut groups: Vec<(String, Decimal)> = vec![("执行率".into(), execution.value)];
    let mut add = |name: &str, value: Decimal| -> bool {
        match groups.iter_mut().find(|(g, _)| g == name) {
            Some((_, sum)) => match sum.checked_add(value) {
                Some(s) => {
                    *sum = s;
                    true
                }
                None => false,
            },
            None => {
                groups.push((name.to_string(), value));
                true
            }
        }
    };
    for section in &sheet.sections {
        for item in &section.items {
            let Some(c) = &item.claimed else { return };
            if !add(&section.name, c.value) {
                return;
            }
        }
    }
    for (_, scored) in cx.rows() {
        let Some(c) = &scored.claimed_score else {
            if scored.weight.is_zero() {
                continue;
            }
            return;
        };
        if !add(&scored.level1, c.value) {
            return;
        }
    }
    let Ok(sum) = num::sum(groups.iter().map(|(_, v)| *v)) else {
        return;
    };
    if !beyond(sum, total.value, cx.tolerance()) {
        return;
    }
    let mut f = cx.finding(
        &TOTAL_SUM,
        Some(total.line),
        "总分",
        "自评得分",
        format!(
            "自评得分申报 {}，而各项申报得分之和为 {sum} (the claimed total {} is not the sum of the claimed scores, {sum})",
            total.text, total.text
        ),
    );
    for (group, value) in &groups {
        f = f.with(format!("{group} 申报 (claimed)"), value.to_string());
    }
    out.push(
        f.with("各项之和 (sum)", sum.to_string())
            .with("申报自评得分 (claimed total)", total.text.clone())
            .with("复核自评得分 (recomputed total)", sheet.total.to_string()),
    );
}

pub(super) fn grade_band(cx: &Context, out: &mut Vec<Finding>) {
    let sheet = cx.sheet;
    let (Some(total), Some(grade)) = (&sheet.claimed_total, &sheet.claimed_grade) else {
        return;
    };
    // 可以不评级: a ruleset without grades has no band to hold a claimed grade against.
    if !cx.ruleset.graded() {
        return;
    }
    let expected = cx.ruleset.grade(total.value);
    let claimed = grade.text.trim();
    if claimed == expected {
        return;
    }
    let bands: Vec<String> = cx
        .ruleset
        .grades
        .iter()
        .map(|b| match b.min {
            Some(min) => format!("{} ≥ {min}", b.name),
            None => format!("{} 其余 (below)", b.name),
        })
        .collect();
    out.push(
        cx.finding(
            &GRADE_BAND,
            Some(grade.line),
            "等级",
            "等级",
            format!(
                "申报等级为{claimed}，而申报自评得分 {} 对应的等级为{expected} (the claimed grade {claimed} does not match the claimed total {}, which is {expected})",
                total.text, total.text
            ),
        )
        .with("申报自评得分 (claimed total)", total.text.clone())
        .with("申报等级 (claimed grade)", claimed.to_string())
        .with("等级划分 (bands)", bands.join(", "))
        .with("复核 (recomputed)", format!("{} {}", sheet.total, sheet.grade)),
    );
}

pub(super) fn missing_group(cx: &Context, out: &mut Vec<Finding>) {
    let form = cx.form;
    let Some(template) = cx.ruleset.template(form.kind.value) else {
        return;
    };
    let weight_under = |rule: &crate::rules::ruleset::Level1Rule| {
        num::sum(
            form.indicators
                .iter()
                .filter(|r| rule.matches(&r.level1.value))
                .map(|r| r.weight.value),
        )
        .unwrap_or_default()
    };
    for rule in &template.level1 {
        let Some(weight) = rule.weight.filter(|w| !w.is_zero()) else {
            continue;
        };
        if form
            .indicators
            .iter()
            .any(|r| rule.matches(&r.level1.value))
        {
            continue;
        }
        let receiver = rule.absent_to.and_then(|i| template.level1.get(i));
        let moved = receiver.is_some_and(|to| {
            to.weight
                .and_then(|w| w.checked_add(weight))
                .is_some_and(|want| weight_under(to) == want)
        });
        if moved {
            continue;
        }
        let groups: Vec<String> = template
            .level1
            .iter()
            .map(|l| {
                format!(
                    "{} {}",
                    l.name(),
                    l.weight.map_or("—".into(), |w| w.to_string())
                )
            })
            .collect();
        let rule_text = match receiver {
            Some(to) => format!(
                "无{}指标时，其 {weight} 分移至{} (absent, its {weight} points move to {})",
                rule.name(),
                to.name(),
                to.name()
            ),
            None => format!(
                "模板要求设置{} (the template expects {})",
                rule.name(),
                rule.name()
            ),
        };
        let mut f = cx
            .finding(
                &MISSING_GROUP,
                Some(cx.line(&form.kind.span)),
                rule.name().to_string(),
                "分值",
                format!(
                    "表中没有{}（分值 {weight}）的指标，其分值也未按规则移至他项 (the form has no {} rows, worth {weight}, and their weight was not moved as the rules say)",
                    rule.name(),
                    rule.name()
                ),
            )
            .with("模板 (template)", groups.join(", "))
            .with("规则 (rule)", rule_text);
        if let Some(to) = receiver {
            f = f.with(
                format!("{} 分值合计 (weights)", to.name()),
                weight_under(to).to_string(),
            );
        }
        out.push(f);
    }
}
