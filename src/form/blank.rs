//! A blank form: the sections and indicator levels of a ruleset's template, with a Chinese
//! comment on each field (`jixiao init`, and the form page's "new form").

use crate::form::emit::TomlText;
use crate::rules::ruleset::{SectionRule, Template};
use crate::rules::{FormKind, RuleSet};

/// Where the form points editors for its schema (`#:schema ./form.schema.json`).
pub const SCHEMA_FILE: &str = "form.schema.json";

/// The blank form's text. `rules_option` is how the user named the ruleset (an id such as
/// `henan-2023@1`, kept in the form; a rule file's path, for which the ruleset's id is written).
pub fn blank_form(
    ruleset: &RuleSet,
    kind: FormKind,
    year: i32,
    rules_option: &str,
) -> Result<String, String> {
    let template = ruleset.template(kind).ok_or_else(|| {
        format!(
            "评分规则 {} 没有{}表模板 (ruleset {} has no template for {} forms)",
            ruleset.label(),
            kind,
            ruleset.label(),
            kind
        )
    })?;
    // taplo and Even Better TOML read the schema from this directive on the first line.
    let mut text = format!("#:schema ./{SCHEMA_FILE}\n");
    let official = match kind {
        FormKind::Project => "项目支出绩效自评表",
        FormKind::Department => "部门整体支出绩效自评表",
    };
    let mut t = TomlText::new();
    t.comment(&format!(
        "{official} — 由 jixiao init 按评分规则 {} 生成",
        ruleset.label()
    ));
    t.comment("填写说明：");
    t.comment("- 数字写在引号里，按表上的样子写（\"205\"、\"92.61\"、\"0.00%\"），jixiao 按原文精确读取。");
    t.comment("- 带 # 的行是说明；“申报数”可以不填，jixiao 会计算并与之核对。");
    t.comment("- 填好后运行 jixiao score 本文件。字段说明：jixiao docs form-format。");
    t.blank();
    t.string("kind", kind.name(), Some("表类型"), None);
    let ruleset_id = if rules_option.ends_with(".rules") {
        ruleset.id.clone()
    } else {
        rules_option.to_string()
    };
    t.string("ruleset", &ruleset_id, Some("评分规则"), None);
    t.integer("year", i64::from(year), Some("年度"), None);
    t.string("title", official, Some("表头标题"), None);
    match kind {
        FormKind::Project => {
            t.string("project", "", Some("项目名称（必填）"), None);
            t.string("department", "", Some("主管部门"), None);
            t.string("unit", "", Some("实施单位"), None);
        }
        FormKind::Department => {
            t.string("department", "", Some("部门（单位）名称（必填）"), None);
        }
    }
    budget_and_objective(&mut t, template, kind);
    for section in &template.sections {
        section_items(&mut t, section);
    }
    indicator_rows(&mut t, template);
    t.comments(true);
    t.table("[total]", Some("总分"));
    t.comment("score = \"\"                    # 自评得分，申报数（可不填）");
    t.comment("grade = \"\"                    # 等级，申报数：优、良、中、差");
    text.push_str(t.text());
    Ok(text)
}

/// The budget block, its fund sources, the 年度总体目标 (or 年度履职目标) and, on a 部门整体
/// form, one 年度主要任务.
fn budget_and_objective(t: &mut TomlText, template: &Template, kind: FormKind) {
    let e = &template.execution;
    t.table(
        "[budget]",
        Some(match kind {
            FormKind::Project => "项目资金（万元）",
            FormKind::Department => "部门整体支出情况（万元）",
        }),
    );
    t.string("initial", "", Some("年初预算数"), None);
    t.string("adjusted", "", Some("全年预算数"), None);
    t.string("executed", "", Some("全年执行数"), None);
    t.string(
        "weight",
        &e.weight.to_string(),
        Some(&format!(
            "分值（执行率 = 全年执行数 / {}）",
            e.denominator.name()
        )),
        None,
    );
    t.comment("rate = \"\"                     # 执行率 %，申报数（可不填）");
    t.comment("score = \"\"                    # 得分，申报数（可不填）");
    let sources: &[&str] = match kind {
        FormKind::Project => &["政府性预算资金", "财政专户管理资金", "单位资金"],
        FormKind::Department => &["政府预算资金", "财政专户管理资金", "单位资金"],
    };
    for (i, name) in sources.iter().enumerate() {
        t.comments(i == 0);
        t.table("[[budget.sources]]", Some("资金来源（没有的行可删去）"));
        t.string("name", name, None, None);
        t.string("initial", "0", Some("年初预算数"), None);
        t.string("adjusted", "0", Some("全年预算数"), None);
        t.string("executed", "0", Some("全年执行数"), None);
    }
    t.comments(true);
    t.table(
        "[objective]",
        Some(match kind {
            FormKind::Project => "年度总体目标",
            FormKind::Department => "年度履职目标",
        }),
    );
    t.string("expected", "", Some("预期目标"), None);
    t.string("achieved", "", Some("实际完成情况"), None);
    if kind == FormKind::Department {
        t.table("[[tasks]]", Some("年度主要任务（每项任务一段）"));
        t.string("name", "", Some("任务名称"), None);
        t.string("content", "", Some("主要内容"), None);
        t.string("achieved", "", Some("实际完成情况"), None);
    }
}

/// One scored section (资金管理 …) with an entry for each of its items.
fn section_items(t: &mut TomlText, section: &SectionRule) {
    t.comments(true);
    t.table(
        "[[sections]]",
        Some(&format!("{}（{} 分）", section.name, section.weight)),
    );
    t.string("name", &section.name, None, None);
    for (i, (item, weight)) in section.items.iter().enumerate() {
        t.comments(i == 0);
        t.table("[[sections.items]]", None);
        t.string("name", item, None, None);
        t.string("description", "", Some("情况说明"), None);
        t.string("weight", &weight.to_string(), Some("分值"), None);
        t.string("score", "", Some("得分，申报数"), None);
        t.string("problems", "", Some("存在问题和改进措施"), None);
    }
}

/// One `[[indicators]]` entry for each 二级指标 of the template, under its 一级指标.
fn indicator_rows(t: &mut TomlText, template: &Template) {
    t.comments(true);
    t.blank();
    t.comment("绩效指标：每个三级指标一段 [[indicators]]，同一二级指标下可复制多段。");
    t.comment("表上留空的二级指标，只保留 level1 和 level2 两行。");
    let mut first = true;
    for l1 in &template.level1 {
        let weight = l1
            .weight
            .map_or("分值由单位设定".to_string(), |w| format!("{w} 分"));
        let level2: Vec<(String, Option<String>)> = if l1.level2.is_empty() {
            vec![(String::new(), None)]
        } else {
            l1.level2
                .iter()
                .map(|l2| {
                    (
                        l2.names.first().cloned().unwrap_or_default(),
                        l2.weight.map(|w| format!("{w} 分")),
                    )
                })
                .collect()
        };
        for (l2, l2_weight) in level2 {
            t.comments(true);
            let note = match l2_weight {
                Some(w) => format!("{}（{weight}）/ {l2}（{w}）", l1.name()),
                None => format!("{}（{weight}）", l1.name()),
            };
            t.table("[[indicators]]", Some(&note));
            t.comments(first);
            t.string("level1", l1.name(), Some("一级指标"), None);
            t.string(
                "level2",
                &l2,
                Some(if l2.is_empty() {
                    "二级指标（自定）"
                } else {
                    "二级指标"
                }),
                None,
            );
            t.string("name", "", Some("三级指标"), None);
            t.string(
                "target",
                "",
                Some("年度指标值，如 ≥95%、≤10万元、明显"),
                None,
            );
            t.string(
                "actual",
                "",
                Some("实际完成值，如 96%、10万元；定性指标写完成程度 100%"),
                None,
            );
            t.string("weight", "", Some("分值"), None);
            t.string("score", "", Some("得分，申报数"), None);
            t.string("deviation", "", Some("偏差度 %，申报数"), None);
            t.string(
                "explanation",
                "",
                Some("偏差原因分析及改进措施（未达成时必填）"),
                None,
            );
            first = false;
        }
    }
}
