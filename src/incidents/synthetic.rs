//! Deterministic synthetic incidents for benchmarks and randomised tests: the same seed gives
//! the same incidents on every machine, so runs compare.

use chrono::{Days, NaiveDate};

use super::model::{Incident, Review};
use super::taxonomy::EVENT_TYPES;

/// A small, fast, seeded generator (xorshift64*); not for anything secret.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

const ACTORS: [&str; 4] = [
    "Islamic State (Syria)",
    "Military Forces of Syria (2024-)",
    "Police Forces of Syria (2024-)",
    "US-led Coalition",
];

/// Labels only: a synthetic incident's governorate is not derived from its point.
const ADMIN1: [(&str, &str); 4] = [
    ("Idlib", "محافظة إدلب"),
    ("Aleppo", "محافظة حلب"),
    ("Deir ez-Zor", "محافظة دير الزور"),
    ("Rif Dimashq", "محافظة ريف دمشق"),
];

/// Syria's extent, minLon, minLat, maxLon, maxLat (degrees).
pub const SYRIA_BBOX: [f64; 4] = [35.7, 32.3, 42.4, 37.3];

/// `n` incidents spread over Syria's extent and the years 2011–2025, with every event type.
pub fn incidents(n: usize, seed: u64) -> Vec<Incident> {
    let mut rng = Rng::new(seed);
    let first = NaiveDate::from_ymd_opt(2011, 1, 1).unwrap_or(NaiveDate::MIN);
    (0..n)
        .map(|i| {
            let (event_type, disorder, subs) =
                EVENT_TYPES[rng.below(EVENT_TYPES.len() as u64) as usize];
            let sub = subs[rng.below(subs.len() as u64) as usize];
            let date = first + Days::new(rng.below(15 * 365));
            let span = rng.below(10) == 0;
            let actor = rng.below(ACTORS.len() as u64 + 1) as usize;
            let (admin1, admin1_ar) = ADMIN1[rng.below(ADMIN1.len() as u64) as usize];
            let review = if rng.below(4) == 0 {
                Review::Curated
            } else {
                Review::Extracted
            };
            Incident {
                id: format!("SYN-{i:07}"),
                event_date: date,
                event_date_end: span.then(|| date + Days::new(1 + rng.below(5))),
                time_precision: 1 + rng.below(3) as u8,
                disorder_type: disorder.to_string(),
                event_type: event_type.to_string(),
                sub_event_type: sub.to_string(),
                actor1: ACTORS.get(actor).map(|a| a.to_string()),
                actor2: (rng.below(2) == 0).then(|| "Civilians (Syria)".to_string()),
                fatalities: rng.below(4) as u32,
                location: format!("Place {}", rng.below(5000)),
                location_ar: "مكان".to_string(),
                admin1: admin1.to_string(),
                admin1_ar: admin1_ar.to_string(),
                geo_precision: 1 + rng.below(3) as u8,
                place_id: format!("synthetic:{}", rng.below(5000)),
                notes: "Synthetic incident for benchmarks.".to_string(),
                source_text: "حادثة اصطناعية لقياس الأداء.".to_string(),
                source: "synthetic".to_string(),
                review,
                lon: SYRIA_BBOX[0] + (SYRIA_BBOX[2] - SYRIA_BBOX[0]) * rng.unit(),
                lat: SYRIA_BBOX[1] + (SYRIA_BBOX[3] - SYRIA_BBOX[1]) * rng.unit(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn deterministic_and_valid() {
        let a = super::incidents(500, 7);
        assert_eq!(a, super::incidents(500, 7));
        assert_ne!(a, super::incidents(500, 8));
        for i in &a {
            i.validate().expect("synthetic incidents are valid");
        }
    }
}
