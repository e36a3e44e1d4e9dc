//! Where output goes: stdout, buffered; diagnostics to stderr.

use crate::diag::Diagnostic;
use std::io::{self, BufWriter, Write};

pub struct Out {
    inner: Box<dyn Write>,
}

impl Out {
    pub fn stdout() -> Out {
        Out {
            inner: Box::new(BufWriter::new(io::stdout().lock())),
        }
    }

    /// Output into a buffer, for tests.
    pub fn buffer(buffer: SharedBuffer) -> Out {
        Out {
            inner: Box::new(buffer),
        }
    }

    pub fn write_str(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(text.as_bytes())
    }

    pub fn line(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(text.as_bytes())?;
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
    files: usize,
    warnings: &[Diagnostic],
    errors: &[Diagnostic],
) -> io::Result<super::Outcome> {
    if !warnings.is_empty() {
        out.flush()?;
        report(warnings);
    }
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
