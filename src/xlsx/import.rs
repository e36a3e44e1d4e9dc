//! Reading 自评表 out of worksheets.
//!
//! Tables are found by their header cells (年初预算数, 三级指标, 分值 …), never by fixed
//! addresses, so columns may come in another order, extra columns and blank rows may appear,
//! and several forms may share a sheet. Merged cells are followed: a 一级指标 merged over six
//! rows belongs to each of them. Both layouts of the reference document are understood: the
//! 项目 form (项目名称, 主管部门, 资金管理情况 …) and the 部门整体 form (部门（单位）名称, 年度主要任务 …).
//!
//! Each table becomes the text of a form file, the same TOML a person would write, in which every
//! value remembers its cell: errors found later point at `Sheet1!D14`, not at invisible lines.
//! Every filled cell that could not be placed is reported with its address.

use super::cells::{Cell, Grid, Workbook, cell_diagnostic};
use super::labels::*;
use crate::diag::{Diagnostic, Origin, Severity, SourceFile};
use crate::form::emit::{CellRef, TomlText};
use crate::form::{self, Form};
use crate::rules::FormKind;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The year, for tables that do not state it (`--year`).
    pub year: Option<i32>,
    /// The ruleset to name in every form (`--rules`), instead of the one a table names.
    pub ruleset: Option<String>,
}

/// One table read from a workbook, as form-file text.
#[derive(Debug, Clone)]
pub struct ImportedForm {
    pub sheet: String,
    /// The cells the table covers: `Sheet1!A1:J40`.
    pub place: String,
    /// 项目名称 or 部门名称.
    pub name: String,
    pub kind: FormKind,
    /// How the form is named in messages and score sheets: `s.xlsx#Sheet1`.
    pub source_name: String,
    /// The workbook.
    pub document: String,
    pub toml: String,
    pub origins: Vec<Origin>,
    /// Cells of this table that could not be placed.
    pub warnings: Vec<Diagnostic>,
}

impl ImportedForm {
    /// The TOML text as a source file whose diagnostics point at cells.
    pub fn source(&self) -> Arc<SourceFile> {
        SourceFile::generated(
            &self.source_name,
            self.toml.clone(),
            &self.document,
            self.origins.clone(),
        )
    }

    /// Load the form; errors point at the cells.
    pub fn load(&self) -> Result<Form, Vec<Diagnostic>> {
        form::load_source(self.source())
    }
}

/// Everything read from a workbook: the tables (each one a form, or the errors that kept it from
/// being one), and warnings about the rest.
#[derive(Debug, Default)]
pub struct Import {
    pub forms: Vec<Result<ImportedForm, Vec<Diagnostic>>>,
    pub warnings: Vec<Diagnostic>,
}

pub fn import_workbook(workbook: &Workbook, options: &ImportOptions) -> Import {
    let mut import = Import {
        warnings: workbook.notes.clone(),
        ..Import::default()
    };
    for grid in &workbook.sheets {
        import_sheet(&workbook.name, grid, options, &mut import);
    }
    import
}

fn warning(mut d: Diagnostic) -> Diagnostic {
    d.severity = Severity::Warning;
    d
}

// ---------------------------------------------------------------------------------------------
// One sheet

struct Sheet<'a> {
    document: &'a str,
    grid: &'a Grid,
    used: HashSet<(u32, u32)>,
}

/// Header rows (budget, indicator, section, task, objective) one sheet may hold: four per form
/// for 50 forms on one sheet.
pub const MAX_HEADER_ROWS: usize = 200;

fn import_sheet(document: &str, grid: &Grid, options: &ImportOptions, import: &mut Import) {
    let rows = grid.rows();
    if rows.is_empty() {
        return;
    }
    // The summary sheet `jixiao export` writes beside the forms.
    if grid
        .get(0, 0)
        .is_some_and(|c| c.text == crate::report::xlsx::SUMMARY_TITLE)
    {
        return;
    }
    // A header printed on two rows is found from either row: kept once.
    let mut headers: Vec<Header> = Vec::new();
    for header in rows.iter().filter_map(|&r| classify_header(grid, r)) {
        if headers
            .last()
            .is_some_and(|h: &Header| header.first_row <= h.last_row && h.block == header.block)
        {
            continue;
        }
        headers.push(header);
        if headers.len() > MAX_HEADER_ROWS {
            break;
        }
    }
    if let Some(extra) = headers.get(MAX_HEADER_ROWS) {
        // Splitting a sheet into tables compares header rows with rows: bounded here, so that
        // 100,000 rows of `三级指标 | 指标值` (815 KB) are refused at once, not in 600 s.
        let place = grid.place(extra.row, extra.first_col());
        import.forms.push(Err(vec![cell_diagnostic(
            document,
            &place,
            &row_text(grid, extra.row),
            "input::too-large",
            format!(
                "工作表「{}」的表头行过多 (more than {MAX_HEADER_ROWS} header rows in sheet {}: no workbook of forms has so many tables)",
                grid.sheet, grid.sheet
            ),
        )]));
        return;
    }
    let indicator_headers: Vec<&Header> = headers
        .iter()
        .filter(|h| h.block == TableBlock::Indicators)
        .collect();
    let budget_headers: Vec<&Header> = headers
        .iter()
        .filter(|h| h.block == TableBlock::Budget)
        .collect();
    let mut sheet = Sheet {
        document,
        grid,
        // Nearly every filled cell is read: reserved once rather than rehashed as it grows.
        used: HashSet::with_capacity(grid.cells.len()),
    };
    if indicator_headers.is_empty() && budget_headers.is_empty() {
        import.warnings.push(warning(Diagnostic::error(
            "xlsx::no-form",
            format!(
                "工作表「{}」中没有找到自评表 ({} filled cells; no header row with 年初预算数 / 三级指标 was found in sheet {}): {}",
                grid.sheet,
                grid.cells.len(),
                grid.sheet,
                document
            ),
        )));
        return;
    }
    let last_row = rows.last().copied().unwrap_or(0);

    // Pair each indicator header with the budget header before it; find where each form ends.
    struct Segment {
        budget: Option<usize>,
        indicators: usize,
        total: Option<u32>,
    }
    let mut segments: Vec<Segment> = Vec::new();
    let mut paired_budgets = HashSet::new();
    let mut previous_row = 0u32;
    for (i, ih) in indicator_headers.iter().enumerate() {
        let budget = budget_headers
            .iter()
            .rposition(|b| b.row < ih.row && (segments.is_empty() || b.row > previous_row));
        if let Some(b) = budget {
            paired_budgets.insert(b);
        }
        let next_budget = budget_headers
            .iter()
            .find(|b| b.row > ih.row)
            .map_or(u32::MAX, |b| b.row);
        let next_indicators = indicator_headers.get(i + 1).map_or(u32::MAX, |h| h.row);
        let limit = next_budget.min(next_indicators);
        let total = rows
            .iter()
            .copied()
            .filter(|&r| r > ih.row && r < limit)
            .find(|&r| first_cell(grid, r).is_some_and(|c| is_total_label(&norm(&c.text))));
        previous_row = total.unwrap_or(ih.row);
        segments.push(Segment {
            budget,
            indicators: i,
            total,
        });
    }
    for (b, header) in budget_headers.iter().enumerate() {
        if !paired_budgets.contains(&b) {
            let place = grid.place(header.row, header.first_col());
            import.forms.push(Err(vec![cell_diagnostic(
                document,
                &place,
                &row_text(grid, header.row),
                "xlsx::no-indicators",
                "找到了预算表头，但其后没有指标表头 (a budget header row with no indicator header row after it: expected a row with 一级指标 / 二级指标 / 三级指标 / 分值)",
            )]));
            for cell in grid.row(header.row) {
                sheet.used.insert((cell.row, cell.col));
            }
        }
    }

    // Where each form starts: after the previous one's total row, at its title or first key label.
    // Indexing below cannot fail: `segment.indicators` and `segment.budget` are indices this
    // function took from `indicator_headers` and `budget_headers`, `bounds` gets one entry per
    // segment, and `k - 1` is only reached for `k > 0`.
    let mut bounds = Vec::new();
    for (k, segment) in segments.iter().enumerate() {
        let ih_row = indicator_headers[segment.indicators].row;
        let start = if k == 0 {
            rows.first().copied().unwrap_or(0)
        } else {
            let previous = &segments[k - 1];
            let after = previous
                .total
                .unwrap_or(indicator_headers[previous.indicators].row);
            let head_limit = segment.budget.map_or(ih_row, |b| budget_headers[b].row);
            rows.iter()
                .copied()
                .filter(|&r| r > after && r <= head_limit)
                .find(|&r| {
                    r == head_limit
                        || grid.row(r).any(|c| {
                            is_title(&c.text)
                                || matches!(
                                    key_label(&c.text),
                                    Some((Key::Project | Key::DepartmentName, _))
                                )
                        })
                })
                .unwrap_or(head_limit)
        };
        bounds.push(start);
    }
    let many = segments.len() > 1;
    for (k, segment) in segments.iter().enumerate() {
        let start = bounds[k];
        let end = bounds
            .get(k + 1)
            .map_or(last_row, |&next| next.saturating_sub(1));
        let ih = indicator_headers[segment.indicators];
        let bh = segment.budget.map(|b| budget_headers[b]);
        let inner: Vec<&Header> = headers
            .iter()
            .filter(|h| h.row >= start && h.row <= end)
            .filter(|h| h.block != TableBlock::Budget || bh.is_some_and(|b| b.row == h.row))
            .filter(|h| h.block != TableBlock::Indicators || h.row == ih.row)
            .collect();
        let table = TableReader {
            sheet: &mut sheet,
            start,
            end,
            total: segment.total,
            headers: inner,
            budget: bh,
            indicators: ih,
            options,
            many,
        };
        import.forms.push(table.read());
    }
    // Cells between or after the forms that nothing claimed.
    let unplaced = unplaced_cells(&sheet, 0, u32::MAX);
    let mut by_form: Vec<Vec<Diagnostic>> = vec![Vec::new(); segments.len()];
    for (row, diagnostic) in unplaced {
        let k = bounds.iter().rposition(|&b| b <= row).unwrap_or(0);
        if let Some(list) = by_form.get_mut(k) {
            list.push(diagnostic);
        }
    }
    let offset = import.forms.len() - segments.len();
    for (k, warnings) in by_form.into_iter().enumerate() {
        match import.forms.get_mut(offset + k) {
            Some(Ok(form)) => form.warnings.extend(warnings),
            _ => import.warnings.extend(warnings),
        }
    }
}

fn first_cell(grid: &Grid, row: u32) -> Option<&Cell> {
    grid.row(row).next()
}

fn row_text(grid: &Grid, row: u32) -> String {
    grid.row(row)
        .map(|c| c.text.replace('\n', " "))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn unplaced_cells(sheet: &Sheet<'_>, from: u32, to: u32) -> Vec<(u32, Diagnostic)> {
    sheet
        .grid
        .cells
        .values()
        .filter(|c| c.row >= from && c.row <= to && !sheet.used.contains(&(c.row, c.col)))
        .map(|c| {
            let place = sheet.grid.place(c.row, c.col);
            (
                c.row,
                warning(cell_diagnostic(
                    sheet.document,
                    &place,
                    &c.text,
                    "xlsx::unplaced",
                    format!(
                        "无法归入表格的单元格 {place} (could not place this cell in the form; it was not imported)"
                    ),
                )),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// One table

struct TableReader<'s, 'a> {
    sheet: &'s mut Sheet<'a>,
    start: u32,
    end: u32,
    total: Option<u32>,
    headers: Vec<&'s Header>,
    budget: Option<&'s Header>,
    indicators: &'s Header,
    options: &'s ImportOptions,
    many: bool,
}

/// A value read from a cell.
#[derive(Debug, Clone)]
struct CellText {
    text: String,
    cell: CellRef,
}

#[derive(Debug, Default)]
struct BudgetRow {
    label: Option<CellText>,
    initial: Option<CellText>,
    adjusted: Option<CellText>,
    executed: Option<CellText>,
    weight: Option<CellText>,
    rate: Option<CellText>,
    score: Option<CellText>,
    row_ref: Option<CellRef>,
}

#[derive(Debug, Default)]
struct IndicatorRow {
    level1: Option<CellText>,
    level2: Option<CellText>,
    name: Option<CellText>,
    target: Option<CellText>,
    actual: Option<CellText>,
    weight: Option<CellText>,
    score: Option<CellText>,
    deviation: Option<CellText>,
    explanation: Option<CellText>,
    direction: Option<CellText>,
    unit: Option<CellText>,
    /// Columns kept as printed: (header, value).
    extra: Vec<(String, CellText)>,
    row_ref: Option<CellRef>,
}

#[derive(Debug, Default)]
struct SectionRead {
    name: Option<CellText>,
    items: Vec<[Option<CellText>; 5]>,
    rows: Vec<CellRef>,
}

impl TableReader<'_, '_> {
    fn grid(&self) -> &Grid {
        self.sheet.grid
    }

    fn value(&mut self, cell: &Cell) -> CellText {
        self.sheet.used.insert((cell.row, cell.col));
        CellText {
            text: cell.text.clone(),
            cell: CellRef {
                place: self.grid().place(cell.row, cell.col),
                text: cell.text.clone(),
            },
        }
    }

    /// The cell of `row` under a header spanning `span`: the first filled cell that starts there.
    fn under(&mut self, row: u32, span: Option<(u32, u32)>) -> Option<CellText> {
        let (a, b) = span?;
        let cell = self
            .grid()
            .row(row)
            .find(|c| c.col >= a && c.col <= b)
            .cloned()?;
        Some(self.value(&cell))
    }

    /// Like `under`, but a cell inside a merged region takes the region's value.
    fn under_following_merges(&mut self, row: u32, span: Option<(u32, u32)>) -> Option<CellText> {
        if let Some(v) = self.under(row, span) {
            return Some(v);
        }
        let (a, b) = span?;
        let grid = self.grid();
        let merged = grid.covering_in(row, a, b).copied()?;
        let cell = grid.get(merged.first_row, merged.first_col).cloned()?;
        Some(self.value(&cell))
    }

    fn row_ref(&self, row: u32) -> CellRef {
        let grid = self.grid();
        let first = grid.row(row).next().map_or(0, |c| c.col);
        let last = grid.row(row).last().map_or(first, |c| c.col);
        CellRef {
            place: grid.range_place((row, first), (row, last)),
            text: row_text(grid, row),
        }
    }

    /// Rows of a block: after its header, up to the next header (or the total row).
    fn block_rows(&self, header: &Header) -> Vec<u32> {
        let next = self
            .headers
            .iter()
            .filter(|h| h.row > header.row)
            .map(|h| h.first_row)
            .min()
            .unwrap_or(u32::MAX);
        let stop = match self.total {
            Some(t) if t > header.row => next.min(t),
            _ => next,
        };
        let end = self.end;
        self.grid()
            .rows()
            .into_iter()
            .filter(|&r| r > header.last_row && r < stop && r <= end)
            .collect()
    }

    /// The money unit a layout prints when it is not 万元: `金额单位：元` above the table, or
    /// `项目资金（元）` as the budget block's label.
    fn money_unit(&self, key: Option<CellText>) -> Option<CellText> {
        let unit = |text: &str| -> Option<&'static str> {
            let n = norm(text);
            ["亿元", "万元", "元"]
                .into_iter()
                .find(|u| n.contains(&format!("({u})")) || n == *u || n.ends_with(&format!(":{u}")))
        };
        let found = key
            .and_then(|v| unit(&v.text).map(|u| (u, v)))
            .or_else(|| {
                let bh = self.budget?;
                let grid = self.grid();
                let rows = bh.first_row.saturating_sub(1)..=bh.last_row.saturating_add(8);
                grid.cells
                    .values()
                    .filter(|c| rows.contains(&c.row) && c.col < bh.first_col())
                    .filter(|c| block_label(&norm(&c.text)) == Some(TableBlock::Budget))
                    .find_map(|c| {
                        unit(&c.text).map(|u| {
                            let mut v = CellText {
                                text: c.text.clone(),
                                cell: CellRef {
                                    place: grid.place(c.row, c.col),
                                    text: c.text.clone(),
                                },
                            };
                            v.text = u.to_string();
                            (u, v)
                        })
                    })
            })?;
        (found.0 != "万元").then(|| {
            let mut v = found.1;
            v.text = found.0.to_string();
            v
        })
    }

    /// TableBlock labels in the first columns (`项目资金（万元）`, `绩效指标`) are part of the layout.
    fn claim_block_labels(&mut self, row: u32, before_col: u32) -> Option<CellText> {
        let cells: Vec<Cell> = self
            .grid()
            .row(row)
            .filter(|c| c.col < before_col)
            .cloned()
            .collect();
        let mut label = None;
        for cell in cells {
            if block_label(&norm(&cell.text)).is_some() {
                label = Some(self.value(&cell));
            }
        }
        label
    }

    fn claim_header(&mut self, header: &Header) {
        for &(r, c) in &header.cells {
            self.sheet.used.insert((r, c));
        }
        self.claim_block_labels(header.row, header.first_col());
        // The other rows of a header printed on two rows: its labels and block labels.
        for row in (header.first_row..=header.last_row).filter(|&r| r != header.row) {
            let labels: Vec<(u32, u32)> = self
                .grid()
                .row(row)
                .filter(|c| {
                    let n = norm(&c.text);
                    header_col(&n).is_some() || block_label(&n).is_some()
                })
                .map(|c| (c.row, c.col))
                .collect();
            self.sheet.used.extend(labels);
        }
    }

    fn read(mut self) -> Result<ImportedForm, Vec<Diagnostic>> {
        let grid = self.sheet.grid;
        let document = self.sheet.document.to_string();
        let last_col = grid
            .cells
            .values()
            .filter(|c| c.row >= self.start && c.row <= self.end)
            .map(|c| c.col)
            .max()
            .unwrap_or(0);
        let table_ref = CellRef {
            place: grid.range_place((self.start, 0), (self.end, last_col)),
            text: String::new(),
        };
        let mut errors = Vec::new();

        // Budget block.
        let mut budget_rows = Vec::new();
        if let Some(bh) = self.budget {
            self.claim_header(bh);
            let first_value_col = bh.first_col();
            for row in self.block_rows(bh) {
                let block = self.claim_block_labels(row, first_value_col);
                let label_cell = grid
                    .row(row)
                    .filter(|c| c.col < first_value_col)
                    .filter(|c| {
                        block
                            .as_ref()
                            .is_none_or(|b| b.cell.place != grid.place(c.row, c.col))
                    })
                    .last()
                    .cloned();
                let label_at = label_cell.as_ref().map(|c| (c.row, c.col));
                let mut r = BudgetRow {
                    label: label_cell.map(|c| self.value(&c)),
                    row_ref: Some(self.row_ref(row)),
                    ..BudgetRow::default()
                };
                r.initial = self.under(row, bh.span(Col::Initial));
                r.adjusted = self.under(row, bh.span(Col::Adjusted));
                r.executed = self.under(row, bh.span(Col::Executed));
                r.weight = self.under(row, bh.span(Col::Weight));
                r.rate = self.under(row, bh.span(Col::Rate));
                r.score = self.under(row, bh.span(Col::Score));
                if r.initial.is_some() || r.adjusted.is_some() || r.executed.is_some() {
                    budget_rows.push(r);
                } else if let Some(at) = label_at {
                    // A fund source printed with no amounts at all: reported as not imported
                    // (with its cell) rather than passed over.
                    self.sheet.used.remove(&at);
                }
            }
        }

        // Sections, objective, tasks.
        let mut sections = Vec::new();
        let mut objective: (Option<CellText>, Option<CellText>) = (None, None);
        let mut tasks = Vec::new();
        let others: Vec<Header> = self
            .headers
            .iter()
            .filter(|h| {
                matches!(
                    h.block,
                    TableBlock::Section | TableBlock::Objective | TableBlock::Tasks
                )
            })
            .map(|h| (*h).clone())
            .collect();
        for header in &others {
            self.claim_header(header);
            let first = header.first_col();
            match header.block {
                TableBlock::Section => {
                    let name_cell = grid
                        .row(header.row)
                        .filter(|c| c.col < first)
                        .last()
                        .cloned();
                    let mut section = SectionRead {
                        name: name_cell.map(|c| self.value(&c)),
                        ..SectionRead::default()
                    };
                    for row in self.block_rows(header) {
                        self.claim_block_labels(row, first);
                        let item = grid
                            .row(row)
                            .filter(|c| c.col < first && block_label(&norm(&c.text)).is_none())
                            .last()
                            .cloned();
                        let fields = [
                            item.map(|c| self.value(&c)),
                            self.under(row, header.span(Col::Description)),
                            self.under(row, header.span(Col::Weight)),
                            self.under(row, header.span(Col::Score)),
                            self.under(row, header.span(Col::Problems)),
                        ];
                        if fields.iter().any(Option::is_some) {
                            section.rows.push(self.row_ref(row));
                            section.items.push(fields);
                        }
                    }
                    sections.push(section);
                }
                TableBlock::Objective => {
                    for row in self.block_rows(header) {
                        self.claim_block_labels(row, first);
                        let expected = self.under(row, header.span(Col::Expected));
                        let achieved = self.under(row, header.span(Col::Achieved));
                        objective.0 = join(objective.0.take(), expected);
                        objective.1 = join(objective.1.take(), achieved);
                    }
                }
                TableBlock::Tasks => {
                    for row in self.block_rows(header) {
                        self.claim_block_labels(row, first);
                        let name = self.under(row, header.span(Col::TaskName));
                        let content = self.under(row, header.span(Col::TaskContent));
                        let achieved = self.under(row, header.span(Col::Achieved));
                        if name.is_some() || content.is_some() || achieved.is_some() {
                            tasks.push((name, content, achieved, self.row_ref(row)));
                        }
                    }
                }
                _ => {}
            }
        }

        // Indicators.
        let ih = self.indicators;
        self.claim_header(ih);
        let mut indicators: Vec<IndicatorRow> = Vec::new();
        let mut carried: (Option<CellText>, Option<CellText>) = (None, None);
        let mut execution: (Option<CellText>, Option<CellText>) = (None, None);
        for row in self.block_rows(ih) {
            if classify_header(grid, row).is_some_and(|h| h.block == TableBlock::Indicators) {
                // A header repeated on a new page.
                for cell in grid.row(row) {
                    self.sheet.used.insert((cell.row, cell.col));
                }
                continue;
            }
            self.claim_block_labels(row, ih.first_col());
            let direct_level1 = self.under(row, ih.span(Col::Level1));
            let level1 = direct_level1
                .clone()
                .or_else(|| self.under_following_merges(row, ih.span(Col::Level1)));
            let direct_level2 = self.under(row, ih.span(Col::Level2));
            let level2 = direct_level2
                .clone()
                .or_else(|| self.under_following_merges(row, ih.span(Col::Level2)));
            let mut r = IndicatorRow {
                name: self.under(row, ih.span(Col::Level3)),
                target: self.under(row, ih.span(Col::Target)),
                actual: self.under(row, ih.span(Col::Actual)),
                weight: self.under(row, ih.span(Col::Weight)),
                score: self.under(row, ih.span(Col::Score)),
                deviation: self.under(row, ih.span(Col::Deviation)),
                explanation: self.under(row, ih.span(Col::Explanation)),
                direction: self.under(row, ih.span(Col::Direction)),
                unit: self.under(row, ih.span(Col::Unit)),
                row_ref: Some(self.row_ref(row)),
                ..IndicatorRow::default()
            };
            for (i, extra) in EXTRA_COLUMNS.iter().enumerate() {
                if let Some(v) = self.under(row, ih.span(Col::Extra(i))) {
                    r.extra.push((extra.to_string(), v));
                }
            }
            // `预算执行率` among the indicator rows: the execution's weight and score, where the
            // money block has no 分值 / 得分 columns.
            if let Some(label) = first_cell(grid, row)
                && r.name.is_none()
                && is_execution_label(&norm(&label.text))
            {
                let label = label.clone();
                self.value(&label);
                execution = (r.weight.take(), r.score.take());
                continue;
            }
            // Blank cells below a 一级/二级 that was not merged take the value above.
            let new_level1 = level1.is_some()
                && level1.as_ref().map(|v| &v.text) != carried.0.as_ref().map(|v| &v.text);
            r.level1 = level1.or_else(|| carried.0.clone());
            r.level2 = match level2 {
                Some(v) => Some(v),
                None if !new_level1 => carried.1.clone(),
                None => None,
            };
            let has_figures = r.name.is_some()
                || r.target.is_some()
                || r.actual.is_some()
                || r.weight.is_some()
                || r.score.is_some();
            let empty_category = !has_figures && direct_level2.is_some();
            carried = (r.level1.clone(), r.level2.clone());
            if has_figures || empty_category {
                indicators.push(r);
            }
        }

        // The total row and what follows it.
        let mut total_score = None;
        let mut grade = None;
        if let Some(t) = self.total {
            let cells: Vec<Cell> = grid.row(t).cloned().collect();
            if let Some(label) = cells.first() {
                self.value(label);
            }
            total_score = self.under(t, ih.span(Col::Score));
            if total_score.is_none() {
                let last_number = cells.iter().rev().find(|c| c.is_number()).cloned();
                total_score = last_number.map(|c| self.value(&c));
            }
            if let Some(w) = ih.span(Col::Weight) {
                // The weights' sum, printed under 分值: the engine adds it up itself.
                self.under(t, Some(w));
            }
        }

        // Key cells anywhere in the table outside the blocks: title, names, year, grade.
        let mut title: Option<CellText> = None;
        let mut keys: Vec<(Key, CellText)> = Vec::new();
        let mut year: Option<(i32, CellText)> = None;
        let rows: Vec<u32> = grid
            .rows()
            .into_iter()
            .filter(|&r| r >= self.start && r <= self.end)
            .collect();
        for row in rows {
            let cells: Vec<Cell> = grid.row(row).cloned().collect();
            let mut i = 0;
            while i < cells.len() {
                // `i < cells.len()`, checked by the loop.
                let cell = &cells[i];
                if self.sheet.used.contains(&(cell.row, cell.col)) {
                    i += 1;
                    continue;
                }
                if let Some((key, inline)) = key_label(&cell.text) {
                    let label = self.value(cell);
                    let value = match inline {
                        Some(text) => Some(CellText { text, ..label }),
                        None => {
                            let next = cells
                                .get(i + 1)
                                .filter(|c| {
                                    key_label(&c.text).is_none()
                                        && !self.sheet.used.contains(&(c.row, c.col))
                                })
                                .cloned();
                            if next.is_some() {
                                i += 1;
                            }
                            next.map(|c| self.value(&c))
                        }
                    };
                    if let Some(value) = value {
                        if key == Key::Year
                            && let Some(y) = year_in(&format!("{}年", value.text))
                        {
                            year = Some((y, value.clone()));
                        }
                        keys.push((key, value));
                    }
                } else if title.is_none() && is_title(&cell.text) {
                    let v = self.value(cell);
                    if year.is_none() {
                        year = year_in(&v.text).map(|y| (y, v.clone()));
                    }
                    title = Some(v);
                } else if year.is_none()
                    && year_in(&cell.text).is_some()
                    && cell.text.chars().count() <= 16
                {
                    let v = self.value(cell);
                    year = year_in(&v.text).map(|y| (y, v));
                } else if grade.is_none()
                    && self.total.is_some_and(|t| row >= t)
                    && is_grade(&cell.text)
                {
                    grade = Some(self.value(cell));
                }
                i += 1;
            }
        }
        let key = |k: Key| {
            keys.iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        };
        if grade.is_none() {
            grade = key(Key::Grade);
        }
        // A Word table: its title may be the paragraph just above it, and its year in the
        // document's heading.
        if title.is_none()
            && let Some(p) = grid.context.first().filter(|p| is_title(&p.text))
        {
            title = Some(paragraph_value(p));
        }
        if year.is_none() {
            let dated = |p: &&super::cells::Paragraph| year_in(&p.text).is_some();
            let labelled = grid
                .context
                .iter()
                .filter(dated)
                .find(|p| p.text.contains("年度"));
            if let Some(p) = labelled.or_else(|| grid.context.iter().find(dated)) {
                year = year_in(&p.text).map(|y| (y, paragraph_value(p)));
            }
        }
        let money_unit = self.money_unit(key(Key::MoneyUnit));

        // Which kind of form.
        let title_text = title.as_ref().map(|t| norm(&t.text)).unwrap_or_default();
        let kind = if title_text.contains("部门整体") || title_text.contains("整体支出") {
            Some(FormKind::Department)
        } else if title_text.contains("项目") || key(Key::Project).is_some() {
            Some(FormKind::Project)
        } else if key(Key::DepartmentName).is_some()
            || !tasks.is_empty()
            || indicators.iter().any(|r| {
                r.level1
                    .as_ref()
                    .is_some_and(|v| v.text.contains("投入管理"))
            })
        {
            Some(FormKind::Department)
        } else {
            None
        };
        let anchor = title.as_ref().map_or(table_ref.clone(), |t| t.cell.clone());
        let Some(kind) = kind else {
            errors.push(cell_diagnostic(
                &document,
                &anchor.place,
                &anchor.text,
                "xlsx::kind",
                "无法判断表类型 (cannot tell whether this is a 项目 or a 部门整体 form)",
            ).help("give the table a title such as 项目支出绩效自评表 or 部门整体支出绩效自评表, or a 项目名称 row"));
            return Err(errors);
        };
        let year = match (year, self.options.year) {
            (Some((y, v)), _) => Some((y, Some(v.cell))),
            (None, Some(y)) => Some((y, None)),
            (None, None) => None,
        };
        let Some((year, year_cell)) = year else {
            errors.push(
                cell_diagnostic(
                    &document,
                    &anchor.place,
                    &anchor.text,
                    "xlsx::year",
                    "找不到年度 (the table does not say which year it is for)",
                )
                .help("write the year in the title (2023年度), or pass --year 2023"),
            );
            return Err(errors);
        };
        if self.budget.is_none() {
            let place = grid.place(ih.row, ih.first_col());
            errors.push(cell_diagnostic(
                &document,
                &place,
                &row_text(grid, ih.row),
                "xlsx::no-budget",
                "指标表之前没有找到预算表头 (no budget header row — 年初预算数 / 全年预算数 / 全年执行数 — before this indicator table)",
            ));
            return Err(errors);
        }

        // The form text.
        let sheet_name = grid.sheet.clone();
        let name = match kind {
            FormKind::Project => key(Key::Project).map(|v| v.text),
            FormKind::Department => key(Key::DepartmentName)
                .or(key(Key::Department))
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
        t.comment(&format!(
            "由 jixiao import 从 {document} 导入：{} (imported from a workbook)",
            table_ref.place
        ));
        t.string("kind", kind.name(), Some("表类型"), Some(&anchor));
        let ruleset = match &self.options.ruleset {
            Some(r) => Some((r.clone(), None)),
            None => key(Key::Ruleset).map(|v| (v.text.clone(), Some(v.cell))),
        };
        if let Some((ruleset, cell)) = &ruleset {
            t.string("ruleset", ruleset, Some("评分规则"), cell.as_ref());
        }
        t.integer("year", i64::from(year), Some("年度"), year_cell.as_ref());
        if let Some(title) = &title {
            let shown = title.text.replace('\n', "");
            t.string("title", &shown, None, Some(&title.cell));
        }
        match kind {
            FormKind::Project => {
                if let Some(v) = key(Key::Project) {
                    t.string("project", &v.text, Some("项目名称"), Some(&v.cell));
                }
                if let Some(v) = key(Key::Department).or(key(Key::DepartmentName)) {
                    t.string("department", &v.text, Some("主管部门"), Some(&v.cell));
                }
                if let Some(v) = key(Key::Unit) {
                    t.string("unit", &v.text, Some("实施单位"), Some(&v.cell));
                }
            }
            FormKind::Department => {
                if let Some(v) = key(Key::DepartmentName).or(key(Key::Department)) {
                    t.string(
                        "department",
                        &v.text,
                        Some("部门（单位）名称"),
                        Some(&v.cell),
                    );
                }
                if let Some(v) = key(Key::Unit) {
                    t.string("unit", &v.text, Some("实施单位"), Some(&v.cell));
                }
            }
        }

        // [budget]: the total row, then the fund sources.
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
                row.weight = execution.0.take();
            }
            if row.score.is_none() {
                row.score = execution.1.take();
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
        if let Some(v) = &money_unit {
            t.string("unit", &v.text, Some("金额单位"), Some(&v.cell));
        }
        match budget_rows.get(total_index) {
            Some(row) => {
                let start = t.len();
                budget_fields(&mut t, row, true, columns);
                if let Some(r) = &row.row_ref {
                    t.mark(start, r);
                }
            }
            None => {
                let place = self.budget.map_or(table_ref.place.clone(), |bh| {
                    grid.place(bh.row, bh.first_col())
                });
                errors.push(cell_diagnostic(
                    &document,
                    &place,
                    &self
                        .budget
                        .map(|bh| row_text(grid, bh.row))
                        .unwrap_or_default(),
                    "xlsx::no-budget",
                    "预算表头下没有金额行 (no row of amounts under the budget header)",
                ));
                return Err(errors);
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
            budget_fields(&mut t, row, false, columns);
            t.comments(true);
            if let Some(r) = &row.row_ref {
                t.mark(start, r);
            }
        }
        if let Some(bh) = self.budget {
            let header = self.row_ref(bh.row);
            t.mark(budget_start, &header);
        }

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
        for (i, (name, content, achieved, row_ref)) in tasks.iter().enumerate() {
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
        t.comments(true);
        for section in &sections {
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
        t.comments(true);
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
        t.comments(true);
        if total_score.is_some() || grade.is_some() {
            t.table("[total]", Some("总分"));
            if let Some(v) = &total_score {
                t.string("score", &v.text, Some("自评得分"), Some(&v.cell));
            }
            if let Some(v) = &grade {
                t.string("grade", &v.text, Some("等级"), Some(&v.cell));
            }
        }
        t.mark(0, &table_ref);
        let (toml, origins) = t.into_parts();
        Ok(ImportedForm {
            sheet: sheet_name,
            place: table_ref.place,
            name,
            kind,
            source_name,
            document,
            toml,
            origins,
            warnings: Vec::new(),
        })
    }
}

/// A paragraph of a document read as a value (a table's title or year above it).
fn paragraph_value(p: &super::cells::Paragraph) -> CellText {
    CellText {
        text: p.text.clone(),
        cell: CellRef {
            place: p.place.clone(),
            text: p.text.clone(),
        },
    }
}

fn join(a: Option<CellText>, b: Option<CellText>) -> Option<CellText> {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.text = format!("{}\n{}", a.text, b.text);
            Some(a)
        }
        (a, b) => a.or(b),
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
    fn headers_are_recognised_however_they_are_spelled() {
        assert_eq!(header_col(&norm("执行率 %")), Some(Col::Rate));
        assert_eq!(header_col(&norm("偏差度 %")), Some(Col::Deviation));
        assert_eq!(
            header_col(&norm("偏差原因分析及改进措施")),
            Some(Col::Explanation)
        );
        assert_eq!(header_col(&norm("存在问题和改进措施")), Some(Col::Problems));
        assert_eq!(header_col(&norm(" 情况说明")), Some(Col::Description));
        assert_eq!(header_col(&norm("年初\n预算数")), Some(Col::Initial));
        assert_eq!(header_col(&norm("项目名称")), None);
    }

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

    #[test]
    fn years_and_labels() {
        assert_eq!(year_in("（2023年度）"), Some(2023));
        assert_eq!(
            year_in("2023年度市民之家运行经费项目单位自评表"),
            Some(2023)
        );
        assert_eq!(year_in("年度：2024"), Some(2024));
        assert_eq!(year_in("20230年"), None);
        assert_eq!(year_in("编号 1234"), None);
        assert_eq!(key_label("项目名称"), Some((Key::Project, None)));
        assert_eq!(
            key_label("项目名称：市民之家运行经费"),
            Some((Key::Project, Some("市民之家运行经费".into())))
        );
        assert_eq!(
            key_label("部门（单位）名称"),
            Some((Key::DepartmentName, None))
        );
        assert!(key_label("市民之家运行经费").is_none());
    }
}
