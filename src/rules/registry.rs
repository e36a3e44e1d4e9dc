//! Which ruleset scores which form.
//!
//! A form names its ruleset by id, optionally with a version (`henan-2023@1`). Where it names
//! none, the ruleset in force for its region and year is chosen: among those whose years include
//! it, that have a template for the form's kind and that claim a region holding the form's place,
//! the most specific (county, then prefecture, then province), then the highest version. Where
//! no ruleset claims the form's region, the nationwide ruleset in force for its year scores it.

use super::region::{Level, Place};
use super::ruleset::{FormKind, RuleSet};
use crate::diag::Diagnostic;
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RulesetRef {
    pub id: String,
    pub version: Option<u32>,
}

impl RulesetRef {
    /// `henan-2023` or `henan-2023@1`.
    pub fn parse(text: &str) -> Result<RulesetRef, String> {
        let text = text.trim();
        let (id, version) = match text.split_once('@') {
            Some((id, v)) => {
                let version = v.trim().parse::<u32>().map_err(|_| {
                    format!(
                        "规则版本应为整数 (the version after `@` must be a whole number, not `{v}`)"
                    )
                })?;
                (id.trim(), Some(version))
            }
            None => (text, None),
        };
        if id.is_empty() {
            return Err("规则 id 为空 (the ruleset id is empty)".into());
        }
        Ok(RulesetRef {
            id: id.to_string(),
            version,
        })
    }
}

impl fmt::Display for RulesetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version {
            Some(v) => write!(f, "{}@{v}", self.id),
            None => f.write_str(&self.id),
        }
    }
}

/// How a form's ruleset was found, for the output to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The form names it.
    Named,
    /// The form names none; this one is in force for the form's region and year.
    ByRegion {
        /// The region the ruleset claims (`四川省`).
        claim: String,
        /// The form's place and where it was read (`四川省青神县, from its unit name`).
        place: String,
    },
    /// No ruleset of the form's region is in force for its year: the nationwide one.
    Fallback {
        /// Why (`no ruleset of 湖南省 for 2020`, `the form names no region`).
        reason: String,
    },
    /// `--rules-map`: the entry that chose it.
    Mapped { entry: String },
    /// `--rules` on the command line.
    Override,
}

impl Selection {
    /// What the output says after the ruleset's label.
    pub fn describe(&self) -> String {
        match self {
            Selection::Named => "named by the form".into(),
            Selection::ByRegion { claim, place } => {
                format!("chosen by region and year: {claim}, for {place}")
            }
            Selection::Fallback { reason } => format!("fallback to central: {reason}"),
            Selection::Mapped { entry } => format!("--rules-map: {entry}"),
            Selection::Override => "--rules".into(),
        }
    }
}

/// Where a form comes from, as far as it could be read, for choosing its ruleset.
#[derive(Debug, Clone, Default)]
pub struct FormRegion {
    pub place: Option<Place>,
    /// With a place: where it was read (`from its unit name 青神县发展和改革局`); without one:
    /// why there is none.
    pub said: String,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    sets: Vec<Arc<RuleSet>>,
}

/// `四川省, 2023..` or `nationwide, 2020..`: what a ruleset claims.
pub fn claims(ruleset: &RuleSet) -> String {
    if ruleset.regions.is_empty() {
        format!("全国 nationwide, {}", ruleset.years)
    } else {
        let regions: Vec<&str> = ruleset.regions.iter().map(|r| r.text.as_str()).collect();
        format!("{}, {}", regions.join(" "), ruleset.years)
    }
}

/// The place two rulesets both claim (`None` for nationwide), if they share one.
fn shared_region(a: &RuleSet, b: &RuleSet) -> Option<Option<String>> {
    if a.regions.is_empty() && b.regions.is_empty() {
        return Some(None);
    }
    a.regions
        .iter()
        .find(|c| b.regions.iter().any(|d| d.place == c.place))
        .map(|c| Some(c.place.to_string()))
}

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    /// The rulesets shipped in the binary.
    pub fn builtin() -> Result<Registry, Vec<Diagnostic>> {
        let mut registry = Registry::new();
        for (_, name, text) in super::BUILTIN {
            let ruleset = super::load_str(name, text)?;
            registry.add(ruleset).map_err(|d| vec![*d])?;
        }
        Ok(registry)
    }

    /// Add a ruleset. One that claims the id, version and a year of another is refused, and so
    /// is one that claims the same region (or nationwide), version and a year of another: which
    /// of the two scores a form there could not be told.
    pub fn add(&mut self, ruleset: RuleSet) -> Result<Arc<RuleSet>, Box<Diagnostic>> {
        for existing in &self.sets {
            if existing.version != ruleset.version || !existing.years.overlaps(&ruleset.years) {
                continue;
            }
            let message = if existing.id == ruleset.id {
                format!(
                    "两套规则同为 {} 且适用年度重叠 (two rulesets claim {} for overlapping years: {} in {} and {} in {})",
                    ruleset.label(),
                    ruleset.label(),
                    existing.years,
                    existing.source.name(),
                    ruleset.years,
                    ruleset.source.name()
                )
            } else if let Some(region) = shared_region(existing, &ruleset) {
                let region = region.unwrap_or_else(|| "全国 (nationwide)".into());
                format!(
                    "两套规则对 {region} 的同一年度同为版本 {} (two rulesets claim {region} for overlapping years at version {}: {} ({}) in {} and {} ({}) in {}); give the one that should win a higher version",
                    ruleset.version,
                    ruleset.version,
                    existing.label(),
                    existing.years,
                    existing.source.name(),
                    ruleset.label(),
                    ruleset.years,
                    ruleset.source.name()
                )
            } else {
                continue;
            };
            return Err(Box::new(
                Diagnostic::error("rules::duplicate", message).in_file(&ruleset.source),
            ));
        }
        let ruleset = Arc::new(ruleset);
        self.sets.push(Arc::clone(&ruleset));
        Ok(ruleset)
    }

    /// Add, replacing a ruleset with the same id and version (a draft that shadows a shipped one).
    pub fn add_or_replace(&mut self, ruleset: RuleSet) -> Arc<RuleSet> {
        self.sets
            .retain(|s| !(s.id == ruleset.id && s.version == ruleset.version));
        let ruleset = Arc::new(ruleset);
        self.sets.push(Arc::clone(&ruleset));
        ruleset
    }

    pub fn all(&self) -> &[Arc<RuleSet>] {
        &self.sets
    }

    /// Find by id and optional version (the highest version when none is given).
    pub fn find(&self, wanted: &RulesetRef) -> Option<&Arc<RuleSet>> {
        self.sets
            .iter()
            .filter(|s| s.id == wanted.id && wanted.version.is_none_or(|v| v == s.version))
            .max_by_key(|s| s.version)
    }

    fn known(&self) -> String {
        let mut labels: Vec<String> = self.sets.iter().map(|s| s.label()).collect();
        labels.sort();
        labels.join(", ")
    }

    /// Every ruleset with what it claims, for an error that lists the candidates.
    fn candidates(&self) -> String {
        let mut labels: Vec<String> = self
            .sets
            .iter()
            .map(|s| format!("{} ({})", s.label(), claims(s)))
            .collect();
        labels.sort();
        labels.join("; ")
    }

    /// A ruleset by id and version that covers `year`.
    fn named(&self, wanted: &RulesetRef, year: i32) -> Result<Arc<RuleSet>, String> {
        let candidates: Vec<&Arc<RuleSet>> = self
            .sets
            .iter()
            .filter(|s| s.id == wanted.id && wanted.version.is_none_or(|v| v == s.version))
            .collect();
        if candidates.is_empty() {
            return Err(format!(
                "未知的评分规则 {wanted} (unknown ruleset `{wanted}`; known: {})",
                self.known()
            ));
        }
        let in_force = candidates
            .iter()
            .filter(|s| s.years.contains(year))
            .max_by_key(|s| s.version);
        match in_force {
            Some(s) => Ok(Arc::clone(s)),
            None => {
                let years: Vec<String> = candidates
                    .iter()
                    .map(|s| format!("{} {}", s.label(), s.years))
                    .collect();
                Err(format!(
                    "评分规则 {wanted} 不适用于 {year} 年度 (ruleset `{wanted}` does not apply to {year}: it covers {})",
                    years.join(", ")
                ))
            }
        }
    }

    /// A ruleset by a `--rules-map` entry, which must cover the form's year.
    pub fn mapped(&self, wanted: &RulesetRef, year: i32) -> Result<Arc<RuleSet>, String> {
        self.named(wanted, year)
    }

    /// The ruleset for a form, and how it was chosen: the one it names; else the one in force
    /// for its region and year (the most specific region wins: county over prefecture over
    /// province, then the highest version); else the nationwide one in force for its year.
    /// Two nationwide rulesets in force for one year are an error, not a silent choice of the
    /// later one.
    pub fn resolve(
        &self,
        wanted: Option<&RulesetRef>,
        year: i32,
        kind: FormKind,
        region: &FormRegion,
    ) -> Result<(Arc<RuleSet>, Selection), String> {
        if let Some(wanted) = wanted {
            return self.named(wanted, year).map(|s| (s, Selection::Named));
        }
        let fits: Vec<&Arc<RuleSet>> = self
            .sets
            .iter()
            .filter(|s| s.years.contains(year) && s.template(kind).is_some())
            .collect();
        let place = region.place.as_ref();
        if let Some(place) = place {
            let regional: Vec<(Level, &Arc<RuleSet>, &str)> = fits
                .iter()
                .filter_map(|s| {
                    s.regions
                        .iter()
                        .filter(|c| c.place.contains(place))
                        .max_by_key(|c| c.place.level())
                        .map(|c| (c.place.level(), *s, c.text.as_str()))
                })
                .collect();
            if let Some(best) = regional.iter().map(|(level, _, _)| *level).max() {
                let top: Vec<(&Arc<RuleSet>, &str)> = regional
                    .iter()
                    .filter(|(level, _, _)| *level == best)
                    .map(|(_, s, claim)| (*s, *claim))
                    .collect();
                let (chosen, claim) = highest(&top, || {
                    format!(
                        "{year} 年度 {place} 有多套评分规则同时适用 (more than one ruleset is in force for {place} in {year}"
                    )
                })?;
                return Ok((
                    Arc::clone(chosen),
                    Selection::ByRegion {
                        claim: claim.to_string(),
                        place: format!("{place}, {}", region.said),
                    },
                ));
            }
        }
        let national: Vec<(&Arc<RuleSet>, &str)> = fits
            .iter()
            .filter(|s| s.regions.is_empty())
            .map(|s| (*s, ""))
            .collect();
        if national.is_empty() {
            let from = place.map_or(String::new(), |p| format!(" from {p}"));
            return Err(format!(
                "没有适用于 {year} 年度{kind}表的评分规则 (no ruleset applies to a {kind} form of {year}{from}; candidates: {}). 请在表中写明 ruleset = \"…\" (name one with `ruleset = \"…\"`)",
                self.candidates()
            ));
        }
        let (chosen, _) = highest(&national, || {
            format!(
                "{year} 年度有多套全国评分规则同时适用 (more than one nationwide ruleset is in force for {year}"
            )
        })?;
        let reason = match place {
            Some(p) => format!("no ruleset of {p} for {year} ({})", region.said),
            None => region.said.clone(),
        };
        Ok((Arc::clone(chosen), Selection::Fallback { reason }))
    }
}

/// The highest version among rulesets equally fit for a form; two different rulesets at that
/// version are an error that names both (`intro` opens its message).
fn highest<'a>(
    fits: &[(&'a Arc<RuleSet>, &'a str)],
    intro: impl Fn() -> String,
) -> Result<(&'a Arc<RuleSet>, &'a str), String> {
    let Some(top) = fits.iter().map(|(s, _)| s.version).max() else {
        return Err(intro());
    };
    let at_top: Vec<&(&Arc<RuleSet>, &str)> =
        fits.iter().filter(|(s, _)| s.version == top).collect();
    match at_top.as_slice() {
        [(first, claim)] => Ok((first, claim)),
        [(first, claim), rest @ ..] => {
            if let Some((other, _)) = rest.iter().find(|(s, _)| s.id != first.id) {
                Err(format!(
                    "{}: {} and {}); 请在表中写明 ruleset (name one with `ruleset = \"…\"`, or choose with --rules-map)",
                    intro(),
                    first.label(),
                    other.label()
                ))
            } else {
                Ok((first, claim))
            }
        }
        [] => Err(intro()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_parse_with_and_without_version() {
        assert_eq!(
            RulesetRef::parse("henan-2023@2").unwrap(),
            RulesetRef {
                id: "henan-2023".into(),
                version: Some(2)
            }
        );
        assert_eq!(RulesetRef::parse(" henan-2023 ").unwrap().version, None);
        assert!(RulesetRef::parse("henan@x").is_err());
        assert!(RulesetRef::parse("").is_err());
    }
}
