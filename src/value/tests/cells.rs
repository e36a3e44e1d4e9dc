//! Whole target and actual cells: comparators, reference forms, qualitative and 不适用 cells,
//! what real forms print, and the errors for cells that do not read.

use super::*;

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
