//! Form files as written: TOML deserialized with spans, nothing validated yet.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use toml::Spanned;

/// A number as written: TOML integers, floats and strings are all kept as text, so that
/// `"92.61"` and `92.61` both become the exact decimal 92.61. A float is taken through its
/// shortest round-trip text, never through arithmetic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawNumber {
    pub text: String,
    /// Written as a TOML string (so offsets into `text` are offsets into the file after the quote).
    pub quoted: bool,
}

impl<'de> Deserialize<'de> for RawNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;

        impl Visitor<'_> for NumberVisitor {
            type Value = RawNumber;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or a number in a string such as \"92.61\"")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNumber, E> {
                Ok(RawNumber {
                    text: v.to_string(),
                    quoted: false,
                })
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNumber, E> {
                Ok(RawNumber {
                    text: v.to_string(),
                    quoted: false,
                })
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNumber, E> {
                // `Display` for f64 prints the shortest text that reads back as the same value.
                Ok(RawNumber {
                    text: v.to_string(),
                    quoted: false,
                })
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNumber, E> {
                Ok(RawNumber {
                    text: v.to_string(),
                    quoted: true,
                })
            }
        }

        deserializer.deserialize_any(NumberVisitor)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForm {
    pub kind: Spanned<String>,
    pub ruleset: Option<Spanned<String>>,
    pub year: Spanned<i64>,
    pub title: Option<String>,
    pub project: Option<Spanned<String>>,
    pub department: Option<Spanned<String>>,
    pub unit: Option<String>,
    pub budget: Spanned<RawBudget>,
    pub objective: Option<RawObjective>,
    #[serde(default)]
    pub tasks: Vec<RawTask>,
    #[serde(default)]
    pub sections: Vec<Spanned<RawSection>>,
    #[serde(default)]
    pub indicators: Vec<Spanned<RawIndicator>>,
    pub total: Option<RawTotal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBudget {
    pub initial: Spanned<RawNumber>,
    pub adjusted: Spanned<RawNumber>,
    pub executed: Spanned<RawNumber>,
    pub weight: Option<Spanned<RawNumber>>,
    pub rate: Option<Spanned<RawNumber>>,
    pub score: Option<Spanned<RawNumber>>,
    /// Why the execution rate is low, where the rules ask for it.
    pub explanation: Option<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<RawSource>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub name: Spanned<String>,
    pub initial: Spanned<RawNumber>,
    pub adjusted: Spanned<RawNumber>,
    pub executed: Spanned<RawNumber>,
    pub rate: Option<Spanned<RawNumber>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjective {
    pub expected: Option<Spanned<String>>,
    pub achieved: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTask {
    pub name: String,
    pub content: Option<String>,
    pub achieved: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub name: Spanned<String>,
    #[serde(default)]
    pub items: Vec<Spanned<RawSectionItem>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSectionItem {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub weight: Spanned<RawNumber>,
    pub score: Option<Spanned<RawNumber>>,
    pub problems: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub level1: Spanned<String>,
    pub level2: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub target: Option<Spanned<String>>,
    pub actual: Option<Spanned<String>>,
    pub weight: Option<Spanned<RawNumber>>,
    pub score: Option<Spanned<RawNumber>>,
    pub deviation: Option<Spanned<RawNumber>>,
    pub explanation: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTotal {
    pub score: Option<Spanned<RawNumber>>,
    pub grade: Option<Spanned<String>>,
}
