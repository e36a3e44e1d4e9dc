//! Micro-benchmarks of each phase, on the reference forms (`cargo bench`).
//! The end-to-end batch figures come from `scripts/bench-batch.sh`; see docs/performance.md.

// A benchmark of a failing call measures nothing: failing loudly is right here.
#![allow(clippy::unwrap_used)]

use jixiao::Session;
use jixiao::review::{self, CheckSet};
use jixiao::rules::registry::Selection;
use jixiao::score::{self, ScoreOptions};

fn main() {
    divan::main();
}

const HENAN: &str = include_str!("../scoring-rules/henan-2023.rules");
const PROJECT: &str = include_str!("../evaluations/xuchang-2023/01-citizen-center-operations.toml");
const DEPARTMENT: &str = include_str!("../evaluations/xuchang-2023/00-department.toml");

/// Parse and check the shipped ruleset (target: under 1 ms).
#[divan::bench]
fn parse_ruleset() -> jixiao::rules::RuleSet {
    jixiao::rules::load_str("henan-2023.rules", divan::black_box(HENAN)).unwrap()
}

/// Read the TOML of one form into the raw structs, nothing else: the floor.
#[divan::bench(args = ["project", "department"])]
fn deserialize_form(which: &str) -> jixiao::form::raw::RawForm {
    let text = if which == "project" {
        PROJECT
    } else {
        DEPARTMENT
    };
    toml::from_str(divan::black_box(text)).unwrap()
}

/// Parse and validate one form.
#[divan::bench(args = ["project", "department"])]
fn load_form(which: &str) -> jixiao::form::Form {
    let text = if which == "project" {
        PROJECT
    } else {
        DEPARTMENT
    };
    jixiao::form::load_str("form.toml", divan::black_box(text)).unwrap()
}

/// Whether the engine writes a trace per number: a named case in the bench output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Traces {
    Without,
    With,
}

impl std::fmt::Display for Traces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Traces::Without => "without traces",
            Traces::With => "with traces",
        })
    }
}

/// Score one loaded form (target: under 50 µs), with and without traces.
#[divan::bench(args = [Traces::Without, Traces::With])]
fn score_form(bencher: divan::Bencher, traces: Traces) {
    let trace = traces == Traces::With;
    let ruleset = jixiao::rules::load_str("henan-2023.rules", HENAN).unwrap();
    let form = jixiao::form::load_str("form.toml", DEPARTMENT).unwrap();
    bencher.bench(|| {
        score::score(
            &ruleset,
            divan::black_box(&form),
            Selection::Named,
            ScoreOptions { trace },
        )
        .unwrap()
    });
}

/// Review one loaded and scored form.
#[divan::bench]
fn review_form(bencher: divan::Bencher) {
    let ruleset = jixiao::rules::load_str("henan-2023.rules", HENAN).unwrap();
    let form = jixiao::form::load_str("form.toml", PROJECT).unwrap();
    let sheet = score::score(
        &ruleset,
        &form,
        Selection::Named,
        ScoreOptions { trace: true },
    )
    .unwrap();
    let checks = CheckSet::default();
    bencher.bench(|| review::review_form(&ruleset, divan::black_box(&form), &sheet, &checks));
}

/// One form from text to findings, as the batch path does it.
#[divan::bench]
fn end_to_end_form(bencher: divan::Bencher) {
    let context = Session::load(None).unwrap();
    let checks = CheckSet::default();
    bencher.bench(|| {
        let form = jixiao::form::load_str("form.toml", divan::black_box(PROJECT)).unwrap();
        let (ruleset, selection) = context.resolve(&form).unwrap();
        let sheet = score::score(&ruleset, &form, selection, ScoreOptions { trace: true }).unwrap();
        review::review_form(&ruleset, &form, &sheet, &checks)
    });
}
