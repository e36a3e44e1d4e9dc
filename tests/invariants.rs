//! Invariants of the engine, checked with proptest on generated forms scored by the real engine
//! (henan-2023, both form kinds): weights that fit the template, random targets, actuals,
//! comparators and units, qualitative rows and rows marked not applicable.
//!
//! - 0 ≤ score ≤ weight for every row, section item and the execution score;
//! - the total is the sum of its parts and at most 100;
//! - the grade is monotone in the total;
//! - for `≥` indicators the score never falls as the actual rises (and the mirror for `≤`);
//! - the deviation is 0 exactly when the target is met (the one-sided rule);
//! - half-up rounding on every `.xx5` boundary;
//! - `rules fmt` then parse gives the same rules, comments kept;
//! - export to Excel then import gives the same form.
//!
//! Case counts are modest so that `cargo test` stays fast in a debug build; a failure prints the
//! generated form, and proptest shrinks it first.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::form::Form;
use jixiao::rules::RuleSet;
use jixiao::rules::registry::Selection;
use jixiao::score::sheet::{IndicatorKind, Status};
use jixiao::score::{ScoreOptions, ScoreSheet};
use proptest::prelude::*;
use proptest::test_runner::Config;
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

fn henan() -> Arc<RuleSet> {
    static RULES: OnceLock<Arc<RuleSet>> = OnceLock::new();
    RULES
        .get_or_init(|| {
            let context = jixiao::Session::load(Some("henan-2023")).unwrap();
            context.forced().unwrap().clone()
        })
        .clone()
}

// ───────── generated forms ─────────

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Project,
    Department,
}

#[derive(Debug, Clone)]
enum Cell {
    Quantitative {
        comparator: &'static str,
        target: Decimal,
        actual: Decimal,
        unit: &'static str,
    },
    Qualitative {
        word: &'static str,
        actual: String,
    },
    NotApplicable,
}

#[derive(Debug, Clone)]
struct Row {
    level1: &'static str,
    level2: &'static str,
    weight: Decimal,
    cell: Cell,
}

#[derive(Debug, Clone)]
struct GenForm {
    kind: Kind,
    initial: Decimal,
    adjusted: Decimal,
    executed: Decimal,
    /// 资金管理情况 item scores (project forms).
    items: [Decimal; 4],
    rows: Vec<Row>,
}

/// An amount with two decimals between `lo` and `hi` yuan-cents.
fn cents(lo: i64, hi: i64) -> impl Strategy<Value = Decimal> {
    (lo..=hi).prop_map(|c| Decimal::new(c, 2))
}

/// A weight split into `n` parts, in half points (each part ≥ 0, adding up exactly).
fn split(weight: u32, parts: usize) -> impl Strategy<Value = Vec<Decimal>> {
    let halves = weight * 2;
    proptest::collection::vec(0..=halves, parts.saturating_sub(1)).prop_map(move |mut cuts| {
        cuts.sort_unstable();
        let mut out = Vec::new();
        let mut previous = 0;
        for c in cuts.into_iter().chain(std::iter::once(halves)) {
            out.push(Decimal::new(i64::from(c - previous) * 5, 1));
            previous = c;
        }
        out
    })
}

const UNITS: &[&str] = &["%", "万元", "元", "个", "次", "天"];
const COMPARATORS: &[&str] = &["≥", "≤", "=", ">", "<", ""];
const QUALITATIVE_WORDS: &[&str] = &["明显", "提升", "合理", "有效"];

fn cell() -> impl Strategy<Value = Cell> {
    let quantitative = (
        proptest::sample::select(COMPARATORS),
        proptest::sample::select(UNITS),
        0i64..=20_000,
        0i64..=20_000,
        prop::bool::weighted(0.2),
    )
        .prop_map(|(comparator, unit, t, a, equal)| {
            // Percentages stay at most 1000%; an actual equal to the target is common.
            let (t, a) = if unit == "%" {
                (t % 1000, a % 1000)
            } else {
                (t, a)
            };
            let a = if equal { t } else { a };
            Cell::Quantitative {
                comparator,
                target: Decimal::new(t, 1),
                actual: Decimal::new(a, 1),
                unit,
            }
        });
    let qualitative = (
        proptest::sample::select(QUALITATIVE_WORDS),
        prop_oneof![
            (0u32..=100).prop_map(|d| format!("{d}%")),
            proptest::sample::select(&["达成", "部分达成", "未达成"][..]).prop_map(String::from),
        ],
    )
        .prop_map(|(word, actual)| Cell::Qualitative { word, actual });
    prop_oneof![4 => quantitative, 1 => qualitative]
}

/// Rows under one level-1 indicator, their weights adding up to `weight`, spread over `level2s`.
fn rows_under(
    level1: &'static str,
    weight: u32,
    level2s: &'static [&'static str],
) -> impl Strategy<Value = Vec<Row>> {
    (1usize..=3)
        .prop_flat_map(move |n| {
            (
                split(weight, n),
                proptest::collection::vec((proptest::sample::select(level2s), cell()), n),
                proptest::option::weighted(0.15, proptest::sample::select(level2s)),
            )
        })
        .prop_map(move |(weights, cells, not_applicable)| {
            let mut rows: Vec<Row> = weights
                .into_iter()
                .zip(cells)
                .map(|(weight, (level2, cell))| Row {
                    level1,
                    level2,
                    weight,
                    cell,
                })
                .collect();
            // A row marked not applicable carries no weight.
            if let Some(level2) = not_applicable {
                rows.push(Row {
                    level1,
                    level2,
                    weight: Decimal::ZERO,
                    cell: Cell::NotApplicable,
                });
            }
            rows
        })
}

fn budget() -> impl Strategy<Value = (Decimal, Decimal, Decimal)> {
    (cents(1, 10_000_000), 0u32..=1000, cents(0, 10_000_000)).prop_map(
        |(adjusted, permille, initial)| {
            // Executed at most the budget, often exactly all of it.
            let executed = if permille >= 900 {
                adjusted
            } else {
                (adjusted * Decimal::new(i64::from(permille), 3)).round_dp(2)
            };
            (initial, adjusted, executed)
        },
    )
}

fn project_form() -> impl Strategy<Value = GenForm> {
    (
        budget(),
        proptest::array::uniform4((0u32..=10).prop_map(|h| Decimal::new(i64::from(h) * 5, 1))),
        rows_under(
            "成本指标",
            10,
            &["经济成本指标", "社会成本指标", "生态环境成本指标"],
        ),
        rows_under("产出指标", 30, &["数量指标", "质量指标", "时效指标"]),
        rows_under(
            "效益指标",
            25,
            &[
                "经济效益指标",
                "社会效益指标",
                "生态效益指标",
                "可持续影响指标",
            ],
        ),
        rows_under("满意度指标", 5, &["服务对象满意度指标"]),
    )
        .prop_map(
            |((initial, adjusted, executed), items, a, b, c, d)| GenForm {
                kind: Kind::Project,
                initial,
                adjusted,
                executed,
                items,
                rows: [a, b, c, d].concat(),
            },
        )
}

fn department_form() -> impl Strategy<Value = GenForm> {
    (
        budget(),
        rows_under("投入管理指标", 6, &["工作目标管理"]),
        rows_under("投入管理指标", 14, &["预算和财务管理"]),
        rows_under("投入管理指标", 10, &["绩效管理"]),
        rows_under("产出指标", 25, &["重点工作任务完成", "履职目标实现"]),
        rows_under("效益指标", 20, &["履职效益"]),
        rows_under("效益指标", 15, &["满意度"]),
    )
        .prop_map(
            |((initial, adjusted, executed), a, b, c, d, e, f)| GenForm {
                kind: Kind::Department,
                initial,
                adjusted,
                executed,
                items: [Decimal::ZERO; 4],
                rows: [a, b, c, d, e, f].concat(),
            },
        )
}

fn any_form() -> impl Strategy<Value = GenForm> {
    prop_oneof![project_form(), department_form()]
}

impl GenForm {
    fn toml(&self) -> String {
        let mut t = String::new();
        let kind = match self.kind {
            Kind::Project => "项目",
            Kind::Department => "部门整体",
        };
        writeln!(
            t,
            "kind = \"{kind}\"\nruleset = \"henan-2023\"\nyear = 2023"
        )
        .unwrap();
        match self.kind {
            Kind::Project => {
                writeln!(t, "project = \"生成的项目\"\ndepartment = \"某部门\"").unwrap()
            }
            Kind::Department => writeln!(t, "department = \"某部门\"").unwrap(),
        }
        writeln!(
            t,
            "\n[budget]\ninitial = \"{}\"\nadjusted = \"{}\"\nexecuted = \"{}\"",
            self.initial, self.adjusted, self.executed
        )
        .unwrap();
        if self.kind == Kind::Project {
            t.push_str("\n[[sections]]\nname = \"资金管理情况\"\nitems = [\n");
            for (name, score) in ["安排科学性", "拨付合规性", "使用规范性", "预算绩效管理情况"]
                .iter()
                .zip(self.items)
            {
                writeln!(
                    t,
                    "  {{ name = \"{name}\", weight = \"5\", score = \"{score}\" }},"
                )
                .unwrap();
            }
            t.push_str("]\n");
        }
        for (i, row) in self.rows.iter().enumerate() {
            let (target, actual) = match &row.cell {
                Cell::Quantitative {
                    comparator,
                    target,
                    actual,
                    unit,
                } => (
                    format!("{comparator}{target}{unit}"),
                    format!("{actual}{unit}"),
                ),
                Cell::Qualitative { word, actual } => (word.to_string(), actual.clone()),
                Cell::NotApplicable => ("/".into(), "/".into()),
            };
            writeln!(
                t,
                "\n[[indicators]]\nlevel1 = \"{}\"\nlevel2 = \"{}\"\nname = \"指标{i}\"\ntarget = \"{target}\"\nactual = \"{actual}\"\nweight = \"{}\"",
                row.level1, row.level2, row.weight
            )
            .unwrap();
        }
        t
    }

    fn load(&self) -> Form {
        let text = self.toml();
        jixiao::form::load_str("generated.toml", &text)
            .unwrap_or_else(|e| panic!("{}\n{text}", jixiao::diag::render_all(&e)))
    }

    fn score(&self) -> (Form, ScoreSheet) {
        let form = self.load();
        let sheet = jixiao::score::score(
            &henan(),
            &form,
            Selection::Override,
            ScoreOptions { trace: true },
        )
        .unwrap_or_else(|e| panic!("{}\n{}", jixiao::diag::render_all(&e), self.toml()));
        (form, sheet)
    }
}

/// `cases` by default; `PROPTEST_CASES=N` runs more (or fewer) for a longer search.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        // Failures are reported with the shrunk form; no persistence files in the repository.
        failure_persistence: None,
        ..Config::default()
    }
}

// ───────── scores ─────────

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn scores_stay_within_their_weights_and_add_up_to_the_total(form in any_form()) {
        let (_, sheet) = form.score();
        prop_assert!(sheet.structure.is_empty(), "{:?}\n{}", sheet.structure, form.toml());
        let zero = Decimal::ZERO;
        for row in &sheet.indicators {
            prop_assert!(row.score >= zero && row.score <= row.weight, "{} {} / {}", row.name, row.score, row.weight);
            prop_assert!(row.deviation >= zero, "{} deviation {}", row.name, row.deviation);
        }
        for section in &sheet.sections {
            let mut items = zero;
            for item in &section.items {
                prop_assert!(item.score >= zero && item.score <= item.weight);
                items += item.score;
            }
            prop_assert_eq!(section.score, items);
        }
        let execution = &sheet.execution;
        prop_assert!(execution.score >= zero && execution.score <= execution.weight);
        let parts: Decimal = std::iter::once(execution.score)
            .chain(sheet.sections.iter().map(|s| s.score))
            .chain(sheet.indicators.iter().map(|i| i.score))
            .sum();
        prop_assert_eq!(sheet.total, parts);
        prop_assert!(sheet.total <= Decimal::ONE_HUNDRED, "total {}", sheet.total);
        let rules = henan();
        prop_assert_eq!(sheet.grade.as_str(), rules.grade(sheet.total));
        for subtotal in &sheet.level1 {
            prop_assert!(subtotal.score <= subtotal.weight, "{subtotal:?}");
        }
    }

    /// One-sided: met → 0; missed → above 0. The one exception is a strict comparator at its
    /// bound (`>208个` with 208个): missed, yet the actual equals the target, so the distance is 0
    /// (a target of 0 missed counts as 100%).
    #[test]
    fn the_deviation_is_zero_exactly_when_the_target_is_met(form in any_form()) {
        let (_, sheet) = form.score();
        for (row, generated) in sheet.indicators.iter().zip(&form.rows) {
            let at_the_bound = matches!(
                generated.cell,
                Cell::Quantitative { comparator: ">" | "<", target, actual, .. }
                    if target == actual && !target.is_zero()
            );
            if row.kind == IndicatorKind::NotApplicable {
                prop_assert_eq!(row.status, Status::NotApplicable);
                prop_assert_eq!(row.score, Decimal::ZERO);
                continue;
            }
            // Before rounding: a miss by less than 0.005% still shows 0.00%.
            let raw = Decimal::from_str(&row.deviation_trace.as_ref().unwrap().raw).unwrap();
            prop_assert_eq!(
                raw.is_zero(),
                row.status == Status::Met || at_the_bound,
                "{} {} against {}: {:?}, raw deviation {}",
                row.name, row.actual, row.target, row.status, raw
            );
            if row.status == Status::Met && row.kind == IndicatorKind::Quantitative {
                prop_assert_eq!(row.score, row.weight, "{} met but not full marks", row.name);
            }
        }
    }
}

/// The row the monotonicity properties move: a quantitative one, with its comparator.
fn with_direction(
    form: &GenForm,
    pick: prop::sample::Index,
    directions: &[&str],
) -> Option<(usize, &'static str)> {
    let candidates: Vec<(usize, &'static str)> = form
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r.cell {
            Cell::Quantitative { comparator, .. } if directions.contains(&comparator) => {
                Some((i, comparator))
            }
            _ => None,
        })
        .collect();
    (!candidates.is_empty()).then(|| candidates[pick.index(candidates.len())])
}

fn score_of(form: &GenForm, row: usize) -> Decimal {
    let (_, sheet) = form.score();
    sheet.indicators[row].score
}

fn with_actual(form: &GenForm, row: usize, value: Decimal) -> GenForm {
    let mut moved = form.clone();
    if let Cell::Quantitative { actual, .. } = &mut moved.rows[row].cell {
        *actual = value;
    }
    moved
}

proptest! {
    #![proptest_config(config(64))]

    /// Higher is better for `≥` (and `>`, and a bare target): more never scores less; lower is
    /// better for `≤` and `<`: more never scores more.
    #[test]
    fn the_score_moves_with_the_actual_in_the_direction_of_the_comparator(
        form in project_form(),
        pick in any::<prop::sample::Index>(),
        steps in proptest::collection::vec(1i64..=5000, 1..4),
    ) {
        let Some((row, comparator)) = with_direction(&form, pick, &["≥", ">", "", "≤", "<"]) else {
            return Ok(());
        };
        let Cell::Quantitative { actual, .. } = form.rows[row].cell else { unreachable!() };
        let mut previous = score_of(&form, row);
        let mut value = actual;
        for step in steps {
            value += Decimal::new(step, 1);
            let moved = with_actual(&form, row, value);
            if matches!(moved.rows[row].cell, Cell::Quantitative { unit: "%", .. }) && value > Decimal::new(1000, 0) {
                break;
            }
            let score = score_of(&moved, row);
            if matches!(comparator, "≥" | ">" | "") {
                prop_assert!(score >= previous, "{comparator}: actual {value} scores {score}, less than {previous}\n{}", moved.toml());
            } else {
                prop_assert!(score <= previous, "{comparator}: actual {value} scores {score}, more than {previous}\n{}", moved.toml());
            }
            previous = score;
        }
    }
}

// ───────── grades and rounding ─────────

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_grade_is_monotone_in_the_total(a in 0i64..=10_000, b in 0i64..=10_000) {
        let (low, high) = (Decimal::new(a.min(b), 2), Decimal::new(a.max(b), 2));
        let registry = jixiao::rules::Registry::builtin().unwrap();
        // `grades none` (可以不评级) has no bands to order.
        for ruleset in registry.all().iter().filter(|r| !r.grades.is_empty()) {
            let rank = |total| {
                let name = ruleset.grade(total);
                ruleset.grades.iter().position(|g| g.name == name).unwrap()
            };
            // Grades are listed best first: a higher total never gets a later (worse) grade.
            prop_assert!(rank(high) <= rank(low), "{}: {low} → {}, {high} → {}", ruleset.label(), ruleset.grade(low), ruleset.grade(high));
        }
    }

    /// `x.xx5` rounds away from zero to 2 decimals (and likewise at any number of decimals),
    /// checked against the decimal text, not against another rounding routine.
    #[test]
    fn half_up_rounding_takes_every_xx5_boundary_away_from_zero(
        whole in 0i64..=1_000_000_000,
        decimals in 0u32..=6,
        negative in any::<bool>(),
    ) {
        let rounding = jixiao::num::Rounding::new(decimals, jixiao::num::RoundingMode::HalfUp);
        // whole = the digits kept; one more digit, 5, is the boundary.
        let mut boundary = Decimal::new(whole * 10 + 5, decimals + 1);
        let mut expected = Decimal::new(whole + 1, decimals);
        if negative {
            boundary.set_sign_negative(true);
            expected.set_sign_negative(true);
        }
        let rounded = rounding.apply(boundary);
        prop_assert_eq!(rounded, expected);
        prop_assert_eq!(rounded.scale(), decimals, "{} keeps {} decimals", rounded, decimals);
        // Just below the boundary rounds toward zero.
        let below = boundary - Decimal::new(if negative { -1 } else { 1 }, decimals + 4);
        let mut kept = Decimal::new(whole, decimals);
        if negative {
            kept.set_sign_negative(true);
        }
        prop_assert_eq!(rounding.apply(below), kept);
    }
}

// ───────── rules fmt ─────────

/// A numeric expression of the execution formula, as tokens, type-correct so that it checks.
fn number_expression() -> impl Strategy<Value = Vec<String>> {
    let leaf = prop_oneof![
        proptest::sample::select(&["weight", "rate", "budget", "executed", "initial"][..])
            .prop_map(|v| vec![v.to_string()]),
        (0u32..=1000, 0u32..=3)
            .prop_map(|(n, scale)| vec![Decimal::new(i64::from(n), scale).to_string()]),
        (0u32..=120).prop_map(|n| vec![format!("{n}%")]),
    ];
    leaf.prop_recursive(5, 48, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                proptest::sample::select(&["+", "-", "*", "/"][..]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| [a, vec![op.to_string()], b].concat()),
            inner
                .clone()
                .prop_map(|a| [vec!["(".into()], a, vec![")".into()]].concat()),
            inner.clone().prop_map(|a| [vec!["-".into()], a].concat()),
            (
                proptest::sample::select(&["min", "max"][..]),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(f, a, b)| [
                    vec![f.to_string(), "(".into()],
                    a,
                    vec![",".into()],
                    b,
                    vec![")".into()]
                ]
                .concat()),
            inner
                .clone()
                .prop_map(|a| [vec!["abs".into(), "(".into()], a, vec![")".into()]].concat()),
            (
                inner.clone(),
                proptest::sample::select(&[">=", "<", "=="][..]),
                inner.clone(),
                inner.clone(),
                inner
            )
                .prop_map(|(a, cmp, b, then, otherwise)| [
                    vec!["if".into()],
                    a,
                    vec![cmp.to_string()],
                    b,
                    vec!["then".into()],
                    then,
                    vec!["else".into()],
                    otherwise,
                ]
                .concat()),
        ]
    })
}

/// What goes between two tokens: a space, spaces, a line break, or a comment and a line break.
fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(" ".to_string()),
        1 => Just("   ".to_string()),
        1 => Just("\n      ".to_string()),
        1 => (0u32..1000).prop_map(|n| format!(" # 注释 {n} (comment)\n    ")),
    ]
}

fn rule_file() -> impl Strategy<Value = String> {
    (number_expression(), proptest::collection::vec(separator(), 200), any::<bool>(), 0u32..1000)
        .prop_map(|(tokens, separators, blank, n)| {
            let mut expr = String::new();
            for (i, token) in tokens.iter().enumerate() {
                if i > 0 {
                    expr.push_str(&separators[i % separators.len()]);
                }
                expr.push_str(token);
            }
            let base = std::fs::read_to_string(
                common::root().join("tests/fixtures/invalid/rules-undefined-name.rules"),
            )
            .unwrap()
            .replace("wieght", "weight");
            let gap = if blank { "\n\n" } else { "\n" };
            base.replace(
                "formula project_execution = weight * min(rate, 100%)",
                &format!("# 生成的公式 {n} (a generated formula){gap}formula generated = {expr}  # 行尾注释 (trailing)\nformula project_execution = min(weight, max(0, generated))"),
            )
        })
}

fn reference_forms() -> &'static [Form] {
    static FORMS: OnceLock<Vec<Form>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let dir = common::root().join("evaluations/xuchang-2023");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| jixiao::form::load_path(p).unwrap())
            .collect()
    })
}

/// What a ruleset does to the reference forms: every figure, or the error.
fn outcomes(ruleset: &RuleSet) -> Vec<String> {
    reference_forms()
        .iter()
        .map(|form| {
            match jixiao::score::score(ruleset, form, Selection::Override, ScoreOptions::default())
            {
                Ok(sheet) => format!(
                    "{} {} {} {:?}",
                    sheet.total,
                    sheet.grade,
                    sheet.execution.score,
                    sheet
                        .indicators
                        .iter()
                        .map(|i| (i.score, i.deviation))
                        .collect::<Vec<_>>()
                ),
                Err(e) => format!("error {}", e.len()),
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn rules_fmt_keeps_the_rules_and_every_comment(source in rule_file()) {
        use jixiao::rules::format::{comment_texts, fingerprint, format_source};
        use jixiao::rules::parser::parse_file;
        let Ok(original) = parse_file(&source) else {
            // Only the nesting limit can refuse a generated expression.
            return Ok(());
        };
        let formatted = format_source(&source).unwrap_or_else(|e| panic!("{e:?}\n{source}"));
        prop_assert_eq!(fingerprint(&parse_file(&formatted).unwrap()), fingerprint(&original));
        prop_assert_eq!(comment_texts(&formatted), comment_texts(&source));
        prop_assert_eq!(format_source(&formatted).unwrap(), formatted.clone(), "not idempotent");
        // The checked rules score every reference form the same way.
        match (jixiao::rules::load_str("a.rules", &source), jixiao::rules::load_str("b.rules", &formatted)) {
            (Ok(a), Ok(b)) => prop_assert_eq!(outcomes(&a), outcomes(&b)),
            (Err(a), Err(b)) => prop_assert_eq!(a.len(), b.len()),
            (a, b) => prop_assert!(false, "checks differ: {:?} / {:?}", a.is_ok(), b.is_ok()),
        }
    }
}

// ───────── Excel round trip ─────────

/// Every figure a form file holds, as exact values (texts may differ in scale).
#[cfg(feature = "xlsx")]
fn figures(form: &Form) -> Vec<String> {
    let b = &form.budget;
    let mut out = vec![
        format!(
            "{} {} {:?} {:?}",
            form.kind.value, form.year.value, form.project, form.department
        ),
        format!(
            "{:?} {:?} {:?}",
            b.initial.as_ref().map(|f| f.value.normalize()),
            b.adjusted.as_ref().map(|f| f.value.normalize()),
            b.executed.as_ref().map(|f| f.value.normalize())
        ),
    ];
    for s in &form.sections {
        for i in &s.items {
            out.push(format!(
                "item {} {} {:?} {:?}",
                s.name.value,
                i.name.value,
                i.weight.as_ref().map(|f| f.value.normalize()),
                i.score.as_ref().map(|f| f.value.normalize())
            ));
        }
    }
    for i in &form.indicators {
        out.push(format!(
            "{} {} {} {:?} {:?} {}",
            i.level1.value,
            i.level2.value,
            i.name.value,
            i.target.text,
            i.actual.text,
            i.weight.value.normalize()
        ));
    }
    out
}

#[cfg(feature = "xlsx")]
proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn a_form_exported_to_excel_and_imported_back_is_the_same_form(form in any_form()) {
        use jixiao::report::layout::{FormView, sheet_findings};
        let (loaded, sheet) = form.score();
        let bytes = jixiao::report::xlsx::export(&[FormView::new(&loaded, &sheet)], &sheet_findings(&sheet)).unwrap();
        let workbook = jixiao::xlsx::cells::read_bytes("generated.xlsx", bytes).unwrap();
        let import = jixiao::xlsx::import_workbook(&workbook, &jixiao::xlsx::ImportOptions::default());
        prop_assert_eq!(import.forms.len(), 1, "{:?}", import.warnings);
        let imported = import.forms[0].as_ref().unwrap_or_else(|e| panic!("{}\n{}", jixiao::diag::render_all(e), form.toml()));
        let back = imported.load().unwrap_or_else(|e| panic!("{}\n{}", jixiao::diag::render_all(&e), imported.toml));
        prop_assert_eq!(figures(&back), figures(&loaded), "{}", imported.toml);
        let rescored = jixiao::score::score(&henan(), &back, Selection::Override, ScoreOptions::default()).unwrap();
        prop_assert_eq!(rescored.total, sheet.total);
        prop_assert_eq!(rescored.grade, sheet.grade);
    }
}
