//! The OpenAPI 3.0 definition of the `/ogc` API. Each collection's items path lists its own
//! query parameters: GDAL sends a `-where` equality on a field to the server only when the
//! field is declared here as a query parameter of `/collections/{id}/items`, and QGIS reads
//! the `limit` parameter's default and maximum.

use serde_json::{json, Map, Value};

use super::collections::Collection;
use super::items::{INCIDENT_PARAMS, STATIC_PARAMS};
use super::{Base, DEFAULT_LIMIT, JSON, MAX_LIMIT, OPENAPI_JSON, SCHEMA_JSON};
use crate::http::GEOJSON;
use crate::incidents::taxonomy;

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": description,
        "style": "form",
        "explode": false,
        "schema": schema,
    })
}

fn parameters() -> Value {
    let types = taxonomy::event_type_names().join(", ");
    json!({
        "collectionId": {
            "name": "collectionId", "in": "path", "required": true,
            "description": "incidents, places or regions",
            "schema": { "type": "string", "enum": Collection::ALL.map(|c| c.id()) },
        },
        "featureId": {
            "name": "featureId", "in": "path", "required": true,
            "description": "the feature's id (its `id` member)",
            "schema": { "type": "string" },
        },
        "f": query("f", "The response format: json (GeoJSON for features) is the only one.", json!({ "type": "string", "enum": ["json", "geojson"] })),
        "bbox": query("bbox", "minLon,minLat,maxLon,maxLat in degrees (CRS84); the 6-number form with heights is accepted and its heights ignored. Points on an edge are inside.", json!({ "type": "array", "minItems": 4, "maxItems": 6, "items": { "type": "number" } })),
        "datetime": query("datetime", "An RFC 3339 date-time or a date, or an interval a/b with .. or nothing for an open end (2025-11-24T/2025-11-30T is accepted too). An incident matches when its days [event_date, event_date_end] overlap it; places and regions have no time.", json!({ "type": "string" })),
        "limit": query("limit", &format!("Features per page: {DEFAULT_LIMIT} by default; larger values than {MAX_LIMIT} are answered with {MAX_LIMIT}."), json!({ "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT })),
        "cursor": query("cursor", "Where a page starts: the opaque value of a next or prev link.", json!({ "type": "string" })),
        "offset": query("offset", "Features to skip (places and regions page by offset).", json!({ "type": "integer", "minimum": 0, "default": 0 })),
        "resultType": query("resultType", "hits answers numberMatched with no features.", json!({ "type": "string", "enum": ["results", "hits"], "default": "results" })),
        "event_type": query("event_type", &format!("ACLED event types, comma-separated, case-insensitive: {types}."), json!({ "type": "string" })),
        "admin1": query("admin1", "Governorates as stored, in English or Arabic (Idlib, إدلب), comma-separated.", json!({ "type": "string" })),
        "actor1": query("actor1", "actor1 values as stored (e.g. Islamic State (Syria)), comma-separated.", json!({ "type": "string" })),
        "region": query("region", "A governorate id (idlib, aleppo, rif-dimashq, …): inside its polygon.", json!({ "type": "string" })),
        "review": query("review", "curated, extracted or both, comma-separated.", json!({ "type": "string" })),
    })
}

fn refs(names: &[&str]) -> Vec<Value> {
    names
        .iter()
        .map(|n| json!({ "$ref": format!("#/components/parameters/{n}") }))
        .collect()
}

fn ok(description: &str, media: &str, schema: &str) -> Value {
    json!({
        "200": {
            "description": description,
            "content": { media: { "schema": { "$ref": format!("#/components/schemas/{schema}") } } },
        },
        "400": { "$ref": "#/components/responses/BadRequest" },
    })
}

fn with_404(mut responses: Value) -> Value {
    responses["404"] = json!({ "$ref": "#/components/responses/NotFound" });
    responses
}

fn get(id: &str, summary: &str, parameters: Vec<Value>, responses: Value) -> Value {
    json!({ "get": { "operationId": id, "summary": summary, "parameters": parameters, "responses": responses } })
}

pub fn document(base: &Base) -> Value {
    let mut paths = Map::new();
    paths.insert(
        "/".into(),
        get(
            "landing",
            "The landing page",
            refs(&["f"]),
            ok(
                "links to the API definition, the conformance classes and the collections",
                JSON,
                "landingPage",
            ),
        ),
    );
    paths.insert(
        "/api".into(),
        get(
            "api",
            "This API definition",
            refs(&["f"]),
            ok("the OpenAPI 3.0 document", OPENAPI_JSON, "any"),
        ),
    );
    paths.insert(
        "/conformance".into(),
        get(
            "conformance",
            "Conformance classes implemented",
            refs(&["f"]),
            ok("the conformance classes", JSON, "confClasses"),
        ),
    );
    paths.insert(
        "/collections".into(),
        get(
            "collections",
            "The feature collections",
            refs(&["f"]),
            ok("incidents, places and regions", JSON, "collections"),
        ),
    );
    paths.insert(
        "/collections/{collectionId}".into(),
        get(
            "collection",
            "A feature collection",
            refs(&["collectionId", "f"]),
            with_404(ok("the collection: extent, CRS, links", JSON, "collection")),
        ),
    );
    paths.insert(
        "/collections/{collectionId}/schema".into(),
        get(
            "schema",
            "The properties of a collection's features",
            refs(&["collectionId", "f"]),
            with_404(ok("a JSON Schema", SCHEMA_JSON, "any")),
        ),
    );
    for c in Collection::ALL {
        let names: Vec<&str> = match c {
            Collection::Incidents => INCIDENT_PARAMS.to_vec(),
            _ => STATIC_PARAMS.to_vec(),
        };
        paths.insert(
            format!("/collections/{}/items", c.id()),
            get(
                &format!("{}Items", c.id()),
                &format!("A page of {}", c.id()),
                refs(&names),
                ok("a FeatureCollection page with numberMatched, numberReturned, timeStamp and next/prev links", GEOJSON, "featureCollection"),
            ),
        );
    }
    paths.insert(
        "/collections/{collectionId}/items/{featureId}".into(),
        get(
            "item",
            "One feature",
            refs(&["collectionId", "featureId", "f"]),
            with_404(ok("the Feature", GEOJSON, "feature")),
        ),
    );

    let error = json!({ "type": "object", "required": ["error", "detail"], "properties": { "error": { "type": "string" }, "detail": { "type": "string" } } });
    let link = json!({ "type": "object", "required": ["href"], "properties": { "href": { "type": "string" }, "rel": { "type": "string" }, "type": { "type": "string" }, "title": { "type": "string" } } });
    let links = json!({ "type": "array", "items": { "$ref": "#/components/schemas/link" } });
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "incident-map OGC API – Features",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Security incidents in Syria from news reports, the gazetteer's places and the governorates, as OGC API – Features (Part 1: core, geojson, oas30).",
            "license": { "name": "MIT" },
        },
        "servers": [{ "url": base.url("") }],
        "paths": paths,
        "components": {
            "parameters": parameters(),
            "responses": {
                "BadRequest": { "description": "bad input: what was wrong and what is allowed", "content": { JSON: { "schema": { "$ref": "#/components/schemas/error" } } } },
                "NotFound": { "description": "no such collection or feature", "content": { JSON: { "schema": { "$ref": "#/components/schemas/error" } } } },
            },
            "schemas": {
                "any": { "type": "object" },
                "error": error,
                "link": link,
                "landingPage": { "type": "object", "required": ["links"], "properties": { "title": { "type": "string" }, "description": { "type": "string" }, "links": links } },
                "confClasses": { "type": "object", "required": ["conformsTo"], "properties": { "conformsTo": { "type": "array", "items": { "type": "string" } } } },
                "collection": { "type": "object", "required": ["id", "links"], "properties": { "id": { "type": "string" }, "title": { "type": "string" }, "description": { "type": "string" }, "links": links, "extent": { "type": "object" }, "itemType": { "type": "string" }, "crs": { "type": "array", "items": { "type": "string" } } } },
                "collections": { "type": "object", "required": ["links", "collections"], "properties": { "links": links, "collections": { "type": "array", "items": { "$ref": "#/components/schemas/collection" } } } },
                "feature": { "type": "object", "required": ["type", "geometry", "properties"], "properties": { "type": { "type": "string", "enum": ["Feature"] }, "id": { "type": "string" }, "geometry": { "type": "object" }, "properties": { "type": "object" }, "links": links } },
                "featureCollection": { "type": "object", "required": ["type", "features"], "properties": { "type": { "type": "string", "enum": ["FeatureCollection"] }, "features": { "type": "array", "items": { "$ref": "#/components/schemas/feature" } }, "links": links, "timeStamp": { "type": "string", "format": "date-time" }, "numberMatched": { "type": "integer", "minimum": 0 }, "numberReturned": { "type": "integer", "minimum": 0 } } },
            },
        },
    })
}
