//! The page and what it loads, embedded in the binary: no CDN, no build step. The stylesheet of
//! the HTML report (`report::html::CSS`) is served too, so that the form on the page has the
//! official layout the report prints.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/app.css");

/// A shipped example form: the four reference forms of `evaluations/xuchang-2023/`.
pub struct Example {
    pub id: &'static str,
    pub file: &'static str,
    pub text: &'static str,
}

macro_rules! example {
    ($id:literal) => {
        Example {
            id: $id,
            file: concat!("evaluations/xuchang-2023/", $id, ".toml"),
            text: include_str!(concat!("../../evaluations/xuchang-2023/", $id, ".toml")),
        }
    };
}

pub const EXAMPLES: &[Example] = &[
    example!("00-department"),
    example!("01-citizen-center-operations"),
    example!("02-digital-government-fund"),
    example!("03-e-seal-service"),
];

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

pub fn routes() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/app.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route(
            "/report.css",
            get(|| async { asset("text/css; charset=utf-8", crate::report::html::CSS) }),
        )
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}
