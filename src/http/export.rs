//! `GET /api/export?format=…` with the listing's filters: a download, streamed in chunks.

use std::convert::Infallible;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;

use super::params::Params;
use super::{ApiError, AppState};
use crate::export::{geojson, Format};
use crate::incidents::Filter;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/export", get(export))
}

async fn export(State(state): State<AppState>, mut params: Params) -> Result<Response, ApiError> {
    let format = match params.take("format")? {
        None => Format::GeoJson,
        Some(f) => Format::parse(&f).map_err(|d| ApiError::bad_request("invalid format", d))?,
    };
    let filter = Filter::parse(&params.0, state.gazetteer(), &[])?;
    let catalog = state.catalog();
    let matched = filter.select(&catalog, state.gazetteer());
    let positions = filter.page(&matched, None).to_vec();
    let file_name = format!("{}.{}", file_stem(&filter), format.extension());
    let chunks = match format {
        Format::GeoJson => geojson::Chunks::new(catalog, "incidents", positions),
    };
    let body = Body::from_stream(futures_util::stream::iter(
        chunks.map(|c| Ok::<_, Infallible>(Bytes::from(c))),
    ));
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
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
