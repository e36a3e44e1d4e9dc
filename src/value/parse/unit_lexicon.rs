//! The unit lexicon: which spellings after a number are units (`%`, the money units, the count
//! units, a magnitude prefix and a count unit such as `万本`), what one written unit is worth in
//! the base unit, and units outside the tables taken as opaque counting units.

use nom::error::{ErrorKind, ParseError};
use rust_decimal::Decimal;
use std::borrow::Cow;

use super::{
    EXPECTED_UNIT, PError, PResult, backtrack, first_char_len, fold, folded_prefix, is_unitish,
};
use crate::value::Unit;
use crate::value::tables::{COUNT_UNITS, MAGNITUDE_PREFIXES, MONEY_UNITS};

/// A recognised unit: what it is, what one written unit is worth in the base unit, and its
/// half-width spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct UnitSpec {
    pub(super) unit: Unit,
    pub(super) multiplier: Decimal,
    pub(super) written: Cow<'static, str>,
}

impl UnitSpec {
    pub(super) fn none() -> Self {
        UnitSpec {
            unit: Unit::None,
            multiplier: Decimal::ONE,
            written: Cow::Borrowed(""),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::value) enum UnitKind {
    Percent,
    Money(i64),
    Count {
        prefix: &'static str,
        multiplier: i64,
        base: &'static str,
    },
}

/// The longest known unit at the start of `i`.
#[derive(Debug, Clone, Copy)]
enum IndexedUnit {
    Money(&'static str, i64),
    Count(&'static str),
    Magnitude(&'static str, i64),
}

impl IndexedUnit {
    /// A unit written on its own (not a magnitude prefix): its spelling and what it is.
    fn direct(&self) -> Option<(&'static str, UnitKind)> {
        match *self {
            IndexedUnit::Money(spelling, multiplier) => {
                Some((spelling, UnitKind::Money(multiplier)))
            }
            IndexedUnit::Count(base) => Some((
                base,
                UnitKind::Count {
                    prefix: "",
                    multiplier: 1,
                    base,
                },
            )),
            IndexedUnit::Magnitude(..) => None,
        }
    }
}

/// Entries grouped by the first character of their spelling, in the order given, sorted by that
/// character: a table that a value is matched against only where it could match.
pub(in crate::value) struct FirstCharIndex<T>(Vec<(char, Vec<T>)>);

impl<T> FirstCharIndex<T> {
    pub(in crate::value) fn new(entries: impl IntoIterator<Item = (&'static str, T)>) -> Self {
        let mut index: Vec<(char, Vec<T>)> = Vec::new();
        for (spelling, entry) in entries {
            let Some(c) = spelling.chars().next() else {
                continue;
            };
            match index.iter_mut().find(|(k, _)| *k == c) {
                Some((_, list)) => list.push(entry),
                None => index.push((c, vec![entry])),
            }
        }
        index.sort_by_key(|(c, _)| *c);
        FirstCharIndex(index)
    }

    /// The entries whose spelling starts with `c`.
    pub(in crate::value) fn starting_with(&self, c: Option<char>) -> &[T] {
        c.and_then(|c| self.0.binary_search_by_key(&c, |(k, _)| *k).ok())
            .and_then(|i| self.0.get(i))
            .map_or(&[][..], |(_, list)| list.as_slice())
    }

    fn entries(&self) -> impl Iterator<Item = &T> {
        self.0.iter().flat_map(|(_, list)| list.iter())
    }
}

/// The unit spellings grouped by their first character.
fn unit_index() -> &'static FirstCharIndex<IndexedUnit> {
    static INDEX: std::sync::OnceLock<FirstCharIndex<IndexedUnit>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        FirstCharIndex::new(
            MONEY_UNITS
                .iter()
                .map(|&(s, m)| (s, IndexedUnit::Money(s, m)))
                .chain(COUNT_UNITS.iter().map(|&s| (s, IndexedUnit::Count(s))))
                .chain(
                    MAGNITUDE_PREFIXES
                        .iter()
                        .map(|&(s, m)| (s, IndexedUnit::Magnitude(s, m))),
                ),
        )
    })
}

/// A spelling as written in the tables, keyed by its first eight bytes (see [`leading_bytes`]).
type ExactUnit = (u64, &'static str, UnitKind);

/// Every unit spelling as written in the tables (`%`, the money units, the count units), sorted
/// by key for [`exact_unit`]; where two tables share a spelling, the one [`unit`] would take.
pub(in crate::value) fn exact_units() -> &'static [ExactUnit] {
    static EXACT: std::sync::OnceLock<Vec<ExactUnit>> = std::sync::OnceLock::new();
    EXACT.get_or_init(|| {
        let mut exact: Vec<(&'static str, UnitKind)> = vec![("%", UnitKind::Percent)];
        for entry in unit_index().entries().filter_map(IndexedUnit::direct) {
            if !exact.iter().any(|(s, _)| *s == entry.0) {
                exact.push(entry);
            }
        }
        let mut keyed: Vec<ExactUnit> = exact
            .into_iter()
            .map(|(s, kind)| (leading_bytes(s), s, kind))
            .collect();
        keyed.sort_by_key(|&(key, s, _)| (key, s));
        keyed
    })
}

/// The first eight bytes of a spelling as one number (zero-padded; no spelling holds a NUL).
fn leading_bytes(s: &str) -> u64 {
    let mut eight = [0u8; 8];
    let n = s.len().min(8);
    eight[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(eight)
}

/// The unit spelt exactly `i`, if the tables have it: its length and what it is. Every value's
/// unit is looked up here; comparing numbers first instead of strings (a binary search calling
/// `memcmp` at every step) took a third off the cost of reading a cell's unit.
pub(in crate::value) fn exact_unit(i: &str) -> Option<(usize, UnitKind)> {
    let keyed = exact_units();
    let key = leading_bytes(i);
    let from = keyed.partition_point(|&(k, _, _)| k < key);
    keyed
        .get(from..)?
        .iter()
        .take_while(|&&(k, _, _)| k == key)
        .find(|&&(_, s, _)| s == i)
        .map(|&(_, s, kind)| (s.len(), kind))
}

/// The unit at the start of `i`: a spelling from the tables (the longest), else an opaque
/// counting unit; a backtrack error if there is none.
pub(super) fn unit(i: &str) -> PResult<'_, UnitSpec> {
    // Nearly every unit is written on its own, exactly as the tables spell it (`万元`, `%`, `次`):
    // a match of the whole rest is the longest match there can be.
    let best = exact_unit(i).or_else(|| longest_unit(i));
    let Some((len, kind)) = best.or_else(|| opaque_unit(i)) else {
        return backtrack(PError::new(
            i,
            first_char_len(i),
            "未知单位 (unknown unit)",
            EXPECTED_UNIT,
        ));
    };
    let Some((_, rest)) = i.split_at_checked(len) else {
        return backtrack(PError::from_error_kind(i, ErrorKind::Tag));
    };
    Ok((rest, unit_spec(kind)))
}

/// Any other unit a form prints (`厘米`, `枚`, `人/次`, `斤`): the run of letters at the start of
/// `i`, taken as a counting unit compared only with itself. `万`/`亿` alone stay incomplete.
fn opaque_unit(i: &str) -> Option<(usize, UnitKind)> {
    let run = i.len() - i.trim_start_matches(is_unitish).len();
    let word = i.get(..run)?;
    // Words of comparison (`以上`, `不低于`) are not units: the grammar says what to write.
    let comparison = crate::value::tables::RANGE_WORDS
        .iter()
        .chain(crate::value::tables::COMPARATOR_WORDS)
        .any(|(w, _)| word.contains(w));
    if run == 0 || comparison || matches!(word, "万" | "亿" | "左右" | "约") {
        return None;
    }
    let base = crate::value::units::intern(word)?;
    Some((
        run,
        UnitKind::Count {
            prefix: "",
            multiplier: 1,
            base,
        },
    ))
}

/// The longest known unit at the start of `i`, comparing folded chars: `%` first, then the
/// money and count spellings, then a magnitude prefix and a count unit (`万本`); of two matches
/// of one length, the first.
pub(in crate::value) fn longest_unit(i: &str) -> Option<(usize, UnitKind)> {
    let mut best: Option<(usize, UnitKind)> = None;
    let mut consider = |len: Option<usize>, kind: UnitKind| {
        if let Some(len) = len
            && best.is_none_or(|(best_len, _)| len > best_len)
        {
            best = Some((len, kind));
        }
    };
    // Every value has a unit to look up among a hundred spellings: only those that start with
    // the right character are compared.
    let index = unit_index();
    let candidates = |c: Option<char>| index.starting_with(c);
    let first = i.chars().next().map(fold);
    consider(folded_prefix(i, "%"), UnitKind::Percent);
    for candidate in candidates(first) {
        if let Some((spelling, kind)) = candidate.direct() {
            consider(folded_prefix(i, spelling), kind);
        }
    }
    for candidate in candidates(first) {
        let IndexedUnit::Magnitude(prefix, multiplier) = *candidate else {
            continue;
        };
        let Some(p) = folded_prefix(i, prefix) else {
            continue;
        };
        let Some(rest) = i.get(p..) else {
            continue;
        };
        let rest_first = rest.chars().next().map(fold);
        let bases = candidates(rest_first).iter().filter_map(|c| match *c {
            IndexedUnit::Count(base) => Some(base),
            _ => None,
        });
        for base in bases {
            consider(
                folded_prefix(rest, base).map(|n| p + n),
                UnitKind::Count {
                    prefix,
                    multiplier,
                    base,
                },
            );
        }
    }
    best
}

fn unit_spec(kind: UnitKind) -> UnitSpec {
    match kind {
        UnitKind::Percent => UnitSpec {
            unit: Unit::Percent,
            multiplier: Decimal::new(1, 2),
            written: Cow::Borrowed("%"),
        },
        UnitKind::Money(multiplier) => UnitSpec {
            unit: Unit::Money,
            multiplier: Decimal::from(multiplier),
            written: MONEY_UNITS
                .iter()
                .find(|(_, m)| *m == multiplier)
                .map_or(Cow::Borrowed("元"), |(s, _)| Cow::Borrowed(s)),
        },
        UnitKind::Count {
            prefix,
            multiplier,
            base,
        } => UnitSpec {
            unit: Unit::Count(base),
            multiplier: Decimal::from(multiplier),
            written: if prefix.is_empty() {
                Cow::Borrowed(base)
            } else {
                Cow::Owned(format!("{prefix}{base}"))
            },
        },
    }
}
