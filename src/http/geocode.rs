//! `GET /api/geocode?q=&context=&limit=`: ranked gazetteer candidates as a FeatureCollection,
//! best first.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::params::Params;
use super::{typed, ApiError, AppState, GEOJSON};
use crate::gazetteer::Candidate;

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 100;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/geocode", get(geocode))
}

async fn geocode(State(state): State<AppState>, mut params: Params) -> Result<Response, ApiError> {
    let q = params.take("q")?.unwrap_or_default();
    let context = params.take("context")?;
    let limit = match params.take("limit")? {
        None => DEFAULT_LIMIT,
        Some(l) => match l.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(
                    "invalid limit",
                    format!("needs a whole number between 1 and {MAX_LIMIT}; got {l:?}"),
                ))
            }
        },
    };
    if let Some((k, _)) = params.0.first() {
        return Err(ApiError::bad_request(
            format!("invalid {k}"),
            "unknown query parameter; allowed: q, context, limit",
        ));
    }
    if q.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalid q",
            "q is empty; give a place name in Arabic or Latin script, e.g. q=Saraqib",
        ));
    }
    let candidates = state.gazetteer().geocode(
        &q,
        context.as_deref().filter(|c| !c.trim().is_empty()),
        limit,
    );
    Ok(typed(GEOJSON, collection(&candidates)))
}

fn collection(candidates: &[Candidate<'_>]) -> Vec<u8> {
    let features: Vec<serde_json::Value> = candidates
        .iter()
        .map(|c| {
            let p = c.place;
            json!({
                "type": "Feature",
                "id": p.id,
                "geometry": { "type": "Point", "coordinates": [
                    crate::incidents::model::round6(p.lon),
                    crate::incidents::model::round6(p.lat),
                ]},
                "properties": {
                    "place_id": p.id,
                    "name": p.name,
                    "name_ar": p.name_ar,
                    "score": (c.score * 1000.0).round() / 1000.0,
                    "matched_name": c.matched_name,
                    "feature_code": p.feature_code,
                    "population": p.population,
                    "admin1": c.region.map(|r| r.name.as_str()),
                    "admin1_ar": c.region.map(|r| r.name_ar.as_str()),
                    "region": c.region.map(|r| r.id.as_str()),
                    "geo_precision": c.geo_precision,
                },
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "type": "FeatureCollection",
        "name": "geocode",
        "features": features,
    }))
    .unwrap_or_default()
}
