//! `GET /api/export?format=…` with the listing's filters: a download, streamed in chunks.
//! One export holds at most `--max-export` incidents ([`ExportCap`]); more is a 400 asking
//! for a narrower filter or pages (`limit` and `offset`).

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Extension;
use axum::Router;
use bytes::Bytes;

use super::limits::{ExportCap, DEFAULT_MAX_EXPORT};
use super::params::Params;
use super::{ApiError, AppState};
use crate::export::{self, Format};
use crate::incidents::{Catalog, Filter};

/// The layer name inside every export (GeoJSON `name`, GeoPackage table, FlatGeobuf header).
pub const LAYER: &str = "incidents";

pub fn router() -> Router<AppState> {
    Router::new().route("/api/export", get(export))
}

async fn export(
    State(state): State<AppState>,
    cap: Option<Extension<ExportCap>>,
    mut params: Params,
) -> Result<Response, ApiError> {
    let cap = cap.map_or(DEFAULT_MAX_EXPORT, |Extension(ExportCap(n))| n);
    let format = match params.take("format")? {
        None => Format::GeoJson,
        Some(f) => Format::parse(&f).map_err(|d| ApiError::bad_request("invalid format", d))?,
    };
    let filter = Filter::parse(&params.0, state.gazetteer(), &[])?;
    let catalog = state.catalog();
    let matched = filter.select(&catalog, state.gazetteer());
    let positions = filter.page(&matched, None);
    if positions.len() > cap {
        return Err(ApiError::bad_request(
            "export too large",
            format!(
                "{} incidents would be exported ({} match the filter); one export holds at most \
                 {cap} (the server's --max-export): narrow the filter (bbox, region, datetime, \
                 event_type, …) or take it in parts with limit and offset",
                positions.len(),
                matched.len()
            ),
        ));
    }
    let positions = positions.to_vec();
    let file_name = format!("{}.{}", file_stem(&filter), format.extension());
    let (body, length) = body(format, catalog, positions).await?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response();
    if let Some(n) = length {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    Ok(response)
}

/// The response body and, when known, its length. Text formats are generated chunk by chunk
/// as the client reads; binary ones are written to a temporary file off the async threads,
/// then read out of it in chunks.
pub async fn body(
    format: Format,
    catalog: Arc<Catalog>,
    positions: Vec<u32>,
) -> Result<(Body, Option<u64>), ApiError> {
    if !format.needs_file() {
        let chunks = export::text_chunks(format, catalog, LAYER, positions)
            .ok_or_else(|| ApiError::Internal(format!("{format:?} is not a text format")))?;
        let stream =
            futures_util::stream::iter(chunks.map(|c| Ok::<_, Infallible>(Bytes::from(c))));
        return Ok((Body::from_stream(stream), None));
    }
    let file = tokio::task::spawn_blocking(move || {
        export::to_temp_file(format, &catalog, LAYER, &positions)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let length = file.metadata().ok().map(|m| m.len());
    let file = tokio::fs::File::from_std(file);
    use futures_util::StreamExt;
    let stream = futures_util::stream::unfold(Some(file), |file| async move {
        use tokio::io::AsyncReadExt;
        let mut file = file?;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            // the error ends the body; the client sees a truncated download
            Err(e) => Some((Err(e), None)),
        }
    })
    // a compressing layer may poll once more after the end
    .fuse();
    Ok((Body::from_stream(stream), length))
}

/// A file name that says what the filter selected: `incidents-idlib-2025-11-24_2025-11-30`.
/// Only ASCII letters, digits, `-` and `_`, so it is safe in a header and on any disk.
pub fn file_stem(filter: &Filter) -> String {
    let mut parts = vec!["incidents".to_string()];
    if let Some(r) = &filter.region {
        parts.push(r.clone());
    }
    if let Some(b) = filter.bbox {
        parts.push(format!(
            "bbox{:.2}_{:.2}_{:.2}_{:.2}",
            b[0], b[1], b[2], b[3]
        ));
    }
    if let Some(d) = filter.datetime {
        let end = |x: Option<chrono::NaiveDate>| x.map_or("open".to_string(), |d| d.to_string());
        parts.push(format!("{}_{}", end(d.start), end(d.end)));
    }
    for t in &filter.event_types {
        parts.push(t.to_lowercase());
    }
    parts
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
