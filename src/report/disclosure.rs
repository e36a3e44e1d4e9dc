//! The disclosure narrative of a department's forms: Part 3 §十三(二) of a 决算公开, "整体绩效自评
//! 结果和项目绩效自评结果". The wording is a template users can change
//! (`templates/disclosure.txt`, embedded as the default); every figure comes from the engine. Where
//! a claimed figure differs from the computed one, the narrative uses the computed one and says so.
//!
//! How each figure is defined: `docs/disclosure.md`.

use super::template::{FieldValue, Fields, Template};
use crate::diag::Diagnostic;
use crate::form::Form;
use crate::num::{self, percent_number};
use crate::rules::FormKind;
use crate::score::{MismatchKind, ScoreSheet};
use rust_decimal::Decimal;

/// The shipped wording.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/disclosure.txt");

/// One scored form, with what the narrative needs from its ruleset.
pub struct Scored<'a> {
    pub form: &'a Form,
    pub sheet: &'a ScoreSheet,
    /// The ruleset's grade names, best first (优, 良, 中, 差).
    pub grades: Vec<String>,
}

/// One department's narrative.
#[derive(Debug, Clone)]
pub struct Narrative {
    pub department: String,
    pub year: i32,
    pub text: String,
}

/// `0.4518` → `45.18%`, `1.0000` → `100%`, `0` → `0%`: the way the disclosure prints rates.
pub fn rate_text(fraction: Decimal) -> String {
    match percent_number(fraction) {
        Some(p) => format!("{}%", p.normalize()),
        None => format!("{fraction}"),
    }
}

/// `94.52`, `90`, `100`: scores as the disclosure prints them.
pub fn score_text(score: Decimal) -> String {
    score.normalize().to_string()
}

fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() || t.ends_with(['。', '！', '？', '.']) {
        t.to_string()
    } else {
        format!("{t}。")
    }
}

/// What differs between the claim and the computation, said in one phrase (empty if nothing).
fn corrections(sheet: &ScoreSheet) -> String {
    let mut said = Vec::new();
    let mut others = 0usize;
    for m in sheet.mismatches() {
        match m.kind {
            MismatchKind::Total => said.push(format!(
                "申报自评得分{}分，按评分规则计算为{}分",
                m.claimed,
                score_text(sheet.total)
            )),
            MismatchKind::Grade => said.push(format!(
                "申报等级“{}”，按评分规则应为“{}”",
                m.claimed, m.computed
            )),
            MismatchKind::ExecutionRate => said.push(format!(
                "申报预算执行率{}，计算为{}",
                m.claimed,
                rate_text(sheet.execution.rate)
            )),
            _ => others += 1,
        }
    }
    if others > 0 {
        said.push(format!("另有{others}处得分或偏差度与计算结果不一致"));
    }
    if said.is_empty() {
        String::new()
    } else {
        format!("{}；本文采用计算结果", said.join("；"))
    }
}

/// The fields a template is filled with, for one department and year.
pub fn fields(forms: &[&Scored<'_>]) -> Fields {
    let mut f = Fields::new();
    let department = forms
        .iter()
        .find(|s| s.form.kind.value == FormKind::Department)
        .or(forms.first());
    let year = forms.first().map_or(0, |s| s.form.year.value);
    f.insert("年度".into(), year.to_string().into());
    f.insert(
        "部门".into(),
        department
            .and_then(|s| s.form.department.clone())
            .unwrap_or_default()
            .into(),
    );
    let mut any_correction = false;
    let mut rulesets: Vec<String> = Vec::new();
    let mut department_items = Vec::new();
    for s in forms
        .iter()
        .filter(|s| s.form.kind.value == FormKind::Department)
    {
        let mut d = common(s);
        d.insert(
            "涉及预算资金".into(),
            crate::form::text_of(&s.form.budget.initial)
                .to_string()
                .into(),
        );
        let c = corrections(s.sheet);
        any_correction |= !c.is_empty();
        d.insert("更正".into(), c.into());
        department_items.push(d);
        rulesets.push(s.sheet.ruleset.clone());
    }
    f.insert("部门整体".into(), FieldValue::List(department_items));

    let projects: Vec<&&Scored<'_>> = forms
        .iter()
        .filter(|s| s.form.kind.value == FormKind::Project)
        .collect();
    // Every level-1 of any project gets a 完成率 field in every project, so that one template
    // fits them all; a project without it shows `—`.
    let mut level1_names: Vec<String> = Vec::new();
    for p in &projects {
        for l in &p.sheet.level1 {
            if !level1_names.contains(&l.name) {
                level1_names.push(l.name.clone());
            }
        }
    }
    for name in ["产出指标", "效益指标", "满意度指标"] {
        if !level1_names.iter().any(|n| n == name) {
            level1_names.push(name.to_string());
        }
    }
    let mut items = Vec::new();
    for (i, p) in projects.iter().enumerate() {
        let mut d = project_fields(p, i, &level1_names);
        let c = corrections(p.sheet);
        any_correction |= !c.is_empty();
        d.insert("更正".into(), c.into());
        items.push(d);
        if !rulesets.contains(&p.sheet.ruleset) {
            rulesets.push(p.sheet.ruleset.clone());
        }
    }
    f.insert("项目个数".into(), projects.len().to_string().into());
    let amount = num::sum(projects.iter().map(|p| {
        let b = &p.form.budget;
        // A layout without 年初预算数 gives the project's amount as its budget.
        crate::form::value_of(&b.initial)
            .or(crate::form::value_of(&b.adjusted))
            .unwrap_or_default()
    }))
    .map_or_else(|_| "—".to_string(), |d| d.normalize().to_string());
    f.insert("项目金额".into(), amount.into());
    let grades: Vec<String> = projects
        .first()
        .map(|s| s.grades.clone())
        .or_else(|| forms.first().map(|s| s.grades.clone()))
        .unwrap_or_default();
    grade_fields(&mut f, &grades, &projects);
    f.insert("项目".into(), FieldValue::List(items));
    f.insert("有更正".into(), FieldValue::Bool(any_correction));
    f.insert("评分规则".into(), rulesets.join("、").into());
    f
}

/// One project's own fields: its number, a 完成率 for every level-1 name of the batch, and its
/// level-1 rows.
fn project_fields(p: &Scored<'_>, i: usize, level1_names: &[String]) -> Fields {
    let mut d = common(p);
    d.insert("序号".into(), (i + 1).to_string().into());
    for name in level1_names {
        let rate = p
            .sheet
            .level1
            .iter()
            .find(|l| &l.name == name)
            .filter(|l| !l.weight.is_zero())
            .and_then(|l| num::div(l.score, l.weight).ok())
            .map_or("—".to_string(), |r| rate_text(r.round_dp(4)));
        d.insert(format!("{name}完成率"), rate.into());
    }
    d.insert(
        "指标".into(),
        FieldValue::List(
            p.sheet
                .level1
                .iter()
                .map(|l| {
                    let mut m = Fields::new();
                    m.insert("名称".into(), l.name.clone().into());
                    m.insert("分值".into(), score_text(l.weight).into());
                    m.insert("得分".into(), score_text(l.score).into());
                    let rate = num::div(l.score, l.weight)
                        .map_or("—".to_string(), |r| rate_text(r.round_dp(4)));
                    m.insert("完成率".into(), rate.into());
                    m
                })
                .collect(),
        ),
    );
    d
}

/// The grade counts of the projects, as a sentence (`等级分布`) and as a list (`等级统计`).
fn grade_fields(f: &mut Fields, grades: &[String], projects: &[&&Scored<'_>]) {
    let distribution: Vec<String> = grades
        .iter()
        .map(|g| {
            let n = projects.iter().filter(|p| &p.sheet.grade == g).count();
            format!("{n}个项目评价等级为“{g}”")
        })
        .collect();
    f.insert("等级分布".into(), distribution.join("、").into());
    f.insert(
        "等级统计".into(),
        FieldValue::List(
            grades
                .iter()
                .map(|g| {
                    let mut m = Fields::new();
                    m.insert("等级".into(), g.clone().into());
                    let n = projects.iter().filter(|p| &p.sheet.grade == g).count();
                    m.insert("个数".into(), n.to_string().into());
                    m
                })
                .collect(),
        ),
    );
}

/// The fields every form has.
fn common(s: &Scored<'_>) -> Fields {
    let mut d = Fields::new();
    let b = &s.form.budget;
    d.insert("名称".into(), s.form.name().to_string().into());
    d.insert(
        "年初预算数".into(),
        crate::form::text_of(&b.initial).to_string().into(),
    );
    d.insert(
        "全年预算数".into(),
        crate::form::text_of(&b.adjusted).to_string().into(),
    );
    d.insert(
        "全年执行数".into(),
        crate::form::text_of(&b.executed).to_string().into(),
    );
    d.insert(
        "预算执行率".into(),
        rate_text(s.sheet.execution.rate).into(),
    );
    d.insert(
        "执行率得分".into(),
        score_text(s.sheet.execution.score).into(),
    );
    d.insert("自评得分".into(), score_text(s.sheet.total).into());
    d.insert("等级".into(), s.sheet.grade.clone().into());
    let expected = s
        .form
        .objective
        .expected
        .as_ref()
        .map_or("", |f| f.value.as_str());
    let achieved = s
        .form
        .objective
        .achieved
        .as_ref()
        .map_or("", |f| f.value.as_str());
    d.insert("预期目标".into(), sentence(expected).into());
    d.insert("实际完成情况".into(), sentence(achieved).into());
    d.insert("评分规则".into(), s.sheet.ruleset.clone().into());
    d
}

/// One narrative per department and year, in the order the forms come.
pub fn narratives(
    forms: &[Scored<'_>],
    template: &Template,
) -> Result<Vec<Narrative>, Vec<Diagnostic>> {
    let mut groups: Vec<((String, i32), Vec<&Scored<'_>>)> = Vec::new();
    for s in forms {
        let key = (
            s.form.department.clone().unwrap_or_default(),
            s.form.year.value,
        );
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(s),
            None => groups.push((key, vec![s])),
        }
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for ((department, year), list) in groups {
        match template.render(&fields(&list)) {
            Ok(text) => out.push(Narrative {
                department,
                year,
                text,
            }),
            Err(e) => {
                errors.extend(e);
                break;
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
