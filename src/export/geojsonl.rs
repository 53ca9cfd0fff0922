//! GeoJSON Lines (`.geojsonl`): one Feature per line, the stored feature bytes as they are.
//! GDAL reads it with its GeoJSONSeq driver; tools can process it line by line.

use std::sync::Arc;

use super::stream::Chunks;
use crate::incidents::Catalog;

pub fn row(catalog: &Catalog, idx: u32, _first: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(catalog.feature(idx));
    out.push(b'\n');
}

pub fn chunks(catalog: Arc<Catalog>, positions: Vec<u32>) -> Chunks {
    Chunks::new(catalog, positions, Vec::new(), row, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;

    #[test]
    fn one_feature_per_line() {
        let cat = Arc::new(Catalog::new(
            (0..700)
                .map(|n| sample(&format!("I-{n:04}"), 36.0, 35.0, "2025-01-01"))
                .collect(),
        ));
        let positions: Vec<u32> = (0..700).rev().step_by(2).collect();
        let text: Vec<u8> = chunks(Arc::clone(&cat), positions.clone())
            .flatten()
            .collect();
        let text = String::from_utf8(text).expect("utf-8");
        let ids: Vec<String> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("a feature per line");
                v["id"].as_str().expect("id").to_string()
            })
            .collect();
        let expected: Vec<String> = positions.iter().map(|&p| cat.get(p).id.clone()).collect();
        assert_eq!(ids, expected);
        assert!(text.ends_with('\n'));
    }
}
