//! `GET /tiles/incidents/{z}/{x}/{y}.mvt`: the incidents matching the same filters as
//! `/api/incidents` as a Mapbox Vector Tile, clustered on a grid (see `crate::tiles`).
//!
//! A tile holds every match in it, so `limit` and `offset` are refused. A tile without any
//! match is an empty body (a tile without layers), status 200.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::params::Params;
use super::{ApiError, AppState};
use crate::incidents::Filter;
use crate::tiles::{filter_key, TileCache, TileError, TileId, MAX_ZOOM};

/// Media type of the tiles.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

pub fn router() -> Router<AppState> {
    let cache = Arc::new(TileCache::new());
    Router::new().route(
        "/tiles/incidents/{z}/{x}/{y}",
        get(
            move |state: State<AppState>,
                  path: Result<Path<(String, String, String)>, PathRejection>,
                  params: Params| tile(cache.clone(), state, path, params),
        ),
    )
}

/// A whole number from the path, or a 400 naming the part.
fn number(name: &str, value: &str, range: &str) -> Result<u32, ApiError> {
    value.parse::<u32>().map_err(|_| {
        ApiError::bad_request(
            format!("invalid {name}"),
            format!("needs a whole number {range}; got {value:?}"),
        )
    })
}

async fn tile(
    cache: Arc<TileCache>,
    State(state): State<AppState>,
    path: Result<Path<(String, String, String)>, PathRejection>,
    Params(pairs): Params,
) -> Result<Response, ApiError> {
    let Path((z, x, y)) =
        path.map_err(|e| ApiError::bad_request("invalid tile path", e.body_text()))?;
    let y = y.strip_suffix(".mvt").ok_or_else(|| {
        ApiError::NotFound(format!(
            "tiles end in .mvt: /tiles/incidents/{{z}}/{{x}}/{{y}}.mvt; got {y:?}"
        ))
    })?;
    let z = number("z", &z, &format!("0..{MAX_ZOOM}"))?;
    let x = number("x", &x, "0..2^z-1")?;
    let y = number("y", y, "0..2^z-1")?;
    let id = TileId::new(z, x, y).map_err(|e| match e {
        TileError::Zoom(_) => ApiError::bad_request("invalid z", e.to_string()),
        TileError::OutOfRange { .. } => ApiError::NotFound(e.to_string()),
    })?;
    if let Some((key, _)) = pairs.iter().find(|(k, _)| k == "limit" || k == "offset") {
        return Err(ApiError::bad_request(
            format!("invalid {key}"),
            "a tile holds every matching incident in it; limit and offset are not accepted here \
             (page through /api/incidents instead)",
        ));
    }
    let filter = Filter::parse(&pairs, state.gazetteer(), &[])?;
    let catalog = state.catalog();
    let bytes = match cache.cached(&catalog, &filter_key(&filter), id) {
        Some(bytes) => bytes,
        None => tokio::task::spawn_blocking(move || {
            cache.tile(&catalog, state.gazetteer(), &filter, id)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("tile task: {e}")))?,
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(MVT)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        bytes,
    )
        .into_response())
}
