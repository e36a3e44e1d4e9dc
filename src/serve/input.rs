//! What a request sends: one form's text as the body, JSON with the text, or files in a
//! multipart upload. The names are what messages call the files; they never reach the disk.

use super::Shared;
use super::error::ApiError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use serde::Deserialize;

/// One file of a request.
#[derive(Debug)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonForm {
    name: Option<String>,
    toml: String,
}

/// `{"toml": "…", "name": "…"}` or `{"forms": [{"toml": "…", "name": "…"}, …]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonInput {
    name: Option<String>,
    toml: Option<String>,
    forms: Option<Vec<JsonForm>>,
}

/// A file name as messages show it: its last component, no control characters, at most 120
/// characters; `default` when nothing is left.
pub fn clean_name(name: &str, default: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        default.to_string()
    } else {
        clean.to_string()
    }
}

/// The files of a request: a multipart upload (each part a file), JSON, or the body itself
/// (named by `?name=`, else `default`).
pub async fn uploads(
    state: &Shared,
    request: Request,
    name: Option<&str>,
    default: &str,
) -> Result<Vec<Upload>, ApiError> {
    let limits = &state.config;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let too_many = || {
        ApiError::too_large(format!(
            "表格过多 (more than {} forms in one request, the server's limit)",
            limits.max_forms
        ))
    };
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|e| ApiError::bad_request(format!("multipart: {}", e.body_text())))?;
        let mut files = Vec::new();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) => return Err(multipart_error(&e, limits.max_body)),
            };
            let field_name = field
                .file_name()
                .or(field.name())
                .unwrap_or(default)
                .to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| multipart_error(&e, limits.max_body))?;
            if files.len() >= limits.max_forms {
                return Err(too_many());
            }
            files.push(Upload {
                name: clean_name(&field_name, default),
                bytes: bytes.to_vec(),
            });
        }
        if files.is_empty() {
            return Err(ApiError::bad_request(
                "上传中没有文件 (the multipart upload holds no file)",
            ));
        }
        return expand_zips(files, limits.max_forms, limits.max_body);
    }
    let json = content_type.starts_with("application/json");
    let body = body_bytes(request, limits.max_body).await?;
    if !json {
        if body.is_empty() {
            return Err(ApiError::bad_request(
                "请求体为空 (the request body is empty: send a form file's text)",
            ));
        }
        return Ok(vec![Upload {
            name: clean_name(name.unwrap_or(default), default),
            bytes: body,
        }]);
    }
    let input: JsonInput = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!(
            "JSON 无法读取 (the JSON body could not be read: {e}); send {{\"toml\": \"…\"}} or {{\"forms\": [{{\"toml\": \"…\"}}]}}"
        ))
    })?;
    let default_name = input
        .name
        .as_deref()
        .or(name)
        .unwrap_or(default)
        .to_string();
    let mut files = Vec::new();
    if let Some(toml) = input.toml {
        files.push(Upload {
            name: clean_name(&default_name, default),
            bytes: toml.into_bytes(),
        });
    }
    for (i, form) in input.forms.into_iter().flatten().enumerate() {
        if files.len() >= limits.max_forms {
            return Err(too_many());
        }
        let fallback = format!("form-{}.toml", i + 1);
        files.push(Upload {
            name: clean_name(form.name.as_deref().unwrap_or(&fallback), &fallback),
            bytes: form.toml.into_bytes(),
        });
    }
    if files.is_empty() {
        return Err(ApiError::bad_request(
            "JSON 中没有表格 (the JSON body has neither \"toml\" nor \"forms\")",
        ));
    }
    Ok(files)
}

/// The whole body, refused with 413 past `limit` bytes.
pub async fn body_bytes(request: Request, limit: usize) -> Result<Vec<u8>, ApiError> {
    let too_large = || {
        ApiError::too_large(format!(
            "请求体过大 (the request body is larger than {limit} bytes, the server's limit; see --max-body)"
        ))
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match axum::body::to_bytes(request.into_body(), limit).await {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(e) if e.to_string().contains("length limit") => Err(too_large()),
        Err(e) => Err(ApiError::bad_request(format!(
            "请求体无法读取 (the request body could not be read: {e})"
        ))),
    }
}

fn multipart_error(e: &axum::extract::multipart::MultipartError, limit: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(format!(
            "请求体过大 (the upload is larger than {limit} bytes, the server's limit; see --max-body)"
        ))
    } else {
        ApiError::bad_request(format!("multipart: {}", e.body_text()))
    }
}

/// Text from bytes, with the located message the command line gives for other encodings.
pub fn text(upload: Upload) -> Result<(String, String), ApiError> {
    let Upload { name, bytes } = upload;
    crate::decode_text(&name, bytes)
        .map(|text| (name, text))
        .map_err(ApiError::unprocessable)
}

/// A `.zip` among the uploads (a bureau's folder of submissions) stands for the files in it: each
/// entry becomes an upload named `archive.zip/entry`. Bounded like the request itself: at most
/// `max_forms` files, each and all together at most `max_body` bytes uncompressed (the read stops
/// past it, whatever the archive declares), every entry's CRC checked by reading it whole.
fn expand_zips(
    files: Vec<Upload>,
    max_forms: usize,
    max_body: usize,
) -> Result<Vec<Upload>, ApiError> {
    use std::io::Read;
    let mut out = Vec::with_capacity(files.len());
    let mut total = 0usize;
    for file in files {
        if !file.name.to_ascii_lowercase().ends_with(".zip") {
            out.push(file);
            continue;
        }
        let bad = |why: String| ApiError::bad_request(format!("{}: {why}", file.name));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(file.bytes.as_slice()))
            .map_err(|e| {
                bad(format!(
                    "不是可读的 zip 压缩包 (not a readable zip archive: {e})"
                ))
            })?;
        for i in 0..archive.len() {
            let mut entry = archive
                .by_index(i)
                .map_err(|e| bad(format!("zip 条目无法读取 (an entry cannot be read: {e})")))?;
            let inner = entry
                .name()
                .map_err(|e| {
                    bad(format!(
                        "zip 条目名称无法读取 (an entry's name cannot be read: {e})"
                    ))
                })?
                .replace('\\', "/");
            let base = inner.rsplit('/').next().unwrap_or("");
            // Folders, hidden files and the resource forks macOS adds are not submissions.
            if entry.is_dir()
                || base.is_empty()
                || base.starts_with('.')
                || base.starts_with("~$")
                || inner.starts_with("__MACOSX/")
            {
                continue;
            }
            if out.len() >= max_forms {
                return Err(ApiError::too_large(format!(
                    "压缩包中的文件过多 (more than {max_forms} files in one request, the server's limit)"
                )));
            }
            let budget = max_body.saturating_sub(total);
            let mut bytes = Vec::new();
            (&mut entry)
                .take(budget as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| bad(format!("{inner}: 解压失败 (cannot be unpacked: {e})")))?;
            if bytes.len() > budget {
                return Err(ApiError::too_large(format!(
                    "{}: 解压后超过 {max_body} 字节 (unpacked, the archive is larger than the server's limit of {max_body} bytes)",
                    file.name
                )));
            }
            total += bytes.len();
            out.push(Upload {
                name: clean_name(&format!("{}/{inner}", file.name), "form.toml"),
                bytes,
            });
        }
    }
    Ok(out)
}
