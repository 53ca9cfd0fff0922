//! The filters checked against brute force on seeded random data: for random boxes, governorates,
//! date intervals and event types, the API returns exactly what a plain scan over all incidents
//! (with its own point-in-polygon test) selects.

mod common;

use chrono::NaiveDate;
use common::{get, ids, state_with};
use incident_map::app;
use incident_map::incidents::synthetic::{self, Rng};
use incident_map::incidents::{taxonomy, Incident};

/// Even-odd ray casting over every ring of a MultiPolygon — deliberately not geo's algorithm.
fn inside(mp: &geo::MultiPolygon<f64>, x: f64, y: f64) -> bool {
    let mut odd = false;
    for poly in mp {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let pts: Vec<_> = ring.coords().collect();
            for w in pts.windows(2) {
                let (a, b) = (w[0], w[1]);
                if (a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x {
                    odd = !odd;
                }
            }
        }
    }
    odd
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn api_filters_equal_brute_force() {
    let synthetic = synthetic::incidents(3000, 2024);
    let state = state_with(&synthetic);
    let catalog = state.catalog();
    let all: Vec<Incident> = catalog.incidents().to_vec();
    let regions = state.gazetteer().regions().to_vec();
    let app = app(state);
    let mut rng = Rng::new(99);
    let day0 = NaiveDate::from_ymd_opt(2011, 1, 1).expect("date");
    let types = taxonomy::event_type_names();

    for round in 0..200 {
        let mut query = vec!["limit=100000".to_string()];
        let mut bbox = None;
        let mut region = None;
        let mut range = None;
        let mut event_type = None;
        let mut review = None;
        let mut admin1 = None;
        let mut actor1 = None;
        if rng.below(2) == 0 {
            let (a, b) = (35.7 + 6.7 * rng.unit(), 35.7 + 6.7 * rng.unit());
            let (c, d) = (32.3 + 5.0 * rng.unit(), 32.3 + 5.0 * rng.unit());
            let bb = [a.min(b), c.min(d), a.max(b), c.max(d)];
            query.push(format!("bbox={},{},{},{}", bb[0], bb[1], bb[2], bb[3]));
            bbox = Some(bb);
        }
        if rng.below(3) == 0 {
            let r = &regions[rng.below(regions.len() as u64) as usize];
            query.push(format!("region={}", r.id));
            region = Some(r);
        }
        if rng.below(2) == 0 {
            let s = day0 + chrono::Days::new(rng.below(15 * 365));
            let e = s + chrono::Days::new(rng.below(400));
            let open_start = rng.below(4) == 0;
            query.push(format!(
                "datetime={}/{}",
                if open_start {
                    "..".to_string()
                } else {
                    s.to_string()
                },
                e
            ));
            range = Some((if open_start { None } else { Some(s) }, e));
        }
        if rng.below(3) == 0 {
            let t = types[rng.below(types.len() as u64) as usize];
            query.push(format!("event_type={}", t.replace(' ', "%20")));
            event_type = Some(t);
        }
        if rng.below(4) == 0 {
            let r = ["curated", "extracted"][rng.below(2) as usize];
            query.push(format!("review={r}"));
            review = Some(r);
        }
        if rng.below(4) == 0 {
            let pick = &all[rng.below(all.len() as u64) as usize];
            // either spelling of the governorate selects it
            let a = if rng.below(2) == 0 {
                pick.admin1.clone()
            } else {
                pick.admin1_ar.clone()
            };
            query.push(format!("admin1={}", urlencode(&a)));
            admin1 = Some(a);
        }
        if rng.below(4) == 0 {
            let pick = &all[rng.below(all.len() as u64) as usize];
            if let Some(a) = &pick.actor1 {
                query.push(format!("actor1={}", urlencode(a)));
                actor1 = Some(a.clone());
            }
        }
        let expected: Vec<String> = all
            .iter()
            .filter(|i| {
                bbox.is_none_or(|b: [f64; 4]| {
                    i.lon >= b[0] && i.lon <= b[2] && i.lat >= b[1] && i.lat <= b[3]
                }) && region.is_none_or(|r| inside(&r.geometry, i.lon, i.lat))
                    && range.is_none_or(|(s, e)| {
                        s.is_none_or(|s| i.event_date_end.unwrap_or(i.event_date) >= s)
                            && i.event_date <= e
                    })
                    && event_type.is_none_or(|t| i.event_type == t)
                    && review.is_none_or(|r| i.review.as_str() == r)
                    && admin1
                        .as_ref()
                        .is_none_or(|a| &i.admin1 == a || &i.admin1_ar == a)
                    && actor1.as_ref().is_none_or(|a| i.actor1.as_ref() == Some(a))
            })
            .map(|i| i.id.clone())
            .collect();
        let uri = format!("/api/incidents?{}", query.join("&"));
        let fc = get(&app, &uri).await.expect_status(200).json();
        assert_eq!(ids(&fc), expected, "round {round}: {uri}");
        assert_eq!(fc["numberMatched"], expected.len(), "{uri}");
    }
}
