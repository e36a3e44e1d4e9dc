//! Numbers and percentages: digits and separators, the percent cap, overflow, and Excel's error
//! values.

use super::*;

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
