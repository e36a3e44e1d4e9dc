//! Tables in: Excel workbooks (`.xlsx`, `.xls`, WPS `.et`) and Word documents (`.docx`). (Excel
//! out, the official layout as a workbook, is an output format: `report::xlsx`.)
//!
//! Every input format is read into the same grids of cells (merged regions and all), and one form
//! builder reads the grids, whichever format they came from:
//! - [`cells`]: the grids, and `.xlsx` read into them, numbers exact and shown as their format
//!   shows them;
//! - [`xls`] (with [`biff`]): `.xls` / `.et` read into them;
//! - [`docx`]: the tables of a Word document read into them (`w:gridSpan`, `w:vMerge`,
//!   `w:gridBefore` become merged regions);
//! - [`import`]: 自评表 found in those grids by their header cells, written as form-file text.

pub mod biff;
pub mod budget;
pub mod cells;
pub mod docx;
pub mod formula;
pub mod import;
mod labels;
mod merges;
pub mod xls;

pub use cells::Workbook;
pub use import::{Import, ImportOptions, ImportedForm, import_workbook};

use crate::diag::Diagnostic;
use std::path::Path;

/// Extensions of the files read as tables: workbooks and Word documents.
pub const TABLE_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "et", "docx"];

/// Whether a path names a workbook or document jixiao reads tables from.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TABLE_EXTENSIONS.iter().any(|t| e.eq_ignore_ascii_case(t)))
}

/// Read a workbook or a Word document into grids, whatever its extension says: by what the file
/// is (a zip holding `word/document.xml` is a document, another zip a workbook, an OLE2 file an
/// old-format workbook), so that a `.xls` saved as `.xlsx` or a workbook named `.et` is read.
pub fn read_path(path: &Path) -> Result<Workbook, Vec<Diagnostic>> {
    let bytes = crate::read_limited(path, cells::MAX_WORKBOOK_BYTES)?;
    read_bytes(&path.display().to_string(), bytes)
}

/// [`read_path`] for bytes received rather than read (an upload); `name` is what messages call it.
pub fn read_bytes(name: &str, bytes: Vec<u8>) -> Result<Workbook, Vec<Diagnostic>> {
    // An OLE2 compound file (its signature's first half: a damaged one is said to be damaged).
    const OLE2: &[u8] = &[0xd0, 0xcf, 0x11, 0xe0];
    if bytes.starts_with(OLE2) {
        return xls::read_bytes(name, bytes);
    }
    if bytes.starts_with(b"PK") && is_word_document(&bytes) {
        return docx::read_bytes(name, bytes);
    }
    cells::read_bytes(name, bytes)
}

/// A zip archive with a `word/document.xml` part.
fn is_word_document(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .is_ok_and(|archive| archive.index_for_name("word/document.xml").is_some())
}
