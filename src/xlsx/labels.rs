//! What the cells of a form say: header labels (年初预算数, 三级指标, 指标性质 …) and their
//! synonyms in real templates and system exports, block labels, key labels, titles, years.
//!
//! Labels are compared without spaces, line breaks and full-width punctuation differences, so
//! `全年预算数\n（A）` is `全年预算数(A)`.

use super::cells::Grid;

// ---------------------------------------------------------------------------------------------
// Recognising cells

/// Header text without spaces, line breaks and full-width punctuation differences.
pub(super) fn norm(text: &str) -> String {
    // Every cell of a row is asked whether it is a header: most have no space and no full-width
    // sign (lead byte EF), and are copied whole instead of rebuilt character by character.
    let whitespace_or_wide =
        |b: u8| matches!(b, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF);
    if !text.bytes().any(whitespace_or_wide) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    out.extend(text.chars().filter(|c| !c.is_whitespace()).map(half_width));
    out
}

/// The half-width sign a header may print full-width.
fn half_width(c: char) -> char {
    match c {
        '（' => '(',
        '）' => ')',
        '：' => ':',
        '％' => '%',
        c => c,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Col {
    Initial,
    Adjusted,
    Executed,
    Weight,
    Rate,
    Score,
    Description,
    Problems,
    Expected,
    Achieved,
    TaskName,
    TaskContent,
    Level1,
    Level2,
    Level3,
    Target,
    Actual,
    Deviation,
    Explanation,
    /// 指标性质: the comparator (`≥`, `≤`, `=`, `定性`, 正向, 反向) printed apart.
    Direction,
    /// 度量单位 / 计量单位: the unit printed apart.
    Unit,
    /// A column kept as printed under `[indicators.extra]`: its index in [`EXTRA_COLUMNS`].
    Extra(usize),
}

/// Columns of real templates the engine does not use, kept with the row as printed.
pub(super) const EXTRA_COLUMNS: &[&str] = &["得分系数", "是否核心指标", "指标解释", "评分标准"];

pub(super) fn header_col(n: &str) -> Option<Col> {
    let n = n.trim_end_matches(':');
    if let Some(i) = EXTRA_COLUMNS.iter().position(|e| n.starts_with(e)) {
        return Some(Col::Extra(i));
    }
    let col = match n {
        _ if n.starts_with("一级指标") => Col::Level1,
        _ if n.starts_with("二级指标") => Col::Level2,
        _ if n.starts_with("三级指标") => Col::Level3,
        _ if n.starts_with("年初预算") => Col::Initial,
        _ if n.starts_with("全年预算")
            || n.starts_with("调整后预算")
            || n.starts_with("预算数") =>
        {
            Col::Adjusted
        }
        _ if n.starts_with("全年执行")
            || n.starts_with("实际执行数")
            || n.starts_with("预算执行数")
            || n.starts_with("执行数") =>
        {
            Col::Executed
        }
        _ if n.contains("执行率") => Col::Rate,
        _ if n.starts_with("分值") || n.starts_with("权重") || n == "指标分值" => {
            Col::Weight
        }
        _ if n.starts_with("得分") || n == "自评得分" => Col::Score,
        _ if n.starts_with("年度指标值")
            || n.starts_with("指标值")
            || n.starts_with("目标值")
            || n.starts_with("年初目标值")
            || n.starts_with("年度目标值") =>
        {
            Col::Target
        }
        _ if n.starts_with("指标性质") || n == "指标方向" => Col::Direction,
        _ if n.starts_with("度量单位") || n.starts_with("计量单位") => Col::Unit,
        _ if n.starts_with("实际完成值")
            || n.starts_with("全年完成值")
            || n.starts_with("实际值")
            || n.starts_with("完成值")
            || n.starts_with("实际完成") && n.ends_with("值") =>
        {
            Col::Actual
        }
        _ if n.starts_with("偏差度") || n.starts_with("偏离度") => Col::Deviation,
        _ if n.starts_with("存在问题") => Col::Problems,
        _ if n.contains("偏差原因")
            || n.contains("改进措施")
            || n.contains("未完成原因")
            || n.starts_with("原因分析") =>
        {
            Col::Explanation
        }
        _ if n.starts_with("情况说明") => Col::Description,
        _ if n.starts_with("预期目标") => Col::Expected,
        _ if n.starts_with("实际完成情况") => Col::Achieved,
        _ if n.starts_with("任务名称") => Col::TaskName,
        _ if n.starts_with("主要内容") => Col::TaskContent,
        _ => return None,
    };
    Some(col)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TableBlock {
    Budget,
    Section,
    Objective,
    Tasks,
    Indicators,
}

/// Labels that name a block in the first column (often merged down over it).
pub(super) fn block_label(n: &str) -> Option<TableBlock> {
    let n = n.trim_end_matches(':');
    let block = match n {
        _ if n.starts_with("项目资金") || n.starts_with("部门整体支出") || n == "资金情况" => {
            TableBlock::Budget
        }
        _ if n.starts_with("资金管理") => TableBlock::Section,
        _ if n.starts_with("年度总体目标")
            || n.starts_with("年度履职目标")
            || n == "总体目标"
            || n == "绩效目标" =>
        {
            TableBlock::Objective
        }
        _ if n.starts_with("年度主要任务") || n == "主要任务" => TableBlock::Tasks,
        _ if n == "绩效指标" || n == "指标" => TableBlock::Indicators,
        _ => return None,
    };
    Some(block)
}

/// The label of a row that scores the budget execution among the indicator rows.
pub(super) fn is_execution_label(n: &str) -> bool {
    let n = n.trim_end_matches(':');
    matches!(
        n,
        "预算执行率" | "预算执行" | "执行率" | "预算资金执行率" | "资金执行率"
    )
}

pub(super) fn is_total_label(n: &str) -> bool {
    let n = n.trim_end_matches(':');
    matches!(
        n,
        "总分" | "合计" | "总计" | "自评得分" | "自评总分" | "总得分" | "得分合计" | "总分合计"
    ) || n.starts_with("总分")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    Project,
    Department,
    Unit,
    DepartmentName,
    Ruleset,
    Year,
    Grade,
    /// `金额单位：万元` above a system export's table.
    MoneyUnit,
}

/// A key label, and the value written in the same cell after a colon, if any.
pub(super) fn key_label(text: &str) -> Option<(Key, Option<String>)> {
    let n = norm(text);
    let keys: [(&str, Key); 13] = [
        ("金额单位", Key::MoneyUnit),
        ("项目名称", Key::Project),
        ("主管部门", Key::Department),
        ("实施单位", Key::Unit),
        ("部门(单位)名称", Key::DepartmentName),
        ("部门(单位)", Key::DepartmentName),
        ("部门名称", Key::DepartmentName),
        ("单位名称", Key::DepartmentName),
        ("评分规则", Key::Ruleset),
        ("评价年度", Key::Year),
        ("所属年度", Key::Year),
        ("评价等级", Key::Grade),
        ("自评等级", Key::Grade),
    ];
    let bare = |n: &str| -> Option<Key> {
        match n {
            "年度" => Some(Key::Year),
            "等级" => Some(Key::Grade),
            _ => keys.iter().find(|(k, _)| n == *k).map(|(_, key)| *key),
        }
    };
    let plain = n.trim_end_matches(':');
    if let Some(key) = bare(plain) {
        return Some((key, None));
    }
    // `项目名称：市民之家运行经费` in one cell.
    let (label, value) = text.split_once(['：', ':'])?;
    let key = bare(&norm(label))?;
    let value = value.trim();
    (!value.is_empty()).then(|| (key, Some(value.to_string())))
}

pub(super) fn is_title(text: &str) -> bool {
    let n = norm(text);
    n.contains("自评表") || (n.contains("绩效") && n.ends_with("表")) || n.contains("自评情况表")
}

/// `2023` out of `（2023年度）`, `2023年`, `年度：2023`.
pub(super) fn year_in(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len() {
        let window = chars.get(i..i + 4)?;
        if window.iter().all(char::is_ascii_digit)
            && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
            && (i == 0 || chars.get(i - 1).is_some_and(|c| !c.is_ascii_digit()))
        {
            let year: i32 = window.iter().collect::<String>().parse().ok()?;
            let after = chars.get(i + 4).copied();
            let labelled = text.contains("年度");
            if (1949..=2200).contains(&year) && (after == Some('年') || labelled) {
                return Some(year);
            }
        }
    }
    None
}

pub(super) fn is_grade(text: &str) -> bool {
    matches!(
        text.trim(),
        "优" | "良" | "中" | "差" | "优秀" | "良好" | "合格" | "不合格"
    )
}

/// Values that stand for nothing in a number column: dashes, and the 不适用 (not applicable) our
/// own export writes in the 得分 of a row marked `/`.
pub(super) fn is_placeholder(text: &str) -> bool {
    matches!(
        text.trim(),
        "-" | "—" | "－" | "--" | "——" | "/" | "／" | "不适用"
    )
}

// ---------------------------------------------------------------------------------------------
// Headers

#[derive(Debug, Clone)]
pub(super) struct Header {
    /// The row the header was found on; a header printed on two rows also takes the labels
    /// merged down from the row above (`first_row`) or the labels under a parent merged across
    /// (`last_row`): `年度指标值` over `指标性质 | 指标值 | 度量单位`.
    pub(super) row: u32,
    pub(super) first_row: u32,
    pub(super) last_row: u32,
    pub(super) block: TableBlock,
    /// Each column: which, the columns it spans, its cell.
    pub(super) columns: Vec<(Col, u32, u32)>,
    pub(super) cells: Vec<(u32, u32)>,
}

impl Header {
    pub(super) fn span(&self, col: Col) -> Option<(u32, u32)> {
        self.columns
            .iter()
            .find(|(c, _, _)| *c == col)
            .map(|&(_, a, b)| (a, b))
    }

    /// The leftmost column any of its fields starts at.
    pub(super) fn first_col(&self) -> u32 {
        self.columns.iter().map(|&(_, a, _)| a).min().unwrap_or(0)
    }
}

pub(super) fn classify_header(grid: &Grid, row: u32) -> Option<Header> {
    let mut columns: Vec<(Col, u32, u32)> = Vec::new();
    let mut cells = Vec::new();
    for cell in grid.row(row) {
        if let Some(col) = header_col(&norm(&cell.text)) {
            if columns.iter().any(|(c, _, _)| *c == col) {
                continue;
            }
            let (a, b) = grid.col_span(cell.row, cell.col);
            columns.push((col, a, b));
            cells.push((cell.row, cell.col));
        }
    }
    if columns.is_empty() {
        return None;
    }
    // Labels merged down over this row from the one or two above (`分值` over two header rows).
    let mut first_row = row;
    for m in grid.merges_over(row) {
        if m.first_row >= row || row - m.first_row > 2 {
            continue;
        }
        let Some(cell) = grid.get(m.first_row, m.first_col) else {
            continue;
        };
        if let Some(col) = header_col(&norm(&cell.text))
            && !columns.iter().any(|(c, _, _)| *c == col)
        {
            columns.push((col, m.first_col, m.last_col));
            cells.push((cell.row, cell.col));
            first_row = first_row.min(m.first_row);
        }
    }
    // Labels on the next row under a parent merged across (`年度指标值` over three columns).
    let mut last_row = row;
    if let Some(next) = row.checked_add(1) {
        let below: Vec<(Col, u32, u32, u32)> = grid
            .row(next)
            .map(|c| {
                let (a, b) = grid.col_span(c.row, c.col);
                header_col(&norm(&c.text)).map(|col| (col, a, b, c.col))
            })
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        let parented = |a: u32, b: u32| {
            columns
                .iter()
                .position(|&(_, pa, pb)| pb > pa && pa <= a && b <= pb)
        };
        if !below.is_empty() && below.iter().all(|&(_, a, b, _)| parented(a, b).is_some()) {
            let parents: Vec<usize> = below
                .iter()
                .filter_map(|&(_, a, b, _)| parented(a, b))
                .collect();
            let mut kept = Vec::new();
            for (i, column) in columns.iter().enumerate() {
                if !parents.contains(&i) {
                    kept.push(*column);
                }
            }
            for &(col, a, b, c) in &below {
                if !kept.iter().any(|(k, _, _)| *k == col) {
                    kept.push((col, a, b));
                    cells.push((next, c));
                }
            }
            columns = kept;
            last_row = next;
        }
    }
    let has = |col: Col| columns.iter().any(|(c, _, _)| *c == col);
    let money = [Col::Initial, Col::Adjusted, Col::Executed]
        .iter()
        .filter(|&&c| has(c))
        .count();
    let block = if has(Col::Level3) && (has(Col::Target) || has(Col::Weight)) {
        TableBlock::Indicators
    } else if money >= 2 {
        TableBlock::Budget
    } else if has(Col::TaskName) {
        TableBlock::Tasks
    } else if has(Col::Description) && (has(Col::Weight) || has(Col::Score)) {
        TableBlock::Section
    } else if has(Col::Expected) && has(Col::Achieved) {
        TableBlock::Objective
    } else {
        return None;
    };
    Some(Header {
        row,
        first_row,
        last_row,
        block,
        columns,
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::{half_width, norm};

    #[test]
    fn norm_answers_as_the_character_by_character_rebuild_does() {
        let slow = |text: &str| -> String {
            text.chars()
                .filter(|c| !c.is_whitespace())
                .map(half_width)
                .collect()
        };
        for text in [
            "年度指标值",
            "分值（分）",
            "执行率\n(%)",
            "预算数：",
            "",
            "a\u{3000}b",
            "得分 ％",
        ] {
            assert_eq!(norm(text), slow(text), "{text:?}");
        }
        // Every character, alone and between two others: those the fast path copies whole
        // are those the rebuild leaves as they are.
        let mut buffer = [0u8; 4];
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let one = c.encode_utf8(&mut buffer).to_string();
            let framed = format!("指标{one}值");
            assert_eq!(norm(&one), slow(&one), "U+{:04X}", u32::from(c));
            assert_eq!(norm(&framed), slow(&framed), "U+{:04X}", u32::from(c));
        }
    }
}
