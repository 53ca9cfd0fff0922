//! The base map's own data: glyphs for the labels (a stack of fonts combined on request) and the
//! towns of the gazetteer, with the JSON error format for bad requests.

mod common;

use common::{get, seeded_app};

const STACK: &str = "/fonts/Noto%20Sans%20Regular,Noto%20Sans%20Arabic%20Regular";

#[tokio::test]
async fn glyph_stacks_combine_latin_and_arabic() {
    let app = seeded_app();
    let latin = get(&app, "/fonts/Noto%20Sans%20Regular/0-255.pbf").await;
    latin.expect_status(200);
    assert_eq!(latin.header("content-type"), "application/x-protobuf");
    assert!(!latin.header("etag").is_empty());

    // Arabic letters come from the Arabic font even when the stack starts with the Latin one.
    let arabic_only = get(&app, "/fonts/Noto%20Sans%20Arabic%20Regular/1536-1791.pbf").await;
    arabic_only.expect_status(200);
    let combined = get(&app, &format!("{STACK}/1536-1791.pbf")).await;
    combined.expect_status(200);
    assert!(combined.body.len() * 10 > arabic_only.body.len() * 9);
    // Presentation forms, which the RTL plugin shapes Arabic into.
    get(&app, &format!("{STACK}/65024-65279.pbf"))
        .await
        .expect_status(200);
    // A block neither font covers is an empty stack, not an error.
    let empty = get(&app, &format!("{STACK}/19968-20223.pbf")).await;
    empty.expect_status(200);
    assert!(empty.body.len() < 100, "{}", empty.body.len());

    let again = get(&app, "/fonts/Noto%20Sans%20Regular/0-255.pbf").await;
    assert_eq!(again.body, latin.body);
}

#[tokio::test]
async fn bad_glyph_requests_answer_in_json() {
    let app = seeded_app();
    for (uri, status, needle) in [
        ("/fonts/Comic%20Sans/0-255.pbf", 404, "Noto Sans Regular"),
        (
            "/fonts/Noto%20Sans%20Regular/0-256.pbf",
            400,
            "START-END.pbf",
        ),
        (
            "/fonts/Noto%20Sans%20Regular/1-256.pbf",
            400,
            "multiple of 256",
        ),
        (
            "/fonts/Noto%20Sans%20Regular/0-255.png",
            400,
            "START-END.pbf",
        ),
    ] {
        let r = get(&app, uri).await;
        r.expect_status(status);
        let body = r.json();
        assert!(body["error"].is_string(), "{uri}: {body}");
        assert!(
            body["detail"].as_str().unwrap_or("").contains(needle),
            "{uri}: {body}"
        );
    }
}

#[tokio::test]
async fn places_are_towns_with_both_names() {
    let app = seeded_app();
    let r = get(&app, "/data/places.geojson").await;
    r.expect_status(200);
    assert_eq!(r.header("content-type"), "application/geo+json");
    let fc = r.json();
    let features = fc["features"].as_array().expect("features");
    assert!(!features.is_empty());
    for f in features {
        assert_eq!(f["geometry"]["type"], "Point", "{f}");
        assert!(f["properties"]["name"].is_string(), "{f}");
        assert!(f["properties"]["rank"]
            .as_u64()
            .is_some_and(|r| (1..=4).contains(&r)));
    }
    assert!(features
        .iter()
        .any(|f| f["properties"]["name_ar"] == "حلب" && f["properties"]["rank"] == 1));
}
