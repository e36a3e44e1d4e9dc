//! Every form under `evaluations/`, scored and explained: a change to a rule file or to the engine
//! shows up here as a reviewable diff.

mod common;

use jixiao::Session;
use jixiao::render;
use jixiao::score::ScoreOptions;

#[test]
fn scored_forms() {
    let context = Session::load(None).unwrap();
    insta::glob!("../evaluations", "**/*.toml", |path| {
        let shown = match context.score_file(path, ScoreOptions { trace: true }) {
            Ok(scored) => render::table::render(&scored.sheet, true),
            Err(errors) => jixiao::diag::render_all(&errors),
        };
        let shown = shown.replace(&common::root().to_string_lossy().to_string(), ".");
        insta::assert_snapshot!(shown);
    });
}
