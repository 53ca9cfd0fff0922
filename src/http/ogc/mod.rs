//! OGC API – Features, Part 1 (conformance classes core, geojson and oas30) under `/ogc`, so
//! QGIS and GDAL can add the live incidents, the gazetteer's places and the governorates as
//! layers and filter them on the server.
//!
//! Links are absolute (GDAL follows `next` verbatim and resolves a leading `/` against the
//! API root, not the host), built from the request's `Host` header.
//!
//! Not for: the data itself (the catalogue, the gazetteer) or the JSON API under `/api`.

mod collections;
mod cursor;
mod items;
mod landing;
mod openapi;

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::params::Params;
use super::{ApiError, AppState};

pub use cursor::Cursor;

/// Media types the API speaks.
pub const JSON: &str = "application/json";
pub const OPENAPI_JSON: &str = "application/vnd.oai.openapi+json;version=3.0";
pub const SCHEMA_JSON: &str = "application/schema+json";

/// Page size when no `limit` is given, and the largest page (larger limits are clamped).
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 10_000;

/// The coordinate reference system of every geometry (longitude, latitude, WGS 84).
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing::landing))
        .route("/ogc/", get(landing::landing))
        .route("/ogc/api", get(landing::api))
        .route("/ogc/conformance", get(landing::conformance))
        .route("/ogc/collections", get(collections::list))
        .route("/ogc/collections/{collection}", get(collections::one))
        .route(
            "/ogc/collections/{collection}/schema",
            get(collections::schema),
        )
        .route("/ogc/collections/{collection}/items", get(items::items))
        .route(
            "/ogc/collections/{collection}/items/{feature}",
            get(items::item),
        )
}

/// The absolute URL of the API root (`http://host:port/ogc`), from the `Host` header (and
/// `X-Forwarded-Proto: https` behind a proxy).
#[derive(Debug, Clone)]
pub struct Base(String);

impl Base {
    pub fn from_headers(headers: &HeaderMap) -> Result<Base, ApiError> {
        let host = match headers.get(header::HOST) {
            None => "localhost",
            Some(h) => h
                .to_str()
                .ok()
                .filter(|h| {
                    !h.is_empty()
                        && h.chars()
                            .all(|c| c.is_ascii_alphanumeric() || ".-:[]_".contains(c))
                })
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid Host header",
                        "needs a host name or address with an optional :port",
                    )
                })?,
        };
        let https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
        let scheme = if https { "https" } else { "http" };
        Ok(Base(format!("{scheme}://{host}/ogc")))
    }

    /// `path` below the root, e.g. `/collections`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// `path` below the host, e.g. `/api/export`.
    pub fn root_url(&self, path: &str) -> String {
        format!("{}{path}", self.0.trim_end_matches("/ogc"))
    }
}

/// A link object.
pub fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({ "href": href, "rel": rel, "type": kind, "title": title })
}

/// A JSON body with its media type.
pub fn json_response(content_type: &'static str, value: &Value) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        serde_json::to_vec(value).unwrap_or_default(),
    )
        .into_response()
}

/// Takes `f` out of the query: only JSON (GeoJSON for features) is offered.
pub fn take_format(params: &mut Params) -> Result<(), ApiError> {
    match params.take("f")? {
        None => Ok(()),
        Some(f) if ["json", "geojson"].contains(&f.trim().to_ascii_lowercase().as_str()) => Ok(()),
        Some(f) => Err(ApiError::bad_request(
            "invalid f",
            format!("this API answers in JSON (GeoJSON for features); use f=json; got {f:?}"),
        )),
    }
}

/// For documents that take no parameter but `f`: checks `f` and rejects anything else.
pub fn format_only(mut params: Params) -> Result<(), ApiError> {
    take_format(&mut params)?;
    only(&params, &["f"])
}

/// Rejects any query parameter outside `allowed` (a typo must not silently widen a query).
pub fn only(params: &Params, allowed: &[&str]) -> Result<(), ApiError> {
    match params
        .0
        .iter()
        .find(|(k, _)| !allowed.contains(&k.as_str()))
    {
        None => Ok(()),
        Some((k, _)) => Err(ApiError::bad_request(
            format!("invalid {k}"),
            format!("unknown query parameter; allowed: {}", allowed.join(", ")),
        )),
    }
}
