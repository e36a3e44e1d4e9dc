//! A generator of realistic form files, for benchmarks and batch tests (not part of the library
//! nor the CLI; shared by `examples/gen_corpus.rs` and `tests/corpus.rs`:
//! `cargo run --release --example gen_corpus -- --forms N --seed S --out DIR`).
//!
//! The same seed gives the same files. Both kinds (项目, 部门整体) under henan-2023, 10–40
//! indicators each, a spread of execution rates, unmet targets and qualitative rows. Every claimed
//! figure is the rules' own, except in a few percent of forms, which carry planted problems:
//! arithmetic errors (a wrong score, total or grade), red flags (actuals copied from targets,
//! achieved text copied from expected text, low execution with full output marks, cost actuals
//! above the spend, a cost in 元 that equals the spend in 万元), the indicator-design defects and
//! budget findings of issue 17, and problems across forms (the same form twice, two forms for one
//! project, a row copied between units naming the other unit, a unit whose every form is at full
//! marks, a unit whose claims are inflated). Forms belong to departments and their units; where a
//! budget is adjusted or under-spent the form gives a reason unless that is the planted problem.
//! The list of planted problems is returned (a form may carry several), and written to
//! `planted.csv`.

// A generator, not a parser of input: its arithmetic is on numbers it chose itself, and its
// indexing is into tables it owns.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use jixiao::Session;
use jixiao::score::{self, ScoreOptions};
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::path::Path;

/// SplitMix64: small, fast, and the same everywhere for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plant {
    None,
    WrongScore,
    WrongTotal,
    WrongGrade,
    CopiedActuals,
    CopiedText,
    LowExecutionFullMarks,
    CostAboveSpend,
    YuanForWanYuan,
    CostFloor,
    DuplicateIndicator,
    SpendingRateOutput,
    SatisfactionNoSurvey,
    UnmeasurableBenefit,
    RateAbove100,
    DeadlineAfterYear,
    LateFullMarks,
    BudgetAdjusted,
    UnderSpending,
    CarryoverZero,
    MissingGroup,
    DuplicateForm,
    DuplicateProject,
    CopiedAcrossUnits,
    NamesOtherUnit,
    UnitFullMarks,
}

/// The within-form plants, drawn for a few percent of the forms.
const FORM_PLANTS: &[Plant] = &[
    Plant::WrongScore,
    Plant::WrongTotal,
    Plant::WrongGrade,
    Plant::CopiedActuals,
    Plant::CopiedText,
    Plant::LowExecutionFullMarks,
    Plant::CostAboveSpend,
    Plant::YuanForWanYuan,
    Plant::CostFloor,
    Plant::DuplicateIndicator,
    Plant::SpendingRateOutput,
    Plant::SatisfactionNoSurvey,
    Plant::UnmeasurableBenefit,
    Plant::RateAbove100,
    Plant::DeadlineAfterYear,
    Plant::LateFullMarks,
    Plant::BudgetAdjusted,
    Plant::UnderSpending,
    Plant::CarryoverZero,
    Plant::MissingGroup,
];

impl Plant {
    pub fn name(self) -> &'static str {
        match self {
            Plant::None => "",
            Plant::WrongScore => "wrong-score",
            Plant::WrongTotal => "wrong-total",
            Plant::WrongGrade => "wrong-grade",
            Plant::CopiedActuals => "copied-actuals",
            Plant::CopiedText => "copied-text",
            Plant::LowExecutionFullMarks => "low-execution-full-marks",
            Plant::CostAboveSpend => "cost-above-spend",
            Plant::YuanForWanYuan => "yuan-for-wan-yuan",
            Plant::CostFloor => "cost-floor",
            Plant::DuplicateIndicator => "duplicate-indicator",
            Plant::SpendingRateOutput => "spending-rate-output",
            Plant::SatisfactionNoSurvey => "satisfaction-no-survey",
            Plant::UnmeasurableBenefit => "unmeasurable-benefit",
            Plant::RateAbove100 => "rate-target-above-100",
            Plant::DeadlineAfterYear => "deadline-after-year",
            Plant::LateFullMarks => "late-full-marks",
            Plant::BudgetAdjusted => "budget-adjusted-unexplained",
            Plant::UnderSpending => "under-spending-unexplained",
            Plant::CarryoverZero => "carryover-zero",
            Plant::MissingGroup => "missing-group",
            Plant::DuplicateForm => "duplicate-form",
            Plant::DuplicateProject => "duplicate-project",
            Plant::CopiedAcrossUnits => "copied-across-units",
            Plant::NamesOtherUnit => "names-other-unit",
            Plant::UnitFullMarks => "unit-full-marks",
        }
    }

    /// The review code that must report it.
    pub fn code(self) -> &'static str {
        match self {
            Plant::None => "",
            Plant::WrongScore => "score-mismatch",
            Plant::WrongTotal => "total-sum",
            Plant::WrongGrade => "grade-band",
            Plant::CopiedActuals => "copied-actuals",
            Plant::CopiedText => "copied-text",
            Plant::LowExecutionFullMarks => "low-execution-full-marks",
            Plant::CostAboveSpend => "cost-exceeds-spend",
            Plant::YuanForWanYuan => "money-unit",
            Plant::CarryoverZero => "derived-indicator",
            other => other.name(),
        }
    }

    /// Whether review reports it as an error (other plants raise warnings only).
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Plant::WrongScore
                | Plant::WrongTotal
                | Plant::WrongGrade
                | Plant::CostFloor
                | Plant::DuplicateIndicator
                | Plant::SpendingRateOutput
                | Plant::MissingGroup
                | Plant::DuplicateForm
        )
    }
}

/// A level-1 indicator: its name, its weight, and its level-2 names with fixed weights if any.
type Group<'a> = (&'static str, Decimal, &'a [(&'static str, Option<Decimal>)]);

/// What a generated form says besides its indicator rows.
struct FormSpec<'a> {
    kind: &'a str,
    title: &'a str,
    year: u64,
    budget: (Decimal, Decimal, Decimal),
    expected: &'a str,
    achieved: &'a str,
    department: &'a str,
    /// Project forms only.
    unit: Option<&'a str>,
    /// The budget's 偏差原因, if any.
    reason: Option<&'a str>,
}

struct Row {
    level1: &'static str,
    level2: &'static str,
    name: String,
    target: String,
    actual: String,
    weight: Decimal,
}

/// Split `total` points into `n` parts, in steps of 0.5, each at least 0.5.
fn split(rng: &mut Rng, total: Decimal, n: usize) -> Vec<Decimal> {
    let halves = (total * Decimal::TWO)
        .trunc()
        .to_string()
        .parse::<u64>()
        .unwrap_or(2);
    let n = n.clamp(1, halves as usize);
    let mut parts = vec![1u64; n];
    for _ in 0..(halves - n as u64) {
        let i = rng.below(n as u64) as usize;
        parts[i] += 1;
    }
    parts
        .into_iter()
        .map(|h| Decimal::from(h) / Decimal::TWO)
        .collect()
}

const PROJECT_NAMES: &[&str] = &[
    "市民之家运行经费",
    "政务服务大厅维护",
    "数据共享平台运维",
    "电子证照制发",
    "便民服务热线",
    "政务云租赁",
    "网络安全保障",
    "档案数字化",
    "行政审批改革",
    "一网通办推进",
];

fn quantitative(rng: &mut Rng, level2: &str, unmet: bool) -> (String, String) {
    match level2 {
        "经济成本指标" | "社会成本指标" | "生态环境成本指标" => {
            let t = 1 + rng.below(50);
            let a = if unmet {
                t + 1 + rng.below(5)
            } else {
                t - rng.below(t.min(3))
            };
            (format!("≤{t}万元"), format!("{a}万元"))
        }
        "质量指标" | "服务对象满意度指标" | "满意度" => {
            let t = 90 + rng.below(10);
            let a = if unmet {
                t - 1 - rng.below(10)
            } else {
                t + rng.below(100 - t + 1)
            };
            (format!("≥{t}%"), format!("{a}%"))
        }
        "时效指标" => {
            let t = 1 + rng.below(30);
            let a = if unmet {
                t + 1 + rng.below(10)
            } else {
                t - rng.below(t)
            };
            (format!("≤{t}天"), format!("{a}天"))
        }
        _ => {
            let unit = *rng.pick(&["个", "次", "批", "项", "人次", "件"]);
            let t = 10 + rng.below(500);
            let a = if unmet {
                t * (50 + rng.below(45)) / 100
            } else {
                t + rng.below(t / 5 + 1)
            };
            (format!("≥{t}{unit}"), format!("{a}{unit}"))
        }
    }
}

/// What a benefit row measures: a name a re-check can hold a number against.
const BENEFIT_OBJECTS: &[&str] = &[
    "惠及企业数量",
    "群众办事跑动次数",
    "网办事项覆盖率",
    "平均办结时长",
    "带动就业人数",
    "服务事项办理量",
];

fn rows_for(rng: &mut Rng, groups: &[Group<'_>], count: usize, no_unmet: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    let per_group = (count / groups.len()).max(1);
    for (level1, weight, level2s) in groups {
        let fixed: Vec<(&'static str, Decimal)> = level2s
            .iter()
            .filter_map(|(n, w)| w.map(|w| (*n, w)))
            .collect();
        let plan: Vec<(&'static str, Decimal)> = if fixed.is_empty() {
            let chosen: Vec<&'static str> = level2s
                .iter()
                .map(|(n, _)| *n)
                .take(1 + rng.below(level2s.len() as u64) as usize)
                .collect();
            let parts = split(rng, *weight, chosen.len());
            chosen.into_iter().zip(parts).collect()
        } else {
            fixed
        };
        let n_rows = (per_group / plan.len()).max(1);
        for (level2, w2) in plan {
            for (i, w) in split(rng, w2, n_rows).into_iter().enumerate() {
                let satisfaction = level2.contains("满意");
                let qualitative = !satisfaction
                    && (rng.chance(20) || level1 == &"投入管理指标" && rng.chance(50));
                let unmet = rng.chance(8) && !no_unmet;
                let (target, actual) = if qualitative {
                    let word = *rng.pick(&["明显", "提升", "合理", "规范", "及时", "有效"]);
                    let degree = if unmet { 60 + rng.below(35) } else { 100 };
                    (word.to_string(), format!("{degree}%"))
                } else {
                    quantitative(rng, level2, unmet)
                };
                let name = if level1.contains("效益") && !satisfaction {
                    format!("{}{}", rng.pick(BENEFIT_OBJECTS), i + 1)
                } else {
                    format!("{level2}{}", i + 1)
                };
                rows.push(Row {
                    level1,
                    level2,
                    name,
                    target,
                    actual,
                    weight: w,
                });
            }
        }
    }
    rows
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn form_text(spec: &FormSpec<'_>, rows: &[Row], claims: Option<&Claims>) -> String {
    let FormSpec {
        kind,
        title,
        year,
        budget,
        expected,
        achieved,
        department,
        unit,
        reason,
    } = *spec;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# 生成的测试表 (generated by examples/gen_corpus.rs)\nkind = {}\nruleset = \"henan-2023\"\nyear = {year}",
        q(kind)
    );
    if kind == "项目" {
        let _ = writeln!(t, "project = {}\ndepartment = {}", q(title), q(department));
    } else {
        let _ = writeln!(t, "department = {}", q(department));
    }
    if let Some(unit) = unit {
        let _ = writeln!(t, "unit = {}", q(unit));
    }
    let _ = writeln!(
        t,
        "\n[budget]\ninitial = \"{}\"\nadjusted = \"{}\"\nexecuted = \"{}\"\nweight = \"10\"",
        budget.0, budget.1, budget.2
    );
    if let Some(reason) = reason {
        let _ = writeln!(t, "explanation = {}", q(reason));
    }
    if let Some(c) = claims {
        let _ = writeln!(t, "rate = \"{}\"\nscore = \"{}\"", c.rate, c.execution);
    }
    let _ = writeln!(
        t,
        "\n[[budget.sources]]\nname = \"政府预算资金\"\ninitial = \"{}\"\nadjusted = \"{}\"\nexecuted = \"{}\"",
        budget.0, budget.1, budget.2
    );
    let _ = writeln!(
        t,
        "\n[objective]\nexpected = {}\nachieved = {}",
        q(expected),
        q(achieved)
    );
    if kind == "项目" {
        let _ = writeln!(t, "\n[[sections]]\nname = \"资金管理情况\"");
        for item in ["安排科学性", "拨付合规性", "使用规范性", "预算绩效管理情况"]
        {
            let _ = writeln!(
                t,
                "\n[[sections.items]]\nname = \"{item}\"\ndescription = \"按规定执行\"\nweight = \"5\"\nscore = \"5\""
            );
        }
    }
    for (i, r) in rows.iter().enumerate() {
        let _ = writeln!(
            t,
            "\n[[indicators]]\nlevel1 = \"{}\"\nlevel2 = \"{}\"\nname = {}\ntarget = {}\nactual = {}\nweight = \"{}\"",
            r.level1,
            r.level2,
            q(&r.name),
            q(&r.target),
            q(&r.actual),
            r.weight
        );
        if let Some(c) = claims
            && let Some((score, deviation, explanation)) = c.rows.get(i)
        {
            let _ = writeln!(
                t,
                "score = \"{score}\"\ndeviation = \"{deviation}\"\nexplanation = {}",
                q(explanation)
            );
        }
    }
    if let Some(c) = claims {
        let _ = writeln!(
            t,
            "\n[total]\nscore = \"{}\"\ngrade = \"{}\"",
            c.total, c.grade
        );
    }
    t
}

struct Claims {
    rate: String,
    execution: Decimal,
    rows: Vec<(Decimal, String, String)>,
    total: Decimal,
    grade: String,
}

/// One generated form before it is scored and written.
struct Draft {
    name: String,
    project: bool,
    title: String,
    year: u64,
    budget: (Decimal, Decimal, Decimal),
    expected: String,
    achieved: String,
    department: usize,
    /// A unit of the department (project forms); `None`: the department itself.
    unit: Option<usize>,
    reason: Option<&'static str>,
    rows: Vec<Row>,
    plants: Vec<Plant>,
}

/// Departments of the generated corpus; each has units named after it.
const DEPARTMENTS: &[&str] = &[
    "许昌市政务服务和大数据管理局",
    "某县财政局",
    "某区教育局",
    "某市卫生健康委员会",
    "某县农业农村局",
];
const UNIT_KINDS: &[&str] = &["信息中心", "服务中心", "事务中心", "发展中心"];

fn unit_name(department: usize, unit: usize) -> String {
    let d = DEPARTMENTS[department % DEPARTMENTS.len()];
    format!(
        "{d}第{}{}",
        unit / UNIT_KINDS.len() + 1,
        UNIT_KINDS[unit % UNIT_KINDS.len()]
    )
}

const REASON: &str = "受项目进度及年中预算调整影响，部分资金未在当年支付，已说明原因并加强管理";

/// Change the first row that `pick` accepts; false when there is none.
fn first_row(rows: &mut [Row], pick: impl Fn(&Row) -> bool, change: impl FnOnce(&mut Row)) -> bool {
    match rows.iter_mut().find(|r| pick(r)) {
        Some(r) => {
            change(r);
            true
        }
        None => false,
    }
}

/// Plant a within-form problem in a draft; false when the draft cannot carry it.
fn plant_in(d: &mut Draft, plant: Plant) -> bool {
    let year = d.year;
    let output = |r: &Row| r.level1 == "产出指标";
    match plant {
        Plant::CostFloor => first_row(
            &mut d.rows,
            |r| r.level1 == "成本指标" && r.actual.ends_with("万元"),
            |r| r.target = "≥1万元".into(),
        ),
        Plant::DuplicateIndicator => {
            if !d.project {
                return false;
            }
            let Some(name) = d.rows.iter().find(|r| output(r)).map(|r| r.name.clone()) else {
                return false;
            };
            first_row(&mut d.rows, |r| r.level1 == "效益指标", |r| r.name = name)
        }
        Plant::SpendingRateOutput => first_row(&mut d.rows, output, |r| {
            r.name = "资金支付率".into();
            r.target = "≥90%".into();
            r.actual = "96%".into();
        }),
        Plant::SatisfactionNoSurvey => first_row(
            &mut d.rows,
            |r| r.level2.contains("满意"),
            |r| {
                r.target = "满意".into();
                r.actual = "满意".into();
            },
        ),
        Plant::UnmeasurableBenefit => first_row(
            &mut d.rows,
            |r| r.level1 == "效益指标" && !r.level2.contains("满意"),
            |r| {
                r.name = "项目综合效益".into();
                r.target = "≥95%".into();
                r.actual = "96%".into();
            },
        ),
        Plant::RateAbove100 => first_row(&mut d.rows, output, |r| {
            r.name = "培训覆盖率".into();
            r.target = "≥105%".into();
            r.actual = "106%".into();
        }),
        Plant::DeadlineAfterYear => first_row(&mut d.rows, output, |r| {
            r.name = "任务完成时间".into();
            r.target = format!("≤{}.3", year + 1);
            r.actual = format!("{year}.11");
        }),
        Plant::LateFullMarks => first_row(&mut d.rows, output, |r| {
            r.name = "任务完成时间".into();
            r.target = "10月".into();
            r.actual = "11月".into();
        }),
        Plant::CarryoverZero => {
            let (_, budget, executed) = d.budget;
            if executed >= budget {
                return false;
            }
            let home = if d.project {
                "产出指标"
            } else {
                "投入管理指标"
            };
            first_row(
                &mut d.rows,
                |r| r.level1 == home,
                |r| {
                    r.name = "结转结余率".into();
                    r.target = "≤20%".into();
                    r.actual = "0%".into();
                },
            )
        }
        Plant::MissingGroup => {
            if !d.project {
                return false;
            }
            d.rows.retain(|r| r.level1 != "满意度指标");
            true
        }
        _ => true,
    }
}

/// Write `forms` generated forms under `out` (in subdirectories of a thousand), and
/// `planted.csv`; returns the planted problems, by file name relative to `out` (a form with
/// several has several entries).
pub fn generate(forms: usize, seed: u64, out: &Path) -> Result<Vec<(String, Plant)>, String> {
    let context = Session::builtin().map_err(|e| jixiao::diag::render_all(&e))?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut rng = Rng(seed);
    let project_groups: &[Group<'_>] = &[
        (
            "成本指标",
            Decimal::from(10),
            &[("经济成本指标", None), ("社会成本指标", None)],
        ),
        (
            "产出指标",
            Decimal::from(30),
            &[("数量指标", None), ("质量指标", None), ("时效指标", None)],
        ),
        (
            "效益指标",
            Decimal::from(25),
            &[
                ("社会效益指标", None),
                ("经济效益指标", None),
                ("可持续影响指标", None),
            ],
        ),
        (
            "满意度指标",
            Decimal::from(5),
            &[("服务对象满意度指标", None)],
        ),
    ];
    let department_groups: &[Group<'_>] = &[
        (
            "投入管理指标",
            Decimal::from(30),
            &[
                ("工作目标管理", Some(Decimal::from(6))),
                ("预算和财务管理", Some(Decimal::from(14))),
                ("绩效管理", Some(Decimal::from(10))),
            ],
        ),
        (
            "产出指标",
            Decimal::from(25),
            &[("重点工作任务完成", None), ("履职目标实现", None)],
        ),
        (
            "效益指标",
            Decimal::from(35),
            &[
                ("履职效益", Some(Decimal::from(20))),
                ("满意度", Some(Decimal::from(15))),
            ],
        ),
    ];
    // About 40 forms a unit, at least 8 units; the last unit of the first department is the one
    // whose every form is at full marks (a planted batch finding).
    let units_per_department = (forms / 40 / DEPARTMENTS.len()).max(2);
    let perfect = (0usize, units_per_department - 1);
    let mut drafts: Vec<Draft> = Vec::with_capacity(forms);
    for n in 0..forms {
        let project = rng.below(5) != 0;
        let department = rng.below(DEPARTMENTS.len() as u64) as usize;
        let unit = project.then(|| rng.below(units_per_department as u64) as usize);
        let is_perfect = unit.is_some_and(|u| (department, u) == perfect);
        let plant = if !is_perfect && rng.chance(12) {
            *rng.pick(FORM_PLANTS)
        } else {
            Plant::None
        };
        let plant = if !project
            && matches!(
                plant,
                Plant::CostAboveSpend | Plant::YuanForWanYuan | Plant::CostFloor
            ) {
            Plant::WrongScore
        } else {
            plant
        };
        let count = 10 + rng.below(31) as usize;
        let no_unmet = is_perfect || plant == Plant::LowExecutionFullMarks;
        let mut rows = rows_for(
            &mut rng,
            if project {
                project_groups
            } else {
                department_groups
            },
            count,
            no_unmet,
        );
        let adjusted = Decimal::new(500 + rng.below(500_000) as i64, 2);
        let initial = if rng.chance(30) || plant == Plant::BudgetAdjusted {
            adjusted * Decimal::new(101 + rng.below(59) as i64, 2)
        } else {
            adjusted
        }
        .round_dp(2);
        let execution_percent = match plant {
            Plant::LowExecutionFullMarks => rng.below(40),
            Plant::UnderSpending => 60 + rng.below(29),
            Plant::CarryoverZero => 80 + rng.below(19),
            _ if rng.chance(15) => rng.below(90),
            _ => 90 + rng.below(11),
        };
        let executed =
            (adjusted * Decimal::from(execution_percent) / Decimal::ONE_HUNDRED).round_dp(2);
        let title = if project {
            format!("{}{}", rng.pick(PROJECT_NAMES), n)
        } else {
            format!("{}{}", DEPARTMENTS[department], n)
        };
        let expected = format!("完成{title}年度工作任务，保障正常运转，提升服务质量和群众满意度");
        let achieved = if plant == Plant::CopiedText {
            expected.clone()
        } else {
            format!("已完成{title}主要工作，运转正常，服务质量有所提升")
        };
        match plant {
            Plant::CopiedActuals => {
                for r in &mut rows {
                    if !r.target.starts_with(['明', '提', '合', '规', '及', '有']) {
                        r.actual = r.target.trim_start_matches(['≥', '≤', '=']).to_string();
                    }
                }
            }
            Plant::CostAboveSpend => {
                for r in rows.iter_mut().filter(|r| r.level1 == "成本指标") {
                    let big = (executed + Decimal::ONE).ceil();
                    r.target = format!("≤{big}万元");
                    r.actual = format!("{big}万元");
                }
            }
            Plant::YuanForWanYuan => {
                if let Some(r) = rows.iter_mut().find(|r| r.level1 == "成本指标") {
                    r.target = "≤80000元".to_string();
                    r.actual = format!("{executed}元");
                }
            }
            _ => {}
        }
        // A form explains an adjusted or under-spent budget, unless that is what is planted.
        let needs_reason = initial != adjusted || execution_percent < 90;
        let reason = (needs_reason
            && !matches!(plant, Plant::BudgetAdjusted | Plant::UnderSpending))
        .then_some(REASON);
        let mut d = Draft {
            name: format!("{:03}/{:06}.toml", n / 1000, n),
            project,
            title,
            year: 2023 + rng.below(2),
            budget: (initial, adjusted, executed),
            expected,
            achieved,
            department,
            unit,
            reason,
            rows,
            plants: Vec::new(),
        };
        if plant != Plant::None && plant_in(&mut d, plant) {
            d.plants.push(plant);
        } else if is_perfect {
            d.plants.push(Plant::UnitFullMarks);
        }
        // Problems across forms, with an earlier form of the run.
        if d.plants.is_empty() && !is_perfect && n > 0 && rng.chance(3) {
            let batch = *rng.pick(&[
                Plant::DuplicateForm,
                Plant::DuplicateProject,
                Plant::CopiedAcrossUnits,
            ]);
            let partner = drafts.iter().rposition(|p| {
                p.plants.is_empty()
                    && p.project
                    && project
                    && p.unit.is_none_or(|u| (p.department, u) != perfect)
            });
            if let Some(i) = partner {
                let p = &mut drafts[i];
                match batch {
                    Plant::DuplicateForm => {
                        d.rows = p.rows.iter().map(Row::clone_row).collect();
                        d.budget = p.budget;
                        d.year = p.year;
                        d.reason = p.reason;
                        d.plants.push(batch);
                        p.plants.push(batch);
                    }
                    Plant::DuplicateProject => {
                        d.title = p.title.clone();
                        d.department = p.department;
                        d.unit = p.unit;
                        d.year = p.year;
                        d.plants.push(batch);
                        p.plants.push(batch);
                    }
                    _ if (p.department, p.unit) != (d.department, d.unit) => {
                        // A satisfaction row of the partner's, naming the partner's unit, copied
                        // into this form of another unit.
                        let other = match p.unit {
                            Some(u) => unit_name(p.department, u),
                            None => DEPARTMENTS[p.department].to_string(),
                        };
                        let name = format!("{other}服务对象满意度");
                        let set = |rows: &mut [Row]| {
                            first_row(
                                rows,
                                |r| r.level2.contains("满意"),
                                |r| {
                                    r.name = name.clone();
                                    r.target = "≥90%".into();
                                    r.actual = "95%".into();
                                },
                            )
                        };
                        if set(&mut p.rows) && set(&mut d.rows) {
                            p.plants.push(Plant::CopiedAcrossUnits);
                            d.plants.push(Plant::CopiedAcrossUnits);
                            d.plants.push(Plant::NamesOtherUnit);
                        }
                    }
                    _ => {}
                }
            }
        }
        drafts.push(d);
    }
    let mut list = Vec::new();
    let mut planted = String::from("file,plant\n");
    for d in &drafts {
        write_draft(&context, d, out)?;
        for plant in &d.plants {
            let _ = writeln!(planted, "{},{}", d.name, plant.name());
            list.push((d.name.clone(), *plant));
        }
    }
    std::fs::write(out.join("planted.csv"), planted).map_err(|e| e.to_string())?;
    Ok(list)
}

impl Row {
    fn clone_row(&self) -> Row {
        Row {
            level1: self.level1,
            level2: self.level2,
            name: self.name.clone(),
            target: self.target.clone(),
            actual: self.actual.clone(),
            weight: self.weight,
        }
    }
}

/// Score a draft as the rules do, claim the rules' figures (but for a planted arithmetic error)
/// and write it.
fn write_draft(context: &Session, d: &Draft, out: &Path) -> Result<(), String> {
    let unit = d.unit.map(|u| unit_name(d.department, u));
    let spec = FormSpec {
        kind: if d.project { "项目" } else { "部门整体" },
        title: &d.title,
        year: d.year,
        budget: d.budget,
        expected: &d.expected,
        achieved: &d.achieved,
        department: DEPARTMENTS[d.department],
        unit: unit.as_deref(),
        reason: d.reason,
    };
    let bare = form_text(&spec, &d.rows, None);
    let loaded = jixiao::form::load_str(&d.name, &bare).and_then(|form| {
        let (ruleset, selection) = context.resolve(&form)?;
        score::score(&ruleset, &form, selection, ScoreOptions::default())
    });
    let sheet = match loaded {
        Ok(s) => s,
        Err(e) => {
            return Err(format!(
                "generated an invalid form (a bug in the generator):\n{}\n{bare}",
                jixiao::diag::render_all(&e)
            ));
        }
    };
    let mut claims = Claims {
        rate: jixiao::num::percent_number(sheet.execution.rate)
            .map(|p| p.to_string())
            .unwrap_or_default(),
        execution: sheet.execution.score,
        rows: sheet
            .indicators
            .iter()
            .map(|r| {
                (
                    r.score,
                    jixiao::num::percent_text(r.deviation),
                    if r.explanation_required {
                        "受客观因素影响未完全达成，下一步加强管理".to_string()
                    } else {
                        String::new()
                    },
                )
            })
            .collect(),
        total: sheet.total,
        grade: sheet.grade.clone(),
    };
    for plant in &d.plants {
        match plant {
            Plant::WrongScore => {
                if let Some(row) = claims.rows.first_mut() {
                    row.0 = (row.0 - Decimal::ONE).max(Decimal::ZERO);
                }
            }
            Plant::WrongTotal => claims.total += Decimal::new(150, 2),
            Plant::WrongGrade => {
                claims.grade = if claims.grade == "优" {
                    "良".into()
                } else {
                    "优".into()
                }
            }
            _ => {}
        }
    }
    let text = form_text(&spec, &d.rows, Some(&claims));
    let path = out.join(&d.name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}
