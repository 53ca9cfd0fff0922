//! `GET /api/incidents` (filtered FeatureCollection) and `GET /api/incidents/{id}`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::params::Params;
use super::{typed, ApiError, AppState, GEOJSON};
use crate::export::geojson;
use crate::incidents::Filter;

/// Features per response when no `limit` is given.
pub const DEFAULT_LIMIT: usize = 10_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/incidents", get(list))
        .route("/api/incidents/{id}", get(one))
}

async fn list(State(state): State<AppState>, Params(pairs): Params) -> Result<Response, ApiError> {
    let filter = Filter::parse(&pairs, state.gazetteer(), &[])?;
    let catalog = state.catalog();
    let matched = filter.select(&catalog, state.gazetteer());
    let page = filter.page(&matched, Some(DEFAULT_LIMIT));
    Ok(typed(
        GEOJSON,
        geojson::collection(&catalog, "incidents", matched.len(), page),
    ))
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
