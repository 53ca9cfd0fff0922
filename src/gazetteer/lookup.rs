//! Ranking: from the items of a query to scored places with an ACLED geo_precision.
//!
//! - The main place is the first place the query names; the other names of the query and the
//!   names of `context` only say where to look: candidates in their governorates (or within
//!   `NEAR_CONTEXT_KM` of a named town) keep their score, others lose `OUT_OF_CONTEXT`.
//! - geo_precision: 1 the place itself; 2 near it, north of it, its countryside (the point of
//!   the city the countryside is named after), "west of the city"; 3 a governorate only.
//! - Ties go to the higher feature code (PPLC > PPLA > PPLA2 > … > PPL > PPLX > ADM1), then to the
//!   larger population.

use super::index::{Hit, NameKind};
use super::query::{self, Item, Marker, Target};
use super::{Candidate, Gazetteer, MIN_SCORE, RESOLVE_THRESHOLD};

/// Factor applied to candidates outside the governorates the context names.
pub const OUT_OF_CONTEXT: f64 = 0.8;
/// A candidate this close to a town named in the context counts as inside the context, whatever
/// the governorate boundary says (km).
pub const NEAR_CONTEXT_KM: f64 = 25.0;
/// Factor for a town given where a governorate was asked for ("X governorate" when only a town
/// is called X): its governorate is returned instead.
const TOWN_FOR_GOVERNORATE: f64 = 0.95;
/// Score of "the capital" when no name follows.
const THE_CAPITAL: f64 = 0.9;

/// Rank of a GeoNames feature code: lower is more important.
pub fn feature_rank(code: &str) -> u8 {
    match code {
        "PPLC" => 0,
        "PPLA" => 1,
        "PPLA2" => 2,
        "PPLA3" => 3,
        "PPLA4" => 4,
        "PPL" => 5,
        "PPLL" | "PPLF" | "PPLS" | "PPLR" | "PPLG" | "PPLH" => 6,
        "PPLX" => 7,
        "ADM1" => 9,
        _ => 8,
    }
}

/// Great-circle distance in km between two (lon, lat) points in degrees.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

/// A scored place before it becomes a `Candidate`.
#[derive(Debug, Clone)]
struct Scored {
    place: usize,
    score: f64,
    matched: String,
    precision: u8,
}

/// Where the context says to look.
#[derive(Debug, Default)]
struct Scope {
    regions: Vec<usize>,
    points: Vec<(f64, f64)>,
}

impl Scope {
    fn is_empty(&self) -> bool {
        self.regions.is_empty() && self.points.is_empty()
    }
}

impl Gazetteer {
    fn is_region_place(&self, p: usize) -> bool {
        self.places[p].feature_code == "ADM1" && self.places[p].id.starts_with("region:")
    }

    fn region_of_place(&self, p: usize) -> Option<usize> {
        self.region_place
            .iter()
            .position(|&rp| rp == p)
            .or(self.place_region[p])
    }

    /// Places an item names, with the precision its relation words give.
    fn expand(&self, hits: &[Hit], item: &Item, relational: bool) -> Vec<Scored> {
        let mut out = Vec::new();
        for h in hits {
            let e = self.index.entry(h.entry);
            let countryside = item.has(Marker::Countryside) || e.kind == NameKind::Countryside;
            let governorate = item.has(Marker::Governorate) || e.kind == NameKind::Governorate;
            let mut push = |place: usize, score: f64, precision: u8| {
                out.push(Scored {
                    place,
                    score,
                    matched: e.name.clone(),
                    precision,
                })
            };
            if self.is_region_place(e.place) {
                let seat = self
                    .region_of_place(e.place)
                    .and_then(|r| self.region_seat[r]);
                match seat {
                    Some(seat) if countryside && !governorate => push(seat, h.score, 2),
                    _ => push(e.place, h.score, 3),
                }
            } else if governorate {
                match self.place_region[e.place] {
                    Some(r) => push(self.region_place[r], h.score * TOWN_FOR_GOVERNORATE, 3),
                    None => push(e.place, h.score * TOWN_FOR_GOVERNORATE, 3),
                }
            } else {
                push(e.place, h.score, if relational { 2 } else { 1 });
            }
        }
        out
    }

    /// The place an item most likely names, if it is confident enough.
    fn best_of(&self, item: &Item) -> Option<Scored> {
        let mut s = match &item.target {
            Target::Named(hits) => self.expand(hits, item, false),
            Target::TheCapital => self.capitals(false),
            Target::TheCity | Target::Unknown => Vec::new(),
        };
        self.sort(&mut s);
        s.into_iter()
            .next()
            .filter(|s| s.score >= RESOLVE_THRESHOLD)
    }

    fn capitals(&self, relational: bool) -> Vec<Scored> {
        (0..self.places.len())
            .filter(|&i| self.places[i].feature_code == "PPLC")
            .map(|i| Scored {
                place: i,
                score: THE_CAPITAL,
                matched: self.places[i].name.clone(),
                precision: if relational { 2 } else { 1 },
            })
            .collect()
    }

    fn scope(&self, items: &[&Item]) -> Scope {
        let mut scope = Scope::default();
        for item in items {
            let Some(best) = self.best_of(item) else {
                continue;
            };
            if let Some(r) = self.region_of_place(best.place) {
                if !scope.regions.contains(&r) {
                    scope.regions.push(r);
                }
            }
            if !self.is_region_place(best.place) {
                let p = &self.places[best.place];
                scope.points.push((p.lon, p.lat));
            }
        }
        scope
    }

    fn in_scope(&self, place: usize, scope: &Scope) -> bool {
        if self
            .region_of_place(place)
            .is_some_and(|r| scope.regions.contains(&r))
        {
            return true;
        }
        let p = &self.places[place];
        !self.is_region_place(place)
            && scope
                .points
                .iter()
                .any(|&q| haversine_km((p.lon, p.lat), q) <= NEAR_CONTEXT_KM)
    }

    fn sort(&self, s: &mut [Scored]) {
        s.sort_by(|a, b| {
            let (pa, pb) = (&self.places[a.place], &self.places[b.place]);
            b.score
                .total_cmp(&a.score)
                .then(feature_rank(&pa.feature_code).cmp(&feature_rank(&pb.feature_code)))
                .then(pb.population.cmp(&pa.population))
                .then(pa.id.cmp(&pb.id))
        });
    }
}

pub fn geocode<'a>(
    gz: &'a Gazetteer,
    query: &str,
    context: Option<&str>,
    limit: usize,
) -> Vec<Candidate<'a>> {
    if limit == 0 {
        return Vec::new();
    }
    let items = query::read(&gz.index, query);
    let ctx_items = context
        .map(|c| query::read(&gz.index, c))
        .unwrap_or_default();
    let Some((mi, forced)) = query::main_item(&items) else {
        return Vec::new();
    };
    let main = &items[mi];
    let relational = forced || main.relational();
    let others: Vec<&Item> = items
        .iter()
        .enumerate()
        .filter(|&(i, it)| i != mi && matches!(it.target, Target::Named(_)))
        .map(|(_, it)| it)
        .chain(ctx_items.iter())
        .collect();

    let mut scored = match &main.target {
        Target::Named(hits) => gz.expand(hits, main, relational),
        Target::TheCapital => gz.capitals(relational),
        Target::TheCity => {
            // the city is the first place the context (or the rest of the query) names
            let city = ctx_items
                .iter()
                .chain(items.iter())
                .filter(|it| matches!(it.target, Target::Named(_)))
                .find_map(|it| gz.best_of(it));
            city.map(|c| {
                let precision = if relational || c.precision > 1 {
                    c.precision.max(2)
                } else {
                    1
                };
                vec![Scored { precision, ..c }]
            })
            .unwrap_or_default()
        }
        Target::Unknown => Vec::new(),
    };

    let scope = gz.scope(&others);
    if !scope.is_empty() {
        for s in &mut scored {
            if !gz.in_scope(s.place, &scope) {
                s.score *= OUT_OF_CONTEXT;
            }
        }
    }
    gz.sort(&mut scored);
    let mut seen: Vec<usize> = Vec::new();
    scored.retain(|s| {
        let keep = !seen.contains(&s.place);
        seen.push(s.place);
        keep
    });
    scored
        .into_iter()
        .filter(|s| s.score >= MIN_SCORE)
        .take(limit)
        .map(|s| Candidate {
            place: &gz.places[s.place],
            score: s.score.clamp(0.0, 1.0),
            matched_name: s.matched,
            geo_precision: s.precision,
            region: gz.place_region[s.place].map(|r| &gz.regions[r]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Sources;

    const PLACES: &str =
        "id\tname\tname_ar\tlat\tlon\tfeature_code\tadmin1_code\tpopulation\talternate_names
g:1\tIdlib\tإدلب\t35.93\t36.63\tPPLA\t12\t128840\tIdleb|Edlib
g:2\tSaraqib\tسراقب\t35.86\t36.80\tPPLA3\t12\t34231\tSaraqeb
g:3\tLatakia\tاللاذقية\t35.53\t35.79\tPPLA\t02\t709000\tLattakia
g:4\tAl Hamra\tالحمرا\t35.80\t36.70\tPPL\t12\t800\t
g:5\tAl Hamra\tالحمرا\t35.45\t35.90\tPPL\t02\t5000\t
g:6\tMaarrat Misrin\tمعرة مصرين\t36.01\t36.67\tPPLA3\t12\t32163\tMa'arrat Misrin
g:7\tDamascus\tدمشق\t33.51\t36.29\tPPLC\t13\t1569394\tDimashq
";
    const CURATED: &str = "id\tname\tname_ar\tlat\tlon\tfeature_code\tadmin1_code\tpopulation\talternate_names\tsource
c:b\tal-Badrusiyah\tالبدروسية\t35.85\t35.84\tPPL\t02\t0\tBadrusiya\tfixture
c:d\tDweila\tالدويلعة\t33.50\t36.33\tPPLX\t13\t0\tDuwaila\tfixture
";
    const ALIASES: &str = "place_id\tname\tsource\nc:b\tBdroussieh\tfixture\n";

    /// A square governorate: (id, name, Arabic name, admin1 code, west, south, size in degrees).
    type Square<'a> = (&'a str, &'a str, &'a str, &'a str, f64, f64, f64, f64);

    fn square((id, name, ar, code, x, y, w, h): Square<'_>) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"id":"{id}","name":"{name}","name_ar":"محافظة {ar}","admin1_code":"{code}"}},
            "geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#,
            x1 = x + w,
            y1 = y + h
        )
    }

    fn fixture() -> Gazetteer {
        let regions = format!(
            r#"{{"type":"FeatureCollection","features":[{},{},{},{}]}}"#,
            square(("idlib", "Idlib", "إدلب", "12", 36.2, 35.6, 1.0, 0.7)),
            square(("latakia", "Latakia", "اللاذقية", "02", 35.6, 35.3, 0.6, 0.7)),
            square(("damascus", "Damascus", "دمشق", "13", 36.2, 33.4, 0.2, 0.2)),
            square((
                "rif-dimashq",
                "Rif Dimashq",
                "ريف دمشق",
                "08",
                35.8,
                32.8,
                1.6,
                0.6
            )),
        );
        Gazetteer::from_sources(Sources {
            places: PLACES,
            curated: CURATED,
            aliases: ALIASES,
            regions: &regions,
        })
        .expect("fixture loads")
    }

    fn best(gz: &Gazetteer, q: &str, ctx: Option<&str>) -> Option<(String, u8)> {
        gz.resolve(q, ctx)
            .map(|c| (c.place.id.clone(), c.geo_precision))
    }

    fn id(s: &str, p: u8) -> Option<(String, u8)> {
        Some((s.to_string(), p))
    }

    #[test]
    fn place_itself_is_precision_1() {
        let gz = fixture();
        assert_eq!(best(&gz, "مدينة سراقب بريف إدلب", None), id("g:2", 1));
        assert_eq!(best(&gz, "Saraqeb", None), id("g:2", 1));
        assert_eq!(
            best(&gz, "منطقة البدروسية بريف اللاذقية الشمالي", None),
            id("c:b", 1)
        );
        assert_eq!(best(&gz, "Bdroussieh", None), id("c:b", 1));
        assert_eq!(best(&gz, "حي الدويلعة بالعاصمة دمشق", None), id("c:d", 1));
        assert_eq!(best(&gz, "Idlib", None), id("g:1", 1));
    }

    #[test]
    fn relations_are_precision_2() {
        let gz = fixture();
        assert_eq!(best(&gz, "قرب مدينة معرة مصرين", None), id("g:6", 2));
        assert_eq!(best(&gz, "near Maarrat Misrin", None), id("g:6", 2));
        assert_eq!(best(&gz, "ريف إدلب الشمالي", None), id("g:1", 2));
        assert_eq!(best(&gz, "northern Idlib countryside", None), id("g:1", 2));
        assert_eq!(best(&gz, "شمال إدلب", None), id("g:1", 2));
        assert_eq!(best(&gz, "غربي المدينة", Some("إدلب")), id("g:1", 2));
        assert_eq!(best(&gz, "west of the city", Some("Idlib")), id("g:1", 2));
        assert_eq!(best(&gz, "outskirts of Saraqib", None), id("g:2", 2));
        assert_eq!(best(&gz, "غربي المدينة", None), None);
    }

    #[test]
    fn governorates_are_precision_3() {
        let gz = fixture();
        assert_eq!(
            best(&gz, "محافظة ريف دمشق", None),
            id("region:rif-dimashq", 3)
        );
        assert_eq!(
            best(&gz, "Rif Dimashq governorate", None),
            id("region:rif-dimashq", 3)
        );
        assert_eq!(best(&gz, "ريف دمشق", None), id("region:rif-dimashq", 3));
        assert_eq!(best(&gz, "محافظة إدلب", None), id("region:idlib", 3));
        assert_eq!(best(&gz, "Idlib province", None), id("region:idlib", 3));
        assert_eq!(
            best(&gz, "Latakia Governorate", None),
            id("region:latakia", 3)
        );
    }

    #[test]
    fn context_prefers_its_governorate() {
        let gz = fixture();
        // without context the larger namesake wins; with it, the one in the named governorate
        assert_eq!(best(&gz, "الحمرا", None), id("g:5", 1));
        assert_eq!(best(&gz, "الحمرا بريف إدلب", None), id("g:4", 1));
        assert_eq!(
            best(&gz, "Al Hamra", Some("Idlib countryside")),
            id("g:4", 1)
        );
        assert_eq!(best(&gz, "Al Hamra, Latakia", None), id("g:5", 1));
        let all = gz.geocode("Al Hamra", Some("محافظة إدلب"), 5);
        assert_eq!(all.len(), 2);
        assert!(all[0].score > all[1].score);
        assert_eq!(all[0].region.map(|r| r.id.as_str()), Some("idlib"));
    }

    #[test]
    fn unresolved_is_none() {
        let gz = fixture();
        for q in [
            "",
            "...",
            "qwxzy",
            "Washington",
            "واشنطن",
            "Paris",
            "qwxzy, Idlib",
            "،،",
        ] {
            assert!(gz.resolve(q, None).is_none(), "{q}");
        }
        assert!(gz.geocode("Idlib", None, 0).is_empty());
        // "near" an unknown village still places the event near the town named
        assert_eq!(best(&gz, "qwxzy near Saraqib", None), id("g:2", 2));
    }

    #[test]
    fn the_capital() {
        let gz = fixture();
        assert_eq!(best(&gz, "in the capital", None), id("g:7", 1));
        assert_eq!(best(&gz, "بالعاصمة دمشق", None), id("g:7", 1));
    }

    #[test]
    fn scores_are_ranked_and_bounded() {
        let gz = fixture();
        let c = gz.geocode("Saraqib", None, 5);
        assert!(!c.is_empty());
        assert!(c.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(c.iter().all(|c| (0.0..=1.0).contains(&c.score)));
        assert_eq!(c[0].matched_name, "Saraqib");
    }

    #[test]
    fn haversine_is_km() {
        // Damascus to Aleppo, about 310 km
        let d = haversine_km((36.2913, 33.5102), (37.1612, 36.2012));
        assert!((d - 310.0).abs() < 10.0, "{d}");
        assert_eq!(haversine_km((36.0, 35.0), (36.0, 35.0)), 0.0);
    }

    #[test]
    fn feature_ranks() {
        let order = ["PPLC", "PPLA", "PPLA2", "PPLA3", "PPL", "PPLX", "ADM1"];
        assert!(order
            .windows(2)
            .all(|w| feature_rank(w[0]) < feature_rank(w[1])));
    }
}
