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
use std::collections::HashMap;

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

fn bigrams(chars: &[char]) -> HashMap<(char, char), usize> {
    let mut counts = HashMap::new();
    if chars.len() == 1 {
        if let Some(&c) = chars.first() {
            counts.insert((c, '\0'), 1);
        }
        return counts;
    }
    for pair in chars.windows(2) {
        if let [a, b] = pair {
            *counts.entry((*a, *b)).or_insert(0) += 1;
        }
    }
    counts
}

/// The similarity of two texts, a fraction between 0 and 1 (exact). `None` when either text has
/// no characters left after normalization: there is nothing to compare.
pub fn similarity(a: &str, b: &str) -> Option<Decimal> {
    let (a, b) = (normalize(a), normalize(b));
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (x, y) = (bigrams(&a), bigrams(&b));
    let shared: usize = x
        .iter()
        .map(|(gram, n)| (*n).min(y.get(gram).copied().unwrap_or(0)))
        .sum();
    let total: usize = x.values().sum::<usize>() + y.values().sum::<usize>();
    let shared = Decimal::from(shared.checked_mul(2)?);
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
