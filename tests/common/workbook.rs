//! A workbook built by hand in the reference layout, the way an evaluator's Excel file looks —
//! not by jixiao's exporter. It has merged cells, percentages stored as fractions with a `%`
//! format, a number stored as text, columns in another order, an extra column, a blank row, a
//! 二级指标 left blank under the one above instead of merged, two forms on one sheet, and a stray
//! note under a table.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

struct Writer<'a> {
    ws: &'a mut Worksheet,
    cell: Format,
    percent: Format,
    percent0: Format,
}

impl Writer<'_> {
    fn s(&mut self, row: u32, col: u16, text: &str) {
        self.ws
            .write_string_with_format(row, col, text, &self.cell)
            .unwrap();
    }

    fn n(&mut self, row: u32, col: u16, value: f64) {
        self.ws
            .write_number_with_format(row, col, value, &self.cell)
            .unwrap();
    }

    /// A percentage typed as `95.18%`: Excel stores 0.9518 with a `0.00%` format.
    fn pct(&mut self, row: u32, col: u16, fraction: f64) {
        self.ws
            .write_number_with_format(row, col, fraction, &self.percent)
            .unwrap();
    }

    /// A percentage typed as `96%`.
    fn pct0(&mut self, row: u32, col: u16, fraction: f64) {
        self.ws
            .write_number_with_format(row, col, fraction, &self.percent0)
            .unwrap();
    }

    fn merge(&mut self, r0: u32, c0: u16, r1: u32, c1: u16, text: &str) {
        self.ws
            .merge_range(r0, c0, r1, c1, text, &self.cell)
            .unwrap();
    }
}

/// A 项目 form starting at `top`, in the reference layout with its columns shuffled. Returns the
/// row after it. `target` is the 年度指标值 of the first quality indicator (to plant an error).
fn project_form(w: &mut Writer<'_>, top: u32, target: &str) -> u32 {
    let r = top;
    w.merge(r, 0, r, 10, "项目支出绩效自评表");
    w.merge(r + 1, 0, r + 1, 10, "（2023年度）");
    w.s(r + 2, 0, "项目名称");
    w.merge(r + 2, 1, r + 2, 10, "政务大厅便民服务");
    w.s(r + 3, 0, "主管部门");
    w.merge(r + 3, 1, r + 3, 4, "某市政务服务和大数据管理局");
    w.s(r + 4 - 1, 5, "实施单位");
    w.merge(r + 3, 6, r + 3, 10, "某市政务服务中心");
    // Budget block: 全年预算数 before 年初预算数, 执行率 before 分值.
    let b = r + 4;
    w.merge(b, 0, b + 2, 0, "项目资金（万元）");
    for (col, text) in [
        (2, "全年预算数"),
        (3, "年初预算数"),
        (4, "全年执行数"),
        (5, "执行率"),
        (6, "分值"),
        (7, "得分"),
    ] {
        w.s(b, col, text);
    }
    w.s(b + 1, 1, "年度资金总额（万元）：");
    w.n(b + 1, 2, 100.0);
    w.n(b + 1, 3, 100.0);
    // A number stored as text.
    w.s(b + 1, 4, "92.61");
    w.pct(b + 1, 5, 0.9261);
    w.n(b + 1, 6, 10.0);
    w.n(b + 1, 7, 9.26);
    w.s(b + 2, 1, "资金来源：（1）政府性预算资金");
    w.n(b + 2, 2, 100.0);
    w.n(b + 2, 3, 100.0);
    w.n(b + 2, 4, 92.61);
    w.pct(b + 2, 5, 0.9261);
    w.s(b + 2, 6, "-");
    w.s(b + 2, 7, "-");
    // 资金管理情况.
    let s = b + 3;
    w.merge(s, 0, s + 4, 0, "资金管理情况");
    w.merge(s, 2, s, 4, " 情况说明");
    w.s(s, 5, "分值");
    w.s(s, 6, "得分");
    w.merge(s, 7, s, 10, "存在问题和改进措施");
    for (i, item) in ["安排科学性", "拨付合规性", "使用规范性", "预算绩效管理情况"]
        .into_iter()
        .enumerate()
    {
        let row = s + 1 + i as u32;
        w.s(row, 1, item);
        w.merge(row, 2, row, 4, "按规定执行");
        w.n(row, 5, 5.0);
        w.n(row, 6, 5.0);
        w.merge(row, 7, row, 10, "");
    }
    // 年度总体目标.
    let o = s + 5;
    w.merge(o, 0, o + 1, 0, "年度总体目标");
    w.merge(o, 1, o, 4, "预期目标");
    w.merge(o, 5, o, 10, "实际完成情况");
    w.merge(
        o + 1,
        1,
        o + 1,
        4,
        "保障大厅运行，提供免费复印、邮寄等便民服务",
    );
    w.merge(o + 1, 5, o + 1, 10, "大厅运行正常，便民服务全年提供");
    // Indicators: 分值 before 年度指标值, 偏差度 before 得分, an extra 备注 column.
    let h = o + 2;
    w.s(h, 0, "绩效指标");
    for (col, text) in [
        (1, "一级指标"),
        (2, "二级指标"),
        (3, "三级指标"),
        (4, "分值"),
        (5, "年度指标值"),
        (6, "实际完成值"),
        (7, "偏差度 %"),
        (8, "得分"),
        (9, "备注"),
        (10, "偏差原因分析及改进措施"),
    ] {
        w.s(h, col, text);
    }
    let mut row = h + 1;
    // 成本指标 merged over its two rows.
    w.merge(row, 1, row + 1, 1, "成本指标");
    w.s(row, 2, "经济成本指标");
    w.s(row, 3, "办公耗材");
    w.n(row, 4, 10.0);
    w.s(row, 5, "≤10万元");
    w.s(row, 6, "9.5万元");
    w.pct(row, 7, 0.0);
    w.n(row, 8, 10.0);
    w.s(row, 9, "含复印纸");
    row += 1;
    w.s(row, 2, "社会成本指标");
    row += 1;
    // A blank row.
    row += 1;
    w.merge(row, 1, row + 2, 1, "产出指标");
    w.s(row, 2, "数量指标");
    w.s(row, 3, "服务人次");
    w.n(row, 4, 10.0);
    w.s(row, 5, "≥5000人次");
    w.s(row, 6, "5200人次");
    w.pct(row, 7, 0.0);
    w.n(row, 8, 10.0);
    row += 1;
    w.s(row, 2, "质量指标");
    w.s(row, 3, "验收合格率");
    w.n(row, 4, 10.0);
    w.s(row, 5, target);
    w.pct0(row, 6, 0.96);
    w.pct(row, 7, 0.0);
    w.n(row, 8, 10.0);
    row += 1;
    // 二级指标 left blank: it is the one above.
    w.s(row, 3, "设备完好率");
    w.n(row, 4, 10.0);
    w.s(row, 5, "≥90%");
    w.s(row, 6, "92%");
    w.pct(row, 7, 0.0);
    w.n(row, 8, 10.0);
    row += 1;
    w.s(row, 1, "效益指标");
    w.s(row, 2, "社会效益指标");
    w.s(row, 3, "群众办事便利度");
    w.n(row, 4, 25.0);
    w.s(row, 5, "提升");
    w.pct0(row, 6, 1.0);
    w.pct(row, 7, 0.0);
    w.n(row, 8, 25.0);
    row += 1;
    w.s(row, 1, "满意度指标");
    w.s(row, 2, "服务对象满意度指标");
    w.s(row, 3, "办事群众满意度");
    w.n(row, 4, 5.0);
    w.s(row, 5, "≥95%");
    w.pct(row, 6, 0.9518);
    w.pct(row, 7, 0.0);
    w.n(row, 8, 5.0);
    row += 1;
    w.merge(row, 0, row, 3, "总分");
    w.n(row, 4, 100.0);
    w.n(row, 8, 99.26);
    w.s(row, 9, "优");
    row + 1
}

/// A 部门整体 form starting at `top`, in the department layout of the reference document.
fn department_form(w: &mut Writer<'_>, top: u32) -> u32 {
    let r = top;
    w.merge(r, 0, r, 9, "2023年度部门整体支出绩效自评表");
    w.s(r + 1, 0, "部门（单位）名称");
    w.merge(r + 1, 1, r + 1, 9, "某市政务服务和大数据管理局");
    let b = r + 2;
    w.merge(b, 0, b + 2, 0, "部门整体支出情况");
    for (col, text) in [
        (2, "年初预算数"),
        (3, "全年预算数"),
        (4, "全年执行数"),
        (5, "分值"),
        (6, "执行率"),
        (7, "得分"),
    ] {
        w.s(b, col, text);
    }
    w.s(b + 1, 1, "部门预算总额（万元）");
    w.n(b + 1, 2, 500.0);
    w.n(b + 1, 3, 480.0);
    w.n(b + 1, 4, 456.0);
    w.n(b + 1, 5, 10.0);
    w.n(b + 1, 6, 95.0);
    w.n(b + 1, 7, 10.0);
    w.s(b + 2, 1, "资金来源：（1）政府预算资金");
    w.n(b + 2, 2, 500.0);
    w.n(b + 2, 3, 480.0);
    w.n(b + 2, 4, 456.0);
    w.s(b + 2, 5, "-");
    w.n(b + 2, 6, 95.0);
    w.s(b + 2, 7, "-");
    let o = b + 3;
    w.merge(o, 0, o + 1, 0, "年度履职目标");
    w.merge(o, 1, o, 4, "预期目标");
    w.merge(o, 5, o, 9, "实际完成情况");
    w.merge(o + 1, 1, o + 1, 4, "政务服务事项全部进驻大厅");
    w.merge(o + 1, 5, o + 1, 9, "已全部进驻");
    let t = o + 2;
    w.merge(t, 0, t + 1, 0, "年度主要任务");
    w.s(t, 1, "任务名称");
    w.merge(t, 2, t, 5, "主要内容");
    w.merge(t, 6, t, 9, "实际完成情况");
    w.s(t + 1, 1, "推进政务服务进驻");
    w.merge(t + 1, 2, t + 1, 5, "事项应进必进");
    w.merge(t + 1, 6, t + 1, 9, "完成");
    let h = t + 2;
    for (col, text) in [
        (1, "一级指标"),
        (2, "二级指标"),
        (3, "三级指标"),
        (4, "年度指标值"),
        (5, "实际完成值"),
        (6, "分值"),
        (7, "得分"),
        (8, "偏差度"),
        (9, "偏差原因分析及改进措施"),
    ] {
        w.s(h, col, text);
    }
    let rows: [(&str, &str, &str, &str, &str, f64); 6] = [
        (
            "投入管理指标",
            "工作目标管理",
            "年度履职目标相关性",
            "相关",
            "100%",
            6.0,
        ),
        (
            "投入管理指标",
            "预算和财务管理",
            "预算编制完整性",
            "完整",
            "100%",
            14.0,
        ),
        (
            "投入管理指标",
            "绩效管理",
            "绩效自评完成率",
            "100%",
            "100%",
            10.0,
        ),
        (
            "产出指标",
            "重点工作任务完成",
            "推进政务服务进驻",
            "100%",
            "100%",
            25.0,
        ),
        (
            "效益指标",
            "履职效益",
            "推进政务服务进驻",
            "明显",
            "100%",
            20.0,
        ),
        ("效益指标", "满意度", "群众满意度", "≥95%", "96%", 15.0),
    ];
    let first = h + 1;
    w.merge(first, 0, first + rows.len() as u32 - 1, 0, "绩效指标");
    w.merge(first, 1, first + 2, 1, "投入管理指标");
    w.s(first + 3, 1, "产出指标");
    w.merge(first + 4, 1, first + 5, 1, "效益指标");
    for (i, (_, l2, name, target, actual, weight)) in rows.into_iter().enumerate() {
        let row = first + i as u32;
        w.s(row, 2, l2);
        w.s(row, 3, name);
        w.s(row, 4, target);
        w.s(row, 5, actual);
        w.n(row, 6, weight);
        w.n(row, 7, weight);
        w.s(row, 8, "0.00%");
    }
    let total = first + 6;
    w.s(total, 1, "总分");
    w.n(total, 6, 100.0);
    w.n(total, 7, 100.0);
    total + 1
}

/// The hand-built workbook: sheet `自评表` holds a 项目 form, a stray note, and a 部门整体 form;
/// sheet `有误` holds a 项目 form whose 年度指标值 is mistyped.
pub fn hand_built() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    {
        let ws = workbook.add_worksheet();
        ws.set_name("自评表").unwrap();
        let mut w = Writer {
            ws,
            percent: cell.clone().set_num_format("0.00%"),
            percent0: cell.clone().set_num_format("0%"),
            cell: cell.clone(),
        };
        let next = project_form(&mut w, 0, "≥95%");
        w.ws.write_string(next, 0, "填表人：张三").unwrap();
        department_form(&mut w, next + 3);
    }
    {
        let ws = workbook.add_worksheet();
        ws.set_name("有误").unwrap();
        let mut w = Writer {
            ws,
            percent: cell.clone().set_num_format("0.00%"),
            percent0: cell.clone().set_num_format("0%"),
            cell,
        };
        project_form(&mut w, 0, "≥=95%");
    }
    workbook.save_to_buffer().unwrap()
}
