//! Which ruleset scores which form.
//!
//! A form names its ruleset by id, optionally with a version (`henan-2023@1`). Where it names
//! none, the ruleset in force for its year is chosen: among those whose years include it and that
//! have a template for the form's kind, the one that took effect last.

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The form names it.
    Named,
    /// The form names none; this one is in force for its year.
    ByYear,
    /// `--rules` on the command line.
    Override,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    sets: Vec<Arc<RuleSet>>,
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

    /// Add a ruleset; one that claims the id, version and a year of another is refused.
    pub fn add(&mut self, ruleset: RuleSet) -> Result<Arc<RuleSet>, Box<Diagnostic>> {
        if let Some(existing) = self.sets.iter().find(|s| {
            s.id == ruleset.id && s.version == ruleset.version && s.years.overlaps(&ruleset.years)
        }) {
            return Err(Box::new(Diagnostic::error(
                "rules::duplicate",
                format!(
                    "两套规则同为 {} 且适用年度重叠 (two rulesets claim {} for overlapping years: {} in {} and {} in {})",
                    ruleset.label(),
                    ruleset.label(),
                    existing.years,
                    existing.source.name(),
                    ruleset.years,
                    ruleset.source.name()
                ),
            )
            .in_file(&ruleset.source)));
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

    /// The ruleset for a form, and how it was chosen.
    pub fn resolve(
        &self,
        wanted: Option<&RulesetRef>,
        year: i32,
        kind: FormKind,
    ) -> Result<(Arc<RuleSet>, Selection), String> {
        if let Some(wanted) = wanted {
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
            return match in_force {
                Some(s) => Ok((Arc::clone(s), Selection::Named)),
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
            };
        }
        let mut candidates: Vec<&Arc<RuleSet>> = self
            .sets
            .iter()
            .filter(|s| s.years.contains(year) && s.template(kind).is_some())
            .collect();
        candidates.sort_by_key(|s| {
            (
                std::cmp::Reverse(s.years.from),
                std::cmp::Reverse(s.version),
            )
        });
        match candidates.as_slice() {
            [] => Err(format!(
                "没有适用于 {year} 年度{kind}表的评分规则 (no ruleset applies to a {kind} form of {year}; known: {}). 请在表中写明 ruleset = \"…\" (name one with `ruleset = \"…\"`)",
                self.known()
            )),
            [first, rest @ ..] => {
                if let Some(tie) = rest
                    .iter()
                    .find(|s| s.years.from == first.years.from && s.id != first.id)
                {
                    return Err(format!(
                        "{year} 年度有多套评分规则同时适用 (more than one ruleset is in force for {year}: {} and {}); 请在表中写明 ruleset (name one with `ruleset = \"…\"`)",
                        first.label(),
                        tie.label()
                    ));
                }
                Ok((Arc::clone(first), Selection::ByYear))
            }
        }
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
