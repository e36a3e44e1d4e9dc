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
//!
//! The work is split along its seams: `sheet` splits a sheet into its tables, `gather` reads one
//! table's blocks into a `Gathered`, the decision (which kind of form, which year) is taken here,
//! and `emit` writes what was gathered as the form's TOML text.

mod emit;
mod gather;
mod sheet;

use super::cells::{Cell, Grid, Workbook, cell_diagnostic};
use super::labels::*;
use crate::diag::{Diagnostic, Origin, Severity, SourceFile};
use crate::form::emit::CellRef;
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
        sheet::import_sheet(&workbook.name, grid, options, &mut import);
    }
    import
}

fn warning(mut d: Diagnostic) -> Diagnostic {
    d.severity = Severity::Warning;
    d
}

// ---------------------------------------------------------------------------------------------
// One sheet (split into its tables in `sheet`)

struct Sheet<'a> {
    document: &'a str,
    grid: &'a Grid,
    used: HashSet<(u32, u32)>,
}

/// Header rows (budget, indicator, section, task, objective) one sheet may hold: four per form
/// for 50 forms on one sheet.
pub const MAX_HEADER_ROWS: usize = 200;

fn first_cell(grid: &Grid, row: u32) -> Option<&Cell> {
    grid.row(row).next()
}

fn row_text(grid: &Grid, row: u32) -> String {
    grid.row(row)
        .map(|c| c.text.replace('\n', " "))
        .collect::<Vec<_>>()
        .join(" | ")
}

// ---------------------------------------------------------------------------------------------
// One table: gathered (`gather`), decided (kind, year), written (`emit`)

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

/// A 年度主要任务 row: 任务名称, 主要内容, 实际完成情况, and the row.
type TaskRead = (
    Option<CellText>,
    Option<CellText>,
    Option<CellText>,
    CellRef,
);

/// Two values read together: 预期目标 and 实际完成情况, or a 预算执行率 row's 分值 and 得分.
type Pair = (Option<CellText>, Option<CellText>);

/// Everything one table holds, gathered (and its cells claimed) before anything is written.
#[derive(Debug)]
struct Gathered {
    /// The cells the table covers.
    table_ref: CellRef,
    budget_rows: Vec<BudgetRow>,
    sections: Vec<SectionRead>,
    /// 预期目标 and 实际完成情况, each joined over the block's rows.
    objective: Pair,
    tasks: Vec<TaskRead>,
    indicators: Vec<IndicatorRow>,
    /// 分值 and 得分 of a `预算执行率` row among the indicators.
    execution: Pair,
    total_score: Option<CellText>,
    grade: Option<CellText>,
    title: Option<CellText>,
    /// Key labels (项目名称, 主管部门 …) with their values, in reading order.
    keys: Vec<(Key, CellText)>,
    year: Option<(i32, CellText)>,
    money_unit: Option<CellText>,
}

impl Gathered {
    /// The first value given for a key label.
    fn key(&self, k: Key) -> Option<CellText> {
        self.keys
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.clone())
    }
}

/// What the gathered table decides: which kind of form it is, and for which year.
#[derive(Debug)]
struct Decided {
    kind: FormKind,
    year: i32,
    /// The cell that states the year; none when it comes from `--year`.
    year_cell: Option<CellRef>,
    /// Where messages about the whole form point: the title, or else the table.
    anchor: CellRef,
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
        let gathered = self.gather();
        let decided = self.decide(&gathered).map_err(|e| vec![e])?;
        self.write(gathered, decided).map_err(|e| vec![e])
    }

    /// Which kind of form the table is and for which year; a table with no budget header is
    /// refused after those two are settled.
    fn decide(&self, g: &Gathered) -> Result<Decided, Diagnostic> {
        let grid = self.grid();
        let document = self.sheet.document;
        // Which kind of form.
        let title_text = g.title.as_ref().map(|t| norm(&t.text)).unwrap_or_default();
        let kind = if title_text.contains("部门整体") || title_text.contains("整体支出") {
            Some(FormKind::Department)
        } else if title_text.contains("项目") || g.key(Key::Project).is_some() {
            Some(FormKind::Project)
        } else if g.key(Key::DepartmentName).is_some()
            || !g.tasks.is_empty()
            || g.indicators.iter().any(|r| {
                r.level1
                    .as_ref()
                    .is_some_and(|v| v.text.contains("投入管理"))
            })
        {
            Some(FormKind::Department)
        } else {
            None
        };
        let anchor = g
            .title
            .as_ref()
            .map_or(g.table_ref.clone(), |t| t.cell.clone());
        let Some(kind) = kind else {
            return Err(cell_diagnostic(
                document,
                &anchor.place,
                &anchor.text,
                "xlsx::kind",
                "无法判断表类型 (cannot tell whether this is a 项目 or a 部门整体 form)",
            ).help("give the table a title such as 项目支出绩效自评表 or 部门整体支出绩效自评表, or a 项目名称 row"));
        };
        let year = match (&g.year, self.options.year) {
            (Some((y, v)), _) => Some((*y, Some(v.cell.clone()))),
            (None, Some(y)) => Some((y, None)),
            (None, None) => None,
        };
        let Some((year, year_cell)) = year else {
            return Err(cell_diagnostic(
                document,
                &anchor.place,
                &anchor.text,
                "xlsx::year",
                "找不到年度 (the table does not say which year it is for)",
            )
            .help("write the year in the title (2023年度), or pass --year 2023"));
        };
        if self.budget.is_none() {
            let ih = self.indicators;
            let place = grid.place(ih.row, ih.first_col());
            return Err(cell_diagnostic(
                document,
                &place,
                &row_text(grid, ih.row),
                "xlsx::no-budget",
                "指标表之前没有找到预算表头 (no budget header row — 年初预算数 / 全年预算数 / 全年执行数 — before this indicator table)",
            ));
        }
        Ok(Decided {
            kind,
            year,
            year_cell,
            anchor,
        })
    }
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
