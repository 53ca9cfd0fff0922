//! `/tiles/incidents/{z}/{x}/{y}.mvt`: decoded with the MVT types of `geozero`, the counts of
//! the tiles covering an area add up to `/api/incidents`' numberMatched for the same filter,
//! single incidents carry their id, type and review, and bad paths or filters are 4xx JSON.

mod common;

use std::collections::BTreeMap;

use axum::Router;
use common::{get, state_with};
use geozero::mvt::{tile, Message, Tile};
use incident_map::app;
use incident_map::incidents::synthetic;

/// Seed incidents plus synthetic ones over the whole country.
fn state() -> incident_map::AppState {
    state_with(&synthetic::incidents(6000, 11))
}

/// Tile column and row of a point at zoom z (the slippy-map formula).
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x.clamp(0.0, n - 1.0) as u32, y.clamp(0.0, n - 1.0) as u32)
}

/// A decoded feature: its properties and its point in tile coordinates.
#[derive(Debug)]
struct Feature {
    props: BTreeMap<String, String>,
    at: (i64, i64),
}

fn decode(bytes: &[u8]) -> Vec<Feature> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let tile = Tile::decode(bytes).expect("a valid vector tile");
    assert_eq!(tile.layers.len(), 1);
    let layer = &tile.layers[0];
    assert_eq!(layer.name, "incidents");
    assert_eq!(layer.extent, Some(4096));
    assert_eq!(layer.version, 2);
    layer
        .features
        .iter()
        .map(|f| {
            assert_eq!(f.r#type, Some(tile::GeomType::Point as i32));
            assert_eq!(f.geometry.len(), 3, "one MoveTo of one point");
            assert_eq!(f.geometry[0], 9);
            let unzig = |v: u32| i64::from(v >> 1) ^ -i64::from(v & 1);
            let mut props = BTreeMap::new();
            for pair in f.tags.chunks(2) {
                let key = layer.keys[pair[0] as usize].clone();
                let v = &layer.values[pair[1] as usize];
                let value = v
                    .string_value
                    .clone()
                    .or(v.uint_value.map(|n| n.to_string()))
                    .expect("a string or an unsigned value");
                props.insert(key, value);
            }
            Feature {
                props,
                at: (unzig(f.geometry[1]), unzig(f.geometry[2])),
            }
        })
        .collect()
}

async fn tile_features(app: &Router, z: u8, x: u32, y: u32, query: &str) -> Vec<Feature> {
    let uri = format!(
        "/tiles/incidents/{z}/{x}/{y}.mvt?{}",
        query.replace(' ', "%20")
    );
    let reply = get(app, &uri).await;
    reply.expect_status(200);
    assert_eq!(
        reply.header("content-type"),
        "application/vnd.mapbox-vector-tile"
    );
    decode(&reply.body)
}

/// The features of every tile at zoom z covering the box.
async fn covering(app: &Router, bbox: [f64; 4], z: u8, query: &str) -> Vec<Feature> {
    let (x0, y0) = tile_of(bbox[0], bbox[3], z);
    let (x1, y1) = tile_of(bbox[2], bbox[1], z);
    let mut all = Vec::new();
    for x in x0..=x1 {
        for y in y0..=y1 {
            all.extend(tile_features(app, z, x, y, query).await);
        }
    }
    all
}

fn count(features: &[Feature]) -> u64 {
    features
        .iter()
        .map(|f| f.props["count"].parse::<u64>().expect("count"))
        .sum()
}

async fn matched(app: &Router, query: &str) -> u64 {
    get(
        app,
        &format!("/api/incidents?{}&limit=1", query.replace(' ', "%20")),
    )
    .await
    .expect_status(200)
    .json()["numberMatched"]
        .as_u64()
        .expect("numberMatched")
}

/// The whole world at low zooms; Syria's extent (where every incident is) at higher ones.
const SYRIA: [f64; 4] = [35.0, 32.0, 43.0, 38.0];

#[tokio::test]
async fn counts_add_up_to_the_api_for_every_filter() {
    let app = app(state());
    let all = matched(&app, "").await;
    assert!(all > 6000);
    let filters = [
        "",
        "event_type=Battles",
        "event_type=Riots,Protests&review=curated",
        "region=idlib",
        "datetime=2015-01-01/2016-12-31",
        "admin1=Aleppo,Idlib&actor1=Islamic State (Syria)",
        "bbox=36.5,34.5,38.2,36.1",
        "region=aleppo&datetime=2020-01-01/..&event_type=Explosions/Remote violence",
    ];
    for query in filters {
        let expected = matched(&app, query).await;
        assert!(expected > 0, "{query} matches something");
        // zooms 11 and 9 first: cut from the incidents in each tile, before the filter's whole
        // point set exists; the lower zooms then build it
        for z in [11u8, 9, 0, 3, 6, 10] {
            let features = covering(&app, SYRIA, z, query).await;
            assert_eq!(count(&features), expected, "{query} at zoom {z}");
            // a feature that is one incident says which
            for f in &features {
                if f.props.contains_key("id") {
                    assert_eq!(f.props["count"], "1");
                    assert!(f.props.contains_key("event_type") && f.props.contains_key("review"));
                } else {
                    assert_ne!(f.props["count"], "1", "a lone incident has its id: {f:?}");
                }
                assert!((0..4096).contains(&f.at.0) && (0..4096).contains(&f.at.1));
            }
        }
    }
    // low zooms cluster: at zoom 6 a few hundred features stand for thousands of incidents
    let z6 = covering(&app, SYRIA, 6, "").await;
    assert!(
        z6.len() < 1000 && count(&z6) == all,
        "{} features",
        z6.len()
    );
}

#[tokio::test]
async fn high_zoom_tiles_hold_each_incident_with_its_properties() {
    let app = app(state());
    // a small box around Homs: every incident in it, by id, at zoom 15
    let bbox = [36.62, 34.68, 36.80, 34.80];
    let query = format!("bbox={},{},{},{}", bbox[0], bbox[1], bbox[2], bbox[3]);
    let api = get(&app, &format!("/api/incidents?{query}&limit=10000"))
        .await
        .expect_status(200)
        .json();
    let mut expected: Vec<(String, String, String)> = api["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["id"].as_str().expect("id").to_string(),
                p["event_type"].as_str().expect("type").to_string(),
                p["review"].as_str().expect("review").to_string(),
            )
        })
        .collect();
    expected.sort();
    assert!(
        expected.len() > 3,
        "the box holds {} incidents",
        expected.len()
    );
    let features = covering(&app, bbox, 15, &query).await;
    let mut got: Vec<(String, String, String)> = features
        .iter()
        .map(|f| {
            (
                f.props["id"].clone(),
                f.props["event_type"].clone(),
                f.props["review"].clone(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn a_write_changes_the_tiles() {
    let state = state();
    let app = app(state.clone());
    let (x, y) = tile_of(38.5, 35.0, 4);
    let before = count(&tile_features(&app, 4, x, y, "").await);
    // the same tile twice (the second from the cache) is the same
    assert_eq!(count(&tile_features(&app, 4, x, y, "").await), before);
    let first = get(&app, "/api/incidents?limit=1").await.json()["features"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    state.delete(&first).expect("delete");
    assert_eq!(count(&tile_features(&app, 4, x, y, "").await), before - 1);
}

#[tokio::test]
async fn tiles_carry_etags_that_change_with_a_write() {
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    let state = state();
    let app = app(state.clone());
    let (x, y) = tile_of(38.5, 35.0, 4);
    let uri = format!("/tiles/incidents/4/{x}/{y}.mvt?event_type=Battles");
    let first = get(&app, &uri).await;
    assert_eq!(first.status, StatusCode::OK);
    let tag = first.headers[header::ETAG].clone();
    let again = |tag: axum::http::HeaderValue| {
        let app = app.clone();
        let uri = uri.clone();
        async move {
            let request = Request::get(&uri)
                .header(header::IF_NONE_MATCH, tag)
                .body(Body::empty())
                .expect("request");
            common::send(&app, request, uri).await
        }
    };
    let cached = again(tag.clone()).await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert!(cached.body.is_empty());
    let first_id = get(&app, "/api/incidents?limit=1").await.json()["features"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    state.delete(&first_id).expect("delete");
    let after = again(tag.clone()).await;
    assert_eq!(
        after.status,
        StatusCode::OK,
        "a write makes the old tag stale"
    );
    assert_ne!(after.headers[header::ETAG], tag);
}

#[tokio::test]
async fn empty_tiles_are_empty_bodies() {
    let app = app(state());
    // the middle of the Atlantic
    let (x, y) = tile_of(-30.0, 30.0, 6);
    let reply = get(&app, &format!("/tiles/incidents/6/{x}/{y}.mvt")).await;
    reply.expect_status(200);
    assert!(reply.body.is_empty());
    // a filter nothing matches
    let reply = get(&app, "/tiles/incidents/0/0/0.mvt?datetime=1990-01-01").await;
    reply.expect_status(200);
    assert!(reply.body.is_empty());
}

#[tokio::test]
async fn bad_paths_and_filters_are_4xx_json() {
    let app = app(state());
    let cases: &[(&str, u16, &str)] = &[
        ("/tiles/incidents/23/0/0.mvt", 400, "invalid z"),
        ("/tiles/incidents/-1/0/0.mvt", 400, "invalid z"),
        ("/tiles/incidents/a/0/0.mvt", 400, "invalid z"),
        ("/tiles/incidents/2/x/0.mvt", 400, "invalid x"),
        ("/tiles/incidents/2/0/1.5.mvt", 400, "invalid y"),
        ("/tiles/incidents/2/4/0.mvt", 404, "not found"),
        ("/tiles/incidents/2/0/4.mvt", 404, "not found"),
        ("/tiles/incidents/0/0/4294967296.mvt", 400, "invalid y"),
        ("/tiles/incidents/1/0/0.png", 404, "not found"),
        ("/tiles/incidents/1/0/0", 404, "not found"),
        ("/tiles/incidents/1/0/0.mvt/x", 404, "not found"),
        ("/tiles/incidents/../../Cargo.toml", 404, "not found"),
        (
            "/tiles/incidents/%2e%2e/%2e%2e/Cargo.toml",
            404,
            "not found",
        ),
        ("/tiles/incidents/%2e%2e/0/0.mvt", 400, "invalid z"),
        (
            "/tiles/incidents/1/0/..%2F..%2Fetc%2Fpasswd",
            404,
            "not found",
        ),
        ("/tiles/incidents/0/0/0.mvt?limit=10", 400, "invalid limit"),
        ("/tiles/incidents/0/0/0.mvt?offset=1", 400, "invalid offset"),
        (
            "/tiles/incidents/0/0/0.mvt?event_type=Bombing",
            400,
            "invalid event_type",
        ),
        ("/tiles/incidents/0/0/0.mvt?bbox=1,2,3", 400, "invalid bbox"),
        (
            "/tiles/incidents/0/0/0.mvt?region=atlantis",
            400,
            "invalid region",
        ),
        (
            "/tiles/incidents/0/0/0.mvt?datetime=yesterday",
            400,
            "invalid datetime",
        ),
        (
            "/tiles/incidents/0/0/0.mvt?colour=red",
            400,
            "invalid colour",
        ),
        (
            "/tiles/incidents/0/0/0.mvt?review=a&review=b",
            400,
            "invalid review",
        ),
    ];
    for (uri, status, error) in cases {
        let reply = get(&app, uri).await;
        reply.expect_status(*status);
        let body = reply.json();
        assert_eq!(body["error"], *error, "{uri}: {body}");
        assert!(
            body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{uri}"
        );
    }
}
