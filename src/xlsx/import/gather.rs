//! Gathering one table: its budget block, its sections (with the objective and the tasks), its
//! indicator rows, its total row, and then the key cells (title, names, year, grade) among the
//! cells left over.
//!
//! The steps run in this order on purpose: each cell is marked used as it is read, later steps
//! pass over used cells, and the cells left unused at the end are reported as not imported.

use super::{
    BudgetRow, CellText, Gathered, IndicatorRow, Pair, SectionRead, TableReader, TaskRead,
    first_cell,
};
use crate::form::emit::CellRef;
use crate::xlsx::cells::{Cell, Paragraph};
use crate::xlsx::labels::*;

/// The key cells found outside the blocks.
struct KeyCells {
    title: Option<CellText>,
    keys: Vec<(Key, CellText)>,
    year: Option<(i32, CellText)>,
    grade: Option<CellText>,
}

impl TableReader<'_, '_> {
    /// Everything the table holds, block by block, then what its surroundings add.
    pub(super) fn gather(&mut self) -> Gathered {
        let grid = self.sheet.grid;
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
        let budget_rows = self.gather_budget();
        let (sections, objective, tasks) = self.gather_sections();
        let (indicators, execution) = self.gather_indicators();
        let total_score = self.gather_total();
        let KeyCells {
            title,
            keys,
            year,
            grade,
        } = self.gather_key_cells();
        let mut g = Gathered {
            table_ref,
            budget_rows,
            sections,
            objective,
            tasks,
            indicators,
            execution,
            total_score,
            grade,
            title,
            keys,
            year,
            money_unit: None,
        };
        if g.grade.is_none() {
            g.grade = g.key(Key::Grade);
        }
        // A Word table: its title may be the paragraph just above it, and its year in the
        // document's heading.
        if g.title.is_none()
            && let Some(p) = grid.context.first().filter(|p| is_title(&p.text))
        {
            g.title = Some(paragraph_value(p));
        }
        if g.year.is_none() {
            let dated = |p: &&Paragraph| year_in(&p.text).is_some();
            let labelled = grid
                .context
                .iter()
                .filter(dated)
                .find(|p| p.text.contains("年度"));
            if let Some(p) = labelled.or_else(|| grid.context.iter().find(dated)) {
                g.year = year_in(&p.text).map(|y| (y, paragraph_value(p)));
            }
        }
        g.money_unit = self.money_unit(g.key(Key::MoneyUnit));
        g
    }

    /// The budget block's rows that hold amounts.
    fn gather_budget(&mut self) -> Vec<BudgetRow> {
        let grid = self.sheet.grid;
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
        budget_rows
    }

    /// Sections, objective, tasks: the blocks besides budget and indicators, in sheet order.
    fn gather_sections(&mut self) -> (Vec<SectionRead>, Pair, Vec<TaskRead>) {
        let mut sections = Vec::new();
        let mut objective: Pair = (None, None);
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
            match header.block {
                TableBlock::Section => sections.push(self.read_section(header)),
                TableBlock::Objective => self.read_objective(header, &mut objective),
                TableBlock::Tasks => self.read_tasks(header, &mut tasks),
                _ => {}
            }
        }
        (sections, objective, tasks)
    }

    /// A section (资金管理情况 …): its name left of the header, and its item rows.
    fn read_section(&mut self, header: &Header) -> SectionRead {
        let grid = self.sheet.grid;
        let first = header.first_col();
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
        section
    }

    /// The objective block's rows, joined into the objective read so far.
    fn read_objective(&mut self, header: &Header, objective: &mut Pair) {
        let first = header.first_col();
        for row in self.block_rows(header) {
            self.claim_block_labels(row, first);
            let expected = self.under(row, header.span(Col::Expected));
            let achieved = self.under(row, header.span(Col::Achieved));
            objective.0 = join(objective.0.take(), expected);
            objective.1 = join(objective.1.take(), achieved);
        }
    }

    /// The task block's rows that say something.
    fn read_tasks(&mut self, header: &Header, tasks: &mut Vec<TaskRead>) {
        let first = header.first_col();
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

    /// The indicator rows, and the weight and score of a `预算执行率` row among them.
    fn gather_indicators(&mut self) -> (Vec<IndicatorRow>, Pair) {
        let grid = self.sheet.grid;
        let ih = self.indicators;
        self.claim_header(ih);
        let mut indicators: Vec<IndicatorRow> = Vec::new();
        let mut carried: Pair = (None, None);
        let mut execution: Pair = (None, None);
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
        (indicators, execution)
    }

    /// The total row: its label claimed, and the total score.
    fn gather_total(&mut self) -> Option<CellText> {
        let grid = self.sheet.grid;
        let ih = self.indicators;
        let mut total_score = None;
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
        total_score
    }

    /// Key cells anywhere in the table outside the blocks: title, names, year, grade.
    fn gather_key_cells(&mut self) -> KeyCells {
        let grid = self.sheet.grid;
        let mut title: Option<CellText> = None;
        let mut keys: Vec<(Key, CellText)> = Vec::new();
        let mut year: Option<(i32, CellText)> = None;
        let mut grade = None;
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
        KeyCells {
            title,
            keys,
            year,
            grade,
        }
    }
}

/// A paragraph of a document read as a value (a table's title or year above it).
fn paragraph_value(p: &Paragraph) -> CellText {
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
