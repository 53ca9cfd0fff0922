//! `POST /api/import`: many incidents at once (token required), upserted by id.
//!
//! The body is a GeoJSON FeatureCollection (`application/geo+json`), GeoJSON Lines
//! (`application/geo+json-seq`, `application/x-ndjson`) or ACLED-style CSV (`text/csv`), or the
//! format named by `?format=geojson|geojsonl|csv`. Valid rows are stored in one transaction
//! and seen by every endpoint at once; invalid rows are listed (the first 100, and how many)
//! and skipped — unless `?strict=true`, where one invalid row refuses the whole body (400,
//! nothing stored). A body that is not the format at all → 400; over 64 MB → 413.
//!
//! Answer: `{"read", "inserted", "updated", "invalid_count", "invalid": [{"row", "reason"}]}`.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use super::auth::require_token;
use super::params::Params;
use super::{ApiError, AppState};
use crate::import::{self, InputFormat, RowError};

/// Largest body read.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// Invalid rows listed in an answer (all are counted).
pub const MAX_LISTED: usize = 100;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/import",
        post(create).layer(DefaultBodyLimit::disable()),
    )
}

#[derive(serde::Serialize)]
struct Invalid {
    row: String,
    reason: String,
}

#[derive(serde::Serialize)]
struct Answer {
    read: usize,
    inserted: usize,
    updated: usize,
    invalid_count: usize,
    invalid: Vec<Invalid>,
}

fn too_large() -> ApiError {
    ApiError::TooLarge(format!(
        "an import body may be at most {} MB; split the file or use the import command",
        MAX_BODY_BYTES / (1024 * 1024)
    ))
}

/// The format from `?format=` or else the content type.
fn format(params: &mut Params, headers: &HeaderMap) -> Result<InputFormat, ApiError> {
    if let Some(name) = params.take("format")? {
        return InputFormat::parse(&name).map_err(|e| ApiError::bad_request("invalid format", e));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    InputFormat::from_content_type(content_type).ok_or_else(|| {
        ApiError::bad_request(
            "unsupported content type",
            format!(
                "got {content_type:?}; send application/geo+json, application/geo+json-seq, \
                 application/x-ndjson or text/csv, or name the format with \
                 ?format=geojson|geojsonl|csv"
            ),
        )
    })
}

fn strict(params: &mut Params) -> Result<bool, ApiError> {
    match params.take("strict")?.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::bad_request(
            "invalid strict",
            format!("{other:?}; give true or false"),
        )),
    }
}

fn listed(errors: &[RowError]) -> String {
    let mut text: Vec<String> = errors.iter().take(5).map(RowError::to_string).collect();
    if errors.len() > 5 {
        text.push(format!("and {} more", errors.len() - 5));
    }
    text.join("; ")
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut params: Params,
    body: Body,
) -> Result<Response, ApiError> {
    require_token(&state, &headers)?;
    let format = format(&mut params, &headers)?;
    let strict = strict(&mut params)?;
    if let Some((key, _)) = params.0.first() {
        return Err(ApiError::bad_request(
            format!("unknown parameter {key}"),
            "POST /api/import takes format and strict",
        ));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())?;
    let answer = tokio::task::spawn_blocking(move || -> Result<Answer, ApiError> {
        let (incidents, errors) = import::read_all(format, &bytes, state.gazetteer());
        if let Some(fatal) = errors.iter().find(|e| e.fatal) {
            return Err(ApiError::bad_request(
                format!("body is not {}", format.name()),
                fatal.to_string(),
            ));
        }
        if strict && !errors.is_empty() {
            return Err(ApiError::bad_request(
                format!("{} invalid rows (strict: nothing stored)", errors.len()),
                listed(&errors),
            ));
        }
        let read = incidents.len() + errors.len();
        let (inserted, updated) = if incidents.is_empty() {
            (0, 0)
        } else {
            state.import(incidents)?
        };
        tracing::info!(read, inserted, updated, invalid = errors.len(), "imported");
        Ok(Answer {
            read,
            inserted,
            updated,
            invalid_count: errors.len(),
            invalid: errors
                .into_iter()
                .take(MAX_LISTED)
                .map(|e| Invalid {
                    row: e.at.to_string(),
                    reason: e.reason,
                })
                .collect(),
        })
    })
    .await
    .map_err(|e| ApiError::Internal(format!("import task: {e}")))??;
    Ok(Json(answer).into_response())
}
