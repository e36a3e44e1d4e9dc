//! What each fuzz target does with its input, shared by the fuzz targets (`fuzz/fuzz_targets/`)
//! and by `tests/fuzz_regressions.rs`, which replays the seed corpora and every minimized crash
//! through the same code in `cargo test`.
//!
//! Each function takes the raw bytes libFuzzer made, runs one phase (or the whole pipeline) on
//! them, renders every result and every error the way the CLI would, and asserts what must hold
//! for any input. A panic anywhere is a finding.
#![allow(dead_code)]

use jixiao::Session;
use jixiao::diag::Diagnostic;
use jixiao::form::Form;
use jixiao::review::CheckSet;
use jixiao::rules::registry::Selection;
use jixiao::rules::{Registry, RuleSet};
use jixiao::score::{ScoreOptions, ScoreSheet, Status};
use rust_decimal::Decimal;
use std::sync::{Arc, OnceLock};

const MINIMAL_FORM: &str = include_str!("../../tests/fixtures/valid-minimal.toml");
const DEPARTMENT_FORM: &str = include_str!("../../evaluations/xuchang-2023/00-department.toml");

fn context() -> &'static Session {
    static CONTEXT: OnceLock<Session> = OnceLock::new();
    CONTEXT.get_or_init(|| Session::builtin().unwrap_or_else(|_| Session::new(Registry::default())))
}

fn fixed_forms() -> &'static [Form] {
    static FORMS: OnceLock<Vec<Form>> = OnceLock::new();
    FORMS.get_or_init(|| {
        [
            ("minimal.toml", MINIMAL_FORM),
            ("department.toml", DEPARTMENT_FORM),
        ]
        .iter()
        .filter_map(|(n, t)| jixiao::form::load_str(n, t).ok())
        .collect()
    })
}

/// Render diagnostics both ways the CLI does (text and JSON): spans must land on char
/// boundaries inside their file, or rendering panics.
fn render_errors(errors: &[Diagnostic]) {
    for e in errors {
        let _ = e.to_string();
        let _ = serde_json::to_string(&e.to_json());
        let _ = e.location();
        let _ = e.headline();
    }
}

/// What every score sheet must satisfy, whatever its input.
fn check_sheet(sheet: &ScoreSheet) {
    for row in &sheet.indicators {
        // A row printed without a weight keeps its claimed score, unchecked and flagged
        // (`score::no-weight`): there is no weight to hold it to.
        let capped = row.status != Status::Unverifiable || !row.weight.is_zero();
        assert!(
            // A negative weight (a finding) caps the score at 0.
            row.score >= Decimal::ZERO && (!capped || row.score <= row.weight.max(Decimal::ZERO)),
            "indicator score {} outside [0, {}]",
            row.score,
            row.weight
        );
    }
    assert!(
        sheet.total >= Decimal::ZERO,
        "negative total {}",
        sheet.total
    );
    let _ = sheet.mismatches();
    render_errors(&jixiao::score::diagnostics(&sheet.structure));
    let _ = jixiao::render::table::render(sheet, true);
    let _ = jixiao::render::markdown::render(sheet, true);
    let _ = jixiao::render::json::to_string(&jixiao::render::json::sheet(sheet));
}

/// Review a scored form and render the review in every format, with the official layout.
fn review_and_report(ruleset: &RuleSet, form: &Form, sheet: &ScoreSheet) {
    let review = jixiao::review::review_form(ruleset, form, sheet, &CheckSet::all());
    for f in &review.findings {
        let _ = jixiao::render::review::finding_text(f);
    }
    let summary = jixiao::render::review::Summary::of(1, std::slice::from_ref(&review), 0);
    let _ = jixiao::render::review::form_text(&review);
    let _ = jixiao::render::review::text_summary(&summary, &[]);
    let _ = jixiao::render::review::form_markdown(&review);
    let _ = jixiao::render::review::markdown_summary(&summary, &[]);
    let _ = jixiao::render::review::form_csv(&review);
    let _ = jixiao::render::review::form_json(&review);
    let _ = jixiao::render::review::json_closing(&summary, &[]);
    let mut view = jixiao::report::layout::FormView::new(form, sheet);
    let _ = jixiao::report::layout::sheet_findings(sheet);
    view.findings = jixiao::report::layout::review_rows(sheet, &review.findings);
    let views = [view];
    let _ = jixiao::report::markdown::render(&views, "fuzz");
    #[cfg(feature = "html")]
    let _ = jixiao::report::html::render(&views, "fuzz");
    let scored = [jixiao::report::disclosure::Scored {
        form,
        sheet,
        grades: ruleset.grades.iter().map(|g| g.name.clone()).collect(),
    }];
    if let Ok(template) = jixiao::report::template::Template::parse(
        "disclosure.txt",
        jixiao::report::disclosure::DEFAULT_TEMPLATE,
    ) && let Err(e) = jixiao::report::disclosure::narratives(&scored, &template)
    {
        render_errors(&e);
    }
}

/// Score a loaded form under a ruleset, check and render everything, then review it.
fn score_and_review(ruleset: &RuleSet, form: &Form, selection: Selection) {
    match jixiao::score::score(
        ruleset,
        form,
        selection.clone(),
        ScoreOptions { trace: true },
    ) {
        Ok(sheet) => {
            check_sheet(&sheet);
            review_and_report(ruleset, form, &sheet);
        }
        Err(e) => render_errors(&e),
    }
    // The review path scores without traces first: it must agree with the traced score.
    if let (Ok(plain), Ok(traced)) = (
        jixiao::review::score_for_review(ruleset, form, selection.clone()),
        jixiao::score::score(ruleset, form, selection, ScoreOptions { trace: true }),
    ) {
        assert_eq!(plain.total, traced.total, "total depends on tracing");
        assert_eq!(plain.grade, traced.grade, "grade depends on tracing");
    }
}

/// Resolve a form's ruleset among the shipped ones, then score and review it.
fn score_with_shipped(form: &Form) {
    match context().resolve(form) {
        Ok((ruleset, selection)) => score_and_review(&ruleset, form, selection),
        Err(e) => render_errors(&e),
    }
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The rules language: lexer, parser, checker and formatter on arbitrary text, then the fixed
/// forms scored under whatever checks.
pub fn rules(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let tokens = jixiao::rules::lexer::lex(text);
    let joined: String = tokens.iter().map(|t| t.text).collect();
    assert_eq!(joined, text, "the lexer must be lossless");
    let _ = jixiao::rules::format::one_line(text);
    match jixiao::rules::format::format_source(text) {
        Ok(formatted) => {
            // Formatting is idempotent, and never refuses its own output.
            let again = jixiao::rules::format::format_source(&formatted);
            assert_eq!(
                again.as_deref(),
                Ok(formatted.as_str()),
                "fmt is not idempotent"
            );
        }
        Err(jixiao::rules::format::FormatError::Syntax(_)) => {}
        Err(jixiao::rules::format::FormatError::Changed(why)) => {
            panic!("rules fmt cannot prove its output equivalent: {why}")
        }
    }
    match jixiao::rules::load_str("fuzz.rules", text) {
        Ok(ruleset) => {
            let _ = jixiao::rules::examples::run_all(&ruleset);
            for form in fixed_forms() {
                score_and_review(&ruleset, form, Selection::Override);
            }
        }
        Err(e) => render_errors(&e),
    }
}

/// The target/actual value grammar: never a panic, errors always on char boundaries.
pub fn values(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let check = |e: jixiao::value::ValueError| {
        assert!(
            e.offset <= text.len() && text.is_char_boundary(e.offset),
            "{e:?}"
        );
        assert!(
            e.offset + e.len <= text.len() && text.is_char_boundary(e.offset + e.len),
            "{e:?}"
        );
    };
    let target = jixiao::value::parse_target(text).map_err(check).ok();
    let actual = jixiao::value::parse_actual(text).map_err(check).ok();
    let _ = jixiao::value::parse_decimal(text).map_err(check);
    let _ = jixiao::value::parse_percent(text).map_err(check);
    let _ = jixiao::value::parse_deviation(text).map_err(check);
    if let (
        Some(jixiao::value::Target::Quantitative {
            comparator,
            quantity,
        }),
        Some(jixiao::value::Actual::Quantity(a)),
    ) = (target, actual)
        && let Ok((t, a)) = jixiao::value::align(&quantity, &a)
        && let Some(c) = comparator
    {
        let _ = c.holds(a, t);
    }
}

const EXPR_HEAD: &str =
    "ruleset fuzz {\n  title \"fuzz\"\n  version 1\n  years 2023\n}\nformula fuzzed = ";
const EXPR_TAIL: &str = "\nindicator 数量指标 {\n  score -> fuzzed\n}\nform 项目 {\n  execution 10 over 全年预算数 -> min(weight, max(0, fuzzed))\n  indicators {\n    成本指标 10\n    产出指标 30\n    效益指标 25\n    满意度指标 5\n  }\n  section 资金管理情况 20 { 安排科学性 5 拨付合规性 5 使用规范性 5 预算绩效管理情况 5 }\n}\n";

/// The expression language: an arbitrary expression as the execution formula and as an indicator
/// rule of an otherwise valid ruleset, checked and evaluated on a real form.
pub fn expression(data: &[u8]) {
    let Some(expr) = text(data) else { return };
    if expr.contains('\n') {
        return;
    }
    let _ = jixiao::rules::parser::parse_expr(expr);
    let text = format!("{EXPR_HEAD}{expr}{EXPR_TAIL}");
    match jixiao::rules::load_str("fuzz.rules", &text) {
        Ok(ruleset) => {
            if let Some(form) = fixed_forms().first() {
                score_and_review(&ruleset, form, Selection::Override);
            }
        }
        Err(e) => render_errors(&e),
    }
}

/// The form loader on arbitrary text, then scoring with the shipped rulesets, review and every
/// renderer.
pub fn form(data: &[u8]) {
    let name = "fuzz.toml";
    let text = match jixiao::decode_text(name, data.to_vec()) {
        Ok(t) => t,
        Err(e) => return render_errors(&e),
    };
    match jixiao::form::load_str(name, &text) {
        Ok(form) => score_with_shipped(&form),
        Err(e) => render_errors(&e),
    }
}

/// The whole pipeline: rule text and form text (split at the first NUL byte), checked, loaded,
/// scored, reviewed and rendered.
pub fn pipeline(data: &[u8]) {
    let Some(split) = data.iter().position(|b| *b == 0) else {
        return;
    };
    let (Some(rules), Some(form)) = (
        data.get(..split).and_then(text),
        data.get(split + 1..).and_then(text),
    ) else {
        return;
    };
    let ruleset = match jixiao::rules::load_str("fuzz.rules", rules) {
        Ok(r) => r,
        Err(e) => return render_errors(&e),
    };
    match jixiao::form::load_str("fuzz.toml", form) {
        Ok(form) => score_and_review(&ruleset, &form, Selection::Override),
        Err(e) => render_errors(&e),
    }
}

/// Review: a form file (as `form`), scored with the shipped rulesets and with a second ruleset
/// for `diff`, reviewed and rendered every way.
pub fn review(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let form = match jixiao::form::load_str("fuzz.toml", text) {
        Ok(f) => f,
        Err(e) => return render_errors(&e),
    };
    score_with_shipped(&form);
    let sides: Vec<jixiao::diff::Side> = context()
        .registry()
        .all()
        .iter()
        .map(|r| jixiao::diff::Side {
            ruleset: Arc::clone(r),
            origin: "shipped".into(),
        })
        .collect();
    if let [from, to, ..] = sides.as_slice() {
        let diffs = [
            jixiao::diff::compare(&form, from, to),
            jixiao::diff::compare(&form, to, from),
        ];
        let _ = jixiao::diff::summarize(&diffs, from, to, 10);
    }
}

/// Forms imported from a workbook: each one loaded, scored, reviewed; every error rendered.
#[cfg(feature = "xlsx")]
fn import_and_score(workbook: &jixiao::xlsx::Workbook) {
    render_errors(&workbook.notes);
    let import = jixiao::xlsx::import_workbook(workbook, &jixiao::xlsx::ImportOptions::default());
    render_errors(&import.warnings);
    for imported in &import.forms {
        match imported {
            Ok(imported) => {
                render_errors(&imported.warnings);
                match imported.load() {
                    Ok(form) => score_with_shipped(&form),
                    Err(e) => render_errors(&e),
                }
            }
            Err(e) => render_errors(e),
        }
    }
}

/// The .xlsx reader and importer on arbitrary bytes (a zip archive of XML parts).
#[cfg(feature = "xlsx")]
pub fn xlsx(data: &[u8]) {
    match jixiao::xlsx::cells::read_bytes("fuzz.xlsx", data.to_vec()) {
        Ok(workbook) => import_and_score(&workbook),
        Err(e) => render_errors(&e),
    }
}

/// calamine panics on some damaged `.xls` records (`read_u16` of a short record). jixiao calls it
/// inside `catch_unwind` (`xlsx::xls::read_bytes`), so such a file is that file's located error
/// and the batch goes on; `tests/fuzz_regressions.rs` replays one. libFuzzer's panic hook aborts
/// on every panic, caught or not, so without this the `xls` target stops at the first such
/// record and never gets further. A panic raised in calamine's own source passes the hook here;
/// every other panic still aborts, and a panic that escapes (caught by no one) still ends the
/// run through libfuzzer-sys's own `catch_unwind`.
#[cfg(feature = "xlsx")]
fn let_caught_calamine_panics_pass() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                previous(info)
            }
        }));
    });
}

/// A Word document or an old-format workbook, through the reader that tells them apart by their
/// bytes (`xlsx::read_bytes`), then the importer and the pipeline. The `docx` and `xls` targets
/// differ by their seeds (`two-forms.docx`, `yunnan-county.xls` of the real-layout fixtures).
#[cfg(feature = "xlsx")]
pub fn document(data: &[u8]) {
    let_caught_calamine_panics_pass();
    match jixiao::xlsx::read_bytes("fuzz.docx", data.to_vec()) {
        Ok(workbook) => {
            for grid in &workbook.sheets {
                for cell in grid.cells.values() {
                    let _ = grid.place(cell.row, cell.col);
                }
            }
            import_and_score(&workbook)
        }
        Err(e) => render_errors(&e),
    }
}

/// The importer on a grid of cells written as text, past the zip and XML layers, where the
/// fuzzer can reach the table recognition. One line per row, cells separated by tabs; a cell
/// `=12.5` or `=95%` is a number (shown with a percent format for the latter); a line
/// `#merge R0 C0 R1 C1` merges a region; a line `#sheet NAME` starts a new sheet.
#[cfg(feature = "xlsx")]
pub fn xlsx_grid(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let workbook = jixiao::xlsx::Workbook {
        name: "fuzz.xlsx".into(),
        sheets: parse_grids(text),
        notes: Vec::new(),
    };
    import_and_score(&workbook);
}

#[cfg(feature = "xlsx")]
pub fn parse_grids(text: &str) -> Vec<jixiao::xlsx::cells::Grid> {
    use jixiao::xlsx::cells::{Cell, CellKind, Grid, Merge};
    use std::str::FromStr;
    let mut sheets = Vec::new();
    let mut name = String::from("Sheet1");
    let mut cells = Vec::new();
    let mut merges = Vec::new();
    let mut row = 0u32;
    for line in text.split('\n') {
        if let Some(rest) = line.strip_prefix("#sheet ") {
            let previous = std::mem::replace(&mut name, rest.to_string());
            if !cells.is_empty() || !merges.is_empty() {
                sheets.push(Grid::new(
                    previous,
                    std::mem::take(&mut cells),
                    std::mem::take(&mut merges),
                ));
            }
            row = 0;
            continue;
        }
        if let Some(rest) = line.strip_prefix("#merge ") {
            let n: Vec<u32> = rest
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            if let [first_row, first_col, last_row, last_col] = n[..] {
                merges.push(Merge {
                    first_row,
                    first_col,
                    last_row,
                    last_col,
                });
            }
            continue;
        }
        for (col, cell) in line.split('\t').enumerate() {
            let Ok(col) = u32::try_from(col) else { break };
            let kind = match cell.strip_prefix('=') {
                Some(number) => {
                    let (digits, percent) = match number.strip_suffix('%') {
                        Some(d) => (d, true),
                        None => (number, false),
                    };
                    match Decimal::from_str(digits) {
                        Ok(value) => CellKind::Number {
                            value: if percent {
                                value.checked_div(Decimal::ONE_HUNDRED).unwrap_or(value)
                            } else {
                                value
                            },
                            percent,
                        },
                        Err(_) => CellKind::Text,
                    }
                }
                None => CellKind::Text,
            };
            let shown = cell.strip_prefix('=').unwrap_or(cell);
            cells.push(Cell {
                row,
                col,
                text: shown.trim().to_string(),
                kind,
            });
        }
        row = row.saturating_add(1);
    }
    sheets.push(Grid::new(name, cells, merges));
    sheets
}

/// A workbook as the text `xlsx_grid` reads: how its seeds are made from real workbooks.
#[cfg(feature = "xlsx")]
pub fn grid_text(workbook: &jixiao::xlsx::Workbook) -> String {
    use jixiao::xlsx::cells::CellKind;
    let mut out = String::new();
    for (i, grid) in workbook.sheets.iter().enumerate() {
        if i > 0 || grid.sheet != "Sheet1" {
            out.push_str(&format!("#sheet {}\n", grid.sheet));
        }
        for m in &grid.merges {
            out.push_str(&format!(
                "#merge {} {} {} {}\n",
                m.first_row, m.first_col, m.last_row, m.last_col
            ));
        }
        let last_row = grid.cells.keys().map(|&(r, _)| r).max().unwrap_or(0);
        for r in 0..=last_row {
            let cells: Vec<_> = grid.row(r).collect();
            let width = cells.last().map_or(0, |c| c.col + 1);
            let mut line = vec![String::new(); width as usize];
            for c in cells {
                let shown = match c.kind {
                    CellKind::Number { percent: true, .. } => format!("={}", c.text),
                    CellKind::Number { .. } => format!("={}", c.text),
                    _ => c.text.replace(['\t', '\n'], " "),
                };
                if let Some(slot) = line.get_mut(c.col as usize) {
                    *slot = shown;
                }
            }
            out.push_str(&line.join("\t"));
            out.push('\n');
        }
    }
    out
}
