//! Units: the money and count tables, aligning a target's unit with an actual's, and the
//! consistency of the vocabulary tables.

use super::*;

#[test]
fn money_units() {
    let table: &[(&str, &str, &str, &str)] = &[
        ("5元", "5", "1", "元"),
        ("5千元", "5000", "1000", "千元"),
        ("5万元", "50000", "10000", "万元"),
        ("≤10万元", "100000", "10000", "万元"),
        ("0.5亿元", "50000000", "100000000", "亿元"),
        ("2百万元", "2000000", "1000000", "百万元"),
        ("2千万元", "20000000", "10000000", "千万元"),
        ("6.11元", "6.11", "1", "元"),
        ("1,200.5万元", "12005000", "10000", "万元"),
        ("10 万元", "100000", "10000", "万元"),
    ];
    for (text, value, multiplier, written) in table {
        let (_, quantity) = quantitative(text);
        assert_eq!(
            quantity,
            q(value, Unit::Money, multiplier, written),
            "{text}"
        );
    }
    // 万 alone is not money, and 万 元 with a space is not 万元.
    for text in ["10万", "10万 元"] {
        let e = parse_target(text).unwrap_err();
        assert_eq!((e.offset, e.len), (2, 3), "{text}: {e:?}");
        assert!(e.message.contains("单位不完整"), "{e:?}");
    }
}

#[test]
fn count_units() {
    let table: &[(&str, &str, &str, &str, &str)] = &[
        ("20人次", "20", "人次", "1", "人次"),
        ("20人", "20", "人", "1", "人"),
        ("5个工作日", "5", "个工作日", "1", "个工作日"),
        ("5工作日", "5", "工作日", "1", "工作日"),
        ("5个", "5", "个", "1", "个"),
        ("3个月", "3", "个月", "1", "个月"),
        ("200万本", "2000000", "本", "10000", "万本"),
        ("1.5万人次", "15000", "人次", "10000", "万人次"),
        ("2亿人次", "200000000", "人次", "100000000", "亿人次"),
        ("300元/人", "300", "元/人", "1", "元/人"),
        ("300元／人", "300", "元/人", "1", "元/人"),
        ("1.2万元/人", "12000", "元/人", "10000", "万元/人"),
        ("50平方米", "50", "平方米", "1", "平方米"),
        ("50米", "50", "米", "1", "米"),
        ("3千米", "3", "千米", "1", "千米"),
        ("30分钟", "30", "分钟", "1", "分钟"),
        ("90分", "90", "分", "1", "分"),
        ("2个百分点", "2", "个百分点", "1", "个百分点"),
        ("1季度", "1", "季度", "1", "季度"),
    ];
    for (text, value, unit, multiplier, written) in table {
        let (_, quantity) = quantitative(text);
        assert_eq!(
            quantity,
            q(value, count(unit), multiplier, written),
            "{text}"
        );
        assert_eq!(actual_quantity(text), quantity, "{text} as an actual");
    }
}

#[test]
fn align_units() {
    let target = |t: &str| quantitative(t).1;
    // Same unit.
    assert_eq!(
        align(&target("≥95%"), &actual_quantity("96%")),
        Ok((d("0.95"), d("0.96")))
    );
    assert_eq!(
        align(&target("≤10万元"), &actual_quantity("80000元")),
        Ok((d("100000"), d("80000")))
    );
    assert_eq!(
        align(&target("≥150个"), &actual_quantity("160个")),
        Ok((d("150"), d("160")))
    );
    assert_eq!(
        align(&target("≥200万本"), &actual_quantity("2100000本")),
        Ok((d("2000000"), d("2100000")))
    );
    assert_eq!(
        align(&target("100"), &actual_quantity("82")),
        Ok((d("100"), d("82")))
    );
    // Bare against percent, either way round.
    assert_eq!(
        align(&target("95"), &actual_quantity("96%")),
        Ok((d("0.95"), d("0.96")))
    );
    assert_eq!(
        align(&target("≥95%"), &actual_quantity("96")),
        Ok((d("0.95"), d("0.96")))
    );
    // Bare against money: read in the written unit.
    assert_eq!(
        align(&target("12"), &actual_quantity("12万元")),
        Ok((d("120000"), d("120000")))
    );
    assert_eq!(
        align(&target("≤12万元"), &actual_quantity("12")),
        Ok((d("120000"), d("120000")))
    );
    // Bare against a prefixed count.
    assert_eq!(
        align(&target("≥200万本"), &actual_quantity("210")),
        Ok((d("2000000"), d("2100000")))
    );
    // Overflowing conversion: compared in the written unit instead.
    assert_eq!(
        align(
            &target("9999999999999999999999999999"),
            &actual_quantity("2亿元")
        ),
        Ok((d("9999999999999999999999999999"), d("2")))
    );
    // Mismatches.
    assert_eq!(
        align(&target("≥150个"), &actual_quantity("160次")),
        Err(UnitMismatch {
            target_unit: "个".into(),
            actual_unit: "次".into()
        })
    );
    assert_eq!(
        align(&target("≥95%"), &actual_quantity("10元")),
        Err(UnitMismatch {
            target_unit: "%".into(),
            actual_unit: "元".into()
        })
    );
    assert_eq!(
        align(&target("≤10万元"), &actual_quantity("10%")),
        Err(UnitMismatch {
            target_unit: "万元".into(),
            actual_unit: "%".into()
        })
    );
    let e = align(&target("≥20人"), &actual_quantity("20人次")).unwrap_err();
    assert!(e.to_string().contains("人次"));
}

#[test]
fn tables_are_consistent() {
    let mut seen = HashSet::new();
    for unit in COUNT_UNITS {
        assert!(seen.insert(*unit), "duplicate count unit {unit}");
        assert!(!unit.is_empty());
    }
    for (unit, _) in MONEY_UNITS {
        assert!(seen.insert(*unit), "duplicate unit {unit}");
    }
    let mut seen = HashSet::new();
    for word in VOCABULARY {
        assert!(seen.insert(*word), "duplicate word {word}");
        assert!(!word.chars().any(|c| c.is_ascii_digit()));
    }
    for na in NOT_APPLICABLE {
        assert_eq!(parse_target(na), Ok(Target::NotApplicable));
    }
    // Every unit parses after a number, as itself.
    for unit in COUNT_UNITS {
        let quantity = actual_quantity(&format!("3{unit}"));
        assert_eq!(quantity.unit, count(unit), "{unit}");
        assert_eq!(quantity.written_unit, *unit);
    }
}
