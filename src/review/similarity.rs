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
    normalized(text).collect()
}

fn normalized(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .map(fold)
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

/// A bigram as one number, ordered as the pair of characters is.
fn bigram(a: char, b: char) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// The bigrams of a normalized text, sorted: a multiset that two texts can be merged against
/// without hashing. A text of one character is one bigram with `\0`; an empty text has none.
fn bigrams(text: &str) -> Vec<u64> {
    let mut chars = normalized(text);
    let mut grams = Vec::with_capacity(text.len() / 3 + 1);
    let Some(mut previous) = chars.next() else {
        return grams;
    };
    for c in chars {
        grams.push(bigram(previous, c));
        previous = c;
    }
    if grams.is_empty() {
        grams.push(bigram(previous, '\0'));
    }
    grams.sort_unstable();
    grams
}

/// How many bigrams two sorted multisets share.
fn shared(x: &[u64], y: &[u64]) -> usize {
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
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return None;
    }
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
