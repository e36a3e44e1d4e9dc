//! The expression language: an arbitrary expression as the execution formula and as an indicator
//! rule of an otherwise valid ruleset, checked and evaluated on a real form.
#![no_main]

use libfuzzer_sys::fuzz_target;

const HEAD: &str = "ruleset fuzz {\n  title \"fuzz\"\n  version 1\n  years 2023\n}\nformula fuzzed = ";
const TAIL: &str = "\nindicator 数量指标 {\n  score -> fuzzed\n}\nform 项目 {\n  execution 10 over 全年预算数 -> min(weight, max(0, fuzzed))\n  indicators {\n    成本指标 10\n    产出指标 30\n    效益指标 25\n    满意度指标 5\n  }\n  section 资金管理情况 20 { 安排科学性 5 拨付合规性 5 使用规范性 5 预算绩效管理情况 5 }\n}\n";

fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else { return };
    if expr.contains('\n') {
        return;
    }
    let text = format!("{HEAD}{expr}{TAIL}");
    let Ok(ruleset) = jixiao::rules::load_str("fuzz.rules", &text) else { return };
    let form_text = include_str!("../../tests/fixtures/valid-minimal.toml");
    let Ok(form) = jixiao::form::load_str("minimal.toml", form_text) else { return };
    if let Ok(sheet) = jixiao::score::score(&ruleset, &form, jixiao::rules::registry::Selection::Override, jixiao::score::ScoreOptions { trace: true }) {
        for row in &sheet.indicators {
            assert!(row.score >= rust_decimal::Decimal::ZERO && row.score <= row.weight, "score outside [0, weight]");
        }
        let _ = jixiao::render::table::render(&sheet, true);
    }
});
