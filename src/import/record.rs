//! One row as read, before it is an incident: the cells of the known fields by slot, whatever
//! the format, and the one function that turns them into a validated [`Incident`].
//!
//! Field names are ours (the GeoJSON property names) or ACLED's (`event_id_cnty`, `latitude`,
//! `longitude`); anything else is ignored. Numbers may come as JSON numbers or as text (ACLED's
//! API sends every value as a string). What a row lacks is filled as [`Filler`] says.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::gazetteer::{Gazetteer, Region};
use crate::incidents::taxonomy::{self, EVENT_TYPES};
use crate::incidents::{Incident, Review};

/// A known field. The order is the order of [`NAMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Id,
    EventIdCnty,
    EventDate,
    EventDateEnd,
    TimePrecision,
    DisorderType,
    EventType,
    SubEventType,
    Actor1,
    Actor2,
    Fatalities,
    Location,
    LocationAr,
    Admin1,
    Admin1Ar,
    GeoPrecision,
    PlaceId,
    Notes,
    SourceText,
    Source,
    Review,
    Latitude,
    Longitude,
}

const SLOTS: usize = 23;

/// Accepted names (matched ASCII case-insensitively) and their slots.
const NAMES: &[(&str, Slot)] = &[
    ("id", Slot::Id),
    ("event_id_cnty", Slot::EventIdCnty),
    ("event_date", Slot::EventDate),
    ("event_date_end", Slot::EventDateEnd),
    ("time_precision", Slot::TimePrecision),
    ("disorder_type", Slot::DisorderType),
    ("event_type", Slot::EventType),
    ("sub_event_type", Slot::SubEventType),
    ("actor1", Slot::Actor1),
    ("actor2", Slot::Actor2),
    ("fatalities", Slot::Fatalities),
    ("location", Slot::Location),
    ("location_ar", Slot::LocationAr),
    ("admin1", Slot::Admin1),
    ("admin1_ar", Slot::Admin1Ar),
    ("geo_precision", Slot::GeoPrecision),
    ("place_id", Slot::PlaceId),
    ("notes", Slot::Notes),
    ("source_text", Slot::SourceText),
    ("source", Slot::Source),
    ("review", Slot::Review),
    ("latitude", Slot::Latitude),
    ("longitude", Slot::Longitude),
];

impl Slot {
    /// The slot a field or column name stands for.
    pub(crate) fn of(name: &str) -> Option<Slot> {
        let name = name.trim().trim_start_matches('\u{feff}');
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, s)| *s)
    }

    pub(crate) fn name(self) -> &'static str {
        NAMES[self as usize].0
    }
}

/// One value as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Cell<'a> {
    /// absent, `null` or an empty CSV cell
    #[default]
    Null,
    Text(Cow<'a, str>),
    Number(f64),
    Bool(bool),
}

impl<'de: 'a, 'a> Deserialize<'de> for Cell<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cell<'a>, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Cell<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, a number, a boolean or null")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cell<'a>, E> {
                Ok(Cell::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Cell<'a>, E> {
                Ok(Cell::Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Cell<'a>, E> {
                Ok(Cell::Text(Cow::Owned(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Cell<'a>, E> {
                Ok(Cell::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Cell<'a>, E> {
                Ok(Cell::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Cell<'a>, E> {
                Ok(Cell::Number(v as f64))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Cell<'a>, E> {
                Ok(Cell::Bool(v))
            }
            fn visit_unit<E>(self) -> Result<Cell<'a>, E> {
                Ok(Cell::Null)
            }
            fn visit_none<E>(self) -> Result<Cell<'a>, E> {
                Ok(Cell::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Cell<'a>, D::Error> {
                Cell::deserialize(d)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// The cells of one row by slot.
#[derive(Debug, Default)]
pub(crate) struct Fields<'a> {
    cells: [Cell<'a>; SLOTS],
}

impl<'a> Fields<'a> {
    pub(crate) fn set(&mut self, slot: Slot, cell: Cell<'a>) {
        self.cells[slot as usize] = cell;
    }

    fn get(&self, slot: Slot) -> &Cell<'a> {
        &self.cells[slot as usize]
    }
}

/// A property name as a slot, without allocating.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<Slot>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Slot>, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Option<Slot>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_str<E>(self, v: &str) -> Result<Option<Slot>, E> {
                Ok(NAMES.iter().find(|(n, _)| *n == v).map(|(_, s)| *s))
            }
        }
        d.deserialize_str(V)
    }
}

/// A GeoJSON `properties` object: known names into their slots, the rest skipped.
impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Fields<'a>, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Fields<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of properties")
            }
            fn visit_unit<E>(self) -> Result<Fields<'a>, E> {
                Ok(Fields::default())
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Fields<'a>, M::Error> {
                let mut fields = Fields::default();
                while let Some(slot) = map.next_key_seed(Key)? {
                    match slot {
                        Some(slot) => {
                            let cell: Cell<'a> = map.next_value().map_err(|e| {
                                de::Error::custom(format!("property {}: {e}", slot.name()))
                            })?;
                            fields.set(slot, cell);
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(fields)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Parses a date as ACLED writes it: `2024-03-15` (API) or `15 March 2024` (downloads), also
/// `15-March-2024`, `15 Mar 2024` and an RFC 3339 date-time's day.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    if s.len() > 10 && s.is_char_boundary(10) && s.as_bytes()[10] == b'T' {
        return NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").ok();
    }
    ["%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%B %d, %Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// The governorate names, places and points the gazetteer gives to fill what a row lacks,
/// remembered per name so that a large file asks about each name once.
pub(crate) struct Filler<'g> {
    gazetteer: &'g Gazetteer,
    regions: HashMap<String, Option<usize>>,
    places: HashMap<(String, String), Option<Found>>,
}

#[derive(Clone)]
struct Found {
    id: String,
    name_ar: Option<String>,
    lon: f64,
    lat: f64,
}

/// How far (km) a gazetteer place may lie from the row's point and still be taken as the row's
/// place (for its Arabic name and id).
pub const PLACE_MATCH_KM: f64 = 10.0;

/// Distance in km, good enough at Syria's latitudes for a 10 km test.
fn approx_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let lat = ((a.1 + b.1) / 2.0).to_radians();
    let dx = (a.0 - b.0) * 111.32 * lat.cos();
    let dy = (a.1 - b.1) * 110.57;
    (dx * dx + dy * dy).sqrt()
}

impl<'g> Filler<'g> {
    pub(crate) fn new(gazetteer: &'g Gazetteer) -> Filler<'g> {
        Filler {
            gazetteer,
            regions: HashMap::new(),
            places: HashMap::new(),
        }
    }

    /// The governorate a name stands for (ours, ACLED's spelling, Arabic), else the one
    /// containing the point.
    fn region(&mut self, admin1: &str, lon: f64, lat: f64) -> Option<&'g Region> {
        let gz = self.gazetteer;
        let regions = gz.regions();
        let by_name = if admin1.trim().is_empty() {
            None
        } else {
            *self
                .regions
                .entry(admin1.trim().to_string())
                .or_insert_with(|| {
                    let name = admin1.trim();
                    regions
                        .iter()
                        .position(|r| {
                            r.name.eq_ignore_ascii_case(name)
                                || r.id.eq_ignore_ascii_case(name)
                                || r.name_ar == name
                        })
                        .or_else(|| {
                            gz.geocode(name, None, 5)
                                .into_iter()
                                .filter(|c| c.score >= 0.7)
                                .find_map(|c| c.place.id.strip_prefix("region:"))
                                .and_then(|slug| regions.iter().position(|r| r.id == slug))
                        })
                })
        };
        match by_name {
            Some(i) => regions.get(i),
            None => gz.region_of(lon, lat),
        }
    }

    /// The gazetteer place a location name stands for, when it lies near the row's point.
    fn place(&mut self, location: &str, admin1: &str, lon: f64, lat: f64) -> Option<Found> {
        if location.trim().is_empty() {
            return None;
        }
        let gz = self.gazetteer;
        let found = self
            .places
            .entry((location.trim().to_string(), admin1.trim().to_string()))
            .or_insert_with(|| {
                let context = (!admin1.trim().is_empty()).then_some(admin1.trim());
                gz.resolve(location, context).map(|c| Found {
                    id: c.place.id.clone(),
                    name_ar: c.place.name_ar.clone(),
                    lon: c.place.lon,
                    lat: c.place.lat,
                })
            });
        found
            .clone()
            .filter(|f| approx_km((f.lon, f.lat), (lon, lat)) <= PLACE_MATCH_KM)
    }
}

/// How text cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Json,
    /// undo the `'` our CSV export puts before a cell a spreadsheet would run as a formula
    Csv,
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

struct Reader<'r, 'a> {
    fields: &'r Fields<'a>,
    origin: Origin,
}

impl Reader<'_, '_> {
    /// Text as given (numbers as written); `None` when absent or empty.
    fn text(&self, slot: Slot) -> Result<Option<String>, String> {
        match self.fields.get(slot) {
            Cell::Null => Ok(None),
            Cell::Text(t) if t.is_empty() => Ok(None),
            Cell::Text(t) => {
                let t: &str = t;
                if self.origin == Origin::Csv {
                    if let Some(rest) = t.strip_prefix('\'') {
                        if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                            return Ok(Some(rest.to_string()));
                        }
                    }
                }
                Ok(Some(t.to_string()))
            }
            Cell::Number(n) => Ok(Some(number_text(*n))),
            Cell::Bool(_) => Err(format!("{}: a boolean, expected text", slot.name())),
        }
    }

    fn text_or_empty(&self, slot: Slot) -> Result<String, String> {
        Ok(self.text(slot)?.unwrap_or_default())
    }

    /// A trimmed word (ids, types); `None` when absent or blank.
    fn word(&self, slot: Slot) -> Result<Option<String>, String> {
        Ok(self
            .text(slot)?
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty()))
    }

    fn number(&self, slot: Slot) -> Result<Option<f64>, String> {
        let n = match self.fields.get(slot) {
            Cell::Null => return Ok(None),
            Cell::Number(n) => *n,
            Cell::Text(t) if t.trim().is_empty() => return Ok(None),
            Cell::Text(t) => t
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("{}: {:?} is not a number", slot.name(), t))?,
            Cell::Bool(_) => return Err(format!("{}: a boolean, expected a number", slot.name())),
        };
        if !n.is_finite() {
            return Err(format!("{}: {n} is not a finite number", slot.name()));
        }
        Ok(Some(n))
    }

    fn whole(&self, slot: Slot, max: u32) -> Result<Option<u32>, String> {
        match self.number(slot)? {
            None => Ok(None),
            Some(n) if n.fract() == 0.0 && (0.0..=f64::from(max)).contains(&n) => {
                Ok(Some(n as u32))
            }
            Some(n) => Err(format!(
                "{}: {} is not a whole number from 0 to {max}",
                slot.name(),
                number_text(n)
            )),
        }
    }

    fn date(&self, slot: Slot) -> Result<Option<NaiveDate>, String> {
        match self.word(slot)? {
            None => Ok(None),
            Some(t) => parse_date(&t).map(Some).ok_or_else(|| {
                format!(
                    "{}: {t:?} is not a date (YYYY-MM-DD or \"15 March 2024\")",
                    slot.name()
                )
            }),
        }
    }
}

/// Builds and validates an incident. `feature_id` is a GeoJSON Feature's own `id`, `point` its
/// Point geometry (`[lon, lat]`); without one the `latitude`/`longitude` fields are used.
pub(crate) fn build(
    fields: &Fields<'_>,
    feature_id: &Cell<'_>,
    point: Option<(f64, f64)>,
    origin: Origin,
    filler: &mut Filler<'_>,
) -> Result<Incident, String> {
    let r = Reader { fields, origin };
    let id = match r.word(Slot::Id)? {
        Some(id) => id,
        None => match r.word(Slot::EventIdCnty)? {
            Some(id) => id,
            None => {
                let own = Fields {
                    cells: std::array::from_fn(|i| {
                        if i == Slot::Id as usize {
                            feature_id.clone()
                        } else {
                            Cell::Null
                        }
                    }),
                };
                Reader {
                    fields: &own,
                    origin,
                }
                .word(Slot::Id)?
                .ok_or("id: missing (give id or event_id_cnty)")?
            }
        },
    };
    let (lon, lat) = match point {
        Some(p) => p,
        None => match (r.number(Slot::Longitude)?, r.number(Slot::Latitude)?) {
            (Some(lon), Some(lat)) => (lon, lat),
            _ => {
                return Err("no point: give a Point geometry or latitude and longitude".to_string())
            }
        },
    };
    let event_date = r
        .date(Slot::EventDate)?
        .ok_or("event_date: missing (YYYY-MM-DD or \"15 March 2024\")")?;
    let event_date_end = r.date(Slot::EventDateEnd)?;

    let event_type = r.word(Slot::EventType)?.ok_or("event_type: missing")?;
    let event_type = taxonomy::canonical_event_type(&event_type)
        .map(str::to_string)
        .unwrap_or(event_type);
    let known = EVENT_TYPES.iter().find(|(t, _, _)| *t == event_type);
    let sub_event_type = r
        .word(Slot::SubEventType)?
        .ok_or("sub_event_type: missing")?;
    let sub_event_type = known
        .and_then(|(_, _, subs)| {
            subs.iter()
                .find(|s| s.eq_ignore_ascii_case(&sub_event_type))
        })
        .map(|s| s.to_string())
        .unwrap_or(sub_event_type);
    let disorder_type = match r.word(Slot::DisorderType)? {
        Some(d) => taxonomy::DISORDER_TYPES
            .iter()
            .find(|t| t.eq_ignore_ascii_case(&d))
            .map(|t| t.to_string())
            .unwrap_or(d),
        None => known
            .map(|(_, d, _)| d.to_string())
            .ok_or("disorder_type: missing and event_type is unknown")?,
    };
    let review = match r.word(Slot::Review)? {
        None => Review::Curated,
        Some(t) => Review::parse(&t.to_ascii_lowercase())
            .ok_or_else(|| format!("review: {t:?} is neither curated nor extracted"))?,
    };

    let location = r.text_or_empty(Slot::Location)?;
    let mut admin1 = r.text_or_empty(Slot::Admin1)?;
    let admin1_ar = match r.text(Slot::Admin1Ar)? {
        Some(a) => a,
        None => match filler.region(&admin1, lon, lat) {
            Some(region) => {
                if admin1.trim().is_empty() {
                    admin1 = region.name.clone();
                }
                region.name_ar.clone()
            }
            None => admin1.clone(),
        },
    };
    let mut location_ar = r.text(Slot::LocationAr)?;
    let mut place_id = r.word(Slot::PlaceId)?;
    if location_ar.is_none() || place_id.is_none() {
        let found = filler.place(&location, &admin1, lon, lat);
        if location_ar.is_none() {
            location_ar = Some(
                found
                    .as_ref()
                    .and_then(|f| f.name_ar.clone())
                    .unwrap_or_else(|| location.clone()),
            );
        }
        if place_id.is_none() {
            place_id = Some(found.map(|f| f.id).unwrap_or_else(|| format!("acled:{id}")));
        }
    }

    let inc = Incident {
        event_date,
        event_date_end,
        time_precision: r.whole(Slot::TimePrecision, 255)?.map_or(1, |n| n as u8),
        disorder_type,
        event_type,
        sub_event_type,
        actor1: r.text(Slot::Actor1)?,
        actor2: r.text(Slot::Actor2)?,
        fatalities: r.whole(Slot::Fatalities, u32::MAX)?.unwrap_or(0),
        location,
        location_ar: location_ar.unwrap_or_default(),
        admin1,
        admin1_ar,
        geo_precision: r.whole(Slot::GeoPrecision, 255)?.map_or(1, |n| n as u8),
        place_id: place_id.unwrap_or_default(),
        notes: r.text_or_empty(Slot::Notes)?,
        source_text: r.text_or_empty(Slot::SourceText)?,
        source: r.text_or_empty(Slot::Source)?,
        review,
        lon,
        lat,
        id,
    };
    inc.validate()?;
    Ok(inc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_names() {
        for (i, (name, slot)) in NAMES.iter().enumerate() {
            assert_eq!(*slot as usize, i, "{name}");
            assert_eq!(Slot::of(&name.to_uppercase()), Some(*slot));
        }
        assert_eq!(NAMES.len(), SLOTS);
        assert_eq!(Slot::of("\u{feff}event_id_cnty"), Some(Slot::EventIdCnty));
        assert_eq!(Slot::of("admin2"), None);
    }

    #[test]
    fn dates_as_acled_writes_them() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 15);
        for s in [
            "2024-03-15",
            "15 March 2024",
            " 15-March-2024",
            "15 Mar 2024",
            "2024-03-15T00:00:00Z",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        for s in [
            "2024-02-30",
            "March 2024",
            "15/03/2024",
            "",
            "2024-13-15T00:00",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }
}
