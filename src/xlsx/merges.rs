//! The merged regions of a sheet, found in the sheet's XML that the budget pass already holds.
//!
//! calamine finds a sheet's merged regions by reading the whole sheet again, event by event, up
//! to its `<mergeCells>` block at the end: for a one-form workbook that second pass cost as much
//! as a sixth of the import. The block is plain markup (`<mergeCell ref="A1:C1"/>` …), found here
//! with a byte search. Anything less plain (a comment, CDATA, a declaration, a reference this
//! does not read exactly as calamine does, a block without its end) gives `None`, and calamine
//! reads the sheet as before, so every odd sheet is read the way it always was.

use calamine::Dimensions;

/// The regions of the sheet's first `<mergeCells>` block, as calamine's
/// `merge_cells_by_sheet_name` gives them; `None` where calamine must decide.
pub fn merged_regions(xml: &[u8]) -> Option<Vec<Dimensions>> {
    // `<!` begins a comment, CDATA or a declaration: text in them is not markup.
    if memchr::memmem::find(xml, b"<!").is_some() {
        return None;
    }
    let Some(block) = block_start(xml)? else {
        return Some(Vec::new());
    };
    let mut regions = Vec::new();
    let mut at = block;
    while let Some(open) = memchr::memchr(b'<', xml.get(at..)?) {
        let tag_start = at + open + 1;
        let tag_end = tag_start + memchr::memchr(b'>', xml.get(tag_start..)?)?;
        let tag = xml.get(tag_start..tag_end)?;
        at = tag_end + 1;
        let (closing, name, attributes) = split_tag(tag)?;
        match (closing, local_name(name)) {
            (true, b"mergeCells") => return Some(regions),
            (false, b"mergeCell") => {
                if let Some(reference) = attribute(attributes, b"ref")? {
                    regions.push(dimension(reference)?);
                }
            }
            _ => {}
        }
    }
    // No end to the block: calamine reports that.
    None
}

/// Where the content of the first `<mergeCells>` start tag begins: `Some(None)` when there is no
/// block or it is an empty element (`<mergeCells/>`), `None` when the tag has no end.
fn block_start(xml: &[u8]) -> Option<Option<usize>> {
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(xml.get(at..)?, b"mergeCells") {
        let name_start = at + found;
        at = name_start + b"mergeCells".len();
        // The name of a tag: `<` before it, or `<prefix:`. Text can hold the word, not `<`.
        let before = xml.get(..name_start)?;
        let opened = match before.last() {
            Some(b'<') => true,
            Some(b':') => before
                .iter()
                .rev()
                .skip(1)
                .find(|b| !is_name_byte(**b))
                .is_some_and(|b| *b == b'<'),
            _ => false,
        };
        let whole_name = xml.get(at).is_some_and(|b| !is_name_byte(*b) && *b != b':');
        if !(opened && whole_name) {
            continue;
        }
        let tag_end = at + memchr::memchr(b'>', xml.get(at..)?)?;
        if xml.get(tag_end.checked_sub(1)?) == Some(&b'/') {
            return Some(None);
        }
        return Some(Some(tag_end + 1));
    }
    Some(None)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// `(closing, name, attributes)` of the text between `<` and `>`; `None` for a tag that is not
/// a plain start, end or empty element.
fn split_tag(tag: &[u8]) -> Option<(bool, &[u8], &[u8])> {
    let (closing, rest) = match tag.strip_prefix(b"/") {
        Some(rest) => (true, rest),
        None => (false, tag),
    };
    if rest.first().is_some_and(|b| matches!(b, b'?' | b'!')) {
        return None;
    }
    let end = rest
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/')
        .unwrap_or(rest.len());
    Some((closing, rest.get(..end)?, rest.get(end..)?))
}

fn local_name(name: &[u8]) -> &[u8] {
    match memchr::memrchr(b':', name) {
        Some(colon) => name.get(colon + 1..).unwrap_or_default(),
        None => name,
    }
}

/// The raw value of the attribute named exactly `key`: `Some(None)` when it is absent, `None`
/// when the attributes are not plain `name="value"` pairs or the value holds an entity.
fn attribute<'a>(mut attributes: &'a [u8], key: &[u8]) -> Option<Option<&'a str>> {
    loop {
        attributes = attributes.trim_ascii_start();
        if attributes.is_empty() || attributes == b"/" {
            return Some(None);
        }
        let equals = memchr::memchr(b'=', attributes)?;
        let name = attributes.get(..equals)?.trim_ascii_end();
        let rest = attributes.get(equals + 1..)?.trim_ascii_start();
        let quote = *rest.first()?;
        if !matches!(quote, b'"' | b'\'') {
            return None;
        }
        let length = memchr::memchr(quote, rest.get(1..)?)?;
        let value = rest.get(1..1 + length)?;
        if value.contains(&b'&') {
            return None;
        }
        if name == key {
            return std::str::from_utf8(value).ok().map(Some);
        }
        attributes = rest.get(2 + length..)?;
    }
}

/// `A1:C3` (or `A1`) as calamine reads it; `None` for anything it would read otherwise or refuse.
fn dimension(reference: &str) -> Option<Dimensions> {
    let mut corners = reference.split(':');
    let start = corner(corners.next()?)?;
    let end = match corners.next() {
        Some(second) => corner(second)?,
        None => start,
    };
    if corners.next().is_some() {
        return None;
    }
    Some(Dimensions::new(start, end))
}

/// `(row, column)`, both from 0, of `D14`: letters then digits, nothing else. References longer
/// than Excel's (three letters, seven digits) are left to calamine.
fn corner(text: &str) -> Option<(u32, u32)> {
    let split = text.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || letters.len() > 3 || digits.is_empty() || digits.len() > 7 {
        return None;
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = letters.bytes().fold(0u32, |col, b| {
        col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Corners = ((u32, u32), (u32, u32));

    fn regions(xml: &str) -> Option<Vec<Corners>> {
        merged_regions(xml.as_bytes()).map(|r| r.iter().map(|d| (d.start, d.end)).collect())
    }

    #[test]
    fn the_block_is_read_in_every_spelling_calamine_reads() {
        let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCells &lt;mergeCell ref="Z9"/&gt;</t></is></c></row></sheetData><mergeCells count="3"><mergeCell ref="A1:C1"/><mergeCell ref = 'b2:B4' ></mergeCell><mergeCell ref="D5"/><mergeCell/></mergeCells><mergeCells><mergeCell ref="E1:E2"/></mergeCells></worksheet>"#;
        assert_eq!(
            regions(sheet),
            Some(vec![((0, 0), (0, 2)), ((1, 1), (3, 1)), ((4, 3), (4, 3))])
        );
        let prefixed =
            r#"<x:worksheet><x:mergeCells><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>"#;
        assert_eq!(regions(prefixed), Some(vec![((0, 0), (0, 1))]));
        assert_eq!(regions("<worksheet><sheetData/></worksheet>"), Some(vec![]));
        assert_eq!(
            regions(r#"<worksheet><mergeCells count="0"/></worksheet>"#),
            Some(vec![])
        );
    }

    #[test]
    fn anything_less_plain_is_left_to_calamine() {
        for xml in [
            r#"<worksheet><!-- <mergeCells> --><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#,
            r#"<worksheet><mergeCells><mergeCell ref="$A$1:B1"/></mergeCells></worksheet>"#,
            r#"<worksheet><mergeCells><mergeCell ref="A1:B1:C1"/></mergeCells></worksheet>"#,
            r#"<worksheet><mergeCells><mergeCell ref="A0"/></mergeCells></worksheet>"#,
            r#"<worksheet><mergeCells><mergeCell ref="A&#49;"/></mergeCells></worksheet>"#,
            r#"<worksheet><mergeCells><mergeCell ref="A1:B1"/>"#,
            r#"<worksheet><mergeCells><mergeCell ref=A1/></mergeCells></worksheet>"#,
            r#"<worksheet><mergeCells><mergeCell ref="ABCD1"/></mergeCells></worksheet>"#,
        ] {
            assert_eq!(regions(xml), None, "{xml}");
        }
    }
}

#[cfg(test)]
mod against_calamine {
    use calamine::{Reader, Xlsx};

    fn workbooks(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                workbooks(&path, out);
            } else if path.extension().is_some_and(|e| e == "xlsx") {
                out.push(path);
            }
        }
    }

    /// Every sheet of every workbook under `tests/fixtures` whose regions are found here has the
    /// regions calamine finds, in calamine's order.
    #[test]
    fn every_fixture_sheet_gives_the_regions_calamine_gives() {
        let mut paths = Vec::new();
        workbooks(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
            &mut paths,
        );
        let (mut compared, mut with_regions) = (0, 0);
        for path in paths {
            let bytes = std::fs::read(&path).unwrap();
            let Ok(facts) = crate::xlsx::budget::inspect("t.xlsx", &bytes) else {
                continue;
            };
            let Ok(mut workbook) = Xlsx::new(std::io::Cursor::new(bytes)) else {
                continue;
            };
            for sheet in workbook.sheet_names() {
                let Some(ours) = facts
                    .sheet_parts
                    .get(&sheet)
                    .and_then(|p| facts.merges.get(p))
                else {
                    continue;
                };
                let theirs = workbook.merge_cells_by_sheet_name(&sheet).unwrap();
                let pairs = |r: &[calamine::Dimensions]| -> Vec<_> {
                    r.iter().map(|d| (d.start, d.end)).collect()
                };
                assert_eq!(pairs(ours), pairs(&theirs), "{} {sheet}", path.display());
                compared += 1;
                with_regions += usize::from(!theirs.is_empty());
            }
        }
        assert!(
            compared >= 12 && with_regions >= 10,
            "{compared} sheets, {with_regions} with regions"
        );
    }

    /// Regions written by another writer (rust_xlsxwriter), far columns and rows included.
    #[test]
    fn written_regions_are_found_as_calamine_finds_them() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("项目 表").unwrap();
        let format = rust_xlsxwriter::Format::new();
        let ranges = [
            (0, 0, 0, 3),
            (2, 1, 5, 1),
            (9, 25, 9, 27),
            (1_000, 700, 1_001, 703),
        ];
        for (r0, c0, r1, c1) in ranges {
            sheet.merge_range(r0, c0, r1, c1, "合并", &format).unwrap();
        }
        sheet
            .write(7, 7, "mergeCells <mergeCell ref=\"A1\"/>")
            .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let facts = crate::xlsx::budget::inspect("t.xlsx", &bytes).unwrap();
        let ours = &facts.merges[&facts.sheet_parts["项目 表"]];
        let found: Vec<_> = ours.iter().map(|d| (d.start, d.end)).collect();
        let written: Vec<_> = ranges
            .iter()
            .map(|&(r0, c0, r1, c1)| ((r0, u32::from(c0)), (r1, u32::from(c1))))
            .collect();
        assert_eq!(found, written);
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let theirs = workbook.merge_cells_by_sheet_name("项目 表").unwrap();
        assert_eq!(
            found,
            theirs.iter().map(|d| (d.start, d.end)).collect::<Vec<_>>()
        );
    }
}
