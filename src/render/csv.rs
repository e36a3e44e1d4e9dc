//! CSV for spreadsheets: one writer for every CSV jixiao prints (review, diff, the check
//! catalogue), RFC 4180 quoting by the `csv` crate, and fields that a spreadsheet would run as a
//! formula neutralised.
//!
//! A field that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel
//! and LibreOffice (`=HYPERLINK(…)`, `-2+3+cmd|' /C calc'!A0`): a submitter could put one in an
//! indicator's name and have it run on the reviewer's machine. As OWASP recommends for CSV
//! injection, such a field is written with a leading `'`, which the spreadsheet shows as text and
//! hides. A plain number (`-1.20`, `-5%`) is left as it is: it is no formula, and a spreadsheet
//! should read it as a number. Control characters other than line breaks are shown as visible
//! escapes (`\u{1b}`), so that a terminal or an editor showing the file cannot be driven by it.
//!
//! [`CsvStyle::Raw`] (`--csv-raw`) writes every field exactly as it is, for programs.

use std::borrow::Cow;

/// How fields are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvStyle {
    /// For spreadsheets and people: formulas neutralised, control characters escaped.
    #[default]
    Safe,
    /// Every field exactly as it is (for programs; `--csv-raw`).
    Raw,
}

/// The line ending of a CSV text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    Lf,
    CrLf,
}

/// Characters that make a spreadsheet read a cell as a formula when they start it.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A field as a spreadsheet should see it: with a leading `'` when it would start a formula, and
/// control characters (other than line breaks) as visible escapes.
pub fn neutralise(field: &str) -> Cow<'_, str> {
    let field = crate::diag::visible_text(field);
    if field.starts_with(FORMULA_STARTS) && !is_plain_number(&field) {
        Cow::Owned(format!("'{field}"))
    } else {
        field
    }
}

/// `-1.20`, `+3`, `-5%`: a number, which no spreadsheet runs.
fn is_plain_number(field: &str) -> bool {
    let body = field.strip_prefix(['-', '+']).unwrap_or(field);
    let body = body.strip_suffix('%').unwrap_or(body);
    let mut parts = body.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Rows of fields as CSV text, quoted where RFC 4180 needs it.
pub fn rows<'a, R, F>(rows: R, style: CsvStyle, end: LineEnd) -> String
where
    R: IntoIterator<Item = F>,
    F: IntoIterator<Item = &'a str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(match end {
            LineEnd::Lf => csv::Terminator::Any(b'\n'),
            LineEnd::CrLf => csv::Terminator::CRLF,
        })
        .quote_style(csv::QuoteStyle::Necessary)
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        let fields: Vec<Cow<'_, str>> = row
            .into_iter()
            .map(|f| match style {
                CsvStyle::Safe => neutralise(f),
                CsvStyle::Raw => Cow::Borrowed(f),
            })
            .collect();
        // Writing to memory fails only on a bug in the writer; a row is then dropped, not a panic.
        let _ = writer.write_record(fields.iter().map(|f| f.as_bytes()));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    // Every field is a `str`, so the text is UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// One row.
pub fn row<'a>(fields: impl IntoIterator<Item = &'a str>, style: CsvStyle, end: LineEnd) -> String {
    rows(std::iter::once(fields), style, end)
}

/// Whether a spreadsheet would run this field as a formula (for tests and fuzzing): it starts with
/// a formula character and is not a plain number.
pub fn is_formula(field: &str) -> bool {
    field.starts_with(FORMULA_STARTS) && !is_plain_number(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(fields: &[&str]) -> String {
        row(fields.iter().copied(), CsvStyle::Safe, LineEnd::Lf)
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(
            line(&["成本指标", "10万元, 5万元"]),
            "成本指标,\"10万元, 5万元\"\n"
        );
        assert_eq!(line(&["说\"明\""]), "\"说\"\"明\"\"\"\n");
        assert_eq!(line(&["第一行\n第二行", ""]), "\"第一行\n第二行\",\n");
        assert_eq!(row(["a", "b"], CsvStyle::Safe, LineEnd::CrLf), "a,b\r\n");
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(line(&["=1+1"]), "'=1+1\n");
        assert_eq!(
            line(&["=HYPERLINK(\"http://x\",\"y\")"]),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n"
        );
        assert_eq!(line(&["+1"]), "+1\n");
        assert_eq!(
            line(&["-2+3+cmd|' /C calc'!A0"]),
            "'-2+3+cmd|' /C calc'!A0\n"
        );
        assert_eq!(line(&["@SUM(A1)"]), "'@SUM(A1)\n");
        assert_eq!(line(&["\t=1"]), "'\t=1\n");
        assert_eq!(line(&["-1.20", "-5%", "-0.5"]), "-1.20,-5%,-0.5\n");
        assert_eq!(line(&["-", "-1.", "--1"]), "'-,'-1.,'--1\n");
        assert_eq!(
            row(["=1+1"], CsvStyle::Raw, LineEnd::Lf),
            "=1+1\n",
            "raw output is for programs"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(line(&["a\u{1b}[31mb"]), "a\\u{1b}[31mb\n");
        // A lone carriage return starts a formula and is escaped: neither survives.
        assert_eq!(line(&["\rx"]), "\\u{d}x\n");
    }
}
