//! One unnamed temporary file that the batch index appends to and reads back from: the row keys
//! past a first few ([`super::row_keys`]) and every form's name and file ([`super::labels`]).
//! The system deletes an unnamed file when jixiao exits, even when it is killed. The file is made
//! on the first append; a caller whose append fails keeps its data in memory.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

#[derive(Default)]
pub(super) struct Spill {
    file: Option<File>,
    /// Bytes appended whole: a failed append does not move it, and the next one writes over
    /// whatever part of it reached the file.
    end: u64,
}

impl Spill {
    /// Append `bytes`; where they start in the file.
    pub(super) fn append(&mut self, bytes: &[u8]) -> io::Result<u64> {
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile()?),
        };
        let at = self.end;
        file.seek(SeekFrom::Start(at))?;
        file.write_all(bytes)?;
        self.end = at + bytes.len() as u64;
        Ok(at)
    }

    /// Bytes appended whole so far.
    pub(super) fn len(&self) -> u64 {
        self.end
    }

    /// Fill `bytes` from offset `at`.
    pub(super) fn read_at(&self, at: u64, bytes: &mut [u8]) -> io::Result<()> {
        let mut file: &File = self
            .file
            .as_ref()
            .ok_or_else(|| io::Error::other("nothing was written out"))?;
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(bytes)
    }
}
