use std::collections::HashSet;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::value::tables::{COUNT_UNITS, MONEY_UNITS, NOT_APPLICABLE, VOCABULARY};
use crate::value::{
    Actual, Comparator, Quantity, Target, Unit, UnitMismatch, ValueError, align, parse_actual,
    parse_decimal, parse_percent, parse_target, qualitative_words,
};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn count(unit: &'static str) -> Unit {
    Unit::Count(unit)
}

fn quantitative(text: &str) -> (Option<Comparator>, Quantity) {
    match parse_target(text) {
        Ok(Target::Quantitative {
            comparator,
            quantity,
        }) => (comparator, quantity),
        other => panic!("{text:?}: expected a quantitative target, got {other:?}"),
    }
}

fn actual_quantity(text: &str) -> Quantity {
    match parse_actual(text) {
        Ok(Actual::Quantity(q)) => q,
        other => panic!("{text:?}: expected a quantity, got {other:?}"),
    }
}

fn q(value: &str, unit: Unit, multiplier: &str, written: &str) -> Quantity {
    Quantity {
        value: d(value),
        unit,
        multiplier: d(multiplier),
        written_unit: written.to_string().into(),
    }
}

fn check_error_shape(text: &str, e: &ValueError) {
    assert!(e.offset <= text.len(), "{text:?}: {e:?}");
    assert!(e.offset + e.len <= text.len(), "{text:?}: {e:?}");
    assert!(text.is_char_boundary(e.offset), "{text:?}: {e:?}");
    assert!(text.is_char_boundary(e.offset + e.len), "{text:?}: {e:?}");
    assert!(!e.message.is_empty() && !e.expected.is_empty(), "{e:?}");
    assert!(
        e.message.contains('('),
        "message needs an English gloss: {e:?}"
    );
    assert!(
        e.expected.contains('('),
        "expected needs an English gloss: {e:?}"
    );
}

#[test]
fn comparator_spellings() {
    use Comparator::*;
    let table: &[(&str, Comparator)] = &[
        ("≥", Ge),
        ("≧", Ge),
        (">=", Ge),
        ("＞=", Ge),
        ("＞＝", Ge),
        (">＝", Ge),
        ("⩾", Ge),
        (">", Gt),
        ("＞", Gt),
        ("≤", Le),
        ("≦", Le),
        ("<=", Le),
        ("＜=", Le),
        ("＜＝", Le),
        ("⩽", Le),
        ("<", Lt),
        ("＜", Lt),
        ("=", Eq),
        ("＝", Eq),
        ("═", Eq),
        ("==", Eq),
        ("＝＝", Eq),
    ];
    for &(spelling, cmp) in table {
        assert_eq!(Comparator::parse_symbol(spelling), Some(cmp), "{spelling}");
        assert_eq!(
            Comparator::parse_symbol(&format!(" {spelling}\u{3000}")),
            Some(cmp),
            "{spelling} with whitespace"
        );
        let (c, quantity) = quantitative(&format!("{spelling}95%"));
        assert_eq!(c, Some(cmp), "{spelling}95%");
        assert_eq!(quantity.value, d("0.95"));
        let (c, _) = quantitative(&format!("{spelling} 95 %"));
        assert_eq!(c, Some(cmp), "{spelling} 95 %");
    }
    for bad in ["", "≥=", "=>", "》", "≥ ≥", "大于", "≠", ">>"] {
        assert_eq!(Comparator::parse_symbol(bad), None, "{bad}");
    }
    for cmp in Comparator::ALL {
        assert_eq!(Comparator::parse_symbol(cmp.symbol()), Some(cmp));
        assert_eq!(cmp.to_string(), cmp.symbol());
    }
    assert_eq!(
        Comparator::ALL.map(Comparator::symbol),
        ["≥", ">", "≤", "<", "="]
    );
}

#[test]
fn full_width_targets() {
    let (c, quantity) = quantitative("≧９５％");
    assert_eq!(c, Some(Comparator::Ge));
    assert_eq!(quantity, q("0.95", Unit::Percent, "0.01", "%"));
    let (c, quantity) = quantitative("＝100％");
    assert_eq!(c, Some(Comparator::Eq));
    assert_eq!(quantity.value, d("1"));
    assert_eq!(quantity.written_unit, "%");
    let (c, quantity) = quantitative("═100%");
    assert_eq!(c, Some(Comparator::Eq));
    assert_eq!(quantity.value, d("1"));
    let (c, quantity) = quantitative("\u{3000}≤１，５６３．９５万元\u{a0}");
    assert_eq!(c, Some(Comparator::Le));
    assert_eq!(quantity.value, d("15639500"));
    assert_eq!(quantity.written_unit, "万元");
}

#[test]
fn reference_targets() {
    use Comparator::*;
    /// (text, comparator, value, unit, multiplier, written unit)
    type Row = (
        &'static str,
        Option<Comparator>,
        &'static str,
        Unit,
        &'static str,
        &'static str,
    );
    let table: &[Row] = &[
        ("≥90%", Some(Ge), "0.90", Unit::Percent, "0.01", "%"),
        ("≤15%", Some(Le), "0.15", Unit::Percent, "0.01", "%"),
        ("≤100%", Some(Le), "1", Unit::Percent, "0.01", "%"),
        ("100%", None, "1", Unit::Percent, "0.01", "%"),
        ("≥95%", Some(Ge), "0.95", Unit::Percent, "0.01", "%"),
        ("≤10万元", Some(Le), "100000", Unit::Money, "10000", "万元"),
        ("≤20次", Some(Le), "20", count("次"), "1", "次"),
        ("≤1批", Some(Le), "1", count("批"), "1", "批"),
        ("≥100%", Some(Ge), "1", Unit::Percent, "0.01", "%"),
        ("≤1月", Some(Le), "1", count("月"), "1", "月"),
        ("≤1天", Some(Le), "1", count("天"), "1", "天"),
        ("≤12批", Some(Le), "12", count("批"), "1", "批"),
        ("≤18万元", Some(Le), "180000", Unit::Money, "10000", "万元"),
        ("≥150个", Some(Ge), "150", count("个"), "1", "个"),
        ("=100%", Some(Eq), "1", Unit::Percent, "0.01", "%"),
        ("≤2天", Some(Le), "2", count("天"), "1", "天"),
        ("≤80000元", Some(Le), "80000", Unit::Money, "1", "元"),
        ("100", None, "100", Unit::None, "1", ""),
        ("82", None, "82", Unit::None, "1", ""),
    ];
    for (text, cmp, value, unit, multiplier, written) in table {
        let (c, quantity) = quantitative(text);
        assert_eq!(c, *cmp, "{text}");
        assert_eq!(quantity, q(value, *unit, multiplier, written), "{text}");
    }
}

#[test]
fn reference_actuals() {
    let table: &[(&str, &str, Unit, &str, &str)] = &[
        ("91%", "0.91", Unit::Percent, "0.01", "%"),
        ("100%", "1", Unit::Percent, "0.01", "%"),
        ("96%", "0.96", Unit::Percent, "0.01", "%"),
        ("10万元", "100000", Unit::Money, "10000", "万元"),
        ("17万元", "170000", Unit::Money, "10000", "万元"),
        ("160个", "160", count("个"), "1", "个"),
        ("1天", "1", count("天"), "1", "天"),
        ("6.11元", "6.11", Unit::Money, "1", "元"),
        ("12", "12", Unit::None, "1", ""),
        (" 20 人次 ", "20", count("人次"), "1", "人次"),
    ];
    for (text, value, unit, multiplier, written) in table {
        assert_eq!(
            actual_quantity(text),
            q(value, *unit, multiplier, written),
            "{text}"
        );
    }
    for word in ["达成", "部分达成", "明显", " 基本达成\u{3000}", "哈哈"] {
        assert_eq!(
            parse_actual(word),
            Ok(Actual::Word(word.trim().to_string())),
            "{word}"
        );
    }
}

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
fn numbers() {
    let table: &[(&str, &str)] = &[
        ("1563.95", "1563.95"),
        ("1,563.95", "1563.95"),
        ("1，563．95", "1563.95"),
        ("１５６３．９５", "1563.95"),
        ("１,５６３.９５", "1563.95"),
        ("1,234,567", "1234567"),
        ("-3", "-3"),
        ("－3", "-3"),
        ("+3", "3"),
        (" 205 ", "205"),
        ("0.00", "0"),
        ("92.61", "92.61"),
        ("0", "0"),
        ("007", "7"),
        (
            "9999999999999999999999999999",
            "9999999999999999999999999999",
        ),
        (
            "0.0000000000000000000000000001",
            "0.0000000000000000000000000001",
        ),
    ];
    for (text, value) in table {
        assert_eq!(parse_decimal(text), Ok(d(value)), "{text}");
    }
    // Scale is kept exactly.
    assert_eq!(parse_decimal("0.00").unwrap().scale(), 2);
    assert_eq!(parse_decimal("1,563.950").unwrap().to_string(), "1563.950");
    assert_eq!(quantitative("0.00%").1.value.to_string(), "0.0000");
    assert_eq!(quantitative("45.18%").1.value.to_string(), "0.4518");
}

#[test]
fn decimal_errors() {
    let table: &[(&str, usize, usize, &str)] = &[
        ("", 0, 0, "数值为空"),
        ("  ", 0, 2, "数值为空"),
        ("12%", 2, 1, "不允许单位"),
        ("12万元", 2, 6, "不允许单位"),
        ("1,56.3", 1, 1, "千位分隔符"),
        ("1563,950", 4, 1, "千位分隔符"),
        ("1,5630", 1, 1, "千位分隔符"),
        ("1,", 1, 1, "千位分隔符"),
        ("1.234,5", 5, 1, "整数部分"),
        ("1e30", 1, 3, "科学计数法"),
        ("2.5E-3", 3, 3, "科学计数法"),
        ("95.", 2, 1, "小数点"),
        ("95。5", 2, 3, "小数点"),
        ("abc", 0, 3, "应为数字"),
        ("-", 1, 0, "正负号"),
        ("-x", 1, 1, "正负号"),
        ("1 2", 2, 1, "多余的内容"),
        ("99999999999999999999999999999", 0, 29, "超出范围"),
        ("0.00000000000000000000000000001", 0, 31, "超出范围"),
    ];
    for &(text, offset, len, needle) in table {
        let e = parse_decimal(text).unwrap_err();
        check_error_shape(text, &e);
        assert_eq!((e.offset, e.len), (offset, len), "{text}: {e:?}");
        assert!(e.message.contains(needle), "{text}: {e:?}");
    }
}

#[test]
fn percents() {
    let table: &[(&str, &str)] = &[
        ("45.18", "0.4518"),
        ("45.18%", "0.4518"),
        ("100 %", "1"),
        ("100％", "1"),
        ("0.00%", "0"),
        ("0.00", "0"),
        ("1000%", "10"),
        ("-12.5", "-0.125"),
        (" ４５．１８ ％ ", "0.4518"),
    ];
    for (text, value) in table {
        assert_eq!(parse_percent(text), Ok(d(value)), "{text}");
    }
    assert_eq!(parse_percent("0.00%").unwrap().scale(), 4);
    assert_eq!(parse_percent("45.18").unwrap().to_string(), "0.4518");

    let errors: &[(&str, usize, usize, &str)] = &[
        ("", 0, 0, "百分比为空"),
        ("1000.01%", 0, 8, "1000%"),
        ("1200", 0, 4, "1000%"),
        ("-2000 %", 0, 7, "1000%"),
        ("45万元", 2, 6, "只允许单位 %"),
        ("45%%", 3, 1, "多余的内容"),
        ("百分之五", 0, 12, "应为数字"),
    ];
    for &(text, offset, len, needle) in errors {
        let e = parse_percent(text).unwrap_err();
        check_error_shape(text, &e);
        assert_eq!((e.offset, e.len), (offset, len), "{text}: {e:?}");
        assert!(e.message.contains(needle), "{text}: {e:?}");
    }
}

#[test]
fn percent_limit_for_targets_and_actuals() {
    assert_eq!(quantitative("1000%").1.value, d("10"));
    assert_eq!(quantitative("-1000%").1.value, d("-10"));
    let e = parse_target("≥1200%").unwrap_err();
    assert_eq!((e.offset, e.len), (3, 5), "{e:?}");
    assert!(
        e.message.starts_with("百分比超过1000%，疑似录入错误"),
        "{e:?}"
    );
    let e = parse_actual(" 1000.5％").unwrap_err();
    assert_eq!((e.offset, e.len), (1, 9), "{e:?}");
    assert!(e.message.contains("1000%"), "{e:?}");
    // Bare numbers are not percentages here: no limit.
    assert_eq!(quantitative("2000").1.value, d("2000"));
}

#[test]
fn overflow() {
    let text = "99999999999999999999999999999亿元";
    let e = parse_target(text).unwrap_err();
    check_error_shape(text, &e);
    assert_eq!((e.offset, e.len), (0, 29), "{e:?}");
    assert!(e.message.starts_with("数值超出范围 (number out of range)"));

    // 28 digits fit a Decimal, but not once multiplied by 10^8.
    let text = "≤9999999999999999999999999999亿元";
    let e = parse_target(text).unwrap_err();
    check_error_shape(text, &e);
    assert_eq!((e.offset, e.len), (3, 34), "{e:?}");
    assert!(e.message.starts_with("数值超出范围"));
    let e = parse_actual("79228162514264337593543950335万人次").unwrap_err();
    assert!(e.message.starts_with("数值超出范围"), "{e:?}");
    let e = parse_actual("1.00000000000000000000000000000元").unwrap_err();
    assert!(e.message.starts_with("数值超出范围"), "{e:?}");
}

#[test]
fn qualitative_targets() {
    for word in [
        "相关", "科学", "合理", "完整", "真实", "合规", "健全", "公开", "规范", "明显", "提升",
    ] {
        assert_eq!(
            parse_target(word),
            Ok(Target::Qualitative {
                text: word.to_string(),
                words: vec![word]
            }),
            "{word}"
        );
        assert!(qualitative_words().contains(&word));
    }
    let table: &[(&str, &[&str])] = &[
        ("方便群众办事", &["方便"]),
        ("明显减少", &["明显", "减少"]),
        (" 显著提升 ", &["显著提升"]),
        ("规范化管理", &["规范化"]),
        ("有效提升，有效保障", &["有效", "提升", "保障"]),
        ("群众满意度明显提高", &["满意", "明显", "提高"]),
    ];
    for &(text, words) in table {
        assert_eq!(
            parse_target(text),
            Ok(Target::Qualitative {
                text: text.trim().to_string(),
                words: words.to_vec()
            }),
            "{text}"
        );
    }
}

#[test]
fn not_applicable() {
    for text in [
        "/",
        "／",
        "—",
        "——",
        "-",
        "－",
        "无",
        "不适用",
        "N/A",
        "n/a",
        "Ｎ／Ａ",
        " / ",
        "\u{3000}无",
    ] {
        assert_eq!(parse_target(text), Ok(Target::NotApplicable), "{text}");
        assert_eq!(parse_actual(text), Ok(Actual::NotApplicable), "{text}");
    }
}

#[test]
fn target_errors() {
    let table: &[(&str, usize, usize, &str, &str)] = &[
        ("完成95%", 0, 6, "比较符或数字", "比较符加数字"),
        ("≥=95%", 3, 1, "比较符后应为数字", "比较符只写一个"),
        ("=>95%", 1, 1, "比较符后应为数字", "比较符只写一个"),
        ("》95%", 0, 3, "不是可识别的比较符", "≥"),
        (
            "≥",
            3,
            0,
            "比较符后应为数字 (expected a number after the comparator)",
            "数字",
        ),
        ("≥  ", 3, 0, "比较符后应为数字", "数字"),
        ("≥明显", 3, 3, "比较符后应为数字", "数字"),
        ("≥95%以上", 6, 6, "以上", "≥"),
        ("95%以下", 3, 6, "以下", "≤"),
        ("≥95以上", 5, 6, "以上", "≥"),
        ("≥95%，", 6, 3, "多余的内容", "文本结束"),
        ("1,56.3", 1, 1, "千位分隔符", "1,563.95"),
        ("≥1,56.3%", 4, 1, "千位分隔符", "1,563.95"),
        ("1e30", 1, 3, "科学计数法", "1000000"),
        ("≥1e30%", 4, 3, "科学计数法", "1000000"),
        ("95% 96%", 4, 3, "多余的内容", "文本结束"),
        ("不低于95%", 0, 9, "不低于", "≥95%"),
        ("大于95%", 0, 6, "大于", "≥95%"),
        ("满意度≥90%", 0, 9, "比较符或数字", "比较符加数字"),
        ("≥-", 4, 0, "正负号", "数字"),
        ("≥95。5%", 5, 3, "小数点", "95.5"),
    ];
    for &(text, offset, len, message, expected) in table {
        let e = parse_target(text).unwrap_err();
        check_error_shape(text, &e);
        assert_eq!((e.offset, e.len), (offset, len), "{text}: {e:?}");
        assert!(e.message.contains(message), "{text}: {e:?}");
        assert!(e.expected.contains(expected), "{text}: {e:?}");
    }
}

/// What real forms print reads as printed: blanks are blank, any text is a qualitative target,
/// any unit is a unit, and units of one family convert.
#[test]
fn odd_cells_read_as_printed() {
    assert_eq!(parse_target(""), Ok(Target::Blank));
    assert_eq!(parse_target("\u{3000}"), Ok(Target::Blank));
    assert_eq!(parse_actual(""), Ok(Actual::Blank));
    for text in ["高", "好", "有效保障", "+", " 哈哈 "] {
        assert!(
            matches!(parse_target(text), Ok(Target::Qualitative { .. })),
            "{text}"
        );
    }
    let Ok(Target::Quantitative { quantity, .. }) = parse_target("≥50厘米") else {
        panic!("厘米 is a unit");
    };
    assert_eq!(quantity.unit, Unit::Count("厘米"));
    assert_eq!(
        parse_actual("95斤")
            .map(|a| matches!(a, Actual::Quantity(q) if q.unit == Unit::Count("斤"))),
        Ok(true)
    );
    let target = |t: &str| quantitative(t).1;
    // One family: converted into the target's unit.
    assert_eq!(
        align(&target("≥50厘米"), &actual_quantity("0.6米")),
        Ok((d("50"), d("60.0")))
    );
    assert_eq!(
        align(&target("≥2吨"), &actual_quantity("1800公斤")).map(|(t, a)| (t, a.normalize())),
        Ok((d("2"), d("1.8")))
    );
    assert!(align(&target("≥15亩"), &actual_quantity("1公顷")).is_ok());
    // An opaque unit compares only with itself.
    assert!(align(&target("≥300枚"), &actual_quantity("310枚")).is_ok());
    assert!(align(&target("≥300枚"), &actual_quantity("160个")).is_err());
    assert!(align(&target("≥2吨"), &actual_quantity("3米")).is_err());
}

#[test]
fn actual_errors() {
    let table: &[(&str, usize, usize, &str)] = &[
        (
            "≥95%",
            0,
            3,
            "实际完成值不应带比较符 (an actual value takes no comparator)",
        ),
        (" >=95%", 1, 2, "不应带比较符"),
        ("＝100％", 0, 3, "不应带比较符"),
        ("≥明显", 0, 3, "不应带比较符"),
        ("完成95%", 0, 6, "应为数字"),
        ("95%以上", 3, 6, "以上"),
        ("1,56.3", 1, 1, "千位分隔符"),
        ("1e30", 1, 3, "科学计数法"),
    ];
    for &(text, offset, len, message) in table {
        let e = parse_actual(text).unwrap_err();
        check_error_shape(text, &e);
        assert_eq!((e.offset, e.len), (offset, len), "{text}: {e:?}");
        assert!(e.message.contains(message), "{text}: {e:?}");
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
fn holds_each_comparator() {
    use Comparator::*;
    let target = d("0.95");
    let below = d("0.9");
    let at = d("0.950");
    let above = d("0.96");
    let table: &[(Comparator, bool, bool, bool)] = &[
        (Ge, false, true, true),
        (Gt, false, false, true),
        (Le, true, true, false),
        (Lt, true, false, false),
        (Eq, false, true, false),
    ];
    for &(cmp, b, a, o) in table {
        assert_eq!(cmp.holds(below, target), b, "{cmp} below");
        assert_eq!(cmp.holds(at, target), a, "{cmp} at");
        assert_eq!(cmp.holds(above, target), o, "{cmp} above");
    }
}

#[test]
fn written_value() {
    assert_eq!(quantitative("≤10万元").1.written_value(), Some(d("10")));
    assert_eq!(quantitative("95%").1.written_value(), Some(d("95")));
    assert_eq!(quantitative("200万本").1.written_value(), Some(d("200")));
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

#[test]
fn excel_error_values_are_named_as_such() {
    for text in ["#DIV/0!", " #N/A ", "#value!", "#REF!"] {
        let errors = [
            parse_target(text).err(),
            parse_actual(text).err(),
            parse_decimal(text).err(),
            parse_percent(text).err(),
        ];
        for e in errors {
            let e = e.unwrap();
            assert!(e.message.contains("Excel"), "{text}: {}", e.message);
            // The whole value is underlined, not its first few characters.
            assert_eq!(&text[e.offset..e.offset + e.len], text.trim());
        }
    }
}

#[test]
fn a_deviation_may_exceed_1000_percent_where_a_rate_may_not() {
    use crate::value::parse_deviation;
    // An actual of 208 against a target of 1 is 20700% off: computed, exported, read back.
    assert_eq!(parse_deviation("20700.00%").unwrap(), d("207.0000"));
    assert!(parse_percent("20700.00%").is_err());
    assert_eq!(parse_deviation(" 12.5 ").unwrap(), d("0.125"));
    assert!(parse_deviation("").is_err());
    assert!(parse_deviation("#DIV/0!").is_err());
}

/// The fast paths give exactly what the general ones give: every unit spelling looked up whole
/// is the unit the longest-match search finds, and ASCII numbers read the same either way.
#[test]
fn fast_paths_agree_with_the_general_parsers() {
    use crate::value::parse::{ascii_decimal, exact_units, longest_unit, to_decimal};
    for &(spelling, kind) in exact_units() {
        assert_eq!(
            longest_unit(spelling),
            Some((spelling.len(), kind)),
            "{spelling}"
        );
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
