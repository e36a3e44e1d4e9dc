//! Writing a gathered table as the text of a form file: the same TOML a person would write, each
//! value remembering the cell it came from.
//!
//! Nothing here reads or claims cells: by now the table has been gathered and its kind and year
//! decided.

use super::{
    BudgetRow, CellText, Decided, Gathered, ImportedForm, IndicatorRow, SectionRead, TableReader,
    row_text,
};
use crate::diag::Diagnostic;
use crate::form::emit::TomlText;
use crate::rules::FormKind;
use crate::xlsx::cells::cell_diagnostic;
use crate::xlsx::labels::*;

impl TableReader<'_, '_> {
    /// The form's text; refused when the budget header has no row of amounts under it.
    pub(super) fn write(&self, mut g: Gathered, d: Decided) -> Result<ImportedForm, Diagnostic> {
        let grid = self.grid();
        let document = self.sheet.document.to_string();
        let kind = d.kind;
        let sheet_name = grid.sheet.clone();
        let name = match kind {
            FormKind::Project => g.key(Key::Project).map(|v| v.text),
            FormKind::Department => g
                .key(Key::DepartmentName)
                .or(g.key(Key::Department))
                .map(|v| v.text),
        }
        .unwrap_or_default();
        let source_name = if self.many {
            format!(
                "{document}#{}",
                grid.range_place((self.start, 0), (self.start, 0))
            )
        } else {
            format!("{document}#{sheet_name}")
        };
        let mut t = TomlText::new();
        self.write_head(&mut t, &g, &d);
        self.write_budget(&mut t, &mut g, kind)?;
        write_objective_and_tasks(&mut t, &g, kind);
        t.comments(true);
        write_sections(&mut t, &g.sections);
        t.comments(true);
        write_indicators(&mut t, &g.indicators);
        t.comments(true);
        if g.total_score.is_some() || g.grade.is_some() {
            t.table("[total]", Some("总分"));
            if let Some(v) = &g.total_score {
                t.string("score", &v.text, Some("自评得分"), Some(&v.cell));
            }
            if let Some(v) = &g.grade {
                t.string("grade", &v.text, Some("等级"), Some(&v.cell));
            }
        }
        t.mark(0, &g.table_ref);
        let (toml, origins) = t.into_parts();
        Ok(ImportedForm {
            sheet: sheet_name,
            place: g.table_ref.place,
            name,
            kind,
            source_name,
            document,
            toml,
            origins,
            warnings: Vec::new(),
        })
    }

    /// Where the form came from, its kind, ruleset, year and title, and the names it gives.
    fn write_head(&self, t: &mut TomlText, g: &Gathered, d: &Decided) {
        t.comment(&format!(
            "由 jixiao import 从 {} 导入：{} (imported from a workbook)",
            self.sheet.document, g.table_ref.place
        ));
        t.string("kind", d.kind.name(), Some("表类型"), Some(&d.anchor));
        let ruleset = match &self.options.ruleset {
            Some(r) => Some((r.clone(), None)),
            None => g.key(Key::Ruleset).map(|v| (v.text.clone(), Some(v.cell))),
        };
        if let Some((ruleset, cell)) = &ruleset {
            t.string("ruleset", ruleset, Some("评分规则"), cell.as_ref());
        }
        t.integer(
            "year",
            i64::from(d.year),
            Some("年度"),
            d.year_cell.as_ref(),
        );
        if let Some(title) = &g.title {
            let shown = title.text.replace('\n', "");
            t.string("title", &shown, None, Some(&title.cell));
        }
        match d.kind {
            FormKind::Project => {
                if let Some(v) = g.key(Key::Project) {
                    t.string("project", &v.text, Some("项目名称"), Some(&v.cell));
                }
                if let Some(v) = g.key(Key::Department).or(g.key(Key::DepartmentName)) {
                    t.string("department", &v.text, Some("主管部门"), Some(&v.cell));
                }
                if let Some(v) = g.key(Key::Unit) {
                    t.string("unit", &v.text, Some("实施单位"), Some(&v.cell));
                }
            }
            FormKind::Department => {
                if let Some(v) = g.key(Key::DepartmentName).or(g.key(Key::Department)) {
                    t.string(
                        "department",
                        &v.text,
                        Some("部门（单位）名称"),
                        Some(&v.cell),
                    );
                }
                if let Some(v) = g.key(Key::Unit) {
                    t.string("unit", &v.text, Some("实施单位"), Some(&v.cell));
                }
            }
        }
    }

    /// [budget]: the total row, then the fund sources.
    fn write_budget(
        &self,
        t: &mut TomlText,
        g: &mut Gathered,
        kind: FormKind,
    ) -> Result<(), Diagnostic> {
        let grid = self.grid();
        let budget_rows = &mut g.budget_rows;
        let total_index = budget_rows
            .iter()
            .position(|r| {
                r.label.as_ref().is_some_and(|l| {
                    let n = norm(&l.text);
                    n.contains("总额") || n.contains("合计") || n.contains("总计")
                })
            })
            .unwrap_or(0);
        let columns = [Col::Initial, Col::Adjusted, Col::Executed]
            .map(|c| self.budget.is_some_and(|bh| bh.span(c).is_some()));
        if let Some(row) = budget_rows.get_mut(total_index) {
            if row.weight.is_none() {
                row.weight = g.execution.0.take();
            }
            if row.score.is_none() {
                row.score = g.execution.1.take();
            }
        }
        let budget_start = t.len();
        t.table(
            "[budget]",
            Some(match kind {
                FormKind::Project => "项目资金（万元）",
                FormKind::Department => "部门整体支出情况（万元）",
            }),
        );
        if let Some(v) = &g.money_unit {
            t.string("unit", &v.text, Some("金额单位"), Some(&v.cell));
        }
        match budget_rows.get(total_index) {
            Some(row) => {
                let start = t.len();
                budget_fields(t, row, true, columns);
                if let Some(r) = &row.row_ref {
                    t.mark(start, r);
                }
            }
            None => {
                let place = self.budget.map_or(g.table_ref.place.clone(), |bh| {
                    grid.place(bh.row, bh.first_col())
                });
                return Err(cell_diagnostic(
                    self.sheet.document,
                    &place,
                    &self
                        .budget
                        .map(|bh| row_text(grid, bh.row))
                        .unwrap_or_default(),
                    "xlsx::no-budget",
                    "预算表头下没有金额行 (no row of amounts under the budget header)",
                ));
            }
        }
        for (i, row) in budget_rows.iter().enumerate() {
            if i == total_index {
                continue;
            }
            let start = t.len();
            let first = i == usize::from(total_index == 0);
            t.table("[[budget.sources]]", Some("资金来源"));
            let label = row.label.as_ref();
            let name = label.map(|l| source_name_of(&l.text)).unwrap_or_default();
            t.string("name", &name, None, label.map(|l| &l.cell));
            t.comments(first);
            budget_fields(t, row, false, columns);
            t.comments(true);
            if let Some(r) = &row.row_ref {
                t.mark(start, r);
            }
        }
        if let Some(bh) = self.budget {
            let header = self.row_ref(bh.row);
            t.mark(budget_start, &header);
        }
        Ok(())
    }
}

/// [objective] and [[tasks]].
fn write_objective_and_tasks(t: &mut TomlText, g: &Gathered, kind: FormKind) {
    let objective = &g.objective;
    if objective.0.is_some() || objective.1.is_some() {
        t.table(
            "[objective]",
            Some(match kind {
                FormKind::Project => "年度总体目标",
                FormKind::Department => "年度履职目标",
            }),
        );
        if let Some(v) = &objective.0 {
            t.string("expected", &v.text, Some("预期目标"), Some(&v.cell));
        }
        if let Some(v) = &objective.1 {
            t.string("achieved", &v.text, Some("实际完成情况"), Some(&v.cell));
        }
    }
    for (i, (name, content, achieved, row_ref)) in g.tasks.iter().enumerate() {
        t.comments(i == 0);
        let start = t.len();
        t.table("[[tasks]]", Some("年度主要任务"));
        t.string(
            "name",
            name.as_ref().map_or("", |v| v.text.as_str()),
            Some("任务名称"),
            name.as_ref().map(|v| &v.cell),
        );
        if let Some(v) = content {
            t.string("content", &v.text, Some("主要内容"), Some(&v.cell));
        }
        if let Some(v) = achieved {
            t.string("achieved", &v.text, Some("实际完成情况"), Some(&v.cell));
        }
        t.mark(start, row_ref);
    }
}

/// [[sections]] with their [[sections.items]].
fn write_sections(t: &mut TomlText, sections: &[SectionRead]) {
    for section in sections {
        t.comments(true);
        t.table("[[sections]]", None);
        let name = section
            .name
            .as_ref()
            .map_or("资金管理情况".to_string(), |v| {
                v.text.replace('\n', "")
            });
        t.string("name", &name, None, section.name.as_ref().map(|v| &v.cell));
        for (i, (item, row_ref)) in section.items.iter().zip(&section.rows).enumerate() {
            t.comments(i == 0);
            let start = t.len();
            t.table("[[sections.items]]", None);
            let [name, description, weight, score, problems] = item;
            t.string(
                "name",
                name.as_ref().map_or("", |v| v.text.as_str()),
                None,
                name.as_ref().map(|v| &v.cell),
            );
            if let Some(v) = description {
                t.string("description", &v.text, Some("情况说明"), Some(&v.cell));
            }
            match weight {
                Some(v) => t.string("weight", &v.text, Some("分值"), Some(&v.cell)),
                None => t.string("weight", "", Some("分值"), Some(row_ref)),
            }
            if let Some(v) = score.as_ref().filter(|v| !is_placeholder(&v.text)) {
                t.string("score", &v.text, Some("得分"), Some(&v.cell));
            }
            t.string(
                "problems",
                problems.as_ref().map_or("", |v| v.text.as_str()),
                Some("存在问题和改进措施"),
                problems.as_ref().map(|v| &v.cell),
            );
            t.mark(start, row_ref);
        }
    }
}

/// [[indicators]], each with the columns kept as printed.
fn write_indicators(t: &mut TomlText, indicators: &[IndicatorRow]) {
    for (i, row) in indicators.iter().enumerate() {
        t.comments(i == 0);
        let start = t.len();
        t.table("[[indicators]]", None);
        let text = |v: &Option<CellText>| v.as_ref().map_or(String::new(), |v| v.text.clone());
        let cell = |v: &Option<CellText>| v.as_ref().map(|v| v.cell.clone());
        t.string(
            "level1",
            &text(&row.level1),
            Some("一级指标"),
            cell(&row.level1).as_ref(),
        );
        t.string(
            "level2",
            &text(&row.level2),
            Some("二级指标"),
            cell(&row.level2).as_ref(),
        );
        let has_figures = row.name.is_some()
            || row.target.is_some()
            || row.actual.is_some()
            || row.weight.is_some()
            || row.score.is_some();
        if has_figures {
            t.string(
                "name",
                &text(&row.name),
                Some("三级指标"),
                cell(&row.name).as_ref(),
            );
            for (key, value, comment) in [
                ("direction", &row.direction, "指标性质"),
                ("target", &row.target, "年度指标值"),
                ("unit", &row.unit, "度量单位"),
                ("actual", &row.actual, "实际完成值"),
            ] {
                if let Some(v) = value {
                    t.string(key, &v.text, Some(comment), Some(&v.cell));
                }
            }
            for (key, value, comment) in [
                ("weight", &row.weight, "分值"),
                ("score", &row.score, "得分"),
                ("deviation", &row.deviation, "偏差度"),
            ] {
                if let Some(v) = value.as_ref().filter(|v| !is_placeholder(&v.text)) {
                    t.string(key, &v.text, Some(comment), Some(&v.cell));
                }
            }
            t.string(
                "explanation",
                &text(&row.explanation),
                Some("偏差原因分析及改进措施"),
                cell(&row.explanation).as_ref(),
            );
        }
        if !row.extra.is_empty() {
            t.table(
                "[indicators.extra]",
                Some("其他列 (other columns, as printed)"),
            );
            for (header, v) in &row.extra {
                t.string(
                    &crate::form::emit::quote(header),
                    &v.text,
                    None,
                    Some(&v.cell),
                );
            }
        }
        if let Some(r) = &row.row_ref {
            t.mark(start, r);
        }
    }
}

fn budget_fields(t: &mut TomlText, row: &BudgetRow, total: bool, columns: [bool; 3]) {
    for ((key, value, comment), printed) in [
        ("initial", &row.initial, "年初预算数"),
        ("adjusted", &row.adjusted, "全年预算数"),
        ("executed", &row.executed, "全年执行数"),
    ]
    .into_iter()
    .zip(columns)
    {
        match value {
            Some(v) => t.string(key, &v.text, Some(comment), Some(&v.cell)),
            // Left blank: the form loader names what is missing, at this row. A column the
            // layout does not print (no 年初预算数) is left out.
            None if printed => t.string(key, "", Some(comment), row.row_ref.as_ref()),
            None => {}
        }
    }
    let optional: &[(&str, &Option<CellText>, &str)] = if total {
        &[
            ("weight", &row.weight, "分值"),
            ("rate", &row.rate, "执行率"),
            ("score", &row.score, "得分"),
        ]
    } else {
        &[("rate", &row.rate, "执行率")]
    };
    for (key, value, comment) in optional {
        if let Some(v) = value.as_ref().filter(|v| !is_placeholder(&v.text)) {
            t.string(key, &v.text, Some(comment), Some(&v.cell));
        }
    }
}

/// `资金来源：（1）政府预算资金` → `政府预算资金`.
fn source_name_of(label: &str) -> String {
    let mut s = label.trim();
    for prefix in ["资金来源：", "资金来源:", "其中：", "其中:"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim();
        }
    }
    // Numbering: （1） (1) 1. 1、 ①
    let numbered = ['（', '('];
    if s.starts_with(numbered) {
        if let Some(close) = s.find(['）', ')']) {
            let inner = &s[s.chars().next().map_or(0, char::len_utf8)..close];
            if inner
                .chars()
                .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
            {
                s = s[close..].trim_start_matches(['）', ')']).trim();
            }
        }
    } else {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let rest = &s[digits.len()..];
            if let Some(r) = rest.strip_prefix(['.', '、', '．']) {
                s = r.trim();
            }
        }
    }
    s.trim_end_matches(['：', ':']).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_lose_their_numbering() {
        assert_eq!(
            source_name_of("资金来源：（1）政府预算资金"),
            "政府预算资金"
        );
        assert_eq!(
            source_name_of("     （2）财政专户管理资金"),
            "财政专户管理资金"
        );
        assert_eq!(source_name_of("政府性预算资金"), "政府性预算资金");
        assert_eq!(source_name_of("1、单位资金："), "单位资金");
    }
}
