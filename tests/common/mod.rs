//! Shared helpers for integration tests: an app over an in-memory store seeded with the curated
//! incidents, and requests without a socket that print status and body when an assertion fails.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use incident_map::gazetteer::Gazetteer;
use incident_map::incidents::{Incident, Store};
use incident_map::{app, AppState};
use serde_json::Value;
use tower::ServiceExt;

pub fn state_with(extra: &[Incident]) -> AppState {
    let gazetteer = Gazetteer::embedded().expect("embedded gazetteer loads");
    let mut store = Store::open_in_memory().expect("in-memory store");
    if !extra.is_empty() {
        store.upsert(extra, &[]).expect("store extra incidents");
    }
    AppState::with_store(gazetteer, store).expect("state")
}

pub fn seeded_app() -> Router {
    app(state_with(&[]))
}

/// The seeded app with a write token, or without one (writes refused).
pub fn app_with_token(token: Option<&str>) -> Router {
    app(state_with(&[]).with_token(token.map(str::to_string)))
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
    pub uri: String,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} → {}: body is not JSON ({e}): {}",
                self.uri,
                self.status,
                self.text()
            )
        })
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }

    pub fn expect_status(&self, status: u16) -> &Reply {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{} → {}: {}",
            self.uri,
            self.status,
            self.text()
        );
        self
    }
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    send(
        app,
        Request::get(uri).body(Body::empty()).expect("request"),
        uri.to_string(),
    )
    .await
}

/// A request with a body, a bearer `token` and a `content_type` when given.
pub async fn send_body(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    send(
        app,
        req.body(Body::from(body)).expect("request"),
        format!("{method} {uri}"),
    )
    .await
}

/// Any request through the app, its answer collected; `label` names it in failure messages.
pub async fn send(app: &Router, request: Request<Body>, label: String) -> Reply {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
        uri: label,
    }
}

/// Feature ids of a FeatureCollection, in order.
pub fn ids(fc: &Value) -> Vec<String> {
    fc["features"]
        .as_array()
        .unwrap_or_else(|| panic!("not a FeatureCollection: {fc}"))
        .iter()
        .map(|f| f["id"].as_str().expect("string id").to_string())
        .collect()
}
