//! `jixiao schema score|review|diff` describes exactly the JSON that `score`, `review` and `diff`
//! write: real outputs (every shipped form, the review fixtures, a ruleset revision) validate
//! against the printed schemas, which are strict (no field the schema does not name), and every
//! document carries the schema's version.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;

fn run_json(args: &[&str]) -> Value {
    let out = common::jixiao(args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        common::stderr(&out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}\n{}", common::stdout(&out)))
}

fn schema(what: &str) -> Value {
    run_json(&["schema", what])
}

/// A small validator for the parts of JSON Schema the output schemas use; a keyword it does not
/// know fails the test, so that the schemas cannot outgrow what is checked.
fn validate(root: &Value, node: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    const KNOWN: &[&str] = &[
        "$ref",
        "$schema",
        "$id",
        "$defs",
        "title",
        "description",
        "anyOf",
        "enum",
        "const",
        "type",
        "pattern",
        "minimum",
        "properties",
        "required",
        "additionalProperties",
        "items",
    ];
    let Some(map) = node.as_object() else {
        errors.push(format!("{path}: the schema node is not an object"));
        return;
    };
    if let Some(unknown) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        errors.push(format!(
            "{path}: keyword {unknown} is not checked by this test"
        ));
    }
    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("a local $ref");
        let target = root["$defs"]
            .get(name)
            .unwrap_or_else(|| panic!("$ref {r} names no definition"));
        return validate(root, target, value, path, errors);
    }
    if let Some(any) = map.get("anyOf").and_then(Value::as_array) {
        let fits = any.iter().any(|alt| {
            let mut e = Vec::new();
            validate(root, alt, value, path, &mut e);
            e.is_empty()
        });
        if !fits {
            let mut why = Vec::new();
            for alt in any {
                validate(root, alt, value, path, &mut why);
            }
            errors.push(format!(
                "{path}: matches none of anyOf ({})",
                why.join("; ")
            ));
        }
        return;
    }
    if let Some(c) = map.get("const")
        && c != value
    {
        errors.push(format!("{path}: {value} is not {c}"));
    }
    if let Some(allowed) = map.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        errors.push(format!("{path}: {value} not in enum"));
    }
    match map.get("type").and_then(Value::as_str) {
        Some("object") => {
            let Some(fields) = value.as_object() else {
                errors.push(format!("{path}: expected an object, got {value}"));
                return;
            };
            let props = map["properties"].as_object().unwrap();
            assert_eq!(map.get("additionalProperties"), Some(&Value::Bool(false)));
            for (key, v) in fields {
                match props.get(key) {
                    Some(p) => validate(root, p, v, &format!("{path}.{key}"), errors),
                    None => errors.push(format!("{path}: field {key} is not in the schema")),
                }
            }
            for req in map["required"].as_array().unwrap() {
                if !fields.contains_key(req.as_str().unwrap()) {
                    errors.push(format!("{path}: missing {req}"));
                }
            }
        }
        Some("array") => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    validate(root, &map["items"], item, &format!("{path}[{i}]"), errors);
                }
            }
            None => errors.push(format!("{path}: expected an array, got {value}")),
        },
        Some("string") => match value.as_str() {
            None => errors.push(format!("{path}: expected a string, got {value}")),
            Some(text) => {
                if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
                    // The one pattern the schemas use: a decimal as a string.
                    assert_eq!(pattern, "^-?[0-9]+(\\.[0-9]+)?$", "{path}: a new pattern");
                    let digits = text.strip_prefix('-').unwrap_or(text);
                    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
                    let all_digits =
                        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                    if !all_digits(whole) || !all_digits(fraction) {
                        errors.push(format!("{path}: {text:?} is not a decimal"));
                    }
                }
            }
        },
        Some("integer") => match value.as_i64() {
            None => errors.push(format!("{path}: expected an integer, got {value}")),
            Some(n) => {
                if let Some(min) = map.get("minimum").and_then(Value::as_i64)
                    && n < min
                {
                    errors.push(format!("{path}: {n} is below {min}"));
                }
            }
        },
        Some("boolean") if !value.is_boolean() => {
            errors.push(format!("{path}: expected a boolean, got {value}"))
        }
        Some("null") if !value.is_null() => {
            errors.push(format!("{path}: expected null, got {value}"))
        }
        Some("boolean" | "null") | None => {}
        Some(other) => errors.push(format!("{path}: type {other} is not checked by this test")),
    }
}

fn assert_valid(what: &str, value: &Value) {
    let root = schema(what);
    assert_eq!(
        value["schema_version"],
        root["properties"]["schema_version"]["const"]
    );
    let mut errors = Vec::new();
    validate(&root, &root, value, "", &mut errors);
    assert!(
        errors.is_empty(),
        "{what} output does not fit `jixiao schema {what}`:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_schemas_are_versioned_and_named() {
    for what in ["score", "review", "diff"] {
        let s = schema(what);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(s["$id"], format!("urn:jixiao:output:{what}:1"));
        assert_eq!(s["properties"]["schema_version"]["const"], 1);
        // `--output score`, as the issue writes it, names the same schema.
        assert_eq!(run_json(&["schema", "--output", what]), s);
    }
    // The form schema is still the default.
    assert_eq!(schema("form"), run_json(&["schema"]));
}

#[test]
fn score_output_of_every_shipped_form_fits_its_schema() {
    let out = run_json(&[
        "score",
        "--format",
        "json",
        "evaluations/",
        "tests/fixtures/review",
        // Rows reported by parts: the row's `parts` object, included and left-out parts.
        "tests/fixtures/tolerated/parts.toml",
        "tests/fixtures/odd/form-parts-mixed.toml",
    ]);
    assert!(out["forms"].as_array().unwrap().len() > 20);
    let parts = out.to_string().matches("\"working\"").count();
    assert!(parts >= 3, "the parts fixtures' rows carry their parts");
    assert_valid("score", &out);
    // Rates are percents everywhere, computed and claimed alike, as the field names say.
    let text = out.to_string();
    for old in [
        "\"claimed_rate\"",
        "\"claimed_deviation\"",
        "\"rate\":",
        "\"deviation\":",
    ] {
        assert!(!text.contains(old), "{old} is still in the score output");
    }
    let claimed: Vec<&Value> = out["forms"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            f["execution"]["claimed_rate_percent"]
                .as_object()
                .map(|_| f)
        })
        .collect();
    assert!(!claimed.is_empty());
    for form in claimed {
        let c = &form["execution"]["claimed_rate_percent"];
        let text = c["text"]
            .as_str()
            .unwrap()
            .trim()
            .trim_end_matches(['%', '％']);
        let value = c["value"].as_str().unwrap();
        // The value is the printed figure, in percent (`"95"` for `95%`), not a fraction.
        assert_eq!(
            value.parse::<f64>().unwrap(),
            text.trim().parse::<f64>().unwrap(),
            "{}: {c}",
            form["file"]
        );
    }
}

#[test]
fn review_output_fits_its_schema() {
    let out = run_json(&[
        "review",
        "--format",
        "json",
        "evaluations/",
        "tests/fixtures/review",
    ]);
    assert!(
        !out["batch"].as_array().unwrap().is_empty()
            || !out["forms"].as_array().unwrap().is_empty()
    );
    assert_valid("review", &out);
}

#[test]
fn diff_output_fits_its_schema() {
    let out = run_json(&[
        "diff",
        "--from",
        "henan-2023",
        "--to",
        "central-2020",
        "--format",
        "json",
        "evaluations/xuchang-2023",
    ]);
    assert!(!out["forms"].as_array().unwrap().is_empty());
    assert_valid("diff", &out);
}

#[test]
fn a_bad_input_in_a_batch_still_fits() {
    // An unreadable file among the forms: it is in `errors`, and the document is still valid.
    let scratch = common::scratch("output-schema-bad");
    std::fs::write(scratch.join("broken.toml"), "kind = [").unwrap();
    std::fs::copy(
        common::root().join("tests/fixtures/review/rate-mismatch/trigger.toml"),
        scratch.join("form.toml"),
    )
    .unwrap();
    let dir = scratch.to_str().unwrap();
    for what in ["score", "review"] {
        let out = common::jixiao(&[what, "--format", "json", dir]);
        let value: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(!value["errors"].as_array().unwrap().is_empty(), "{what}");
        assert_valid(what, &value);
    }
}
