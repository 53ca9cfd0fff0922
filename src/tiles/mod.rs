//! Vector tiles of the incidents (Mapbox Vector Tile 2.1, one layer `incidents`), clustered on
//! the server so that a view of the whole country stays small and quick at a million incidents.
//!
//! Clustering is a fixed grid aligned with the tiles: every tile is cut into
//! [`CELLS`]×[`CELLS`] cells (32 px each on a 512 px tile) and each non-empty cell becomes one
//! point feature with `count`, at the mean position of its incidents. A cell of one incident,
//! and every incident from zoom [`SINGLES_ZOOM`] on, is sent as itself with `id`, `event_type`
//! and `review`. Cells never straddle tiles, so no incident is counted twice and the counts of
//! the tiles covering an area add up to the number of matches in it.
//!
//! Speed comes from [`Points`]: the matching incidents sorted along a Z-order (Morton) curve of
//! their Web Mercator position, with running sums of their coordinates. A tile, and every cell
//! inside it, is then one contiguous run of that array: a cell's count and mean position cost
//! two binary searches and two subtractions, however many incidents it holds. `Points` are
//! built once per catalogue generation and filter ([`TileCache`]), and finished tiles are kept
//! in a least-recently-used cache keyed by generation, normalised filter and tile.
//!
//! Not for: HTTP (see `http::tiles`) or filtering rules (see `incidents::query`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use geozero::mvt::{tile, Message, Tile};

use crate::gazetteer::Gazetteer;
use crate::incidents::{Catalog, Filter};

/// Highest zoom served.
pub const MAX_ZOOM: u8 = 22;
/// Tile coordinate space of every feature.
pub const EXTENT: u32 = 4096;
/// log2 of the cells per tile side.
const CELL_BITS: u32 = 4;
/// Cells per tile side: 16, i.e. 256 units of [`EXTENT`], 32 px on a 512 px tile.
pub const CELLS: u32 = 1 << CELL_BITS;
/// From this zoom on every incident is sent as itself, never clustered.
pub const SINGLES_ZOOM: u8 = 15;
/// Name of the one layer.
pub const LAYER: &str = "incidents";
/// Web Mercator's latitude limit; points beyond it are drawn at it.
const MAX_LAT: f64 = 85.051_128_779_806_59;
/// Distinct filters whose [`Points`] are kept (about 28 bytes per matching incident each).
const POINT_SETS: usize = 6;
/// Encoded tiles kept.
const TILES: usize = 4096;
/// From this zoom on, a tile whose filter has no point set yet is cut from the incidents in the
/// tile alone (an R-tree search) rather than waiting for the whole set to be built.
pub const DIRECT_ZOOM: u8 = 9;
/// Degrees added around a tile's box when searching it, so that rounding never drops a point on
/// its edge; points outside the tile are left out by their Z-order code.
const EDGE: f64 = 1e-7;

/// A tile address: zoom, column, row (XYZ, row 0 at the top).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TileError {
    #[error("zoom {0} is outside 0..{MAX_ZOOM}")]
    Zoom(u32),
    #[error("tile {x}/{y} does not exist at zoom {z}: x and y run from 0 to {}", (1u64 << z) - 1)]
    OutOfRange { z: u8, x: u32, y: u32 },
}

impl TileId {
    pub fn new(z: u32, x: u32, y: u32) -> Result<TileId, TileError> {
        if z > u32::from(MAX_ZOOM) {
            return Err(TileError::Zoom(z));
        }
        let z = z as u8;
        let side = 1u64 << z;
        if u64::from(x) >= side || u64::from(y) >= side {
            return Err(TileError::OutOfRange { z, x, y });
        }
        Ok(TileId { z, x, y })
    }

    /// minLon, minLat, maxLon, maxLat in degrees.
    pub fn bounds(&self) -> [f64; 4] {
        let n = f64::from(1u32 << self.z);
        let lon = |x: f64| x / n * 360.0 - 180.0;
        let lat = |y: f64| {
            (std::f64::consts::PI * (1.0 - 2.0 * y / n))
                .sinh()
                .atan()
                .to_degrees()
        };
        [
            lon(f64::from(self.x)),
            lat(f64::from(self.y) + 1.0),
            lon(f64::from(self.x) + 1.0),
            lat(f64::from(self.y)),
        ]
    }
}

/// A position in Web Mercator as 32-bit fixed point: 0..2^32 across the world, y down.
pub fn world(lon: f64, lat: f64) -> (u32, u32) {
    const SCALE: f64 = 4_294_967_296.0;
    let fx = (lon + 180.0) / 360.0;
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let fy = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    let fixed = |f: f64| (f * SCALE).floor().clamp(0.0, SCALE - 1.0) as u32;
    (fixed(fx), fixed(fy))
}

/// The bits of `v` in the even positions of a u64.
fn spread(v: u32) -> u64 {
    let mut x = u64::from(v);
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    x = (x | (x << 1)) & 0x5555_5555_5555_5555;
    x
}

/// The inverse of [`spread`].
fn squeeze(v: u64) -> u32 {
    let mut x = v & 0x5555_5555_5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
    x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x >> 16)) & 0x0000_0000_FFFF_FFFF;
    x as u32
}

/// Z-order code of a fixed-point position: x in the even bits, y in the odd ones. The first
/// 2z bits are the code of the zoom-z tile holding it.
fn morton(x: u32, y: u32) -> u64 {
    spread(x) | (spread(y) << 1)
}

/// The first `bits` bits of a code.
fn prefix(code: u64, bits: u32) -> u64 {
    if bits == 0 {
        0
    } else {
        code >> (64 - bits)
    }
}

/// One feature of a tile, before encoding: a cluster, or one incident (`single`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub count: u64,
    /// position in tile coordinates (0..EXTENT), mean of the members
    pub x: i32,
    pub y: i32,
    /// the incident's catalogue position when the feature is one incident
    pub single: Option<u32>,
}

/// A set of incidents (all, or those matching a filter) sorted along the Z-order curve, with
/// running sums of their fixed-point coordinates.
pub struct Points {
    codes: Vec<u64>,
    idx: Vec<u32>,
    /// `sum_x[i]` is the sum of the x of the first i points
    sum_x: Vec<u64>,
    sum_y: Vec<u64>,
}

impl Points {
    /// Sorts the incidents at `positions` of `catalog` along the curve.
    pub fn build(catalog: &Catalog, positions: impl IntoIterator<Item = u32>) -> Points {
        let mut pairs: Vec<(u64, u32)> = positions
            .into_iter()
            .map(|i| {
                let [lon, lat] = catalog.point(i);
                let (x, y) = world(lon, lat);
                (morton(x, y), i)
            })
            .collect();
        pairs.sort_unstable();
        let mut sum_x = Vec::with_capacity(pairs.len() + 1);
        let mut sum_y = Vec::with_capacity(pairs.len() + 1);
        let (mut sx, mut sy) = (0u64, 0u64);
        sum_x.push(0);
        sum_y.push(0);
        for &(code, _) in &pairs {
            sx += u64::from(squeeze(code));
            sy += u64::from(squeeze(code >> 1));
            sum_x.push(sx);
            sum_y.push(sy);
        }
        Points {
            codes: pairs.iter().map(|p| p.0).collect(),
            idx: pairs.iter().map(|p| p.1).collect(),
            sum_x,
            sum_y,
        }
    }

    /// All incidents of the catalogue, or those `filter` selects.
    pub fn for_filter(catalog: &Catalog, gazetteer: &Gazetteer, filter: &Filter) -> Points {
        if is_unfiltered(filter) {
            Points::build(catalog, 0..catalog.len() as u32)
        } else {
            Points::build(catalog, filter.select(catalog, gazetteer))
        }
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The first index in `from..` whose code's first `bits` bits exceed `key`.
    fn end_of(&self, from: usize, to: usize, bits: u32, key: u64) -> usize {
        from + self.codes[from..to].partition_point(|&c| prefix(c, bits) <= key)
    }

    /// The features of one tile: a cluster per non-empty cell, or single incidents.
    pub fn cells(&self, t: TileId) -> Vec<Cell> {
        let z = u32::from(t.z);
        let tile_bits = 2 * z;
        let key = morton(t.x, t.y);
        let start = self.codes.partition_point(|&c| prefix(c, tile_bits) < key);
        let end = self.end_of(start, self.codes.len(), tile_bits, key);
        // fixed-point units per tile coordinate unit: 2^(32 - z - 12), possibly below 1
        let unit = 2f64.powi(32 - t.z as i32 - 12);
        let origin_x = f64::from(t.x) * 2f64.powi(32 - t.z as i32);
        let origin_y = f64::from(t.y) * 2f64.powi(32 - t.z as i32);
        let local = |wx: f64, wy: f64| {
            let max = f64::from(EXTENT - 1);
            (
                ((wx - origin_x) / unit).floor().clamp(0.0, max) as i32,
                ((wy - origin_y) / unit).floor().clamp(0.0, max) as i32,
            )
        };
        let mut out = Vec::new();
        if t.z >= SINGLES_ZOOM {
            for i in start..end {
                let (x, y) = local(
                    f64::from(squeeze(self.codes[i])) + 0.5,
                    f64::from(squeeze(self.codes[i] >> 1)) + 0.5,
                );
                out.push(Cell {
                    count: 1,
                    x,
                    y,
                    single: Some(self.idx[i]),
                });
            }
            return out;
        }
        let cell_bits = 2 * (z + CELL_BITS);
        let mut i = start;
        while i < end {
            let cell = prefix(self.codes[i], cell_bits);
            let j = self.end_of(i, end, cell_bits, cell);
            let n = (j - i) as u64;
            let mean_x = (self.sum_x[j] - self.sum_x[i]) as f64 / n as f64 + 0.5;
            let mean_y = (self.sum_y[j] - self.sum_y[i]) as f64 / n as f64 + 0.5;
            let (x, y) = local(mean_x, mean_y);
            out.push(Cell {
                count: n,
                x,
                y,
                single: (n == 1).then_some(self.idx[i]),
            });
            i = j;
        }
        out
    }
}

/// The features of one tile from the incidents the filter selects inside the tile's box only:
/// the same as `Points::for_filter(..).cells(t)`, without building the whole set.
pub fn direct_cells(
    catalog: &Catalog,
    gazetteer: &Gazetteer,
    filter: &Filter,
    t: TileId,
) -> Vec<Cell> {
    let b = t.bounds();
    let tile_box = [
        (b[0] - EDGE).max(-180.0),
        (b[1] - EDGE).max(-90.0),
        (b[2] + EDGE).min(180.0),
        (b[3] + EDGE).min(90.0),
    ];
    let bbox = match filter.bbox {
        None => tile_box,
        Some(f) => {
            let e = [
                f[0].max(tile_box[0]),
                f[1].max(tile_box[1]),
                f[2].min(tile_box[2]),
                f[3].min(tile_box[3]),
            ];
            if e[0] > e[2] || e[1] > e[3] {
                return Vec::new();
            }
            e
        }
    };
    let inside = Filter {
        bbox: Some(bbox),
        ..filter.clone()
    };
    Points::build(catalog, inside.select(catalog, gazetteer)).cells(t)
}

/// True when the filter matches every incident (no parameter but paging).
fn is_unfiltered(filter: &Filter) -> bool {
    Filter {
        limit: None,
        offset: 0,
        ..filter.clone()
    } == Filter::default()
}

/// A key that is equal for filters that select the same incidents whatever the order their
/// values were given in; paging is left out.
pub fn filter_key(filter: &Filter) -> String {
    let mut f = Filter {
        limit: None,
        offset: 0,
        ..filter.clone()
    };
    f.event_types.sort_unstable();
    f.review.sort_by_key(|r| r.as_str());
    f.review.dedup();
    f.admin1.sort();
    f.admin1.dedup();
    f.actor1.sort();
    f.actor1.dedup();
    format!("{f:?}")
}

/// The properties a single incident carries in a tile, read from its GeoJSON.
#[derive(serde::Deserialize)]
struct FeatureJson<'a> {
    #[serde(borrow)]
    properties: SingleProps<'a>,
}

#[derive(serde::Deserialize)]
struct SingleProps<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    event_type: Cow<'a, str>,
    #[serde(borrow)]
    review: Cow<'a, str>,
}

#[derive(PartialEq, Eq, Hash)]
enum ValueKey {
    Count(u64),
    Text(String),
}

/// Interns keys and values of one layer.
#[derive(Default)]
struct Values {
    index: HashMap<ValueKey, u32>,
    values: Vec<tile::Value>,
}

impl Values {
    fn id(&mut self, key: ValueKey) -> u32 {
        if let Some(&n) = self.index.get(&key) {
            return n;
        }
        let value = match &key {
            ValueKey::Count(n) => tile::Value {
                uint_value: Some(*n),
                ..Default::default()
            },
            ValueKey::Text(s) => tile::Value {
                string_value: Some(s.clone()),
                ..Default::default()
            },
        };
        let n = self.values.len() as u32;
        self.values.push(value);
        self.index.insert(key, n);
        n
    }
}

fn zigzag(n: i32) -> u32 {
    ((n << 1) ^ (n >> 31)) as u32
}

/// Keys of the layer, in tag order.
const KEYS: [&str; 4] = ["count", "id", "event_type", "review"];

/// The tile's protobuf bytes; an empty body (a tile without layers) when no feature falls in it.
pub fn encode(catalog: &Catalog, cells: &[Cell]) -> Vec<u8> {
    if cells.is_empty() {
        return Vec::new();
    }
    let mut values = Values::default();
    let mut features = Vec::with_capacity(cells.len());
    for cell in cells {
        let mut tags = vec![0, values.id(ValueKey::Count(cell.count))];
        if let Some(idx) = cell.single {
            // Our own serialisation always has these three properties; a feature that cannot be
            // read is still drawn and counted, only without them.
            if let Ok(f) = serde_json::from_slice::<FeatureJson>(catalog.feature(idx)) {
                let p = f.properties;
                for (k, v) in [(1, p.id), (2, p.event_type), (3, p.review)] {
                    tags.extend([k, values.id(ValueKey::Text(v.into_owned()))]);
                }
            }
        }
        features.push(tile::Feature {
            id: None,
            tags,
            r#type: Some(tile::GeomType::Point as i32),
            // MoveTo, one point
            geometry: vec![(1 << 3) | 1, zigzag(cell.x), zigzag(cell.y)],
        });
    }
    let layer = tile::Layer {
        version: 2,
        name: LAYER.to_string(),
        features,
        keys: KEYS.iter().map(|k| k.to_string()).collect(),
        values: values.values,
        extent: Some(EXTENT),
    };
    Tile {
        layers: vec![layer],
    }
    .encode_to_vec()
}

/// Entries with a last-use tick; the least recently used goes first when full.
struct Lru<K, V> {
    map: HashMap<K, (V, u64)>,
    capacity: usize,
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Lru<K, V> {
    fn new(capacity: usize) -> Lru<K, V> {
        Lru {
            map: HashMap::new(),
            capacity,
        }
    }

    fn get(&mut self, key: &K, tick: u64) -> Option<V> {
        self.map.get_mut(key).map(|(v, t)| {
            *t = tick;
            v.clone()
        })
    }

    fn insert(&mut self, key: K, value: V, tick: u64) {
        if self.map.len() >= self.capacity && !self.map.contains_key(&key) {
            if let Some(oldest) = self
                .map
                .iter()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(k, _)| k.clone())
            {
                self.map.remove(&oldest);
            }
        }
        self.map.insert(key, (value, tick));
    }

    fn clear(&mut self) {
        self.map.clear();
    }
}

type PointsCell = Arc<OnceLock<Arc<Points>>>;

struct CacheInner {
    generation: u64,
    tick: u64,
    points: Lru<String, PointsCell>,
    tiles: Lru<(String, TileId), Bytes>,
}

/// Point sets and finished tiles of the newest catalogue generation seen; a newer catalogue
/// empties it. A request on an older snapshot is answered without touching it.
pub struct TileCache {
    inner: Mutex<CacheInner>,
}

impl Default for TileCache {
    fn default() -> TileCache {
        TileCache::new()
    }
}

impl TileCache {
    pub fn new() -> TileCache {
        TileCache {
            inner: Mutex::new(CacheInner {
                generation: 0,
                tick: 0,
                points: Lru::new(POINT_SETS),
                tiles: Lru::new(TILES),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheInner> {
        // a panic while holding the lock leaves only caches behind: keep using them
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The tile when it is cached; cheap, no computation.
    pub fn cached(&self, catalog: &Catalog, key: &str, t: TileId) -> Option<Bytes> {
        let mut inner = self.lock();
        if inner.generation != catalog.generation() {
            return None;
        }
        inner.tick += 1;
        let tick = inner.tick;
        inner.tiles.get(&(key.to_string(), t), tick)
    }

    /// The tile for `filter`, from the cache or computed (building the filter's [`Points`] the
    /// first time); may take a while on a large catalogue: call it off the async runtime.
    pub fn tile(
        &self,
        catalog: &Catalog,
        gazetteer: &Gazetteer,
        filter: &Filter,
        t: TileId,
    ) -> Bytes {
        let key = filter_key(filter);
        let generation = catalog.generation();
        let cell = {
            let mut inner = self.lock();
            if generation > inner.generation {
                inner.generation = generation;
                inner.points.clear();
                inner.tiles.clear();
            }
            if generation != inner.generation {
                None
            } else {
                inner.tick += 1;
                let tick = inner.tick;
                if let Some(bytes) = inner.tiles.get(&(key.clone(), t), tick) {
                    return bytes;
                }
                let cell = inner.points.get(&key, tick).unwrap_or_default();
                inner.points.insert(key.clone(), cell.clone(), tick);
                Some(cell)
            }
        };
        let Some(cell) = cell else {
            // an older snapshot: compute, cache nothing
            let cells = if t.z >= DIRECT_ZOOM {
                direct_cells(catalog, gazetteer, filter, t)
            } else {
                Points::for_filter(catalog, gazetteer, filter).cells(t)
            };
            return Bytes::from(encode(catalog, &cells));
        };
        let cells = match cell.get() {
            Some(points) => points.cells(t),
            None if t.z >= DIRECT_ZOOM => direct_cells(catalog, gazetteer, filter, t),
            None => cell
                .get_or_init(|| Arc::new(Points::for_filter(catalog, gazetteer, filter)))
                .cells(t),
        };
        let bytes = Bytes::from(encode(catalog, &cells));
        let mut inner = self.lock();
        if inner.generation == generation {
            inner.tick += 1;
            let tick = inner.tick;
            inner.tiles.insert((key, t), bytes.clone(), tick);
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;

    #[test]
    fn morton_round_trip() {
        for (x, y) in [(0, 0), (1, 2), (u32::MAX, 0), (0x1234_5678, 0x9abc_def0)] {
            let c = morton(x, y);
            assert_eq!((squeeze(c), squeeze(c >> 1)), (x, y));
        }
    }

    #[test]
    fn tile_prefix_is_the_tile_of_the_point() {
        // Damascus at zoom 10 is tile 615/410 (the slippy-map formula of the OSM wiki)
        let (x, y) = world(36.2765, 33.5138);
        let code = morton(x, y);
        assert_eq!(prefix(code, 20), morton(615, 410));
        let b = TileId::new(10, 615, 410).expect("tile").bounds();
        assert!(b[0] <= 36.2765 && 36.2765 <= b[2] && b[1] <= 33.5138 && 33.5138 <= b[3]);
    }

    #[test]
    fn tile_ids_are_checked() {
        assert!(TileId::new(0, 0, 0).is_ok());
        assert!(TileId::new(22, (1 << 22) - 1, 0).is_ok());
        assert_eq!(TileId::new(23, 0, 0), Err(TileError::Zoom(23)));
        assert!(matches!(
            TileId::new(3, 8, 0),
            Err(TileError::OutOfRange { .. })
        ));
        assert!(matches!(
            TileId::new(0, 0, 1),
            Err(TileError::OutOfRange { .. })
        ));
    }

    #[test]
    fn cells_partition_the_points_at_every_zoom() {
        let mut rng = crate::incidents::synthetic::Rng::new(3);
        let incidents: Vec<_> = (0..3000)
            .map(|n| {
                sample(
                    &format!("X-{n:05}"),
                    35.7 + 6.7 * rng.unit(),
                    32.3 + 5.0 * rng.unit(),
                    "2025-01-01",
                )
            })
            .collect();
        let cat = Catalog::new(incidents);
        let points = Points::build(&cat, 0..cat.len() as u32);
        for z in [0u8, 3, 6, 9, 12, 15] {
            // every tile touching the sample's extent
            let n = 1u32 << z;
            let tx = |lon: f64| (((lon + 180.0) / 360.0) * f64::from(n)) as u32;
            let ty = |lat: f64| {
                let (_, y) = world(0.0, lat);
                ((f64::from(y) / 4_294_967_296.0) * f64::from(n)) as u32
            };
            let mut total = 0;
            let mut seen = Vec::new();
            for x in tx(35.7)..=tx(42.4) {
                for y in ty(37.3)..=ty(32.3) {
                    let t = TileId::new(u32::from(z), x, y).expect("tile");
                    for c in points.cells(t) {
                        assert!((0..EXTENT as i32).contains(&c.x), "{c:?}");
                        assert!((0..EXTENT as i32).contains(&c.y), "{c:?}");
                        total += c.count;
                        if let Some(i) = c.single {
                            assert_eq!(c.count, 1);
                            seen.push(i);
                        }
                    }
                }
            }
            assert_eq!(total, 3000, "zoom {z}");
            if z >= SINGLES_ZOOM {
                seen.sort_unstable();
                assert_eq!(seen, (0..3000).collect::<Vec<u32>>());
            }
        }
    }

    #[test]
    fn direct_tiles_equal_tiles_cut_from_the_whole_set() {
        let gazetteer = Gazetteer::embedded().expect("gazetteer");
        let cat = Catalog::new(crate::incidents::synthetic::incidents(20_000, 5));
        let pairs = |q: &[(&str, &str)]| -> Vec<(String, String)> {
            q.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        for query in [
            vec![],
            vec![("event_type", "Battles,Riots")],
            vec![("bbox", "36.9,35.9,37.5,36.4"), ("review", "curated")],
            vec![("region", "aleppo")],
        ] {
            let filter = Filter::parse(&pairs(&query), &gazetteer, &[]).expect("filter");
            let whole = Points::for_filter(&cat, &gazetteer, &filter);
            let mut rng = crate::incidents::synthetic::Rng::new(9);
            let mut compared = 0;
            for z in [9u8, 10, 12, 15] {
                let n = 1u32 << z;
                for _ in 0..40 {
                    // tiles around Aleppo, where every query matches something
                    let lon = 36.5 + 1.2 * rng.unit();
                    let lat = 35.7 + 0.9 * rng.unit();
                    let x = ((lon + 180.0) / 360.0 * f64::from(n)) as u32;
                    let (_, wy) = world(lon, lat);
                    let y = (u64::from(wy) >> (32 - u32::from(z))) as u32;
                    let t = TileId::new(u32::from(z), x, y).expect("tile");
                    let cells = whole.cells(t);
                    compared += cells.len();
                    assert_eq!(
                        direct_cells(&cat, &gazetteer, &filter, t),
                        cells,
                        "{query:?} {t:?}"
                    );
                }
            }
            assert!(
                compared > 100,
                "{query:?}: only {compared} features compared"
            );
        }
    }

    #[test]
    fn filter_keys_ignore_order_and_paging() {
        let a = Filter {
            event_types: vec!["Battles", "Riots"],
            limit: Some(3),
            ..Filter::default()
        };
        let b = Filter {
            event_types: vec!["Riots", "Battles"],
            offset: 9,
            ..Filter::default()
        };
        assert_eq!(filter_key(&a), filter_key(&b));
        assert_ne!(filter_key(&a), filter_key(&Filter::default()));
        assert!(is_unfiltered(&Filter {
            limit: Some(1),
            ..Filter::default()
        }));
        assert!(!is_unfiltered(&a));
    }
}
