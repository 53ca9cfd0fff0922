//! `/ogc/collections`, `/ogc/collections/{id}` (extent, CRS, links) and the JSON Schema of each
//! collection's features (`describedBy`), which gives GDAL and QGIS typed fields even when the
//! first page happens to hold only nulls in a column.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{format_only, json_response, link, Base, CRS84, JSON, SCHEMA_JSON};
use crate::export::fields::{Kind, FIELDS};
use crate::http::params::Params;
use crate::http::{ApiError, AppState, GEOJSON};
use crate::incidents::Catalog;

/// The feature collections this API serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Incidents,
    Places,
    Regions,
}

impl Collection {
    pub const ALL: [Collection; 3] = [
        Collection::Incidents,
        Collection::Places,
        Collection::Regions,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Collection::Incidents => "incidents",
            Collection::Places => "places",
            Collection::Regions => "regions",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Collection::Incidents => "Security incidents",
            Collection::Places => "Gazetteer places",
            Collection::Regions => "Governorates",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Collection::Incidents => "Security incidents in Syria read from news reports, with ACLED's column names; points (WGS 84), one date or a span of days each. Filters: bbox, datetime (overlap with the incident's days), event_type, admin1, actor1, region, review.",
            Collection::Places => "The places of the offline gazetteer that geocodes the reports (GeoNames cities500 for Syria, curated rows, the governorates).",
            Collection::Regions => "Syria's 14 governorates (first-level administrative divisions) as MultiPolygons, names in English and Arabic.",
        }
    }

    pub fn parse(id: &str) -> Result<Collection, ApiError> {
        Collection::ALL
            .into_iter()
            .find(|c| c.id() == id)
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "no collection {id:?}; the collections are incidents, places, regions"
                ))
            })
    }

    pub fn from_path(path: Result<Path<String>, PathRejection>) -> Result<Collection, ApiError> {
        let Path(id) =
            path.map_err(|e| ApiError::bad_request("invalid collection", e.body_text()))?;
        Collection::parse(&id)
    }
}

/// minLon, minLat, maxLon, maxLat of all incidents and their first and last day.
fn incident_extent(catalog: &Catalog) -> Option<([f64; 4], String, String)> {
    let (bbox, first, last) = catalog.extent()?;
    let day = |d: chrono::NaiveDate| format!("{}T00:00:00Z", d.format("%Y-%m-%d"));
    Some((bbox, day(first), day(last)))
}

fn union(boxes: impl Iterator<Item = [f64; 4]>) -> Option<[f64; 4]> {
    boxes.reduce(|a, b| {
        [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ]
    })
}

/// The collection's description document.
pub fn describe(c: Collection, state: &AppState, base: &Base) -> Value {
    let gz = state.gazetteer();
    let (bbox, interval) = match c {
        Collection::Incidents => match incident_extent(&state.catalog()) {
            Some((b, start, end)) => (Some(b), Some(json!([[start, end]]))),
            None => (None, None),
        },
        Collection::Places => (
            union(gz.places().iter().map(|p| [p.lon, p.lat, p.lon, p.lat])),
            None,
        ),
        Collection::Regions => (union(gz.regions().iter().map(|r| r.bbox)), None),
    };
    let path = format!("/collections/{}", c.id());
    let mut extent = Map::new();
    if let Some(b) = bbox {
        extent.insert("spatial".into(), json!({ "bbox": [b], "crs": CRS84 }));
    }
    if let Some(i) = interval {
        extent.insert(
            "temporal".into(),
            json!({ "interval": i, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" }),
        );
    }
    json!({
        "id": c.id(),
        "title": c.title(),
        "description": c.description(),
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": extent,
        "links": [
            link(base.url(&path), "self", JSON, "this collection"),
            link(base.url(&format!("{path}/items")), "items", GEOJSON, c.title()),
            link(base.url(&format!("{path}/schema")), "describedBy", SCHEMA_JSON, "the properties of its features (JSON Schema)"),
        ],
    })
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    format_only(params)?;
    let base = Base::from_headers(&headers)?;
    let collections: Vec<Value> = Collection::ALL
        .iter()
        .map(|&c| describe(c, &state, &base))
        .collect();
    Ok(json_response(
        JSON,
        &json!({
            "links": [link(base.url("/collections"), "self", JSON, "this document")],
            "collections": collections,
        }),
    ))
}

pub async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    params: Params,
) -> Result<Response, ApiError> {
    let c = Collection::from_path(path)?;
    format_only(params)?;
    let base = Base::from_headers(&headers)?;
    Ok(json_response(JSON, &describe(c, &state, &base)))
}

fn property(kind: Kind, nullable: bool) -> Value {
    // GDAL's OAPIF driver reads `type` and `format` only, so nullability is the OpenAPI keyword
    let mut p = match kind {
        Kind::Text => json!({ "type": "string" }),
        Kind::Int => json!({ "type": "integer" }),
        Kind::Date => json!({ "type": "string", "format": "date" }),
    };
    if nullable {
        p["nullable"] = json!(true);
    }
    p
}

/// The properties of a collection's features, but `id`.
fn properties(c: Collection) -> Map<String, Value> {
    let text = || property(Kind::Text, false);
    match c {
        Collection::Incidents => FIELDS
            .iter()
            .filter(|f| f.name != "id")
            .map(|f| (f.name.to_string(), property(f.kind, f.nullable)))
            .collect(),
        Collection::Places => [
            ("name", text()),
            ("name_ar", property(Kind::Text, true)),
            ("feature_code", text()),
            ("admin1", property(Kind::Text, true)),
            ("admin1_code", text()),
            ("population", property(Kind::Int, false)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        Collection::Regions => [
            ("name", text()),
            ("name_ar", text()),
            ("admin1_code", text()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    }
}

pub fn schema_document(c: Collection, base: &Base) -> Value {
    let geometry = match c {
        Collection::Regions => "MultiPolygon",
        _ => "Point",
    };
    json!({
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": base.url(&format!("/collections/{}/schema", c.id())),
        "title": c.title(),
        "type": "object",
        "properties": {
            "type": { "type": "string", "enum": ["Feature"] },
            "id": { "type": "string" },
            "geometry": {
                "type": "object",
                "properties": {
                    "type": { "type": "string", "enum": [geometry] },
                    "coordinates": { "type": "array" },
                },
            },
            // `properties.id` repeats the feature's `id` and is left out: GDAL adds the `id`
            // column from the first page itself and would list it twice
            "properties": { "type": "object", "properties": properties(c) },
        },
    })
}

pub async fn schema(
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    params: Params,
) -> Result<Response, ApiError> {
    let c = Collection::from_path(path)?;
    format_only(params)?;
    let base = Base::from_headers(&headers)?;
    Ok(json_response(SCHEMA_JSON, &schema_document(c, &base)))
}
