//! Errors as the API gives them: a status, a message, and the located diagnostics (as
//! `jixiao score --format json` gives them, with the text the command line prints).

use crate::diag::{Diagnostic, DiagnosticJson};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::time::Duration;

/// A diagnostic with the text the command line prints for it (file, line, column, the source
/// line and a caret).
#[derive(Serialize)]
pub struct DiagnosticOut<'a> {
    #[serde(flatten)]
    pub json: DiagnosticJson<'a>,
    pub rendered: String,
}

pub fn diagnostics_json(diagnostics: &[Diagnostic]) -> Vec<DiagnosticOut<'_>> {
    diagnostics
        .iter()
        .map(|d| DiagnosticOut {
            json: d.to_json(),
            rendered: d.to_string(),
        })
        .collect()
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
    /// The form as the page edits it, when its text was TOML (`model=1`).
    pub model: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            diagnostics: Vec::new(),
            model: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// A form that does not load or score: 422 with its located diagnostics.
    pub fn unprocessable(diagnostics: Vec<Diagnostic>) -> ApiError {
        let message = diagnostics
            .first()
            .map(Diagnostic::headline)
            .unwrap_or_else(|| "表格无法读取 (the form could not be read)".into());
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
            diagnostics,
            model: None,
        }
    }

    /// A diagnostic of the request itself (a bad name, a file that exists) with a status.
    pub fn from_diagnostic(status: StatusCode, diagnostic: Diagnostic) -> ApiError {
        ApiError {
            status,
            message: diagnostic.headline(),
            diagnostics: vec![diagnostic],
            model: None,
        }
    }

    pub fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    status: u16,
    diagnostics: Vec<DiagnosticOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a serde_json::Value>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.message,
            status: self.status.as_u16(),
            diagnostics: diagnostics_json(&self.diagnostics),
            model: self.model.as_ref(),
        };
        json_response(self.status, &body)
    }
}

/// A JSON response; serializing our own types cannot fail, but if it did the client hears so.
pub fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Every request ends within the timeout: past it, 503 with a message (work already started on
/// the blocking pool finishes there, its answer unused).
pub async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "请求超时 (the request took longer than {} s, the server's limit)",
                limit.as_secs_f64()
            ),
        )
        .into_response(),
    }
}

/// Requests from another web site's page are refused: a page elsewhere may send a form to a
/// local server (a "simple" cross-site request needs no permission), but not make it save one.
/// Requests with no `Origin` (curl, scripts, same-origin GETs) pass.
pub async fn same_origin(request: Request, next: Next) -> Response {
    if let Some(origin) = request.headers().get(header::ORIGIN)
        && !origin_matches_host(origin, request.headers())
    {
        return ApiError::new(
                StatusCode::FORBIDDEN,
                "拒绝跨站请求 (a request from another site's page is refused: the Origin does not match the Host)",
            )
            .into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    response
}

fn origin_matches_host(origin: &HeaderValue, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest.trim_end_matches('/') == host)
}
