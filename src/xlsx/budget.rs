//! What a workbook may make jixiao build, checked before calamine reads it.
//!
//! A workbook is a zip of XML parts, and a small file can claim a great deal: a zip entry that
//! inflates 500-fold, 300 million empty shared strings, a 1 MB string used by 20,000 cells, one
//! sheet part named by 200 sheets. The limits below bound what jixiao builds from a workbook, not
//! only the bytes it is sent; each is a located error for that file (exit 2, the batch goes on).
//!
//! Every entry of the archive is read once here, as a stream: its declared and its real size are
//! held to the budgets (the read stops one byte past a budget, whatever the zip declares), its CRC
//! is checked (a corrupted entry is refused rather than imported with a changed figure), and the
//! parts that matter are scanned on the way: the number of shared strings, `fullCalcOnLoad`, and
//! every formula cell.

use crate::diag::{Diagnostic, Severity};
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::Read;

/// Decompressed bytes of one zip entry.
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;
/// Decompressed bytes of all entries together.
pub const MAX_ARCHIVE_BYTES: u64 = 192 << 20;
/// Entries in the archive.
pub const MAX_ENTRIES: usize = 10_000;
/// Shared strings (each costs memory in the reader even when empty).
pub const MAX_SHARED_STRINGS: usize = 1_000_000;
/// Filled cells in all sheets together (the limit per sheet is `MAX_CELLS_PER_SHEET`).
pub const MAX_CELLS_PER_WORKBOOK: usize = 1_000_000;
/// Bytes of cell text in all sheets together, after shared strings are expanded.
pub const MAX_TEXT_BYTES_PER_WORKBOOK: usize = 64 << 20;
/// Characters in one cell: Excel's own limit.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Cells inside merged regions, all sheets together, counted as rectangles.
pub const MAX_MERGED_CELLS: u64 = 10_000_000;
/// Merged regions, all sheets together.
pub const MAX_MERGES: usize = 100_000;
/// Formula cells named one by one; the rest are counted.
const FORMULAS_NAMED: usize = 20;
/// Characters of a formula shown.
const FORMULA_SHOWN: usize = 200;

/// What the scan found besides the budgets.
#[derive(Debug, Default)]
pub struct Facts {
    /// The workbook asks Excel to recalculate everything when it is opened.
    pub full_calc_on_load: bool,
    /// Sheet name → its part (`xl/worksheets/sheet1.xml`).
    pub sheet_parts: HashMap<String, String>,
    /// Part → its formula cells (cell, formula), the first few, and how many there are.
    pub formulas: HashMap<String, (Vec<(String, String)>, usize)>,
    /// Part → formula cells saved without a value (cell, formula), up to `MAX_UNCACHED`: calamine
    /// reads them as empty, so they are computed or refused by the reader.
    pub uncached: HashMap<String, Vec<(String, String)>>,
    /// The archive again with every entry stored as inflated here, for calamine to read without
    /// inflating each part a second time (`None` past [`MAX_KEPT_BYTES`], or if it could not be
    /// written: calamine then reads the workbook as sent).
    pub stored: Option<Vec<u8>>,
    /// Part → its merged regions, where its XML is plain enough to find them without calamine
    /// reading the sheet a second time (`xlsx::merges`).
    pub merges: HashMap<String, Vec<calamine::Dimensions>>,
}

/// Inflated bytes of all entries kept for [`Facts::stored`]. A one-form workbook inflates to a
/// few hundred kilobytes; past this the parts are read twice rather than held.
pub const MAX_KEPT_BYTES: usize = 16 << 20;

/// Formula cells without a saved value that are followed up, in all sheets together.
pub const MAX_UNCACHED: usize = 10_000;

fn too_large(name: &str, what: String) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            "input::too-large",
            format!("工作簿超出限制 (the workbook {name} is over a limit): {what}"),
        )
        .help("no self-evaluation form comes near this; if the workbook is genuine, save the form's sheet alone as a new workbook"),
    ]
}

fn corrupt(name: &str, part: &str, e: &dyn std::fmt::Display) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            "xlsx::corrupt",
            if part.is_empty() {
                format!("工作簿已损坏 (the workbook {name} is damaged): {e}")
            } else {
                format!(
                    "工作簿已损坏 (the workbook {name} is damaged): part {}: {e}",
                    crate::diag::visible(part)
                )
            },
        )
        .help(
            "a damaged workbook is not read, so that no figure is taken from it: ask for it again",
        ),
    ]
}

/// A reader that counts what it gives and stops one byte past its budget.
struct Meter<R> {
    inner: R,
    count: u64,
    limit: u64,
    over: bool,
    failure: Option<String>,
}

impl<R: Read> Read for Meter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.count > self.limit {
            self.over = true;
            return Err(std::io::Error::other("over the budget"));
        }
        match self.inner.read(buf) {
            Ok(n) => {
                self.count += n as u64;
                Ok(n)
            }
            Err(e) => {
                self.failure.get_or_insert_with(|| e.to_string());
                Err(e)
            }
        }
    }
}

/// Which parts are scanned, and for what.
enum Part {
    SharedStrings,
    Workbook,
    WorkbookRels,
    Worksheet,
    Other,
}

fn part_of(path: &str) -> Part {
    match path {
        "xl/sharedStrings.xml" => Part::SharedStrings,
        "xl/workbook.xml" => Part::Workbook,
        "xl/_rels/workbook.xml.rels" => Part::WorkbookRels,
        p if p.starts_with("xl/worksheets/") && p.ends_with(".xml") => Part::Worksheet,
        _ => Part::Other,
    }
}

fn attribute(
    e: &quick_xml::events::BytesStart<'_>,
    wanted: impl Fn(&str) -> bool,
) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| wanted(a.key.as_ref()))
        .map(|a| a.value.to_string())
}

/// Check every entry of the archive against the budgets and its CRC; scan the parts that matter.
pub fn inspect(name: &str, bytes: &[u8]) -> Result<Facts, Vec<Diagnostic>> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| corrupt(name, "", &e))?;
    if archive.len() > MAX_ENTRIES {
        return Err(too_large(
            name,
            format!("{} zip entries (the limit is {MAX_ENTRIES})", archive.len()),
        ));
    }
    let mut facts = Facts::default();
    let mut sheet_ids: Vec<(String, String)> = Vec::new();
    let mut rels: HashMap<String, String> = HashMap::new();
    let mut total: u64 = 0;
    let mut kept = Some(Kept::default());
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| corrupt(name, &format!("#{i}"), &e))?;
        let path = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let declared = entry.size();
        if declared > MAX_ENTRY_BYTES {
            return Err(too_large(
                name,
                format!(
                    "part {} inflates to {declared} bytes (the limit is {MAX_ENTRY_BYTES})",
                    crate::diag::visible(&path)
                ),
            ));
        }
        let remaining = MAX_ARCHIVE_BYTES.saturating_sub(total);
        let limit = MAX_ENTRY_BYTES.min(remaining);
        let mut meter = Meter {
            inner: entry,
            count: 0,
            limit,
            over: false,
            failure: None,
        };
        let part = part_of(&path);
        // A part is read whole (metered: an error stops the read, and the checks below report
        // it) when it is scanned or kept; the rest of an entry is read to its end, which is where
        // the zip reader checks the CRC.
        // Room for the size the zip declares, up to a megabyte (a declared size is a claim):
        // grown from nothing, the buffer was zeroed and copied at every doubling.
        let wanted = kept.is_some() || !matches!(part, Part::Other);
        let room = if wanted { declared.min(1 << 20) } else { 0 };
        let mut data = Vec::with_capacity(room as usize);
        let read = if wanted {
            meter.read_to_end(&mut data).is_ok()
        } else {
            false
        };
        let scanned = match read {
            true => scan(
                name,
                &path,
                &part,
                &data,
                &mut facts,
                &mut sheet_ids,
                &mut rels,
            ),
            false => Ok(()),
        };
        let drained = std::io::copy(&mut meter, &mut std::io::sink());
        if meter.over || meter.count > limit {
            return Err(too_large(
                name,
                if limit < MAX_ENTRY_BYTES {
                    format!(
                        "its parts inflate to more than {MAX_ARCHIVE_BYTES} bytes together (the limit)"
                    )
                } else {
                    format!(
                        "part {} inflates to more than {MAX_ENTRY_BYTES} bytes (the limit)",
                        crate::diag::visible(&path)
                    )
                },
            ));
        }
        if let Some(failure) = meter.failure {
            return Err(corrupt(name, &path, &failure));
        }
        if let Err(e) = drained {
            return Err(corrupt(name, &path, &e));
        }
        scanned?;
        total += meter.count;
        kept = kept.filter(|parts| parts.bytes + data.len() <= MAX_KEPT_BYTES && read);
        if let Some(parts) = kept.as_mut() {
            parts.bytes += data.len();
            parts.entries.push((path, data));
        }
    }
    facts.stored = kept.and_then(|parts| parts.stored_archive().ok());
    for (sheet, id) in sheet_ids {
        if let Some(target) = rels.get(&id) {
            let part = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            facts.sheet_parts.insert(sheet, part);
        }
    }
    Ok(facts)
}

/// The inflated entries kept for [`Facts::stored`], in archive order.
#[derive(Default)]
struct Kept {
    entries: Vec<(String, Vec<u8>)>,
    bytes: usize,
}

impl Kept {
    /// A zip of the kept entries, each stored (not compressed), under its own name.
    fn stored_archive(&self) -> zip::result::ZipResult<Vec<u8>> {
        use std::io::Write;
        let size = self.bytes
            + self
                .entries
                .iter()
                .map(|(n, _)| 2 * n.len() + 128)
                .sum::<usize>();
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(size)));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default());
        for (path, data) in &self.entries {
            writer.start_file(path.as_str(), options)?;
            writer.write_all(data)?;
        }
        Ok(writer.finish()?.into_inner())
    }
}

/// Scan one part as XML. A part that is not well-formed is left to calamine, which says so; what
/// is refused here is only what is over a budget.
fn scan(
    name: &str,
    path: &str,
    part: &Part,
    xml: &[u8],
    facts: &mut Facts,
    sheet_ids: &mut Vec<(String, String)>,
    rels: &mut HashMap<String, String>,
) -> Result<(), Vec<Diagnostic>> {
    match part {
        Part::Other => Ok(()),
        // Most sheets hold no formula at all, and for those the event-by-event pass (a fifth of
        // the cost of reading a one-form workbook) would find nothing.
        Part::Worksheet if !has_formula_element(xml) => {
            note_merges(facts, path, xml);
            Ok(())
        }
        Part::Worksheet => {
            note_merges(facts, path, xml);
            let reader = quick_xml::Reader::from_reader(xml);
            scan_events(name, path, part, reader, facts, sheet_ids, rels)
        }
        _ => {
            let reader = quick_xml::Reader::from_reader(xml);
            scan_events(name, path, part, reader, facts, sheet_ids, rels)
        }
    }
}

fn note_merges(facts: &mut Facts, path: &str, xml: &[u8]) {
    if let Some(regions) = super::merges::merged_regions(xml) {
        facts.merges.insert(path.to_string(), regions);
    }
}

/// Whether a sheet's XML has a formula element (`<f>`, `<f t="shared" … />`, `<x:f>`). A false
/// alarm (the text of a comment or CDATA) only costs the full scan.
fn has_formula_element(xml: &[u8]) -> bool {
    // Each `<` is found with memchr and only its tag name is looked at: a byte-by-byte split
    // of the sheet cost 2% of reading a one-form workbook.
    memchr::memchr_iter(b'<', xml).any(|at| {
        let tag = xml.get(at + 1..).unwrap_or_default();
        let end = tag
            .iter()
            .position(|b| matches!(b, b' ' | b'/' | b'>' | b'<' | b'\t' | b'\r' | b'\n'))
            .unwrap_or(tag.len());
        let name = &tag[..end];
        name == b"f" || name.ends_with(b":f")
    })
}

/// The events of one part that matter ([`scan`]).
// size: one streaming pass over a part's XML events, one short arm per element it counts; the
// cell's formula state lives across arms, so the match stays whole rather than scattered.
fn scan_events<B: std::io::BufRead>(
    name: &str,
    path: &str,
    part: &Part,
    mut reader: quick_xml::Reader<B>,
    facts: &mut Facts,
    sheet_ids: &mut Vec<(String, String)>,
    rels: &mut HashMap<String, String>,
) -> Result<(), Vec<Diagnostic>> {
    let mut buf = Vec::new();
    let mut strings = 0usize;
    let mut cell: Option<String> = None;
    let mut formula: Option<String> = None;
    // The formula of the cell being read, and whether a value was saved with it.
    let mut cell_formula: Option<String> = None;
    let mut has_value = false;
    let mut uncached = facts.uncached.values().map(Vec::len).sum::<usize>();
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match (part, event) {
            (Part::SharedStrings, Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref() == "si" =>
            {
                strings += 1;
                if strings > MAX_SHARED_STRINGS {
                    return Err(too_large(
                        name,
                        format!("more than {MAX_SHARED_STRINGS} shared strings"),
                    ));
                }
            }
            (Part::Workbook, Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "calcPr" => {
                    let full = attribute(&e, |k| k == "fullCalcOnLoad");
                    facts.full_calc_on_load |= matches!(full.as_deref(), Some("1" | "true"));
                }
                "sheet" => {
                    let sheet = attribute(&e, |k| k == "name");
                    let id = attribute(&e, |k| k == "id" || k.ends_with(":id"));
                    if let (Some(sheet), Some(id)) = (sheet, id) {
                        sheet_ids.push((sheet, id));
                    }
                }
                _ => {}
            },
            (Part::WorkbookRels, Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref() == "Relationship" =>
            {
                if let (Some(id), Some(target)) = (
                    attribute(&e, |k| k == "Id"),
                    attribute(&e, |k| k == "Target"),
                ) {
                    rels.insert(id, target);
                }
            }
            (Part::Worksheet, Event::Start(e)) if e.local_name().as_ref() == "c" => {
                cell = attribute(&e, |k| k == "r");
                cell_formula = None;
                has_value = false;
            }
            (Part::Worksheet, Event::Start(e))
                if e.local_name().as_ref() == "v" || e.local_name().as_ref() == "is" =>
            {
                has_value = true;
            }
            (Part::Worksheet, Event::End(e)) if e.local_name().as_ref() == "c" => {
                if let Some(f) = cell_formula.take()
                    && !has_value
                    && uncached < MAX_UNCACHED
                {
                    uncached += 1;
                    let at = cell.clone().unwrap_or_else(|| "?".into());
                    facts
                        .uncached
                        .entry(path.to_string())
                        .or_default()
                        .push((at, f));
                }
            }
            (Part::Worksheet, Event::Start(e)) if e.local_name().as_ref() == "f" => {
                formula = Some(String::new());
            }
            (Part::Worksheet, Event::Empty(e)) if e.local_name().as_ref() == "f" => {
                let shared =
                    attribute(&e, |k| k == "si").map_or_else(String::new, |si| format!(" #{si}"));
                let shown = format!("(shared formula{shared})");
                cell_formula = Some(shown.clone());
                note_formula(facts, path, &cell, shown);
            }
            (Part::Worksheet, Event::Text(t)) => {
                if let Some(f) = formula.as_mut() {
                    if f.chars().count() < FORMULA_SHOWN {
                        f.push_str(t.as_ref());
                    } else if !f.ends_with('…') {
                        // Cut: never evaluated as if it were the whole formula.
                        f.push('…');
                    }
                }
            }
            (Part::Worksheet, Event::GeneralRef(r)) => {
                if let Some(f) = formula.as_mut()
                    && f.chars().count() < FORMULA_SHOWN
                {
                    f.push_str(match r.as_ref() {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "?",
                    });
                }
            }
            (Part::Worksheet, Event::End(e)) if e.local_name().as_ref() == "f" => {
                if let Some(f) = formula.take() {
                    cell_formula = Some(f.clone());
                    note_formula(facts, path, &cell, f);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn note_formula(facts: &mut Facts, part: &str, cell: &Option<String>, formula: String) {
    let entry = facts.formulas.entry(part.to_string()).or_default();
    entry.1 += 1;
    if entry.0.len() < FORMULAS_NAMED {
        let shown: String = formula.chars().take(FORMULA_SHOWN).collect();
        entry
            .0
            .push((cell.clone().unwrap_or_else(|| "?".into()), shown));
    }
}

/// The warnings the scan gives for a sheet: its formula cells (whose cached values are what
/// jixiao reads), and whether those values may be stale.
pub fn formula_notes(name: &str, sheet: &str, facts: &Facts) -> Vec<Diagnostic> {
    let Some((named, count)) = facts
        .sheet_parts
        .get(sheet)
        .and_then(|part| facts.formulas.get(part))
    else {
        return Vec::new();
    };
    let stale = if facts.full_calc_on_load {
        "；工作簿要求打开时重新计算 (fullCalcOnLoad)，保存的结果可能已过时 (the workbook is marked for recalculation on opening: the saved results may be stale)"
    } else {
        ""
    };
    let mut note = Diagnostic::error(
        "xlsx::formula",
        format!(
            "工作表「{sheet}」有 {count} 个公式单元格，读取的是保存时的计算结果{stale} (sheet {sheet} of {name} has {count} formula cell(s); jixiao reads the values saved with them, not the formulas)"
        ),
    );
    note.severity = Severity::Warning;
    for (cell, formula) in named {
        note.notes.push(format!(
            "{}!{cell}: ={}",
            super::cells::sheet_ref(sheet),
            crate::diag::visible(formula)
        ));
    }
    if *count > named.len() {
        note.notes.push(format!(
            "… {} more (另有 {} 个)",
            count - named.len(),
            count - named.len()
        ));
    }
    vec![note]
}

/// Budgets that grow as cells are read: cells, text bytes, merged area, across the workbook.
#[derive(Debug, Default)]
pub struct Spent {
    pub cells: usize,
    pub text_bytes: usize,
    pub merged_cells: u64,
    pub merges: usize,
}

impl Spent {
    /// One more cell with this text; an error past a budget.
    pub fn cell(
        &mut self,
        name: &str,
        sheet: &str,
        (row, col): (u32, u32),
        text: &str,
    ) -> Result<(), Vec<Diagnostic>> {
        let place = || {
            format!(
                "{}!{}",
                super::cells::sheet_ref(sheet),
                super::cells::cell_name(row, col)
            )
        };
        self.cell_at(name, &place, text)
    }

    /// One more cell with this text, named by `place` in the error past a budget.
    pub fn cell_at(
        &mut self,
        name: &str,
        place: &dyn Fn() -> String,
        text: &str,
    ) -> Result<(), Vec<Diagnostic>> {
        self.cells += 1;
        self.text_bytes += text.len();
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err(too_large(
                name,
                format!(
                    "cell {} holds {} characters (Excel's limit is {MAX_CELL_CHARS})",
                    place(),
                    text.chars().count()
                ),
            ));
        }
        if self.cells > MAX_CELLS_PER_WORKBOOK {
            return Err(too_large(
                name,
                format!(
                    "more than {MAX_CELLS_PER_WORKBOOK} filled cells in all sheets together (reached at {})",
                    place()
                ),
            ));
        }
        if self.text_bytes > MAX_TEXT_BYTES_PER_WORKBOOK {
            return Err(too_large(
                name,
                format!(
                    "more than {MAX_TEXT_BYTES_PER_WORKBOOK} bytes of cell text in all sheets together (reached at {}; a shared string counts once per cell that uses it)",
                    place()
                ),
            ));
        }
        Ok(())
    }

    /// One more merged region of `area` cells.
    pub fn merge(&mut self, name: &str, place: &str, area: u64) -> Result<(), Vec<Diagnostic>> {
        self.merges += 1;
        self.merged_cells = self.merged_cells.saturating_add(area);
        if self.merges > MAX_MERGES {
            return Err(too_large(
                name,
                format!("more than {MAX_MERGES} merged regions (reached at {place})"),
            ));
        }
        if self.merged_cells > MAX_MERGED_CELLS {
            return Err(too_large(
                name,
                format!(
                    "merged regions cover more than {MAX_MERGED_CELLS} cells together (reached at {place}, which covers {area})"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::has_formula_element;

    #[test]
    fn a_formula_element_is_found_in_every_spelling_and_nothing_else_is() {
        for xml in [
            r#"<c r="A1"><f>SUM(A2:A3)</f><v>3</v></c>"#,
            r#"<c r="A1"><f t="shared" si="0"/></c>"#,
            r#"<c r="A1"><f
t="shared">A1</f></c>"#,
            r#"<x:c r="A1"><x:f>1+1</x:f></x:c>"#,
        ] {
            assert!(has_formula_element(xml.as_bytes()), "{xml}");
        }
        for xml in [
            r#"<c r="A1" t="inlineStr"><is><t>&lt;f&gt; f</t></is></c>"#,
            r#"<sheetFormatPr defaultRowHeight="15"/><font/><fill/>"#,
            "",
        ] {
            assert!(!has_formula_element(xml.as_bytes()), "{xml}");
        }
    }
}
