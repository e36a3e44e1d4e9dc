//! The form loader on arbitrary text, then scoring with the shipped rulesets and every renderer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn registry() -> &'static jixiao::rules::Registry {
    static REGISTRY: OnceLock<jixiao::rules::Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| jixiao::rules::Registry::builtin().unwrap_or_default())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(form) = jixiao::form::load_str("fuzz.toml", text) else { return };
    let wanted = form.ruleset.as_ref().map(|r| &r.value);
    let Ok((ruleset, selection)) = registry().resolve(wanted, form.year.value, form.kind.value) else { return };
    if let Ok(sheet) = jixiao::score::score(&ruleset, &form, selection, jixiao::score::ScoreOptions { trace: true }) {
        for row in &sheet.indicators {
            assert!(row.score >= rust_decimal::Decimal::ZERO && row.score <= row.weight, "score outside [0, weight]");
        }
        let _ = sheet.mismatches();
        let _ = jixiao::render::table::render(&sheet, true);
        let _ = jixiao::render::markdown::render(&sheet, true);
        let _ = jixiao::render::json::to_string(&jixiao::render::json::sheet(&sheet));
    }
});
