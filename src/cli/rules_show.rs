//! `jixiao rules show ID|FILE [--kind 项目]`: a template as a tree — sections, level-1 and level-2
//! indicators with their weights, the execution formula, and the scoring rules that apply.

use super::Outcome;
use super::output::{Out, report};
use crate::diag::Diagnostic;
use crate::num::percent_text;
use crate::rules::FormKind;
use crate::rules::expr::CKind;
use crate::rules::format::one_line;
use crate::rules::ruleset::{RuleExpr, RuleSet, ScoringRules, Template};
use rust_decimal::Decimal;
use std::io;
use std::sync::Arc;

pub fn run(ruleset: &str, kind: Option<&str>, out: &mut Out) -> io::Result<Outcome> {
    let ruleset = match load(ruleset) {
        Ok(r) => r,
        Err(errors) => {
            report(&errors);
            return Ok(Outcome::BadInput);
        }
    };
    let kinds: Vec<FormKind> = match kind {
        None => ruleset.templates.iter().map(|t| t.kind).collect(),
        Some(name) => match FormKind::from_name(name) {
            Some(k) if ruleset.template(k).is_some() => vec![k],
            Some(k) => {
                report(&[Diagnostic::error(
                    "usage::kind",
                    format!(
                        "评分规则 {} 没有{k}表模板 (ruleset {} has no {k} template; it has: {})",
                        ruleset.label(),
                        ruleset.label(),
                        template_names(&ruleset)
                    ),
                )]);
                return Ok(Outcome::BadInput);
            }
            None => {
                report(&[Diagnostic::error(
                    "usage::kind",
                    format!(
                        "未知的表类型 {name} (unknown form kind `{name}`: expected 项目 or 部门整体)"
                    ),
                )]);
                return Ok(Outcome::BadInput);
            }
        },
    };
    out.write_str(&render(&ruleset, &kinds))?;
    Ok(Outcome::Ok)
}

fn template_names(ruleset: &RuleSet) -> String {
    let names: Vec<&str> = ruleset.templates.iter().map(|t| t.kind.name()).collect();
    names.join(", ")
}

/// A rule file by path, or a shipped ruleset by id (`henan-2023`, `henan-2023@1`).
pub fn load(value: &str) -> Result<Arc<RuleSet>, Vec<Diagnostic>> {
    super::diff::load_side(value).map(|side| side.ruleset)
}

/// The ruleset's header, then each template as a tree, then the scoring rules.
pub fn render(ruleset: &RuleSet, kinds: &[FormKind]) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(format!("{}  {}", ruleset.label(), ruleset.title));
    if let Some(basis) = &ruleset.basis {
        line(format!("  依据 basis    {basis}"));
    }
    line(format!("  年度 years    {}", ruleset.years));
    line(format!("  来源 source   {}", ruleset.source.name()));
    let grades: Vec<String> = ruleset
        .grades
        .iter()
        .map(|g| match g.min {
            Some(min) => format!("{} ≥ {min}", g.name),
            None => g.name.clone(),
        })
        .collect();
    line(format!("  等级 grades   {}", grades.join(" · ")));
    let r = &ruleset.rounding;
    let step = |rounding: crate::num::Rounding, percent: bool| {
        let quantum = Decimal::new(1, rounding.decimals);
        let shown = if percent {
            percent_text(quantum)
        } else {
            quantum.to_string()
        };
        format!("{shown} {}", rounding.mode.keyword())
    };
    line(format!(
        "  舍入 rounding rate {} · deviation {} · score {} · execution {} · total {}",
        step(r.rate, true),
        step(r.deviation, true),
        step(r.score, false),
        step(r.execution, false),
        step(r.total, false)
    ));
    for kind in kinds {
        let Some(template) = ruleset.template(*kind) else {
            continue;
        };
        line(String::new());
        for l in template_tree(ruleset, template) {
            line(l);
        }
    }
    line(String::new());
    for l in scoring_lines(ruleset, kinds) {
        line(l);
    }
    out
}

struct Node {
    text: String,
    children: Vec<Node>,
}

fn leaf(text: String) -> Node {
    Node {
        text,
        children: Vec::new(),
    }
}

fn weight_text(weight: Option<Decimal>) -> String {
    match weight {
        Some(w) => format!("{w} 分"),
        None => "分值由单位设定 (weight set by the unit)".into(),
    }
}

fn template_tree(ruleset: &RuleSet, template: &Template) -> Vec<String> {
    let mut top = Vec::new();
    let e = &template.execution;
    let mut execution = vec![leaf(format!(
        "执行率 rate = 全年执行数 / {}",
        e.denominator.name()
    ))];
    execution.push(leaf(format!(
        "得分 score = {}",
        expr_with_formulas(ruleset, &e.formula)
    )));
    if let Some(explain) = &e.explain {
        execution.push(leaf(format!(
            "需说明偏差原因 explain when {}",
            explain.text
        )));
    }
    top.push(Node {
        text: format!("预算执行率 execution · {} 分", e.weight),
        children: execution,
    });
    for section in &template.sections {
        top.push(Node {
            text: format!(
                "{} · {} 分 (section: the unit's scores, within each weight)",
                section.name, section.weight
            ),
            children: section
                .items
                .iter()
                .map(|(name, w)| leaf(format!("{name} · {w} 分")))
                .collect(),
        });
    }
    let mut level1_nodes = Vec::new();
    for l1 in &template.level1 {
        let mut text = format!("{} · {}", l1.names.join(" | "), weight_text(l1.weight));
        if let Some(to) = l1.absent_to.and_then(|i| template.level1.get(i)) {
            text.push_str(&format!(
                " (absent → {}: 无此类指标时分值并入 {})",
                to.name(),
                to.name()
            ));
        }
        text.push_str(&rules_marker(ruleset, &l1.names));
        let children = if l1.level2.is_empty() {
            vec![leaf("二级指标由单位设定 (any level-2 name)".into())]
        } else {
            l1.level2
                .iter()
                .map(|l2| {
                    let mut text = l2.names.join(" | ");
                    if let Some(w) = l2.weight {
                        text.push_str(&format!(" · {w} 分"));
                    }
                    text.push_str(&rules_marker(ruleset, &l2.names));
                    leaf(text)
                })
                .collect()
        };
        level1_nodes.push(Node { text, children });
    }
    let indicators_weight = template.indicators_total.or_else(|| {
        template
            .level1
            .iter()
            .map(|l| l.weight)
            .sum::<Option<Decimal>>()
    });
    top.push(Node {
        text: format!(
            "绩效指标 indicators · {} (level 1 → level 2; level-3 rows come from the form)",
            weight_text(indicators_weight)
        ),
        children: level1_nodes,
    });
    let total: Option<Decimal> = template
        .sections
        .iter()
        .map(|s| Some(s.weight))
        .chain([Some(e.weight), indicators_weight])
        .sum();
    let mut lines = vec![format!(
        "{} 表 template · {}",
        template.kind,
        match total {
            Some(t) => format!("{t} 分"),
            None => "分值部分由单位设定 (weights partly set by the unit)".into(),
        }
    )];
    let count = top.len();
    for (i, node) in top.iter().enumerate() {
        draw(node, "", i + 1 == count, &mut lines);
    }
    lines
}

fn draw(node: &Node, prefix: &str, last: bool, lines: &mut Vec<String>) {
    lines.push(format!(
        "{prefix}{}{}",
        if last { "└── " } else { "├── " },
        node.text
    ));
    let child_prefix = format!("{prefix}{}", if last { "    " } else { "│   " });
    let count = node.children.len();
    for (i, child) in node.children.iter().enumerate() {
        draw(child, &child_prefix, i + 1 == count, lines);
    }
}

/// ` ★ indicator rules` when an `indicator` block names one of these.
fn rules_marker(ruleset: &RuleSet, names: &[String]) -> String {
    let found = ruleset
        .indicator_rules
        .iter()
        .any(|r| r.selector.iter().any(|s| names.contains(s)));
    if found {
        " ★ 专用计分规则 (own scoring rules, below)".into()
    } else {
        String::new()
    }
}

/// `project_execution` followed by the formulas it refers to, on one line.
fn expr_with_formulas(ruleset: &RuleSet, expr: &RuleExpr) -> String {
    let mut text = one_line(&expr.text);
    let mut found: Vec<usize> = Vec::new();
    let mut queue = vec![&expr.expr];
    while let Some(e) = queue.pop() {
        let mut referenced = Vec::new();
        e.visit(&mut |node| {
            if let CKind::Formula(i) = node.kind {
                referenced.push(i);
            }
        });
        for i in referenced {
            if !found.contains(&i) {
                found.push(i);
                queue.extend(ruleset.formulas.get(i));
            }
        }
    }
    for i in found {
        if let (Some(name), Some(body)) =
            (ruleset.formula_names.get(i), ruleset.formula_texts.get(i))
        {
            text.push_str(&format!("; {name} = {}", one_line(body)));
        }
    }
    text
}

fn origin(expr: &RuleExpr, ruleset: &RuleSet) -> String {
    match &expr.span {
        Some(span) => format!("line {}", ruleset.source.line_of(span.start)),
        None => "默认 built-in default".into(),
    }
}

fn rules_block(ruleset: &RuleSet, rules: &ScoringRules, lines: &mut Vec<String>) {
    let guards: Vec<String> = rules.clauses.iter().map(|c| c.guard.describe()).collect();
    let width = guards.iter().map(|g| g.chars().count()).max().unwrap_or(0);
    for (clause, guard) in rules.clauses.iter().zip(&guards) {
        lines.push(format!(
            "    {guard:<width$} -> {}   ({})",
            expr_with_formulas(ruleset, &clause.body),
            origin(&clause.body, ruleset)
        ));
    }
    if let Some(d) = &rules.deviation {
        lines.push(format!(
            "    偏差度 deviation -> {}   ({})",
            expr_with_formulas(ruleset, d),
            origin(d, ruleset)
        ));
    }
    if let Some(e) = &rules.explain {
        lines.push(format!(
            "    需说明偏差原因 explain when {}   ({})",
            expr_with_formulas(ruleset, e),
            origin(e, ruleset)
        ));
    }
}

fn scoring_lines(ruleset: &RuleSet, kinds: &[FormKind]) -> Vec<String> {
    let mut lines = vec![
        "三级指标计分 (how a level-3 indicator scores; the first clause that applies wins)"
            .to_string(),
    ];
    let names_in_templates: Vec<&String> = kinds
        .iter()
        .filter_map(|k| ruleset.template(*k))
        .flat_map(|t| {
            t.level1.iter().flat_map(|l1| {
                l1.names
                    .iter()
                    .chain(l1.level2.iter().flat_map(|l2| l2.names.iter()))
            })
        })
        .collect();
    for rules in &ruleset.indicator_rules {
        let scope = if rules
            .selector
            .iter()
            .any(|s| names_in_templates.contains(&s))
        {
            "level-1/2 of this template"
        } else {
            "level-3 rows of that name"
        };
        lines.push(format!(
            "  indicator {}  ({scope}; line {}; tried first)",
            rules.selector.join(" | "),
            ruleset.source.line_of(rules.span.start)
        ));
        rules_block(ruleset, &rules.rules, &mut lines);
    }
    lines.push(format!(
        "  定量 quantitative (a target with no comparator compares as {})",
        ruleset.bare.symbol()
    ));
    lines.push(format!(
        "    低优指标 lower-is-better (no comparator printed → ≤): {}",
        lower_is_better_line(ruleset)
    ));
    lines.push(format!(
        "    分项汇总 parts (a row reported by parts: 绝对值 absolute, 相对值 relative): {}",
        ruleset.parts
    ));
    rules_block(ruleset, &ruleset.quantitative, &mut lines);
    lines.push("  定性 qualitative (the actual is a completion degree)".to_string());
    rules_block(ruleset, &ruleset.qualitative, &mut lines);
    if !ruleset.tiers.is_empty() {
        let tiers: Vec<String> = ruleset
            .tiers
            .iter()
            .map(|t| format!("{} {}", t.name, t.describe()))
            .collect();
        lines.push(format!("    档次 tiers {}", tiers.join(" · ")));
    }
    let review = &ruleset.review;
    lines.push(format!(
        "复核 review: tolerance {} · low-execution {} · similarity {} · over-achievement {}",
        review.tolerance,
        percent_text(review.low_execution),
        percent_text(review.similarity),
        percent_text(review.over_achievement)
    ));
    lines
}

/// `结余率 · 控制率 (except 疫 病)`, or `none`.
fn lower_is_better_line(ruleset: &RuleSet) -> String {
    if ruleset.lower_is_better.is_empty() {
        return "none".to_string();
    }
    let parts: Vec<String> = ruleset
        .lower_is_better
        .iter()
        .map(|p| match p.except.is_empty() {
            true => p.pattern.clone(),
            false => format!("{} (except {})", p.pattern, p.except.join(" ")),
        })
        .collect();
    parts.join(" · ")
}
