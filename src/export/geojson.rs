//! GeoJSON FeatureCollection (RFC 7946) from stored feature bytes: a response is the header,
//! the features joined by commas, and the footer — no re-serialisation.
//!
//! The top-level `name` member is what GDAL (and so QGIS) uses as the layer name;
//! `numberMatched`/`numberReturned` are foreign members, as OGC API – Features uses them.

use std::io::{self, Write};
use std::sync::Arc;

use super::stream::{Chunks, CHUNK_ROWS};
use crate::incidents::Catalog;

/// The opening of a collection, up to and including `"features":[`.
pub fn header(layer: &str, matched: usize, returned: usize) -> Vec<u8> {
    let name = serde_json::to_string(layer).unwrap_or_else(|_| "\"incidents\"".into());
    format!(
        "{{\"type\":\"FeatureCollection\",\"name\":{name},\"numberMatched\":{matched},\"numberReturned\":{returned},\"features\":["
    )
    .into_bytes()
}

pub const FOOTER: &[u8] = b"]}";

/// Appends the features at `positions` (comma-separated; `first` says whether a comma is
/// needed before the first one).
pub fn push_features(out: &mut Vec<u8>, catalog: &Catalog, positions: &[u32], first: bool) {
    for (n, &idx) in positions.iter().enumerate() {
        if n > 0 || !first {
            out.push(b',');
        }
        out.extend_from_slice(catalog.feature(idx));
    }
}

/// The whole collection in one buffer (small responses).
pub fn collection(catalog: &Catalog, layer: &str, matched: usize, positions: &[u32]) -> Vec<u8> {
    let mut out = header(layer, matched, positions.len());
    let size: usize = positions
        .iter()
        .map(|&i| catalog.feature(i).len() + 1)
        .sum();
    out.reserve(size + FOOTER.len());
    push_features(&mut out, catalog, positions, true);
    out.extend_from_slice(FOOTER);
    out
}

/// Writes the collection to `w` chunk by chunk.
pub fn write_collection<W: Write + ?Sized>(
    w: &mut W,
    catalog: &Catalog,
    layer: &str,
    positions: &[u32],
) -> io::Result<()> {
    w.write_all(&header(layer, positions.len(), positions.len()))?;
    let mut buf = Vec::with_capacity(64 * 1024);
    for (n, chunk) in positions.chunks(CHUNK_ROWS).enumerate() {
        buf.clear();
        push_features(&mut buf, catalog, chunk, n == 0);
        w.write_all(&buf)?;
    }
    w.write_all(FOOTER)
}

fn row(catalog: &Catalog, idx: u32, first: bool, out: &mut Vec<u8>) {
    if !first {
        out.push(b',');
    }
    out.extend_from_slice(catalog.feature(idx));
}

/// The collection as an iterator of chunks (header, groups of features, footer), owning its
/// snapshot of the catalogue so it can outlive the request handler.
pub fn chunks(catalog: Arc<Catalog>, layer: &str, positions: Vec<u32>) -> Chunks {
    let matched = positions.len();
    page_chunks(catalog, layer, matched, positions)
}

/// A page of a larger match as chunks: `numberMatched` is `matched`.
pub fn page_chunks(
    catalog: Arc<Catalog>,
    layer: &str,
    matched: usize,
    positions: Vec<u32>,
) -> Chunks {
    let head = header(layer, matched, positions.len());
    features_chunks(catalog, head, positions, FOOTER.to_vec())
}

/// `head`, the features at `positions` joined by commas, then `tail`, as chunks.
pub fn features_chunks(
    catalog: Arc<Catalog>,
    head: Vec<u8>,
    positions: Vec<u32>,
    tail: Vec<u8>,
) -> Chunks {
    Chunks::new(catalog, positions, head, row, tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;

    #[test]
    fn streamed_equals_buffered_and_parses() {
        let cat = Catalog::new(
            (0..1200)
                .map(|n| {
                    sample(
                        &format!("I-{n}"),
                        36.0 + n as f64 * 1e-3,
                        35.0,
                        "2025-01-01",
                    )
                })
                .collect(),
        );
        let positions: Vec<u32> = (0..1200).filter(|n| n % 3 != 0).collect();
        let mut streamed = Vec::new();
        write_collection(&mut streamed, &cat, "incidents", &positions).expect("write");
        assert_eq!(
            streamed,
            collection(&cat, "incidents", positions.len(), &positions)
        );
        let shared = Arc::new(Catalog::new(cat.incidents()));
        let chunked: Vec<u8> = chunks(Arc::clone(&shared), "incidents", positions.clone())
            .flatten()
            .collect();
        assert_eq!(chunked, streamed);
        let page = &positions[100..700];
        let paged: Vec<u8> = page_chunks(shared, "incidents", positions.len(), page.to_vec())
            .flatten()
            .collect();
        assert_eq!(paged, collection(&cat, "incidents", positions.len(), page));
        let fc: geojson::FeatureCollection = serde_json::from_slice::<geojson::GeoJson>(&streamed)
            .expect("geojson")
            .try_into()
            .expect("collection");
        assert_eq!(fc.features.len(), 800);

        let mut empty = Vec::new();
        write_collection(&mut empty, &cat, "incidents", &[]).expect("write");
        let v: serde_json::Value = serde_json::from_slice(&empty).expect("json");
        assert_eq!(v["features"].as_array().map(Vec::len), Some(0));
    }
}
