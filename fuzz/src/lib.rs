//! Shared by the fuzz targets: the embedded gazetteer and extractor, built once; the whole
//! application over an in-memory store with the curated seed, driven without a socket; and the
//! checks every answer must pass (never a 5xx, a 4xx is our JSON error).

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use http_body_util::BodyExt;
use incident_map::extract::Extractor;
use incident_map::gazetteer::Gazetteer;
use incident_map::incidents::Store;
use incident_map::{app, AppState};
use tower::ServiceExt;

pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::embedded().expect("embedded gazetteer loads"))
}

pub fn extractor() -> &'static Extractor {
    static E: OnceLock<Extractor> = OnceLock::new();
    E.get_or_init(|| Extractor::new(gazetteer()))
}

/// The application over an in-memory store holding the curated seed (no token: reads only).
pub fn state() -> &'static AppState {
    static S: OnceLock<AppState> = OnceLock::new();
    S.get_or_init(|| {
        let store = Store::open_in_memory().expect("in-memory store");
        AppState::with_store(Gazetteer::embedded().expect("gazetteer"), store).expect("state")
    })
}

fn router() -> &'static Router {
    static R: OnceLock<Router> = OnceLock::new();
    R.get_or_init(|| app(state().clone()))
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("tokio runtime")
    })
}

/// GETs `uri` through the whole application and panics (a finding) on a 5xx, or on a 4xx whose
/// body is not our `{"error", "detail"}` JSON. Returns the status and body.
pub fn get_checked(uri: &str) -> (u16, Vec<u8>) {
    let Ok(request) = Request::get(uri).body(Body::empty()) else {
        return (0, Vec::new()); // not a URI a client could send
    };
    let (status, body) = runtime().block_on(async {
        let response = router().clone().oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        (status, body)
    });
    assert!(
        status < 500,
        "{uri} → {status}: {}",
        String::from_utf8_lossy(&body)
    );
    if (400..500).contains(&status) {
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "{uri} → {status}, body not JSON ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        assert!(v["error"].is_string(), "{uri} → {status}: {v}");
    }
    (status, body)
}

/// Reads `data` with one of the bulk-import parsers and drains the rows: every row is an
/// incident or an error value, never a panic. The one place to adapt if the import API differs.
pub fn import_rows(format: incident_map::import::InputFormat, data: &[u8]) {
    let rows = incident_map::import::read(format, data, gazetteer());
    for row in rows.take(100_000) {
        if let Ok(incident) = row {
            assert!(
                incident.validate().is_ok(),
                "an imported incident fails validation: {:?}",
                incident.validate()
            );
        }
    }
}
