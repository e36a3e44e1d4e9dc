//! The distinctive rows of a run's forms, for `copied-across-units`: 12 bytes a row, and about 23
//! rows a form, so 2.3 million rows (28 MB) at 100,000 forms if all were kept in memory.
//!
//! Up to [`IN_MEMORY`] keys are kept in memory. Past that, the full buffer is sorted and written to
//! the index's temporary file ([`Spill`]) as a run, bucket by bucket (a bucket is the top bits of
//! the hash). After the last
//! form the buckets are read back one at a time, each from every run, and sorted. Equal rows have
//! equal hashes, so they always share a bucket: the check sees each group of equal rows whole,
//! and its memory is one buffer and one bucket, whatever the size of the batch.
//!
//! Where no temporary file can be made or written (a full or read-only disk), the keys stay in
//! memory: the check costs memory then, and loses nothing.

use super::RowKey;
use super::spill::Spill;

/// Keys kept in memory before a run is written out (786 KB).
const IN_MEMORY: usize = 1 << 16;
const BUCKET_BITS: u32 = 6;
const BUCKETS: usize = 1 << BUCKET_BITS;
const KEY_BYTES: usize = 12;

fn bucket(key: &RowKey) -> usize {
    (key.hash[0] >> (32 - BUCKET_BITS)) as usize
}

fn encode(key: &RowKey, out: &mut Vec<u8>) {
    for word in [key.hash[0], key.hash[1], key.form] {
        out.extend_from_slice(&word.to_le_bytes());
    }
}

fn decode(bytes: &[u8]) -> Option<RowKey> {
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    Some(RowKey {
        hash: [word(0)?, word(4)?],
        form: word(8)?,
    })
}

/// Where one written run keeps each bucket's keys: (offset in the file, number of keys).
type RunIndex = [(u64, u32); BUCKETS];

/// The distinctive rows of a run's forms ([module docs](self)).
pub(super) struct RowKeys {
    memory: Vec<RowKey>,
    /// Keys in memory before a run is written out.
    limit: usize,
    written: Spill,
    runs: Vec<RunIndex>,
    /// A temporary file could not be made or written: every key stays in memory.
    in_memory_only: bool,
}

impl Default for RowKeys {
    fn default() -> Self {
        RowKeys::with_limit(IN_MEMORY)
    }
}

impl RowKeys {
    /// Keys kept in memory up to `limit` (tests spill small batches with a small one).
    pub(super) fn with_limit(limit: usize) -> RowKeys {
        RowKeys {
            memory: Vec::new(),
            limit: limit.max(1),
            written: Spill::default(),
            runs: Vec::new(),
            in_memory_only: false,
        }
    }

    /// Keys written out and kept.
    pub(super) fn len(&self) -> u64 {
        let written: u64 = self.runs.iter().flatten().map(|(_, n)| u64::from(*n)).sum();
        written + self.memory.len() as u64
    }

    pub(super) fn push(&mut self, key: RowKey) {
        self.memory.push(key);
        if self.memory.len() >= self.limit && !self.in_memory_only && self.spill().is_err() {
            // What is in memory is still whole: a run counts once all of it is written.
            self.in_memory_only = true;
        }
    }

    /// Write the buffer out as one sorted run, one bucket after another.
    fn spill(&mut self) -> std::io::Result<()> {
        // The key's order is its hash's order, so a sorted run comes bucket by bucket.
        self.memory.sort_unstable();
        let mut index: RunIndex = [(0, 0); BUCKETS];
        let mut bytes = Vec::new();
        for keys in self.memory.chunk_by(|a, b| bucket(a) == bucket(b)) {
            bytes.clear();
            keys.iter().for_each(|key| encode(key, &mut bytes));
            let at = self.written.append(&bytes)?;
            if let Some(slot) = keys.first().and_then(|k| index.get_mut(bucket(k))) {
                *slot = (at, super::small(keys.len()));
            }
        }
        self.runs.push(index);
        self.memory.clear();
        Ok(())
    }

    /// Each bucket's keys, sorted (equal rows next to each other, in the order of their forms),
    /// one bucket at a time; all the keys at once when none was written out.
    pub(super) fn for_each_bucket(&mut self, mut f: impl FnMut(&[RowKey])) -> std::io::Result<()> {
        self.memory.sort_unstable();
        if self.runs.is_empty() {
            f(&self.memory);
            return Ok(());
        }
        let mut keys: Vec<RowKey> = Vec::new();
        let mut bytes: Vec<u8> = Vec::new();
        let mut from_memory = 0;
        for b in 0..BUCKETS {
            keys.clear();
            for run in &self.runs {
                let (offset, count) = run[b];
                bytes.resize(count as usize * KEY_BYTES, 0);
                self.written.read_at(offset, &mut bytes)?;
                keys.extend(bytes.chunks_exact(KEY_BYTES).filter_map(decode));
            }
            let here = self.memory[from_memory..]
                .iter()
                .take_while(|k| bucket(k) == b)
                .count();
            keys.extend_from_slice(&self.memory[from_memory..from_memory + here]);
            from_memory += here;
            keys.sort_unstable();
            f(&keys);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{RowKey, RowKeys};

    /// Every group of equal hashes, as (hash, forms), in hash order.
    fn groups(mut keys: RowKeys) -> Vec<(u64, Vec<u32>)> {
        let mut out: Vec<(u64, Vec<u32>)> = Vec::new();
        keys.for_each_bucket(|bucket| {
            for key in bucket {
                match out.last_mut() {
                    Some((hash, forms)) if *hash == key.hash() => forms.push(key.form),
                    _ => out.push((key.hash(), vec![key.form])),
                }
            }
        })
        .unwrap();
        out
    }

    #[test]
    fn keys_written_out_come_back_grouped_as_keys_kept_in_memory() {
        // Hashes spread over every bucket, with repeats far apart in the batch.
        let hashes: Vec<u64> = (0..5_000u64)
            .map(|i| (i % 1_700).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        let (mut small, mut large) = (RowKeys::with_limit(97), RowKeys::with_limit(1 << 20));
        for (form, hash) in hashes.iter().enumerate() {
            small.push(RowKey::new(*hash, form as u32));
            large.push(RowKey::new(*hash, form as u32));
        }
        assert_eq!(small.runs.len(), 51);
        assert!(large.runs.is_empty());
        assert_eq!(small.len(), 5_000);
        let (written, kept) = (groups(small), groups(large));
        assert_eq!(written.len(), 1_700);
        assert_eq!(written, kept);
        assert!(written.iter().all(|(_, forms)| forms.is_sorted()));
    }
}
