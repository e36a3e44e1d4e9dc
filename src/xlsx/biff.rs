//! The records of an `.xls` / `.et` workbook, walked before calamine reads it: the number format
//! of every number cell, and the budgets.
//!
//! An `.xls` file is an OLE2 compound file (a small FAT file system in one file) whose `Workbook`
//! stream is a list of BIFF records. The walk here finds the stream, then reads the XF and FORMAT
//! records (which format each cell style shows numbers with), the shared-string lengths, and each
//! sheet's cell records (where each cell is, and its style). What calamine would allocate is
//! bounded from that: the area of each sheet's grid, the cells, and the text of the cells.

use super::budget::{MAX_CELLS_PER_WORKBOOK, MAX_SHARED_STRINGS, MAX_TEXT_BYTES_PER_WORKBOOK};
use super::xls::{MAX_SHEET_AREA, MAX_WORKBOOK_AREA, too_large, unreadable};
use crate::diag::Diagnostic;
use std::collections::HashMap;

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Sheets a workbook may list (each is walked, and calamine reads each).
const MAX_SHEETS: usize = 1_000;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Sector `n` of a compound file (sector 0 follows the 512-byte header block).
fn sector_of(bytes: &[u8], size: usize, n: u32) -> Option<&[u8]> {
    let start = (n as usize).checked_add(1)?.checked_mul(size)?;
    bytes.get(start..start.checked_add(size)?)
}

/// The FAT of a compound file: its sectors are listed by the header's 109 DIFAT entries, then
/// by a chain of DIFAT sectors (at most as many as the file has sectors).
fn read_fat(bytes: &[u8], size: usize, sectors: usize) -> Result<Vec<u32>, &'static str> {
    let sector = |n: u32| sector_of(bytes, size, n);
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .filter(|&s| s < END_OF_CHAIN - 2)
        .collect();
    let mut difat = u32_at(bytes, 0x44).ok_or("header")?;
    let mut steps = 0;
    while difat < END_OF_CHAIN - 2 && steps < sectors {
        let s = sector(difat).ok_or("DIFAT")?;
        let per = size / 4 - 1;
        fat_sectors.extend(
            (0..per)
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|&s| s < END_OF_CHAIN - 2),
        );
        difat = u32_at(s, 4 * per).ok_or("DIFAT")?;
        steps += 1;
    }
    let mut fat: Vec<u32> = Vec::new();
    for &f in fat_sectors.iter().take(sectors) {
        let s = sector(f).ok_or("FAT")?;
        fat.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    Ok(fat)
}

/// The `Workbook` (or `Book`) stream of a compound file.
pub fn workbook_stream(name: &str, bytes: &[u8]) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let bad = |what: &str| unreadable(name, &format!("the compound file is damaged ({what})"));
    let shift = u16_at(bytes, 0x1E).ok_or_else(|| bad("header"))?;
    let mini_shift = u16_at(bytes, 0x20).ok_or_else(|| bad("header"))?;
    if !(7..=16).contains(&shift) || mini_shift >= shift {
        return Err(bad("sector size"));
    }
    let size = 1usize << shift;
    let sectors = bytes.len().saturating_sub(512) / size + 1;
    let sector = |n: u32| sector_of(bytes, size, n);
    let fat = read_fat(bytes, size, sectors).map_err(&bad)?;
    // A chain of sectors, at most as long as the file has sectors (a loop ends there).
    let chain = |start: u32, table: &[u32], limit: usize| -> Vec<u32> {
        let mut out = Vec::new();
        let mut at = start;
        while at < END_OF_CHAIN - 2 && out.len() < limit {
            out.push(at);
            at = table.get(at as usize).copied().unwrap_or(END_OF_CHAIN);
        }
        out
    };
    let mut directory = Vec::new();
    for s in chain(u32_at(bytes, 0x30).unwrap_or(END_OF_CHAIN), &fat, sectors) {
        directory.extend_from_slice(sector(s).ok_or_else(|| bad("directory"))?);
    }
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let entry_name = |e: &[u8]| -> String {
        let len = (u16_at(e, 0x40).unwrap_or(0) as usize).min(64);
        let units: Vec<u16> = (0..len.saturating_sub(2) / 2)
            .filter_map(|i| u16_at(e, 2 * i))
            .collect();
        String::from_utf16_lossy(&units)
    };
    let root = entries.first().ok_or_else(|| bad("no root entry"))?;
    // calamine follows these chains itself, without a bound on the directory's and with an
    // unchecked table lookup: a loop there grows one buffer without end (a 9.7 KB file reached
    // 24 GB), and a sector number past the table panics. Every chain it will follow must end.
    // The mini FAT, read once: for that check and for a small stream. A sector past the file
    // ends it, which only a small stream's read treats as damage.
    let mut mini_fat = Vec::new();
    let mut mini_fat_whole = true;
    for s in chain(u32_at(bytes, 0x3C).unwrap_or(END_OF_CHAIN), &fat, sectors) {
        let Some(s) = sector(s) else {
            mini_fat_whole = false;
            break;
        };
        mini_fat.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    calamine_chains_end(bytes, &fat, &mini_fat, sectors, shift, &entries).map_err(&bad)?;
    let stream = entries
        .iter()
        .find(|e| e.get(0x42) == Some(&2) && matches!(entry_name(e).as_str(), "Workbook" | "Book"))
        .ok_or_else(|| {
            unreadable(
                name,
                &"an OLE2 file with no Workbook stream (a Word .doc or another Office file?)",
            )
        })?;
    let start = u32_at(stream, 0x74).unwrap_or(END_OF_CHAIN);
    let length = u32_at(stream, 0x78).unwrap_or(0) as usize;
    if length > bytes.len() {
        return Err(bad("a stream longer than the file"));
    }
    let cutoff = u32_at(bytes, 0x38).unwrap_or(4096) as usize;
    let mut out = Vec::with_capacity(length);
    if length >= cutoff {
        for s in chain(start, &fat, sectors) {
            out.extend_from_slice(sector(s).ok_or_else(|| bad("stream"))?);
            if out.len() >= length {
                break;
            }
        }
    } else {
        // A small stream lives in the mini stream (the root entry's), in 64-byte sectors.
        let mut mini_stream = Vec::new();
        let root_start = u32_at(root, 0x74).unwrap_or(END_OF_CHAIN);
        for s in chain(root_start, &fat, sectors) {
            mini_stream.extend_from_slice(sector(s).ok_or_else(|| bad("mini stream"))?);
        }
        if !mini_fat_whole {
            return Err(bad("mini FAT"));
        }
        let mini = 1usize << mini_shift;
        for s in chain(start, &mini_fat, mini_stream.len() / mini + 1) {
            let at = (s as usize) * mini;
            out.extend_from_slice(mini_stream.get(at..at + mini).ok_or_else(|| bad("mini"))?);
            if out.len() >= length {
                break;
            }
        }
    }
    if out.len() < length {
        return Err(bad("a stream cut short"));
    }
    out.truncate(length);
    Ok(out)
}

/// A directory entry's stream length as calamine reads it: 32 bits in a file of 512-byte sectors
/// (version 3), else 64.
fn entry_len(entry: &[u8], shift: u16) -> usize {
    let low = u32_at(entry, 0x78).unwrap_or(0) as usize;
    let high = if shift == 9 {
        0
    } else {
        u32_at(entry, 0x7C).unwrap_or(0) as usize
    };
    low.saturating_add(high.saturating_mul(1 << 32))
}

/// Whether every chain calamine follows in this compound file ends ([`Chains::all_end`]).
fn calamine_chains_end(
    bytes: &[u8],
    fat: &[u32],
    mini_fat: &[u32],
    sectors: usize,
    shift: u16,
    entries: &[&[u8]],
) -> Result<(), &'static str> {
    let root = entries.first().copied().ok_or("no root entry")?;
    let mini_fat_len = u32_at(bytes, 0x40).unwrap_or(0) as usize;
    let chains = Chains {
        fat,
        sectors,
        size: 1usize << shift,
        // calamine reads no mini FAT when the header gives it no sectors.
        mini_fat: if mini_fat_len > 0 { mini_fat } else { &[] },
        mini_sectors: entry_len(root, shift).min(bytes.len()) / 64 + 1,
    };
    chains.all_end(bytes, entries, shift, mini_fat_len)
}

/// The tables calamine walks, to check before it does.
struct Chains<'a> {
    fat: &'a [u32],
    sectors: usize,
    size: usize,
    mini_fat: &'a [u32],
    mini_sectors: usize,
}

impl Chains<'_> {
    /// Whether a chain that calamine follows (reading `len` bytes, or to its end) ends: each
    /// step is in the table and no sector comes twice (at most `limit` steps).
    fn ends(start: u32, table: &[u32], unit: usize, len: usize, limit: usize) -> bool {
        let (mut at, mut read, mut steps) = (start, 0usize, 0usize);
        while at != END_OF_CHAIN {
            read = read.saturating_add(unit);
            if read >= len {
                return true;
            }
            steps += 1;
            if steps > limit {
                return false;
            }
            match table.get(at as usize) {
                Some(&next) => at = next,
                None => return at >= END_OF_CHAIN - 2 || (at as usize) >= limit,
            }
        }
        true
    }

    /// Every chain calamine follows on opening the file and reading its streams: the
    /// directory's, the mini stream's, the mini FAT's, and each stream's.
    fn all_end(
        &self,
        bytes: &[u8],
        entries: &[&[u8]],
        shift: u16,
        mini_fat_len: usize,
    ) -> Result<(), &'static str> {
        let (fat, size, n) = (self.fat, self.size, self.sectors);
        if !Self::ends(
            u32_at(bytes, 0x30).unwrap_or(END_OF_CHAIN),
            fat,
            size,
            usize::MAX,
            n,
        ) {
            return Err("the directory's sector chain loops or leaves the table");
        }
        if mini_fat_len > 0 {
            let root = entries.first().copied().unwrap_or_default();
            let root_start = u32_at(root, 0x74).unwrap_or(END_OF_CHAIN);
            if !Self::ends(root_start, fat, size, entry_len(root, shift), n) {
                return Err("the mini stream's sector chain loops or leaves the table");
            }
            let start = u32_at(bytes, 0x3C).unwrap_or(END_OF_CHAIN);
            if !Self::ends(start, fat, size, mini_fat_len.saturating_mul(size), n) {
                return Err("the mini FAT's sector chain loops or leaves the table");
            }
        }
        for entry in entries.iter().skip(1).filter(|e| e.get(0x42) == Some(&2)) {
            let (start, len) = (
                u32_at(entry, 0x74).unwrap_or(END_OF_CHAIN),
                entry_len(entry, shift),
            );
            let sound = if len < 4096 {
                Self::ends(start, self.mini_fat, 64, len, self.mini_sectors)
            } else {
                Self::ends(start, fat, size, len, n)
            };
            if !sound {
                return Err("a stream's sector chain loops or leaves the table");
            }
        }
        Ok(())
    }
}

/// What the walk found: per sheet (in the workbook's order), the format code of each number cell
/// that has one other than General.
#[derive(Debug, Default)]
pub struct Scan {
    pub sheets: Vec<HashMap<(u32, u32), String>>,
}

/// BIFF records of a stream from `at`: (type, data), with CONTINUE records left in the list.
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, at)?;
        let len = u16_at(stream, at + 2)? as usize;
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
}

/// Excel's built-in number formats that matter here (the rest show numbers as General does).
fn builtin(code: u16) -> &'static str {
    match code {
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        37 | 38 => "#,##0 ;(#,##0)",
        39 | 40 => "#,##0.00;(#,##0.00)",
        49 => "@",
        _ => "General",
    }
}

/// A BIFF8 format string (2-byte length, flags, characters).
fn format_string(data: &[u8]) -> Option<String> {
    let cch = u16_at(data, 2)? as usize;
    let flags = *data.get(4)?;
    let chars = data.get(5..)?;
    Some(if flags & 1 == 1 {
        let units: Vec<u16> = (0..cch).filter_map(|i| u16_at(chars, 2 * i)).collect();
        String::from_utf16_lossy(&units)
    } else {
        chars.iter().take(cch).map(|&b| char::from(b)).collect()
    })
}

/// What the workbook globals say before the first sheet: custom number formats, each cell
/// style's format, where each sheet's records start and the length of each shared string.
struct Globals {
    custom: HashMap<u16, String>,
    xfs: Vec<u16>,
    sheet_starts: Vec<usize>,
    strings: Vec<u32>,
}

fn globals(name: &str, stream: &[u8]) -> Result<Globals, Vec<Diagnostic>> {
    let mut custom: HashMap<u16, String> = HashMap::new();
    let mut xfs: Vec<u16> = Vec::new();
    let mut sheet_starts: Vec<usize> = Vec::new();
    let mut strings: Vec<u32> = Vec::new();
    let mut iter = records(stream, 0).peekable();
    while let Some((typ, data)) = iter.next() {
        match typ {
            0x041E => {
                if let (Some(id), Some(code)) = (u16_at(data, 0), format_string(data)) {
                    custom.insert(id, code);
                }
            }
            0x00E0 => xfs.push(u16_at(data, 2).unwrap_or(0)),
            0x0085 => {
                sheet_starts.push(u32_at(data, 0).unwrap_or(u32::MAX) as usize);
                if sheet_starts.len() > MAX_SHEETS {
                    return Err(too_large(name, format!("more than {MAX_SHEETS} sheets")));
                }
            }
            0x00FC => {
                let mut parts = vec![data];
                while let Some((0x003C, more)) = iter.peek() {
                    parts.push(more);
                    iter.next();
                }
                strings = string_lengths(name, &parts)?;
            }
            0x000A => break,
            _ => {}
        }
    }
    Ok(Globals {
        custom,
        xfs,
        sheet_starts,
        strings,
    })
}

pub fn scan(name: &str, stream: &[u8]) -> Result<Scan, Vec<Diagnostic>> {
    let Globals {
        custom,
        xfs,
        sheet_starts,
        strings,
    } = globals(name, stream)?;
    let format_of = |xf: u16| -> String {
        let id = xfs.get(xf as usize).copied().unwrap_or(0);
        custom
            .get(&id)
            .cloned()
            .unwrap_or_else(|| builtin(id).to_string())
    };
    let mut scan = Scan::default();
    let (mut area_total, mut cells_total, mut text_total) = (0u64, 0usize, 0u64);
    for &start in &sheet_starts {
        let mut formats = HashMap::new();
        let mut extent: Option<(u32, u32, u32, u32)> = None;
        let mut depth = 0usize;
        for (typ, data) in records(stream, start) {
            // Nested substreams (charts) are skipped, as calamine skips them.
            match typ {
                0x0809 => depth += 1,
                0x000A if depth <= 1 => break,
                0x000A => depth -= 1,
                _ => {}
            }
            if depth > 1 {
                continue;
            }
            if typ == 0x0200 {
                let declared = dimensions_area(data).ok_or_else(|| {
                    too_large(name, "a sheet declares an impossible size".to_string())
                })?;
                if declared > MAX_SHEET_AREA {
                    return Err(too_large(
                        name,
                        format!(
                            "a sheet declares {declared} cells (the limit is {MAX_SHEET_AREA})"
                        ),
                    ));
                }
            }
            let mut place = |row: u32, col: u32, xf: Option<u16>, text: u64| {
                let e = extent.get_or_insert((row, col, row, col));
                *e = (e.0.min(row), e.1.min(col), e.2.max(row), e.3.max(col));
                cells_total += 1;
                text_total += text;
                if let Some(xf) = xf {
                    let code = format_of(xf);
                    if code != "General" {
                        formats.insert((row, col), code);
                    }
                }
            };
            let (row, col) = (
                u32::from(u16_at(data, 0).unwrap_or(0)),
                u32::from(u16_at(data, 2).unwrap_or(0)),
            );
            match typ {
                0x0203 | 0x027E | 0x0006 => place(row, col, u16_at(data, 4), 24),
                0x0205 => place(row, col, None, 8),
                0x0204 | 0x00D6 => place(row, col, None, 3 * data.len() as u64),
                0x00FD => {
                    let i = u32_at(data, 6).unwrap_or(u32::MAX) as usize;
                    if let Some(&cch) = strings.get(i) {
                        place(row, col, None, 3 * u64::from(cch));
                    }
                }
                0x00BD => {
                    let n = data.len().saturating_sub(6) / 6;
                    for k in 0..n {
                        place(row, col + k as u32, u16_at(data, 4 + 6 * k), 24);
                    }
                }
                _ => {}
            }
            if cells_total > MAX_CELLS_PER_WORKBOOK {
                return Err(too_large(
                    name,
                    format!("more than {MAX_CELLS_PER_WORKBOOK} filled cells"),
                ));
            }
            if text_total > MAX_TEXT_BYTES_PER_WORKBOOK as u64 {
                return Err(too_large(
                    name,
                    format!(
                        "more than {MAX_TEXT_BYTES_PER_WORKBOOK} bytes of cell text (a shared string counts once per cell that uses it)"
                    ),
                ));
            }
        }
        if let Some((r0, c0, r1, c1)) = extent {
            let area = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
            area_total += area;
            if area > MAX_SHEET_AREA || area_total > MAX_WORKBOOK_AREA {
                return Err(too_large(
                    name,
                    format!(
                        "its cells span {area} cells of a sheet (rows × columns; the limit is {MAX_SHEET_AREA} a sheet, {MAX_WORKBOOK_AREA} in all)"
                    ),
                ));
            }
        }
        scan.sheets.push(formats);
    }
    Ok(scan)
}

/// The rows × columns a DIMENSIONS record declares, the way calamine reads it; `None` where
/// calamine's arithmetic would wrap.
fn dimensions_area(data: &[u8]) -> Option<u64> {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)?),
            u32::from(u16_at(data, 2)?),
            u32::from(u16_at(data, 4)?),
            u32::from(u16_at(data, 6)?),
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u32::from(u16_at(data, 8)?),
            u32::from(u16_at(data, 10)?),
        ),
        _ => return Some(0),
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row < 1 || last_col < 1 {
        return Some(1);
    }
    let rows = (last_row - 1).checked_sub(first_row)? + 1;
    let cols = (last_col - 1).checked_sub(first_col)? + 1;
    Some(u64::from(rows) * u64::from(cols))
}

/// The character count of each shared string (SST record and its CONTINUE records). A string's
/// characters may run on into the next record, which then starts with a flags byte of its own.
fn string_lengths(name: &str, parts: &[&[u8]]) -> Result<Vec<u32>, Vec<Diagnostic>> {
    struct Cursor<'a> {
        parts: &'a [&'a [u8]],
        part: usize,
        at: usize,
    }
    impl Cursor<'_> {
        fn byte(&mut self) -> Option<u8> {
            loop {
                let p = self.parts.get(self.part)?;
                if let Some(&b) = p.get(self.at) {
                    self.at += 1;
                    return Some(b);
                }
                self.part += 1;
                self.at = 0;
            }
        }
        fn skip(&mut self, mut n: usize) -> Option<()> {
            while n > 0 {
                let p = self.parts.get(self.part)?;
                let left = p.len() - self.at.min(p.len());
                if left == 0 {
                    self.part += 1;
                    self.at = 0;
                    continue;
                }
                let take = left.min(n);
                self.at += take;
                n -= take;
            }
            Some(())
        }
        fn u16(&mut self) -> Option<u16> {
            Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
        }
        fn u32(&mut self) -> Option<u32> {
            Some(u32::from_le_bytes([
                self.byte()?,
                self.byte()?,
                self.byte()?,
                self.byte()?,
            ]))
        }
        /// `cch` characters, `wide` or not, with a new flags byte at each record boundary.
        fn chars(&mut self, mut cch: usize, mut wide: bool) -> Option<()> {
            while cch > 0 {
                let p = self.parts.get(self.part)?;
                let left = p.len() - self.at.min(p.len());
                if left == 0 {
                    self.part += 1;
                    self.at = 0;
                    wide = self.byte()? & 1 == 1;
                    continue;
                }
                let width = if wide { 2 } else { 1 };
                let take = (left / width).min(cch).max(1);
                self.at += take * width;
                cch -= take;
            }
            Some(())
        }
    }
    let mut c = Cursor {
        parts,
        part: 0,
        at: 8,
    };
    let mut lengths = Vec::new();
    while let Some(cch) = c.u16() {
        let Some(flags) = c.byte() else { break };
        let runs = if flags & 0x08 != 0 { c.u16() } else { Some(0) };
        let ext = if flags & 0x04 != 0 { c.u32() } else { Some(0) };
        let (Some(runs), Some(ext)) = (runs, ext) else {
            break;
        };
        lengths.push(u32::from(cch));
        if lengths.len() > MAX_SHARED_STRINGS {
            return Err(too_large(
                name,
                format!("more than {MAX_SHARED_STRINGS} shared strings"),
            ));
        }
        if c.chars(usize::from(cch), flags & 1 == 1).is_none()
            || c.skip(4 * usize::from(runs) + ext as usize).is_none()
        {
            break;
        }
    }
    Ok(lengths)
}
