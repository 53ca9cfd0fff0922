//! HTTP surface (axum): one file per resource, each with its own `router()`, merged in [`app`].
//!
//! Handlers parse and validate, call the domain modules, and turn their errors into responses
//! through [`error::ApiError`] — the only place that chooses status codes.

pub mod articles;
pub mod auth;
pub mod error;
pub mod etag;
pub mod export;
pub mod geocode;
pub mod glyphs;
pub mod health;
pub mod import;
pub mod incidents;
pub mod ogc;
pub mod params;
pub mod places;
pub mod regions;
pub mod state;
pub mod web;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::{CompressionLayer, CompressionLevel};

pub use error::ApiError;
pub use state::{AppState, StateError, WriteError};

/// Media type of GeoJSON responses (RFC 7946).
pub const GEOJSON: &str = "application/geo+json";

/// The whole application; tests call it without a socket (`app(state).oneshot(request)`).
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(incidents::router())
        .merge(regions::router())
        .merge(geocode::router())
        .merge(export::router())
        .merge(ogc::router())
        .merge(health::router())
        .merge(articles::router())
        .merge(import::router())
        .merge(web::router())
        .merge(glyphs::router())
        .merge(places::router())
        .fallback(|| async { ApiError::NotFound("no such path".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            etag::layer,
        ))
        .with_state(state)
        // gzip or brotli when the client asks (Accept-Encoding); level 4 of both keeps a large
        // export cheap to compress while the page's scripts still shrink about fourfold
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
}

/// A body with a content type.
pub(crate) fn typed(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}
