//! The rules language: lexer, parser and checker on arbitrary text, then every shipped form
//! scored with whatever checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let tokens = jixiao::rules::lexer::lex(text);
    let joined: String = tokens.iter().map(|t| t.text).collect();
    assert_eq!(joined, text, "the lexer must be lossless");
    if let Ok(ruleset) = jixiao::rules::load_str("fuzz.rules", text) {
        let _ = jixiao::rules::examples::run_all(&ruleset);
        for form in jixiao_fuzz_forms() {
            if let Ok(sheet) = jixiao::score::score(&ruleset, &form, jixiao::rules::registry::Selection::Override, jixiao::score::ScoreOptions { trace: true }) {
                let _ = sheet.mismatches();
            }
        }
    }
});

fn jixiao_fuzz_forms() -> Vec<jixiao::form::Form> {
    const FORMS: &[(&str, &str)] = &[
        ("minimal.toml", include_str!("../../tests/fixtures/valid-minimal.toml")),
        ("department.toml", include_str!("../../evaluations/xuchang-2023/00-department.toml")),
    ];
    FORMS.iter().filter_map(|(n, t)| jixiao::form::load_str(n, t).ok()).collect()
}
