//! A workbook's sheets as sparse grids of cells, each with the text a person sees in it.
//!
//! Excel stores numbers as binary doubles and a percentage as a fraction with a `%` number
//! format. Every number is turned into an exact decimal through its shortest round-trip text
//! (never by arithmetic on the double), then shown the way its number format shows it:
//! 0.9518 with `0.00%` is `95.18%`, 2 with `0.00` is `2.00`. A number stored as text keeps its text.

use crate::diag::{Diagnostic, Origin, SourceFile};
use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::path::Path;
use std::str::FromStr;

/// Workbooks larger than this are refused before reading.
pub const MAX_WORKBOOK_BYTES: u64 = 64 << 20;
/// Sheets with more filled cells than this are refused: no form has them.
pub const MAX_CELLS_PER_SHEET: usize = 200_000;
/// Excel shows at most 15 significant digits; more is binary noise (0.1 + 0.2).
const SIGNIFICANT_DIGITS: u32 = 15;

#[derive(Debug, Clone, PartialEq)]
pub enum CellKind {
    Text,
    /// A number; `percent` when its number format shows it as a percentage.
    Number {
        value: Decimal,
        percent: bool,
    },
    Bool,
    Error,
    Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub row: u32,
    pub col: u32,
    /// What a person sees in the cell (trimmed).
    pub text: String,
    pub kind: CellKind,
}

impl Cell {
    pub fn is_number(&self) -> bool {
        matches!(self.kind, CellKind::Number { .. })
    }
}

/// A merged region, inclusive, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// How the cells of a grid are named in messages: `Sheet1!D14` in a workbook, `表2 行5 列3` in a
/// Word document (whose tables have no cell names of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Places {
    #[default]
    Sheet,
    Table,
}

/// Text printed outside a grid that may say what it is: the paragraphs before a Word table
/// (its title, the document's heading with the year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// `段落3` (the third paragraph of the document body).
    pub place: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Grid {
    pub sheet: String,
    pub places: Places,
    /// Paragraphs before the table, nearest first (Word documents only).
    pub context: Vec<Paragraph>,
    pub cells: BTreeMap<(u32, u32), Cell>,
    pub merges: Vec<Merge>,
    /// The top-left cell of each merged region → the region (the first, of identical ones).
    by_corner: HashMap<(u32, u32), usize>,
    /// Each row a merged region covers → the regions over it. The regions are kept as
    /// rectangles: a hash map of every covered cell cost 4.5 GB for 2,000 regions of 100,000
    /// cells each. A region taller than a sheet can matter is not indexed.
    by_row: HashMap<u32, Vec<usize>>,
    /// [`sheet_ref`] of `sheet`, made once: every cell read is placed (`'项目表'!D14`).
    sheet_ref: String,
}

/// Rows of a merged region indexed for `covering`: taller regions are not followed (no form has
/// one; the workbook reader refuses regions past `MAX_MERGED_CELLS` in all before this).
const MAX_INDEXED_MERGE_ROWS: u64 = 100_000;

impl Grid {
    pub fn new(sheet: impl Into<String>, cells: Vec<Cell>, merges: Vec<Merge>) -> Grid {
        // A region written corner to corner the other way round (`C3:A1`) is the same region;
        // a region listed twice is one region (3,000 identical merges took 10 s).
        let mut merges: Vec<Merge> = merges
            .into_iter()
            .map(|m| Merge {
                first_row: m.first_row.min(m.last_row),
                first_col: m.first_col.min(m.last_col),
                last_row: m.first_row.max(m.last_row),
                last_col: m.first_col.max(m.last_col),
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        merges.retain(|m| seen.insert(*m));
        let mut by_corner = HashMap::new();
        let mut by_row: HashMap<u32, Vec<usize>> = HashMap::new();
        let mut indexed_rows = 0u64;
        for (i, m) in merges.iter().enumerate() {
            by_corner.entry((m.first_row, m.first_col)).or_insert(i);
            let rows = u64::from(m.last_row - m.first_row) + 1;
            if rows > MAX_INDEXED_MERGE_ROWS || indexed_rows + rows > 10 * MAX_INDEXED_MERGE_ROWS {
                continue;
            }
            indexed_rows += rows;
            for r in m.first_row..=m.last_row {
                by_row.entry(r).or_default().push(i);
            }
        }
        let sheet = sheet.into();
        Grid {
            sheet_ref: sheet_ref(&sheet),
            sheet,
            places: Places::Sheet,
            context: Vec::new(),
            cells: cells
                .into_iter()
                .filter(|c| !c.text.is_empty())
                .map(|c| ((c.row, c.col), c))
                .collect(),
            merges,
            by_corner,
            by_row,
        }
    }

    pub fn get(&self, row: u32, col: u32) -> Option<&Cell> {
        self.cells.get(&(row, col))
    }

    /// The merged region whose top-left cell is here.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<&Merge> {
        self.by_corner
            .get(&(row, col))
            .and_then(|&i| self.merges.get(i))
    }

    /// The merged region that covers this cell (not as its top-left).
    pub fn covering(&self, row: u32, col: u32) -> Option<&Merge> {
        self.covering_in(row, col, col)
    }

    /// The merged region that covers the leftmost cell of this row between columns `first` and
    /// `last` that a region covers (not as its top-left cell): a lookup by region, never a walk
    /// over the columns (a region `K17:LXQEASV17` spans 4 billion of them).
    pub fn covering_in(&self, row: u32, first: u32, last: u32) -> Option<&Merge> {
        self.by_row
            .get(&row)?
            .iter()
            .filter_map(|&i| self.merges.get(i))
            .filter_map(|m| {
                // The first column of the overlap that is not the region's top-left cell.
                let (a, b) = (m.first_col.max(first), m.last_col.min(last));
                let a = if row == m.first_row && a == m.first_col {
                    a.checked_add(1)?
                } else {
                    a
                };
                (a <= b).then_some((a, m))
            })
            .min_by_key(|&(a, _)| a)
            .map(|(_, m)| m)
    }

    /// The merged regions over a row (as indexed: see `MAX_INDEXED_MERGE_ROWS`).
    pub fn merges_over(&self, row: u32) -> impl Iterator<Item = &Merge> {
        self.by_row
            .get(&row)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.merges.get(i))
    }

    /// The columns a cell spans (its merged region, or itself).
    pub fn col_span(&self, row: u32, col: u32) -> (u32, u32) {
        self.merge_at(row, col)
            .map_or((col, col), |m| (m.first_col, m.last_col))
    }

    /// The filled cells of a row, left to right.
    pub fn row(&self, row: u32) -> impl Iterator<Item = &Cell> {
        self.cells.range((row, 0)..=(row, u32::MAX)).map(|(_, c)| c)
    }

    /// Rows that hold at least one filled cell.
    pub fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.cells.keys().map(|&(r, _)| r).collect();
        rows.dedup();
        rows
    }

    /// A table of a Word document: cells named `表2 行5 列3` (1-based row and grid column).
    pub fn in_document(mut self, context: Vec<Paragraph>) -> Grid {
        self.places = Places::Table;
        self.context = context;
        self
    }

    pub fn place(&self, row: u32, col: u32) -> String {
        match self.places {
            Places::Sheet => {
                let mut place = String::with_capacity(self.sheet_ref.len() + 12);
                place.push_str(&self.sheet_ref);
                place.push('!');
                push_cell_name(&mut place, row, col);
                place
            }
            Places::Table => table_place(&self.sheet, row, col),
        }
    }

    pub fn range_place(&self, first: (u32, u32), last: (u32, u32)) -> String {
        if first == last {
            return self.place(first.0, first.1);
        }
        if self.places == Places::Table {
            return format!(
                "{} 行{} 列{} 至 行{} 列{}",
                self.sheet,
                u64::from(first.0) + 1,
                u64::from(first.1) + 1,
                u64::from(last.0) + 1,
                u64::from(last.1) + 1
            );
        }
        format!(
            "{}!{}:{}",
            sheet_ref(&self.sheet),
            cell_name(first.0, first.1),
            cell_name(last.0, last.1)
        )
    }
}

/// `Sheet1`, or `'My sheet'` where Excel would quote it.
pub fn sheet_ref(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    if plain && !name.is_empty() {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// `表2 行5 列3` from a table's name and 0-based row and grid column.
pub fn table_place(table: &str, row: u32, col: u32) -> String {
    format!("{table} 行{} 列{}", u64::from(row) + 1, u64::from(col) + 1)
}

/// `A1` from 0-based row and column.
pub fn cell_name(row: u32, col: u32) -> String {
    let mut name = String::with_capacity(12);
    push_cell_name(&mut name, row, col);
    name
}

/// [`cell_name`] written onto `out`, digit by digit (every cell read is placed).
fn push_cell_name(out: &mut String, row: u32, col: u32) {
    push_column_name(out, col);
    let mut digits = [0u8; 10];
    let mut n = u64::from(row) + 1;
    let mut first = digits.len();
    while n > 0 {
        first -= 1;
        digits[first] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend(digits[first..].iter().map(|&d| char::from(d)));
}

pub fn column_name(col: u32) -> String {
    let mut name = String::with_capacity(3);
    push_column_name(&mut name, col);
    name
}

fn push_column_name(out: &mut String, col: u32) {
    let mut letters = [0u8; 7];
    let mut first = letters.len();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        first -= 1;
        letters[first] = b'A' + ((n - 1) % 26) as u8;
        n = (n - 1) / 26;
    }
    out.extend(letters[first..].iter().map(|&l| char::from(l)));
}

/// A diagnostic about one cell: it shows the cell, not a file line.
pub fn cell_diagnostic(
    document: &str,
    place: &str,
    text: &str,
    code: &'static str,
    message: impl Into<String>,
) -> Diagnostic {
    let source = SourceFile::generated(
        format!("{document}#{place}"),
        text,
        document,
        vec![Origin {
            span: 0..text.len().max(1),
            place: place.to_string(),
            text: text.to_string(),
            verbatim_at: Some(0),
        }],
    );
    Diagnostic::error(code, message).at(&source, 0..text.len())
}

/// A workbook read into grids, one per visible worksheet, in the workbook's order.
#[derive(Debug)]
pub struct Workbook {
    /// How the workbook is named in messages.
    pub name: String,
    pub sheets: Vec<Grid>,
    /// Sheets that were skipped (hidden, charts), said so rather than dropped silently.
    pub notes: Vec<Diagnostic>,
}

pub fn read_path(path: &Path) -> Result<Workbook, Vec<Diagnostic>> {
    let bytes = crate::read_limited(path, MAX_WORKBOOK_BYTES)?;
    read_bytes(&path.display().to_string(), bytes)
}

/// A file named `.xlsx` that is no zip archive: what it looks like instead.
fn not_a_workbook(name: &str, bytes: &[u8]) -> Diagnostic {
    const OLE2: &[u8] = &[0xd0, 0xcf, 0x11, 0xe0];
    let looks_like = if bytes.starts_with(OLE2) {
        "an old-format .xls/.et workbook (OLE2) renamed .xlsx: open it and save it as .xlsx"
    } else if bytes.starts_with(b"%PDF") {
        "a PDF file"
    } else if std::str::from_utf8(bytes.get(..bytes.len().min(4096)).unwrap_or(&[])).is_ok()
        || bytes.starts_with(b"\xef\xbb\xbf")
    {
        "text (CSV saved under an .xlsx name?): open it in Excel and save it as .xlsx"
    } else {
        "neither a zip archive nor a known format"
    };
    let document = name.to_ascii_lowercase().ends_with(".docx");
    Diagnostic::error(
        "xlsx::not-a-workbook",
        format!(
            "{}: {}",
            if document {
                "不是 Word 文档 (not a Word document)"
            } else {
                "不是 Excel 工作簿 (not an Excel workbook)"
            },
            crate::diag::visible(name)
        ),
    )
    .help(format!("the file is {looks_like}"))
}

pub fn read_bytes(name: &str, bytes: Vec<u8>) -> Result<Workbook, Vec<Diagnostic>> {
    let unreadable = |e: &dyn std::fmt::Display| {
        vec![
            Diagnostic::error(
                "xlsx::unreadable",
                format!("无法读取工作簿 (cannot read the workbook {name}): {e}"),
            )
            .help("jixiao reads .xlsx workbooks (Excel 2007 and later, WPS), .xls/.et workbooks and .docx documents"),
        ]
    };
    if !bytes.starts_with(b"PK") {
        return Err(vec![not_a_workbook(name, &bytes)]);
    }
    // Budgets and CRCs first: calamine reads what the archive claims.
    let mut facts = super::budget::inspect(name, &bytes)?;
    let mut spent = super::budget::Spent::default();
    // The parts as the budget pass inflated them, when it kept them: calamine reads the same
    // entries without inflating them again.
    let archive = facts.stored.take().unwrap_or(bytes);
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(archive)).map_err(|e| unreadable(&e))?;
    let mut sheets = Vec::new();
    let mut notes = Vec::new();
    let metadata: Vec<_> = workbook.sheets_metadata().to_vec();
    for sheet in metadata {
        if sheet.typ != SheetType::WorkSheet {
            continue;
        }
        if sheet.visible != SheetVisible::Visible {
            let mut note = Diagnostic::error(
                "xlsx::hidden-sheet",
                format!(
                    "跳过隐藏的工作表「{}」 (skipped the hidden sheet {})",
                    sheet.name, sheet.name
                ),
            );
            note.severity = crate::diag::Severity::Warning;
            notes.push(note);
            continue;
        }
        let uncached: Vec<(u32, u32)> = facts
            .sheet_parts
            .get(&sheet.name)
            .and_then(|part| facts.uncached.get(part))
            .map(|list| {
                list.iter()
                    .filter_map(|(at, _)| parse_cell_name(at))
                    .collect()
            })
            .unwrap_or_default();
        let (mut cells, formats) =
            read_cells(&mut workbook, name, &sheet.name, &uncached, &mut spent)?;
        super::formula::fill_uncached(name, &sheet.name, &facts, &formats, &mut cells, &mut spent)?;
        // Found in the XML the budget pass held, where it is plain; calamine reads the sheet
        // again for them otherwise.
        let found = facts
            .sheet_parts
            .get(&sheet.name)
            .and_then(|part| facts.merges.remove(part));
        let regions = match found {
            Some(regions) => regions,
            None => workbook
                .merge_cells_by_sheet_name(&sheet.name)
                .map_err(|e| unreadable(&e))?,
        };
        let merges = budgeted_merges(name, &sheet.name, &regions, &mut spent)?;
        notes.extend(super::budget::formula_notes(name, &sheet.name, &facts));
        sheets.push(Grid::new(sheet.name.clone(), cells, merges));
    }
    Ok(Workbook {
        name: name.to_string(),
        sheets,
        notes,
    })
}

/// `(13, 3)` from `D14`; `None` for anything else.
pub fn parse_cell_name(name: &str) -> Option<(u32, u32)> {
    let name = name.trim_start_matches('$');
    let split = name.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = name.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for c in letters.chars() {
        col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
    }
    let row: u32 = digits.trim_start_matches('$').parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// Number format codes by cell.
pub(super) type Formats = HashMap<(u32, u32), String>;

/// The filled cells of a sheet, and the number formats of the `uncached` cells (formulas saved
/// without a value, which calamine reads as empty).
/// Merged regions as calamine lists them, each with its corners in order (a region may be
/// written corner to corner the other way round, `J9:A1`) and charged to the workbook's budget.
pub(crate) fn budgeted_merges(
    name: &str,
    sheet: &str,
    regions: &[calamine::Dimensions],
    spent: &mut super::budget::Spent,
) -> Result<Vec<Merge>, Vec<Diagnostic>> {
    let mut merges = Vec::with_capacity(regions.len());
    for d in regions {
        let m = Merge {
            first_row: d.start.0.min(d.end.0),
            first_col: d.start.1.min(d.end.1),
            last_row: d.start.0.max(d.end.0),
            last_col: d.start.1.max(d.end.1),
        };
        let area = (u64::from(m.last_row - m.first_row) + 1)
            .saturating_mul(u64::from(m.last_col - m.first_col) + 1);
        let place = format!(
            "{}!{}:{}",
            sheet_ref(sheet),
            cell_name(m.first_row, m.first_col),
            cell_name(m.last_row, m.last_col)
        );
        spent.merge(name, &place, area)?;
        merges.push(m);
    }
    Ok(merges)
}

fn read_cells(
    workbook: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    sheet: &str,
    uncached: &[(u32, u32)],
    spent: &mut super::budget::Spent,
) -> Result<(Vec<Cell>, Formats), Vec<Diagnostic>> {
    let mut formats = HashMap::new();
    let uncached: std::collections::HashSet<(u32, u32)> = uncached.iter().copied().collect();
    let unreadable = |e: &dyn std::fmt::Display| {
        vec![Diagnostic::error(
            "xlsx::unreadable",
            format!("无法读取工作表 {sheet} (cannot read the sheet {sheet} of {name}): {e}"),
        )]
    };
    let mut reader = workbook
        .worksheet_cells_reader(sheet)
        .map_err(|e| unreadable(&e))?;
    let mut cells = Vec::new();
    while let Some((cell, style_id)) = reader
        .next_cell_with_style_id()
        .map_err(|e| unreadable(&e))?
    {
        if cells.len() >= MAX_CELLS_PER_SHEET {
            return Err(vec![Diagnostic::error(
                "input::too-large",
                format!(
                    "工作表 {sheet} 单元格过多 (the sheet {sheet} has more than {MAX_CELLS_PER_SHEET} filled cells)"
                ),
            )]);
        }
        let format = reader
            .styles()
            .get(style_id)
            .and_then(|s| s.number_format.as_ref())
            .map_or("", |f| f.format_code.as_str());
        let (row, col) = cell.get_position();
        if !uncached.is_empty() && uncached.contains(&(row, col)) {
            formats.insert((row, col), format.to_string());
        }
        if let Some((text, kind)) = convert(cell.get_value(), format) {
            spent.cell(name, sheet, (row, col), &text)?;
            cells.push(Cell {
                row,
                col,
                text,
                kind,
            });
        }
    }
    Ok((cells, formats))
}

pub(crate) fn convert(value: &DataRef<'_>, format: &str) -> Option<(String, CellKind)> {
    let text = |s: &str| Some((s.trim().to_string(), CellKind::Text));
    match value {
        DataRef::Empty => None,
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Int(i) => number(Decimal::from(*i), format),
        DataRef::Float(f) => match exact(*f) {
            Some(d) => number(d, format),
            None => Some((f.to_string(), CellKind::Error)),
        },
        DataRef::Bool(b) => Some((if *b { "TRUE" } else { "FALSE" }.into(), CellKind::Bool)),
        DataRef::Error(e) => Some((e.to_string(), CellKind::Error)),
        DataRef::DateTime(d) => Some((d.as_f64().to_string(), CellKind::Date)),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some((s.clone(), CellKind::Date)),
    }
}

/// The exact decimal behind a double: its shortest round-trip text, with binary noise beyond
/// Excel's 15 significant digits rounded away (`0.30000000000000004` → `0.3`).
pub fn exact(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    // `Display` for f64 prints the shortest text that reads back as the same double, no exponent.
    let text = value.to_string();
    let d = Decimal::from_str(&text).ok()?;
    let digits = text
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>();
    let significant = digits.trim_start_matches('0').len();
    let d = if significant > SIGNIFICANT_DIGITS as usize {
        d.round_sf(SIGNIFICANT_DIGITS).unwrap_or(d)
    } else {
        d
    };
    Some(d.normalize())
}

/// What a number format does to a number: shown as a percentage, with so many decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    pub percent: bool,
    pub decimals: Option<u32>,
}

pub fn number_format(code: &str) -> NumberFormat {
    // The first section (positive numbers), without quoted text, escapes and [colour] blocks.
    let mut plain = String::new();
    let mut chars = code.chars();
    let mut in_quotes = false;
    let mut in_brackets = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => in_quotes = !in_quotes,
            _ if in_quotes => {}
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            _ if in_brackets => {}
            ';' => break,
            c => plain.push(c),
        }
    }
    if plain.eq_ignore_ascii_case("general") || plain.is_empty() {
        return NumberFormat {
            percent: false,
            decimals: None,
        };
    }
    let percent = plain.contains('%');
    let decimals = match plain.find('.') {
        Some(i) => plain.get(i + 1..).map(|rest| {
            rest.chars()
                .take_while(|c| matches!(c, '0' | '#' | '?'))
                .count() as u32
        }),
        None if plain.contains('0') || plain.contains('#') => Some(0),
        None => None,
    };
    NumberFormat { percent, decimals }
}

/// The text of a number as its format shows it. An amount keeps every digit of its value (a
/// value with more decimals than the format shows keeps them). A percentage is the figure the
/// person saw and printed: a rate is almost always a formula's result (`=F6/E6`, 0.4517560975…),
/// and `0.00%` shows it as 45.18%, the figure the form claims.
pub(crate) fn number(value: Decimal, format_code: &str) -> Option<(String, CellKind)> {
    if format_code.trim() == "@" {
        return Some((value.normalize().to_string(), CellKind::Text));
    }
    let format = number_format(format_code);
    let shown = if format.percent {
        let hundred = value.checked_mul(Decimal::ONE_HUNDRED)?;
        match format.decimals {
            Some(d) => hundred
                .round_dp_with_strategy(d, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
            None => hundred,
        }
        .normalize()
    } else {
        value
    };
    let text = with_decimals(shown, format.decimals);
    let text = if format.percent {
        format!("{text}%")
    } else {
        text
    };
    Some((
        text,
        CellKind::Number {
            value,
            percent: format.percent,
        },
    ))
}

fn with_decimals(value: Decimal, decimals: Option<u32>) -> String {
    let value = value.normalize();
    match decimals {
        Some(d) if value.scale() <= d => {
            let mut v = value;
            v.rescale(d);
            v.to_string()
        }
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(value: f64, format: &str) -> String {
        number(exact(value).unwrap(), format).unwrap().0
    }

    #[test]
    fn percentages_come_back_as_typed() {
        assert_eq!(shown(0.9518, "0.00%"), "95.18%");
        assert_eq!(shown(0.0, "0.00%"), "0.00%");
        assert_eq!(shown(1.0, "0%"), "100%");
        // A rate is shown, and claimed, at its format's precision (a formula's result has
        // sixteen digits nobody printed).
        assert_eq!(shown(0.95183, "0.00%"), "95.18%");
        assert_eq!(shown(0.4517560975609756, "0.00%"), "45.18%");
        assert_eq!(shown(0.9910000000000001, "0.00%"), "99.10%");
        assert_eq!(shown(0.99105, "0.00%"), "99.11%");
        assert_eq!(shown(0.4517560975609756, "General"), "0.451756097560976");
        assert_eq!(shown(0.4518, "0.00%;[Red]-0.00%"), "45.18%");
    }

    #[test]
    fn numbers_follow_their_format_without_arithmetic_on_the_double() {
        assert_eq!(shown(92.61, "General"), "92.61");
        assert_eq!(shown(205.0, "General"), "205");
        assert_eq!(shown(2.0, "0.00"), "2.00");
        assert_eq!(shown(1563.95, "#,##0.00"), "1563.95");
        assert_eq!(shown(0.1 + 0.2, "General"), "0.3");
        assert_eq!(shown(4018.56, "0.00_ "), "4018.56");
        assert_eq!(shown(1157.5, "\"¥\"#,##0.0"), "1157.5");
    }

    /// A merged region written corner to corner the other way round (`J9:A1`, as some tools
    /// write it) is the same region; found by fuzzing, where it overflowed a subtraction.
    #[test]
    fn a_reversed_merged_region_is_the_same_region() {
        let cell = |row, col| Cell {
            row,
            col,
            text: "x".into(),
            kind: CellKind::Text,
        };
        let reversed = Merge {
            first_row: 8,
            first_col: 9,
            last_row: 0,
            last_col: 0,
        };
        let grid = Grid::new("S", vec![cell(0, 0)], vec![reversed]);
        assert_eq!(
            grid.merges,
            vec![Merge {
                first_row: 0,
                first_col: 0,
                last_row: 8,
                last_col: 9
            }]
        );
        assert!(grid.covering(8, 9).is_some());
        assert!(grid.merge_at(0, 0).is_some());
        // A region as large as a sheet can claim is recorded without overflow.
        let huge = Merge {
            first_row: u32::MAX,
            first_col: u32::MAX,
            last_row: 0,
            last_col: 0,
        };
        assert_eq!(Grid::new("S", Vec::new(), vec![huge]).merges.len(), 1);
    }

    #[test]
    fn cell_names_parse_back() {
        assert_eq!(parse_cell_name("D14"), Some((13, 3)));
        assert_eq!(parse_cell_name("$AA$1"), Some((0, 26)));
        assert_eq!(parse_cell_name("A0"), None);
        assert_eq!(parse_cell_name("14"), None);
        assert_eq!(parse_cell_name("ABCD1"), None);
    }

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(13, 3), "D14");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(sheet_ref("Sheet1"), "Sheet1");
        assert_eq!(sheet_ref("市民之家"), "市民之家");
        assert_eq!(sheet_ref("My sheet"), "'My sheet'");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(u32::MAX, u32::MAX), "MWLQKWV4294967296");
        for (row, col) in [(0, 0), (9, 9), (99, 27), (12_345, 702)] {
            assert_eq!(parse_cell_name(&cell_name(row, col)), Some((row, col)));
        }
        let grid = Grid::new("My sheet", Vec::new(), Vec::new());
        assert_eq!(grid.place(13, 3), "'My sheet'!D14");
        assert_eq!(grid.range_place((0, 0), (1, 2)), "'My sheet'!A1:C2");
    }
}
