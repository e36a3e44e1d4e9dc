//! Scored forms written back in the official layout: one sheet per form (merged 一级/二级 cells,
//! the budget block, the indicator rows and the total, with the computed 得分 and 偏差度), and a
//! summary sheet with the results and the findings.
//!
//! Numbers are written as numbers, with a number format that shows them as the form writes them
//! (`2`, `0.00%`, `45.18`), so that importing the workbook gives the form back. A computed figure
//! that differs from the claimed one is highlighted and carries a note with both.

use crate::diag::Diagnostic;
use crate::report::layout::{Figure, FindingRow, FormView};
use crate::xlsx::cells::sheet_ref;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};
use std::collections::HashSet;
use std::str::FromStr;

/// The title of the summary sheet; the importer knows it and skips the sheet.
pub const SUMMARY_TITLE: &str = "绩效自评结果汇总";
const SUMMARY_SHEET: &str = "汇总";
const COLUMNS: u16 = 10;
const LAST: u16 = COLUMNS - 1;

fn xlsx_error(e: &XlsxError) -> Diagnostic {
    Diagnostic::error(
        "output::xlsx",
        format!("无法生成工作簿 (cannot build the workbook): {e}"),
    )
}

/// The workbook, as bytes to write.
pub fn export(views: &[FormView], findings: &[FindingRow]) -> Result<Vec<u8>, Diagnostic> {
    build(views, findings).map_err(|e| xlsx_error(&e))
}

fn build(views: &[FormView], findings: &[FindingRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let styles = Styles::new();
    let names = sheet_names(views);
    summary(workbook.add_worksheet(), &styles, views, &names, findings)?;
    for (view, name) in views.iter().zip(&names) {
        let ws = workbook.add_worksheet();
        ws.set_name(name)?;
        FormSheet {
            ws,
            styles: &styles,
            row: 0,
        }
        .write(view)?;
    }
    workbook.save_to_buffer()
}

/// Sheet names: the form's name, cut to Excel's 31 UTF-16 units (an emoji is two), without the
/// characters Excel refuses (`[]:*?/\\`, control characters, a leading or trailing `'`),
/// unique whatever the case. A name Excel would refuse aborted the whole export.
fn sheet_names(views: &[FormView]) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::from([SUMMARY_SHEET.to_lowercase()]);
    views
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let clean: String = v
                .name
                .chars()
                .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
                .filter(|c| !c.is_control())
                .collect();
            let clean = trim_name(&clean);
            let base = if clean.is_empty() {
                format!("表{}", i + 1)
            } else {
                clean
            };
            let mut name = fit(&base, "");
            let mut n = 2;
            while taken.contains(&name.to_lowercase()) {
                name = fit(&base, &format!("({n})"));
                n += 1;
            }
            taken.insert(name.to_lowercase());
            name
        })
        .collect()
}

/// Excel's limit on a sheet name, in UTF-16 units.
const SHEET_NAME_UNITS: usize = 31;

fn trim_name(name: &str) -> String {
    name.trim().trim_matches('\'').trim().to_string()
}

/// `base` cut so that it and `suffix` fit in 31 UTF-16 units, never ending in `'`.
fn fit(base: &str, suffix: &str) -> String {
    let room = SHEET_NAME_UNITS.saturating_sub(suffix.encode_utf16().count());
    let mut used = 0;
    let cut: String = base
        .chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= room
        })
        .collect();
    let mut name = trim_name(&cut);
    if name.is_empty() {
        name = "表".into();
    }
    name + suffix
}

/// Text for a cell: control characters (which XML 1.0 cannot hold, and which would make the
/// written file not well-formed) shown as visible escapes; line breaks and tabs kept.
fn cell_text(text: &str) -> String {
    crate::diag::visible_text(text).into_owned()
}

struct Styles {
    title: Format,
    subtitle: Format,
    header: Format,
    label: Format,
    text: Format,
    center: Format,
    flagged: Color,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter)
            .set_font_size(10);
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new()
                .set_font_size(11)
                .set_align(FormatAlign::Center),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xF2F2F2)),
            label: cell.clone().set_bold().set_align(FormatAlign::Center),
            center: cell.clone().set_align(FormatAlign::Center),
            text: cell,
            flagged: Color::RGB(0xFFC7CE),
        }
    }
}

/// A number as the form writes it: its value, and the format that shows it that way.
fn shown_number(text: &str) -> Option<(f64, String)> {
    let trimmed = text.trim();
    let (digits, percent) = match trimmed.strip_suffix('%') {
        Some(d) => (d.trim(), true),
        None => (trimmed, false),
    };
    if digits.is_empty() || digits.contains(',') {
        return None;
    }
    let d = Decimal::from_str(digits).ok()?;
    let scale = d.scale();
    let value = if percent {
        d.checked_div(Decimal::ONE_HUNDRED)?
    } else {
        d
    };
    let number = f64::from_str(&value.to_string()).ok()?;
    let mut format = if scale == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(scale as usize))
    };
    if percent {
        format.push('%');
    }
    Some((number, format))
}

struct FormSheet<'a> {
    ws: &'a mut Worksheet,
    styles: &'a Styles,
    row: u32,
}

impl FormSheet<'_> {
    fn merge(
        &mut self,
        r0: u32,
        c0: u16,
        r1: u32,
        c1: u16,
        text: &str,
        f: &Format,
    ) -> Result<(), XlsxError> {
        if r0 == r1 && c0 == c1 {
            self.ws
                .write_string_with_format(r0, c0, cell_text(text), f)?;
        } else {
            self.ws.merge_range(r0, c0, r1, c1, &cell_text(text), f)?;
        }
        Ok(())
    }

    /// A figure (a number, or text such as `-`), spanning columns c0..=c1, flagged if it differs.
    fn figure(&mut self, row: u32, c0: u16, c1: u16, figure: &Figure) -> Result<(), XlsxError> {
        let base = if figure.differs_from.is_some() {
            self.styles
                .center
                .clone()
                .set_background_color(self.styles.flagged)
                .set_bold()
        } else {
            self.styles.center.clone()
        };
        self.number_or_text(row, c0, c1, &figure.text, &base)?;
        if let Some(note) = figure.note() {
            let note = Note::new(cell_text(&note))
                .set_author("jixiao")
                .add_author_prefix(false)
                .set_width(320)
                .set_height(120);
            self.ws.insert_note(row, c0, &note)?;
        }
        Ok(())
    }

    fn number_or_text(
        &mut self,
        row: u32,
        c0: u16,
        c1: u16,
        text: &str,
        base: &Format,
    ) -> Result<(), XlsxError> {
        if c1 > c0 {
            self.ws.merge_range(row, c0, row, c1, "", base)?;
        }
        match shown_number(text) {
            Some((number, format)) => {
                let f = base.clone().set_num_format(format);
                self.ws.write_number_with_format(row, c0, number, &f)?;
            }
            None => {
                self.ws
                    .write_string_with_format(row, c0, cell_text(text), base)?;
            }
        }
        Ok(())
    }

    fn write(mut self, v: &FormView) -> Result<(), XlsxError> {
        self.page_and_heading(v)?;
        self.budget_block(v)?;
        self.section_blocks(v)?;
        let bottom = self.indicator_block(v)?;
        let s = self.styles;
        let r = bottom + 1;
        self.merge(r, 0, r, 5, "总分", &s.label)?;
        self.number_or_text(r, 6, 6, &v.total_weight.to_string(), &s.center)?;
        self.figure(r, 7, 7, &v.total)?;
        self.ws
            .write_string_with_format(r, 8, cell_text("等级"), &s.label)?;
        self.figure(r, 9, 9, &v.grade)?;
        let r = r + 1;
        self.ws
            .write_string_with_format(r, 0, cell_text("评分规则"), &s.label)?;
        self.merge(r, 1, r, 3, &v.ruleset, &s.text)?;
        self.ws.set_print_area(0, 0, r, LAST)?;
        Ok(())
    }

    /// Column widths, the printed page, the title, the year and the head rows (项目名称 …).
    fn page_and_heading(&mut self, v: &FormView) -> Result<(), XlsxError> {
        let s = self.styles;
        for (col, width) in [10.0, 14.0, 14.0, 24.0, 12.0, 12.0, 8.0, 9.0, 10.0, 22.0]
            .into_iter()
            .enumerate()
        {
            self.ws.set_column_width(col as u16, width)?;
        }
        self.ws.set_paper_size(9);
        self.ws.set_portrait();
        self.ws.set_print_fit_to_pages(1, 0);
        self.ws.set_print_center_horizontally(true);
        self.ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);

        self.ws.set_row_height(0, 28)?;
        self.merge(0, 0, 0, LAST, &v.title, &s.title)?;
        self.merge(1, 0, 1, LAST, &format!("（{}年度）", v.year), &s.subtitle)?;
        self.row = 2;
        for pairs in &v.heads {
            let r = self.row;
            match pairs.as_slice() {
                [(label, value)] => {
                    self.ws
                        .write_string_with_format(r, 0, cell_text(label), &s.label)?;
                    self.merge(r, 1, r, LAST, value, &s.text)?;
                }
                [(l1, v1), (l2, v2)] => {
                    self.ws
                        .write_string_with_format(r, 0, cell_text(l1), &s.label)?;
                    self.merge(r, 1, r, 4, v1, &s.text)?;
                    self.ws
                        .write_string_with_format(r, 5, cell_text(l2), &s.label)?;
                    self.merge(r, 6, r, LAST, v2, &s.text)?;
                }
                _ => {}
            }
            self.row += 1;
        }

        Ok(())
    }

    fn budget_block(&mut self, v: &FormView) -> Result<(), XlsxError> {
        let s = self.styles;
        // The budget block: label column merged down over the header and every row.
        let top = self.row;
        let bottom = top + v.budget.len() as u32;
        self.merge(top, 0, bottom, 0, v.budget_label, &s.label)?;
        self.ws
            .write_string_with_format(top, 1, cell_text(""), &s.header)?;
        for (col, text) in ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率 %"]
            .into_iter()
            .enumerate()
        {
            self.ws
                .write_string_with_format(top, 2 + col as u16, cell_text(text), &s.header)?;
        }
        self.merge(top, 7, top, LAST, "得分", &s.header)?;
        for (i, line) in v.budget.iter().enumerate() {
            let r = top + 1 + i as u32;
            self.ws
                .write_string_with_format(r, 1, cell_text(&line.label), &s.text)?;
            self.number_or_text(r, 2, 2, &line.initial, &s.center)?;
            self.number_or_text(r, 3, 3, &line.adjusted, &s.center)?;
            self.number_or_text(r, 4, 4, &line.executed, &s.center)?;
            self.number_or_text(r, 5, 5, line.weight.as_deref().unwrap_or("-"), &s.center)?;
            self.figure(r, 6, 6, &line.rate)?;
            match &line.score {
                Some(score) => self.figure(r, 7, LAST, score)?,
                None => self.number_or_text(r, 7, LAST, "-", &s.center)?,
            }
        }
        self.row = bottom + 1;

        Ok(())
    }

    /// The scored sections (资金管理 …), the 年度总体目标 and the 年度主要任务.
    fn section_blocks(&mut self, v: &FormView) -> Result<(), XlsxError> {
        let s = self.styles;
        for section in &v.sections {
            let top = self.row;
            let bottom = top + section.lines.len() as u32;
            self.merge(top, 0, bottom, 0, &section.name, &s.label)?;
            self.ws
                .write_string_with_format(top, 1, cell_text(""), &s.header)?;
            self.merge(top, 2, top, 4, "情况说明", &s.header)?;
            self.ws
                .write_string_with_format(top, 5, cell_text("分值"), &s.header)?;
            self.ws
                .write_string_with_format(top, 6, cell_text("得分"), &s.header)?;
            self.merge(top, 7, top, LAST, "存在问题和改进措施", &s.header)?;
            for (i, line) in section.lines.iter().enumerate() {
                let r = top + 1 + i as u32;
                self.ws
                    .write_string_with_format(r, 1, cell_text(&line.name), &s.text)?;
                self.merge(r, 2, r, 4, &line.description, &s.text)?;
                self.number_or_text(r, 5, 5, &line.weight, &s.center)?;
                self.figure(r, 6, 6, &line.score)?;
                self.merge(r, 7, r, LAST, &line.problems, &s.text)?;
                self.ws.set_row_height(r, 30)?;
            }
            self.row = bottom + 1;
        }

        if let Some((expected, achieved)) = &v.objective {
            let top = self.row;
            self.merge(top, 0, top + 1, 0, v.objective_label, &s.label)?;
            self.merge(top, 1, top, 4, "预期目标", &s.header)?;
            self.merge(top, 5, top, LAST, "实际完成情况", &s.header)?;
            self.merge(top + 1, 1, top + 1, 4, expected, &s.text)?;
            self.merge(top + 1, 5, top + 1, LAST, achieved, &s.text)?;
            let longest = expected.chars().count().max(achieved.chars().count());
            self.ws
                .set_row_height(top + 1, (15 * (1 + longest / 40)).min(400) as f64)?;
            self.row = top + 2;
        }

        if !v.tasks.is_empty() {
            let top = self.row;
            let bottom = top + v.tasks.len() as u32;
            self.merge(top, 0, bottom, 0, "年度主要任务", &s.label)?;
            self.ws
                .write_string_with_format(top, 1, cell_text("任务名称"), &s.header)?;
            self.merge(top, 2, top, 5, "主要内容", &s.header)?;
            self.merge(top, 6, top, LAST, "实际完成情况", &s.header)?;
            for (i, task) in v.tasks.iter().enumerate() {
                let r = top + 1 + i as u32;
                self.ws
                    .write_string_with_format(r, 1, cell_text(&task.name), &s.text)?;
                self.merge(r, 2, r, 5, &task.content, &s.text)?;
                self.merge(r, 6, r, LAST, &task.achieved, &s.text)?;
                let longest = task
                    .content
                    .chars()
                    .count()
                    .max(task.achieved.chars().count());
                self.ws
                    .set_row_height(r, (15 * (1 + longest / 30)).min(400) as f64)?;
            }
            self.row = bottom + 1;
        }

        Ok(())
    }

    /// The indicator table, 一级/二级 merged over their rows; returns its last row.
    fn indicator_block(&mut self, v: &FormView) -> Result<u32, XlsxError> {
        let s = self.styles;
        // The indicator table.
        let top = self.row;
        let bottom = top + v.indicators.len() as u32;
        self.merge(top, 0, bottom, 0, "绩效指标", &s.label)?;
        // The deviations are written as numbers in percent, and the heading says so.
        let headings = crate::form::columns::OFFICIAL.map(|label| match label {
            crate::form::columns::DEVIATION => "偏差度 %",
            label => label,
        });
        for (col, text) in headings.into_iter().enumerate() {
            self.ws
                .write_string_with_format(top, 1 + col as u16, cell_text(text), &s.header)?;
        }
        for (level, col) in [(1, 1u16), (2, 2u16)] {
            for (start, len) in v.runs(level) {
                // `runs` gives indices into `v.indicators`, each run at least one line long.
                let line = &v.indicators[start];
                let text = if level == 1 {
                    &line.level1
                } else {
                    &line.level2
                };
                let r0 = top + 1 + start as u32;
                self.merge(r0, col, r0 + len as u32 - 1, col, text, &s.center)?;
            }
        }
        for (i, line) in v.indicators.iter().enumerate() {
            let r = top + 1 + i as u32;
            if line.empty {
                for col in 3..=LAST {
                    self.ws.write_blank(r, col, &s.text)?;
                }
                continue;
            }
            self.ws
                .write_string_with_format(r, 3, cell_text(&line.name), &s.text)?;
            self.ws
                .write_string_with_format(r, 4, cell_text(&line.target), &s.center)?;
            self.ws
                .write_string_with_format(r, 5, cell_text(&line.actual), &s.center)?;
            self.number_or_text(r, 6, 6, &line.weight, &s.center)?;
            self.figure(r, 7, 7, &line.score)?;
            self.figure(r, 8, 8, &line.deviation)?;
            let explanation = if line.explanation_missing {
                s.text.clone().set_background_color(s.flagged)
            } else {
                s.text.clone()
            };
            self.ws
                .write_string_with_format(r, 9, cell_text(&line.explanation), &explanation)?;
            if line.explanation_missing {
                let note = Note::new("按评分规则需填写偏差原因 (the rules ask for a reason here)")
                    .set_author("jixiao")
                    .add_author_prefix(false);
                self.ws.insert_note(r, 9, &note)?;
            }
        }
        Ok(bottom)
    }
}

fn summary(
    ws: &mut Worksheet,
    styles: &Styles,
    views: &[FormView],
    names: &[String],
    findings: &[FindingRow],
) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY_SHEET)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    let widths = [
        6.0, 22.0, 30.0, 9.0, 7.0, 16.0, 10.0, 10.0, 7.0, 9.0, 9.0, 40.0,
    ];
    for (col, width) in widths.into_iter().enumerate() {
        ws.set_column_width(col as u16, width)?;
    }
    let last = (widths.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, SUMMARY_TITLE, &styles.title)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        "自评得分、等级按评分规则计算；与申报数不同的单元格在各表中以红色标出，并附批注 (computed by the rules; cells whose claim differs are highlighted and carry a note)",
        &styles.subtitle,
    )?;
    let header = [
        "序号",
        "工作表",
        "名称",
        "表类型",
        "年度",
        "评分规则",
        "自评得分",
        "申报得分",
        "等级",
        "申报等级",
        "不一致处",
        "文件",
    ];
    for (col, text) in header.into_iter().enumerate() {
        ws.write_string_with_format(3, col as u16, cell_text(text), &styles.header)?;
    }
    for (i, (v, name)) in views.iter().zip(names).enumerate() {
        let r = 4 + i as u32;
        let differing = v.differing();
        let flagged = |f: &Format| {
            if differing > 0 {
                f.clone().set_background_color(styles.flagged)
            } else {
                f.clone()
            }
        };
        ws.write_number_with_format(r, 0, (i + 1) as f64, &styles.center)?;
        let link =
            rust_xlsxwriter::Url::new(format!("internal:{}!A1", sheet_ref(name))).set_text(name);
        ws.write_url_with_format(r, 1, link, &styles.text)?;
        ws.write_string_with_format(r, 2, cell_text(&v.name), &styles.text)?;
        ws.write_string_with_format(r, 3, cell_text(v.kind.name()), &styles.center)?;
        ws.write_number_with_format(r, 4, f64::from(v.year), &styles.center)?;
        ws.write_string_with_format(r, 5, cell_text(&v.ruleset), &styles.center)?;
        ws.write_string_with_format(r, 6, cell_text(&v.total.text), &styles.center)?;
        let claimed_total = v
            .total
            .differs_from
            .clone()
            .unwrap_or_else(|| v.total.text.clone());
        ws.write_string_with_format(r, 7, cell_text(&claimed_total), &styles.center)?;
        ws.write_string_with_format(r, 8, cell_text(&v.grade.text), &styles.center)?;
        let claimed_grade = v
            .grade
            .differs_from
            .clone()
            .unwrap_or_else(|| v.grade.text.clone());
        ws.write_string_with_format(r, 9, cell_text(&claimed_grade), &styles.center)?;
        ws.write_number_with_format(r, 10, differing as f64, &flagged(&styles.center))?;
        ws.write_string_with_format(r, 11, cell_text(&v.file), &styles.text)?;
    }
    summary_findings(ws, styles, 4 + views.len() as u32 + 1, last, findings)?;
    ws.set_active(true);
    Ok(())
}

/// The findings list under the summary table, from row `r`.
fn summary_findings(
    ws: &mut Worksheet,
    styles: &Styles,
    mut r: u32,
    last: u16,
    findings: &[FindingRow],
) -> Result<(), XlsxError> {
    ws.merge_range(r, 0, r, last, "审核发现 (findings)", &styles.label)?;
    r += 1;
    for (col, text) in ["序号", "表格", "名称", "级别", "代码", "位置", "说明"]
        .into_iter()
        .enumerate()
    {
        let c = col as u16;
        if c == 6 {
            ws.merge_range(r, 6, r, last, &cell_text(text), &styles.header)?;
        } else {
            ws.write_string_with_format(r, c, cell_text(text), &styles.header)?;
        }
    }
    if findings.is_empty() {
        r += 1;
        ws.merge_range(
            r,
            0,
            r,
            last,
            "无 (none): 申报数与计算结果一致",
            &styles.center,
        )?;
    }
    for (i, f) in findings.iter().enumerate() {
        r += 1;
        let severity = match f.severity.as_str() {
            "error" => "错误",
            "warning" => "提示",
            other => other,
        };
        ws.write_number_with_format(r, 0, (i + 1) as f64, &styles.center)?;
        ws.write_string_with_format(r, 1, cell_text(&f.file), &styles.text)?;
        ws.write_string_with_format(r, 2, cell_text(&f.form), &styles.text)?;
        ws.write_string_with_format(r, 3, cell_text(severity), &styles.center)?;
        ws.write_string_with_format(r, 4, cell_text(&f.code), &styles.text)?;
        ws.write_string_with_format(r, 5, cell_text(&f.place), &styles.text)?;
        ws.merge_range(r, 6, r, last, &f.message, &styles.text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_the_way_they_are_written() {
        assert_eq!(shown_number("2"), Some((2.0, "0".into())));
        assert_eq!(shown_number("4.52"), Some((4.52, "0.00".into())));
        assert_eq!(shown_number("0.00%"), Some((0.0, "0.00%".into())));
        assert_eq!(shown_number("45.18%"), Some((0.4518, "0.00%".into())));
        assert_eq!(shown_number("1157.5"), Some((1157.5, "0.0".into())));
        assert_eq!(shown_number("-"), None);
        assert_eq!(shown_number("不适用"), None);
    }
}
