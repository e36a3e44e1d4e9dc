//! Old-format workbooks: Excel 97–2003 `.xls` and WPS `.et` (BIFF8 records in an OLE2 compound
//! file), read into the same grids as `.xlsx`.
//!
//! calamine reads the values and merged regions, but not the number formats of an `.xls`, and a
//! rate is stored there as a fraction shown through a `0.00%` format (0.991 is printed 99.10%).
//! So the workbook stream is walked here first (`biff`): every number cell's format is found
//! through its XF record, and the budgets are held before calamine builds anything, because
//! calamine sizes its grids from what the file declares (a DIMENSIONS record of 65,536 × 256,
//! or cells at A1 and IV65536, would make it allocate half a gigabyte).

use super::budget::Spent;
use super::cells::{Cell, Grid, Workbook};
use crate::diag::{Diagnostic, Severity};
use calamine::{Data, DataRef, Reader, SheetType, SheetVisible, Xls};
use std::io::Cursor;

/// Cells a sheet's grid may span (rows × columns), as calamine allocates them.
pub const MAX_SHEET_AREA: u64 = 1_000_000;
/// The same, all sheets together.
pub const MAX_WORKBOOK_AREA: u64 = 4_000_000;

pub(crate) fn too_large(name: &str, what: String) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            "input::too-large",
            format!("工作簿超出限制 (the workbook {name} is over a limit): {what}"),
        )
        .help("no self-evaluation form comes near this; if the workbook is genuine, save the form's sheet alone as a new workbook"),
    ]
}

pub(crate) fn unreadable(name: &str, e: &dyn std::fmt::Display) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            "xlsx::unreadable",
            format!("无法读取工作簿 (cannot read the workbook {name}): {e}"),
        )
        .help("jixiao reads .xls and .et files saved by Excel 97 and later or WPS (BIFF8); save the file as .xlsx if it is older"),
    ]
}

/// The visible worksheets of an `.xls` / `.et` workbook.
pub fn read_bytes(name: &str, bytes: Vec<u8>) -> Result<Workbook, Vec<Diagnostic>> {
    let stream = super::biff::workbook_stream(name, &bytes)?;
    let scan = super::biff::scan(name, &stream)?;
    drop(stream);
    // calamine reads some record bodies without checking their length (`read_u16` of a short
    // record panics: found by the `xls` fuzz target). One damaged workbook must not end a batch,
    // so a panic inside calamine is this file's error. (The fuzzer still counts it: its panic
    // hook aborts.)
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_scanned(name, bytes, &scan)
    }))
    .unwrap_or_else(|_| {
        Err(unreadable(
            name,
            &"a damaged record stopped the .xls reader (calamine)",
        ))
    })
}

/// The sheets of a workbook whose records were walked (`scan`), read by calamine.
fn read_scanned(
    name: &str,
    bytes: Vec<u8>,
    scan: &super::biff::Scan,
) -> Result<Workbook, Vec<Diagnostic>> {
    let mut workbook: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| unreadable(name, &e))?;
    let mut spent = Spent::default();
    let mut sheets = Vec::new();
    let mut notes = Vec::new();
    let metadata: Vec<_> = workbook.sheets_metadata().to_vec();
    for (index, sheet) in metadata.iter().enumerate() {
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
            note.severity = Severity::Warning;
            notes.push(note);
            continue;
        }
        let range = workbook
            .worksheet_range(&sheet.name)
            .map_err(|e| unreadable(name, &e))?;
        let formats = scan.sheets.get(index);
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut cells = Vec::new();
        for (r, c, value) in range.used_cells() {
            let (row, col) = (top + r as u32, left + c as u32);
            let format = formats
                .and_then(|f| f.get(&(row, col)))
                .map_or("General", String::as_str);
            let Some((text, kind)) = super::cells::convert(&data_ref(value), format) else {
                continue;
            };
            spent.cell(name, &sheet.name, (row, col), &text)?;
            cells.push(Cell {
                row,
                col,
                text,
                kind,
            });
        }
        let regions = workbook
            .merge_cells_by_sheet_name(&sheet.name)
            .map_err(|e| unreadable(name, &e))?;
        let merges = super::cells::budgeted_merges(name, &sheet.name, &regions, &mut spent)?;
        sheets.push(Grid::new(sheet.name.clone(), cells, merges));
    }
    Ok(Workbook {
        name: name.to_string(),
        sheets,
        notes,
    })
}

fn data_ref(value: &Data) -> DataRef<'_> {
    match value {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}
