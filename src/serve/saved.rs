//! Forms saved on the server (`--data DIR` only): listed, read and written by plain file name.
//!
//! A name is one file name ending in `.toml`: no directory part, no leading dot, no characters
//! that file systems treat specially, so that no request reaches outside the directory. Only
//! regular files are read (a symbolic link placed there is not followed). Writes are atomic and
//! refuse an existing file unless the request says `overwrite=true`.

use super::Shared;
use super::error::{ApiError, json_response};
use super::input::body_bytes;
use crate::diag::Diagnostic;
use crate::write::{Overwrite, write_atomic};
use axum::extract::{Path as UrlPath, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The longest name accepted, in characters.
const MAX_NAME: usize = 100;

fn data_dir(state: &Shared) -> Result<&Path, ApiError> {
    state.config.data.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "未开启保存 (saving is off: start the server with `jixiao serve --data DIR`)",
        )
    })
}

/// The path of a saved form in `dir`, or why `name` is not a name one can save under.
pub fn saved_path(dir: &Path, name: &str) -> Result<PathBuf, ApiError> {
    let bad = |why: &str| {
        ApiError::bad_request(format!(
            "文件名不可用 (`{}` cannot be a saved form's name: {why})",
            name.chars()
                .filter(|c| !c.is_control())
                .take(MAX_NAME)
                .collect::<String>()
        ))
    };
    if name.chars().count() > MAX_NAME {
        return Err(bad("longer than 100 characters"));
    }
    if name.starts_with('.') || name.contains("..") {
        return Err(bad("it starts with a dot or holds `..`"));
    }
    if name.chars().any(|c| {
        c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
    }) {
        return Err(bad(
            "a name holds no / \\ : * ? \" < > | or control characters",
        ));
    }
    let Some(stem) = name.strip_suffix(".toml") else {
        return Err(bad("it must end in .toml"));
    };
    if stem.trim().is_empty() || name.trim() != name {
        return Err(bad("it is empty or starts or ends with a space"));
    }
    let path = dir.join(name);
    // With no separator in the name, the file is directly in the directory; say so once more.
    if path.parent() != Some(dir) {
        return Err(bad("it is not a plain file name"));
    }
    Ok(path)
}

#[derive(Serialize)]
struct SavedFile {
    name: String,
    bytes: u64,
    /// Seconds since the Unix epoch.
    modified: Option<u64>,
}

/// `GET /api/saved`: whether saving is on, and the saved forms (newest first).
pub async fn list(State(state): State<Shared>) -> Result<Response, ApiError> {
    #[derive(Serialize)]
    struct Out {
        enabled: bool,
        files: Vec<SavedFile>,
    }
    let Some(dir) = state.config.data.clone() else {
        return Ok(json_response(
            StatusCode::OK,
            &Out {
                enabled: false,
                files: Vec::new(),
            },
        ));
    };
    let files = tokio::task::spawn_blocking(move || {
        let mut files = Vec::new();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return files;
        };
        for entry in entries.flatten().take(10_000) {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if !kind.is_file() || saved_path(&dir, &name).is_err() {
                continue;
            }
            let meta = entry.metadata().ok();
            files.push(SavedFile {
                name,
                bytes: meta.as_ref().map_or(0, std::fs::Metadata::len),
                modified: meta
                    .and_then(|m| m.modified().ok())
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_secs()),
            });
        }
        files.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.name.cmp(&b.name)));
        files
    })
    .await
    .unwrap_or_default();
    Ok(json_response(
        StatusCode::OK,
        &Out {
            enabled: true,
            files,
        },
    ))
}

/// `GET /api/saved/{name}`: a saved form's text.
pub async fn read(
    State(state): State<Shared>,
    UrlPath(name): UrlPath<String>,
) -> Result<Response, ApiError> {
    let path = saved_path(data_dir(&state)?, &name)?;
    let limit = state.config.max_body as u64;
    let text = tokio::task::spawn_blocking(move || {
        // A regular file only: a link placed in the directory is not followed.
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_file() => {}
            _ => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("没有保存的表 {name} (no saved form named `{name}`)"),
                ));
            }
        }
        crate::read_limited(&path, limit)
            .and_then(|bytes| crate::decode_text(&name, bytes))
            .map_err(ApiError::unprocessable)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
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

#[derive(Deserialize)]
pub struct SaveQuery {
    overwrite: Option<String>,
}

/// `POST /api/saved/{name}[?overwrite=true]`: save a form's text (UTF-8 TOML; a draft that does
/// not score yet is saved all the same). 201 when written, 409 when the name is taken.
pub async fn save(
    State(state): State<Shared>,
    UrlPath(name): UrlPath<String>,
    Query(query): Query<SaveQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let path = saved_path(data_dir(&state)?, &name)?;
    let overwrite = match query.overwrite.as_deref().map(str::trim) {
        Some("1" | "true" | "yes") => Overwrite::Allow,
        _ => Overwrite::Refuse,
    };
    let bytes = body_bytes(request, state.config.max_body).await?;
    tokio::task::spawn_blocking(move || {
        let text = crate::decode_text(&name, bytes).map_err(ApiError::unprocessable)?;
        let source = crate::diag::SourceFile::new(&name, text);
        if let Err(e) = toml::from_str::<toml::Table>(source.text()) {
            return Err(ApiError::unprocessable(vec![crate::form::toml_diagnostic(
                &source, &e,
            )]));
        }
        write_atomic(&path, source.text().as_bytes(), overwrite).map_err(|d: Diagnostic| {
            let status = if d.code == "output::exists" {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            // The message names the file by its name, not by the server's path.
            let mut d = d;
            d.message = d.message.replace(&path.display().to_string(), &name);
            if status == StatusCode::CONFLICT {
                d.help = Some("send overwrite=true to replace it".into());
            }
            ApiError::from_diagnostic(status, d)
        })?;
        #[derive(Serialize)]
        struct Out<'a> {
            saved: &'a str,
        }
        Ok(json_response(StatusCode::CREATED, &Out { saved: &name }))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}
