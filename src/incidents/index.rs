//! The in-memory catalogue: incidents in a stable order, each one's GeoJSON bytes produced once,
//! and R-trees (rstar, bulk-loaded) over their points.
//!
//! A `Catalog` is immutable; a change makes a new one and swaps it in (see `http::AppState`),
//! so readers never wait on writers and a response streams from one consistent snapshot.
//!
//! What a snapshot holds, per incident, is a compact row: the point, the first and last day as
//! day numbers, interned codes of the event type, governorate names and actor1, the review
//! state, and the Feature bytes (read from the store, never serialised at start-up), in which
//! the id is found too. A full [`Incident`] is read back from those bytes when a caller needs
//! one ([`Catalog::get`]). Positions (`u32`) number the incidents in (event_date, id) order.
//!
//! A write is incremental, so its cost follows the size of the change, plus a few flat copies:
//! - rows live in slots, in chunks of 1024 shared between snapshots (`Arc`); a write copies
//!   only the chunks it touches, and the Feature bytes themselves are shared, never copied;
//! - the id index is 256 shards of (hash, slot) sorted by hash, shared the same way;
//! - the R-tree is one tree per grid cell of 0.25°, shared the same way: a write clones and
//!   changes (rstar insert and remove) only the trees of the cells it touches;
//! - the order (position → slot) and its inverse (slot → position) are flat `u32` arrays that
//!   are copied and patched on each write (8 bytes per incident; a few milliseconds at 1M).
//!
//! At start-up slots are given in catalogue order, so a scan in order reads memory in order.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rstar::{RTree, RTreeObject, AABB};

use super::model::{Encoded, Incident, Review};
use super::store::{Store, StoreError, StoredRow};

/// A point in an R-tree: lon, lat in degrees and the slot of its incident's row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub pos: [f64; 2],
    pub slot: u32,
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

/// Rows per slab chunk (a power of two).
const CHUNK_BITS: u32 = 10;
const CHUNK: usize = 1 << CHUNK_BITS;
/// Shards of the id index (a power of two; chosen by the top bits of the id's hash).
const SHARD_BITS: u32 = 8;
/// Side of a grid cell, degrees.
const CELL: f64 = 0.25;
/// Where the id starts in every Feature `to_feature_json` writes.
const ID_PREFIX: &[u8] = b"{\"type\":\"Feature\",\"id\":\"";

/// Generations are unique across the process and, as they start from the clock, across
/// restarts: an ETag of an earlier run never matches.
fn next_generation() -> u64 {
    static NEXT: OnceLock<AtomicU64> = OnceLock::new();
    NEXT.get_or_init(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        AtomicU64::new(now)
    })
    .fetch_add(1, Ordering::Relaxed)
}

/// Strings that many incidents share (event types, governorates, actors), each kept once.
/// Code 0 is no string (an absent actor1).
#[derive(Debug, Clone)]
pub(crate) struct Strings {
    names: Vec<Box<str>>,
    codes: HashMap<Box<str>, u32>,
}

impl Default for Strings {
    fn default() -> Strings {
        Strings {
            names: vec!["".into()],
            codes: HashMap::new(),
        }
    }
}

impl Strings {
    /// The code of `s`, when some incident has it.
    pub(crate) fn code(&self, s: &str) -> Option<u32> {
        self.codes.get(s).copied()
    }

    pub(crate) fn name(&self, code: u32) -> &str {
        self.names.get(code as usize).map_or("", |s| s)
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&c) = self.codes.get(s) {
            return c;
        }
        let c = self.names.len() as u32;
        self.names.push(s.into());
        self.codes.insert(s.into(), c);
        c
    }
}

/// The compact record of one incident.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// the Feature bytes, or (when the id has to be escaped in JSON) the id then the Feature
    data: Arc<[u8]>,
    feature_at: u32,
    id_at: u32,
    id_len: u32,
    pub(crate) point: [f64; 2],
    /// first and last day, days from 0001-01-01 (chrono's `num_days_from_ce`)
    pub(crate) first: i32,
    pub(crate) last: i32,
    pub(crate) event_type: u32,
    pub(crate) admin1: u32,
    pub(crate) admin1_ar: u32,
    /// 0 when there is none
    pub(crate) actor1: u32,
    pub(crate) review: Review,
}

impl Row {
    pub(crate) fn feature(&self) -> &[u8] {
        &self.data[self.feature_at as usize..]
    }

    pub(crate) fn id(&self) -> &str {
        let start = self.id_at as usize;
        std::str::from_utf8(&self.data[start..start + self.id_len as usize]).unwrap_or("")
    }
}

/// What a row is made of, from the store or from an incident.
struct RowInput<'a> {
    id: &'a str,
    feature: FeatureBytes<'a>,
    point: [f64; 2],
    first: NaiveDate,
    last: NaiveDate,
    event_type: &'a str,
    admin1: &'a str,
    admin1_ar: &'a str,
    actor1: Option<&'a str>,
    review: Review,
}

enum FeatureBytes<'a> {
    Shared(Arc<[u8]>),
    Borrowed(&'a [u8]),
}

fn make_row(input: RowInput<'_>, intern: &mut impl FnMut(&str) -> u32) -> Row {
    let bytes: &[u8] = match &input.feature {
        FeatureBytes::Shared(a) => a,
        FeatureBytes::Borrowed(b) => b,
    };
    let id = input.id.as_bytes();
    let at = ID_PREFIX.len();
    let inline = bytes.starts_with(ID_PREFIX)
        && bytes.get(at..at + id.len()) == Some(id)
        && bytes.get(at + id.len()) == Some(&b'"');
    let (data, feature_at, id_at): (Arc<[u8]>, u32, u32) = if inline {
        let data = match input.feature {
            FeatureBytes::Shared(a) => a,
            FeatureBytes::Borrowed(b) => Arc::from(b),
        };
        (data, 0, at as u32)
    } else {
        let mut joined = Vec::with_capacity(id.len() + bytes.len());
        joined.extend_from_slice(id);
        joined.extend_from_slice(bytes);
        (Arc::from(joined), id.len() as u32, 0)
    };
    Row {
        data,
        feature_at,
        id_at,
        id_len: id.len() as u32,
        point: input.point,
        first: input.first.num_days_from_ce(),
        last: input.last.num_days_from_ce(),
        event_type: intern(input.event_type),
        admin1: intern(input.admin1),
        admin1_ar: intern(input.admin1_ar),
        actor1: input.actor1.map_or(0, &mut *intern),
        review: input.review,
    }
}

fn encoded_input(e: &Encoded) -> RowInput<'_> {
    let i = &e.incident;
    RowInput {
        id: &i.id,
        feature: FeatureBytes::Shared(Arc::clone(&e.feature)),
        point: [i.lon, i.lat],
        first: i.event_date,
        last: i.last_date(),
        event_type: &i.event_type,
        admin1: &i.admin1,
        admin1_ar: &i.admin1_ar,
        actor1: i.actor1.as_deref(),
        review: i.review,
    }
}

fn stored_input<'a>(r: &StoredRow<'a>) -> RowInput<'a> {
    RowInput {
        id: r.id,
        feature: FeatureBytes::Borrowed(r.feature),
        point: [r.lon, r.lat],
        first: r.event_date,
        last: r.event_date_end.unwrap_or(r.event_date),
        event_type: r.event_type,
        admin1: r.admin1,
        admin1_ar: r.admin1_ar,
        actor1: r.actor1,
        review: r.review,
    }
}

/// A 64-bit hash of an id (FNV-1a, then a mixer so the top bits are well spread).
fn id_hash(id: &str) -> u64 {
    let mut h = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

fn shard_of(hash: u64) -> usize {
    (hash >> (64 - SHARD_BITS)) as usize
}

fn cell_of(p: [f64; 2]) -> (i32, i32) {
    ((p[0] / CELL).floor() as i32, (p[1] / CELL).floor() as i32)
}

/// The first 16 bytes of an id as a number that sorts as the bytes do (zero-padded).
fn id_prefix(id: &str) -> u128 {
    let mut buf = [0u8; 16];
    let b = id.as_bytes();
    let n = b.len().min(16);
    buf[..n].copy_from_slice(&b[..n]);
    u128::from_be_bytes(buf)
}

type Chunk = Vec<Option<Row>>;

pub struct Catalog {
    generation: u64,
    made: DateTime<Utc>,
    /// rows by slot, `CHUNK` slots per chunk; `None` for a free slot
    slab: Vec<Arc<Chunk>>,
    /// slots freed by deletes, reused by inserts
    free: Vec<u32>,
    /// position → slot
    order: Vec<u32>,
    /// slot → position (`u32::MAX` for a free slot)
    rank: Vec<u32>,
    /// (hash of the id, slot), sorted, in shards by the hash's top bits
    ids: Vec<Arc<Vec<(u64, u32)>>>,
    /// one R-tree per grid cell of `CELL` degrees
    cells: BTreeMap<(i32, i32), Arc<RTree<Entry>>>,
    strings: Arc<Strings>,
    extent: OnceLock<Option<([f64; 4], NaiveDate, NaiveDate)>>,
}

impl Catalog {
    /// Orders incidents by (event_date, id) — the order every listing and page uses — then
    /// serialises each once and bulk-loads the R-trees.
    pub fn new(incidents: Vec<Incident>) -> Catalog {
        let encoded: Vec<Encoded> = incidents.into_iter().map(Encoded::new).collect();
        let mut strings = Strings::default();
        let rows = encoded
            .iter()
            .map(|e| make_row(encoded_input(e), &mut |s| strings.intern(s)))
            .collect();
        Catalog::build(rows, strings)
    }

    /// Reads the catalogue from the store: one pass over the rows (two halves read at the same
    /// time), the Feature bytes as they were stored.
    pub fn from_store(store: &Store) -> Result<Catalog, StoreError> {
        let started = std::time::Instant::now();
        let parts = store.scan_parts(
            2,
            |size| (Vec::with_capacity(size), Strings::default()),
            |(rows, strings): &mut (Vec<Row>, Strings), r| {
                rows.push(make_row(stored_input(&r), &mut |s| strings.intern(s)));
                Ok(())
            },
        )?;
        let mut parts = parts.into_iter();
        let (mut rows, mut strings) = parts.next().unwrap_or_default();
        for (mut more, theirs) in parts {
            // the part's codes in the first part's table
            let codes: Vec<u32> = (0..theirs.names.len() as u32)
                .map(|c| {
                    if c == 0 {
                        0
                    } else {
                        strings.intern(theirs.name(c))
                    }
                })
                .collect();
            let code = |c: u32| codes.get(c as usize).copied().unwrap_or(0);
            for r in &mut more {
                r.event_type = code(r.event_type);
                r.admin1 = code(r.admin1);
                r.admin1_ar = code(r.admin1_ar);
                r.actor1 = code(r.actor1);
            }
            rows.append(&mut more);
        }
        let read = started.elapsed();
        let catalog = Catalog::build(rows, strings);
        tracing::info!(
            incidents = catalog.len(),
            read_ms = read.as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "catalogue loaded"
        );
        Ok(catalog)
    }

    fn build(rows: Vec<Row>, strings: Strings) -> Catalog {
        // catalogue order: (first day, id); the id's first 16 bytes settle nearly every tie
        let mut keys: Vec<(i32, u128, u32)> = rows
            .iter()
            .enumerate()
            .map(|(n, r)| (r.first, id_prefix(r.id()), n as u32))
            .collect();
        keys.sort_unstable_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| rows[a.2 as usize].id().cmp(rows[b.2 as usize].id()))
        });
        // slots in catalogue order
        let mut rows: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
        let n = rows.len();
        let mut slab: Vec<Arc<Chunk>> = Vec::with_capacity(n.div_ceil(CHUNK));
        let mut chunk: Chunk = Vec::with_capacity(CHUNK);
        for &(_, _, i) in &keys {
            chunk.push(rows[i as usize].take());
            if chunk.len() == CHUNK {
                slab.push(Arc::new(std::mem::replace(
                    &mut chunk,
                    Vec::with_capacity(CHUNK),
                )));
            }
        }
        if !chunk.is_empty() {
            slab.push(Arc::new(chunk));
        }
        drop(keys);
        let order: Vec<u32> = (0..n as u32).collect();
        let rank = order.clone();
        let mut cat = Catalog {
            generation: next_generation(),
            made: Utc::now(),
            slab,
            free: Vec::new(),
            order,
            rank,
            ids: Vec::new(),
            cells: BTreeMap::new(),
            strings: Arc::new(strings),
            extent: OnceLock::new(),
        };
        let (ids, cells) = std::thread::scope(|s| {
            let ids = s.spawn(|| cat.build_ids());
            let cells = cat.build_cells();
            (ids.join(), cells)
        });
        cat.ids = ids.unwrap_or_else(|_| cat.build_ids());
        cat.cells = cells;
        cat
    }

    fn build_ids(&self) -> Vec<Arc<Vec<(u64, u32)>>> {
        let mut all: Vec<(u64, u32)> = (0..self.order.len() as u32)
            .map(|slot| (id_hash(self.live(slot).id()), slot))
            .collect();
        all.sort_unstable();
        let mut shards: Vec<Vec<(u64, u32)>> = vec![Vec::new(); 1 << SHARD_BITS];
        for e in all {
            shards[shard_of(e.0)].push(e);
        }
        shards.into_iter().map(Arc::new).collect()
    }

    fn build_cells(&self) -> BTreeMap<(i32, i32), Arc<RTree<Entry>>> {
        let mut entries: Vec<((i32, i32), Entry)> = (0..self.order.len() as u32)
            .map(|slot| {
                let pos = self.live(slot).point;
                (cell_of(pos), Entry { pos, slot })
            })
            .collect();
        entries.sort_unstable_by_key(|e| e.0);
        let mut cells = BTreeMap::new();
        for group in entries.chunk_by(|a, b| a.0 == b.0) {
            let tree = RTree::bulk_load(group.iter().map(|e| e.1).collect());
            cells.insert(group[0].0, Arc::new(tree));
        }
        cells
    }

    /// The row in a slot the catalogue uses (every slot in `order` holds one).
    fn live(&self, slot: u32) -> &Row {
        self.slab[(slot >> CHUNK_BITS) as usize][slot as usize & (CHUNK - 1)]
            .as_ref()
            .expect("a slot in the order holds a row")
    }

    pub(crate) fn row(&self, idx: u32) -> &Row {
        self.live(self.order[idx as usize])
    }

    pub(crate) fn strings(&self) -> &Strings {
        &self.strings
    }

    fn slot_of(&self, id: &str) -> Option<u32> {
        let h = id_hash(id);
        let shard = &self.ids[shard_of(h)];
        let start = shard.partition_point(|e| e.0 < h);
        shard[start..]
            .iter()
            .take_while(|e| e.0 == h)
            .map(|e| e.1)
            .find(|&slot| self.live(slot).id() == id)
    }

    /// Changes since the previous snapshot: a number that is different after every write (and
    /// in every run of the program). ETags and caches of derived data key on it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// When this snapshot was made (the last write, or start-up).
    pub fn made(&self) -> DateTime<Utc> {
        self.made
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Every incident in catalogue order, each read back from its Feature bytes: for tests and
    /// small catalogues (about a microsecond per incident).
    pub fn incidents(&self) -> Vec<Incident> {
        (0..self.len() as u32).map(|i| self.get(i)).collect()
    }

    /// The incident at `idx`, read back from its Feature bytes and point. Bytes that cannot be
    /// read (a store changed by hand) give the fields the catalogue indexes, the rest empty.
    pub fn get(&self, idx: u32) -> Incident {
        let row = self.row(idx);
        match Incident::from_feature_json(row.feature(), row.point[0], row.point[1]) {
            Ok(inc) => inc,
            Err(e) => {
                tracing::warn!(id = row.id(), error = %e, "unreadable feature bytes");
                let day = |d: i32| NaiveDate::from_num_days_from_ce_opt(d).unwrap_or_default();
                let s = |c: u32| self.strings.name(c).to_string();
                Incident {
                    id: row.id().to_string(),
                    event_date: day(row.first),
                    event_date_end: (row.last != row.first).then(|| day(row.last)),
                    time_precision: 1,
                    disorder_type: String::new(),
                    event_type: s(row.event_type),
                    sub_event_type: String::new(),
                    actor1: (row.actor1 != 0).then(|| s(row.actor1)),
                    actor2: None,
                    fatalities: 0,
                    location: String::new(),
                    location_ar: String::new(),
                    admin1: s(row.admin1),
                    admin1_ar: s(row.admin1_ar),
                    geo_precision: 1,
                    place_id: String::new(),
                    notes: String::new(),
                    source_text: String::new(),
                    source: String::new(),
                    review: row.review,
                    lon: row.point[0],
                    lat: row.point[1],
                }
            }
        }
    }

    /// The GeoJSON Feature bytes of the incident at `idx`.
    pub fn feature(&self, idx: u32) -> &[u8] {
        self.row(idx).feature()
    }

    /// lon, lat of the incident at `idx` (degrees, as stored).
    pub fn point(&self, idx: u32) -> [f64; 2] {
        self.row(idx).point
    }

    /// The id of the incident at `idx`.
    pub fn id(&self, idx: u32) -> &str {
        self.row(idx).id()
    }

    /// The first day of the incident at `idx`.
    pub fn event_date(&self, idx: u32) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(self.row(idx).first).unwrap_or_default()
    }

    pub fn position(&self, id: &str) -> Option<u32> {
        self.slot_of(id).map(|slot| self.rank[slot as usize])
    }

    /// minLon, minLat, maxLon, maxLat of all points, the first and the last day; `None` when
    /// empty. Computed once per snapshot.
    pub fn extent(&self) -> Option<([f64; 4], NaiveDate, NaiveDate)> {
        *self.extent.get_or_init(|| {
            let mut bbox: Option<[f64; 4]> = None;
            for tree in self.cells.values() {
                let e = tree.root().envelope();
                let (lo, hi) = (e.lower(), e.upper());
                if tree.size() == 0 {
                    continue;
                }
                bbox = Some(match bbox {
                    None => [lo[0], lo[1], hi[0], hi[1]],
                    Some(b) => [
                        b[0].min(lo[0]),
                        b[1].min(lo[1]),
                        b[2].max(hi[0]),
                        b[3].max(hi[1]),
                    ],
                });
            }
            if self.is_empty() {
                return None;
            }
            let first = self.row(0).first;
            let last = (0..self.len() as u32).map(|i| self.row(i).last).max()?;
            let day = |d: i32| NaiveDate::from_num_days_from_ce_opt(d).unwrap_or_default();
            Some((bbox?, day(first), day(last)))
        })
    }

    /// The points in the box (edges included) and their slots, unordered.
    fn points_in(&self, bbox: [f64; 4], mut f: impl FnMut(&Entry)) {
        let envelope = AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]);
        let (x0, y0) = cell_of([bbox[0], bbox[1]]);
        let (x1, y1) = cell_of([bbox[2], bbox[3]]);
        for (&(_, y), tree) in self.cells.range((x0, y0)..=(x1, y1)) {
            if y < y0 || y > y1 {
                continue;
            }
            for e in tree.locate_in_envelope_intersecting(&envelope) {
                f(e);
            }
        }
    }

    /// How many points lie in the box (edges included): a grid cell the box covers whole
    /// counts by its tree's size, the others by a search. Same answer as `in_bbox(b).len()`.
    pub fn count_in_bbox(&self, bbox: [f64; 4]) -> usize {
        let envelope = AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]);
        let (x0, y0) = cell_of([bbox[0], bbox[1]]);
        let (x1, y1) = cell_of([bbox[2], bbox[3]]);
        let mut n = 0;
        for (&(x, y), tree) in self.cells.range((x0, y0)..=(x1, y1)) {
            if y < y0 || y > y1 {
                continue;
            }
            // a cell holds the points with x·CELL ≤ lon < (x+1)·CELL (exact: CELL is 2⁻²)
            let whole = f64::from(x) * CELL >= bbox[0]
                && f64::from(x + 1) * CELL <= bbox[2]
                && f64::from(y) * CELL >= bbox[1]
                && f64::from(y + 1) * CELL <= bbox[3];
            n += if whole {
                tree.size()
            } else {
                tree.locate_in_envelope_intersecting(&envelope).count()
            };
        }
        n
    }

    /// The first `n` positions (in catalogue order) whose point lies in the box, found by
    /// reading the rows in order and stopping at the `n`th: cheap when the box holds many.
    pub fn first_in_bbox(&self, bbox: [f64; 4], n: usize) -> Vec<u32> {
        let mut out = Vec::with_capacity(n.min(self.len()));
        if n == 0 {
            return out;
        }
        for i in 0..self.len() as u32 {
            let p = self.row(i).point;
            if p[0] >= bbox[0] && p[0] <= bbox[2] && p[1] >= bbox[1] && p[1] <= bbox[3] {
                out.push(i);
                if out.len() == n {
                    break;
                }
            }
        }
        out
    }

    /// Positions of incidents whose point lies in the box (edges included), ascending.
    /// `bbox` is minLon, minLat, maxLon, maxLat in degrees.
    pub fn in_bbox(&self, bbox: [f64; 4]) -> Vec<u32> {
        self.select_rows(Some(bbox), |_| true, None::<fn(&Row) -> bool>)
    }

    /// Positions, ascending, of the incidents in the box (all when `None`) whose point `at`
    /// accepts and whose row `keep` accepts (rows are not read when there is no `keep`).
    pub(crate) fn select_rows(
        &self,
        bbox: Option<[f64; 4]>,
        at: impl Fn([f64; 2]) -> bool,
        keep: Option<impl Fn(&Row) -> bool>,
    ) -> Vec<u32> {
        match bbox {
            Some(b) => {
                let mut hits = Vec::new();
                self.points_in(b, |e| {
                    if at(e.pos) && keep.as_ref().is_none_or(|k| k(self.live(e.slot))) {
                        hits.push(self.rank[e.slot as usize]);
                    }
                });
                hits.sort_unstable();
                hits
            }
            None => (0..self.len() as u32)
                .filter(|&i| {
                    let row = self.row(i);
                    at(row.point) && keep.as_ref().is_none_or(|k| k(row))
                })
                .collect(),
        }
    }

    /// The next snapshot: `deletes` removed (ids not present are ignored), then `upserts`
    /// inserted or replaced by id (the last one wins when an id comes twice). Costs the
    /// touched chunks, shards and cells and two flat copies of the order; nothing is
    /// serialised and no tree is rebuilt.
    pub fn apply(&self, upserts: &[Encoded], deletes: &[&str]) -> Catalog {
        let mut next = Catalog {
            generation: next_generation(),
            made: Utc::now(),
            slab: self.slab.clone(),
            free: self.free.clone(),
            order: Vec::new(),
            rank: Vec::new(),
            ids: self.ids.clone(),
            cells: self.cells.clone(),
            strings: Arc::clone(&self.strings),
            extent: OnceLock::new(),
        };
        // old positions that leave the order, slots that enter it
        let mut leaving: Vec<u32> = Vec::new();
        let mut entering: Vec<u32> = Vec::new();
        let mut freed: Vec<u32> = Vec::new();
        for id in deletes {
            if let Some(slot) = next.slot_of(id) {
                let old = next.take_row(slot);
                next.remove_point(old.point, slot);
                next.remove_id(id, slot);
                leaving.push(self.rank[slot as usize]);
                freed.push(slot);
                next.free.push(slot);
            }
        }
        // the last upsert of each id
        let mut last: HashMap<&str, usize> = HashMap::with_capacity(upserts.len());
        for (n, e) in upserts.iter().enumerate() {
            last.insert(&e.incident.id, n);
        }
        let mut strings: Option<Strings> = None;
        // added after the loop, a shard or a cell at a time (an id is met once in the loop)
        let mut new_points: Vec<((i32, i32), Entry)> = Vec::new();
        let mut new_ids: Vec<(u64, u32)> = Vec::new();
        for (n, e) in upserts.iter().enumerate() {
            if last.get(e.incident.id.as_str()) != Some(&n) {
                continue;
            }
            let i = &e.incident;
            let names = [&i.event_type, &i.admin1, &i.admin1_ar]
                .into_iter()
                .map(String::as_str)
                .chain(i.actor1.as_deref());
            let known = |t: &Strings| names.clone().all(|s| t.code(s).is_some());
            if strings.is_none() && !known(&next.strings) {
                strings = Some((*next.strings).clone());
            }
            let row = match strings.as_mut() {
                Some(t) => make_row(encoded_input(e), &mut |s| t.intern(s)),
                None => {
                    let t = &next.strings;
                    make_row(encoded_input(e), &mut |s| t.code(s).unwrap_or(0))
                }
            };
            let point = row.point;
            match next.slot_of(&e.incident.id) {
                Some(slot) => {
                    if let Some(old) = next.put_row(slot, row) {
                        next.remove_point(old.point, slot);
                    }
                    new_points.push((cell_of(point), Entry { pos: point, slot }));
                    leaving.push(self.rank[slot as usize]);
                    entering.push(slot);
                }
                None => {
                    let slot = next.free.pop().unwrap_or_else(|| next.slot_count() as u32);
                    next.put_row(slot, row);
                    new_points.push((cell_of(point), Entry { pos: point, slot }));
                    new_ids.push((id_hash(&e.incident.id), slot));
                    entering.push(slot);
                }
            }
        }
        if let Some(s) = strings {
            next.strings = Arc::new(s);
        }
        next.insert_ids(new_ids);
        next.insert_points(new_points);

        // the new order: the old one without the leaving positions, the entering slots
        // placed by binary search against the old keys
        leaving.sort_unstable();
        leaving.dedup();
        fn key(c: &Catalog, slot: u32) -> (i32, &str) {
            let r = c.live(slot);
            (r.first, r.id())
        }
        entering.sort_unstable_by(|&a, &b| key(&next, a).cmp(&key(&next, b)));
        let places: Vec<usize> = entering
            .iter()
            .map(|&s| {
                let k = key(&next, s);
                self.order.partition_point(|&o| key(self, o) < k)
            })
            .collect();
        let old_len = self.order.len();
        let mut order = Vec::with_capacity(old_len + entering.len() - leaving.len());
        let (mut l, mut e, mut pos) = (0, 0, 0);
        loop {
            // copy old positions up to the next event
            let next_leave = leaving.get(l).map_or(old_len, |&p| p as usize);
            let next_enter = places.get(e).copied().unwrap_or(old_len);
            let stop = next_leave.min(next_enter);
            order.extend_from_slice(&self.order[pos..stop]);
            pos = stop;
            if e < entering.len() && places[e] == pos {
                order.push(entering[e]);
                e += 1;
            } else if l < leaving.len() && leaving[l] as usize == pos {
                l += 1;
                pos += 1;
            } else if pos >= old_len {
                break;
            }
        }
        order.extend_from_slice(&entering[e..]);
        let first_change = leaving
            .first()
            .map(|&p| p as usize)
            .into_iter()
            .chain(places.first().copied())
            .min()
            .unwrap_or(order.len());
        let mut rank = self.rank.clone();
        rank.resize(next.slot_count(), u32::MAX);
        for slot in freed {
            rank[slot as usize] = u32::MAX;
        }
        for (p, &slot) in order.iter().enumerate().skip(first_change) {
            rank[slot as usize] = p as u32;
        }
        next.order = order;
        next.rank = rank;
        next
    }

    fn slot_count(&self) -> usize {
        self.slab
            .last()
            .map_or(0, |c| (self.slab.len() - 1) * CHUNK + c.len())
    }

    fn chunk_mut(&mut self, slot: u32) -> &mut Chunk {
        let c = (slot >> CHUNK_BITS) as usize;
        if c == self.slab.len() {
            self.slab.push(Arc::new(Vec::with_capacity(CHUNK)));
        }
        Arc::make_mut(&mut self.slab[c])
    }

    /// Puts a row in a slot (a free one, or the next new one); returns the row it replaced.
    fn put_row(&mut self, slot: u32, row: Row) -> Option<Row> {
        let chunk = self.chunk_mut(slot);
        let i = slot as usize & (CHUNK - 1);
        if i == chunk.len() {
            chunk.push(Some(row));
            None
        } else {
            chunk[i].replace(row)
        }
    }

    fn take_row(&mut self, slot: u32) -> Row {
        let i = slot as usize & (CHUNK - 1);
        self.chunk_mut(slot)[i]
            .take()
            .expect("a slot found by id holds a row")
    }

    /// Adds points, cell by cell: a cell that gets few is changed in place (rstar insert), one
    /// that gets many compared with what it holds is bulk-loaded again.
    fn insert_points(&mut self, mut points: Vec<((i32, i32), Entry)>) {
        points.sort_unstable_by_key(|p| p.0);
        for group in points.chunk_by(|a, b| a.0 == b.0) {
            let tree = Arc::make_mut(self.cells.entry(group[0].0).or_default());
            if group.len() > 64 && group.len() > tree.size() / 4 {
                let mut all: Vec<Entry> = tree.iter().copied().collect();
                all.extend(group.iter().map(|p| p.1));
                *tree = RTree::bulk_load(all);
            } else {
                for p in group {
                    tree.insert(p.1);
                }
            }
        }
    }

    fn remove_point(&mut self, pos: [f64; 2], slot: u32) {
        let key = cell_of(pos);
        if let Some(tree) = self.cells.get_mut(&key) {
            let tree = Arc::make_mut(tree);
            tree.remove(&Entry { pos, slot });
            if tree.size() == 0 {
                self.cells.remove(&key);
            }
        }
    }

    /// Adds (hash, slot) pairs, a shard at a time.
    fn insert_ids(&mut self, mut ids: Vec<(u64, u32)>) {
        ids.sort_unstable_by_key(|e| shard_of(e.0));
        for group in ids.chunk_by(|a, b| shard_of(a.0) == shard_of(b.0)) {
            let shard = Arc::make_mut(&mut self.ids[shard_of(group[0].0)]);
            if group.len() < 8 {
                for &e in group {
                    let at = shard.partition_point(|&x| x < e);
                    shard.insert(at, e);
                }
            } else {
                shard.extend_from_slice(group);
                shard.sort_unstable();
            }
        }
    }

    fn remove_id(&mut self, id: &str, slot: u32) {
        let h = id_hash(id);
        let shard = Arc::make_mut(&mut self.ids[shard_of(h)]);
        if let Ok(at) = shard.binary_search(&(h, slot)) {
            shard.remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;
    use crate::incidents::synthetic::Rng;

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
        let all = cat.incidents();
        for _ in 0..200 {
            let (a, b, c, d) = (next(), next(), next(), next());
            let bbox = [
                35.5 + 7.0 * a.min(b),
                32.3 + 5.0 * c.min(d),
                35.5 + 7.0 * a.max(b),
                32.3 + 5.0 * c.max(d),
            ];
            let brute: Vec<u32> = all
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
        let ids: Vec<String> = cat.incidents().into_iter().map(|i| i.id).collect();
        assert_eq!(ids, ["C", "A", "B"]);
        assert_eq!(cat.position("A"), Some(1));
        assert_eq!(cat.position("Z"), None);
        assert_eq!(cat.id(2), "B");
        assert_eq!(cat.point(0), [36.0, 35.0]);
    }

    #[test]
    fn long_and_escaped_ids_sort_and_read_back() {
        let a = "SYR-2025-0001-a-long-suffix";
        let b = "SYR-2025-0001-a-long-suffiy";
        let q = "quote\"d\\id";
        let cat = Catalog::new(vec![
            sample(b, 36.0, 35.0, "2025-01-01"),
            sample(q, 36.0, 35.0, "2025-01-01"),
            sample(a, 36.0, 35.0, "2025-01-01"),
        ]);
        assert_eq!([cat.id(0), cat.id(1), cat.id(2)], [a, b, q]);
        assert_eq!(cat.position(q), Some(2));
        assert_eq!(cat.get(2).id, q);
        let v: serde_json::Value = serde_json::from_slice(cat.feature(2)).expect("json");
        assert_eq!(v["id"], q);
    }

    #[test]
    fn a_file_store_read_in_parts_equals_the_incidents() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(dir.path()).expect("store");
        let mut incidents = crate::incidents::synthetic::incidents(12_000, 3);
        incidents[5].actor1 = Some("An actor only the second half has".into());
        incidents[11_000].actor1 = Some("An actor only the second half has".into());
        incidents[11_001].admin1 = "Only in the second half".into();
        store.upsert(&incidents, &[]).expect("upsert");
        let parts = store
            .scan_parts(
                2,
                |_| 0usize,
                |n, _| {
                    *n += 1;
                    Ok(())
                },
            )
            .expect("parts");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts.iter().sum::<usize>(), 12_000);
        let cat = Catalog::from_store(&store).expect("catalogue");
        let fresh = Catalog::new(incidents);
        assert_same(&cat, &fresh, &mut Rng::new(1));
        let filter = crate::incidents::Filter {
            admin1: vec!["Only in the second half".into()],
            ..Default::default()
        };
        let gz = crate::gazetteer::Gazetteer::embedded().expect("gazetteer");
        assert_eq!(filter.select(&cat, &gz).len(), 1);
    }

    fn random_incident(rng: &mut Rng, id: &str) -> Incident {
        let day = format!("2025-{:02}-{:02}", 1 + rng.below(3), 1 + rng.below(28));
        let mut inc = sample(id, 35.5 + 7.0 * rng.unit(), 32.3 + 5.0 * rng.unit(), &day);
        inc.fatalities = rng.below(50) as u32;
        inc.actor1 = match rng.below(3) {
            0 => None,
            1 => Some(format!("Actor {}", rng.below(4))),
            _ => Some("Islamic State (Syria)".into()),
        };
        inc.admin1 = ["Idlib", "Aleppo", "Hama"][rng.below(3) as usize].into();
        inc
    }

    /// The snapshot says exactly what a catalogue built afresh from the same incidents says.
    fn assert_same(got: &Catalog, fresh: &Catalog, rng: &mut Rng) {
        assert_eq!(got.len(), fresh.len());
        for i in 0..fresh.len() as u32 {
            assert_eq!(got.id(i), fresh.id(i), "id at {i}");
            assert_eq!(got.feature(i), fresh.feature(i), "feature at {i}");
            assert_eq!(got.point(i), fresh.point(i));
            assert_eq!(got.position(fresh.id(i)), Some(i));
            assert_eq!(got.get(i), fresh.get(i));
        }
        for _ in 0..30 {
            let (a, b, c, d) = (rng.unit(), rng.unit(), rng.unit(), rng.unit());
            let bbox = [
                35.5 + 7.0 * a.min(b),
                32.3 + 5.0 * c.min(d),
                35.5 + 7.0 * a.max(b),
                32.3 + 5.0 * c.max(d),
            ];
            assert_eq!(got.in_bbox(bbox), fresh.in_bbox(bbox), "bbox {bbox:?}");
        }
        assert_eq!(got.extent(), fresh.extent());
        assert_ne!(got.generation(), fresh.generation());
    }

    #[test]
    fn incremental_writes_equal_a_fresh_catalogue() {
        let mut rng = Rng::new(5);
        let mut truth: BTreeMap<String, Incident> = BTreeMap::new();
        let mut store = Store::open_in_memory().expect("store");
        let mut cat = Catalog::from_store(&store).expect("empty");
        assert!(cat.is_empty());
        assert_eq!(cat.extent(), None);
        let mut next_id = 0;
        for round in 0..60 {
            let before = cat.generation();
            let mut upserts = Vec::new();
            let mut deletes: Vec<String> = Vec::new();
            for _ in 0..rng.below(40) {
                match rng.below(3) {
                    // a new incident, with ids of several lengths
                    0 => {
                        next_id += 1;
                        let id = format!("N-{}-{}", next_id % 7, "x".repeat(next_id % 23));
                        upserts.push(random_incident(&mut rng, &id));
                    }
                    // a change to one that exists (or, rarely, to one just added)
                    1 if !truth.is_empty() => {
                        let n = rng.below(truth.len() as u64) as usize;
                        let id = truth.keys().nth(n).cloned().unwrap_or_default();
                        upserts.push(random_incident(&mut rng, &id));
                    }
                    _ if !truth.is_empty() => {
                        let n = rng.below(truth.len() as u64) as usize;
                        deletes.extend(truth.keys().nth(n).cloned());
                    }
                    _ => {}
                }
            }
            // now and then a large batch: shards and one cell that get many at once
            if round % 10 == 3 {
                for k in 0..2500 {
                    next_id += 1;
                    let mut inc = random_incident(&mut rng, &format!("B-{next_id:06}"));
                    if k % 16 == 0 {
                        inc.lon = 36.1 + 0.1 * rng.unit();
                        inc.lat = 35.1 + 0.1 * rng.unit();
                    }
                    upserts.push(inc);
                }
            }
            deletes.push("missing".into());
            // a batch may name an id twice: the last one wins
            if let Some(first) = upserts.first().cloned() {
                let mut again = first.clone();
                again.fatalities += 1;
                upserts.push(again);
            }
            for id in &deletes {
                store.delete(id).expect("delete");
                truth.remove(id);
            }
            let encoded: Vec<Encoded> = upserts.into_iter().map(Encoded::new).collect();
            store.import(&encoded).expect("import");
            for e in &encoded {
                truth.insert(e.incident.id.clone(), e.incident.clone());
            }
            let refs: Vec<&str> = deletes.iter().map(String::as_str).collect();
            cat = cat.apply(&encoded, &refs);
            assert_ne!(cat.generation(), before);
            if round % 6 == 5 {
                let fresh = Catalog::from_store(&store).expect("fresh");
                assert_same(&cat, &fresh, &mut rng);
                let built = Catalog::new(truth.values().cloned().collect());
                assert_same(&cat, &built, &mut rng);
            }
        }
        assert!(cat.len() > 50, "{}", cat.len());
    }
}
