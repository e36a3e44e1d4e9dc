//! Every form under `evaluations/`, scored and explained: a change to a rule file or to the engine
//! shows up here as a reviewable diff.

mod common;

use jixiao::cli::inputs::{RulesContext, score_file};
use jixiao::render;
use jixiao::score::ScoreOptions;

#[test]
fn scored_forms() {
    let context = RulesContext::load(None).unwrap();
    insta::glob!("../evaluations", "**/*.toml", |path| {
        let shown = match score_file(&context, path, ScoreOptions { trace: true }) {
            Ok((_, sheet)) => render::table::render(&sheet, true),
            Err(errors) => jixiao::diag::render_all(&errors),
        };
        let shown = shown.replace(&common::root().to_string_lossy().to_string(), ".");
        insta::assert_snapshot!(shown);
    });
}
