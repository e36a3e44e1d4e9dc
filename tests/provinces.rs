//! Rulesets by region: a batch that mixes provinces scores each form under its own region's
//! ruleset in one run; a bureau adds a province with one rule file (`--rules-dir`) or maps its
//! regions and folders to rulesets (`--rules-map`); conflicts and misses are clear errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{jixiao_in, scratch, stderr, stdout};
use std::path::Path;

/// A copy of `evaluations/` in which no form names a ruleset.
fn unnamed_evaluations(dir: &Path) {
    let source = common::root().join("evaluations");
    for entry in std::fs::read_dir(&source).unwrap() {
        let folder = entry.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        let target = dir.join(folder.file_name().unwrap());
        std::fs::create_dir_all(&target).unwrap();
        for form in std::fs::read_dir(&folder).unwrap() {
            let form = form.unwrap().path();
            let text = std::fs::read_to_string(&form).unwrap();
            let unnamed: String = text
                .lines()
                .filter(|l| !l.starts_with("ruleset ="))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(target.join(form.file_name().unwrap()), unnamed).unwrap();
        }
    }
}

/// Each form's heading line and the ruleset line that follows it.
fn rulesets_by_form(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(3)
        .filter(|w| w[2].trim_start().starts_with("评分规则 "))
        .map(|w| (w[1].trim().to_string(), w[2].trim().to_string()))
        .collect()
}

#[test]
fn a_batch_mixing_provinces_scores_each_form_under_its_regions_ruleset() {
    let dir = scratch("provinces-batch");
    unnamed_evaluations(&dir);
    let output = jixiao_in(&dir, &["score", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let chosen = rulesets_by_form(&text);
    assert_eq!(chosen.len(), 18, "{text}");
    let expect = [
        (
            "anhui-guichi-2022",
            "anhui-2022@1 (chosen by region and year: 安徽省",
        ),
        (
            "anhui-xiaoxian-2023",
            "anhui-2022@1 (chosen by region and year: 安徽省",
        ),
        // 河北 2019: the one year of the 廊坊 whole-point rules; the department name gives the city.
        (
            "hebei-langfang-2019",
            "hebei-2019@1 (chosen by region and year: 河北省, for 河北省廊坊市",
        ),
        (
            "guizhou-suiyang-2021",
            "guizhou-2021@1 (chosen by region and year: 贵州省",
        ),
        (
            "shanghai-putuo-2022",
            "shanghai-2022@1 (chosen by region and year: 上海市, for 上海市普陀区",
        ),
        (
            "sichuan-qingshen-2023",
            "sichuan-2023@1 (chosen by region and year: 四川省, for 四川省青神县",
        ),
        // 四川 2022: the 510000_0013zp template is 2023's; the form's footnote asks for 50/30/10/10.
        (
            "sichuan-zhongjiang-2022",
            "central-2020@1 (fallback to central: no ruleset of 四川省中江县 for 2022",
        ),
        (
            "xuchang-2023",
            "henan-2023@1 (chosen by region and year: 河南省, for 河南省许昌市",
        ),
        (
            "yunnan-lijiang-2020",
            "yunnan-2020@1 (chosen by region and year: 云南省",
        ),
        (
            "hunan-hengshan-2020",
            "central-2020@1 (fallback to central: no ruleset of 湖南省衡山县 for 2020",
        ),
        // 岳阳 2018: the city's 部门整体 评分表, more specific than any province; 衡山 (衡阳市) is
        // not in 岳阳 and stays on the nationwide rules.
        (
            "hunan-yueyang-2018",
            "hunan-yueyang-2018@1 (chosen by region and year: 湖南省岳阳市",
        ),
        // 重庆 2021: a flat 部门整体 list of 90 points, read off this form.
        (
            "chongqing-kexuecheng-2021",
            "chongqing-2021@1 (chosen by region and year: 重庆市",
        ),
    ];
    for (folder, wanted) in expect {
        let found: Vec<&(String, String)> = chosen
            .iter()
            .filter(|(file, _)| file.contains(folder))
            .collect();
        assert!(!found.is_empty(), "no form of {folder} in {text}");
        for (file, ruleset) in found {
            assert!(
                ruleset.contains(&format!("评分规则 {wanted}")),
                "{file}: {ruleset}"
            );
        }
    }
}

const ZHEJIANG: &str = r#"
# A province jixiao does not ship: one rule file, no Rust.
ruleset zhejiang-2023 {
  title "浙江省项目支出绩效自评规则（测试）"
  version 1
  basis "浙财绩效〔2099〕1号（测试用）"
  years 2023..
  region "浙江省"
  read-off "execution 20 is a test value"
}

form 项目 {
  execution 20 over 全年预算数 -> weight * min(rate, 100%)
  indicators 80 {
    产出指标
    效益指标
  }
}

example "执行率 50% 得 10 分" {
  budget 100
  executed 50
  expect execution 10
}
"#;

const HANGZHOU_FORM: &str = r#"kind = "项目"
year = 2023
project = "测试项目"
department = "杭州市西湖区财政局"
[budget]
initial = 100
adjusted = 100
executed = 50
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "数量"
target = "≥100个"
actual = "100个"
weight = 80
"#;

#[test]
fn a_new_province_is_one_rule_file_in_a_rules_dir() {
    let dir = scratch("provinces-rules-dir");
    std::fs::create_dir_all(dir.join("bureau")).unwrap();
    std::fs::write(dir.join("bureau/zhejiang-2023.rules"), ZHEJIANG).unwrap();
    std::fs::write(dir.join("hangzhou.toml"), HANGZHOU_FORM).unwrap();

    // Without the folder: the nationwide rules, and the output says why.
    let text = stdout(&jixiao_in(&dir, &["score", "hangzhou.toml"]));
    assert!(
        text.contains("评分规则 central-2020@1 (fallback to central: no ruleset of 浙江省杭州市西湖区 for 2023"),
        "{text}"
    );

    // With it: 西湖区 is read inside 杭州市 (it is ambiguous on its own), 浙江省 is in force.
    let output = jixiao_in(&dir, &["score", "--rules-dir", "bureau", "hangzhou.toml"]);
    let text = stdout(&output);
    assert!(
        text.contains("评分规则 zhejiang-2023@1 (chosen by region and year: 浙江省, for 浙江省杭州市西湖区, read from its department name 杭州市西湖区财政局)"),
        "{text}{}",
        stderr(&output)
    );
    assert!(text.contains("自评得分 90.00"), "20 × 50% + 80: {text}");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // The list shows it by region, with its basis and what is read off.
    let list = stdout(&jixiao_in(
        &dir,
        &["rules", "list", "--rules-dir", "bureau"],
    ));
    assert!(
        list.contains("浙江省  zhejiang-2023@1  年度 2023.."),
        "{list}"
    );
    assert!(
        list.contains("依据 (basis): 浙财绩效〔2099〕1号（测试用）"),
        "{list}"
    );
    // Its examples run like the shipped ones.
    let test = jixiao_in(&dir, &["rules", "test", "bureau/zhejiang-2023.rules"]);
    assert_eq!(test.status.code(), Some(0), "{}", stdout(&test));
}

#[test]
fn the_most_specific_region_wins_and_a_higher_version_overrides() {
    let dir = scratch("provinces-specific");
    std::fs::create_dir_all(dir.join("bureau")).unwrap();
    let putuo = ZHEJIANG
        .replace("zhejiang-2023", "putuo-2023")
        .replace("region \"浙江省\"", "region \"上海市普陀区\"");
    std::fs::write(dir.join("bureau/putuo.rules"), putuo).unwrap();
    let shanghai = HANGZHOU_FORM.replace("杭州市西湖区财政局", "上海市普陀区体育局");
    let minhang = HANGZHOU_FORM.replace("杭州市西湖区财政局", "上海市闵行区体育局");
    std::fs::write(dir.join("putuo.toml"), shanghai).unwrap();
    std::fs::write(dir.join("minhang.toml"), minhang).unwrap();
    let text = stdout(&jixiao_in(
        &dir,
        &[
            "score",
            "--rules-dir",
            "bureau",
            "putuo.toml",
            "minhang.toml",
        ],
    ));
    assert!(
        text.contains("评分规则 putuo-2023@1 (chosen by region and year: 上海市普陀区"),
        "the district's ruleset beats the city's: {text}"
    );
    assert!(
        text.contains(
            "评分规则 shanghai-2022@1 (chosen by region and year: 上海市, for 上海市闵行区"
        ),
        "{text}"
    );
}

#[test]
fn two_rulesets_claiming_one_region_year_and_version_are_an_error() {
    let dir = scratch("provinces-conflict");
    std::fs::create_dir_all(dir.join("bureau")).unwrap();
    let sichuan = ZHEJIANG
        .replace("zhejiang-2023", "my-sichuan")
        .replace("region \"浙江省\"", "region \"四川\"");
    std::fs::write(dir.join("bureau/my-sichuan.rules"), &sichuan).unwrap();
    std::fs::write(dir.join("f.toml"), HANGZHOU_FORM).unwrap();
    let output = jixiao_in(&dir, &["score", "--rules-dir", "bureau", "f.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("two rulesets claim 四川省 for overlapping years at version 1: sichuan-2023@1 (2023..) in built-in sichuan-2023.rules and my-sichuan@1 (2023..)"),
        "{err}"
    );

    // A higher version is a deliberate override: it wins for 四川 forms.
    std::fs::write(
        dir.join("bureau/my-sichuan.rules"),
        sichuan.replace("version 1", "version 2"),
    )
    .unwrap();
    std::fs::write(
        dir.join("f.toml"),
        HANGZHOU_FORM.replace("杭州市西湖区财政局", "青神县财政局"),
    )
    .unwrap();
    let text = stdout(&jixiao_in(
        &dir,
        &["score", "--rules-dir", "bureau", "f.toml"],
    ));
    assert!(
        text.contains("评分规则 my-sichuan@2 (chosen by region and year: 四川"),
        "{text}"
    );
}

#[test]
fn a_later_nationwide_ruleset_no_longer_takes_over_silently() {
    let dir = scratch("provinces-later");
    std::fs::create_dir_all(dir.join("bureau")).unwrap();
    let nationwide = ZHEJIANG
        .replace("zhejiang-2023", "central-2023")
        .replace("  region \"浙江省\"\n", "");
    std::fs::write(dir.join("bureau/central-2023.rules"), nationwide).unwrap();
    std::fs::write(
        dir.join("f.toml"),
        HANGZHOU_FORM.replace("杭州市西湖区财政局", "某某单位"),
    )
    .unwrap();
    let output = jixiao_in(&dir, &["score", "--rules-dir", "bureau", "f.toml"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains("two rulesets claim 全国 (nationwide) for overlapping years at version 1: central-2020@1"),
        "{err}"
    );
}

#[test]
fn a_rules_map_chooses_by_folder_and_by_region() {
    let dir = scratch("provinces-map");
    std::fs::create_dir_all(dir.join("county-a")).unwrap();
    std::fs::write(dir.join("county-a/f.toml"), HANGZHOU_FORM).unwrap();
    std::fs::write(
        dir.join("g.toml"),
        HANGZHOU_FORM.replace("杭州市西湖区财政局", "青神县财政局"),
    )
    .unwrap();
    std::fs::write(
        dir.join("map.toml"),
        "[regions]\n\"四川省\" = \"shanghai-2022\"\n\n[folders]\n\"county-a\" = \"henan-2023@1\"\n",
    )
    .unwrap();
    let text = stdout(&jixiao_in(
        &dir,
        &[
            "score",
            "--rules-map",
            "map.toml",
            "county-a/f.toml",
            "g.toml",
        ],
    ));
    assert!(
        text.contains("评分规则 henan-2023@1 (--rules-map: folder county-a → henan-2023@1"),
        "{text}"
    );
    assert!(
        text.contains("评分规则 shanghai-2022@1 (--rules-map: 四川省 → shanghai-2022"),
        "{text}"
    );

    // A map naming an unknown ruleset or region is refused before any form is read.
    std::fs::write(dir.join("bad.toml"), "[regions]\n\"火星\" = \"nope\"\n").unwrap();
    let output = jixiao_in(&dir, &["score", "--rules-map", "bad.toml", "g.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("`火星` maps to `nope`, which is no ruleset loaded here"),
        "{err}"
    );
}

#[test]
fn rules_list_shows_at_least_six_regions_with_basis_and_read_off_notes() {
    let dir = scratch("provinces-list");
    let text = stdout(&jixiao_in(&dir, &["rules", "list"]));
    let regions: std::collections::BTreeSet<&str> = text
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains("  年度 "))
        .filter_map(|l| l.split("  ").next())
        .filter(|r| !r.starts_with("全国"))
        .collect();
    assert!(regions.len() >= 6, "{regions:?}\n{text}");
    for region in [
        "四川省",
        "上海市",
        "湖北省",
        "河北省",
        "云南省",
        "安徽省",
        "贵州省",
        "河南省",
    ] {
        assert!(regions.contains(region), "{region} missing: {text}");
    }
    assert!(text.contains("依据 (basis): 豫财效〔2024〕1号"), "{text}");
    assert!(
        text.contains("据已公开表格推定 (read off published forms)"),
        "{text}"
    );
}

const FLAT_FORM: &str = r#"kind = "部门整体"
year = 2021
department = "重庆市测试中心"
[budget]
initial = 100
adjusted = 100
executed = 76
[[indicators]]
name = "预算完成率"
target = "70%"
actual = "76%"
weight = 40
[[indicators]]
name = "政府采购执行率"
target = "100%"
actual = "50%"
weight = 50
"#;

/// 重庆 prints its 部门整体 indicators as one flat list (no 一级/二级 columns): a flat template
/// (`indicators 90 { }`) takes the rows as printed, checks their 90 points and reports no row's
/// 一级指标 as unknown, where the central template's groups would all be missing.
#[test]
fn a_flat_template_takes_a_flat_list_without_unknown_groups() {
    let dir = scratch("provinces-flat");
    std::fs::write(dir.join("flat.toml"), FLAT_FORM).unwrap();
    let output = jixiao_in(&dir, &["score", "flat.toml"]);
    let text = stdout(&output);
    let all = format!("{text}{}", stderr(&output));
    assert!(
        text.contains("评分规则 chongqing-2021@1 (chosen by region and year: 重庆市"),
        "{all}"
    );
    // 10 × 76% + 40 + 50 × 50%.
    assert!(text.contains("自评得分 72.60"), "{all}");
    assert!(!all.contains("unknown-level1"), "{all}");
    assert!(!all.contains("score::weights"), "{all}");

    // Under the central rules the same list has none of 产出/效益/满意度.
    let output = jixiao_in(&dir, &["score", "--rules", "central-2020", "flat.toml"]);
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(all.contains("unknown-level1"), "{all}");
}
