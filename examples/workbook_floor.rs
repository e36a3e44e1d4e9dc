//! The calamine floor of the workbook batch path: the same files found and read on the same
//! worker pool, each opened by calamine and every visible sheet's cells (with their styles) and
//! merged regions read, and nothing else: no budget scan, no table recognition, no scoring. `jixiao
//! score` over the same workbooks is measured against it (docs/performance.md, "Workbooks").
//!
//!     cargo run --release --example workbook_floor -- [--jobs N] PATH…

use calamine::{Reader, SheetType, SheetVisible, Xlsx};
use jixiao::app::Batch;
use jixiao::app::sources;
use std::io::Cursor;
use std::path::Path;
use std::process::ExitCode;

#[path = "support/floor_args.rs"]
mod floor_args;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The filled cells of every visible sheet of one `.xlsx`, as calamine reads them.
fn cells(path: &Path) -> Option<usize> {
    let bytes = std::fs::read(path).ok()?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).ok()?;
    let sheets: Vec<_> = workbook.sheets_metadata().to_vec();
    let mut filled = 0;
    for sheet in sheets {
        if sheet.typ != SheetType::WorkSheet || sheet.visible != SheetVisible::Visible {
            continue;
        }
        let mut reader = workbook.worksheet_cells_reader(&sheet.name).ok()?;
        while let Some((cell, style)) = reader.next_cell_with_style_id().ok()? {
            let _ = (reader.styles().get(style), cell.get_position());
            filled += 1;
        }
        drop(reader);
        filled += workbook.merge_cells_by_sheet_name(&sheet.name).ok()?.len();
    }
    Some(filled)
}

fn main() -> ExitCode {
    let (jobs, paths) = floor_args::parse();
    let (files, errors) = sources::collect(&paths);
    let Ok(batch) = Batch::new(jobs) else {
        return ExitCode::from(2);
    };
    let (mut read, mut cells_read, mut failed) = (0usize, 0usize, errors.len());
    let result = batch.run(
        &files,
        |path| cells(path),
        |filled| {
            match filled {
                Some(n) => (read, cells_read) = (read + 1, cells_read + n),
                None => failed += 1,
            }
            Ok(())
        },
    );
    if result.is_err() {
        return ExitCode::from(2);
    }
    eprintln!(
        "workbook_floor: {read} workbooks read ({cells_read} cells and merges), {failed} failed"
    );
    ExitCode::SUCCESS
}
