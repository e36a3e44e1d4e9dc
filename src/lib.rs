//! jixiao (绩效): scores Chinese budget performance self-evaluation forms (预算绩效自评表).
//!
//! A [`Session`] holds the rulesets of a run (the shipped ones, and any rule file you add); it
//! loads a form, resolves the ruleset in force for it, scores every figure with a trace, and
//! reviews the form as a finance bureau would (复核):
//!
//! ```
//! use jixiao::{CheckSet, ScoreOptions, Session};
//!
//! // A form file as a unit writes it (here the reference form shipped with jixiao).
//! let text = include_str!("../evaluations/xuchang-2023/01-citizen-center-operations.toml");
//!
//! let session = Session::builtin()?;
//! let scored = session.score_text("citizen-center.toml", text, ScoreOptions { trace: true })?;
//! assert_eq!(scored.ruleset.id, "henan-2023");
//! assert_eq!(scored.sheet.execution.score.to_string(), "4.52"); // 10 × 92.61 / 205, rounded
//! assert_eq!(scored.sheet.total.to_string(), "94.52");
//! assert_eq!(scored.sheet.grade, "优");
//! assert!(scored.sheet.mismatches().is_empty()); // every claimed figure is the rules' own
//!
//! // Each number explains itself: the rule, the formula, the inputs.
//! let trace = scored.sheet.execution.trace.as_ref().expect("traced");
//! assert!(trace.formula.contains("rate"));
//!
//! // Review it as a finance bureau would (复核): findings with a code, a place and evidence.
//! let review = session.review(&scored.form, &CheckSet::all())?;
//! assert!(review.findings.iter().any(|f| f.code == "cost-exceeds-spend"));
//! # Ok::<(), Vec<jixiao::Diagnostic>>(())
//! ```
//!
//! The phases, one module each, data flowing one way:
//! - [`value`]: target and actual cells (`≥95%`, `≤10万元`, `明显`);
//! - [`rules`]: the rules language (lexer → parser → AST → checked [`RuleSet`]);
//! - [`form`]: form files (raw TOML → validated [`Form`]);
//! - [`score`]: the engine (rules + form → [`ScoreSheet`], with a trace per number);
//! - [`review`]: re-scoring a submitted form: [`Finding`]s with codes, places and evidence;
//! - [`diff`]: what a revision of the rules changes on the forms on file;
//! - [`render`] and [`report`]: tables, JSON, Markdown; the official layout and the disclosure text;
//! - `xlsx` (feature `xlsx`): forms read from and written to Excel workbooks;
//! - [`app`]: the application layer over them ([`Session`], the batch path), which the `jixiao`
//!   command and the web server are thin shells over;
//! - `serve` (feature `serve`): the form page and its JSON API (`jixiao serve`).
//!
//! Errors are [`Diagnostic`]s: a code, a bilingual message, and the place in the file.

#![forbid(unsafe_code)]

pub mod app;
#[doc(hidden)]
/// The `jixiao` command line; public only so that the binary can call it.
pub mod cli;
pub mod diag;
pub mod diff;
pub mod form;
pub mod num;
pub mod render;
pub mod report;
pub mod review;
pub mod rules;
pub mod score;
#[cfg(feature = "serve")]
pub mod serve;
pub mod value;
pub mod write;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use app::{Outcome, Scored, ScoredForm, Session};
pub use diag::{Diagnostic, Severity};
pub use form::Form;
pub use review::{CheckSet, Finding, FormReview};
pub use rules::{Registry, RuleSet};
pub use score::{ScoreOptions, ScoreSheet};

use diag::SourceFile;
use std::io::Read;
use std::path::Path;

/// Input files larger than this are refused before parsing.
pub const MAX_INPUT_BYTES: u64 = 8 << 20;

/// Line breaks and separators (`,` `=` `[` `]` `{` `}`) in a text input (form, rule file,
/// template). The TOML parser keeps a token and an event for each, some 200 bytes in all: a form
/// padded to 8 MiB with line breaks cost 480 MB a worker, one holding an array of 4 million
/// numbers 860 MB. A form of 2,000 indicators has about 40,000.
pub const MAX_INPUT_SEPARATORS: usize = 300_000;

/// Read a text file for parsing: size-limited, UTF-8 checked, BOM removed, at most
/// [`MAX_INPUT_SEPARATORS`] line breaks and separators.
pub fn read_text(path: &Path) -> Result<String, Vec<Diagnostic>> {
    let bytes = read_limited(path, MAX_INPUT_BYTES)?;
    let name = path.display().to_string();
    // Each separator is one byte: a file no longer than the limit cannot pass it, and that is
    // every form (the count, byte by byte, was 4% of reviewing a batch).
    let past = if bytes.len() <= MAX_INPUT_SEPARATORS {
        None
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, b'\n' | b',' | b'=' | b'[' | b']' | b'{' | b'}'))
            .nth(MAX_INPUT_SEPARATORS)
            .map(|(at, _)| at)
    };
    if let Some(at) = past {
        let text = String::from_utf8_lossy(bytes.get(..=at).unwrap_or(&[])).into_owned();
        let at = text.len().saturating_sub(1);
        let file = SourceFile::new(name.as_str(), text);
        return Err(vec![
            Diagnostic::error(
                "input::too-large",
                format!(
                    "文件过于繁复 (the file has more than {MAX_INPUT_SEPARATORS} line breaks and separators `, = [ ] {{ }}`; no form or rule file comes near this)"
                ),
            )
            .at(&file, at..at + 1)
            .label("the first one past the limit"),
        ]);
    }
    decode_text(&name, bytes)
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
    // Opening a FIFO for reading waits for a writer: a FIFO (or a socket) named like a form
    // would block the whole batch. Its type is checked before it is opened.
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = std::fs::metadata(path).map_err(io_error)?.file_type();
        if kind.is_fifo() || kind.is_socket() {
            return Err(vec![Diagnostic::error(
                "input::not-a-file",
                format!(
                    "不是普通文件 (cannot read {}: it is a FIFO or a socket, not a file)",
                    diag::visible(&name.to_string())
                ),
            )]);
        }
    }
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
    // simdutf8 checks Chinese text in a seventh of the time `std::str::from_utf8` takes (3% of
    // reviewing a batch), and says where invalid text goes wrong just as `std` does.
    match simdutf8::compat::from_utf8(&bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_owned()),
        Err(e) => {
            let valid_up_to = e.valid_up_to();
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
