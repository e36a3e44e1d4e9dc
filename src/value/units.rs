//! Units beyond the built-in table: interned so that a quantity stays cheap to copy, and unit
//! families (length, mass, area, time) that convert into each other.

use rust_decimal::Decimal;
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// How many distinct units outside the table one process keeps: a form has a few dozen; a
/// hostile batch cannot make the set grow without bound (past it, the unit is unknown).
const MAX_INTERNED: usize = 4096;

/// The longest unit spelling kept.
const MAX_UNIT_CHARS: usize = 12;

/// The `'static` spelling of a unit outside the table, or `None` past the limits.
pub(super) fn intern(unit: &str) -> Option<&'static str> {
    if unit.chars().count() > MAX_UNIT_CHARS {
        return None;
    }
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN.get_or_init(Default::default).lock().ok()?;
    if let Some(known) = seen.get(unit) {
        return Some(known);
    }
    if seen.len() >= MAX_INTERNED {
        return None;
    }
    // Leaked on purpose, bounded by MAX_INTERNED × MAX_UNIT_CHARS: units live for the process.
    let leaked: &'static str = Box::leak(unit.to_string().into_boxed_str());
    seen.insert(leaked);
    Some(leaked)
}

/// Units that convert into each other: (spelling, family, numerator, denominator) of the
/// family's base unit. 亩 is 10000/15 square metres exactly; a month is taken as 30 days and a
/// year as 365 (said in the docs).
const FAMILIES: &[(&str, &str, i64, i64)] = &[
    ("毫米", "length", 1, 1000),
    ("厘米", "length", 1, 100),
    ("米", "length", 1, 1),
    ("千米", "length", 1000, 1),
    ("公里", "length", 1000, 1),
    ("克", "mass", 1, 1000),
    ("千克", "mass", 1, 1),
    ("公斤", "mass", 1, 1),
    ("斤", "mass", 1, 2),
    ("吨", "mass", 1000, 1),
    ("平方米", "area", 1, 1),
    ("亩", "area", 10000, 15),
    ("公顷", "area", 10000, 1),
    ("平方公里", "area", 1_000_000, 1),
    ("平方千米", "area", 1_000_000, 1),
    ("分钟", "time", 1, 60),
    ("小时", "time", 1, 1),
    ("个小时", "time", 1, 1),
    ("天", "time", 24, 1),
    ("日", "time", 24, 1),
    ("周", "time", 168, 1),
    ("个月", "time", 720, 1),
    ("月", "time", 720, 1),
    ("年", "time", 8760, 1),
];

/// `value` written in `unit`, in its family's base unit, with the family's name.
pub(super) fn to_family_base(unit: &str, value: Decimal) -> Option<(&'static str, Decimal)> {
    let (_, family, numerator, denominator) = FAMILIES.iter().find(|(u, ..)| *u == unit)?;
    let converted = value
        .checked_mul(Decimal::from(*numerator))?
        .checked_div(Decimal::from(*denominator))?;
    Some((family, converted))
}
