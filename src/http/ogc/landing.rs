//! The landing page, the conformance declaration and the OpenAPI document.

use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::{format_only, json_response, link, openapi, Base, CONFORMANCE, JSON, OPENAPI_JSON};
use crate::http::params::Params;
use crate::http::ApiError;

pub async fn landing(headers: HeaderMap, params: Params) -> Result<Response, ApiError> {
    format_only(params)?;
    let base = Base::from_headers(&headers)?;
    Ok(json_response(
        JSON,
        &json!({
            "title": "incident-map",
            "description": "Security incidents in Syria from news reports, geocoded with an offline gazetteer; the gazetteer's places and the governorates. OGC API – Features (Part 1).",
            "links": [
                link(base.url(""), "self", JSON, "this document"),
                link(base.url("/api"), "service-desc", OPENAPI_JSON, "the API definition (OpenAPI 3.0)"),
                link(base.url("/conformance"), "conformance", JSON, "conformance classes implemented"),
                link(base.url("/collections"), "data", JSON, "the collections: incidents, places, regions"),
            ],
        }),
    ))
}

pub async fn conformance(headers: HeaderMap, params: Params) -> Result<Response, ApiError> {
    format_only(params)?;
    let base = Base::from_headers(&headers)?;
    Ok(json_response(
        JSON,
        &json!({
            "conformsTo": CONFORMANCE,
            "links": [link(base.url("/conformance"), "self", JSON, "this document")],
        }),
    ))
}

pub async fn api(headers: HeaderMap, params: Params) -> Result<Response, ApiError> {
    format_only(params)?;
    let base = Base::from_headers(&headers)?;
    Ok(json_response(OPENAPI_JSON, &openapi::document(&base)))
}
