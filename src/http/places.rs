//! `GET /data/places.geojson`: the towns of the gazetteer for the base map's
//! labels — populated places with their English and Arabic names, a
//! population and a `rank` (1 the capital and governorate seats, 2 towns of
//! 50,000 and more, 3 of 10,000 and more, 4 the rest) that the map uses to
//! choose which labels show at which zoom.
//!
//! Not the gazetteer itself: neighbourhoods, historical and abandoned places,
//! and the governorates (labelled from `/api/regions`) are left out.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::web::{fnv1a, serve};
use super::AppState;
use crate::gazetteer::{Gazetteer, Place};

pub fn router() -> Router<AppState> {
    Router::new().route("/data/places.geojson", get(places))
}

async fn places(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let body = collection(state.gazetteer());
    let etag = fnv1a(&body);
    serve("places.geojson", body, &etag, &headers)
}

/// A town or village worth a label: a populated place that still exists.
fn is_town(place: &Place) -> bool {
    place.feature_code.starts_with("PPL")
        && !matches!(
            place.feature_code.as_str(),
            "PPLX" | "PPLH" | "PPLQ" | "PPLW"
        )
}

/// 1 the capital and governorate seats, 2 towns of 50,000 and more, 3 of 10,000 and more, 4 the rest.
fn rank(place: &Place) -> u8 {
    match (place.feature_code.as_str(), place.population) {
        ("PPLC" | "PPLA", _) => 1,
        (_, p) if p >= 50_000 => 2,
        (_, p) if p >= 10_000 => 3,
        _ => 4,
    }
}

/// The collection's bytes, largest towns first (so they win label collisions).
pub fn collection(gazetteer: &Gazetteer) -> Vec<u8> {
    let mut towns: Vec<&Place> = gazetteer.places().iter().filter(|p| is_town(p)).collect();
    towns.sort_by(|a, b| {
        (rank(a), std::cmp::Reverse(a.population), &a.id).cmp(&(
            rank(b),
            std::cmp::Reverse(b.population),
            &b.id,
        ))
    });
    let features: Vec<serde_json::Value> = towns
        .iter()
        .map(|p| {
            json!({
                "type": "Feature",
                "id": p.id,
                "geometry": { "type": "Point", "coordinates": [p.lon, p.lat] },
                "properties": {
                    "id": p.id,
                    "name": p.name,
                    "name_ar": p.name_ar,
                    "population": p.population,
                    "rank": rank(p),
                },
            })
        })
        .collect();
    let fc = json!({ "type": "FeatureCollection", "name": "places", "features": features });
    serde_json::to_vec(&fc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn towns_ranked_with_both_names() {
        let gazetteer = Gazetteer::embedded().expect("embedded gazetteer");
        let fc: serde_json::Value = serde_json::from_slice(&collection(&gazetteer)).expect("json");
        let features = fc["features"].as_array().expect("features");
        assert!(features.len() > 100, "{}", features.len());
        let by_name = |name: &str| {
            features
                .iter()
                .find(|f| f["properties"]["name"] == name)
                .unwrap_or_else(|| panic!("no {name}"))
        };
        assert_eq!(by_name("Damascus")["properties"]["rank"], 1);
        assert_eq!(by_name("Damascus")["properties"]["name_ar"], "دمشق");
        assert_eq!(by_name("Aleppo")["properties"]["rank"], 1);
        // Largest first within a rank, so the big towns win label collisions.
        assert_eq!(features[0]["properties"]["name"], "Aleppo");
        // Neighbourhoods and governorates are not towns.
        assert!(features.iter().all(|f| {
            let id = f["id"].as_str().unwrap_or("");
            id != "curated:dweila" && !id.starts_with("region:")
        }));
        let ranks: Vec<u64> = features
            .iter()
            .map(|f| f["properties"]["rank"].as_u64().expect("rank"))
            .collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
    }
}
