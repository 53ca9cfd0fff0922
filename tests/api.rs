//! The HTTP API end to end over the curated seed incidents (geocoded by the embedded gazetteer).

mod common;

use common::{get, ids, seeded_app};
use serde_json::Value;

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn seed_ids(ns: &[u32]) -> Vec<String> {
    ns.iter().map(|n| format!("SYR-2025-{n:04}")).collect()
}

#[tokio::test]
async fn lists_all_seed_incidents_as_rfc7946() {
    let app = seeded_app();
    let r = get(&app, "/api/incidents").await;
    r.expect_status(200);
    assert_eq!(r.header("content-type"), "application/geo+json");
    let fc = r.json();
    assert_eq!(fc["type"], "FeatureCollection");
    assert!(fc.get("crs").is_none());
    assert_eq!(fc["numberMatched"], 9);
    assert_eq!(fc["numberReturned"], 9);
    assert_eq!(sorted(ids(&fc)), seed_ids(&[1, 2, 3, 4, 5, 6, 7, 8, 9]));

    // Every property flat and of one JSON type across features; missing values null, never "".
    let mut types: std::collections::BTreeMap<String, &'static str> = Default::default();
    for f in fc["features"].as_array().expect("features") {
        let coords = f["geometry"]["coordinates"].as_array().expect("point");
        assert_eq!(f["geometry"]["type"], "Point");
        let (lon, lat) = (
            coords[0].as_f64().expect("lon"),
            coords[1].as_f64().expect("lat"),
        );
        assert!(
            (35.0..43.0).contains(&lon) && (32.0..38.0).contains(&lat),
            "{f}"
        );
        for c in coords {
            let text = c.to_string();
            let decimals = text.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 6, "{text} has more than 6 decimals");
        }
        assert_eq!(f["id"], f["properties"]["id"]);
        for (k, v) in f["properties"].as_object().expect("properties") {
            let t = match v {
                Value::Null => continue,
                Value::String(s) => {
                    assert!(!s.is_empty(), "{k} is an empty string in {}", f["id"]);
                    "string"
                }
                Value::Number(n) if n.is_u64() => "int",
                other => panic!("{k} has a non-flat or unexpected value {other}"),
            };
            let prev = types.entry(k.clone()).or_insert(t);
            assert_eq!(*prev, t, "{k} changes type");
        }
    }
    for k in ["fatalities", "geo_precision", "time_precision"] {
        assert_eq!(types[k], "int");
    }
    for k in [
        "event_date",
        "event_date_end",
        "admin1",
        "admin1_ar",
        "place_id",
        "review",
        "source_text",
    ] {
        assert_eq!(types[k], "string", "{k}");
    }
}

#[tokio::test]
async fn regions_filter_by_polygon() {
    let app = seeded_app();
    let cases: &[(&str, &[u32])] = &[
        ("idlib", &[3, 4, 5, 6]),
        ("IDLIB", &[3, 4, 5, 6]),
        ("aleppo", &[2]),
        ("latakia", &[1]),
        ("damascus", &[9]),
        ("rif-dimashq", &[8]),
        ("deir-ez-zor", &[7]),
        ("homs", &[]),
    ];
    for (region, expected) in cases {
        let fc = get(&app, &format!("/api/incidents?region={region}"))
            .await
            .expect_status(200)
            .json();
        assert_eq!(sorted(ids(&fc)), seed_ids(expected), "region={region}");
        for f in fc["features"].as_array().expect("features") {
            assert!(!f["properties"]["admin1"].as_str().unwrap_or("").is_empty());
        }
    }
}

#[tokio::test]
async fn date_type_bbox_and_paging_filters() {
    let app = seeded_app();
    let q = |uri: &'static str| {
        let app = app.clone();
        async move { sorted(ids(&get(&app, uri).await.expect_status(200).json())) }
    };
    // the Rif Dimashq strikes span 24–27 November and overlap any day inside
    assert_eq!(
        q("/api/incidents?datetime=2025-11-26").await,
        seed_ids(&[8])
    );
    assert_eq!(
        q("/api/incidents?datetime=2025-11-24T00:00:00Z/2025-11-30T23:59:59Z").await,
        seed_ids(&[1, 2, 8])
    );
    assert_eq!(
        q("/api/incidents?datetime=../2025-07-01").await,
        seed_ids(&[9])
    );
    assert_eq!(
        q("/api/incidents?datetime=2025-12-02/..").await,
        seed_ids(&[6])
    );
    assert_eq!(
        q("/api/incidents?event_type=battles").await,
        seed_ids(&[1, 6])
    );
    assert_eq!(
        q("/api/incidents?event_type=Battles,Explosions/Remote%20violence").await,
        seed_ids(&[1, 6, 9])
    );
    // a box around Damascus old city and its south-east (Dweila)
    assert_eq!(
        q("/api/incidents?bbox=36.25,33.45,36.40,33.55").await,
        seed_ids(&[9])
    );
    assert_eq!(
        q("/api/incidents?region=idlib&event_type=Battles").await,
        seed_ids(&[6])
    );
    // property filters: exact values, either spelling of the governorate
    assert_eq!(
        q("/api/incidents?actor1=US-led%20Coalition").await,
        seed_ids(&[8])
    );
    assert_eq!(
        q("/api/incidents?admin1=%D9%85%D8%AD%D8%A7%D9%81%D8%B8%D8%A9%20%D8%B1%D9%8A%D9%81%20%D8%AF%D9%85%D8%B4%D9%82").await,
        q("/api/incidents?admin1=Rif%20Dimashq").await
    );
    assert_eq!(
        q("/api/incidents?admin1=Damascus,Rif%20Dimashq").await,
        seed_ids(&[8, 9])
    );
    assert_eq!(q("/api/incidents?review=extracted").await, seed_ids(&[]));
    assert_eq!(q("/api/incidents?review=curated").await.len(), 9);

    let all = ids(&get(&app, "/api/incidents").await.json());
    let page = get(&app, "/api/incidents?limit=3&offset=2").await.json();
    assert_eq!(ids(&page), all[2..5].to_vec());
    assert_eq!(page["numberMatched"], 9);
    assert_eq!(page["numberReturned"], 3);
    let past = get(&app, "/api/incidents?offset=50").await.json();
    assert_eq!(past["numberReturned"], 0);
}

#[tokio::test]
async fn one_incident_and_unknown_ids() {
    let app = seeded_app();
    let f = get(&app, "/api/incidents/SYR-2025-0009")
        .await
        .expect_status(200)
        .json();
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["properties"]["fatalities"], 22);
    assert_eq!(f["properties"]["sub_event_type"], "Suicide bomb");
    assert_eq!(f["properties"]["place_id"], "curated:dweila");
    let r = get(&app, "/api/incidents/SYR-0000").await;
    r.expect_status(404);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap_or("")
        .contains("SYR-0000"));
    get(&app, "/no/such/path").await.expect_status(404).json();
    let r = get(&app, "/api/incidents/%FF%FE").await;
    r.expect_status(400);
    assert_eq!(r.json()["error"], "invalid id");
}

#[tokio::test]
async fn writes_to_read_only_paths_are_405_json() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    let app = seeded_app();
    for (method, uri) in [
        ("POST", "/api/incidents"),
        ("PUT", "/api/incidents/SYR-2025-0001"),
        ("PUT", "/api/regions"),
    ] {
        let response = app
            .clone()
            .oneshot(
                Request::builder()
                    .method(method)
                    .uri(uri)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        assert_eq!(response.status(), 405, "{method} {uri}");
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .expect("body")
            .to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(v["error"], "method not allowed");
    }
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_problem() {
    let app = seeded_app();
    let cases: &[(&str, &str, &str)] = &[
        ("/api/incidents?bbox=36,35,37", "bbox", "got 3"),
        ("/api/incidents?bbox=a,b,c,d", "bbox", "not a number"),
        ("/api/incidents?bbox=37,35,36,36", "bbox", "above"),
        ("/api/incidents?bbox=36,35,37,95", "bbox", "-90..90"),
        ("/api/incidents?region=narnia", "region", "idlib"),
        (
            "/api/incidents?datetime=2025-02-30",
            "datetime",
            "not a valid date",
        ),
        (
            "/api/incidents?datetime=2025-12-01/2025-11-01",
            "datetime",
            "after",
        ),
        ("/api/incidents?limit=0", "limit", "between 1 and"),
        ("/api/incidents?limit=-5", "limit", "between 1 and"),
        ("/api/incidents?limit=ten", "limit", "whole number"),
        ("/api/incidents?offset=-1", "offset", "whole number"),
        ("/api/incidents?event_type=Bombing", "event_type", "Battles"),
        ("/api/incidents?bbx=1,2,3,4", "bbx", "allowed"),
        ("/api/incidents?review=checked", "review", "curated"),
        ("/api/incidents?actor1=", "actor1", "empty"),
        ("/api/incidents?limit=1&limit=2", "limit", "more than once"),
        ("/api/geocode?q=", "q", "empty"),
        ("/api/geocode?q=%20%20", "q", "empty"),
        ("/api/geocode", "q", "empty"),
        ("/api/geocode?q=Idlib&limit=0", "limit", "between"),
        ("/api/export?format=shp", "format", "geojson"),
        ("/api/export?format=geojson&bbox=1,2", "bbox", "got 2"),
        ("/api/incidents?bbox=%ZZ,1,2,3", "bbox", "not a number"),
    ];
    for (uri, field, hint) in cases {
        let r = get(&app, uri).await;
        r.expect_status(400);
        assert_eq!(r.header("content-type"), "application/json", "{uri}");
        let body = r.json();
        let error = body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{uri}: no error: {body}"));
        let detail = body["detail"]
            .as_str()
            .unwrap_or_else(|| panic!("{uri}: no detail: {body}"));
        assert!(
            error.contains(field),
            "{uri}: error {error:?} should name {field}"
        );
        assert!(
            detail.contains(hint),
            "{uri}: detail {detail:?} should mention {hint:?}"
        );
    }
}

#[tokio::test]
async fn export_is_a_download_of_the_same_filter() {
    let app = seeded_app();
    let r = get(&app, "/api/export?format=geojson&region=idlib").await;
    r.expect_status(200);
    assert_eq!(r.header("content-type"), "application/geo+json");
    let disposition = r.header("content-disposition");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("incidents-idlib.geojson"),
        "{disposition}"
    );
    let listed = get(&app, "/api/incidents?region=idlib").await.json();
    let exported = r.json();
    assert_eq!(ids(&exported), ids(&listed));
    assert_eq!(exported["features"], listed["features"]);
    let fc: geojson::FeatureCollection = serde_json::from_slice::<geojson::GeoJson>(&r.body)
        .expect("GeoJSON")
        .try_into()
        .expect("a FeatureCollection");
    assert_eq!(fc.features.len(), 4);

    let dated = get(
        &app,
        "/api/export?datetime=2025-11-24/2025-11-30&event_type=Strategic%20developments",
    )
    .await;
    assert!(dated
        .header("content-disposition")
        .contains("incidents-2025-11-24_2025-11-30-strategic_developments.geojson"));
    assert_eq!(sorted(ids(&dated.json())), seed_ids(&[2, 8]));
}

#[tokio::test]
async fn geocode_endpoint_ranks_candidates() {
    let app = seeded_app();
    let fc = get(
        &app,
        "/api/geocode?q=%D8%B3%D8%B1%D8%A7%D9%82%D8%A8&limit=3",
    )
    .await; // سراقب
    fc.expect_status(200);
    assert_eq!(fc.header("content-type"), "application/geo+json");
    let fc = fc.json();
    let first = &fc["features"][0];
    assert_eq!(first["properties"]["name"], "Saraqib");
    assert_eq!(first["properties"]["region"], "idlib");
    assert!(first["properties"]["score"].as_f64().unwrap_or(0.0) > 0.5);
    let scores: Vec<f64> = fc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["properties"]["score"].as_f64().expect("score"))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(scores.len() <= 3);

    let none = get(&app, "/api/geocode?q=qwxzyvvv")
        .await
        .expect_status(200)
        .json();
    assert_eq!(none["features"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn regions_and_health() {
    let app = seeded_app();
    let fc = get(&app, "/api/regions").await.expect_status(200).json();
    let features = fc["features"].as_array().expect("features");
    assert_eq!(features.len(), 14);
    for f in features {
        assert!(
            f["properties"]["name_ar"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{}",
            f["id"]
        );
        let b = f["bbox"].as_array().expect("bbox");
        assert_eq!(b.len(), 4);
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
    }
    let h = get(&app, "/healthz").await.expect_status(200).json();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["incidents"], 9);
}
