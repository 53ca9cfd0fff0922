//! Query strings of `/api/incidents`, `/api/export` and the OGC items: decoded as the server
//! decodes them, validated by `Filter::parse` (and the bbox/datetime parsers on every value),
//! then sent through the whole application. Errors are values: a 4xx with our JSON message,
//! never a panic or a 5xx. What parses must hold its invariants.
#![no_main]

use incident_map::incidents::query::{parse_bbox, parse_datetime, MAX_LIMIT};
use incident_map::incidents::Filter;
use incident_map_fuzz::{gazetteer, get_checked, state};
use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "/api/incidents",
    "/api/export",
    "/ogc/collections/incidents/items",
    "/ogc/collections/places/items",
    "/ogc/collections/regions/items",
];

fuzz_target!(|data: &[u8]| {
    let gz = gazetteer();
    if let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data) {
        if let Ok(filter) = Filter::parse(&pairs, gz, &["cursor", "f", "format", "resultType"]) {
            if let Some(b) = filter.bbox {
                assert!(b[0] <= b[2] && b[1] <= b[3], "{b:?}");
                assert!(b.iter().all(|x| x.is_finite()));
            }
            if let Some(l) = filter.limit {
                assert!((1..=MAX_LIMIT).contains(&l));
            }
            if let Some(d) = filter.datetime {
                if let (Some(s), Some(e)) = (d.start, d.end) {
                    assert!(s <= e);
                }
            }
            let catalog = state().catalog();
            let matched = filter.select(&catalog, gz);
            let page = filter.page(&matched, Some(10));
            assert!(page.len() <= matched.len());
        }
        for (_, value) in &pairs {
            if let Ok(b) = parse_bbox(value) {
                assert!(b[0] <= b[2] && b[1] <= b[3], "{value:?} → {b:?}");
                assert!((-180.0..=180.0).contains(&b[0]) && (-90.0..=90.0).contains(&b[3]));
            }
            if let Ok(Some(d)) = parse_datetime(value) {
                if let (Some(s), Some(e)) = (d.start, d.end) {
                    assert!(s <= e, "{value:?}");
                }
            }
        }
        // the decoded pairs, encoded again: always a valid URI
        let query = serde_urlencoded::to_string(&pairs).expect("pairs encode");
        let path = PATHS[data.len() % PATHS.len()];
        get_checked(&format!("{path}?{query}"));
    }
    // the raw bytes as the query, when they make a URI at all
    if let Ok(raw) = std::str::from_utf8(data) {
        get_checked(&format!("/api/incidents?{raw}"));
        get_checked(&format!("/ogc/collections/incidents/items?{raw}"));
    }
});
