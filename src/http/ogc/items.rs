//! `/ogc/collections/{id}/items` (a page of features with `numberMatched`, `numberReturned`,
//! `timeStamp` and `self`/`next`/`prev`/`alternate` links) and `…/items/{featureId}`.
//!
//! Incidents page by a keyset cursor on the catalogue order (see `cursor`); the places and
//! governorates never change while the server runs, so they page by offset.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use geo::Intersects;
use serde_json::{json, Value};

use super::collections::Collection;
use super::cursor::{self, Cursor};
use super::{format_only, link, only, take_format, Base, DEFAULT_LIMIT, JSON, MAX_LIMIT};
use crate::export::{geojson as collection, Format};
use crate::gazetteer::{Gazetteer, Place, Region};
use crate::http::incidents::{streamed, ONE_BUFFER};
use crate::http::params::Params;
use crate::http::{typed, ApiError, AppState, GEOJSON};
use crate::incidents::query::{parse_bbox, parse_datetime};
use crate::incidents::Filter;

/// Query parameters of each collection's items (besides `f`).
pub const INCIDENT_PARAMS: &[&str] = &[
    "bbox",
    "datetime",
    "limit",
    "cursor",
    "resultType",
    "event_type",
    "admin1",
    "actor1",
    "region",
    "review",
    "f",
];
pub const STATIC_PARAMS: &[&str] = &["bbox", "datetime", "limit", "offset", "resultType", "f"];

/// The filter parameters an export link carries over.
const EXPORT_PARAMS: &[&str] = &[
    "bbox",
    "datetime",
    "event_type",
    "admin1",
    "actor1",
    "region",
    "review",
];

/// `limit`: 1 or more; above the maximum it is clamped to it (as the standard asks).
fn take_limit(params: &mut Params) -> Result<usize, ApiError> {
    match params.take("limit")? {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Ok((n.min(MAX_LIMIT as u64)) as usize),
            _ => Err(ApiError::bad_request(
                "invalid limit",
                format!(
                    "needs a whole number 1 or more (at most {MAX_LIMIT} are returned); got {v:?}"
                ),
            )),
        },
    }
}

/// `resultType=hits` answers the count alone (GDAL asks for it when it is declared).
fn take_hits(params: &mut Params) -> Result<bool, ApiError> {
    match params.take("resultType")?.as_deref() {
        None | Some("results") => Ok(false),
        Some("hits") => Ok(true),
        Some(other) => Err(ApiError::bad_request(
            "invalid resultType",
            format!("needs results or hits; got {other:?}"),
        )),
    }
}

/// The request's query with some keys replaced (in order, replacements appended).
fn query_with(pairs: &[(String, String)], drop: &[&str], add: &[(&str, String)]) -> String {
    let mut out: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, _)| !drop.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    out.extend(add.iter().map(|(k, v)| (*k, v.as_str())));
    serde_urlencoded::to_string(&out).unwrap_or_default()
}

fn with_query(url: String, query: &str) -> String {
    if query.is_empty() {
        url
    } else {
        format!("{url}?{query}")
    }
}

/// A FeatureCollection page: the members, then the features joined by commas.
fn page_body(matched: usize, links: &[Value], features: &[Vec<u8>]) -> Vec<u8> {
    page_body_from(matched, links, features.len(), |out| {
        for (n, f) in features.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(f);
        }
    })
}

fn page_body_from(
    matched: usize,
    links: &[Value],
    returned: usize,
    features: impl FnOnce(&mut Vec<u8>),
) -> Vec<u8> {
    let mut out = page_head(matched, links, returned, chrono::Utc::now());
    features(&mut out);
    out.extend_from_slice(b"]}");
    out
}

/// A page up to `"features":[`. `time` is the `timeStamp`: for incidents, when the catalogue
/// snapshot the page is read from was made, so the same page of the same data is the same
/// bytes (its ETag stays valid).
fn page_head(
    matched: usize,
    links: &[Value],
    returned: usize,
    time: chrono::DateTime<chrono::Utc>,
) -> Vec<u8> {
    let time = time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let links = serde_json::to_string(links).unwrap_or_else(|_| "[]".into());
    format!(
        "{{\"type\":\"FeatureCollection\",\"numberMatched\":{matched},\"numberReturned\":{returned},\"timeStamp\":\"{time}\",\"links\":{links},\"features\":["
    )
    .into_bytes()
}

pub async fn items(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    mut params: Params,
) -> Result<Response, ApiError> {
    let c = Collection::from_path(path)?;
    let base = Base::from_headers(&headers)?;
    let request = params.0.clone();
    take_format(&mut params)?;
    let limit = take_limit(&mut params)?;
    let hits = take_hits(&mut params)?;
    let items_url = base.url(&format!("/collections/{}/items", c.id()));
    let mut links = vec![link(
        with_query(items_url.clone(), &query_with(&request, &[], &[])),
        "self",
        GEOJSON,
        "this page",
    )];
    let next_prev = |links: &mut Vec<Value>, rel: &str, key: &str, value: String| {
        let q = query_with(
            &request,
            &["cursor", "offset", "limit"],
            &[(key, value), ("limit", limit.to_string())],
        );
        let title = if rel == "next" {
            "next page"
        } else {
            "previous page"
        };
        links.push(link(with_query(items_url.clone(), &q), rel, GEOJSON, title));
    };

    let body = match c {
        Collection::Incidents => {
            only(&params, INCIDENT_PARAMS)?;
            let cursor = params
                .take("cursor")?
                .map(|s| Cursor::parse(&s))
                .transpose()?;
            let filter = Filter::parse(&params.0, state.gazetteer(), &[])?;
            let catalog = state.catalog();
            // the first page of a box alone may be answered without finding every match
            let fast = match cursor {
                None => filter.count_and_page(&catalog, 0, if hits { 0 } else { limit }),
                Some(_) => None,
            };
            let matched = match fast {
                Some(_) => Vec::new(),
                None => filter.select(&catalog, state.gazetteer()),
            };
            let export = query_with(
                &request
                    .iter()
                    .filter(|(k, _)| EXPORT_PARAMS.contains(&k.as_str()))
                    .cloned()
                    .collect::<Vec<_>>(),
                &[],
                &[],
            );
            for (format, title) in [
                (Format::GeoJson, "all matches as a GeoJSON file"),
                (Format::Csv, "all matches as CSV"),
                (Format::GeoPackage, "all matches as a GeoPackage"),
                (Format::FlatGeobuf, "all matches as FlatGeobuf"),
            ] {
                let q = if export.is_empty() {
                    String::new()
                } else {
                    format!("&{export}")
                };
                links.push(link(
                    base.root_url(&format!("/api/export?format={}{q}", format.name())),
                    "alternate",
                    format.content_type(),
                    title,
                ));
            }
            if hits {
                let count = fast.as_ref().map_or(matched.len(), |(count, _)| *count);
                let mut body = page_head(count, &links, 0, catalog.made());
                body.extend_from_slice(b"]}");
                body
            } else if let Some((count, page)) = fast {
                if let Some(&last) = page.last().filter(|_| page.len() < count) {
                    next_prev(
                        &mut links,
                        "next",
                        "cursor",
                        Cursor::after(&catalog, last).encode(),
                    );
                }
                let head = page_head(count, &links, page.len(), catalog.made());
                if page.len() > ONE_BUFFER {
                    let chunks = collection::features_chunks(catalog, head, page, b"]}".to_vec());
                    return Ok(streamed(GEOJSON, chunks));
                }
                let mut body = head;
                collection::push_features(&mut body, &catalog, &page, true);
                body.extend_from_slice(b"]}");
                body
            } else {
                let range = cursor::page(&catalog, &matched, cursor.as_ref(), limit);
                if range.end < matched.len() && !range.is_empty() {
                    let next = Cursor::after(&catalog, matched[range.end - 1]);
                    next_prev(&mut links, "next", "cursor", next.encode());
                }
                if range.start > 0 {
                    let prev = Cursor::through(&catalog, matched[range.start - 1]);
                    next_prev(&mut links, "prev", "cursor", prev.encode());
                }
                let page = &matched[range];
                let head = page_head(matched.len(), &links, page.len(), catalog.made());
                if page.len() > ONE_BUFFER {
                    let chunks =
                        collection::features_chunks(catalog, head, page.to_vec(), b"]}".to_vec());
                    return Ok(streamed(GEOJSON, chunks));
                }
                let mut body = head;
                collection::push_features(&mut body, &catalog, page, true);
                body.extend_from_slice(b"]}");
                body
            }
        }
        Collection::Places | Collection::Regions => {
            only(&params, STATIC_PARAMS)?;
            let offset = match params.take("offset")? {
                None => 0,
                Some(v) => v.trim().parse::<usize>().map_err(|_| {
                    ApiError::bad_request(
                        "invalid offset",
                        format!("needs a whole number 0 or more; got {v:?}"),
                    )
                })?,
            };
            let bbox = params.take("bbox")?.map(|b| parse_bbox(&b)).transpose()?;
            // validated, then without effect: places and governorates have no time
            params
                .take("datetime")?
                .map(|d| parse_datetime(&d))
                .transpose()?;
            let gz = state.gazetteer();
            let features: Vec<Vec<u8>> = match c {
                Collection::Places => gz
                    .places()
                    .iter()
                    .filter(|p| {
                        bbox.is_none_or(|b| {
                            p.lon >= b[0] && p.lon <= b[2] && p.lat >= b[1] && p.lat <= b[3]
                        })
                    })
                    .map(|p| place_feature(p, gz))
                    .collect(),
                _ => gz
                    .regions()
                    .iter()
                    .filter(|r| {
                        bbox.is_none_or(|b| {
                            r.geometry
                                .intersects(&geo::Rect::new((b[0], b[1]), (b[2], b[3])))
                        })
                    })
                    .map(region_feature)
                    .collect(),
            };
            let matched = features.len();
            if hits {
                page_body(matched, &links, &[])
            } else {
                let start = offset.min(matched);
                let end = (start + limit).min(matched);
                if end < matched {
                    next_prev(&mut links, "next", "offset", end.to_string());
                }
                if start > 0 {
                    next_prev(
                        &mut links,
                        "prev",
                        "offset",
                        start.saturating_sub(limit).to_string(),
                    );
                }
                page_body(matched, &links, &features[start..end])
            }
        }
    };
    Ok(typed(GEOJSON, body))
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

fn place_feature(p: &Place, gz: &Gazetteer) -> Vec<u8> {
    let admin1 = gz
        .regions()
        .iter()
        .find(|r| r.admin1_code == p.admin1_code)
        .map(|r| r.name.as_str());
    to_bytes(&json!({
        "type": "Feature",
        "id": p.id,
        "geometry": { "type": "Point", "coordinates": [p.lon, p.lat] },
        "properties": {
            "id": p.id,
            "name": p.name,
            "name_ar": p.name_ar,
            "feature_code": p.feature_code,
            "admin1": admin1,
            "admin1_code": p.admin1_code,
            "population": p.population,
        },
    }))
}

fn region_feature(r: &Region) -> Vec<u8> {
    to_bytes(&json!({
        "type": "Feature",
        "id": r.id,
        "geometry": geojson::Geometry::from(&r.geometry),
        "properties": {
            "id": r.id,
            "name": r.name,
            "name_ar": r.name_ar,
            "admin1_code": r.admin1_code,
        },
    }))
}

/// One feature, with its `self` and `collection` links added to the stored bytes.
pub async fn item(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    params: Params,
) -> Result<Response, ApiError> {
    let Path((collection, id)) =
        path.map_err(|e| ApiError::bad_request("invalid path", e.body_text()))?;
    let c = Collection::parse(&collection)?;
    format_only(params)?;
    let base = Base::from_headers(&headers)?;
    let gz = state.gazetteer();
    let not_found = || ApiError::NotFound(format!("no feature {id:?} in {}", c.id()));
    let mut feature = match c {
        Collection::Incidents => {
            let catalog = state.catalog();
            let idx = catalog.position(&id).ok_or_else(not_found)?;
            catalog.feature(idx).to_vec()
        }
        Collection::Places => place_feature(gz.place(&id).ok_or_else(not_found)?, gz),
        Collection::Regions => region_feature(
            gz.regions()
                .iter()
                .find(|r| r.id == id)
                .ok_or_else(not_found)?,
        ),
    };
    let collection_url = base.url(&format!("/collections/{}", c.id()));
    let self_url = format!("{collection_url}/items/{}", encode_segment(&id));
    let links = json!([
        link(self_url, "self", GEOJSON, "this feature"),
        link(collection_url, "collection", JSON, "the collection"),
    ]);
    // every stored feature is a JSON object: open it at its last brace
    if feature.last() == Some(&b'}') {
        feature.pop();
        feature.extend_from_slice(b",\"links\":");
        feature.extend_from_slice(&to_bytes(&links));
        feature.push(b'}');
    }
    Ok(typed(GEOJSON, feature))
}

/// Percent-encodes a path segment (ids may hold `:` or non-ASCII letters).
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
