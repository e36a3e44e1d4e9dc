//! Excel workbooks in and out (feature `xlsx`).
//!
//! - [`cells`]: a workbook read into grids of cells, numbers exact and shown as their format shows them;
//! - [`import`]: 自评表 found in those grids by their header cells, written as form-file text;
//! - [`export`]: scored forms written back in the official layout.

pub mod budget;
pub mod cells;
pub mod export;
pub mod import;

pub use cells::{Workbook, read_path};
pub use import::{Import, ImportOptions, ImportedForm, import_workbook};

/// Whether a path names a workbook jixiao reads.
pub fn is_workbook(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}
