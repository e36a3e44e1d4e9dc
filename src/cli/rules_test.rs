//! `jixiao rules test FILE…`: run the worked examples a rule file carries.

use super::Outcome;
use super::output::{Out, report};
use crate::diag::render_all;
use crate::rules::{self, examples};
use std::io;
use std::path::PathBuf;

pub fn run(files: &[PathBuf], out: &mut Out) -> io::Result<Outcome> {
    let mut outcome = Outcome::Ok;
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in files {
        let ruleset = match rules::load_path(file) {
            Ok(r) => r,
            Err(errors) => {
                out.flush()?;
                report(&errors);
                outcome = outcome.worst(Outcome::BadInput);
                continue;
            }
        };
        let shown = file.display().to_string();
        if ruleset.examples.is_empty() {
            out.line(&format!(
                "{shown}: 没有示例 (no examples: add `example \"…\" {{ … expect … }}` blocks)"
            ))?;
            continue;
        }
        out.line(&format!(
            "{shown}: {} 个示例 ({} examples, {})",
            ruleset.examples.len(),
            ruleset.examples.len(),
            ruleset.label()
        ))?;
        for result in examples::run_all(&ruleset) {
            let place = format!("{shown}:{}", result.line);
            if result.passed() {
                passed += 1;
                out.line(&format!("  ok    {}  ({place})", result.title))?;
                continue;
            }
            failed += 1;
            outcome = outcome.worst(Outcome::Findings);
            out.line(&format!("  FAIL  {}  ({place})", result.title))?;
            for failure in &result.failures {
                out.line(&format!("        {failure}"))?;
            }
            if !result.errors.is_empty() {
                for line in render_all(&result.errors).lines() {
                    out.line(&format!("        {line}"))?;
                }
            }
        }
    }
    if passed + failed > 0 {
        let verdict = if failed == 0 { "ok" } else { "FAILED" };
        out.line(&format!(
            "{verdict}: {passed} 通过 passed, {failed} 未通过 failed"
        ))?;
    }
    Ok(outcome)
}
