//! A run's rulesets, and forms loaded, scored and reviewed under them.

use super::Outcome;
use super::choice::{self, RuleChoice, RulesMap};
use super::load::load_forms;
use super::sources::collect;
use crate::diag::Diagnostic;
use crate::form::{self, Form};
use crate::review::{self, CheckSet, FormReview};
use crate::rules::registry::{FormRegion, Selection};
use crate::rules::{self, Registry, RuleSet};
use crate::score::{self, ScoreOptions, ScoreSheet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The rulesets a run scores with, loaded once: the shipped ones, plus a forced one (`--rules`,
/// a file or an id) which then scores every form.
///
/// ```
/// use jixiao::Session;
/// let session = Session::builtin().unwrap();
/// assert!(session.registry().all().iter().any(|r| r.id == "henan-2023"));
/// ```
pub struct Session {
    registry: Registry,
    forced: Option<Arc<RuleSet>>,
    map: Option<RulesMap>,
}

/// A form scored, with the ruleset that scored it (so that later phases need not resolve it
/// again).
#[derive(Debug, Clone)]
pub struct ScoredForm {
    pub form: Form,
    pub sheet: ScoreSheet,
    pub ruleset: Arc<RuleSet>,
}

/// The forms of one file, scored or not.
#[derive(Debug, Default)]
pub struct ScoredPath {
    /// Each form in file order (a workbook's tables in workbook order), or what kept it from
    /// being scored.
    pub forms: Vec<Result<ScoredForm, Vec<Diagnostic>>>,
    /// What was read but could not be placed (cells outside any table), and skipped sheets.
    pub warnings: Vec<Diagnostic>,
}

/// The reviews of the forms in one file (a workbook may hold several), or why they could not
/// be reviewed. Pure apart from reading the file, so a batch runs these in parallel.
#[derive(Debug, Default)]
pub struct ReviewedPath {
    pub reviews: Vec<FormReview>,
    pub errors: Vec<Diagnostic>,
    /// Workbook cells that could not be placed.
    pub warnings: Vec<Diagnostic>,
}

impl Session {
    /// A session over these rulesets.
    pub fn new(registry: Registry) -> Session {
        Session {
            registry,
            forced: None,
            map: None,
        }
    }

    /// The shipped rulesets only.
    pub fn builtin() -> Result<Session, Vec<Diagnostic>> {
        Ok(Session::new(Registry::builtin()?))
    }

    /// The shipped rulesets, and `rules` (a rule file's path or a shipped id) forced on every
    /// form when given.
    pub fn load(rules: Option<&str>) -> Result<Session, Vec<Diagnostic>> {
        Session::configure(&RuleChoice {
            rules: rules.map(str::to_string),
            ..RuleChoice::default()
        })
    }

    /// The shipped rulesets, every rule file of each `--rules-dir`, a `--rules-map`, and a
    /// `--rules` forced on every form.
    pub fn configure(choice: &RuleChoice) -> Result<Session, Vec<Diagnostic>> {
        let mut session = Session::builtin()?;
        for dir in &choice.rules_dirs {
            choice::add_dir(&mut session.registry, dir)?;
        }
        if let Some(value) = &choice.rules {
            session.force(value)?;
        }
        if let Some(path) = &choice.rules_map {
            session.map = Some(RulesMap::load(path, &session.registry)?);
        }
        Ok(session)
    }

    /// Score every form with `value` (a rule file's path or a shipped ruleset id) from now on.
    pub fn force(&mut self, value: &str) -> Result<Arc<RuleSet>, Vec<Diagnostic>> {
        let ruleset = self.ruleset(value)?;
        self.forced = Some(Arc::clone(&ruleset));
        Ok(ruleset)
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The ruleset forced on every form, if any.
    pub fn forced(&self) -> Option<&Arc<RuleSet>> {
        self.forced.as_ref()
    }

    /// A ruleset by a rule file's path or a shipped id; a file is added to the registry (replacing
    /// a shipped ruleset of the same id and version).
    pub fn ruleset(&mut self, value: &str) -> Result<Arc<RuleSet>, Vec<Diagnostic>> {
        let path = Path::new(value);
        if path.exists() || value.ends_with(".rules") {
            let ruleset = rules::load_path(path)?;
            return Ok(self.registry.add_or_replace(ruleset));
        }
        let wanted = rules::RulesetRef::parse(value)
            .map_err(|m| vec![Diagnostic::error("usage::rules", m)])?;
        self.registry.find(&wanted).cloned().ok_or_else(|| {
            let known: Vec<String> = self.registry.all().iter().map(|r| r.label()).collect();
            vec![Diagnostic::error(
                "usage::rules",
                format!(
                    "找不到评分规则 {value} (no rule file or shipped ruleset named `{value}`; shipped: {})",
                    known.join(", ")
                ),
            )]
        })
    }

    /// The ruleset for a form, and why it was chosen: `--rules`; else the one the form names;
    /// else a `--rules-map` entry for its folder or region; else the one in force for its
    /// region and year; else the nationwide one. An error is located at the form's `ruleset`,
    /// `region` or `year` field.
    pub fn resolve(&self, form: &Form) -> Result<(Arc<RuleSet>, Selection), Vec<Diagnostic>> {
        if let Some(forced) = &self.forced {
            return Ok((Arc::clone(forced), Selection::Override));
        }
        let locate = |message: String| {
            let span = form
                .ruleset
                .as_ref()
                .map(|r| r.span.clone())
                .or_else(|| form.region.as_ref().map(|r| r.span.clone()))
                .unwrap_or(form.year.span.clone());
            vec![Diagnostic::error("form::ruleset", message).at(&form.source, span)]
        };
        let wanted = form.ruleset.as_ref().map(|r| &r.value);
        let region = if wanted.is_some() {
            FormRegion::default()
        } else {
            choice::form_region(form)?
        };
        if let (None, Some(map)) = (wanted, &self.map)
            && let Some((mapped, entry)) = map.entry(form, &region)
        {
            let ruleset = self
                .registry
                .mapped(mapped, form.year.value)
                .map_err(locate)?;
            return Ok((ruleset, Selection::Mapped { entry }));
        }
        self.registry
            .resolve(wanted, form.year.value, form.kind.value, &region)
            .map_err(locate)
    }

    /// Score a loaded form under the ruleset it resolves to.
    pub fn score(&self, form: Form, options: ScoreOptions) -> Result<ScoredForm, Vec<Diagnostic>> {
        let (ruleset, selection) = self.resolve(&form)?;
        let form = score::place_blank_level1(&ruleset, &form).unwrap_or(form);
        let sheet = score::score(&ruleset, &form, selection, options)?;
        Ok(ScoredForm {
            form,
            sheet,
            ruleset,
        })
    }

    /// Score a form given as text (a form file's contents); `name` is what errors call it.
    pub fn score_text(
        &self,
        name: &str,
        text: &str,
        options: ScoreOptions,
    ) -> Result<ScoredForm, Vec<Diagnostic>> {
        let form = form::load_str(name, text)?;
        self.score(form, options)
    }

    /// Load, validate and score every form of one path (a form file, or a workbook's tables).
    pub fn score_path(&self, path: &Path, options: ScoreOptions) -> ScoredPath {
        let loaded = load_forms(path);
        ScoredPath {
            forms: loaded
                .forms
                .into_iter()
                .map(|form| self.score(form?, options))
                .collect(),
            warnings: loaded.warnings,
        }
    }

    /// Load, validate and score one form file.
    pub fn score_file(
        &self,
        path: &Path,
        options: ScoreOptions,
    ) -> Result<ScoredForm, Vec<Diagnostic>> {
        self.score(form::load_path(path)?, options)
    }

    /// Review a loaded form with the chosen checks.
    pub fn review(&self, form: &Form, checks: &CheckSet) -> Result<FormReview, Vec<Diagnostic>> {
        let (ruleset, selection) = self.resolve(form)?;
        let placed = score::place_blank_level1(&ruleset, form);
        let form = placed.as_ref().unwrap_or(form);
        let sheet = review::score_for_review(&ruleset, form, selection)?;
        Ok(review::review_form(&ruleset, form, &sheet, checks))
    }

    /// Load and review every form of one path.
    pub fn review_path(&self, path: &Path, checks: &CheckSet) -> ReviewedPath {
        let loaded = load_forms(path);
        let mut result = ReviewedPath {
            warnings: loaded.warnings,
            ..ReviewedPath::default()
        };
        for form in loaded.forms {
            match form.and_then(|form| self.review(&form, checks)) {
                Ok(r) => result.reviews.push(r),
                Err(e) => result.errors.extend(e),
            }
        }
        result
    }

    /// Review a file holding one form (a workbook: its first table).
    pub fn review_file(
        &self,
        path: &Path,
        checks: &CheckSet,
    ) -> Result<FormReview, Vec<Diagnostic>> {
        let result = self.review_path(path, checks);
        if !result.errors.is_empty() {
            return Err(result.errors);
        }
        result.reviews.into_iter().next().ok_or_else(|| {
            vec![Diagnostic::error(
                "input::empty",
                format!(
                    "{} 中没有表格 (no form in {})",
                    path.display(),
                    path.display()
                ),
            )]
        })
    }

    /// Collect, load and score every form under `paths`, in path order. A bad file is reported
    /// in `errors` and the rest go on.
    pub fn score_all(&self, paths: &[PathBuf], options: ScoreOptions) -> Scored {
        let (files, errors) = collect(paths);
        let mut scored = Scored {
            forms: Vec::new(),
            errors,
            warnings: Vec::new(),
        };
        for path in &files {
            let result = self.score_path(path, options);
            scored.warnings.extend(result.warnings);
            for form in result.forms {
                match form {
                    Ok(form) => scored.forms.push(form),
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
        scored
    }
}

/// Every form under some paths, scored: what a report or an export is drawn from.
#[derive(Debug, Default)]
pub struct Scored {
    /// The forms that scored, in path order (a workbook's tables in workbook order).
    pub forms: Vec<ScoredForm>,
    /// Files or tables that could not be loaded or scored.
    pub errors: Vec<Diagnostic>,
    /// Cells that could not be placed, skipped sheets.
    pub warnings: Vec<Diagnostic>,
}

impl Scored {
    /// 2 when something could not be read, else 1 when a claim differs or the form does not fit
    /// its template, else 0.
    pub fn outcome(&self) -> Outcome {
        if !self.errors.is_empty() {
            Outcome::BadInput
        } else if self
            .forms
            .iter()
            .any(|f| !f.sheet.structure.is_empty() || !f.sheet.mismatches().is_empty())
        {
            Outcome::Findings
        } else {
            Outcome::Ok
        }
    }
}
