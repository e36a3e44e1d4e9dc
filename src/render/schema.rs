//! The JSON Schemas of jixiao's JSON output (`jixiao schema score|review|diff`), versioned: every
//! JSON document jixiao writes starts with `"schema_version"`, and a change that could break a
//! reader (a field renamed, removed or given another meaning) raises it.
//!
//! The schemas are strict (`additionalProperties: false`, every field required unless it is left
//! out when empty), so that the tests, which validate real outputs against them, catch any field
//! the code adds or renames without saying so here.

use serde_json::{Map, Value, json};

/// The version of the JSON output, in every document (`"schema_version": 1`).
pub const SCHEMA_VERSION: u32 = 1;

/// Which output a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Score,
    Review,
    Diff,
}

fn string() -> Value {
    json!({"type": "string"})
}

fn count() -> Value {
    json!({"type": "integer", "minimum": 0})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

/// A decimal as a string that keeps its scale (`"8.22"`, `"90.00"`).
fn decimal() -> Value {
    json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"})
}

/// A percentage as a decimal string: `"74.01"` is 74.01%.
fn percent(what: &str) -> Value {
    let mut v = decimal();
    v["description"] = json!(format!("{what}, in percent: \"74.01\" is 74.01%"));
    v
}

fn nullable(v: Value) -> Value {
    json!({"anyOf": [v, {"type": "null"}]})
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/$defs/{name}")})
}

fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

/// An object with exactly these fields, each required but those in `optional`.
fn object(fields: Vec<(&str, Value)>, optional: &[&str]) -> Value {
    let required: Vec<&str> = fields
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !optional.contains(k))
        .collect();
    let properties: Map<String, Value> = fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
        "required": required,
    })
}

fn kind() -> Value {
    one_of(&["项目", "部门整体"])
}

fn diagnostic() -> Value {
    object(
        vec![
            ("severity", one_of(&["warning", "error"])),
            ("code", string()),
            ("message", string()),
            ("file", nullable(string())),
            ("place", string()),
            ("line", nullable(count())),
            ("column", nullable(count())),
            ("label", nullable(string())),
            ("notes", array(string())),
            ("help", nullable(string())),
        ],
        &["place"],
    )
}

/// A row reported by parts: each part, and how they combined into the row's actual.
fn parts_schema() -> Value {
    let part = object(
        vec![
            ("name", string()),
            ("line", count()),
            ("actual", string()),
            ("funds", nullable(decimal())),
            ("included", boolean()),
        ],
        &[],
    );
    object(
        vec![
            ("rule", string()),
            ("parts", array(part)),
            ("combined", nullable(string())),
            ("working", nullable(string())),
            ("claimed_actual", nullable(string())),
        ],
        &[],
    )
}

fn trace() -> Value {
    object(
        vec![
            ("rule", string()),
            ("source", string()),
            ("formula", string()),
            (
                "inputs",
                array(object(vec![("name", string()), ("value", string())], &[])),
            ),
            ("raw", string()),
            ("result", string()),
            ("notes", array(string())),
        ],
        &[],
    )
}

/// The score sheet of one form (`score`'s `forms`, and `/api/score`).
///
/// size: one declarative schema table, field by field in the order the output writes them;
/// split, one document's shape would be spread over several functions.
fn sheet_defs(defs: &mut Map<String, Value>) {
    let claimed = object(
        vec![("value", decimal()), ("text", string()), ("line", count())],
        &[],
    );
    let claimed_percent = object(
        vec![
            ("value", nullable(percent("the claimed figure"))),
            ("text", string()),
            ("line", count()),
        ],
        &[],
    );
    let claimed_text = object(vec![("text", string()), ("line", count())], &[]);
    let c = || nullable(reference("claimed"));
    let cp = || nullable(reference("claimed_percent"));
    let t = || nullable(reference("trace"));
    let execution = object(
        vec![
            ("weight", decimal()),
            ("denominator", string()),
            ("rate_percent", nullable(percent("the execution rate"))),
            ("score", decimal()),
            ("claimed_rate_percent", cp()),
            ("claimed_score", c()),
            ("explanation_required", boolean()),
            ("has_explanation", boolean()),
            ("rate_trace", t()),
            ("trace", t()),
        ],
        &[],
    );
    let source = object(
        vec![
            ("name", string()),
            ("line", count()),
            (
                "rate_percent",
                nullable(percent("the fund source's execution rate")),
            ),
            ("claimed_rate_percent", cp()),
        ],
        &[],
    );
    let item = object(
        vec![
            ("name", string()),
            ("line", count()),
            ("weight", decimal()),
            ("score", decimal()),
            ("claimed", c()),
            ("note", nullable(string())),
        ],
        &[],
    );
    let section = object(
        vec![
            ("name", string()),
            ("weight", decimal()),
            ("score", decimal()),
            ("items", array(item)),
        ],
        &[],
    );
    let indicator = object(
        vec![
            ("level1", string()),
            ("level2", string()),
            ("name", string()),
            ("line", count()),
            (
                "kind",
                one_of(&["quantitative", "qualitative", "not-applicable"]),
            ),
            ("target", string()),
            ("actual", string()),
            ("weight", decimal()),
            (
                "status",
                one_of(&["met", "unmet", "not-applicable", "unverifiable"]),
            ),
            ("tier", nullable(string())),
            ("score", decimal()),
            (
                "deviation_percent",
                nullable(percent("the deviation (偏差度)")),
            ),
            ("explanation_required", boolean()),
            ("has_explanation", boolean()),
            ("claimed_score", c()),
            ("claimed_deviation_percent", cp()),
            ("score_trace", t()),
            ("deviation_trace", t()),
            ("parts", nullable(parts_schema())),
        ],
        &[],
    );
    let level1 = object(
        vec![
            ("name", string()),
            ("rule_weight", nullable(decimal())),
            ("weight", decimal()),
            ("score", decimal()),
        ],
        &[],
    );
    let mismatch = object(
        vec![
            ("field", string()),
            ("row", string()),
            ("line", count()),
            ("place", string()),
            ("claimed", string()),
            ("computed", string()),
            ("formula", nullable(string())),
        ],
        &["place"],
    );
    let sheet = object(
        vec![
            ("file", string()),
            ("name", string()),
            ("kind", kind()),
            ("year", json!({"type": "integer"})),
            ("title", nullable(string())),
            ("department", nullable(string())),
            ("unit", nullable(string())),
            ("ruleset", string()),
            ("ruleset_selection", string()),
            ("execution", execution),
            ("sources", array(source)),
            ("sections", array(section)),
            ("indicators", array(indicator)),
            ("level1", array(level1)),
            ("total", decimal()),
            // null: the ruleset does not grade (`grades none`, 可以不评级).
            ("grade", nullable(string())),
            ("claimed_total", c()),
            ("claimed_grade", nullable(reference("claimed_text"))),
            ("total_trace", t()),
            ("tolerance", decimal()),
            ("mismatches", array(mismatch)),
            ("structure", array(reference("diagnostic"))),
        ],
        &[],
    );
    defs.insert("claimed".into(), claimed);
    defs.insert("claimed_percent".into(), claimed_percent);
    defs.insert("claimed_text".into(), claimed_text);
    defs.insert("trace".into(), trace());
    defs.insert("sheet".into(), sheet);
}

/// The fields of a review finding, with any added before them (`form`, `department`, `unit`).
fn finding(before: Vec<(&'static str, Value)>) -> Value {
    let mut fields = before;
    fields.extend([
        ("code", string()),
        ("severity", one_of(&["warning", "error"])),
        ("file", string()),
        ("line", nullable(count())),
        ("place", string()),
        ("row", string()),
        ("field", string()),
        ("message", string()),
        (
            "evidence",
            array(object(vec![("name", string()), ("value", string())], &[])),
        ),
        (
            "family",
            nullable(one_of(&[
                "claimed",
                "consistency",
                "plausibility",
                "design",
                "batch",
            ])),
        ),
    ]);
    object(fields, &["place"])
}

fn review_defs(defs: &mut Map<String, Value>) {
    let form = object(
        vec![
            ("file", string()),
            ("name", string()),
            ("kind", kind()),
            ("year", json!({"type": "integer"})),
            ("department", nullable(string())),
            ("unit", nullable(string())),
            ("ruleset", string()),
            ("ruleset_selection", string()),
            (
                "claimed",
                object(
                    vec![("total", nullable(string())), ("grade", nullable(string()))],
                    &[],
                ),
            ),
            (
                "recomputed",
                object(
                    vec![("total", string()), ("grade", nullable(string()))],
                    &[],
                ),
            ),
            ("errors", count()),
            ("warnings", count()),
            ("findings", array(reference("finding"))),
        ],
        &[],
    );
    let summary = object(
        vec![
            ("files", count()),
            ("reviewed", count()),
            ("input_errors", count()),
            ("errors", count()),
            ("warnings", count()),
            (
                "by_code",
                array(object(
                    vec![
                        ("code", string()),
                        ("severity", one_of(&["warning", "error"])),
                        ("count", count()),
                    ],
                    &[],
                )),
            ),
            (
                "grades",
                array(object(
                    vec![
                        ("claimed", string()),
                        ("recomputed", string()),
                        ("count", count()),
                    ],
                    &[],
                )),
            ),
            (
                "units",
                array(object(
                    vec![
                        ("department", string()),
                        ("unit", string()),
                        ("forms", count()),
                        ("claimed_mean", nullable(string())),
                        ("recomputed_mean", string()),
                        ("inflation", string()),
                        ("errors", count()),
                        ("warnings", count()),
                    ],
                    &[],
                )),
            ),
        ],
        &[],
    );
    defs.insert("form".into(), form);
    defs.insert("finding".into(), finding(Vec::new()));
    defs.insert(
        "batch_finding".into(),
        finding(vec![
            ("form", string()),
            ("department", string()),
            ("unit", string()),
        ]),
    );
    defs.insert("summary".into(), summary);
}

/// The `diff` document.
///
/// size: one declarative schema table, like [`sheet_defs`].
fn diff_defs(defs: &mut Map<String, Value>) {
    let side = object(
        vec![
            ("ruleset", string()),
            ("origin", string()),
            ("title", string()),
            ("years", string()),
        ],
        &[],
    );
    let figures = object(
        vec![
            ("ruleset", string()),
            ("total", decimal()),
            ("grade", string()),
            (
                "execution_rate_percent",
                nullable(percent("the execution rate")),
            ),
            ("execution_score", decimal()),
        ],
        &[],
    );
    let rule = nullable(object(
        vec![
            ("rule", string()),
            ("source", string()),
            ("formula", string()),
        ],
        &[],
    ));
    let change = object(
        vec![
            (
                "subject",
                one_of(&[
                    "total",
                    "grade",
                    "execution-rate",
                    "execution-score",
                    "section-item",
                    "indicator",
                ]),
            ),
            ("item", string()),
            ("level1", nullable(string())),
            ("level2", nullable(string())),
            ("line", nullable(count())),
            ("field", string()),
            ("from", string()),
            ("to", string()),
            ("delta", nullable(string())),
            ("from_rule", rule.clone()),
            ("to_rule", rule),
        ],
        &[],
    );
    let form = object(
        vec![
            ("file", string()),
            ("name", string()),
            ("kind", kind()),
            ("year", json!({"type": "integer"})),
            (
                "status",
                one_of(&[
                    "unchanged",
                    "changed",
                    "fails-under-from",
                    "fails-under-to",
                    "fails-under-both",
                ]),
            ),
            ("from", nullable(reference("figures"))),
            ("to", nullable(reference("figures"))),
            ("changes", array(change)),
            ("from_errors", array(reference("diagnostic"))),
            ("to_errors", array(reference("diagnostic"))),
        ],
        &[],
    );
    let summary = object(
        vec![
            ("forms", count()),
            ("changed", count()),
            ("unchanged", count()),
            ("fails_under_from", count()),
            ("fails_under_to", count()),
            ("fails_under_both", count()),
            ("grade_changes", count()),
            (
                "grades",
                object(
                    vec![
                        ("from_grades", array(string())),
                        ("to_grades", array(string())),
                        ("counts", array(array(count()))),
                    ],
                    &[],
                ),
            ),
            (
                "largest_moves",
                array(object(
                    vec![
                        ("file", string()),
                        ("name", string()),
                        ("from_total", decimal()),
                        ("to_total", decimal()),
                        ("delta", string()),
                        ("from_grade", string()),
                        ("to_grade", string()),
                    ],
                    &[],
                )),
            ),
        ],
        &[],
    );
    defs.insert("side".into(), side);
    defs.insert("figures".into(), figures);
    defs.insert("form".into(), form);
    defs.insert("summary".into(), summary);
}

/// The schema of one output, as a JSON value.
pub fn schema(output: Output) -> Value {
    let mut defs = Map::new();
    defs.insert("diagnostic".into(), diagnostic());
    let version = ("schema_version", json!({"const": SCHEMA_VERSION}));
    let errors = ("errors", array(reference("diagnostic")));
    let (name, title, root) = match output {
        Output::Score => {
            sheet_defs(&mut defs);
            let summary = object(
                vec![("files", count()), ("scored", count()), ("errors", count())],
                &[],
            );
            let fields = vec![
                version,
                ("forms", array(reference("sheet"))),
                errors,
                ("summary", summary),
            ];
            ("score", "jixiao score --format json", object(fields, &[]))
        }
        Output::Review => {
            review_defs(&mut defs);
            let fields = vec![
                version,
                ("forms", array(reference("form"))),
                ("batch", array(reference("batch_finding"))),
                errors,
                ("summary", reference("summary")),
            ];
            ("review", "jixiao review --format json", object(fields, &[]))
        }
        Output::Diff => {
            diff_defs(&mut defs);
            let fields = vec![
                version,
                ("from", reference("side")),
                ("to", reference("side")),
                ("forms", array(reference("form"))),
                ("summary", reference("summary")),
                errors,
            ];
            ("diff", "jixiao diff --format json", object(fields, &[]))
        }
    };
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    schema.insert(
        "$id".into(),
        json!(format!("urn:jixiao:output:{name}:{SCHEMA_VERSION}")),
    );
    schema.insert(
        "title".into(),
        json!(format!("{title} (schema_version {SCHEMA_VERSION})")),
    );
    if let Value::Object(root) = root {
        schema.extend(root);
    }
    schema.insert("$defs".into(), Value::Object(defs));
    Value::Object(schema)
}

/// The schema as `jixiao schema` prints it.
pub fn text(output: Output) -> String {
    let mut text = super::json::to_string(&schema(output));
    text.push('\n');
    text
}
