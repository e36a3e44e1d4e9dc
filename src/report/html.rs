//! One self-contained HTML page (inline CSS, no script, no external resource) that prints cleanly
//! on A4: a summary, then each form in its official layout on its own page, with the computed
//! figures, the claims that differ, and the findings.

use super::layout::{Figure, FindingRow, FormView};
use std::fmt::Write;

/// The stylesheet of the report (A4 print, the official table), also served by the form page.
pub const CSS: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif;
       font-size: 10pt; line-height: 1.4; color: #000; margin: 0 auto; max-width: 186mm; padding: 8mm 0; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4mm; }
h2 { font-size: 15pt; text-align: center; margin: 0; }
p.year { text-align: center; margin: 1mm 0 3mm; }
section.form { break-before: page; page-break-before: always; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
td, th { border: 0.6pt solid #000; padding: 1.5pt 3pt; vertical-align: middle; overflow-wrap: anywhere; }
th, td.label { font-weight: bold; text-align: center; }
th { background: #f2f2f2; }
td.num, td.c { text-align: center; }
td.num { white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.differs { background: #ffc7ce; font-weight: bold; }
td.as-printed sup { color: #555; }
td.missing { background: #ffc7ce; }
sup { font-size: 7pt; }
.meta { color: #333; font-size: 8.5pt; margin: 2mm 0; }
.notes, .findings { font-size: 9pt; margin: 2mm 0 0; padding-left: 5mm; }
.ok { color: #225522; }
table.summary td, table.summary th { font-size: 9pt; }
@media screen { body { padding: 10mm; } section.form { border-top: 1px dashed #999; margin-top: 10mm; padding-top: 8mm; } }
"#;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c if crate::diag::is_hidden_control_in_text(c) => {
                out.extend(c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

/// The whole page.
pub fn render(views: &[FormView], title: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(title)
    );
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", escape(title));
    summary(&mut out, views);
    let _ = writeln!(out, "</header>");
    for (i, view) in views.iter().enumerate() {
        form(&mut out, view, i + 1);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn summary(out: &mut String, views: &[FormView]) {
    let _ = writeln!(
        out,
        "<p class=\"meta\">得分、偏差度、自评得分和等级均按评分规则计算；与申报数不同之处以红色标出，并在表下注明两个数字。</p>"
    );
    let _ = writeln!(
        out,
        "<table class=\"summary\">\n<colgroup><col style=\"width:6%\"><col style=\"width:34%\"><col style=\"width:10%\"><col style=\"width:8%\"><col style=\"width:16%\"><col style=\"width:10%\"><col style=\"width:8%\"><col style=\"width:8%\"></colgroup>\n<tr><th>序号</th><th>名称</th><th>表类型</th><th>年度</th><th>评分规则</th><th>自评得分</th><th>等级</th><th>问题</th></tr>"
    );
    for (i, v) in views.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr><td class=\"c\">{}</td><td><a href=\"#form-{}\">{}</a></td><td class=\"c\">{}</td><td class=\"c\">{}</td><td class=\"c\">{}</td>{}{}<td class=\"c\">{}</td></tr>",
            i + 1,
            i + 1,
            escape(&v.name),
            v.kind,
            v.year,
            escape(&v.ruleset),
            figure_cell(&v.total, "num", 1, &mut Vec::new()),
            figure_cell(&v.grade, "c", 1, &mut Vec::new()),
            v.findings.len()
        );
    }
    out.push_str("</table>\n");
}

/// A figure's cell; a differing one is flagged and gets a numbered note.
fn figure_cell(f: &Figure, class: &str, colspan: usize, notes: &mut Vec<String>) -> String {
    let span = if colspan > 1 {
        format!(" colspan=\"{colspan}\"")
    } else {
        String::new()
    };
    match f.note() {
        Some(note) => {
            notes.push(note.clone());
            // A claim that agrees only as printed is noted, not flagged.
            let flag = if f.differs_from.is_some() {
                "differs"
            } else {
                "as-printed"
            };
            format!(
                "<td class=\"{class} {flag}\"{span} title=\"{}\">{}<sup>{}</sup></td>",
                escape(&note),
                escape(&f.text),
                notes.len()
            )
        }
        None => format!("<td class=\"{class}\"{span}>{}</td>", escape(&f.text)),
    }
}

fn td(text: &str, class: &str, colspan: usize, rowspan: usize) -> String {
    let mut attrs = String::new();
    if !class.is_empty() {
        let _ = write!(attrs, " class=\"{class}\"");
    }
    if colspan > 1 {
        let _ = write!(attrs, " colspan=\"{colspan}\"");
    }
    if rowspan > 1 {
        let _ = write!(attrs, " rowspan=\"{rowspan}\"");
    }
    format!("<td{attrs}>{}</td>", escape(text))
}

fn th(text: &str, colspan: usize) -> String {
    if colspan > 1 {
        format!("<th colspan=\"{colspan}\">{}</th>", escape(text))
    } else {
        format!("<th>{}</th>", escape(text))
    }
}

fn form(out: &mut String, v: &FormView, index: usize) {
    // Footnotes: each claimed figure that differs from the computed one, each missing reason.
    let mut notes: Vec<String> = Vec::new();
    form_heading(out, v, index);
    budget_rows(out, v, &mut notes);
    section_rows(out, v, &mut notes);
    indicator_rows(out, v, &mut notes);
    let _ = writeln!(
        out,
        "<tr>{}{}{}{}{}</tr>\n</table>",
        td("总分", "label", 6, 1),
        td(&v.total_weight.to_string(), "num", 1, 1),
        figure_cell(&v.total, "num", 1, &mut notes),
        td("等级", "label", 1, 1),
        figure_cell(&v.grade, "c", 1, &mut notes)
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">评分规则 {} · {}</p>",
        escape(&v.ruleset),
        escape(&v.file)
    );
    if !notes.is_empty() {
        out.push_str("<ol class=\"notes\">\n");
        for n in &notes {
            let _ = writeln!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ol>\n");
    }
    findings(out, &v.findings);
    out.push_str("</section>\n");
}

/// The title, the year and the table's head rows (项目名称, 主管部门 …).
fn form_heading(out: &mut String, v: &FormView, index: usize) {
    let _ = writeln!(
        out,
        "<section class=\"form\" id=\"form-{index}\">\n<h2>{}</h2>\n<p class=\"year\">（{}年度）</p>",
        escape(&v.title),
        v.year
    );
    let _ = writeln!(
        out,
        "<table class=\"official\">\n<colgroup><col style=\"width:10%\"><col style=\"width:10%\"><col style=\"width:10%\"><col style=\"width:15%\"><col style=\"width:9%\"><col style=\"width:9%\"><col style=\"width:8%\"><col style=\"width:8%\"><col style=\"width:9%\"><col style=\"width:12%\"></colgroup>"
    );
    for pairs in &v.heads {
        out.push_str("<tr>");
        match pairs.as_slice() {
            [(label, value)] => {
                out.push_str(&td(label, "label", 1, 1));
                out.push_str(&td(value, "", 9, 1));
            }
            [(l1, v1), (l2, v2)] => {
                out.push_str(&td(l1, "label", 1, 1));
                out.push_str(&td(v1, "", 4, 1));
                out.push_str(&td(l2, "label", 1, 1));
                out.push_str(&td(v2, "", 4, 1));
            }
            _ => {}
        }
        out.push_str("</tr>\n");
    }
}

/// The budget block: 年初预算数, 全年预算数, 全年执行数, the execution rate and score.
fn budget_rows(out: &mut String, v: &FormView, notes: &mut Vec<String>) {
    // Budget.
    let _ = writeln!(
        out,
        "<tr>{}{}{}{}{}{}{}{}</tr>",
        td(v.budget_label, "label", 1, v.budget.len() + 1),
        th("", 1),
        th("年初预算数", 1),
        th("全年预算数", 1),
        th("全年执行数", 1),
        th("分值", 1),
        th("执行率", 1),
        th("得分", 3)
    );
    for line in &v.budget {
        let _ = writeln!(
            out,
            "<tr>{}{}{}{}{}{}{}</tr>",
            td(&line.label, "", 1, 1),
            td(&line.initial, "num", 1, 1),
            td(&line.adjusted, "num", 1, 1),
            td(&line.executed, "num", 1, 1),
            td(line.weight.as_deref().unwrap_or("-"), "num", 1, 1),
            figure_cell(&line.rate, "num", 1, notes),
            match &line.score {
                Some(s) => figure_cell(s, "num", 3, notes),
                None => td("-", "num", 3, 1),
            }
        );
    }
}

/// The scored sections (资金管理 …), the 年度总体目标 and the 年度主要任务.
fn section_rows(out: &mut String, v: &FormView, notes: &mut Vec<String>) {
    for section in &v.sections {
        let _ = writeln!(
            out,
            "<tr>{}{}{}{}{}{}</tr>",
            td(&section.name, "label", 1, section.lines.len() + 1),
            th("", 1),
            th("情况说明", 3),
            th("分值", 1),
            th("得分", 1),
            th("存在问题和改进措施", 3)
        );
        for line in &section.lines {
            let _ = writeln!(
                out,
                "<tr>{}{}{}{}{}</tr>",
                td(&line.name, "", 1, 1),
                td(&line.description, "", 3, 1),
                td(&line.weight, "num", 1, 1),
                figure_cell(&line.score, "num", 1, notes),
                td(&line.problems, "", 3, 1)
            );
        }
    }
    if let Some((expected, achieved)) = &v.objective {
        let _ = writeln!(
            out,
            "<tr>{}{}{}</tr>\n<tr>{}{}</tr>",
            td(v.objective_label, "label", 1, 2),
            th("预期目标", 4),
            th("实际完成情况", 5),
            td(expected, "", 4, 1),
            td(achieved, "", 5, 1)
        );
    }
    if !v.tasks.is_empty() {
        let _ = writeln!(
            out,
            "<tr>{}{}{}{}</tr>",
            td("年度主要任务", "label", 1, v.tasks.len() + 1),
            th("任务名称", 1),
            th("主要内容", 4),
            th("实际完成情况", 4)
        );
        for t in &v.tasks {
            let _ = writeln!(
                out,
                "<tr>{}{}{}</tr>",
                td(&t.name, "", 1, 1),
                td(&t.content, "", 4, 1),
                td(&t.achieved, "", 4, 1)
            );
        }
    }
}

/// The indicator rows, 一级/二级 merged over their rows.
fn indicator_rows(out: &mut String, v: &FormView, notes: &mut Vec<String>) {
    // Indicators, 一级/二级 merged over their rows.
    let headings: String = crate::form::columns::OFFICIAL
        .iter()
        .map(|label| th(label, 1))
        .collect();
    let _ = writeln!(
        out,
        "<tr>{}{headings}</tr>",
        td("绩效指标", "label", 1, v.indicators.len() + 1),
    );
    let runs1 = v.runs(1);
    let runs2 = v.runs(2);
    for (i, line) in v.indicators.iter().enumerate() {
        out.push_str("<tr>");
        if let Some(&(_, len)) = runs1.iter().find(|(s, _)| *s == i) {
            out.push_str(&td(&line.level1, "c", 1, len));
        }
        if let Some(&(_, len)) = runs2.iter().find(|(s, _)| *s == i) {
            out.push_str(&td(&line.level2, "c", 1, len));
        }
        if line.empty {
            out.push_str(&td("", "", 7, 1));
        } else {
            out.push_str(&td(&line.name, "", 1, 1));
            out.push_str(&td(&line.target, "c", 1, 1));
            out.push_str(&td(&line.actual, "c", 1, 1));
            out.push_str(&td(&line.weight, "num", 1, 1));
            out.push_str(&figure_cell(&line.score, "num", 1, notes));
            out.push_str(&figure_cell(&line.deviation, "num", 1, notes));
            if line.explanation_missing {
                notes.push(format!(
                    "{}：按评分规则需填写偏差原因 (the rules ask for a reason here)",
                    line.name
                ));
                let _ = write!(
                    out,
                    "<td class=\"missing\">{}<sup>{}</sup></td>",
                    escape(&line.explanation),
                    notes.len()
                );
            } else {
                out.push_str(&td(&line.explanation, "", 1, 1));
            }
        }
        out.push_str("</tr>\n");
    }
}

fn findings(out: &mut String, findings: &[FindingRow]) {
    if findings.is_empty() {
        out.push_str(
            "<p class=\"meta ok\">申报数与计算结果一致，未发现问题 (every claimed figure matches)</p>\n",
        );
        return;
    }
    out.push_str("<p class=\"meta\"><b>审核发现 (findings)</b></p>\n<ul class=\"findings\">\n");
    for f in findings {
        let severity = if f.severity == "error" {
            "错误"
        } else {
            "提示"
        };
        let _ = writeln!(
            out,
            "<li>[{severity}] {} <code>{}</code>：{}</li>",
            escape(&f.place),
            escape(&f.code),
            escape(&f.message)
        );
    }
    out.push_str("</ul>\n");
}
