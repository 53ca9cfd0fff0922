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
pub mod limits;
pub mod ogc;
pub mod params;
pub mod places;
pub mod regions;
pub mod security;
pub mod state;
pub mod tiles;
pub mod web;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::{CompressionLayer, CompressionLevel};

pub use error::ApiError;
pub use limits::Limits;
pub use security::Cors;
pub use state::{AppState, StateError, WriteError};

/// Media type of GeoJSON responses (RFC 7946).
pub const GEOJSON: &str = "application/geo+json";

/// How the service is run: its limits, read-only mode and CORS (the `serve` flags).
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub limits: Limits,
    /// refuse every write, whatever the token
    pub read_only: bool,
    pub cors: Cors,
}

/// The whole application with the default [`Options`]; tests call it without a socket
/// (`app(state).oneshot(request)`).
pub fn app(state: AppState) -> Router {
    app_with(state, &Options::default())
}

/// The whole application, run with `options`.
pub fn app_with(state: AppState, options: &Options) -> Router {
    let token_holder = state.clone();
    let authorized: limits::Authorized =
        std::sync::Arc::new(move |headers| auth::require_token(&token_holder, headers).is_ok());
    let routes = Router::new()
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
        .merge(tiles::router())
        .fallback(|| async { ApiError::NotFound("no such path".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            etag::layer,
        ))
        .with_state(state);
    layers(routes, options, Some(authorized))
}

/// The layers around the routes, innermost first: the limits (body, time-out, concurrency),
/// read-only mode, JSON for every error, compression, CORS, and the security headers outermost
/// so every response has them. Public so that tests can wrap a router of their own; there
/// every write counts against the write limit, since no token is known.
pub fn harden(routes: Router, options: &Options) -> Router {
    layers(routes, options, None)
}

fn layers(routes: Router, options: &Options, authorized: Option<limits::Authorized>) -> Router {
    let mut router = limits::apply(routes, &options.limits, authorized);
    if options.read_only {
        router = router.layer(axum::middleware::from_fn(security::read_only));
    }
    router = router
        .layer(axum::middleware::from_fn_with_state(
            options.limits.max_body,
            error::json_errors,
        ))
        // gzip or brotli when the client asks (Accept-Encoding); level 4 of both keeps a large
        // export cheap to compress while the page's scripts still shrink about fourfold
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)));
    if let Some(cors) = options.cors.layer() {
        router = router.layer(cors);
    }
    router.layer(axum::middleware::from_fn(security::headers))
}

/// A body with a content type.
pub(crate) fn typed(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}
