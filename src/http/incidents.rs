//! `GET /api/incidents` (filtered FeatureCollection) and `GET /api/incidents/{id}`; with the
//! token, `PATCH /api/incidents/{id}` (correct fields, or `{"review": "curated"}` once a person
//! has checked it) and `DELETE /api/incidents/{id}` (drop a wrong one). Writes reach the store
//! and the catalogue together: the next request of any endpoint sees them.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::auth::require_token;
use super::params::Params;
use super::{typed, ApiError, AppState, GEOJSON};
use crate::export::geojson;
use crate::export::stream::{Chunks, CHUNK_ROWS};
use crate::gazetteer::Gazetteer;
use crate::incidents::{taxonomy, Filter, Incident, Review};

/// Features per response when no `limit` is given.
pub const DEFAULT_LIMIT: usize = 10_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/incidents", get(list))
        .route("/api/incidents/{id}", get(one).patch(patch).delete(delete))
}

/// A response of this many features or fewer is made in one buffer; a larger one is sent in
/// chunks, made as the client reads.
pub(crate) const ONE_BUFFER: usize = CHUNK_ROWS;

async fn list(State(state): State<AppState>, Params(pairs): Params) -> Result<Response, ApiError> {
    let filter = Filter::parse(&pairs, state.gazetteer(), &[])?;
    let catalog = state.catalog();
    let limit = filter.limit.unwrap_or(DEFAULT_LIMIT);
    let (count, page) = match filter.count_and_page(&catalog, filter.offset, limit) {
        Some(answer) => answer,
        None => {
            let matched = filter.select(&catalog, state.gazetteer());
            let page = filter.page(&matched, Some(DEFAULT_LIMIT)).to_vec();
            (matched.len(), page)
        }
    };
    if page.len() <= ONE_BUFFER {
        return Ok(typed(
            GEOJSON,
            geojson::collection(&catalog, "incidents", count, &page),
        ));
    }
    let chunks = geojson::page_chunks(catalog, "incidents", count, page);
    Ok(streamed(GEOJSON, chunks))
}

/// A body sent chunk by chunk as the client reads it.
pub(crate) fn streamed(content_type: &'static str, chunks: Chunks) -> Response {
    let stream = futures_util::stream::iter(chunks.map(|c| Ok::<_, Infallible>(Bytes::from(c))));
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        Body::from_stream(stream),
    )
        .into_response()
}

async fn one(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::bad_request("invalid id", e.body_text()))?;
    let catalog = state.catalog();
    let idx = catalog
        .position(&id)
        .ok_or_else(|| ApiError::NotFound(format!("no incident with id {id:?}")))?;
    Ok(typed(GEOJSON, catalog.feature(idx).to_vec()))
}

async fn patch(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_token(&state, &headers)?;
    let Path(id) = id.map_err(|e| ApiError::bad_request("invalid id", e.body_text()))?;
    let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&body)
        .map_err(|e| {
            ApiError::bad_request(
                "invalid JSON body",
                format!("{e}; send a JSON object of the properties to change"),
            )
        })?;
    let updated = tokio::task::spawn_blocking(move || {
        state.patch(&id, |inc, gz| apply_patch(inc, &fields, gz))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("patch task: {e}")))??;
    Ok(typed(GEOJSON, updated.to_feature_json()))
}

async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    require_token(&state, &headers)?;
    let Path(id) = id.map_err(|e| ApiError::bad_request("invalid id", e.body_text()))?;
    tokio::task::spawn_blocking(move || state.delete(&id))
        .await
        .map_err(|e| ApiError::Internal(format!("delete task: {e}")))??;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Properties a PATCH may set (all but `id`).
const PATCHABLE: &[&str] = &[
    "event_date",
    "event_date_end",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "fatalities",
    "location",
    "location_ar",
    "admin1",
    "admin1_ar",
    "geo_precision",
    "place_id",
    "notes",
    "source_text",
    "source",
    "review",
    "lon",
    "lat",
];

/// Applies a PATCH body to an incident. A new `place_id` from the gazetteer moves the point
/// (and sets admin1) unless `lon`/`lat` are given too; a new `event_type` without
/// `disorder_type` takes ACLED's disorder type for it. The caller validates the result.
pub fn apply_patch(
    inc: &mut Incident,
    fields: &serde_json::Map<String, serde_json::Value>,
    gazetteer: &Gazetteer,
) -> Result<(), String> {
    use serde_json::Value;
    let text = |k: &str, v: &Value| -> Result<String, String> {
        match v.as_str() {
            Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
            _ => Err(format!("{k} must be a non-empty string")),
        }
    };
    let opt_text = |k: &str, v: &Value| -> Result<Option<String>, String> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(format!("{k} must be a string or null")),
        }
    };
    let date = |k: &str, s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| format!("{k} {s:?} is not a date; give YYYY-MM-DD"))
    };
    let small = |k: &str, v: &Value| -> Result<u8, String> {
        v.as_u64()
            .filter(|n| (1..=3).contains(n))
            .map(|n| n as u8)
            .ok_or_else(|| format!("{k} must be 1, 2 or 3"))
    };
    let degrees = |k: &str, v: &Value| -> Result<f64, String> {
        v.as_f64()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{k} must be a number of degrees"))
    };
    if fields.is_empty() {
        return Err("the body names no property to change".into());
    }
    for key in fields.keys() {
        if !PATCHABLE.contains(&key.as_str()) {
            return Err(format!(
                "{key:?} cannot be changed; allowed: {}",
                PATCHABLE.join(", ")
            ));
        }
    }
    for (k, v) in fields {
        match k.as_str() {
            "event_date" => inc.event_date = date(k, &text(k, v)?)?,
            "event_date_end" => {
                inc.event_date_end = opt_text(k, v)?.map(|s| date(k, &s)).transpose()?
            }
            "time_precision" => inc.time_precision = small(k, v)?,
            "geo_precision" => inc.geo_precision = small(k, v)?,
            "disorder_type" => inc.disorder_type = text(k, v)?,
            "event_type" => inc.event_type = text(k, v)?,
            "sub_event_type" => inc.sub_event_type = text(k, v)?,
            "actor1" => inc.actor1 = opt_text(k, v)?,
            "actor2" => inc.actor2 = opt_text(k, v)?,
            "fatalities" => {
                inc.fatalities = v
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or("fatalities must be a whole number ≥ 0")?
            }
            "location" => inc.location = text(k, v)?,
            "location_ar" => inc.location_ar = text(k, v)?,
            "admin1" => inc.admin1 = text(k, v)?,
            "admin1_ar" => inc.admin1_ar = text(k, v)?,
            "place_id" => inc.place_id = text(k, v)?,
            "notes" => inc.notes = text(k, v)?,
            "source_text" => inc.source_text = text(k, v)?,
            "source" => inc.source = text(k, v)?,
            "review" => {
                inc.review = Review::parse(&text(k, v)?)
                    .ok_or("review must be \"curated\" or \"extracted\"")?
            }
            "lon" => inc.lon = degrees(k, v)?,
            "lat" => inc.lat = degrees(k, v)?,
            _ => {}
        }
    }
    if fields.contains_key("place_id") && !fields.contains_key("lon") && !fields.contains_key("lat")
    {
        let place = gazetteer.place(&inc.place_id).ok_or_else(|| {
            format!(
                "place_id {:?} is not in the gazetteer; give lon and lat with it",
                inc.place_id
            )
        })?;
        inc.lon = place.lon;
        inc.lat = place.lat;
    }
    if fields.contains_key("place_id") || fields.contains_key("lon") || fields.contains_key("lat") {
        let region = gazetteer
            .region_of(inc.lon, inc.lat)
            .ok_or("the point is outside Syria's governorates")?;
        if !fields.contains_key("admin1") {
            inc.admin1 = region.name.clone();
        }
        if !fields.contains_key("admin1_ar") {
            inc.admin1_ar = region.name_ar.clone();
        }
    }
    if fields.contains_key("event_type") && !fields.contains_key("disorder_type") {
        if let Some((_, disorder, _)) = taxonomy::EVENT_TYPES
            .iter()
            .find(|(t, _, _)| *t == inc.event_type)
        {
            inc.disorder_type = disorder.to_string();
        }
    }
    Ok(())
}
