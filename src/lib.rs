//! jixiao (绩效): scores Chinese budget performance self-evaluation forms (预算绩效自评表).
//!
//! The phases, one module each:
//! - [`rules`]: the rules language (lexer → parser → AST → checked [`rules::RuleSet`]);
//! - [`value`]: target and actual cells (`≥95%`, `≤10万元`, `明显`);
//! - [`form`]: form files (raw TOML → validated [`form::Form`]);
//! - [`score`]: the engine (rules + form → [`score::ScoreSheet`], with a trace per number);
//! - [`render`]: tables, JSON and Markdown;
//! - [`review`]: re-scoring a submitted form (复核): findings with codes, places and evidence;
//! - [`diff`]: what a revision of the rules changes on the forms on file;
//! - [`report`]: the official layout of each form (HTML, Markdown) and the disclosure narrative;
//! - `xlsx` (feature `xlsx`): forms read from and written to Excel workbooks;
//! - [`cli`]: the `jixiao` command.

#![forbid(unsafe_code)]

pub mod cli;
pub mod corpus;
pub mod diag;
pub mod diff;
pub mod form;
pub mod num;
pub mod render;
pub mod report;
pub mod review;
pub mod rules;
pub mod score;
pub mod value;
pub mod write;
#[cfg(feature = "xlsx")]
pub mod xlsx;

use diag::{Diagnostic, SourceFile};
use std::io::Read;
use std::path::Path;

/// Input files larger than this are refused before parsing.
pub const MAX_INPUT_BYTES: u64 = 8 << 20;

/// Read a text file for parsing: size-limited, UTF-8 checked, BOM removed.
pub fn read_text(path: &Path) -> Result<String, Vec<Diagnostic>> {
    let bytes = read_limited(path, MAX_INPUT_BYTES)?;
    decode_text(&path.display().to_string(), bytes)
}

/// Read a file's bytes, refusing one larger than `limit` before reading it.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let name = path.display();
    let io_error = |e: std::io::Error| {
        vec![Diagnostic::error(
            "input::io",
            format!("无法读取文件 (cannot read {name}): {e}"),
        )]
    };
    let too_large = |len: u64| {
        vec![Diagnostic::error(
            "input::too-large",
            format!("文件过大 (the file {name} is {len} bytes; the limit is {limit})"),
        )]
    };
    // One open: the size comes from the open file, and the read stops past the limit, so a file
    // that grows meanwhile (or a device that never ends) cannot exceed it either.
    let file = std::fs::File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// UTF-8 text from bytes, with a located error for anything else (GBK files are common; Windows
/// Notepad's "Unicode" is UTF-16).
pub fn decode_text(name: &str, bytes: Vec<u8>) -> Result<String, Vec<Diagnostic>> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        let file = SourceFile::new(name, "\u{fffd}");
        return Err(vec![
            Diagnostic::error(
                "input::encoding",
                "文件是 UTF-16 编码，不是 UTF-8 (the file is UTF-16 text, not UTF-8)",
            )
            .at(&file, 0..'\u{fffd}'.len_utf8())
            .label("a UTF-16 byte-order mark")
            .help("另存为 UTF-8 编码 (save it again as UTF-8: in Notepad, 另存为 → 编码 UTF-8)"),
        ]);
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let valid_up_to = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix =
                String::from_utf8_lossy(bytes.get(..valid_up_to).unwrap_or(&[])).into_owned();
            let shown = format!("{prefix}\u{fffd}");
            let file = SourceFile::new(name, shown);
            let at = valid_up_to..valid_up_to + '\u{fffd}'.len_utf8();
            Err(vec![
                Diagnostic::error(
                    "input::encoding",
                    "文件不是 UTF-8 编码 (the file is not UTF-8 text)",
                )
                .at(&file, at)
                .label("this byte is not valid UTF-8")
                .help("如果是 GBK/GB18030 编码，请另存为 UTF-8 (if it was saved as GBK, save it again as UTF-8)"),
            ])
        }
    }
}
