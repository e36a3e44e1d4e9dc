//! The column labels of the indicator table as forms print them, defined once for every output
//! that heads one: the official layout (the HTML and Markdown report, the Excel export) and the
//! score table and Markdown, which add a check column after each claimed figure.

pub const LEVEL1: &str = "一级指标";
pub const LEVEL2: &str = "二级指标";
pub const LEVEL3: &str = "三级指标";
pub const TARGET: &str = "年度指标值";
pub const ACTUAL: &str = "实际完成值";
pub const WEIGHT: &str = "分值";
pub const SCORE: &str = "得分";
pub const DEVIATION: &str = "偏差度";
/// The official layout's heading of the last column.
pub const EXPLANATION: &str = "偏差原因分析及改进措施";
/// The same column where room is short (the score outputs).
pub const EXPLANATION_SHORT: &str = "偏差原因";
/// The score outputs' column after a claimed figure: whether it agrees.
pub const CHECK: &str = "核对";

/// The official layout's indicator columns, in order.
pub const OFFICIAL: [&str; 9] = [
    LEVEL1,
    LEVEL2,
    LEVEL3,
    TARGET,
    ACTUAL,
    WEIGHT,
    SCORE,
    DEVIATION,
    EXPLANATION,
];

/// The score outputs' indicator columns, in order: the official ones with a check after the
/// score and the deviation, and the short explanation heading.
pub const SCORED: [&str; 11] = [
    LEVEL1,
    LEVEL2,
    LEVEL3,
    TARGET,
    ACTUAL,
    WEIGHT,
    SCORE,
    CHECK,
    DEVIATION,
    CHECK,
    EXPLANATION_SHORT,
];

/// `| a | b |` for a Markdown header row.
pub fn markdown_header(columns: &[&str]) -> String {
    format!("| {} |", columns.join(" | "))
}
