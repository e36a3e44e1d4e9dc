//! Arbitrary text never panics, and the fast paths read exactly what the general grammar reads.

use super::*;

/// A small deterministic generator (xorshift64*), so the fuzz loop needs no extra dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn check_never_panics(text: &str) {
    for result in [
        parse_target(text).map(|_| ()),
        parse_actual(text).map(|_| ()),
        parse_decimal(text).map(|_| ()),
        parse_percent(text).map(|_| ()),
    ] {
        if let Err(e) = result {
            check_error_shape(text, &e);
        }
    }
    let _ = Comparator::parse_symbol(text);
    if let (Ok(Target::Quantitative { quantity: t, .. }), Ok(Actual::Quantity(a))) =
        (parse_target(text), parse_actual(text))
    {
        let _ = align(&t, &a);
    }
}

#[test]
fn never_panics_on_arbitrary_text() {
    const PIECES: &[&str] = &[
        "≥",
        "≧",
        ">=",
        "＞=",
        "⩾",
        ">",
        "＞",
        "≤",
        "<=",
        "<",
        "=",
        "＝",
        "═",
        "==",
        "》",
        "0",
        "1",
        "5",
        "9",
        "95",
        "０",
        "５",
        "９",
        ".",
        "．",
        "。",
        ",",
        "，",
        "、",
        "-",
        "－",
        "+",
        "−",
        "%",
        "％",
        "元",
        "万",
        "亿",
        "千",
        "万元",
        "亿元",
        "个",
        "人次",
        "工作日",
        "元/人",
        "/",
        "／",
        "—",
        "无",
        "N/A",
        "明显",
        "提升",
        "以上",
        " ",
        "\u{3000}",
        "\u{a0}",
        "\u{200b}",
        "e",
        "E",
        "abc",
        "斤",
        "\u{0}",
        "\u{10FFFF}",
        "é",
        "🙂",
        "\u{301}",
        "999999999999999",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..30_000 {
        let mut text = String::new();
        for _ in 0..rng.below(10) {
            if rng.below(5) == 0 {
                // Any Unicode scalar value.
                let c = loop {
                    if let Some(c) = char::from_u32((rng.next() % 0x11_0000) as u32) {
                        break c;
                    }
                };
                text.push(c);
            } else {
                text.push_str(PIECES[rng.below(PIECES.len())]);
            }
        }
        check_never_panics(&text);
    }
    // Exhaustively: every string of up to two pieces.
    for a in PIECES {
        check_never_panics(a);
        for b in PIECES {
            check_never_panics(&format!("{a}{b}"));
        }
    }
}

/// The fast paths give exactly what the general ones give: every unit spelling looked up whole
/// is the unit the longest-match search finds, and ASCII numbers read the same either way.
#[test]
fn fast_paths_agree_with_the_general_parsers() {
    use crate::value::parse::{ascii_decimal, exact_unit, exact_units, longest_unit, to_decimal};
    for &(_, spelling, kind) in exact_units() {
        assert_eq!(
            longest_unit(spelling),
            Some((spelling.len(), kind)),
            "{spelling}"
        );
        assert_eq!(
            exact_unit(spelling),
            Some((spelling.len(), kind)),
            "{spelling}"
        );
        // Not a spelling of the tables, though it shares their first eight bytes or all but the
        // last: looked up whole, there is no such unit.
        for other in [
            format!("{spelling}x"),
            format!("{spelling}米"),
            format!("x{spelling}"),
        ] {
            let listed = exact_units().iter().find(|(_, s, _)| *s == other);
            assert_eq!(
                exact_unit(&other),
                listed.map(|&(_, s, kind)| (s.len(), kind)),
                "{other}"
            );
        }
        if let Some(shorter) = spelling.get(..spelling.len() - 1) {
            let listed = exact_units().iter().find(|(_, s, _)| *s == shorter);
            assert_eq!(
                exact_unit(shorter),
                listed.map(|&(_, s, kind)| (s.len(), kind))
            );
        }
    }
    // Digits of every length up to 20, with the point at every place, from a fixed sequence.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for len in 1..=20usize {
        for point in 0..=len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits: String = (0..len)
                .map(|k| char::from(b'0' + ((seed >> (k % 60)) % 10) as u8))
                .collect();
            let text = if point == 0 || point == len {
                digits
            } else {
                format!("{}.{}", &digits[..point], &digits[point..])
            };
            for cell in [text.clone(), format!("{text}%")] {
                if let Some(fast) = crate::value::parse::whole_ascii_percent(&cell, None) {
                    let (_, slow) = crate::value::parse::percent_cell_any(&cell).unwrap();
                    assert_eq!((fast, fast.scale()), (slow, slow.scale()), "{cell}");
                }
                let capped = crate::value::parse::PERCENT_CAP;
                match crate::value::parse::whole_ascii_percent(&cell, Some(capped)) {
                    Some(fast) => {
                        let (_, slow) = crate::value::parse::percent_cell(&cell).unwrap();
                        assert_eq!((fast, fast.scale()), (slow, slow.scale()), "{cell}");
                    }
                    None => assert!(
                        crate::value::parse::percent_cell(&cell).is_err()
                            || crate::value::parse::whole_ascii_percent(&cell, None).is_none(),
                        "{cell}: declined below the cap"
                    ),
                }
            }
            if let Some(fast) = crate::value::parse::whole_ascii_number(&text) {
                let (_, slow) = crate::value::parse::plain_decimal(&text).unwrap();
                assert_eq!((fast, fast.scale()), (slow, slow.scale()), "{text}");
            }
            let fast = ascii_decimal(&text);
            if len <= 18 {
                assert!(fast.is_some(), "{text}");
            }
            if let Some(fast) = fast {
                let slow = to_decimal(&text).unwrap();
                assert_eq!(fast, slow, "{text}");
                assert_eq!(fast.scale(), slow.scale(), "{text}");
            }
        }
    }
}

/// Cells the common-case readers accept read exactly as the full grammar reads them; and what
/// they decline, the full grammar still decides (the corpus mixes good and bad cells).
#[test]
fn common_targets_and_actuals_read_as_the_full_grammar_reads_them() {
    use crate::value::parse::{actual_quantity, common_actual, common_target, target_quantitative};
    let prefixes = [
        "", ">=", "<=", "==", "≥", "≤", ">", "<", "=", "≧", "＞=", " ≥", "≥ ", "=>", "<>",
    ];
    let numbers = [
        "0",
        "5",
        "95",
        "0.5",
        "100.00",
        "1,000",
        "１２",
        "-3",
        "+3",
        "1e3",
        "5.",
        "12.5.1",
        "99999999999999999999999999999",
    ];
    let units = [
        "", "%", "％", "万元", "元", "亿元", "次", "人次", "万本", "个", "天", " %", "% ", "万",
        "kg", "元/人", "%%", "-90%", "~90%",
    ];
    let mut accepted = 0;
    for p in prefixes {
        for n in numbers {
            for u in units {
                let text = format!("{p}{n}{u}");
                if let Some((comparator, quantity)) = common_target(&text) {
                    accepted += 1;
                    let (rest, general) = target_quantitative(&text)
                        .unwrap_or_else(|e| panic!("{text:?}: the full grammar refuses it: {e:?}"));
                    assert_eq!(rest, "", "{text:?}");
                    assert_eq!((comparator, &quantity), (general.0, &general.1), "{text:?}");
                    assert_eq!(quantity.value.scale(), general.1.value.scale(), "{text:?}");
                }
                if let Some(quantity) = common_actual(&text) {
                    let (rest, general) = actual_quantity(&text)
                        .unwrap_or_else(|e| panic!("{text:?}: the full grammar refuses it: {e:?}"));
                    assert_eq!(rest, "", "{text:?}");
                    assert_eq!(quantity, general, "{text:?}");
                }
            }
        }
    }
    assert!(accepted > 500, "the common path took only {accepted} cells");
}
