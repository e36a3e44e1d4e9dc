//! Where a form comes from: a province, and within it a prefecture and a county, read from a
//! region's name (`四川省`, `上海市普陀区`) or from the start of a department's or unit's name
//! (`许昌市政务服务和大数据管理局` → 河南省许昌市).
//!
//! The divisions live in data (`scoring-rules/regions.json`, made by `scripts/make_regions.py`),
//! not in code. A name that more than one province uses (`普陀区`, `朝阳区` …) decides nothing on
//! its own: it is read only inside a province already known.

use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

/// The table of divisions, shipped in the binary.
const REGIONS_JSON: &str = include_str!("../../scoring-rules/regions.json");

#[derive(Debug, Deserialize)]
struct RawTable {
    ambiguous: Vec<String>,
    short_name_collisions: Vec<String>,
    province: Vec<RawProvince>,
}

#[derive(Debug, Deserialize)]
struct RawProvince {
    name: String,
    short: String,
    slug: String,
    prefectures: Vec<String>,
    counties: Vec<String>,
    #[serde(default)]
    former: Vec<String>,
    #[serde(default)]
    extra: Vec<String>,
}

/// A province-level division and the names under it.
#[derive(Debug)]
pub struct Province {
    /// `四川省`
    pub name: String,
    /// `四川`, as unit names write it (`四川农业大学`).
    pub short: String,
    /// `sichuan`
    pub slug: String,
    prefectures: Vec<String>,
    /// County-level names, with former names and 管理区 names that forms still use.
    counties: Vec<String>,
}

/// Every division, and the names that cannot decide a province alone.
#[derive(Debug)]
pub struct Regions {
    pub provinces: Vec<Province>,
    ambiguous: HashSet<String>,
    /// Division names that begin with another province's short name (`河北区` is in 天津).
    collisions: Vec<String>,
}

/// The shipped table of divisions.
pub fn regions() -> &'static Regions {
    static TABLE: OnceLock<Regions> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The table is part of the binary, and a test reads it: a parse failure is a build bug.
        #[allow(clippy::expect_used)]
        let raw: RawTable = serde_json::from_str(REGIONS_JSON).expect("regions.json parses");
        Regions {
            provinces: raw
                .province
                .into_iter()
                .map(|p| Province {
                    name: p.name,
                    short: p.short,
                    slug: p.slug,
                    prefectures: p.prefectures,
                    counties: p
                        .counties
                        .into_iter()
                        .chain(p.former)
                        .chain(p.extra)
                        .collect(),
                })
                .collect(),
            ambiguous: raw.ambiguous.into_iter().collect(),
            collisions: raw.short_name_collisions,
        }
    })
}

/// A place: a province, and maybe a prefecture and a county within it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// Index into [`Regions::provinces`].
    pub province: usize,
    pub prefecture: Option<String>,
    pub county: Option<String>,
}

/// How precisely a ruleset's region is named: the most specific match wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Province = 1,
    Prefecture = 2,
    County = 3,
}

impl Place {
    pub fn province(&self) -> &'static Province {
        &regions().provinces[self.province]
    }

    pub fn level(&self) -> Level {
        if self.county.is_some() {
            Level::County
        } else if self.prefecture.is_some() {
            Level::Prefecture
        } else {
            Level::Province
        }
    }

    /// Whether `other` (a form's place) lies inside this one (a ruleset's region).
    pub fn contains(&self, other: &Place) -> bool {
        self.province == other.province
            && self
                .prefecture
                .as_ref()
                .is_none_or(|p| other.prefecture.as_ref() == Some(p))
            && self
                .county
                .as_ref()
                .is_none_or(|c| other.county.as_ref() == Some(c))
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.province().name)?;
        if let Some(p) = &self.prefecture {
            f.write_str(p)?;
        }
        if let Some(c) = &self.county {
            f.write_str(c)?;
        }
        Ok(())
    }
}

/// What reading a name gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Found(Place),
    /// Nothing at its start names a division.
    Unknown,
    /// It starts with a name that more than one province uses, and no province is named before
    /// it: not guessed.
    Ambiguous(String),
}

/// The longest name of `names` that `text` starts with.
fn longest_prefix<'a>(text: &str, names: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    names
        .filter(|n| text.starts_with(n.as_str()))
        .max_by_key(|n| n.len())
}

impl Regions {
    /// Read a place from the start of a name: `[province][prefecture][county]…`, each optional.
    /// A leading code (`219001-`) and `中共` are passed over.
    pub fn read(&self, name: &str) -> Reading {
        let mut text = strip_code(name.trim());
        for prefix in ["中共", "中国共产党"] {
            if let Some(rest) = text.strip_prefix(prefix) {
                text = rest;
            }
        }
        let mut province = None;
        // `河北区…` is a district of 天津, not the province 河北: whole division names that begin
        // with a province's short name are tried before the short names.
        let collision = self.collisions.iter().any(|c| text.starts_with(c.as_str()));
        if let Some((i, p)) = self
            .provinces
            .iter()
            .enumerate()
            .find(|(_, p)| text.starts_with(p.name.as_str()))
        {
            province = Some(i);
            text = &text[p.name.len()..];
        } else if !collision
            && let Some((i, p)) = self
                .provinces
                .iter()
                .enumerate()
                .find(|(_, p)| text.starts_with(p.short.as_str()))
        {
            // `四川农业大学`; but `吉林市…` is a prefecture of 吉林, read below as one.
            let prefecture_too = p.prefectures.iter().any(|n| text.starts_with(n.as_str()));
            province = Some(i);
            if !prefecture_too {
                text = &text[p.short.len()..];
            }
        }
        let (province, prefecture, text) = match self.division(text, province, |p| &p.prefectures) {
            Ok(Some((i, name))) => (Some(i), Some(name.clone()), &text[name.len()..]),
            Ok(None) => (province, None, text),
            Err(name) => return Reading::Ambiguous(name),
        };
        let county = match self.division(text, province, |p| &p.counties) {
            Ok(Some((i, name))) => {
                if province.is_some_and(|p| p != i) {
                    None
                } else {
                    return Reading::Found(Place {
                        province: i,
                        prefecture,
                        county: Some(name.clone()),
                    });
                }
            }
            Ok(None) => None,
            Err(name) => return Reading::Ambiguous(name),
        };
        match province {
            Some(province) => Reading::Found(Place {
                province,
                prefecture,
                county,
            }),
            None => Reading::Unknown,
        }
    }

    /// The division (prefecture or county, per `list`) that `text` starts with: within the
    /// province when it is known, else in the one province that has it.
    fn division<'a>(
        &'a self,
        text: &str,
        province: Option<usize>,
        list: impl Fn(&'a Province) -> &'a Vec<String>,
    ) -> Result<Option<(usize, &'a String)>, String> {
        if let Some(i) = province {
            return Ok(longest_prefix(text, list(&self.provinces[i]).iter()).map(|n| (i, n)));
        }
        let found: Vec<(usize, &String)> = self
            .provinces
            .iter()
            .enumerate()
            .filter_map(|(i, p)| longest_prefix(text, list(p).iter()).map(|n| (i, n)))
            .collect();
        let Some(longest) = found.iter().map(|(_, n)| n.len()).max() else {
            return Ok(None);
        };
        let at_longest: Vec<&(usize, &String)> =
            found.iter().filter(|(_, n)| n.len() == longest).collect();
        match at_longest.as_slice() {
            [(i, name)] if !self.ambiguous.contains(name.as_str()) => Ok(Some((*i, name))),
            [(_, name), ..] => Err((*name).clone()),
            [] => Ok(None),
        }
    }

    /// A province by its full name, short name or slug.
    pub fn province_named(&self, name: &str) -> Option<usize> {
        self.provinces
            .iter()
            .position(|p| p.name == name || p.short == name || p.slug == name)
    }
}

/// `219001-池州市…` → `池州市…`: budget systems prefix unit names with their code.
fn strip_code(text: &str) -> &str {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &text[digits..];
        if let Some(rest) = rest.strip_prefix(['-', ' ', '_']) {
            return rest.trim_start();
        }
    }
    text
}

/// A region as a ruleset or a form names it: the whole text must name a place (`四川省`,
/// `上海市普陀区`, `河南省许昌市`, `许昌市`, or a province's short name or slug).
pub fn parse_region(text: &str) -> Result<Place, String> {
    let table = regions();
    let text = text.trim();
    if let Some(province) = table.province_named(text) {
        return Ok(Place {
            province,
            prefecture: None,
            county: None,
        });
    }
    match table.read(text) {
        Reading::Found(place) if place.to_string().ends_with(suffix_of(text, &place)) => Ok(place),
        Reading::Ambiguous(name) => Err(format!(
            "地名 {name} 不止一个省份有，请写出省份 (`{name}` is a division name in more than one province: write the province before it, e.g. `上海市{name}`)"
        )),
        _ => Err(format!(
            "不认识的地区 {text} (`{text}` names no province, prefecture or county in the divisions table; write e.g. `四川省`, `上海市普陀区` or `许昌市`)"
        )),
    }
}

/// The part of a region's text that must end the place's full name: the whole text less any
/// short province name at its start (`四川青神县` → `青神县`). Trailing words (`四川省财政厅`)
/// then fail the check, so that a region names a place and nothing else.
fn suffix_of<'a>(text: &'a str, place: &Place) -> &'a str {
    let province = place.province();
    text.strip_prefix(province.name.as_str())
        .or_else(|| text.strip_prefix(province.short.as_str()))
        .unwrap_or(text)
}

/// The regions and read-off notes of a ruleset header; each region must name a place, and a
/// ruleset names each place once. `error` reports a problem at its span.
pub(crate) fn header_claims(
    header: &super::ast::RulesetHeader,
    mut error: impl FnMut(&super::ast::Span, super::check::CheckError),
) -> (Vec<super::ruleset::RegionClaim>, Vec<String>) {
    let mut claims: Vec<super::ruleset::RegionClaim> = Vec::new();
    let mut read_off = Vec::new();
    for field in &header.fields {
        match field {
            super::ast::HeaderField::Regions { texts, .. } => {
                for t in texts {
                    match parse_region(&t.value) {
                        Ok(place) if claims.iter().any(|c| c.place == place) => error(
                            &t.span,
                            super::check::CheckError::DuplicateRegion {
                                place: place.to_string(),
                            },
                        ),
                        Ok(place) => claims.push(super::ruleset::RegionClaim {
                            text: t.value.trim().to_string(),
                            place,
                        }),
                        Err(reason) => {
                            error(&t.span, super::check::CheckError::UnknownRegion { reason })
                        }
                    }
                }
            }
            super::ast::HeaderField::ReadOff(t) => read_off.push(t.value.clone()),
            _ => {}
        }
    }
    (claims, read_off)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str) -> String {
        match regions().read(name) {
            Reading::Found(p) => p.to_string(),
            Reading::Unknown => "?".into(),
            Reading::Ambiguous(n) => format!("ambiguous {n}"),
        }
    }

    #[test]
    fn the_table_loads_every_province() {
        assert_eq!(regions().provinces.len(), 34);
    }

    #[test]
    fn names_read_province_prefecture_and_county() {
        assert_eq!(read("许昌市政务服务和大数据管理局"), "河南省许昌市");
        assert_eq!(read("上海市普陀区体育事业管理中心"), "上海市普陀区");
        assert_eq!(read("青神县发展和改革局"), "四川省青神县");
        assert_eq!(
            read("219001-池州市贵池区棠溪镇人民政府"),
            "安徽省池州市贵池区"
        );
        assert_eq!(read("四川农业大学"), "四川省");
        assert_eq!(read("吉林市财政局"), "吉林省吉林市");
        assert_eq!(read("中共绥阳县委办公室"), "贵州省绥阳县");
    }

    #[test]
    fn ambiguous_and_colliding_names_are_not_guessed() {
        assert_eq!(read("普陀区体育局"), "ambiguous 普陀区");
        assert_eq!(read("朝阳区财政局"), "ambiguous 朝阳区");
        // 河北区 is in 天津, not the province 河北.
        assert_eq!(read("河北区教育局"), "天津市河北区");
        assert_eq!(read("县农业农村局"), "?");
        assert_eq!(read("张庄寨镇人民政府"), "?");
    }

    #[test]
    fn regions_must_name_a_place_and_nothing_else() {
        assert_eq!(parse_region("四川省").unwrap().to_string(), "四川省");
        assert_eq!(parse_region("sichuan").unwrap().to_string(), "四川省");
        assert_eq!(
            parse_region("上海市普陀区").unwrap().to_string(),
            "上海市普陀区"
        );
        assert_eq!(parse_region("许昌市").unwrap().to_string(), "河南省许昌市");
        assert!(parse_region("四川省财政厅").is_err());
        assert!(
            parse_region("普陀区")
                .unwrap_err()
                .contains("more than one province")
        );
        assert!(parse_region("火星").is_err());
    }
}
