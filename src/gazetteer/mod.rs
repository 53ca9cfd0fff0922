//! Offline gazetteer of Syria: places (GeoNames cities500 + a curated supplement + attested
//! aliases) and the 14 governorates (Natural Earth admin-1), with a geocoder that reads Arabic
//! and Latin place phrases as news reports write them ("منطقة البدروسية بريف اللاذقية الشمالي",
//! "Saraqib, Idlib countryside", "west of the city").
//!
//! Places abroad that news about Syria names (`foreign.tsv`: Baghdad, Erbil, Kilis, Kabul…) are
//! loaded too, but only as namesakes: they are never answers, and a phrase that names one of
//! them better than (or as well as) any Syrian place is unresolved rather than a Syrian village
//! with a similar alternate name (the rule: `lookup`, `Gazetteer::yields_to_foreign`).
//!
//! All knowledge of names lives in `geodata/`; the code knows only how names are spelt and the
//! words that relate a place to an event (near, north of, countryside, governorate…).
//!
//! - `normalize`: one key per name for Arabic and Latin script;
//! - `fuzzy`: edit distance on those keys;
//! - `index`: every name of every place by key;
//! - `query`: which words of a phrase name the place and which give context or precision;
//! - `lookup`: ranking, context preference and ACLED geo_precision;
//! - `load`: parsing the data files.
//!
//! `Gazetteer::embedded()` indexes about 28,000 names; it takes some tens of milliseconds in a
//! release build, so build it once and share it.
//!
//! Not for: reading articles (that is `extract`) or storing incidents (`incidents`).
//!
//! Coordinates everywhere are degrees, WGS84, and pairs are `(lon, lat)` unless named.

mod fuzzy;
mod index;
mod load;
mod lookup;
pub mod normalize;
mod query;

use std::collections::HashMap;

use geo::{Intersects, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use index::{NameIndex, NameKind};

/// Score under which `resolve` answers "unresolved".
pub const RESOLVE_THRESHOLD: f64 = 0.76;
/// Score under which `geocode` does not list a candidate at all.
pub const MIN_SCORE: f64 = 0.5;

/// One named place. Coordinates are degrees, WGS84.
#[derive(Debug, Clone)]
pub struct Place {
    /// `geonames:170794`, `curated:dweila`, `region:idlib`
    pub id: String,
    pub name: String,
    pub name_ar: Option<String>,
    /// longitude, degrees east (WGS84)
    pub lon: f64,
    /// latitude, degrees north (WGS84)
    pub lat: f64,
    /// GeoNames feature code (PPL, PPLA, PPLC, PPLX, …; `ADM1` for a governorate)
    pub feature_code: String,
    /// GeoNames admin1 code (equals Natural Earth `gn_a1_code` without the `SY.` prefix)
    pub admin1_code: String,
    pub population: u64,
    /// other names: GeoNames alternates, attested aliases, and for a governorate the phrases
    /// that name it ("محافظة إدلب", "Idlib countryside")
    pub alternate_names: Vec<String>,
}

/// A governorate.
#[derive(Debug, Clone)]
pub struct Region {
    /// slug: `idlib`, `rif-dimashq`, `deir-ez-zor`, …
    pub id: String,
    pub name: String,
    pub name_ar: String,
    pub admin1_code: String,
    /// boundary, (lon, lat) degrees WGS84
    pub geometry: MultiPolygon<f64>,
    /// minLon, minLat, maxLon, maxLat
    pub bbox: [f64; 4],
}

/// A ranked answer to a geocoding query.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub place: &'a Place,
    /// 0..=1, higher is better
    pub score: f64,
    /// the gazetteer name that matched
    pub matched_name: String,
    /// ACLED geo_precision: 1 the place itself, 2 near it / part of its district, 3 a region only
    pub geo_precision: u8,
    /// governorate containing the place
    pub region: Option<&'a Region>,
}

#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("gazetteer file {file}: {detail}")]
    BadFile { file: String, detail: String },
    #[error("gazetteer file {file}, line {line}: {problem}")]
    BadLine {
        file: String,
        line: usize,
        problem: String,
    },
}

/// The texts of the data files (see `geodata/ATTRIBUTION.md` for their formats).
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// `places.tsv`: GeoNames rows
    pub places: &'a str,
    /// `places_curated.tsv`: the same columns (and `source`), ids `curated:<slug>`
    pub curated: &'a str,
    /// `aliases.tsv`: `place_id`, `name`, `source`; may be empty
    pub aliases: &'a str,
    /// `regions.geojson`: governorates with properties `id`, `name`, `name_ar`, `admin1_code`
    pub regions: &'a str,
    /// `foreign.tsv`: `id`, `name`, `country`, `lat`, `lon`, `feature_code`, `population`,
    /// `names`; places outside Syria that only stop their Syrian namesakes; may be empty
    pub foreign: &'a str,
}

/// The data files compiled into the binary.
pub const EMBEDDED: Sources<'static> = Sources {
    places: include_str!("../../geodata/places.tsv"),
    curated: include_str!("../../geodata/places_curated.tsv"),
    aliases: include_str!("../../geodata/aliases.tsv"),
    regions: include_str!("../../geodata/regions.geojson"),
    foreign: include_str!("../../geodata/foreign.tsv"),
};

pub struct Gazetteer {
    places: Vec<Place>,
    regions: Vec<Region>,
    index: NameIndex,
    by_id: HashMap<String, usize>,
    /// region index of each place (by admin1 code, else by point)
    place_region: Vec<Option<usize>>,
    /// place standing for each region (`region:<slug>`)
    region_place: Vec<usize>,
    /// the city a region is named after, for "ريف X" / "X countryside"
    region_seat: Vec<Option<usize>>,
    region_tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    /// places outside Syria, by the `place` of their `NameKind::Foreign` index entries
    foreign: Vec<load::Foreign>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("places", &self.places.len())
            .field("regions", &self.regions.len())
            .field("foreign", &self.foreign.len())
            .finish()
    }
}

impl Gazetteer {
    /// The gazetteer compiled into the binary from `geodata/`.
    pub fn embedded() -> Result<Gazetteer, GazetteerError> {
        Gazetteer::from_sources(EMBEDDED)
    }

    /// A gazetteer from the texts of its data files (tests use small fixtures).
    pub fn from_sources(src: Sources<'_>) -> Result<Gazetteer, GazetteerError> {
        let mut places = Vec::new();
        load::places("places.tsv", src.places, &mut places)?;
        // GeoNames alternates are the alternate names a place has before the curated files
        // speak: none for a curated row, all but the aliases for a GeoNames row
        let mut geonames_alternates: Vec<usize> =
            places.iter().map(|p| p.alternate_names.len()).collect();
        load::places("places_curated.tsv", src.curated, &mut places)?;
        geonames_alternates.resize(places.len(), 0);
        let foreign = load::foreign("foreign.tsv", src.foreign)?;
        let regions = load::regions("regions.geojson", src.regions)?;
        let mut by_id = HashMap::with_capacity(places.len() + regions.len());
        for (i, p) in places.iter().enumerate() {
            if by_id.insert(p.id.clone(), i).is_some() {
                return Err(GazetteerError::BadFile {
                    file: "places".to_string(),
                    detail: format!("id `{}` appears twice", p.id),
                });
            }
        }
        load::aliases("aliases.tsv", src.aliases, &mut places, &by_id)?;

        let mut region_place = Vec::with_capacity(regions.len());
        for r in &regions {
            let p = load::region_place(r)?;
            if by_id.insert(p.id.clone(), places.len()).is_some() {
                return Err(GazetteerError::BadFile {
                    file: "regions.geojson".to_string(),
                    detail: format!("region id `{}` appears twice", r.id),
                });
            }
            region_place.push(places.len());
            places.push(p);
        }

        let region_tree = RTree::bulk_load(
            regions
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let [x0, y0, x1, y1] = r.bbox;
                    GeomWithData::new(Rectangle::from_corners([x0, y0], [x1, y1]), i)
                })
                .collect(),
        );
        let by_admin1: HashMap<String, usize> = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.admin1_code.clone(), i))
            .collect();

        let mut gz = Gazetteer {
            place_region: Vec::new(),
            region_seat: vec![None; regions.len()],
            index: NameIndex::default(),
            places,
            regions,
            by_id,
            region_place,
            region_tree,
            foreign,
        };
        gz.place_region = gz
            .places
            .iter()
            .map(|p| {
                by_admin1
                    .get(p.admin1_code.as_str())
                    .copied()
                    .or_else(|| gz.region_index_of(p.lon, p.lat))
            })
            .collect();
        gz.build_index(&geonames_alternates);
        Ok(gz)
    }

    /// `geonames_alternates[i]`: how many of place `i`'s alternate names are GeoNames
    /// alternates (they come first; the aliases follow).
    fn build_index(&mut self, geonames_alternates: &[usize]) {
        let names = self
            .places
            .iter()
            .map(|p| 2 + p.alternate_names.len())
            .chain(self.foreign.iter().map(|f| 1 + f.names.len()))
            .sum();
        let mut index = NameIndex::with_capacity(names);
        let is_region: Vec<bool> = self
            .places
            .iter()
            .map(|p| p.id.starts_with("region:"))
            .collect();
        // real names first, so the phrases made up for governorates give way to them
        let mut loose_keys: Vec<Vec<String>> = vec![Vec::new(); self.places.len()];
        for (i, p) in self.places.iter().enumerate() {
            if is_region[i] {
                continue;
            }
            let geonames = geonames_alternates.get(i).copied().unwrap_or(0);
            // own names before alternates, so a key both share counts as the place's own
            let names = std::iter::once(&p.name)
                .chain(p.name_ar.iter())
                .chain(p.alternate_names.iter().skip(geonames))
                .map(|n| (n, NameKind::Name))
                .chain(
                    p.alternate_names
                        .iter()
                        .take(geonames)
                        .map(|n| (n, NameKind::Alternate)),
                );
            for (n, kind) in names {
                if let Some(keys) = normalize::name_keys(n) {
                    loose_keys[i].push(keys.loose.clone());
                    index.add_keys(i, n, kind, keys);
                }
            }
        }
        let forms: Vec<Vec<(String, NameKind)>> = self
            .regions
            .iter()
            .map(|r| load::region_forms(&r.name, load::bare_arabic_region_name(&r.name_ar)))
            .collect();
        for (r, fs) in forms.iter().enumerate() {
            for (n, k) in fs.iter().filter(|(_, k)| *k == NameKind::Name) {
                index.add(self.region_place[r], n, *k);
            }
        }
        for (r, fs) in forms.iter().enumerate() {
            for (n, k) in fs.iter().filter(|(_, k)| *k != NameKind::Name) {
                index.add(self.region_place[r], n, *k);
            }
        }
        // foreign names last: they never displace a Syrian name, they sit beside it
        for (i, f) in self.foreign.iter().enumerate() {
            let mut own_key = None;
            for n in std::iter::once(&f.name).chain(f.names.iter()) {
                let Some(keys) = normalize::name_keys(n) else {
                    continue;
                };
                let own_key = own_key.get_or_insert_with(|| keys.exact.clone());
                let own = keys.script == normalize::Script::Arabic || *own_key == keys.exact;
                index.add_keys(i, n, NameKind::Foreign { own }, keys);
            }
        }
        // the seat of a governorate is its best-ranked place that bears the governorate's name
        for (r, fs) in forms.iter().enumerate() {
            let keys: Vec<String> = fs
                .iter()
                .filter(|(_, k)| *k == NameKind::Name)
                .filter_map(|(n, _)| normalize::name_keys(n).map(|k| k.loose))
                .collect();
            let admin1 = &self.regions[r].admin1_code;
            self.region_seat[r] = self
                .places
                .iter()
                .enumerate()
                .filter(|(i, p)| !is_region[*i] && &p.admin1_code == admin1)
                .filter(|(i, _)| loose_keys[*i].iter().any(|k| keys.contains(k)))
                .min_by_key(|(_, p)| {
                    (
                        lookup::feature_rank(&p.feature_code),
                        u64::MAX - p.population,
                    )
                })
                .map(|(i, _)| i);
        }
        self.index = index;
    }

    /// Ranked candidates, best first, at most `limit`. `context` is text around the place (a
    /// governorate or a city the query may refer to, as in "west of the city"): candidates in
    /// the governorate it names are preferred.
    pub fn geocode(&self, query: &str, context: Option<&str>, limit: usize) -> Vec<Candidate<'_>> {
        lookup::geocode(self, query, context, limit)
    }

    /// The best candidate when it is confident enough (score ≥ `RESOLVE_THRESHOLD`); `None` is
    /// an honest "unresolved".
    pub fn resolve(&self, query: &str, context: Option<&str>) -> Option<Candidate<'_>> {
        self.geocode(query, context, 1)
            .into_iter()
            .next()
            .filter(|c| c.score >= RESOLVE_THRESHOLD)
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// By id slug, case-insensitive.
    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id.trim()))
    }

    /// All places, governorates (`region:<slug>`) included.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// By id (`geonames:170794`, `curated:dweila`, `region:idlib`).
    pub fn place(&self, id: &str) -> Option<&Place> {
        self.by_id.get(id).map(|&i| &self.places[i])
    }

    /// The governorate containing `lon`, `lat` (degrees east, degrees north, WGS84).
    ///
    /// ```
    /// let gz = incident_map::gazetteer::Gazetteer::embedded().expect("embedded data");
    /// // Aleppo citadel
    /// assert_eq!(gz.region_of(37.1626, 36.1993).map(|r| r.id.as_str()), Some("aleppo"));
    /// // Paris
    /// assert!(gz.region_of(2.35, 48.85).is_none());
    /// ```
    pub fn region_of(&self, lon: f64, lat: f64) -> Option<&Region> {
        self.region_index_of(lon, lat).map(|i| &self.regions[i])
    }

    fn region_index_of(&self, lon: f64, lat: f64) -> Option<usize> {
        if !lon.is_finite() || !lat.is_finite() {
            return None;
        }
        let p = geo::Point::new(lon, lat);
        self.region_tree
            .locate_all_at_point(&[lon, lat])
            .map(|g| g.data)
            .find(|&i| self.regions[i].geometry.intersects(&p))
    }
}
