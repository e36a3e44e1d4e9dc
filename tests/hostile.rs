//! Hostile submissions (issue 14): what a submitter can put into a form must not act on the
//! people who read jixiao's output. Any text in a form's fields, rendered every way, gives no raw
//! control character (but line breaks and tabs), no unescaped `<` in Markdown or HTML, and no CSV
//! field a spreadsheet would run as a formula.
//!
//! The attacks on memory, time and the file system are here too, each as a generator; how long
//! each takes and how much memory is measured by `scripts/hostile-bench.sh`, not asserted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::diag::is_hidden_control_in_text;
use jixiao::render;
use jixiao::{CheckSet, ScoreOptions, Session};
use proptest::prelude::*;
use proptest::test_runner::Config;

const FORM: &str = include_str!("fixtures/valid-minimal.toml");

/// A TOML basic string holding `text` exactly.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The minimal form with `text` in its project name, an indicator's name, and (so that errors
/// quote it too) an actual value and a target.
fn form_with(text: &str, field: usize) -> String {
    let quoted = toml_string(text);
    match field {
        0 => FORM.replace("\"测试项目\"", &quoted),
        1 => FORM.replace("\"设备维修数量\"", &quoted),
        2 => FORM.replace("\"9万元\"", &quoted),
        _ => FORM.replace("\"明显\"", &quoted),
    }
}

/// Text as an attacker writes it: escape sequences, carriage returns, formulas, HTML, links.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        Just("\u{1b}[31m".to_string()),
        Just("\u{1b}]8;;http://x\u{7}".to_string()),
        Just("\u{9b}2J".to_string()),
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\u{202e}".to_string()),
        Just("=HYPERLINK(\"http://x\")".to_string()),
        Just("+1+cmd|' /C calc'!A0".to_string()),
        Just("-2+3".to_string()),
        Just("@SUM(A1)".to_string()),
        Just("\t=1".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("[x](javascript:alert(1))".to_string()),
        Just("![](https://evil.example/p.png)".to_string()),
        Just("`|\\".to_string()),
        Just("&lt;".to_string()),
        "[a-z0-9 ]{0,4}",
    ];
    prop::collection::vec(piece, 1..6).prop_map(|parts| parts.concat())
}

/// No character that acts on a terminal: line breaks and tabs only, `\r` only before `\n`.
fn assert_no_controls(what: &str, text: &str) {
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        assert!(
            !is_hidden_control_in_text(c),
            "{what}: raw control {c:?} at {i}\n{text}"
        );
        if c == '\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "{what}: a lone \\r\n{text}");
        }
    }
}

/// Markdown: no `<` but the tags it writes itself, outside fenced code blocks (where `<` is
/// text). A fence is closed only by a line of at least as many backticks.
fn assert_markdown_safe(what: &str, text: &str) {
    assert_no_controls(what, text);
    let mut open: Option<usize> = None;
    for line in text.lines() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        match open {
            Some(n) if ticks >= n && line.trim_start_matches('`').trim().is_empty() => open = None,
            Some(_) => {}
            None if ticks >= 3 => open = Some(ticks),
            None => {
                let mut rest = line.to_string();
                for ours in ["<br>", "<details>", "<summary>", "</summary>", "</details>"] {
                    rest = rest.replace(ours, "");
                }
                assert!(!rest.contains('<'), "{what}: raw `<` in {line:?}\n{text}");
            }
        }
    }
}

/// The tag names of an HTML text.
#[cfg(feature = "html")]
fn tags(text: &str) -> std::collections::BTreeSet<String> {
    text.match_indices('<')
        .map(|(i, _)| {
            text[i + 1..]
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .collect()
}

/// HTML: every tag is one the page writes for a harmless form (a `<script>` or `<img>` from a
/// form would be new).
#[cfg(feature = "html")]
fn assert_html_safe(text: &str, ours: &std::collections::BTreeSet<String>) {
    assert_no_controls("html", text);
    for tag in tags(text) {
        assert!(
            ours.contains(&tag),
            "html: a tag that is not the page's own: <{tag}"
        );
    }
    assert!(!text.contains("<script") && !text.contains("<img"));
}

/// CSV: parsed back, no field a spreadsheet would run.
fn assert_csv_safe(what: &str, text: &str) {
    assert_no_controls(what, text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        for field in record.iter() {
            assert!(
                !render::csv::is_formula(field),
                "{what}: a formula field {field:?}\n{text}"
            );
        }
    }
}

/// Renders every output of the form; whether it loaded and scored.
fn render_everything(session: &Session, text: &str) -> bool {
    let loaded = jixiao::form::load_str("hostile\u{1b}[2J.toml", text);
    let form = match loaded {
        Ok(form) => form,
        Err(errors) => {
            for e in &errors {
                assert_no_controls("error", &e.to_string());
                assert_no_controls("headline", &e.headline());
                assert_no_controls("error json", &render::json::to_string(&e.to_json()));
            }
            return false;
        }
    };
    let scored = match session.score(form.clone(), ScoreOptions { trace: true }) {
        Ok(scored) => scored,
        Err(errors) => {
            for e in &errors {
                assert_no_controls("score error", &e.to_string());
            }
            return false;
        }
    };
    let sheet = &scored.sheet;
    assert_no_controls("table", &render::table::render_fit(sheet, true, None));
    assert_no_controls(
        "table fit",
        &render::table::render_fit(sheet, true, Some(80)),
    );
    assert_markdown_safe("markdown", &render::markdown::render(sheet, true));
    assert_no_controls(
        "json",
        &render::json::to_string(&render::json::sheet(sheet)),
    );
    let review = session.review(&form, &CheckSet::all()).unwrap();
    assert_no_controls("review text", &render::review::form_text(&review));
    assert_markdown_safe("review markdown", &render::review::form_markdown(&review));
    assert_no_controls("review json", &render::review::form_json(&review));
    assert_csv_safe("review csv", &render::review::form_csv(&review));
    let summary = render::review::Summary::of(1, std::slice::from_ref(&review), 0);
    assert_no_controls(
        "review summary",
        &render::review::text_summary(&summary, &[]),
    );
    assert_markdown_safe(
        "review summary markdown",
        &render::review::markdown_summary(&summary, &[]),
    );
    let views = jixiao::report::layout::reviewed_views(std::slice::from_ref(&scored));
    assert_markdown_safe(
        "report markdown",
        &jixiao::report::markdown::render(&views, "t"),
    );
    // The HTML report exists with the `html` feature (on by default).
    #[cfg(feature = "html")]
    {
        let ours = {
            let form = jixiao::form::load_str("clean.toml", FORM).unwrap();
            let clean = session.score(form, ScoreOptions { trace: true }).unwrap();
            let views = jixiao::report::layout::reviewed_views(std::slice::from_ref(&clean));
            let mut ours = tags(&jixiao::report::html::render(&views, "t"));
            ours.insert("br".into()); // a line break in a cell
            // Every tag the renderer itself writes (the findings list, a claimed figure's mark …),
            // read from its source: a form decides which of them appear, never a new one.
            ours.extend(tags(include_str!("../src/report/html.rs")));
            ours
        };
        assert!(!ours.contains("script") && !ours.contains("img"));
        assert_html_safe(&jixiao::report::html::render(&views, "t"), &ours);
    }
    // diff: the form under both shipped rulesets.
    let side = |id: &str| jixiao::diff::Side {
        ruleset: std::sync::Arc::new(
            session
                .registry()
                .find(&jixiao::rules::RulesetRef::parse(id).unwrap())
                .unwrap()
                .as_ref()
                .clone(),
        ),
        origin: "shipped".into(),
    };
    let (from, to) = (side("henan-2023"), side("central-2020"));
    let diffs = vec![jixiao::diff::compare(&form, &from, &to)];
    let summary = jixiao::diff::summarize(&diffs, &from, &to, 10);
    let report = jixiao::diff::render::Report {
        from: &from,
        to: &to,
        diffs: &diffs,
        summary: &summary,
        errors: &[],
    };
    assert_no_controls("diff table", &jixiao::diff::render::table_text(&report));
    assert_markdown_safe(
        "diff markdown",
        &jixiao::diff::render::markdown_text(&report),
    );
    assert_no_controls("diff json", &jixiao::diff::render::json_text(&report));
    assert_csv_safe("diff csv", &jixiao::diff::render::csv_text(&report));
    true
}

proptest! {
    #![proptest_config(Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn no_output_carries_an_attack_from_a_form_field(text in hostile_text(), field in 0usize..4) {
        let session = Session::builtin().unwrap();
        render_everything(&session, &form_with(&text, field));
    }
}

#[test]
fn each_attack_is_neutralised_in_the_output_a_person_reads() {
    let session = Session::builtin().unwrap();
    for text in [
        "=HYPERLINK(\"http://evil\",\"x\")",
        "\u{1b}[2J\u{1b}[31m红",
        "a\rb",
        "<img src=x onerror=alert(1)>",
        "[点我](javascript:alert(1))",
        "![](https://evil.example/p.png)",
    ] {
        for field in 0..4 {
            let rendered = render_everything(&session, &form_with(text, field));
            // A name may be anything: the form scores and every output is drawn.
            assert!(
                rendered || field >= 2,
                "{text:?} in field {field} did not score"
            );
        }
    }
}

/// The CLI: a formula in an indicator's name is neutralised in review CSV, and `--csv-raw` keeps
/// it for programs; an escape sequence in a name never reaches the terminal.
#[test]
fn the_cli_neutralises_csv_and_escapes_control_characters() {
    let dir = common::scratch("hostile-cli");
    let path = dir.join("f.toml");
    let text = FORM
        .replace("\"设备维修数量\"", &toml_string("=1+1"))
        .replace("\"测试项目\"", &toml_string("项目\u{1b}[2J"))
        .replace("\"20次\"", "\"19次\"");
    std::fs::write(&path, text).unwrap();
    let shown = path.to_string_lossy().into_owned();
    let csv = common::jixiao(&["review", "--format", "csv", &shown]);
    let stdout = common::stdout(&csv);
    assert!(stdout.contains("'=1+1"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    let raw = common::jixiao(&["review", "--format", "csv", "--csv-raw", &shown]);
    let stdout = common::stdout(&raw);
    assert!(
        stdout.contains(",=1+1") || stdout.contains("\"=1+1"),
        "{stdout}"
    );
    for format in ["table", "markdown", "json"] {
        let score = common::jixiao(&["score", "--explain", "--format", format, &shown]);
        let out = common::stdout(&score);
        assert!(!out.contains('\u{1b}'), "{format}: {out}");
        assert!(
            out.contains("\\u{1b}") || out.contains("\\u001b"),
            "{format}: {out}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Workbooks that ask for more than they send

mod book {
    use std::io::Write;

    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// A workbook: sheets named and pointed at parts, the parts, and the workbook's options.
    pub struct Book {
        pub sheets: Vec<(String, String)>,
        pub parts: Vec<(String, Vec<u8>)>,
        pub full_calc: bool,
        /// Parts written uncompressed (so that a test can change their bytes).
        pub stored: bool,
    }

    impl Book {
        /// One sheet `S` with this XML inside `<sheetData>`, and these merges.
        pub fn sheet(rows: &str, merges: &str) -> Book {
            Book {
                sheets: vec![("S".into(), "worksheets/sheet1.xml".into())],
                parts: vec![("xl/worksheets/sheet1.xml".into(), sheet_xml(rows, merges))],
                full_calc: false,
                stored: false,
            }
        }

        pub fn shared_strings(mut self, xml: Vec<u8>) -> Book {
            self.parts.push(("xl/sharedStrings.xml".into(), xml));
            self
        }

        pub fn bytes(&self) -> Vec<u8> {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let method = if self.stored {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(method)
                .compression_level(Some(1))
                .large_file(false);
            let sheets: String = self
                .sheets
                .iter()
                .enumerate()
                .map(|(i, (name, _))| {
                    format!(
                        r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#,
                        i + 1,
                        i + 1
                    )
                })
                .collect();
            let calc = if self.full_calc {
                r#"<calcPr calcId="191029" fullCalcOnLoad="1"/>"#
            } else {
                ""
            };
            let workbook = format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}</sheets>{calc}</workbook>"#
            );
            let rels: String = self
                .sheets
                .iter()
                .enumerate()
                .map(|(i, (_, target))| {
                    format!(
                        r#"<Relationship Id="rId{}" Type="{REL}/worksheet" Target="{target}"/>"#,
                        i + 1
                    )
                })
                .collect();
            let rels = format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            );
            let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
            let root_rels = format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            );
            let mut parts: Vec<(String, Vec<u8>)> = vec![
                (
                    "[Content_Types].xml".into(),
                    content_types.as_bytes().to_vec(),
                ),
                ("_rels/.rels".into(), root_rels.into_bytes()),
                ("xl/workbook.xml".into(), workbook.into_bytes()),
                ("xl/_rels/workbook.xml.rels".into(), rels.into_bytes()),
            ];
            parts.extend(self.parts.iter().cloned());
            for (name, data) in parts {
                zip.start_file(name, options).unwrap();
                zip.write_all(&data).unwrap();
            }
            zip.finish().unwrap().into_inner()
        }
    }

    pub fn sheet_xml(rows: &str, merges: &str) -> Vec<u8> {
        let merges = if merges.is_empty() {
            String::new()
        } else {
            format!("<mergeCells>{merges}</mergeCells>")
        };
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetData>{rows}</sheetData>{merges}</worksheet>"#
        )
        .into_bytes()
    }

    /// An inline-string cell.
    pub fn text(cell: &str, text: &str) -> String {
        format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    pub fn row(n: u32, cells: &str) -> String {
        format!(r#"<row r="{n}">{cells}</row>"#)
    }
}

use book::{Book, row, text};

/// Every hostile workbook, by name: what the issue saw, each small on disk.
fn hostile_workbooks() -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    // A 1 MB shared string used by 20,000 cells: 20 GB of text once expanded; and one of
    // 90 KB (within Excel's cell limit) used by as many: 1.8 GB.
    for (name, chars) in [
        ("shared-string-1mb.xlsx", 350_000),
        ("shared-string-amplified.xlsx", 30_000),
    ] {
        let big = "万".repeat(chars);
        let sst = format!(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{big}</t></si></sst>"#
        );
        let rows: String = (1..=20_000)
            .map(|r| row(r, &format!(r#"<c r="A{r}" t="s"><v>0</v></c>"#)))
            .collect();
        out.push((
            name,
            Book::sheet(&rows, "")
                .shared_strings(sst.into_bytes())
                .bytes(),
        ));
    }
    // Millions of empty shared strings.
    {
        let sst = format!(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</sst>"#,
            "<si/>".repeat(3_000_000)
        );
        out.push((
            "empty-shared-strings.xlsx",
            Book::sheet(&row(1, &text("A1", "x")), "")
                .shared_strings(sst.into_bytes())
                .bytes(),
        ));
    }
    // 2,000 merged regions of 316 × 316 cells.
    {
        let merges: String = (0..2_000)
            .map(|i| format!(r#"<mergeCell ref="A{}:LD{}"/>"#, i * 316 + 1, i * 316 + 316))
            .collect();
        out.push((
            "merged-area.xlsx",
            Book::sheet(&row(1, &text("A1", "三级指标")), &merges).bytes(),
        ));
    }
    // One merged region 4 billion columns wide, and 3,000 identical ones.
    out.push((
        "merge-4-billion-columns.xlsx",
        Book::sheet(
            &row(
                17,
                &format!("{}{}", text("K17", "三级指标"), text("L17", "指标值")),
            ),
            r#"<mergeCell ref="K17:LXQEASV17"/>"#,
        )
        .bytes(),
    ));
    {
        let merges = r#"<mergeCell ref="A2:C4"/>"#.repeat(3_000);
        let rows = format!(
            "{}{}",
            row(
                1,
                &format!(
                    "{}{}{}",
                    text("A1", "一级指标"),
                    text("B1", "三级指标"),
                    text("C1", "指标值")
                )
            ),
            row(2, &text("A2", "产出指标"))
        );
        out.push(("identical-merges.xlsx", Book::sheet(&rows, &merges).bytes()));
    }
    // 200 sheets that all point at one part of 199,999 cells.
    {
        let rows: String = (1..=199_999u32)
            .map(|r| row(r, &format!(r#"<c r="A{r}"><v>{r}</v></c>"#)))
            .collect();
        let mut book = Book::sheet(&rows, "");
        book.sheets = (1..=200)
            .map(|i| (format!("S{i}"), "worksheets/sheet1.xml".to_string()))
            .collect();
        out.push(("one-part-many-sheets.xlsx", book.bytes()));
    }
    // 100,000 header rows: table splitting compared each with every row.
    {
        let rows: String = (1..=100_000u32)
            .map(|r| {
                row(
                    r,
                    &format!(
                        "{}{}",
                        text(&format!("A{r}"), "三级指标"),
                        text(&format!("B{r}"), "指标值")
                    ),
                )
            })
            .collect();
        out.push(("header-rows.xlsx", Book::sheet(&rows, "").bytes()));
    }
    // A zip bomb: 80 MB of empty cells, a few hundred KB compressed.
    {
        let cells = r#"<c r="A1"/>"#.repeat(8_000_000);
        out.push(("zip-bomb.xlsx", Book::sheet(&row(1, &cells), "").bytes()));
    }
    // A cell of 70 MB.
    {
        let big = "x".repeat(70 << 20);
        out.push((
            "huge-cell.xlsx",
            Book::sheet(&row(1, &text("A1", &big)), "").bytes(),
        ));
    }
    out
}

/// Run `jixiao score` on a workbook written to a scratch folder beside a good form; the bad
/// workbook is a located error (exit 2), and the good form is still scored.
fn score_beside_a_good_form(name: &str, bytes: &[u8]) -> (String, String) {
    let dir = common::scratch("hostile-book");
    std::fs::write(dir.join(name), bytes).unwrap();
    std::fs::write(dir.join("good.toml"), FORM).unwrap();
    let output = common::jixiao(&["score", &dir.to_string_lossy()]);
    let stdout = common::stdout(&output);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
    assert!(
        stdout.contains("测试项目"),
        "{name}: the good form was not scored\n{stdout}"
    );
    assert!(
        stderr.contains(name),
        "{name}: the workbook is not named\n{stderr}"
    );
    (stdout, stderr)
}

#[test]
fn each_hostile_workbook_is_a_located_error_and_the_batch_goes_on() {
    let expected = [
        ("shared-string-1mb.xlsx", "Excel's limit"),
        ("shared-string-amplified.xlsx", "bytes of cell text"),
        ("empty-shared-strings.xlsx", "shared strings"),
        ("merged-area.xlsx", "merged regions cover more than"),
        (
            "merge-4-billion-columns.xlsx",
            "merged regions cover more than",
        ),
        ("identical-merges.xlsx", ""),
        (
            "one-part-many-sheets.xlsx",
            "filled cells in all sheets together",
        ),
        ("header-rows.xlsx", "header rows"),
        ("zip-bomb.xlsx", "inflates to"),
        ("huge-cell.xlsx", "inflates to"),
    ];
    let books = hostile_workbooks();
    if let Ok(dir) = std::env::var("JIXIAO_HOSTILE_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in &books {
            std::fs::write(std::path::Path::new(&dir).join(name), bytes).unwrap();
        }
    }
    for (name, bytes) in &books {
        let (_, stderr) = score_beside_a_good_form(name, bytes);
        let wanted = expected.iter().find(|(n, _)| n == name).unwrap().1;
        assert!(
            stderr.contains(wanted),
            "{name}: expected {wanted:?}\n{stderr}"
        );
    }
}

/// A 9.7 KB `.xls` whose directory's sector chain loops (found by the `xls` fuzz target): calamine
/// followed the loop without end and took 24 GB. It is refused before calamine opens it, with
/// what is damaged, and the batch goes on.
#[test]
#[cfg(feature = "xlsx")]
fn an_xls_whose_sector_chain_loops_is_a_located_error() {
    let bytes =
        std::fs::read(common::root().join("fuzz/regressions/xls/oom-looping-directory-chain.xls"))
            .unwrap();
    let (_, stderr) = score_beside_a_good_form("looping-chain.xls", &bytes);
    assert!(
        stderr.contains("sector chain loops"),
        "expected the damaged chain to be named\n{stderr}"
    );
}

/// An exported form workbook, as the tests' base for changing one thing.
fn exported_form(dir: &std::path::Path) -> Vec<u8> {
    let form = dir.join("form.toml");
    std::fs::write(&form, FORM).unwrap();
    let out = dir.join("form.xlsx");
    let output = common::jixiao(&[
        "export",
        &form.to_string_lossy(),
        "-o",
        &out.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    std::fs::read(out).unwrap()
}

/// The parts of a workbook, and a workbook from parts (stored: no compression, so that a test
/// can change bytes in place).
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

fn zipped(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A zip entry whose bytes no longer match its CRC (a budget figure changed in transit) is
/// refused, naming the part, instead of being imported with the changed figure.
#[test]
fn a_workbook_entry_that_fails_its_crc_is_refused() {
    let dir = common::scratch("hostile-crc");
    let good = zipped(&parts(&exported_form(&dir)));
    // Change one digit inside the stored bytes of a sheet part, past its local header.
    let sheet = parts(&good)
        .into_iter()
        .find(|(n, _)| n.starts_with("xl/worksheets/"))
        .unwrap();
    let at = good
        .windows(sheet.1.len().min(64))
        .position(|w| w == &sheet.1[..sheet.1.len().min(64)])
        .unwrap();
    let digit = (at..at + sheet.1.len())
        .find(|&i| good[i].is_ascii_digit() && good[i - 1] == b'>')
        .unwrap();
    let mut bad = good.clone();
    bad[digit] = if bad[digit] == b'9' {
        b'8'
    } else {
        bad[digit] + 1
    };
    let path = dir.join("changed.xlsx");
    std::fs::write(&path, &bad).unwrap();
    let output = common::jixiao(&["score", &path.to_string_lossy()]);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("xlsx::corrupt") && stderr.contains("xl/worksheets/"),
        "{stderr}"
    );
}

/// A formula cell is named with its formula, and a workbook marked for recalculation on opening
/// says that its saved values may be stale.
#[test]
fn formula_cells_are_flagged_and_stale_values_said_so() {
    let dir = common::scratch("hostile-formula");
    let mut parts = parts(&exported_form(&dir));
    for (name, data) in parts.iter_mut() {
        let text = String::from_utf8(data.clone()).unwrap();
        if name == "xl/workbook.xml" {
            let text = match text.find("<calcPr") {
                Some(_) => text.replace("<calcPr", r#"<calcPr fullCalcOnLoad="1""#),
                None => text.replace("</workbook>", r#"<calcPr fullCalcOnLoad="1"/></workbook>"#),
            };
            *data = text.into_bytes();
        } else if name.starts_with("xl/worksheets/") && text.contains("<v>90</v>") {
            *data = text
                .replacen("<v>90</v>", "<f>SUM(D7:D9)</f><v>90</v>", 1)
                .into_bytes();
        }
    }
    let path = dir.join("formula.xlsx");
    std::fs::write(&path, zipped(&parts)).unwrap();
    let output = common::jixiao(&["score", &path.to_string_lossy()]);
    let stderr = common::stderr(&output);
    assert!(stderr.contains("xlsx::formula"), "{stderr}");
    assert!(stderr.contains("=SUM(D7:D9)"), "{stderr}");
    assert!(stderr.contains("fullCalcOnLoad"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// Templates and rules

/// 50,000 nested sections are refused when parsed (they overflowed the stack when rendered), and
/// lists nested 15 deep stop at the output limit instead of allocating gigabytes.
#[test]
fn templates_are_bounded_in_depth_and_output() {
    use jixiao::report::template::{FieldValue, Fields, Template};
    let deep = format!("{}x{}", "{{#a}}".repeat(50_000), "{{/a}}".repeat(50_000));
    let errors = Template::parse("deep.txt", &deep).unwrap_err();
    assert!(
        errors[0].message.contains("nested more than"),
        "{}",
        errors[0]
    );

    let levels = jixiao::report::template::MAX_DEPTH;
    let wide = format!(
        "{}{{{{name}}}}{}",
        "{{#items}}".repeat(levels),
        "{{/items}}".repeat(levels)
    );
    let template = Template::parse("wide.txt", &wide).unwrap();
    let item: Fields = [("name".to_string(), FieldValue::from("项目名称很长"))].into();
    let data: Fields = [("items".to_string(), FieldValue::List(vec![item; 8]))].into();
    let start = std::time::Instant::now();
    let errors = template.render(&data).unwrap_err();
    assert_eq!(errors[0].code, "template::too-large", "{}", errors[0]);
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

/// A rule file with 65,000 step bands is refused at once (the pairwise overlap check took 33 s),
/// and overlapping bands among many are still found.
#[test]
fn step_bands_are_bounded_and_checked_in_n_log_n() {
    let rules = |bands: &str| {
        format!(
            "ruleset many-bands {{\n  version 1\n  years 2023..\n}}\n\nformula s = steps rate {{\n{bands}  else -> 0\n}}\n"
        )
    };
    let many: String = (0..65_000).map(|i| format!("={i}->1\n")).collect();
    let start = std::time::Instant::now();
    let errors = jixiao::rules::load_str("many.rules", &rules(&many)).unwrap_err();
    assert!(
        errors.iter().any(|e| e.message.contains("bands")),
        "{}",
        errors[0]
    );
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());

    let overlapping: String = (0..900)
        .map(|i| format!("  [{i}, {}) -> 1\n", i + 1))
        .chain(["  [450.5, 451.5] -> 2\n".to_string()])
        .collect();
    let errors = jixiao::rules::load_str("overlap.rules", &rules(&overlapping)).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("overlaps an earlier one")),
        "{}",
        errors[0]
    );
}

// ---------------------------------------------------------------------------------------------
// The file system: links, FIFOs, outputs

/// A submissions folder with a link back to itself (`same -> .`) and two more links to `.`: the
/// walk does not follow them, so every form is read once, the disclosure gives the true figures,
/// and the links are named as not followed.
#[cfg(unix)]
#[test]
fn a_symlinked_folder_is_read_once_and_the_links_are_named() {
    let dir = common::scratch("hostile-links");
    for entry in std::fs::read_dir(common::root().join("evaluations/xuchang-2023")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    std::os::unix::fs::symlink(".", dir.join("same")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("again")).unwrap();
    std::os::unix::fs::symlink(&*dir, dir.join("absolute")).unwrap();
    let output = common::jixiao(&["report", "--disclosure", &dir.to_string_lossy()]);
    let stdout = common::stdout(&output);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("涉及项目3个，项目金额251.11万元"),
        "{stdout}"
    );
    for link in ["same", "again", "absolute"] {
        assert!(
            stderr.contains(&format!("{link}: 符号链接")),
            "{link}\n{stderr}"
        );
    }
}

/// A FIFO named like a form, passed directly or found in a folder, never blocks the batch.
#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_form_does_not_block() {
    let dir = common::scratch("hostile-fifo");
    let fifo = dir.join("b.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    std::fs::write(dir.join("good.toml"), FORM).unwrap();
    let start = std::time::Instant::now();
    let direct = common::jixiao(&[
        "score",
        &fifo.to_string_lossy(),
        &dir.join("good.toml").to_string_lossy(),
    ]);
    let stderr = common::stderr(&direct);
    assert_eq!(direct.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("FIFO"), "{stderr}");
    assert!(common::stdout(&direct).contains("测试项目"));
    let walked = common::jixiao(&["score", &dir.to_string_lossy()]);
    assert_eq!(walked.status.code(), Some(0), "{}", common::stderr(&walked));
    assert!(start.elapsed().as_secs() < 30);
}

/// Outputs: `--force` replaces only a regular file (not a link, a FIFO, a directory), `-o` equal
/// to an input is refused, the temporary file has a random name, and `rules fmt` writes through
/// a link keeping it a link.
#[cfg(unix)]
#[test]
fn outputs_replace_only_regular_files_and_never_an_input() {
    let dir = common::scratch("hostile-writes");
    let form = dir.join("form.toml");
    std::fs::write(&form, FORM).unwrap();
    let form_arg = form.to_string_lossy().into_owned();
    // -o equal to the input.
    let same = common::jixiao(&[
        "report", &form_arg, "--format", "markdown", "-o", &form_arg, "--force",
    ]);
    assert_eq!(same.status.code(), Some(2));
    assert!(
        common::stderr(&same).contains("output::is-input"),
        "{}",
        common::stderr(&same)
    );
    assert_eq!(std::fs::read_to_string(&form).unwrap(), FORM);
    // --force on a link to a file of someone else's.
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    let link = dir.join("out.md");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let linked = common::jixiao(&[
        "report",
        &form_arg,
        "--format",
        "markdown",
        "-o",
        &link.to_string_lossy(),
        "--force",
    ]);
    assert_eq!(linked.status.code(), Some(2), "{}", common::stderr(&linked));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    // --force on a directory.
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let into_dir = common::jixiao(&[
        "report",
        &form_arg,
        "--format",
        "markdown",
        "-o",
        &sub.to_string_lossy(),
        "--force",
    ]);
    assert_eq!(into_dir.status.code(), Some(2));
    assert!(sub.is_dir());
    // No temporary file is left, and a stale one of ours is cleaned up by the next write.
    let stale = dir.join(".old.md.jixiao-0123456789abcdef.tmp");
    std::fs::write(&stale, "left by kill -9").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    let fresh = dir.join(".recent.md.jixiao-fedcba9876543210.tmp");
    std::fs::write(&fresh, "a write in progress").unwrap();
    let ok = common::jixiao(&[
        "report",
        &form_arg,
        "--format",
        "markdown",
        "-o",
        &dir.join("r.md").to_string_lossy(),
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", common::stderr(&ok));
    assert!(!stale.exists(), "a stale temporary file was left");
    assert!(
        fresh.exists(),
        "a recent temporary file (another run's) was removed"
    );
    // rules fmt through a link: the link stays a link, its target is formatted.
    let rules = dir.join("real.rules");
    let text =
        std::fs::read_to_string(common::root().join("tests/fixtures/constructs/steps.rules"))
            .unwrap();
    std::fs::write(&rules, text.replace("  version 1", "    version 1")).unwrap();
    let rules_link = dir.join("link.rules");
    std::os::unix::fs::symlink("real.rules", &rules_link).unwrap();
    let fmt = common::jixiao(&["rules", "fmt", &rules_link.to_string_lossy()]);
    assert_eq!(fmt.status.code(), Some(0), "{}", common::stderr(&fmt));
    assert!(
        std::fs::symlink_metadata(&rules_link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&rules)
            .unwrap()
            .contains("\n  version 1")
    );
    // rules fmt on a file with a second hard link: refused, both names unchanged.
    let hard = dir.join("hard.rules");
    std::fs::hard_link(&rules, &hard).unwrap();
    std::fs::write(&rules, text.replace("  version 1", "    version 1")).unwrap();
    let fmt = common::jixiao(&["rules", "fmt", &hard.to_string_lossy()]);
    assert_eq!(fmt.status.code(), Some(2), "{}", common::stderr(&fmt));
    assert!(common::stderr(&fmt).contains("hard links"));
}

/// `-j` far above the machine is capped, with a message, and the batch runs.
#[test]
fn jobs_are_capped() {
    let output = common::jixiao(&["score", "-j", "20000", "tests/fixtures/valid-minimal.toml"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        common::stderr(&output).contains("above the cap"),
        "{}",
        common::stderr(&output)
    );
}

// ---------------------------------------------------------------------------------------------
// Export

/// Project names Excel would refuse as sheet names (31 emoji are 62 UTF-16 units; a trailing
/// `'`; control characters) and control characters in cell text: the export writes a workbook
/// whose every XML part is well-formed and holds no character XML 1.0 forbids.
#[cfg(feature = "xlsx")]
#[test]
fn export_survives_hostile_names_and_writes_well_formed_xml() {
    use std::io::Read;
    let dir = common::scratch("hostile-export");
    let names = [
        "😀".repeat(31),
        "项目'".to_string(),
        "'[a]:b*c?/d\\\\e'".to_string(),
        "控制\u{1}\u{1b}[31m字符\u{7f}".to_string(),
        "控制\u{1}\u{1b}[31m字符\u{7f}".to_string(),
        "x".repeat(40) + "'",
    ];
    let mut paths = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let path = dir.join(format!("f{i}.toml"));
        let text = FORM.replace("\"测试项目\"", &toml_string(name)).replace(
            "\"设备维修数量\"",
            &toml_string("维修\u{2}\u{1b}]0;title\u{7}数量"),
        );
        std::fs::write(&path, text).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    let out = dir.join("out.xlsx");
    let mut args = vec!["export".to_string()];
    args.extend(paths);
    args.extend(["-o".to_string(), out.to_string_lossy().into_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = common::jixiao(&args);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let bytes = std::fs::read(&out).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet_names = Vec::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        if !name.ends_with(".xml") && !name.ends_with(".rels") && !name.ends_with(".vml") {
            continue;
        }
        let mut text = String::new();
        part.read_to_string(&mut text).unwrap();
        for c in text.chars() {
            let allowed = matches!(c, '\t' | '\n' | '\r')
                || (!c.is_control() && c != '\u{fffe}' && c != '\u{ffff}');
            assert!(allowed, "{name}: a character XML cannot hold: {c:?}");
        }
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Empty(e)) if name == "xl/workbook.xml" => {
                    if e.local_name().as_ref() == "sheet" {
                        let n = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == "name")
                            .unwrap();
                        sheet_names.push(
                            n.value
                                .replace("&apos;", "'")
                                .replace("&quot;", "\"")
                                .replace("&lt;", "<")
                                .replace("&gt;", ">")
                                .replace("&amp;", "&"),
                        );
                    }
                }
                Ok(_) => {}
                Err(e) => panic!("{name}: not well-formed: {e}"),
            }
        }
    }
    assert_eq!(sheet_names.len(), names.len() + 1, "{sheet_names:?}");
    let mut lower: Vec<String> = sheet_names.iter().map(|n| n.to_lowercase()).collect();
    lower.sort();
    lower.dedup();
    assert_eq!(lower.len(), sheet_names.len(), "{sheet_names:?}");
    for n in &sheet_names {
        assert!(n.encode_utf16().count() <= 31, "{n}");
        assert!(!n.starts_with('\'') && !n.ends_with('\''), "{n}");
        assert!(!n.contains(['[', ']', ':', '*', '?', '/', '\\']), "{n}");
    }
}

/// A form padded to 8 MiB with line breaks, or with an array of millions of numbers, is refused
/// before the TOML parser builds a token for each (480 MB and 860 MB a worker before).
#[test]
fn padded_forms_are_refused_before_parsing() {
    let dir = common::scratch("hostile-padded");
    let pad = (8 << 20) - FORM.len() - 64;
    let newlines = format!("{FORM}{}", "\n".repeat(pad));
    let array = format!("{FORM}padding = [{}1]\n", "1,".repeat(pad / 2 - 16));
    for (name, text) in [("newlines.toml", newlines), ("array.toml", array)] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let output = common::jixiao(&["score", &path.to_string_lossy()]);
        let stderr = common::stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("line breaks and separators"), "{stderr}");
        assert!(
            stderr.contains(&format!("{name}:")),
            "not located: {stderr}"
        );
    }
}
