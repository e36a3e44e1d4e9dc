//! Forms as units print them: each fixture of `tests/fixtures/odd/` is a clean form with one odd
//! cell (a blank, a `/` where a number belongs, a comparator in an actual, an unknown unit, a
//! weight that does not add up …). Each loads, scores, and gives its finding, located: never a
//! refusal. The findings are pinned by snapshots (`odd_cells__…`), each read and found right.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jixiao::review::CheckSet;
use jixiao::{ScoreOptions, Session};

#[test]
fn every_odd_cell_loads_scores_and_gives_its_finding() {
    let session = Session::builtin().unwrap();
    insta::glob!("fixtures/odd/*.*", |path| {
        let name = common::relative(path);
        let scored = session.score_path(path, ScoreOptions::default());
        assert!(!scored.forms.is_empty(), "{name}: no form");
        for form in &scored.forms {
            let form = form
                .as_ref()
                .unwrap_or_else(|e| panic!("{name} was refused: {}", jixiao::diag::render_all(e)));
            assert!(
                !form.sheet.structure.is_empty() || !form.sheet.mismatches().is_empty(),
                "{name}: the odd cell gave no finding"
            );
        }
        let review = session
            .review_path(path, &CheckSet::all())
            .reviews
            .into_iter()
            .next()
            .unwrap();
        assert!(!review.findings.is_empty(), "{name}: review found nothing");
        let shown = jixiao::render::review::form_text(&review)
            .replace(&common::root().to_string_lossy().to_string(), ".");
        insta::assert_snapshot!(shown);
    });
}

/// The CLI agrees: `score` exits 1 (findings), never 2, and `review` exits 1.
#[test]
fn the_command_line_gives_findings_not_refusals() {
    for entry in std::fs::read_dir(common::root().join("tests/fixtures/odd")).unwrap() {
        let path = entry.unwrap().path();
        let shown = common::relative(&path);
        let score = common::jixiao(&["score", &shown]);
        assert_eq!(
            score.status.code(),
            Some(1),
            "{shown}: {}",
            common::stderr(&score)
        );
        let review = common::jixiao(&["review", &shown]);
        assert_eq!(
            review.status.code(),
            Some(1),
            "{shown}: {}",
            common::stdout(&review)
        );
    }
}

/// Every real form on file is reviewed, and every finding it raises is pinned here
/// (`odd_cells__real_forms_…`): read each one against the form before accepting a change.
/// `evaluations/README.md` says why each computed total differs from the printed one.
#[test]
fn real_forms_review_with_every_finding_pinned() {
    let session = Session::builtin().unwrap();
    insta::glob!("../evaluations", "*/*.toml", |path| {
        let result = session.review_path(path, &CheckSet::all());
        assert!(result.errors.is_empty(), "{:?}", result.errors);
        let shown: String = result
            .reviews
            .iter()
            .map(jixiao::render::review::form_text)
            .collect::<Vec<_>>()
            .join("\n")
            .replace(&common::root().to_string_lossy().to_string(), ".");
        insta::assert_snapshot!(shown);
    });
}

/// A project form whose indicator rows carry these 一级 and 二级 names, otherwise clean.
fn form_with_levels(levels: &[(&str, &str)]) -> jixiao::Form {
    let mut text = String::from(
        "kind = \"项目\"\nruleset = \"henan-2023\"\nyear = 2023\nproject = \"测试项目\"\n\n[budget]\ninitial = \"100\"\nadjusted = \"100\"\nexecuted = \"90\"\n",
    );
    for (n, (level1, level2)) in levels.iter().enumerate() {
        text.push_str(&format!(
            "\n[[indicators]]\nlevel1 = \"{level1}\"\nlevel2 = \"{level2}\"\nname = \"指标{n}\"\ntarget = \"≥20次\"\nactual = \"20次\"\nweight = \"5\"\n"
        ));
    }
    jixiao::form::load_str("levels.toml", &text).unwrap()
}

/// Level names are read the same whether the row above wrote the same name or not: spaced out
/// (`产 出 指 标`) or with a weight after it (`产出指标(50分)`), each is the bare name, and a
/// name repeated from the row above as written (even with a bracket of its own) is kept whole.
#[test]
fn level_names_are_read_alike_row_after_row() {
    let rows = [
        ("产 出 指 标", "数量指标"),
        ("产出指标", "数量指标"),
        ("产出指标(50分)", "数 量 指 标"),
        ("产出指标(50分)", "质量指标（其他）"),
        ("产出指标", "质量指标（其他）"),
        ("效益指标(30分)(20分)", "社会效益指标"),
        ("效益指标(30分)(20分)", "社会效益指标"),
        ("效益指标(30分)", "社会效益指标"),
    ];
    let levels = |form: &jixiao::Form| -> Vec<(String, String)> {
        form.indicators
            .iter()
            .map(|i| (i.level1.value.clone(), i.level2.value.clone()))
            .collect()
    };
    let read = levels(&form_with_levels(&rows));
    // Each row alone, with no row above it.
    let alone: Vec<(String, String)> = rows
        .iter()
        .flat_map(|row| levels(&form_with_levels(&[*row])))
        .collect();
    assert_eq!(read, alone);
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(read[0], pair("产出指标", "数量指标"));
    assert_eq!(read[2], pair("产出指标", "数量指标"));
    assert_eq!(read[3].1, "质量指标（其他）");
}
