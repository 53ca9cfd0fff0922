//! The embedded front-end: the page, the MapLibre module and worker, the
//! country outlines, and the guarantees that the page stays on this server
//! and never builds HTML from data.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use incident_map::http::web::router;
use tower::ServiceExt;

async fn get(uri: &str) -> Response {
    let request = Request::get(uri).body(Body::empty()).expect("request");
    router::<()>().oneshot(request).await.expect("infallible")
}

async fn body_text(response: Response) -> String {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8(bytes.to_vec()).expect("utf-8 body")
}

fn content_type(response: &Response) -> String {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// GETs `uri`, checks it is 200 with a content type starting with `mime`
/// and a `Cache-Control` header, and returns the body.
async fn fetch_ok(uri: &str, mime: &str) -> String {
    let response = get(uri).await;
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    assert!(
        content_type(&response).starts_with(mime),
        "{uri}: content type {:?}, expected {mime}",
        content_type(&response)
    );
    assert!(
        response.headers().contains_key(header::CACHE_CONTROL),
        "{uri}: no Cache-Control"
    );
    let body = body_text(response).await;
    assert!(!body.is_empty(), "{uri}: empty body");
    body
}

#[tokio::test]
async fn index_is_html_and_loads_the_module() {
    let html = fetch_ok("/", "text/html").await;
    assert!(html.contains(r#"<script type="module" src="/assets/app.js">"#));
    assert!(html.contains("/assets/maplibre-gl.css"));
    assert!(html.contains("/assets/style.css"));
}

#[tokio::test]
async fn app_imports_maplibre_from_the_same_folder() {
    let app = fetch_ok("/assets/app.js", "text/javascript").await;
    assert!(app.contains("from './maplibre-gl.mjs'"));
    fetch_ok("/assets/style.css", "text/css").await;
    fetch_ok("/assets/maplibre-gl.css", "text/css").await;
}

#[tokio::test]
async fn maplibre_module_and_worker_are_served_as_javascript() {
    let module = fetch_ok("/assets/maplibre-gl.mjs", "text/javascript").await;
    // The module locates its worker next to itself.
    assert!(module.contains("maplibre-gl-worker.mjs"));
    assert!(module.contains("import.meta.url"));
    // The worker is requested with a version query string.
    fetch_ok("/assets/maplibre-gl-worker.mjs?v=1", "text/javascript").await;
    fetch_ok("/assets/mapbox-gl-rtl-text.mjs", "text/javascript").await;
}

#[tokio::test]
async fn third_party_licenses_are_embedded() {
    let license = fetch_ok("/assets/licenses/maplibre-gl.txt", "text/plain").await;
    assert!(license.contains("MapLibre"));
}

#[tokio::test]
async fn countries_geojson_contains_syria() {
    let text = fetch_ok("/data/countries.geojson", "application/geo+json").await;
    let value: serde_json::Value = serde_json::from_str(&text).expect("countries is JSON");
    assert_eq!(value["type"], "FeatureCollection");
    let features = value["features"].as_array().expect("features array");
    assert!(features.iter().any(|f| f["properties"]["iso_a3"] == "SYR"));
}

#[tokio::test]
async fn unknown_asset_is_a_json_404() {
    let response = get("/assets/no-such-file.js").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(content_type(&response).starts_with("application/json"));
    let value: serde_json::Value =
        serde_json::from_str(&body_text(response).await).expect("JSON error");
    assert_eq!(value["error"], "not found");
    assert_eq!(value["detail"], "no asset no-such-file.js");
}

#[tokio::test]
async fn path_traversal_does_not_escape() {
    for uri in [
        "/assets/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/%2E%2E/%2E%2E/Cargo.toml",
        "/assets/licenses/../../build.rs",
        "/assets/..%2fCargo.toml",
        "/assets/..%5cCargo.toml",
        "/assets//etc/passwd",
    ] {
        let response = get(uri).await;
        assert!(
            matches!(
                response.status(),
                StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST
            ),
            "{uri}: status {}",
            response.status()
        );
        let body = body_text(response).await;
        assert!(!body.contains("[package]"), "{uri} leaked a file");
        assert!(!body.contains("root:"), "{uri} leaked a file");
    }
}

#[tokio::test]
async fn an_unchanged_asset_is_not_sent_twice() {
    let first = get("/assets/app.js").await;
    let etag = first
        .headers()
        .get(header::ETAG)
        .expect("ETag header")
        .clone();
    let request = Request::get("/assets/app.js")
        .header(header::IF_NONE_MATCH, etag)
        .body(Body::empty())
        .expect("request");
    let second = router::<()>().oneshot(request).await.expect("infallible");
    assert_eq!(second.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn page_files_stay_on_this_server_and_never_use_inner_html() {
    for uri in ["/", "/assets/app.js", "/assets/style.css"] {
        let text = body_text(get(uri).await).await;
        for forbidden in [
            "http://",
            "https://",
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
        ] {
            assert!(!text.contains(forbidden), "{uri} contains {forbidden}");
        }
        assert!(
            !text.contains("document.write"),
            "{uri} uses document.write"
        );
    }
}

#[tokio::test]
async fn page_is_protected_by_a_content_security_policy() {
    let response = get("/").await;
    let csp = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("default-src 'self'"));
    assert!(csp.contains("connect-src 'self'"));
}
