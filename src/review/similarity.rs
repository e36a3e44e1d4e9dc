//! How alike two texts are: the Sørensen–Dice coefficient of their character bigrams.
//!
//! Both texts are normalized first: whitespace and punctuation (ASCII, CJK and full-width) are
//! removed, full-width letters and digits are folded to ASCII, ASCII letters lower-cased. Then
//! `2 × |shared bigrams| / (|bigrams of a| + |bigrams of b|)`, counting bigrams as a multiset.
//! Bigrams suit Chinese, where one character is a morpheme and two are usually a word: dropping
//! `2023年，力争` from the front of a long sentence changes a handful of bigrams, rewording it
//! changes most of them.

use crate::num;
use rust_decimal::Decimal;

/// The text the measure compares.
pub fn normalize(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .map(fold)
        .collect()
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x2000..=0x206F   // general punctuation: “ ” ‘ ’ … — ·
            | 0x3000..=0x303F // CJK symbols and punctuation: 、。「」《》【】
            | 0xFE30..=0xFE4F // CJK compatibility forms
            | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || c == '·'
}

fn fold(c: char) -> char {
    let folded = match c as u32 {
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    };
    folded.to_ascii_lowercase()
}

/// The bigrams of a text, sorted: a multiset that two texts can be merged against without hashing.
fn bigrams(chars: &[char]) -> Vec<(char, char)> {
    let mut grams: Vec<(char, char)> = match chars {
        [c] => vec![(*c, '\0')],
        _ => chars
            .windows(2)
            .filter_map(|w| match w {
                [a, b] => Some((*a, *b)),
                _ => None,
            })
            .collect(),
    };
    grams.sort_unstable();
    grams
}

/// How many bigrams two sorted multisets share.
fn shared(x: &[(char, char)], y: &[(char, char)]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while let (Some(a), Some(b)) = (x.get(i), y.get(j)) {
        match a.cmp(b) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The similarity of two texts, a fraction between 0 and 1 (exact). `None` when either text has
/// no characters left after normalization: there is nothing to compare.
pub fn similarity(a: &str, b: &str) -> Option<Decimal> {
    let (a, b) = (normalize(a), normalize(b));
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (x, y) = (bigrams(&a), bigrams(&b));
    let total = x.len() + y.len();
    let shared = Decimal::from(shared(&x, &y).checked_mul(2)?);
    num::div(shared, Decimal::from(total)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn identical_texts_are_fully_similar_whatever_the_punctuation() {
        assert_eq!(
            similarity("完成年度目标。", "完成 年度目标"),
            Some(Decimal::ONE)
        );
        assert_eq!(similarity("ＡＢＣ１２３", "abc123"), Some(Decimal::ONE));
    }

    #[test]
    fn disjoint_texts_are_not_similar() {
        assert_eq!(
            similarity("完成年度目标", "采购办公设备"),
            Some(Decimal::ZERO)
        );
    }

    #[test]
    fn the_measure_is_dice_over_bigram_multisets() {
        // 甲乙丙丁: 甲乙 乙丙 丙丁; 甲乙丙戊: 甲乙 乙丙 丙戊 → 2 × 2 / 6
        assert_eq!(
            similarity("甲乙丙丁", "甲乙丙戊").unwrap().round_dp(4),
            d("0.6667")
        );
        // repeated bigrams count as often as they occur in both
        assert_eq!(
            similarity("啊啊啊", "啊啊").unwrap().round_dp(4),
            d("0.6667")
        );
    }

    #[test]
    fn empty_texts_are_not_compared() {
        assert_eq!(similarity("", "完成"), None);
        assert_eq!(similarity("。，", "完成"), None);
    }

    #[test]
    fn dropping_a_short_prefix_keeps_a_long_text_similar() {
        let expected = "2023年，力争政务服务改革和数字政府建设整体工作走在全省前列，进入全国先进";
        let achieved = "政务服务改革和数字政府建设整体工作走在全省前列，进入全国先进";
        let s = similarity(expected, achieved).unwrap();
        assert!(s > d("0.85"), "{s}");
    }
}
