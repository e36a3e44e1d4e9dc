//! `jixiao rules fmt [--check] FILE…`: rewrite rule files in canonical layout.

use super::Outcome;
use super::output::{Out, report};
use crate::diag::{Diagnostic, SourceFile};
use crate::rules::format::{FormatError, format_source};
use crate::rules::syntax_diagnostic;
use crate::write::{Overwrite, write_atomic};
use std::io;
use std::path::PathBuf;

pub fn run(files: &[PathBuf], check: bool, out: &mut Out) -> io::Result<Outcome> {
    let mut outcome = Outcome::Ok;
    for file in files {
        let shown = file.display().to_string();
        let text = match crate::read_text(file) {
            Ok(t) => t,
            Err(errors) => {
                out.flush()?;
                report(&errors);
                outcome = outcome.worst(Outcome::BadInput);
                continue;
            }
        };
        let formatted = match format_source(&text) {
            Ok(f) => f,
            Err(FormatError::Syntax(e)) => {
                out.flush()?;
                report(&[syntax_diagnostic(&SourceFile::new(&shown, text), &e)]);
                outcome = outcome.worst(Outcome::BadInput);
                continue;
            }
            Err(FormatError::Changed(why)) => {
                out.flush()?;
                report(&[Diagnostic::error(
                    "rules::fmt",
                    format!("无法安全地格式化，文件未改动 (cannot format {shown} safely, left as it was): {why}"),
                )
                .help("this is a bug in `jixiao rules fmt`; please report it with the file")]);
                outcome = outcome.worst(Outcome::BadInput);
                continue;
            }
        };
        // A file read with a byte-order mark or CRLF line ends is rewritten too.
        let on_disk = std::fs::read(file).unwrap_or_default();
        if formatted.as_bytes() == on_disk.as_slice() {
            continue;
        }
        if check {
            outcome = outcome.worst(Outcome::Findings);
            out.line(&format!(
                "{shown}: 格式需调整 (not in canonical layout; run `jixiao rules fmt {shown}`)"
            ))?;
            if let Some((line, before, after)) = first_difference(&text, &formatted) {
                out.line(&format!("  {shown}:{line}"))?;
                out.line(&format!("  - {before}"))?;
                out.line(&format!("  + {after}"))?;
            }
            continue;
        }
        match write_atomic(file, formatted.as_bytes(), Overwrite::InPlace) {
            Ok(()) => out.line(&format!("{shown}: 已格式化 (formatted)"))?,
            Err(d) => {
                out.flush()?;
                report(&[d]);
                outcome = outcome.worst(Outcome::BadInput);
            }
        }
    }
    Ok(outcome)
}

/// The first line where two texts differ: its number, the old line and the new one.
fn first_difference(old: &str, new: &str) -> Option<(usize, String, String)> {
    let mut old_lines = old.lines();
    let mut new_lines = new.lines();
    for number in 1.. {
        match (old_lines.next(), new_lines.next()) {
            (None, None) => {
                // Only line ends or the final newline differ.
                return Some((number, "(line ends)".into(), "(\\n)".into()));
            }
            (a, b) if a.map(|s| s.trim_end_matches('\r')) == b => {}
            (a, b) => {
                return Some((
                    number,
                    a.unwrap_or("(end of file)").to_string(),
                    b.unwrap_or("(end of file)").to_string(),
                ));
            }
        }
    }
    None
}
