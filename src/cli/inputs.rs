//! Finding the forms to work on, and the rulesets to score them with.

use crate::diag::Diagnostic;
use crate::form::{self, Form};
use crate::rules::registry::Selection;
use crate::rules::{self, Registry, RuleSet};
use crate::score::{self, ScoreOptions, ScoreSheet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The form files under the given paths: files as given, directories searched recursively for
/// `*.toml`. Sorted, so the output order does not depend on the file system.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut files, &mut errors),
            Ok(_) => files.push(path.clone()),
            Err(e) => errors.push(Diagnostic::error(
                "input::io",
                format!(
                    "无法读取 {} (cannot read {}): {e}",
                    path.display(),
                    path.display()
                ),
            )),
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(Diagnostic::error(
                "input::io",
                format!(
                    "无法读取目录 {} (cannot read directory {}): {e}",
                    dir.display(),
                    dir.display()
                ),
            ));
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        let name = child.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if child.is_dir() {
            walk(&child, files, errors);
        } else if is_form_file(&child) {
            files.push(child);
        }
    }
}

pub fn is_form_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// The rulesets a run scores with: the shipped ones, plus `--rules` (a file or an id), which
/// then scores every form.
pub struct RulesContext {
    pub registry: Registry,
    pub forced: Option<Arc<RuleSet>>,
}

impl RulesContext {
    pub fn load(rules_option: Option<&str>) -> Result<RulesContext, Vec<Diagnostic>> {
        let mut registry = Registry::builtin()?;
        let forced = match rules_option {
            None => None,
            Some(value) => Some(load_ruleset_option(&mut registry, value)?),
        };
        Ok(RulesContext { registry, forced })
    }

    /// The ruleset for a form, or a located error (at its `ruleset` or `year` field).
    pub fn resolve(&self, form: &Form) -> Result<(Arc<RuleSet>, Selection), Vec<Diagnostic>> {
        if let Some(forced) = &self.forced {
            return Ok((Arc::clone(forced), Selection::Override));
        }
        let wanted = form.ruleset.as_ref().map(|r| &r.value);
        self.registry
            .resolve(wanted, form.year.value, form.kind.value)
            .map_err(|message| {
                let span = form
                    .ruleset
                    .as_ref()
                    .map_or(form.year.span.clone(), |r| r.span.clone());
                vec![Diagnostic::error("form::ruleset", message).at(&form.source, span)]
            })
    }
}

/// `--rules` takes a path to a rule file or the id of a shipped ruleset.
pub fn load_ruleset_option(
    registry: &mut Registry,
    value: &str,
) -> Result<Arc<RuleSet>, Vec<Diagnostic>> {
    let path = Path::new(value);
    if path.exists() || value.ends_with(".rules") {
        let ruleset = rules::load_path(path)?;
        return Ok(registry.add_or_replace(ruleset));
    }
    let wanted =
        rules::RulesetRef::parse(value).map_err(|m| vec![Diagnostic::error("usage::rules", m)])?;
    registry.find(&wanted).cloned().ok_or_else(|| {
        let known: Vec<String> = registry.all().iter().map(|r| r.label()).collect();
        vec![Diagnostic::error(
            "usage::rules",
            format!("找不到评分规则 {value} (no rule file or shipped ruleset named `{value}`; shipped: {})", known.join(", ")),
        )]
    })
}

/// Load, validate and score one form file.
pub fn score_file(
    context: &RulesContext,
    path: &Path,
    options: ScoreOptions,
) -> Result<(Form, ScoreSheet), Vec<Diagnostic>> {
    let form = form::load_path(path)?;
    let (ruleset, selection) = context.resolve(&form)?;
    let sheet = score::score(&ruleset, &form, selection, options)?;
    Ok((form, sheet))
}
