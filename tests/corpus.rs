//! The corpus generator and the review agree: every planted problem is reported, and a form
//! without one has no error-severity finding (its claimed figures are the rules' own).

mod common;
#[path = "../examples/support/corpus.rs"]
mod corpus;

use corpus::{Plant, generate};
use jixiao::Session;
use jixiao::diag::Severity;
use jixiao::review::CheckSet;
use std::collections::HashMap;

#[test]
fn every_planted_problem_is_reported_and_nothing_else_is_an_error() {
    let dir = common::scratch("corpus");
    let planted: HashMap<String, Plant> = generate(300, 7, &dir).unwrap().into_iter().collect();
    assert!(
        planted.len() >= 8,
        "the seed plants a few problems: {planted:?}"
    );
    let context = Session::load(None).unwrap();
    let checks = CheckSet::all();
    let (files, errors) = jixiao::app::sources::collect(std::slice::from_ref(&dir));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(files.len(), 300);
    for path in files {
        let name = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let result = context.review_path(&path, &checks);
        assert!(result.errors.is_empty(), "{name}: {:?}", result.errors);
        let findings = &result.reviews[0].findings;
        let codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
        let has_error = findings.iter().any(|f| f.severity == Severity::Error);
        match planted.get(&name) {
            None => assert!(
                !has_error,
                "{name}: an error on a form without a planted problem: {codes:?}"
            ),
            Some(Plant::WrongScore | Plant::WrongTotal | Plant::WrongGrade) => {
                assert!(
                    has_error,
                    "{name}: planted arithmetic error not reported: {codes:?}"
                )
            }
            Some(plant) => {
                let expected = match plant {
                    Plant::CopiedActuals => "copied-actuals",
                    Plant::CopiedText => "copied-text",
                    Plant::LowExecutionFullMarks => "low-execution-full-marks",
                    Plant::CostAboveSpend => "cost-exceeds-spend",
                    Plant::YuanForWanYuan => "money-unit",
                    _ => unreachable!(),
                };
                assert!(
                    codes.contains(&expected),
                    "{name}: {} not reported: {codes:?}",
                    plant.name()
                );
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_files() {
    let a = common::scratch("corpus-a");
    let b = common::scratch("corpus-b");
    generate(20, 3, &a).unwrap();
    generate(20, 3, &b).unwrap();
    for entry in std::fs::read_dir(a.join("000")).unwrap() {
        let path = entry.unwrap().path();
        let other = b.join("000").join(path.file_name().unwrap());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&other).unwrap(),
            "{}",
            path.display()
        );
    }
}
