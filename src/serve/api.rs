//! The JSON API: score, review, import, export, rulesets, templates, the shipped examples.
//! Each handler reads its input, then does the work on the blocking pool through the session.

use super::error::{ApiError, DiagnosticOut, diagnostics_json, json_response};
use super::input::{Upload, clean_name, text, uploads};
use super::{AppState, Shared, assets};
use crate::app::load::{PathForms, load_bytes};
use crate::diag::Diagnostic;
use crate::form::{self, Form};
use crate::render::json::{SheetJson, sheet as sheet_json};
use crate::render::review as review_render;
use crate::render::schema::SCHEMA_VERSION;
use crate::review::{self, CheckSet, Family, Finding, FormReview};
use crate::rules::{FormKind, RulesetRef};
use crate::score::ScoreOptions;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Run `work` on the blocking pool; a panic there is a bug, said as one (500), not a crash.
async fn blocking<T: Send + 'static>(
    state: &Shared,
    work: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || work(&state))
        .await
        .map_err(|e| ApiError::internal(format!("内部错误 (internal error: {e})")))?
}

fn flag(value: Option<&str>) -> bool {
    value.is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"))
}

/// A form's TOML text as the page edits it: the same tables and keys, every number and date as
/// the text it reads as (`92.61`, `"205"`, `2023`), so that no scale is lost.
pub fn model_of(text: &str) -> Option<serde_json::Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let table: toml::Table = toml::from_str(text).ok()?;
    Some(json_of(&toml::Value::Table(table)))
}

fn json_of(value: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::String(i.to_string()),
        toml::Value::Float(f) => J::String(f.to_string()),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(items) => J::Array(items.iter().map(json_of).collect()),
        toml::Value::Table(table) => {
            J::Object(table.iter().map(|(k, v)| (k.clone(), json_of(v))).collect())
        }
    }
}

#[derive(Serialize)]
pub struct FindingOut<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    family: Option<Family>,
}

fn findings_json(findings: &[Finding]) -> Vec<FindingOut<'_>> {
    findings
        .iter()
        .map(|f| FindingOut {
            finding: f,
            family: f.family(),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct ScoreQuery {
    name: Option<String>,
    model: Option<String>,
}

#[derive(Serialize)]
struct ScoreOut<'a> {
    /// The version of the sheet's fields (`jixiao schema score`, its `sheet`).
    schema_version: u32,
    #[serde(flatten)]
    sheet: SheetJson<'a>,
    /// The review's findings (every check), each with its line and row.
    findings: Vec<FindingOut<'a>>,
    /// Warnings about the input (cells of a workbook that could not be placed).
    diagnostics: Vec<DiagnosticOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<serde_json::Value>,
}

fn one_upload(mut files: Vec<Upload>, endpoint: &str) -> Result<Upload, ApiError> {
    match (files.pop(), files.is_empty()) {
        (Some(file), true) => Ok(file),
        _ => Err(ApiError::bad_request(format!(
            "{endpoint} 每次一张表 ({endpoint} takes one form; send several to /api/review or /api/export)"
        ))),
    }
}

/// The single form of a file's contents, or why there is none.
fn single_form(name: &str, loaded: PathForms) -> Result<(Form, Vec<Diagnostic>), ApiError> {
    let PathForms {
        mut forms,
        warnings,
    } = loaded;
    if forms.len() > 1 {
        return Err(ApiError::bad_request(format!(
            "{name} 中有 {} 张表 ({name} holds {} forms: import it with /api/import, or review it with /api/review)",
            forms.len(),
            forms.len()
        )));
    }
    match forms.pop() {
        Some(Ok(form)) => Ok((form, warnings)),
        Some(Err(errors)) => Err(ApiError::unprocessable(errors)),
        None => Err(ApiError::unprocessable(vec![Diagnostic::error(
            "input::empty",
            format!("{name} 中没有表格 (no form in {name})"),
        )])),
    }
}

/// `POST /api/score`: a form in; its score sheet with traces, the review's findings and any
/// warnings out (the sheet's fields at the top level, as `jixiao score --format json` gives them).
pub async fn score(
    State(state): State<Shared>,
    Query(query): Query<ScoreQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let files = uploads(&state, request, query.name.as_deref(), "form.toml").await?;
    let upload = one_upload(files, "/api/score")?;
    let want_model = flag(query.model.as_deref());
    blocking(&state, move |state| {
        let model = if want_model {
            std::str::from_utf8(&upload.bytes).ok().and_then(model_of)
        } else {
            None
        };
        let with_model = |mut e: ApiError| {
            e.model = model.clone();
            e
        };
        let (form, warnings) = single_form(&upload.name, load_bytes(&upload.name, upload.bytes))
            .map_err(with_model)?;
        let scored = state
            .session
            .score(form, ScoreOptions { trace: true })
            .map_err(|e| with_model(ApiError::unprocessable(e)))?;
        let findings = review::review(&scored.ruleset, &scored.form, &scored.sheet);
        let out = ScoreOut {
            schema_version: SCHEMA_VERSION,
            sheet: sheet_json(&scored.sheet),
            findings: findings_json(&findings),
            diagnostics: diagnostics_json(&warnings),
            model,
        };
        Ok(json_response(StatusCode::OK, &out))
    })
    .await
}

#[derive(Deserialize)]
pub struct ReviewQuery {
    name: Option<String>,
    format: Option<String>,
    bom: Option<String>,
    only: Option<String>,
    skip: Option<String>,
}

fn selectors(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The forms of a request's files, in order, with the errors and warnings of reading them.
#[derive(Default)]
struct Loaded {
    forms: Vec<Form>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// Every form of the uploads; at most `max_forms` forms.
fn all_forms(files: Vec<Upload>, max_forms: usize) -> Result<Loaded, ApiError> {
    let mut loaded = Loaded::default();
    let mut count = 0usize;
    for file in files {
        let read = load_bytes(&file.name, file.bytes);
        loaded.warnings.extend(read.warnings);
        for form in read.forms {
            count += 1;
            if count > max_forms {
                return Err(ApiError::too_large(format!(
                    "表格过多 (more than {max_forms} forms in one request, the server's limit)"
                )));
            }
            match form {
                Ok(form) => loaded.forms.push(form),
                Err(e) => loaded.errors.extend(e),
            }
        }
    }
    Ok(loaded)
}

/// `POST /api/review`: one form or many (a multipart upload, or `{"forms": […]}`); each form's
/// review as `jixiao review --format json` gives it, the input errors, and the summary.
/// `?format=csv` gives the findings as CSV (`&bom=1` for Excel).
pub async fn review(
    State(state): State<Shared>,
    Query(query): Query<ReviewQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "未知的格式 {other} (format is json or csv)"
            )));
        }
    };
    let checks = CheckSet::select(
        &selectors(query.only.as_deref()),
        &selectors(query.skip.as_deref()),
    )
    .map_err(ApiError::bad_request)?;
    let files = uploads(&state, request, query.name.as_deref(), "form.toml").await?;
    let files_count = files.len();
    let bom = flag(query.bom.as_deref());
    blocking(&state, move |state| {
        let Loaded {
            forms,
            mut errors,
            warnings,
        } = all_forms(files, state.config.max_forms)?;
        let mut reviews: Vec<FormReview> = Vec::new();
        for form in &forms {
            match state.session.review(form, &checks) {
                Ok(r) => reviews.push(r),
                Err(e) => errors.extend(e),
            }
        }
        if reviews.is_empty() {
            let mut error = ApiError::unprocessable(errors);
            error.diagnostics.extend(warnings);
            return Err(error);
        }
        if csv {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&review_render::csv_header());
            for r in &reviews {
                text.push_str(&review_render::form_csv(r));
            }
            return Ok(download(
                text.into_bytes(),
                "text/csv; charset=utf-8",
                "findings.csv",
            ));
        }
        let summary = review_render::Summary::of(files_count, &reviews, errors.len());
        let forms: Vec<serde_json::Value> = reviews
            .iter()
            .map(|r| {
                serde_json::from_str(&review_render::form_json(r))
                    .unwrap_or(serde_json::Value::Null)
            })
            .collect();
        #[derive(Serialize)]
        struct Out<'a> {
            /// As `jixiao review --format json` gives it (`jixiao schema review`).
            schema_version: u32,
            forms: Vec<serde_json::Value>,
            errors: Vec<DiagnosticOut<'a>>,
            warnings: Vec<DiagnosticOut<'a>>,
            summary: &'a review_render::Summary,
        }
        Ok(json_response(
            StatusCode::OK,
            &Out {
                schema_version: SCHEMA_VERSION,
                forms,
                errors: diagnostics_json(&errors),
                warnings: diagnostics_json(&warnings),
                summary: &summary,
            },
        ))
    })
    .await
}

#[cfg(feature = "xlsx")]
#[derive(Deserialize)]
pub struct ImportQuery {
    name: Option<String>,
    year: Option<i32>,
    ruleset: Option<String>,
}

/// `POST /api/import`: workbooks in (the body, with `?name=`, or a multipart upload); each
/// table found, as form-file text, out.
#[cfg(feature = "xlsx")]
pub async fn import(
    State(state): State<Shared>,
    Query(query): Query<ImportQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    use crate::xlsx::{self, ImportOptions};
    if let Some(rules) = &query.ruleset {
        let parsed = if rules.contains(['/', '\\']) || rules.ends_with(".rules") {
            Err("a form names its ruleset by id, not by file".to_string())
        } else {
            RulesetRef::parse(rules).map(|_| ())
        };
        parsed.map_err(|m| {
            ApiError::bad_request(format!("ruleset 应为评分规则 id，如 henan-2023: {m}"))
        })?;
    }
    let files = uploads(&state, request, query.name.as_deref(), "workbook.xlsx").await?;
    let options = ImportOptions {
        year: query.year,
        ruleset: query.ruleset.clone(),
    };
    blocking(&state, move |state| {
        #[derive(Serialize)]
        struct FormOut<'a> {
            name: &'a str,
            kind: FormKind,
            sheet: &'a str,
            place: &'a str,
            source_name: &'a str,
            document: &'a str,
            toml: &'a str,
            /// What keeps the form from loading, at its cells (the text is given all the same).
            errors: Vec<DiagnosticOut<'a>>,
            warnings: Vec<DiagnosticOut<'a>>,
        }
        let mut imported = Vec::new();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        for file in files {
            let workbook = match xlsx::read_bytes(&file.name, file.bytes) {
                Ok(w) => w,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            };
            let import = xlsx::import_workbook(&workbook, &options);
            warnings.extend(import.warnings);
            if import.forms.is_empty() {
                errors.push(Diagnostic::error(
                    "xlsx::no-form",
                    format!(
                        "工作簿中没有找到自评表 (no form found in {}): expected header rows such as 年初预算数 / 全年执行数 and 一级指标 / 三级指标",
                        file.name
                    ),
                ));
            }
            for table in import.forms {
                match table {
                    Ok(form) => {
                        if imported.len() >= state.config.max_forms {
                            return Err(ApiError::too_large(format!(
                                "表格过多 (more than {} forms in one request, the server's limit)",
                                state.config.max_forms
                            )));
                        }
                        let load_errors = form.load().err().unwrap_or_default();
                        imported.push((form, load_errors));
                    }
                    Err(e) => errors.extend(e),
                }
            }
        }
        if imported.is_empty() {
            let mut error = ApiError::unprocessable(errors);
            error.diagnostics.extend(warnings);
            return Err(error);
        }
        let forms: Vec<FormOut<'_>> = imported
            .iter()
            .map(|(f, load_errors)| FormOut {
                name: &f.name,
                kind: f.kind,
                sheet: &f.sheet,
                place: &f.place,
                source_name: &f.source_name,
                document: &f.document,
                toml: &f.toml,
                errors: diagnostics_json(load_errors),
                warnings: diagnostics_json(&f.warnings),
            })
            .collect();
        #[derive(Serialize)]
        struct Out<'a> {
            forms: Vec<FormOut<'a>>,
            errors: Vec<DiagnosticOut<'a>>,
            warnings: Vec<DiagnosticOut<'a>>,
        }
        Ok(json_response(
            StatusCode::OK,
            &Out {
                forms,
                errors: diagnostics_json(&errors),
                warnings: diagnostics_json(&warnings),
            },
        ))
    })
    .await
}

#[cfg(not(feature = "xlsx"))]
pub async fn import() -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "此版本不含 Excel 支持 (this jixiao was built without the xlsx feature)",
    )
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    name: Option<String>,
    title: Option<String>,
}

/// `POST /api/export?format=toml|xlsx|html`: forms in (one, or several for xlsx and html);
/// the file to save out, as an attachment.
pub async fn export(
    State(state): State<Shared>,
    Query(query): Query<ExportQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let format = query.format.clone().unwrap_or_else(|| "html".into());
    if !matches!(format.as_str(), "toml" | "xlsx" | "html") {
        return Err(ApiError::bad_request(format!(
            "未知的格式 {format} (format is toml, xlsx or html)"
        )));
    }
    #[cfg(not(feature = "xlsx"))]
    if format == "xlsx" {
        return Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "此版本不含 Excel 支持 (this jixiao was built without the xlsx feature)",
        ));
    }
    let files = uploads(&state, request, query.name.as_deref(), "form.toml").await?;
    let first_name = files.first().map(|f| f.name.clone()).unwrap_or_default();
    let stem = first_name
        .rsplit_once('.')
        .map_or(first_name.as_str(), |(stem, _)| stem)
        .to_string();
    if format == "toml" {
        let (name, text) = text(one_upload(files, "/api/export?format=toml")?)?;
        return blocking(&state, move |_| {
            form::load_str(&name, &text).map_err(ApiError::unprocessable)?;
            Ok(download(
                text.into_bytes(),
                "application/toml; charset=utf-8",
                &format!("{stem}.toml"),
            ))
        })
        .await;
    }
    let title = query
        .title
        .clone()
        .unwrap_or_else(|| "预算绩效自评结果".into());
    blocking(&state, move |state| {
        let Loaded {
            forms, mut errors, ..
        } = all_forms(files, state.config.max_forms)?;
        let mut scored = Vec::new();
        for form in forms {
            match state.session.score(form, ScoreOptions { trace: true }) {
                Ok(s) => scored.push(s),
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() || scored.is_empty() {
            return Err(ApiError::unprocessable(errors));
        }
        let views = crate::report::layout::reviewed_views(&scored);
        match format.as_str() {
            #[cfg(feature = "xlsx")]
            "xlsx" => {
                let findings: Vec<_> = views.iter().flat_map(|v| v.findings.clone()).collect();
                let bytes = crate::report::xlsx::export(&views, &findings)
                    .map_err(|d| ApiError::from_diagnostic(StatusCode::INTERNAL_SERVER_ERROR, d))?;
                Ok(download(
                    bytes,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &format!("{stem}.xlsx"),
                ))
            }
            _ => Ok(download(
                crate::report::html::render(&views, &title).into_bytes(),
                "text/html; charset=utf-8",
                &format!("{stem}.html"),
            )),
        }
    })
    .await
}

/// A response the browser saves as `file_name`.
pub fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(file_name)
    );
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        bytes,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /api/rulesets`: the rulesets the server scores with.
pub async fn rulesets(State(state): State<Shared>) -> Response {
    #[derive(Serialize)]
    struct Years {
        from: i32,
        to: Option<i32>,
    }
    #[derive(Serialize)]
    struct RulesetOut<'a> {
        id: &'a str,
        version: u32,
        label: String,
        title: &'a str,
        basis: Option<&'a str>,
        years: Years,
        kinds: Vec<&'static str>,
        grades: Vec<&'a str>,
        /// `--rules` forces this one on every form.
        forced: bool,
    }
    let forced = state.session.forced().map(|r| r.label());
    let out: Vec<RulesetOut<'_>> = state
        .session
        .registry()
        .all()
        .iter()
        .map(|r| RulesetOut {
            id: &r.id,
            version: r.version,
            label: r.label(),
            title: &r.title,
            basis: r.basis.as_deref(),
            years: Years {
                from: r.years.from,
                to: r.years.to,
            },
            kinds: r.templates.iter().map(|t| t.kind.name()).collect(),
            grades: r.grades.iter().map(|g| g.name.as_str()).collect(),
            forced: forced.as_deref() == Some(r.label().as_str()),
        })
        .collect();
    json_response(StatusCode::OK, &out)
}

#[derive(Deserialize)]
pub struct TemplateQuery {
    ruleset: Option<String>,
    kind: Option<String>,
    year: Option<i32>,
}

/// `GET /api/template?ruleset=henan-2023&kind=项目`: a blank form of the ruleset's template,
/// as `jixiao init` writes it. The ruleset is named by id only: never a path.
pub async fn template(
    State(state): State<Shared>,
    Query(query): Query<TemplateQuery>,
) -> Result<Response, ApiError> {
    let kind_text = query.kind.as_deref().unwrap_or("");
    let kind = FormKind::from_name(kind_text).ok_or_else(|| {
        ApiError::bad_request(format!(
            "未知的表类型 {kind_text} (kind is 项目 or 部门整体)"
        ))
    })?;
    let registry = state.session.registry();
    let (ruleset, named) = match &query.ruleset {
        Some(value) => {
            let wanted = RulesetRef::parse(value).map_err(ApiError::bad_request)?;
            let found = registry.find(&wanted).ok_or_else(|| {
                let known: Vec<String> = registry.all().iter().map(|r| r.label()).collect();
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!(
                        "找不到评分规则 {value} (no ruleset `{value}`; known: {})",
                        known.join(", ")
                    ),
                )
            })?;
            (Arc::clone(found), value.trim().to_string())
        }
        None => {
            let r = state
                .session
                .forced()
                .or_else(|| registry.all().first())
                .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "没有评分规则 (no ruleset)"))?;
            (Arc::clone(r), r.id.clone())
        }
    };
    let year = query.year.unwrap_or(ruleset.years.from);
    let text = crate::form::blank::blank_form(&ruleset, kind, year, &named)
        .map_err(|m| ApiError::new(StatusCode::NOT_FOUND, m))?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/toml; charset=utf-8"),
        )],
        text,
    )
        .into_response())
}

/// `GET /api/examples`: the shipped example forms (the four reference forms).
pub async fn examples() -> Response {
    #[derive(Serialize)]
    struct ExampleOut {
        id: &'static str,
        file: &'static str,
        name: String,
        kind: String,
        year: i32,
    }
    let out: Vec<ExampleOut> = assets::EXAMPLES
        .iter()
        .map(|e| {
            let form = form::load_str(e.file, e.text).ok();
            ExampleOut {
                id: e.id,
                file: e.file,
                name: form
                    .as_ref()
                    .map_or(String::new(), |f| f.name().to_string()),
                kind: form
                    .as_ref()
                    .map_or(String::new(), |f| f.kind.value.name().to_string()),
                year: form.as_ref().map_or(0, |f| f.year.value),
            }
        })
        .collect();
    json_response(StatusCode::OK, &out)
}

/// `GET /api/examples/{id}`: an example form's text.
pub async fn example(Path(id): Path<String>) -> Result<Response, ApiError> {
    let example = assets::EXAMPLES
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "没有示例 {} (no example named `{}`)",
                    clean_name(&id, ""),
                    clean_name(&id, "")
                ),
            )
        })?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/toml; charset=utf-8"),
        )],
        example.text,
    )
        .into_response())
}

pub async fn not_found(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "没有这个地址 (no such endpoint: {} {}); see docs/api.md",
            request.method(),
            request.uri().path()
        ),
    )
}
