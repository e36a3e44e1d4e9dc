//! The target/actual value grammar: never a panic, errors always on char boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let check = |e: jixiao::value::ValueError| {
        assert!(e.offset <= text.len() && text.is_char_boundary(e.offset), "{e:?}");
        assert!(e.offset + e.len <= text.len() && text.is_char_boundary(e.offset + e.len), "{e:?}");
    };
    let target = jixiao::value::parse_target(text).map_err(check).ok();
    let actual = jixiao::value::parse_actual(text).map_err(check).ok();
    let _ = jixiao::value::parse_decimal(text).map_err(check);
    let _ = jixiao::value::parse_percent(text).map_err(check);
    if let (Some(jixiao::value::Target::Quantitative { comparator, quantity }), Some(jixiao::value::Actual::Quantity(a))) = (target, actual) {
        if let Ok((t, a)) = jixiao::value::align(&quantity, &a) {
            if let Some(c) = comparator {
                let _ = c.holds(a, t);
            }
        }
    }
});
