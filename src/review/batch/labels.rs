//! Each form's name and file, for the batch findings that name forms: about 130 bytes a form,
//! 13 MB at 100,000 forms if kept in memory, and kept (in the heap, between the short-lived
//! allocations of the forms that stream past) for the whole run.
//!
//! So they are appended to a buffer that, once it holds [`IN_MEMORY`] bytes, is written to the
//! end of the index's temporary file ([`Spill`]). Memory keeps one number a form: where its
//! label ends. A finding reads its form's label back with one seek and read. Where no temporary
//! file can be made or written, the labels stay in memory: the run costs memory then, and loses
//! nothing.

use super::spill::Spill;

/// Bytes kept in memory before they are written out.
const IN_MEMORY: usize = 1 << 16;

/// A form's name and the file it came from, as the index gives them back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Label {
    pub name: String,
    pub file: String,
}

/// The labels of a run's forms, by form number ([module docs](self)).
pub(super) struct Labels {
    /// Where each form's label ends, counted from the first label's start.
    ends: Vec<u64>,
    /// The labels not written out: they start where the written ones end.
    buffer: Vec<u8>,
    written: Spill,
    limit: usize,
    /// A temporary file could not be made or written: every label stays in memory.
    in_memory_only: bool,
}

impl Default for Labels {
    fn default() -> Self {
        Labels::with_limit(IN_MEMORY)
    }
}

impl Labels {
    /// Bytes kept in memory up to `limit` (tests write small batches out with a small one).
    pub(super) fn with_limit(limit: usize) -> Labels {
        Labels {
            ends: Vec::new(),
            buffer: Vec::new(),
            written: Spill::default(),
            limit: limit.max(1),
            in_memory_only: false,
        }
    }

    /// Room for the ends of `forms` labels.
    pub(super) fn reserve(&mut self, forms: usize) {
        self.ends.reserve_exact(forms);
    }

    /// Add the next form's label: the length of its name (8 bytes), its name, its file.
    pub(super) fn push(&mut self, name: &str, file: &str) {
        self.buffer
            .extend_from_slice(&(name.len() as u64).to_le_bytes());
        self.buffer.extend_from_slice(name.as_bytes());
        self.buffer.extend_from_slice(file.as_bytes());
        self.ends
            .push(self.written.len() + self.buffer.len() as u64);
        if self.buffer.len() >= self.limit && !self.in_memory_only {
            match self.written.append(&self.buffer) {
                Ok(_) => self.buffer.clear(),
                // The buffer is still whole, and what was written of it is not counted.
                Err(_) => self.in_memory_only = true,
            }
        }
    }

    /// The label of form `form`: from the buffer, or read back from the file. `None` for a
    /// form not added, or one whose label could not be read back.
    pub(super) fn get(&self, form: u32) -> Option<Label> {
        let i = form as usize;
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        let len = usize::try_from(end.checked_sub(start)?).ok()?;
        let written = self.written.len();
        let bytes = if start >= written {
            let at = usize::try_from(start - written).ok()?;
            self.buffer.get(at..at.checked_add(len)?)?.to_vec()
        } else {
            let mut bytes = vec![0; len];
            self.written.read_at(start, &mut bytes).ok()?;
            bytes
        };
        let name_len = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
        let name_end = usize::try_from(name_len).ok()?.checked_add(8)?;
        let name = bytes.get(8..name_end)?;
        let file = bytes.get(name_end..)?;
        Some(Label {
            name: String::from_utf8_lossy(name).into_owned(),
            file: String::from_utf8_lossy(file).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Label, Labels};

    fn label(i: usize) -> (String, String) {
        // Names of every length, some empty, some longer than the buffer.
        let name = "项目".repeat(i % 7) + &"x".repeat(if i.is_multiple_of(50) { 300 } else { 0 });
        (name, format!("dir/{i}.xlsx#Sheet{}", i % 3))
    }

    #[test]
    fn labels_written_out_come_back_as_labels_kept_in_memory() {
        let (mut small, mut large) = (Labels::with_limit(97), Labels::with_limit(1 << 20));
        for i in 0..2_000 {
            let (name, file) = label(i);
            small.push(&name, &file);
            large.push(&name, &file);
        }
        assert!(small.written.len() > 0 && large.written.len() == 0);
        assert_eq!(small.ends.len(), 2_000);
        for i in 0..2_000 {
            let (name, file) = label(i);
            let expected = Some(Label { name, file });
            assert_eq!(small.get(i as u32), expected, "form {i}");
            assert_eq!(large.get(i as u32), expected, "form {i}");
        }
        assert_eq!(small.get(2_000), None);
    }
}
