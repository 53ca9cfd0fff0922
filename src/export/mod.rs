//! Output formats for a selection of incidents. Each writer takes the catalogue and the
//! selected positions and produces bytes in chunks, so that a large export never has to be one
//! document in memory.
//!
//! Not for: choosing what to export (that is `incidents::query`) or HTTP headers (`http`).

pub mod geojson;

/// Export formats offered by `/api/export` and `incident-map export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
}

impl Format {
    pub const ALL: &'static [Format] = &[Format::GeoJson];

    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::GeoJson => "application/geo+json",
        }
    }

    /// Parses a format name; the error lists what is allowed.
    pub fn parse(s: &str) -> Result<Format, String> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?}; allowed: {}", names.join(", "))
            })
    }
}
