//! Finding the forms to work on, and the rulesets to score them with.

use crate::diag::Diagnostic;
use crate::form::{self, Form};
use crate::rules::registry::Selection;
use crate::rules::{self, Registry, RuleSet};
use crate::score::{self, ScoreOptions, ScoreSheet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The form files under the given paths: files as given, directories searched recursively for
/// `*.toml` (and, with the `xlsx` feature, `*.xlsx` workbooks). Sorted, so the output order does
/// not depend on the file system.
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
    // The entry's own type costs no system call; only a symbolic link is followed to see
    // what it points at.
    let mut children: Vec<(PathBuf, bool)> = entries
        .filter_map(|e| e.ok())
        .map(|e| {
            let path = e.path();
            let is_dir = match e.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => path.is_dir(),
            };
            (path, is_dir)
        })
        .collect();
    children.sort();
    for (child, is_dir) in children {
        let name = child.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Hidden files, and the lock files Excel and WPS leave beside an open workbook.
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if is_dir {
            walk(&child, files, errors);
        } else if is_form_file(&child) {
            files.push(child);
        }
    }
}

pub fn is_form_file(path: &Path) -> bool {
    let toml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    #[cfg(feature = "xlsx")]
    let toml = toml || crate::xlsx::is_workbook(path);
    toml
}

/// The forms of one path: a form file holds one, a workbook one per table.
#[derive(Debug, Default)]
pub struct PathForms {
    /// Each form, or the errors that kept it from loading (located in the file, or at the cell).
    pub forms: Vec<Result<Form, Vec<Diagnostic>>>,
    /// What was read but could not be placed (cells outside any table), and skipped sheets.
    pub warnings: Vec<Diagnostic>,
}

/// Load the forms of one file: a form file, or (feature `xlsx`) every table of a workbook.
pub fn load_forms(path: &Path) -> PathForms {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("rules"))
    {
        return PathForms {
            forms: vec![Err(rule_file_given(path))],
            warnings: Vec::new(),
        };
    }
    #[cfg(feature = "xlsx")]
    if crate::xlsx::is_workbook(path) {
        return load_workbook(path, &crate::xlsx::ImportOptions::default());
    }
    PathForms {
        forms: vec![form::load_path(path)],
        warnings: Vec::new(),
    }
}

/// A rule file where a form was expected (`jixiao score draft.rules`): said so, with the
/// commands that take it, and with the rule file's own errors if it has any.
fn rule_file_given(path: &Path) -> Vec<Diagnostic> {
    let shown = path.display();
    let mut errors = vec![
        Diagnostic::error(
            "input::rule-file",
            format!("{shown} 是评分规则文件，不是表格 (a rule file, not a form)"),
        )
        .help(format!(
            "score forms under it with `--rules {shown}`, check it with `jixiao rules check {shown}`"
        )),
    ];
    if let Err(rule_errors) = rules::load_path(path) {
        errors.extend(rule_errors);
    }
    errors
}

/// Every table of a workbook, imported in memory and loaded as a form named `s.xlsx#Sheet1`.
#[cfg(feature = "xlsx")]
pub fn load_workbook(path: &Path, options: &crate::xlsx::ImportOptions) -> PathForms {
    let workbook = match crate::xlsx::read_path(path) {
        Ok(w) => w,
        Err(errors) => {
            return PathForms {
                forms: vec![Err(errors)],
                warnings: Vec::new(),
            };
        }
    };
    let import = crate::xlsx::import_workbook(&workbook, options);
    let mut out = PathForms {
        forms: Vec::new(),
        warnings: import.warnings,
    };
    for table in import.forms {
        match table {
            Ok(imported) => {
                out.warnings.extend(imported.warnings.iter().cloned());
                out.forms.push(imported.load());
            }
            Err(errors) => out.forms.push(Err(errors)),
        }
    }
    if out.forms.is_empty() {
        out.forms.push(Err(vec![Diagnostic::error(
            "xlsx::no-form",
            format!(
                "工作簿中没有找到自评表 (no form found in {}): expected a table with a header row such as 年初预算数 / 全年预算数 / 全年执行数 and one with 一级指标 / 二级指标 / 三级指标",
                path.display()
            ),
        )]));
    }
    out
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

/// A form scored, or the errors that kept it from being scored.
pub type ScoredForm = Result<(Form, ScoreSheet), Vec<Diagnostic>>;

/// Load, validate and score every form of one path (a form file, or a workbook's tables), with
/// the warnings of reading it.
pub fn score_path(
    context: &RulesContext,
    path: &Path,
    options: ScoreOptions,
) -> (Vec<ScoredForm>, Vec<Diagnostic>) {
    let loaded = load_forms(path);
    let scored = loaded
        .forms
        .into_iter()
        .map(|form| {
            let form = form?;
            let (ruleset, selection) = context.resolve(&form)?;
            let sheet = score::score(&ruleset, &form, selection, options)?;
            Ok((form, sheet))
        })
        .collect();
    (scored, loaded.warnings)
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

/// Every form under some paths, scored: what a report or an export is drawn from.
pub struct Scored {
    /// The forms that scored, in path order (a workbook's tables in workbook order).
    pub sheets: Vec<(Form, ScoreSheet)>,
    /// Files or tables that could not be loaded or scored.
    pub errors: Vec<Diagnostic>,
    /// Cells that could not be placed, skipped sheets.
    pub warnings: Vec<Diagnostic>,
}

impl Scored {
    /// 2 when something could not be read, else 1 when a claim differs or the form does not fit
    /// its template, else 0.
    pub fn outcome(&self) -> super::Outcome {
        use super::Outcome;
        if !self.errors.is_empty() {
            Outcome::BadInput
        } else if self
            .sheets
            .iter()
            .any(|(_, s)| !s.structure.is_empty() || !s.mismatches().is_empty())
        {
            Outcome::Findings
        } else {
            Outcome::Ok
        }
    }

    /// Warnings and errors to stderr.
    pub fn report(&self) {
        super::output::report(&self.warnings);
        super::output::report(&self.errors);
    }
}

/// Collect, load and score every form under `paths`. Fails only when the rules cannot be loaded;
/// a bad file is reported in `errors` and the rest go on.
pub fn score_all(
    paths: &[PathBuf],
    rules_option: Option<&str>,
    options: ScoreOptions,
) -> Result<Scored, Vec<Diagnostic>> {
    let context = RulesContext::load(rules_option)?;
    let (files, errors) = collect(paths);
    let mut scored = Scored {
        sheets: Vec::new(),
        errors,
        warnings: Vec::new(),
    };
    for path in &files {
        let (results, warnings) = score_path(&context, path, options);
        scored.warnings.extend(warnings);
        for result in results {
            match result {
                Ok(pair) => scored.sheets.push(pair),
                Err(e) => scored.errors.extend(e),
            }
        }
    }
    if files.is_empty() && scored.errors.is_empty() {
        scored.errors.push(Diagnostic::error(
            "input::none",
            "没有找到表格文件 (no form files found under the given paths)",
        ));
    }
    Ok(scored)
}
