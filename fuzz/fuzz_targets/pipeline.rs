//! The whole pipeline: rule text and form text (split at the first NUL byte), checked, loaded,
//! scored and rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|b| *b == 0) else { return };
    let (Ok(rules), Ok(form)) = (std::str::from_utf8(&data[..split]), std::str::from_utf8(&data[split + 1..])) else { return };
    let Ok(ruleset) = jixiao::rules::load_str("fuzz.rules", rules) else { return };
    let Ok(form) = jixiao::form::load_str("fuzz.toml", form) else { return };
    if let Ok(sheet) = jixiao::score::score(&ruleset, &form, jixiao::rules::registry::Selection::Override, jixiao::score::ScoreOptions { trace: true }) {
        let _ = sheet.mismatches();
        let _ = jixiao::render::table::render(&sheet, true);
        let _ = jixiao::render::json::to_string(&jixiao::render::json::sheet(&sheet));
    }
});
