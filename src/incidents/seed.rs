//! The hand-curated incidents of the seed article (`seeds/incidents.toml`), compiled into the
//! binary and geocoded on first start.
//!
//! The file holds each place *as written* in the article; coordinates, place id and governorate
//! come from the gazetteer, so a gazetteer fix moves the seed points with it.

use chrono::NaiveDate;
use serde::Deserialize;

use super::model::{Incident, Review};
use crate::gazetteer::Gazetteer;

/// The curated seed file as compiled in.
pub const SEED_TOML: &str = include_str!("../../seeds/incidents.toml");

/// Meta key recording that the seed was imported once (deleting a seed incident later must not
/// bring it back at the next start).
pub const SEED_META_KEY: &str = "seed:000_256fd19c77ba421f";

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed file: {0}")]
    Parse(String),
    #[error("seed incident {id}: place {place:?} did not resolve in the gazetteer")]
    Unresolved { id: String, place: String },
    #[error("seed incident {id}: {detail}")]
    Invalid { id: String, detail: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    source: SeedSource,
    incident: Vec<SeedIncident>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedSource {
    name: String,
    #[allow(dead_code)]
    file: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedIncident {
    id: String,
    event_date: String,
    event_date_end: Option<String>,
    time_precision: u8,
    disorder_type: String,
    event_type: String,
    sub_event_type: String,
    actor1: Option<String>,
    actor2: Option<String>,
    fatalities: u32,
    place: String,
    place_context: Option<String>,
    location: String,
    location_ar: String,
    geo_precision: u8,
    notes: String,
    source_text: String,
}

fn date(id: &str, s: &str) -> Result<NaiveDate, SeedError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| SeedError::Invalid {
        id: id.to_string(),
        detail: format!("date {s:?}: {e}"),
    })
}

/// Parses and geocodes a seed file. Every place must resolve: a curated incident without a
/// trustworthy point is an error, not a guess.
pub fn load(toml_text: &str, gazetteer: &Gazetteer) -> Result<Vec<Incident>, SeedError> {
    let file: SeedFile = toml::from_str(toml_text).map_err(|e| SeedError::Parse(e.to_string()))?;
    let mut out = Vec::with_capacity(file.incident.len());
    for s in file.incident {
        let cand = gazetteer
            .resolve(&s.place, s.place_context.as_deref())
            .ok_or_else(|| SeedError::Unresolved {
                id: s.id.clone(),
                place: s.place.clone(),
            })?;
        let (admin1, admin1_ar) = cand
            .region
            .map(|r| (r.name.clone(), r.name_ar.clone()))
            .unwrap_or_default();
        let inc = Incident {
            event_date: date(&s.id, &s.event_date)?,
            event_date_end: s
                .event_date_end
                .as_deref()
                .map(|d| date(&s.id, d))
                .transpose()?,
            time_precision: s.time_precision,
            disorder_type: s.disorder_type,
            event_type: s.event_type,
            sub_event_type: s.sub_event_type,
            actor1: s.actor1,
            actor2: s.actor2,
            fatalities: s.fatalities,
            location: s.location,
            location_ar: s.location_ar,
            admin1,
            admin1_ar,
            geo_precision: s.geo_precision,
            place_id: cand.place.id.clone(),
            notes: s.notes,
            source_text: s.source_text,
            source: file.source.name.clone(),
            review: Review::Curated,
            lon: cand.place.lon,
            lat: cand.place.lat,
            id: s.id,
        };
        inc.validate().map_err(|detail| SeedError::Invalid {
            id: inc.id.clone(),
            detail,
        })?;
        out.push(inc);
    }
    Ok(out)
}
