//! `GET /api/regions`: the governorates as a FeatureCollection (polygons, names in English and
//! Arabic, and each one's `bbox` member), built once at start-up.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::{typed, AppState, GEOJSON};
use crate::gazetteer::Gazetteer;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/regions", get(regions))
}

async fn regions(State(state): State<AppState>) -> Response {
    typed(GEOJSON, state.regions_json().to_vec())
}

/// The collection's bytes.
pub fn collection(gazetteer: &Gazetteer) -> Vec<u8> {
    let features: Vec<serde_json::Value> = gazetteer
        .regions()
        .iter()
        .map(|r| {
            json!({
                "type": "Feature",
                "id": r.id,
                "bbox": r.bbox,
                "geometry": geojson::Geometry::from(&r.geometry),
                "properties": {
                    "id": r.id,
                    "name": r.name,
                    "name_ar": r.name_ar,
                    "admin1_code": r.admin1_code,
                },
            })
        })
        .collect();
    let fc = json!({ "type": "FeatureCollection", "name": "regions", "features": features });
    serde_json::to_vec(&fc).unwrap_or_default()
}
