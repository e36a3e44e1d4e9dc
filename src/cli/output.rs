//! Where output goes: stdout, buffered; diagnostics to stderr.

use crate::diag::Diagnostic;
use std::io::{self, BufWriter, IsTerminal, Write};

/// Standard output. Everything written is shown as a person would read it: a control character
/// that came from a form or a file name (ESC, a lone carriage return, a bidirectional override)
/// is written as a visible escape (`\u{1b}`), whatever the renderer did, unless the output was
/// made [`verbatim`](Out::verbatim) (`--csv-raw`).
pub struct Out {
    inner: Box<dyn Write>,
    verbatim: bool,
}

impl Out {
    pub fn stdout() -> Out {
        Out {
            inner: Box::new(BufWriter::new(io::stdout().lock())),
            verbatim: false,
        }
    }

    /// Output into a buffer, for tests.
    pub fn buffer(buffer: SharedBuffer) -> Out {
        Out {
            inner: Box::new(buffer),
            verbatim: false,
        }
    }

    /// Write text exactly as given from now on: for output meant for programs (`--csv-raw`).
    pub fn verbatim(&mut self, verbatim: bool) {
        self.verbatim = verbatim;
    }

    pub fn write_str(&mut self, text: &str) -> io::Result<()> {
        if self.verbatim {
            return self.inner.write_all(text.as_bytes());
        }
        self.inner
            .write_all(crate::diag::visible_text(text).as_bytes())
    }

    pub fn line(&mut self, text: &str) -> io::Result<()> {
        self.write_str(text)?;
        self.inner.write_all(b"\n")
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A clonable in-memory writer.
#[derive(Clone, Default)]
pub struct SharedBuffer(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuffer {
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.lock() {
            Ok(mut inner) => {
                inner.extend_from_slice(buf);
                Ok(buf.len())
            }
            Err(_) => Err(io::Error::other("buffer poisoned")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a directory walk passed over: each submission that will not be read (a format not read
/// yet, a link not followed) by name, then one line counting everything skipped, by reason.
pub fn report_skipped(out: &mut Out, sources: &crate::app::sources::Sources) -> io::Result<()> {
    let Some(summary) = sources.skipped_summary() else {
        return Ok(());
    };
    out.flush()?;
    let mut err = io::stderr().lock();
    for (path, reason) in &sources.skipped {
        if reason.is_notable() {
            writeln!(
                err,
                "jixiao: 跳过 (skipped) {}: {}",
                crate::diag::visible(&path.display().to_string()),
                reason.describe()
            )?;
        }
    }
    writeln!(err, "jixiao: {summary}")
}

/// How wide tables are drawn, from `--wide`, `--width N` and the terminal: fitted to the
/// terminal when stdout is one, in full (a stable layout for scripts) when it is piped.
#[derive(Debug, Clone, clap::Args)]
pub struct TableWidth {
    /// Draw tables in full, however wide (the layout piped output gets).
    #[arg(long, conflicts_with = "width")]
    pub wide: bool,
    /// Fit tables to this many columns (default: the terminal's width when stdout is a terminal).
    #[arg(long, value_name = "COLUMNS")]
    pub width: Option<u16>,
}

impl TableWidth {
    /// The width to fit, or `None` for the full layout.
    pub fn columns(&self) -> Option<u16> {
        if self.wide {
            return None;
        }
        if self.width.is_some() {
            return self.width;
        }
        if !io::stdout().is_terminal() {
            return None;
        }
        terminal_size::terminal_size().map(|(terminal_size::Width(w), _)| w)
    }
}

/// Diagnostics go to stderr, so that stdout stays machine-readable.
pub fn report(diagnostics: &[Diagnostic]) {
    let mut err = io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(err, "{d}");
    }
}

/// The end of a batch: warnings and input errors to stderr (after what was printed), and the
/// exit code: 2 when a file could not be read, or when no form file was found at all.
pub fn finish_batch(
    out: &mut Out,
    mut outcome: super::Outcome,
    sources: &crate::app::sources::Sources,
    warnings: &[Diagnostic],
    errors: &[Diagnostic],
) -> io::Result<super::Outcome> {
    let files = sources.files.len();
    if !warnings.is_empty() {
        out.flush()?;
        report(warnings);
    }
    report_skipped(out, sources)?;
    if !errors.is_empty() {
        out.flush()?;
        report(errors);
        outcome = outcome.worst(super::Outcome::BadInput);
    }
    if files == 0 && errors.is_empty() {
        eprintln!("jixiao: 没有找到表格文件 (no form files found under the given paths)");
        outcome = super::Outcome::BadInput;
    }
    Ok(outcome)
}
