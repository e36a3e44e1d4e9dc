//! `jixiao init` writes a blank form that loads once filled; `jixiao schema` describes exactly the
//! fields the loader accepts, and the shipped forms conform to it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;

fn schema() -> Value {
    let out = common::jixiao(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/$defs/");
            &root["$defs"][name]
        }
        None => node,
    }
}

/// A small validator for the parts of JSON Schema the form schema uses.
fn validate(root: &Value, node: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let node = resolve(root, node);
    if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
        if !any.iter().any(|alt| {
            let mut e = Vec::new();
            validate(root, alt, value, path, &mut e);
            e.is_empty()
        }) {
            errors.push(format!("{path}: matches none of anyOf"));
        }
        return;
    }
    if let Some(allowed) = node.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        errors.push(format!("{path}: {value} not in enum"));
    }
    match node.get("type").and_then(Value::as_str) {
        Some("object") => {
            let Some(map) = value.as_object() else {
                errors.push(format!("{path}: expected a table"));
                return;
            };
            let props = node["properties"].as_object().unwrap();
            for key in map.keys() {
                match props.get(key) {
                    Some(p) => validate(root, p, &map[key], &format!("{path}.{key}"), errors),
                    None => errors.push(format!("{path}: unknown key {key}")),
                }
            }
            for req in node
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !map.contains_key(req.as_str().unwrap()) {
                    errors.push(format!("{path}: missing {req}"));
                }
            }
        }
        Some("array") => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    validate(root, &node["items"], item, &format!("{path}[{i}]"), errors);
                }
            }
            None => errors.push(format!("{path}: expected an array")),
        },
        Some("string") if !value.is_string() => errors.push(format!("{path}: expected a string")),
        Some("integer") if !value.is_i64() => errors.push(format!("{path}: expected an integer")),
        Some("number") if !value.is_number() => errors.push(format!("{path}: expected a number")),
        _ => {}
    }
}

fn toml_to_json(text: &str) -> Value {
    let table: toml::Table = toml::from_str(text).unwrap();
    serde_json::to_value(table).unwrap()
}

#[test]
fn the_shipped_forms_conform_to_the_schema() {
    let root = schema();
    let mut checked = 0;
    for entry in std::fs::read_dir(common::root().join("evaluations/xuchang-2023")).unwrap() {
        let path = entry.unwrap().path();
        let value = toml_to_json(&std::fs::read_to_string(&path).unwrap());
        let mut errors = Vec::new();
        validate(&root, &root, &value, "", &mut errors);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 4);
    // And the validator can fail.
    let mut errors = Vec::new();
    let bad = toml_to_json("kind = \"别的\"\nyear = \"2023\"\nbudgett = 1\n");
    validate(&root, &root, &bad, "", &mut errors);
    assert!(errors.len() >= 4, "{errors:#?}");
}

#[test]
fn every_key_of_the_schema_is_accepted_by_the_loader() {
    let root = schema();
    let text = r#"
kind = "项目"
ruleset = "henan-2023"
year = 2023
title = "t"
project = "p"
department = "d"
unit = "u"
[budget]
initial = "10"
adjusted = "10"
executed = "5"
weight = "10"
rate = "50%"
score = "5"
explanation = "e"
[[budget.sources]]
name = "s"
initial = "10"
adjusted = "10"
executed = "5"
rate = "50"
[objective]
expected = "e"
achieved = "a"
[[tasks]]
name = "t"
content = "c"
achieved = "a"
[[sections]]
name = "资金管理情况"
[[sections.items]]
name = "安排科学性"
description = "d"
weight = "5"
score = "5"
problems = ""
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "n"
target = "≥1个"
actual = "1个"
weight = "1"
score = "1"
deviation = "0%"
explanation = ""
[total]
score = "1"
grade = "优"
"#;
    // The document uses every property the schema names…
    let value = toml_to_json(text);
    fn keys(root: &Value, node: &Value, path: &str, out: &mut Vec<String>) {
        let node = resolve(root, node);
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                let p = format!("{path}.{k}");
                out.push(p.clone());
                keys(root, v, &p, out);
            }
        }
        if let Some(items) = node.get("items") {
            keys(root, items, path, out);
        }
    }
    let mut schema_keys = Vec::new();
    keys(&root, &root, "", &mut schema_keys);
    fn doc_keys(v: &Value, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let p = format!("{path}.{k}");
                    out.push(p.clone());
                    doc_keys(v, &p, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| doc_keys(v, path, out)),
            _ => {}
        }
    }
    let mut used = Vec::new();
    doc_keys(&value, "", &mut used);
    for k in &schema_keys {
        assert!(used.contains(k), "the test document does not use {k}");
    }
    let mut errors = Vec::new();
    validate(&root, &root, &value, "", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
    // …and the loader (which refuses unknown keys) accepts it.
    jixiao::form::load_str("all-keys.toml", text).unwrap();
}

fn filled(text: &str) -> String {
    let mut n = 0;
    text.lines()
        .map(|line| {
            let Some((key, rest)) = line.split_once(" = \"\"") else {
                return line.to_string();
            };
            n += 1;
            let value = match key.trim() {
                "initial" | "adjusted" => "100".to_string(),
                "executed" => "90".to_string(),
                "name" => format!("指标{n}"),
                "target" => "≥1个".to_string(),
                "actual" => "1个".to_string(),
                "weight" | "score" => "1".to_string(),
                "deviation" => "0.00%".to_string(),
                _ => format!("填写{n}"),
            };
            format!("{key} = \"{value}\"{rest}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn init_writes_a_blank_form_that_loads_once_filled() {
    let dir = common::scratch("init");
    for (kind, file) in [("项目", "project.toml"), ("部门整体", "department.toml")] {
        let path = dir.join(file);
        let out = common::jixiao(&[
            "init",
            "--kind",
            kind,
            "--rules",
            "henan-2023",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("#:schema ./form.schema.json\n"));
        // As written, blank: it loads, and every blank the scoring needs is noted.
        let blank = jixiao::form::load_str(file, &text).unwrap();
        let notes = jixiao::diag::render_all(&blank.notes);
        for field in ["年初预算数", "全年预算数", "全年执行数"] {
            assert!(notes.contains(&format!("{field}为空")), "{field}: {notes}");
        }
        let form = jixiao::form::load_str(file, &filled(&text)).unwrap();
        assert_eq!(form.kind.value.name(), kind);
        // The blank form follows the template: every level-1 of the ruleset is there.
        let value = toml_to_json(&text);
        let mut errors = Vec::new();
        validate(&schema(), &schema(), &value, "", &mut errors);
        assert!(errors.is_empty(), "{errors:#?}");
        // Refuses to overwrite.
        let again = common::jixiao(&[
            "init",
            "--kind",
            kind,
            "--rules",
            "henan-2023",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(again.status.code(), Some(2));
        assert!(common::stderr(&again).contains("--force"));
    }
    // The schema the directive points at was written beside the forms.
    let schema_text = std::fs::read_to_string(dir.join("form.schema.json")).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&schema_text).unwrap(),
        schema()
    );
    let project = std::fs::read_to_string(dir.join("project.toml")).unwrap();
    for level1 in [
        "成本指标",
        "产出指标",
        "效益指标",
        "满意度指标",
        "资金管理情况",
        "安排科学性",
    ] {
        assert!(project.contains(level1), "{level1}");
    }
    insta::assert_snapshot!(project);
}

/// A form being filled in: the claimed figures (得分, 偏差度, 执行率 …) left blank are simply not
/// claimed, and indicator rows left blank are not errors; what is missing is the weights, named
/// per level-1 indicator.
#[test]
fn a_partly_filled_form_names_only_what_is_really_missing() {
    let dir = common::scratch("init-partly");
    let path = dir.join("new.toml");
    let out = common::jixiao(&[
        "init",
        "--kind",
        "项目",
        "--rules",
        "henan-2023",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("project = \"\"", "project = \"测试项目\"", 1)
        .replacen("initial = \"\"", "initial = \"100\"", 1)
        .replacen("adjusted = \"\"", "adjusted = \"100\"", 1)
        .replacen("executed = \"\"", "executed = \"95\"", 1);
    std::fs::write(&path, text).unwrap();
    let out = common::jixiao(&["score", path.to_str().unwrap()]);
    // Scored, with what is missing as findings (exit 1).
    let stderr = common::stdout(&out) + &common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("empty number"), "{stderr}");
    assert!(!stderr.contains("has figures but no `name`"), "{stderr}");
    for level1 in ["成本指标", "产出指标", "效益指标", "满意度指标"] {
        assert!(
            stderr.contains(&format!("the weights under {level1} add up to 0")),
            "{level1}: {stderr}"
        );
    }
}
