//! The corpus generator and the review agree: every planted problem is reported (recall 100%),
//! and no error-severity finding is raised that was not planted — per form and across the run.

mod common;
#[path = "../examples/support/corpus.rs"]
mod corpus;

use corpus::{Plant, generate};
use jixiao::Session;
use jixiao::diag::Severity;
use jixiao::review::batch::run_over;
use jixiao::review::{CheckSet, FormReview};
use jixiao::rules::ruleset::ReviewSettings;
use std::collections::HashMap;

fn relative(dir: &std::path::Path, file: &str) -> String {
    std::path::Path::new(file)
        .strip_prefix(dir)
        .unwrap_or(std::path::Path::new(file))
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn every_planted_problem_is_reported_and_nothing_else_is_an_error() {
    let dir = common::scratch("corpus");
    let mut planted: HashMap<String, Vec<Plant>> = HashMap::new();
    for (file, plant) in generate(300, 7, &dir).unwrap() {
        planted.entry(file).or_default().push(plant);
    }
    let kinds: std::collections::HashSet<&str> =
        planted.values().flatten().map(|p| p.name()).collect();
    assert!(kinds.len() >= 18, "the seed plants most kinds: {kinds:?}");
    let context = Session::load(None).unwrap();
    let checks = CheckSet::all();
    let (files, errors) = jixiao::app::sources::collect(std::slice::from_ref(&dir));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(files.len(), 300);
    let mut reviews: Vec<FormReview> = Vec::new();
    for path in &files {
        let result = context.review_path(path, &checks);
        assert!(
            result.errors.is_empty(),
            "{}: {:?}",
            path.display(),
            result.errors
        );
        reviews.extend(result.reviews);
    }
    let batch = run_over(&mut reviews, &ReviewSettings::default(), &checks);
    // Every finding by the file it is on, with the file's unit.
    let mut found: HashMap<String, Vec<(&'static str, Severity)>> = HashMap::new();
    let mut unit_of: HashMap<String, String> = HashMap::new();
    for r in &reviews {
        let name = relative(&dir, &r.file);
        unit_of.insert(
            name.clone(),
            format!("{}|{}", r.department_name(), r.unit_name()),
        );
        let entry = found.entry(name).or_default();
        entry.extend(r.findings.iter().map(|f| (f.code, f.severity)));
    }
    let mut unit_findings: HashMap<String, Vec<&'static str>> = HashMap::new();
    for b in &batch {
        let name = relative(&dir, &b.finding.file);
        found
            .entry(name)
            .or_default()
            .push((b.finding.code, b.finding.severity));
        unit_findings
            .entry(format!("{}|{}", b.department, b.unit))
            .or_default()
            .push(b.finding.code);
    }
    let mut recalled = 0;
    for (name, plants) in &planted {
        let codes: Vec<&str> = found
            .get(name)
            .map_or(Vec::new(), |f| f.iter().map(|(c, _)| *c).collect());
        for plant in plants {
            match plant {
                Plant::WrongScore | Plant::WrongTotal | Plant::WrongGrade => {
                    let has_error = found
                        .get(name)
                        .is_some_and(|f| f.iter().any(|(_, s)| *s == Severity::Error));
                    assert!(
                        has_error,
                        "{name}: planted {} not reported: {codes:?}",
                        plant.name()
                    );
                    if *plant == Plant::WrongTotal {
                        let unit = &unit_of[name];
                        assert!(
                            unit_findings
                                .get(unit)
                                .is_some_and(|c| c.contains(&"unit-score-inflation")),
                            "{name}: the inflated total of {unit} is not ranked: {unit_findings:?}"
                        );
                    }
                }
                Plant::UnitFullMarks => {
                    let unit = &unit_of[name];
                    assert!(
                        unit_findings
                            .get(unit)
                            .is_some_and(|c| c.contains(&"unit-full-marks")),
                        "{name}: {unit} has every form at full marks, not reported"
                    );
                }
                plant => assert!(
                    codes.contains(&plant.code()),
                    "{name}: {} not reported: {codes:?}",
                    plant.name()
                ),
            }
            recalled += 1;
        }
    }
    assert!(recalled >= 60, "{recalled}");
    // Nothing unplanted at error severity.
    for (name, findings) in &found {
        let errors: Vec<&str> = findings
            .iter()
            .filter(|(_, s)| *s == Severity::Error)
            .map(|(c, _)| *c)
            .collect();
        if errors.is_empty() {
            continue;
        }
        let allowed = planted
            .get(name)
            .is_some_and(|p| p.iter().any(|p| p.is_error()));
        assert!(
            allowed,
            "{name}: an error that was not planted: {errors:?} (planted {:?})",
            planted.get(name)
        );
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
