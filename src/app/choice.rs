//! What a run is told about rulesets (`--rules`, `--rules-dir`, `--rules-map`), and what a form
//! says of where it comes from: the inputs of choosing a form's ruleset.

use crate::diag::Diagnostic;
use crate::form::Form;
use crate::rules::region::{self, Place, Reading};
use crate::rules::registry::FormRegion;
use crate::rules::{Registry, RulesetRef};
use std::path::{Path, PathBuf};

/// The ruleset options of a command.
#[derive(Debug, Clone, Default)]
pub struct RuleChoice {
    /// `--rules FILE|ID`: score every form with this one.
    pub rules: Option<String>,
    /// `--rules-dir DIR`: every `.rules` file in DIR joins the shipped rulesets.
    pub rules_dirs: Vec<PathBuf>,
    /// `--rules-map FILE`: regions and folders mapped to rulesets.
    pub rules_map: Option<PathBuf>,
}

/// The most rule files one `--rules-dir` may hold: each is parsed and checked.
pub const MAX_RULES_FILES: usize = 1000;

/// Add every `.rules` file directly in `dir` (in name order) to `registry`.
pub fn add_dir(registry: &mut Registry, dir: &Path) -> Result<(), Vec<Diagnostic>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![Diagnostic::error(
            "usage::rules-dir",
            format!(
                "无法读取规则目录 {} (cannot read the rules directory {}: {e})",
                dir.display(),
                dir.display()
            ),
        )]
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("rules"))
        })
        .collect();
    files.sort();
    if files.len() > MAX_RULES_FILES {
        return Err(vec![Diagnostic::error(
            "usage::rules-dir",
            format!(
                "规则目录中的文件过多 ({} holds {} rule files; the limit is {MAX_RULES_FILES})",
                dir.display(),
                files.len()
            ),
        )]);
    }
    let mut errors = Vec::new();
    for file in files {
        match crate::rules::load_path(&file).map(|r| registry.add(r)) {
            Ok(Ok(_)) => {}
            Ok(Err(duplicate)) => errors.push(*duplicate),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `--rules-map FILE`: a bureau's own choice of ruleset by region or by folder.
///
/// ```toml
/// [regions]            # a form from this region (or inside it) gets this ruleset
/// "四川省" = "sichuan-2023"
/// "上海市普陀区" = "putuo-2022@2"
///
/// [folders]            # a form in this folder (or below it), relative to the map file
/// "county-a" = "county-a-2023"
/// ```
///
/// A folder entry comes before a region entry; among regions the most specific wins.
#[derive(Debug, Clone, Default)]
pub struct RulesMap {
    name: String,
    regions: Vec<(Place, String, RulesetRef)>,
    folders: Vec<(PathBuf, String, RulesetRef)>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMap {
    #[serde(default)]
    regions: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    folders: std::collections::BTreeMap<String, String>,
}

impl RulesMap {
    /// Read a map; every ruleset it names must be in `registry`.
    pub fn load(path: &Path, registry: &Registry) -> Result<RulesMap, Vec<Diagnostic>> {
        let text = crate::read_text(path)?;
        let name = path.display().to_string();
        let error = |message: String| Diagnostic::error("usage::rules-map", message);
        let raw: RawMap = toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| crate::diag::SourceFile::new(&name, &text).line_of(s.start));
            vec![error(format!(
                "{name}{}: 规则映射文件格式错误 (the rules map is not valid: {}); expected `[regions]` and `[folders]` tables of \"name\" = \"ruleset-id\"",
                at.map_or(String::new(), |l| format!(":{l}")),
                e.message()
            ))]
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut map = RulesMap {
            name: name.clone(),
            ..RulesMap::default()
        };
        let mut errors = Vec::new();
        let target = |key: &str, value: &str| -> Result<RulesetRef, Diagnostic> {
            match RulesetRef::parse(value) {
                Ok(r) if registry.find(&r).is_some() => Ok(r),
                Ok(r) => Err(error(format!(
                    "{name}: `{key}` 映射到未知的评分规则 {r} (`{key}` maps to `{r}`, which is no ruleset loaded here)"
                ))),
                Err(m) => Err(error(format!("{name}: `{key}`: {m}"))),
            }
        };
        for (key, value) in &raw.regions {
            match (target(key, value), region::parse_region(key)) {
                (Ok(r), Ok(place)) => map.regions.push((place, key.clone(), r)),
                (Err(e), _) => errors.push(e),
                (_, Err(m)) => errors.push(error(format!("{name}: [regions] `{key}`: {m}"))),
            }
        }
        for (key, value) in &raw.folders {
            let folder = base.join(key);
            match (target(key, value), folder.canonicalize()) {
                (Ok(r), Ok(dir)) => map.folders.push((dir, key.clone(), r)),
                (Err(e), _) => errors.push(e),
                (_, Err(e)) => errors.push(error(format!(
                    "{name}: [folders] `{key}`: 找不到目录 {} (no folder {}: {e})",
                    folder.display(),
                    folder.display()
                ))),
            }
        }
        if errors.is_empty() {
            Ok(map)
        } else {
            Err(errors)
        }
    }

    /// The entry for a form: its folder's (the deepest), else its region's (the most specific).
    pub fn entry(&self, form: &Form, region: &FormRegion) -> Option<(&RulesetRef, String)> {
        let dir = Path::new(form.path()).parent().and_then(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".").canonicalize().ok()
            } else {
                d.canonicalize().ok()
            }
        });
        if let Some(dir) = dir
            && let Some((_, key, r)) = self
                .folders
                .iter()
                .filter(|(folder, _, _)| dir.starts_with(folder))
                .max_by_key(|(folder, _, _)| folder.components().count())
        {
            return Some((r, format!("folder {key} → {r} ({})", self.name)));
        }
        let place = region.place.as_ref()?;
        self.regions
            .iter()
            .filter(|(claim, _, _)| claim.contains(place))
            .max_by_key(|(claim, _, _)| claim.level())
            .map(|(_, key, r)| (r, format!("{key} → {r} ({})", self.name)))
    }
}

/// Where a form comes from: its `region` field, made more precise by its department's or unit's
/// name when that lies inside it; else the department's or unit's name; else nothing, with why.
/// A `region` the divisions table does not know is an error at the field.
pub fn form_region(form: &Form) -> Result<FormRegion, Vec<Diagnostic>> {
    let table = region::regions();
    let mut names: Vec<(&str, &str)> = Vec::new();
    if let Some(d) = form.department.as_deref() {
        names.push(("department", d));
    }
    if let Some(u) = form.unit.as_deref() {
        names.push(("unit", u));
    }
    let readings: Vec<(&str, &str, Reading)> = names
        .iter()
        .map(|(field, name)| (*field, *name, table.read(name)))
        .collect();
    if let Some(field) = &form.region {
        let place = region::parse_region(&field.value).map_err(|m| {
            vec![Diagnostic::error("form::region", m).at(&form.source, field.span.clone())]
        })?;
        // `region = "上海市"` with the unit 上海市普陀区…: the unit's name says more.
        let finer = readings.iter().find_map(|(f, n, r)| match r {
            Reading::Found(p) if place.contains(p) && p.level() > place.level() => {
                Some((p.clone(), *f, *n))
            }
            _ => None,
        });
        return Ok(match finer {
            Some((p, f, n)) => FormRegion {
                place: Some(p),
                said: format!("its region {} and its {f} name {n}", field.value),
            },
            None => FormRegion {
                place: Some(place),
                said: format!("its region field {}", field.value),
            },
        });
    }
    if let Some((f, n, Reading::Found(p))) = readings
        .iter()
        .find(|(_, _, r)| matches!(r, Reading::Found(_)))
    {
        return Ok(FormRegion {
            place: Some(p.clone()),
            said: format!("read from its {f} name {n}"),
        });
    }
    let said = match readings.iter().find_map(|(f, n, r)| match r {
        Reading::Ambiguous(a) => Some((f, n, a)),
        _ => None,
    }) {
        Some((f, n, a)) => format!(
            "the form names no region, and {a} in its {f} name {n} is in more than one province"
        ),
        None => "the form names no region, and none is read from its department or unit name"
            .to_string(),
    };
    Ok(FormRegion { place: None, said })
}
