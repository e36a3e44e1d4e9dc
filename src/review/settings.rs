//! The `review` settings: each key, its default, its range and what it tunes, in one table
//! ([`SETTINGS`]) that the rules language's `review { … }` block, `--list-checks` and the docs
//! read.

use crate::num::percent_text;
use crate::rules::ruleset::ReviewSettings;
use rust_decimal::Decimal;
use serde::Serialize;

/// How a `review` setting is written and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SettingKind {
    /// Points or percentage points as a plain number (`tolerance 0.01`).
    Number,
    /// A share or ratio, written as a percentage (`similarity 90%`).
    Percent,
    /// A whole number of things (`unit-forms 3`).
    Count,
}

/// A threshold of the `review` block: its key, its range, what it means, and where
/// [`ReviewSettings`] keeps it (the defaults are `ReviewSettings::default()`). The rules checker
/// reads keys and ranges from [`SETTINGS`]; checks name theirs in the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub key: &'static str,
    pub kind: SettingKind,
    pub min: Decimal,
    pub max: Option<Decimal>,
    pub meaning: &'static str,
    get: fn(&ReviewSettings) -> Decimal,
    set: fn(&mut ReviewSettings, Decimal),
}

impl PartialEq for Setting {
    fn eq(&self, other: &Setting) -> bool {
        self.key == other.key
    }
}

impl Setting {
    pub fn value(&self, settings: &ReviewSettings) -> Decimal {
        (self.get)(settings)
    }

    pub fn default_value(&self) -> Decimal {
        (self.get)(&ReviewSettings::default())
    }

    /// Set it, once the value is known to be in range.
    pub fn set(&self, settings: &mut ReviewSettings, value: Decimal) {
        (self.set)(settings, value)
    }

    /// `None` when `value` is allowed, else why not (Chinese with an English gloss).
    pub fn out_of_range(&self, value: Decimal) -> Option<String> {
        let below = value < self.min;
        let above = self.max.is_some_and(|max| value > max);
        let fractional = self.kind == SettingKind::Count && value.fract() != Decimal::ZERO;
        if !(below || above || fractional) {
            return None;
        }
        Some(format!(
            "{} 应为 {} (`{}` must be {})",
            self.key,
            self.range_text(),
            self.key,
            self.range_text()
        ))
    }

    /// `0–100%`, `at least 2 (a whole number)`, `at least 0`.
    pub fn range_text(&self) -> String {
        let whole = if self.kind == SettingKind::Count {
            " (a whole number)"
        } else {
            ""
        };
        match self.max {
            Some(max) => format!(
                "{}–{}{whole}",
                self.value_text(self.min),
                self.value_text(max)
            ),
            None => format!("≥ {}{whole}", self.value_text(self.min)),
        }
    }

    /// `similarity 90%`, `tolerance 0.01`.
    pub fn describe(&self, settings: &ReviewSettings) -> String {
        format!("{} {}", self.key, self.value_text(self.value(settings)))
    }

    /// The value as the rules would write it: shares and ratios as percentages.
    pub fn value_text(&self, value: Decimal) -> String {
        match self.kind {
            SettingKind::Percent => percent_text(value.normalize()),
            SettingKind::Number | SettingKind::Count => value.normalize().to_string(),
        }
    }
}

/// The `review` settings, one constant each; [`SETTINGS`] lists them in the docs' order.
pub mod setting {
    use super::{Setting, SettingKind};
    use rust_decimal::Decimal;

    const ZERO: Decimal = Decimal::ZERO;
    const ONE: Decimal = Decimal::ONE;

    macro_rules! setting {
        ($name:ident, $key:literal, $kind:ident, $min:expr, $max:expr, $field:ident, $meaning:literal) => {
            pub const $name: Setting = Setting {
                key: $key,
                kind: SettingKind::$kind,
                min: $min,
                max: $max,
                meaning: $meaning,
                get: |s| s.$field,
                set: |s, v| s.$field = v,
            };
        };
    }

    setting!(
        TOLERANCE,
        "tolerance",
        Number,
        ZERO,
        None,
        tolerance,
        "尾差: how far a claimed figure may be from the computed one (scores and totals in points, amounts in 万元; a claimed rate or deviation is compared at the precision it is printed with instead)"
    );
    setting!(
        LOW_EXECUTION,
        "low-execution",
        Percent,
        ZERO,
        Some(ONE),
        low_execution,
        "an execution rate below this, with every output indicator at full marks, is flagged"
    );
    setting!(
        SIMILARITY,
        "similarity",
        Percent,
        ZERO,
        Some(ONE),
        similarity,
        "achieved text at least this similar to the expected text is flagged"
    );
    setting!(
        OVER_ACHIEVEMENT,
        "over-achievement",
        Percent,
        ONE,
        None,
        over_achievement,
        "an actual at or above this multiple of a `≥`/`>` target, with no 偏差原因, is flagged"
    );
    setting!(
        COPIED_ACTUALS,
        "copied-actuals",
        Percent,
        ZERO,
        Some(ONE),
        copied_actuals,
        "a form on which at least this share of the comparable actuals repeat their targets is flagged"
    );
    setting!(
        DERIVED_GAP,
        "derived-gap",
        Percent,
        ZERO,
        Some(ONE),
        derived_gap,
        "a derived indicator more than this many percentage points from the header's figure is flagged"
    );
    setting!(
        UNDER_SPENDING,
        "under-spending",
        Percent,
        ZERO,
        Some(ONE),
        under_spending,
        "an execution rate below this with no 偏差原因 for it is flagged (四川: 预算执行率未达到90%的需说明原因)"
    );
    setting!(
        UNIT_FORMS,
        "unit-forms",
        Count,
        Decimal::TWO,
        None,
        unit_forms,
        "a unit needs at least this many forms in the run before all of them at full marks is flagged"
    );
    setting!(
        COPIED_ROW_CHARS,
        "copied-row-chars",
        Count,
        ONE,
        None,
        copied_row_chars,
        "an indicator row repeated in another unit's form is flagged when its name, target and actual hold at least this many letters besides digits, units and punctuation (shorter rows such as `服务对象满意度 ≥90% 95%` are common to every unit)"
    );
    setting!(
        UNIT_INFLATION,
        "unit-inflation",
        Number,
        ZERO,
        None,
        unit_inflation,
        "a unit whose claimed totals exceed the recomputed ones by more than this many points, summed over its forms, is flagged"
    );
}

/// Every `review` setting, in the order the docs list them.
pub const SETTINGS: &[Setting] = &[
    setting::TOLERANCE,
    setting::LOW_EXECUTION,
    setting::SIMILARITY,
    setting::OVER_ACHIEVEMENT,
    setting::COPIED_ACTUALS,
    setting::DERIVED_GAP,
    setting::UNDER_SPENDING,
    setting::UNIT_FORMS,
    setting::COPIED_ROW_CHARS,
    setting::UNIT_INFLATION,
];

/// The setting with this key.
pub fn setting_named(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.key == key)
}
