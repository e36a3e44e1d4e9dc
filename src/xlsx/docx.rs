//! Word documents (`.docx`): every table of the body read into a grid of cells, the same grids a
//! workbook gives, so that one form builder reads both.
//!
//! A Word table has no cell names and no merged-region list. Its rows list their cells left to
//! right, each cell spanning `w:gridSpan` columns of the table's grid; a row may skip grid
//! columns before its first cell (`w:gridBefore`); a cell merged down is written in every row,
//! `w:vMerge w:val="restart"` in the first and a bare `w:vMerge` (continue) below. Here each
//! cell is placed at its grid column and the spans become merged regions, as Excel would have
//! them. A cell's text is its paragraphs joined by line breaks, every run of each. A table inside
//! a cell is read as a table of its own (its text does not also go into the cell).
//!
//! The archive is held to the same budgets as a workbook (`budget::inspect`: entry and archive
//! sizes, CRCs), and the tables to the cell and text budgets, with limits of their own on table
//! nesting and grid width. Cells are named `表2 行5 列3` (table, row, grid column, from 1).

use super::budget::{MAX_ENTRY_BYTES, Spent};
use super::cells::{Cell, CellKind, Grid, Merge, Paragraph, Workbook, table_place};
use crate::diag::Diagnostic;
use quick_xml::events::{BytesStart, Event};
use rust_decimal::Decimal;
use std::collections::VecDeque;
use std::io::{Cursor, Read};
use std::str::FromStr;

/// Tables inside tables, deeper than this, are refused (Word forms nest one or two).
pub const MAX_TABLE_DEPTH: usize = 8;
/// Grid columns of one table (Word itself allows 63).
pub const MAX_GRID_COLUMNS: u32 = 1_000;
/// Tables in one document.
pub const MAX_TABLES: usize = 2_000;
/// Rows of all tables together, and cells (`w:tc`, filled or not) of all tables together.
pub const MAX_ROWS: u32 = 200_000;
pub const MAX_TABLE_CELLS: usize = 1_000_000;
/// Paragraphs before a table kept as its context (its title, the heading with the year).
const CONTEXT_PARAGRAPHS: usize = 30;
/// Characters of a body paragraph kept (it is only context).
const PARAGRAPH_CHARS: usize = 500;

fn too_large(name: &str, place: &str, what: String) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            "input::too-large",
            format!("文档超出限制 (the document {name} is over a limit at {place}): {what}"),
        )
        .help("no self-evaluation form comes near this; if the document is genuine, copy the form's table into a new document"),
    ]
}

fn not_a_document(name: &str, why: &str) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            "docx::not-a-document",
            format!(
                "不是 Word 文档 (not a Word document): {} — {why}",
                crate::diag::visible(name)
            ),
        )
        .help("jixiao reads the tables of .docx documents (Word 2007 and later, WPS); save a .doc or .wps file as .docx first"),
    ]
}

/// The tables of a `.docx` document, each a grid named `表1`, `表2` … in document order.
pub fn read_bytes(name: &str, bytes: Vec<u8>) -> Result<Workbook, Vec<Diagnostic>> {
    if !bytes.starts_with(b"PK") {
        return Err(not_a_document(name, "the file is not a zip archive"));
    }
    // The document as the budget pass inflated it, when it kept it: read without inflating again.
    let stored = super::budget::inspect(name, &bytes)?.stored;
    let mut archive = zip::ZipArchive::new(Cursor::new(stored.unwrap_or(bytes)))
        .map_err(|e| not_a_document(name, &e.to_string()))?;
    let mut xml = Vec::new();
    {
        let entry = archive
            .by_name("word/document.xml")
            .map_err(|_| not_a_document(name, "it has no word/document.xml"))?;
        entry
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut xml)
            .map_err(|e| not_a_document(name, &e.to_string()))?;
    }
    let mut reader = Reader::new(name);
    reader.read(&xml)?;
    let mut sheets = reader.done;
    sheets.sort_by_key(|(number, _)| *number);
    Ok(Workbook {
        name: name.to_string(),
        sheets: sheets.into_iter().map(|(_, grid)| grid).collect(),
        notes: Vec::new(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VMerge {
    None,
    Restart,
    Continue,
}

#[derive(Debug)]
struct CellBuild {
    span: u32,
    vmerge: VMerge,
    text: String,
    paragraphs: usize,
}

#[derive(Debug, Default)]
struct RowBuild {
    grid_before: u32,
    cells: Vec<CellBuild>,
    /// Inside a `w:tc` (as opposed to the row's properties).
    in_cell: bool,
}

/// A region merged down that may go on in the next row: first row, first column, columns.
#[derive(Debug, Clone, Copy)]
struct Open {
    first_row: u32,
    col: u32,
    span: u32,
    last_row: u32,
}

#[derive(Debug)]
struct TableBuild {
    number: usize,
    rows: u32,
    row: Option<RowBuild>,
    open: Vec<Open>,
    cells: Vec<Cell>,
    merges: Vec<Merge>,
    context: Vec<Paragraph>,
}

struct Reader<'n> {
    name: &'n str,
    tables: Vec<TableBuild>,
    done: Vec<(usize, Grid)>,
    count: usize,
    rows: u32,
    tc: usize,
    spent: Spent,
    /// Body paragraphs (outside every table), the latest last.
    paragraphs: VecDeque<Paragraph>,
    paragraph_count: usize,
    body_text: Option<String>,
    /// Inside `w:t`, and inside content Word shows only when it cannot show another (fallback).
    in_text: bool,
    fallback: usize,
}

impl<'n> Reader<'n> {
    fn new(name: &'n str) -> Reader<'n> {
        Reader {
            name,
            tables: Vec::new(),
            done: Vec::new(),
            count: 0,
            rows: 0,
            tc: 0,
            spent: Spent::default(),
            paragraphs: VecDeque::new(),
            paragraph_count: 0,
            body_text: None,
            in_text: false,
            fallback: 0,
        }
    }

    fn place(&self) -> String {
        match self.tables.last() {
            Some(t) => table_place(
                &format!("表{}", t.number),
                t.rows,
                t.row.as_ref().map_or(0, |r| r.cells.len() as u32),
            ),
            None => format!("段落{}", self.paragraph_count + 1),
        }
    }

    fn read(&mut self, xml: &[u8]) -> Result<(), Vec<Diagnostic>> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let event = reader.read_event_into(&mut buf).map_err(|e| {
                not_a_document(
                    self.name,
                    &format!(
                        "word/document.xml is not well-formed at byte {}: {e}",
                        reader.buffer_position()
                    ),
                )
            })?;
            match event {
                Event::Eof => break,
                Event::Start(e) => self.start(&e, false)?,
                Event::Empty(e) => {
                    self.start(&e, true)?;
                    let local = e.local_name();
                    self.end(local.as_ref())?;
                }
                Event::End(e) => {
                    let local = e.local_name();
                    self.end(local.as_ref())?;
                }
                Event::Text(t) if self.in_text && self.fallback == 0 => {
                    self.push_text(t.as_ref());
                }
                Event::GeneralRef(r) if self.in_text && self.fallback == 0 => {
                    let text = match r.as_ref() {
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "amp" => "&".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        _ => match r.resolve_char_ref() {
                            Ok(Some(c)) => c.to_string(),
                            _ => "?".to_string(),
                        },
                    };
                    self.push_text(&text);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Text for the innermost open cell, or for the body paragraph being read.
    fn push_text(&mut self, text: &str) {
        if let Some(cell) = self
            .tables
            .last_mut()
            .and_then(|t| t.row.as_mut())
            .filter(|r| r.in_cell)
            .and_then(|r| r.cells.last_mut())
        {
            // Bounded by the cell budget when the cell closes; stop growing far past it.
            if cell.text.len() <= 4 * super::budget::MAX_CELL_CHARS + 4 {
                cell.text.push_str(text);
            }
        } else if let Some(p) = self.body_text.as_mut()
            && p.chars().count() < PARAGRAPH_CHARS
        {
            p.push_str(text);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), Vec<Diagnostic>> {
        let local = e.local_name();
        match local.as_ref() {
            "Fallback" if !empty => self.fallback += 1,
            _ if self.fallback > 0 => {}
            "tbl" => self.open_table()?,
            "tr" => {
                self.rows += 1;
                if self.rows > MAX_ROWS {
                    return Err(too_large(
                        self.name,
                        &self.place(),
                        format!("more than {MAX_ROWS} table rows"),
                    ));
                }
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some(RowBuild::default());
                }
            }
            "gridBefore" => {
                let value = number_attribute(e);
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut())
                    && !row.in_cell
                {
                    row.grid_before = value.unwrap_or(0);
                }
            }
            "tc" => {
                self.tc += 1;
                if self.tc > MAX_TABLE_CELLS {
                    return Err(too_large(
                        self.name,
                        &self.place(),
                        format!("more than {MAX_TABLE_CELLS} table cells"),
                    ));
                }
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.in_cell = true;
                    row.cells.push(CellBuild {
                        span: 1,
                        vmerge: VMerge::None,
                        text: String::new(),
                        paragraphs: 0,
                    });
                }
            }
            "gridSpan" | "vMerge" => {
                let value = attribute(e, "val");
                if let Some(cell) = self.open_cell() {
                    if local.as_ref() == "gridSpan" {
                        cell.span = value
                            .and_then(|v| v.trim().parse::<u64>().ok())
                            .map_or(1, |v| v.clamp(1, u64::from(u32::MAX)) as u32);
                    } else {
                        cell.vmerge = match value.as_deref() {
                            Some("restart") => VMerge::Restart,
                            _ => VMerge::Continue,
                        };
                    }
                }
            }
            "p" => {
                let body = self.tables.is_empty();
                match self.open_cell() {
                    Some(cell) => {
                        if cell.paragraphs > 0 {
                            cell.text.push('\n');
                        }
                        cell.paragraphs += 1;
                    }
                    None if body => self.body_text = Some(String::new()),
                    None => {}
                }
            }
            "t" if !empty => self.in_text = true,
            "tab" => self.push_text(" "),
            "br" | "cr" => self.push_text("\n"),
            _ => {}
        }
        Ok(())
    }

    fn open_cell(&mut self) -> Option<&mut CellBuild> {
        self.tables
            .last_mut()
            .and_then(|t| t.row.as_mut())
            .filter(|r| r.in_cell)
            .and_then(|r| r.cells.last_mut())
    }

    fn open_table(&mut self) -> Result<(), Vec<Diagnostic>> {
        if self.tables.len() >= MAX_TABLE_DEPTH {
            return Err(too_large(
                self.name,
                &self.place(),
                format!("tables nested more than {MAX_TABLE_DEPTH} deep"),
            ));
        }
        self.count += 1;
        if self.count > MAX_TABLES {
            return Err(too_large(
                self.name,
                &self.place(),
                format!("more than {MAX_TABLES} tables"),
            ));
        }
        let context = if self.tables.is_empty() {
            self.paragraphs.iter().rev().cloned().collect()
        } else {
            Vec::new()
        };
        self.tables.push(TableBuild {
            number: self.count,
            rows: 0,
            row: None,
            open: Vec::new(),
            cells: Vec::new(),
            merges: Vec::new(),
            context,
        });
        Ok(())
    }

    fn end(&mut self, local: &str) -> Result<(), Vec<Diagnostic>> {
        match local {
            "Fallback" => self.fallback = self.fallback.saturating_sub(1),
            _ if self.fallback > 0 => {}
            "t" => self.in_text = false,
            "tc" => {
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.in_cell = false;
                }
            }
            "tr" => self.close_row()?,
            "tbl" => self.close_table()?,
            "p" if self.tables.is_empty() => {
                self.paragraph_count += 1;
                if let Some(text) = self.body_text.take() {
                    let text = text.trim().to_string();
                    if !text.is_empty() {
                        if self.paragraphs.len() >= CONTEXT_PARAGRAPHS {
                            self.paragraphs.pop_front();
                        }
                        self.paragraphs.push_back(Paragraph {
                            place: format!("段落{}", self.paragraph_count),
                            text,
                        });
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Place a finished row's cells at their grid columns; extend or close the regions merged
    /// down.
    fn close_row(&mut self) -> Result<(), Vec<Diagnostic>> {
        let name = self.name;
        let Some(table) = self.tables.last_mut() else {
            return Ok(());
        };
        let Some(row) = table.row.take() else {
            return Ok(());
        };
        let r = table.rows;
        let sheet = format!("表{}", table.number);
        let mut col = row.grid_before;
        let mut continued = Vec::new();
        for cell in row.cells {
            let span = cell.span;
            let end = col.checked_add(span).filter(|&e| e <= MAX_GRID_COLUMNS);
            let Some(end) = end else {
                return Err(too_large(
                    name,
                    &table_place(&sheet, r, col),
                    format!(
                        "the row spans more than {MAX_GRID_COLUMNS} grid columns (w:gridBefore / w:gridSpan)"
                    ),
                ));
            };
            let open = table
                .open
                .iter()
                .position(|o| o.col == col && o.last_row + 1 == r);
            match (cell.vmerge, open) {
                (VMerge::Continue, Some(i)) => {
                    if let Some(o) = table.open.get_mut(i) {
                        o.last_row = r;
                    }
                    continued.push(col);
                    col = end;
                    continue;
                }
                (VMerge::Restart | VMerge::Continue, _) => {
                    table.open.push(Open {
                        first_row: r,
                        col,
                        span,
                        last_row: r,
                    });
                    continued.push(col);
                }
                (VMerge::None, _) if span > 1 => {
                    let m = Merge {
                        first_row: r,
                        first_col: col,
                        last_row: r,
                        last_col: end - 1,
                    };
                    self.spent
                        .merge(name, &table_place(&sheet, r, col), u64::from(span))?;
                    table.merges.push(m);
                }
                (VMerge::None, _) => {}
            }
            let text = cell.text.trim().to_string();
            if !text.is_empty() {
                self.spent
                    .cell_at(name, &|| table_place(&sheet, r, col), &text)?;
                table.cells.push(Cell {
                    row: r,
                    col,
                    kind: kind_of(&text),
                    text,
                });
            }
            col = end;
        }
        // Regions merged down that this row did not continue are complete.
        let (done, open): (Vec<Open>, Vec<Open>) = table
            .open
            .drain(..)
            .partition(|o| !continued.contains(&o.col) || o.last_row != r);
        table.open = open;
        for o in done {
            close_region(name, &sheet, &mut self.spent, &mut table.merges, o)?;
        }
        table.rows += 1;
        Ok(())
    }

    fn close_table(&mut self) -> Result<(), Vec<Diagnostic>> {
        let Some(mut table) = self.tables.pop() else {
            return Ok(());
        };
        let sheet = format!("表{}", table.number);
        for o in std::mem::take(&mut table.open) {
            close_region(self.name, &sheet, &mut self.spent, &mut table.merges, o)?;
        }
        let grid = Grid::new(sheet, table.cells, table.merges).in_document(table.context);
        self.done.push((table.number, grid));
        Ok(())
    }
}

fn close_region(
    name: &str,
    sheet: &str,
    spent: &mut Spent,
    merges: &mut Vec<Merge>,
    o: Open,
) -> Result<(), Vec<Diagnostic>> {
    let rows = o.last_row - o.first_row + 1;
    if rows == 1 && o.span == 1 {
        return Ok(());
    }
    spent.merge(
        name,
        &table_place(sheet, o.first_row, o.col),
        u64::from(rows) * u64::from(o.span),
    )?;
    merges.push(Merge {
        first_row: o.first_row,
        first_col: o.col,
        last_row: o.last_row,
        last_col: o.col + o.span - 1,
    });
    Ok(())
}

/// A cell holding a plain number is a number (a Word table has only text, but a total row's
/// score is found as its last number); anything else is text.
fn kind_of(text: &str) -> CellKind {
    match Decimal::from_str(text) {
        Ok(value)
            if text
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-') =>
        {
            CellKind::Number {
                value,
                percent: false,
            }
        }
        _ => CellKind::Text,
    }
}

fn attribute(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.local_name();
        (key.as_ref() == local).then(|| a.value.to_string())
    })
}

fn number_attribute(e: &BytesStart<'_>) -> Option<u32> {
    attribute(e, "val")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|v| v.min(u64::from(u32::MAX)) as u32)
}
