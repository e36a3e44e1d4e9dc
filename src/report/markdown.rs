//! The report as Markdown: the same content as the HTML page (summary, each form in its official
//! order of blocks, the claims that differ, the findings), for issue trackers and plain text.

use super::layout::{Figure, FormView};
use std::fmt::Write;

fn cell(text: &str) -> String {
    crate::render::md_escape(text)
}

fn figure(f: &Figure, notes: &mut Vec<String>) -> String {
    match f.note() {
        Some(note) if f.differs_from.is_some() => {
            notes.push(note);
            format!("**{}** ⚠[{}]", cell(&f.text), notes.len())
        }
        // A claim that agrees only as printed (`99%` for 99.10%): noted, not flagged.
        Some(note) => {
            notes.push(note);
            format!("{} ≈[{}]", cell(&f.text), notes.len())
        }
        None => cell(&f.text),
    }
}

pub fn render(views: &[FormView], title: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", cell(title));
    let _ = writeln!(
        out,
        "得分、偏差度、自评得分和等级均按评分规则计算；与申报数不同之处以 ⚠ 标出，按申报的精度相符但数字不同之处以 ≈ 标出，均在表下注明两个数字。\n"
    );
    let _ = writeln!(
        out,
        "| 序号 | 名称 | 表类型 | 年度 | 评分规则 | 自评得分 | 等级 | 问题 |\n|---:|---|---|---:|---|---:|---|---:|"
    );
    for (i, v) in views.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            cell(&v.name),
            v.kind,
            v.year,
            cell(&v.ruleset),
            figure(&v.total, &mut Vec::new()),
            figure(&v.grade, &mut Vec::new()),
            v.findings.len()
        );
    }
    for v in views {
        form(&mut out, v);
    }
    out
}

fn form(out: &mut String, v: &FormView) {
    // Footnotes: each claimed figure that differs from the computed one, each missing reason.
    let mut notes = Vec::new();
    let _ = writeln!(out, "\n---\n\n## {}：{}\n", cell(&v.title), cell(&v.name));
    let _ = writeln!(out, "（{}年度）\n", v.year);
    for pairs in &v.heads {
        let shown: Vec<String> = pairs
            .iter()
            .map(|(l, val)| format!("**{l}**：{}", cell(val)))
            .collect();
        let _ = writeln!(out, "- {}", shown.join("　"));
    }
    budget_rows(out, v, &mut notes);
    section_rows(out, v, &mut notes);
    indicator_rows(out, v, &mut notes);
    let total = figure(&v.total, &mut notes);
    let grade = figure(&v.grade, &mut notes);
    let _ = writeln!(
        out,
        "| **总分** | | | | | {} | {total} | 等级 | {grade} |",
        v.total_weight
    );
    let _ = writeln!(
        out,
        "\n评分规则 {} · {}",
        crate::render::md_code(&v.ruleset),
        crate::render::md_code(&v.file)
    );
    if !notes.is_empty() {
        out.push('\n');
        for (i, n) in notes.iter().enumerate() {
            let _ = writeln!(out, "{}. ⚠[{}] {}", i + 1, i + 1, cell(n));
        }
    }
    out.push('\n');
    if v.findings.is_empty() {
        let _ = writeln!(
            out,
            "申报数与计算结果一致，未发现问题 (every claimed figure matches)"
        );
    } else {
        let _ = writeln!(out, "**审核发现 (findings)**\n");
        for f in &v.findings {
            let severity = if f.severity == "error" {
                "错误"
            } else {
                "提示"
            };
            let _ = writeln!(
                out,
                "- [{severity}] {} `{}`：{}",
                cell(&f.place),
                f.code,
                cell(&f.message)
            );
        }
    }
}

/// The budget block: 年初预算数, 全年预算数, 全年执行数, the execution rate and score.
fn budget_rows(out: &mut String, v: &FormView, notes: &mut Vec<String>) {
    let _ = writeln!(
        out,
        "\n**{}**\n\n| | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n|---|---:|---:|---:|---:|---:|---:|",
        v.budget_label
    );
    for line in &v.budget {
        let score = match &line.score {
            Some(s) => figure(s, notes),
            None => "-".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {score} |",
            cell(&line.label),
            cell(&line.initial),
            cell(&line.adjusted),
            cell(&line.executed),
            line.weight.as_deref().unwrap_or("-"),
            figure(&line.rate, notes)
        );
    }
}

/// The scored sections (资金管理 …), the 年度总体目标 and the 年度主要任务.
fn section_rows(out: &mut String, v: &FormView, notes: &mut Vec<String>) {
    for section in &v.sections {
        let _ = writeln!(
            out,
            "\n**{}**\n\n| | 情况说明 | 分值 | 得分 | 存在问题和改进措施 |\n|---|---|---:|---:|---|",
            cell(&section.name)
        );
        for line in &section.lines {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&line.name),
                cell(&line.description),
                cell(&line.weight),
                figure(&line.score, notes),
                cell(&line.problems)
            );
        }
    }
    if let Some((expected, achieved)) = &v.objective {
        let _ = writeln!(
            out,
            "\n**{}**\n\n| 预期目标 | 实际完成情况 |\n|---|---|\n| {} | {} |",
            v.objective_label,
            cell(expected),
            cell(achieved)
        );
    }
    if !v.tasks.is_empty() {
        let _ = writeln!(
            out,
            "\n**年度主要任务**\n\n| 任务名称 | 主要内容 | 实际完成情况 |\n|---|---|---|"
        );
        for t in &v.tasks {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&t.name),
                cell(&t.content),
                cell(&t.achieved)
            );
        }
    }
}

/// The indicator rows; a merged 一级/二级 is printed once, on its first row, as on paper.
fn indicator_rows(out: &mut String, v: &FormView, notes: &mut Vec<String>) {
    let _ = writeln!(
        out,
        "\n**绩效指标**\n\n{}\n|---|---|---|---|---|---:|---:|---:|---|",
        crate::form::columns::markdown_header(&crate::form::columns::OFFICIAL)
    );
    let runs1 = v.runs(1);
    let runs2 = v.runs(2);
    for (i, line) in v.indicators.iter().enumerate() {
        // As on paper: a merged 一级/二级 is printed once, on its first row.
        let level1 = if runs1.iter().any(|(s, _)| *s == i) {
            cell(&line.level1)
        } else {
            String::new()
        };
        let level2 = if runs2.iter().any(|(s, _)| *s == i) {
            cell(&line.level2)
        } else {
            String::new()
        };
        if line.empty {
            let _ = writeln!(out, "| {level1} | {level2} | | | | | | | |");
            continue;
        }
        let explanation = if line.explanation_missing {
            notes.push(format!(
                "{}：按评分规则需填写偏差原因 (the rules ask for a reason here)",
                line.name
            ));
            format!("{} ⚠[{}]", cell(&line.explanation), notes.len())
        } else {
            cell(&line.explanation)
        };
        let _ = writeln!(
            out,
            "| {level1} | {level2} | {} | {} | {} | {} | {} | {} | {explanation} |",
            cell(&line.name),
            cell(&line.target),
            cell(&line.actual),
            cell(&line.weight),
            figure(&line.score, notes),
            figure(&line.deviation, notes)
        );
    }
}
