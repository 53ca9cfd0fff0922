//! The in-memory catalogue: incidents in a stable order, each one's GeoJSON bytes produced once,
//! and an R-tree (rstar, bulk-loaded) over their points.
//!
//! A `Catalog` is immutable; a change builds a new one and swaps it in (see `http::AppState`),
//! so readers never wait on writers and a response streams from one consistent snapshot.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use rstar::{RTree, RTreeObject, AABB};

use super::model::Incident;

/// A point in the R-tree: lon, lat in degrees and the incident's position in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub pos: [f64; 2],
    pub idx: u32,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.pos)
    }
}

impl rstar::PointDistance for Entry {
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        let dx = self.pos[0] - point[0];
        let dy = self.pos[1] - point[1];
        dx * dx + dy * dy
    }
}

pub struct Catalog {
    incidents: Vec<Incident>,
    features: Vec<Box<[u8]>>,
    by_id: HashMap<String, u32>,
    tree: RTree<Entry>,
    generation: u64,
}

/// Source of [`Catalog::generation`]: every catalogue built gets the next number.
static GENERATIONS: AtomicU64 = AtomicU64::new(1);

impl Catalog {
    /// Orders incidents by (event_date, id) — the order every listing and page uses — then
    /// serialises each once and bulk-loads the R-tree.
    pub fn new(mut incidents: Vec<Incident>) -> Catalog {
        incidents.sort_by(|a, b| (a.event_date, &a.id).cmp(&(b.event_date, &b.id)));
        let features = incidents
            .iter()
            .map(|i| i.to_feature_json().into_boxed_slice())
            .collect();
        let by_id = incidents
            .iter()
            .enumerate()
            .map(|(n, i)| (i.id.clone(), n as u32))
            .collect();
        let entries = incidents
            .iter()
            .enumerate()
            .map(|(n, i)| Entry {
                pos: [i.lon, i.lat],
                idx: n as u32,
            })
            .collect();
        Catalog {
            incidents,
            features,
            by_id,
            tree: RTree::bulk_load(entries),
            generation: GENERATIONS.fetch_add(1, Ordering::Relaxed),
        }
    }

    pub fn len(&self) -> usize {
        self.incidents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }

    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }

    pub fn get(&self, idx: u32) -> &Incident {
        &self.incidents[idx as usize]
    }

    /// The GeoJSON Feature bytes of the incident at `idx`.
    pub fn feature(&self, idx: u32) -> &[u8] {
        &self.features[idx as usize]
    }

    pub fn position(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// Positions of incidents whose point lies in the box (edges included), ascending.
    /// `bbox` is minLon, minLat, maxLon, maxLat in degrees.
    pub fn in_bbox(&self, bbox: [f64; 4]) -> Vec<u32> {
        let envelope = AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]);
        let mut hits: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.idx)
            .collect();
        hits.sort_unstable();
        hits
    }

    /// The point of the incident at `idx`: lon, lat in degrees.
    pub fn point(&self, idx: u32) -> [f64; 2] {
        let inc = &self.incidents[idx as usize];
        [inc.lon, inc.lat]
    }

    /// A number that differs between any two catalogues built by this process, so caches of
    /// derived data can be keyed by it.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;

    #[test]
    fn bbox_matches_brute_force_on_random_points() {
        // xorshift: deterministic without a dependency
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let incidents: Vec<Incident> = (0..5000)
            .map(|n| {
                sample(
                    &format!("X-{n:05}"),
                    35.5 + 7.0 * next(),
                    32.3 + 5.0 * next(),
                    "2025-01-01",
                )
            })
            .collect();
        let cat = Catalog::new(incidents);
        for _ in 0..200 {
            let (a, b, c, d) = (next(), next(), next(), next());
            let bbox = [
                35.5 + 7.0 * a.min(b),
                32.3 + 5.0 * c.min(d),
                35.5 + 7.0 * a.max(b),
                32.3 + 5.0 * c.max(d),
            ];
            let brute: Vec<u32> = cat
                .incidents()
                .iter()
                .enumerate()
                .filter(|(_, i)| {
                    i.lon >= bbox[0] && i.lon <= bbox[2] && i.lat >= bbox[1] && i.lat <= bbox[3]
                })
                .map(|(n, _)| n as u32)
                .collect();
            assert_eq!(cat.in_bbox(bbox), brute, "bbox {bbox:?}");
        }
    }

    #[test]
    fn order_is_by_date_then_id() {
        let cat = Catalog::new(vec![
            sample("B", 36.0, 35.0, "2025-01-02"),
            sample("C", 36.0, 35.0, "2025-01-01"),
            sample("A", 36.0, 35.0, "2025-01-02"),
        ]);
        let ids: Vec<&str> = cat.incidents().iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["C", "A", "B"]);
        assert_eq!(cat.position("A"), Some(1));
        assert_eq!(cat.position("Z"), None);
    }
}
