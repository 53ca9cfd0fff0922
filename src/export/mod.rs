//! Output formats for a selection of incidents. Each writer takes the catalogue and the
//! selected positions and produces bytes in chunks, so that a large export never has to be one
//! document in memory: the text formats (GeoJSON, GeoJSON Lines, CSV) are generated chunk by
//! chunk as they are sent; the binary formats (GeoPackage, FlatGeobuf) are written to a
//! temporary file that is then sent in chunks.
//!
//! Not for: choosing what to export (that is `incidents::query`) or HTTP headers (`http`).

pub mod csv;
pub mod fgb;
pub mod fields;
pub mod geojson;
pub mod geojsonl;
pub mod gpkg;
pub mod stream;
pub mod style;

use std::io::{self, Seek, Write};
use std::sync::Arc;

use crate::incidents::Catalog;

/// Export formats offered by `/api/export` and `incident-map export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    GeoJsonLines,
    Csv,
    GeoPackage,
    FlatGeobuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the export: {0}")]
    Io(#[from] io::Error),
    #[error("writing the GeoPackage: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("writing the FlatGeobuf: {0}")]
    FlatGeobuf(String),
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::GeoJson,
        Format::GeoJsonLines,
        Format::Csv,
        Format::GeoPackage,
        Format::FlatGeobuf,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::GeoJsonLines => "geojsonl",
            Format::Csv => "csv",
            Format::GeoPackage => "gpkg",
            Format::FlatGeobuf => "fgb",
        }
    }

    /// The file extension (without the dot); the same as the name.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::GeoJson => "application/geo+json",
            // one Feature per line (newline-delimited JSON)
            Format::GeoJsonLines => "application/x-ndjson",
            Format::Csv => "text/csv; charset=utf-8",
            Format::GeoPackage => "application/geopackage+sqlite3",
            Format::FlatGeobuf => "application/flatgeobuf",
        }
    }

    /// True for the formats written to a temporary file before they are sent.
    pub fn needs_file(self) -> bool {
        matches!(self, Format::GeoPackage | Format::FlatGeobuf)
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

/// The chunks of a text format; `None` for the formats that need a file.
pub fn text_chunks(
    format: Format,
    catalog: Arc<Catalog>,
    layer: &str,
    positions: Vec<u32>,
) -> Option<stream::Chunks> {
    match format {
        Format::GeoJson => Some(geojson::chunks(catalog, layer, positions)),
        Format::GeoJsonLines => Some(geojsonl::chunks(catalog, positions)),
        Format::Csv => Some(csv::chunks(catalog, positions)),
        Format::GeoPackage | Format::FlatGeobuf => None,
    }
}

/// Writes a binary format into an unnamed temporary file and returns it rewound, ready to be
/// read (the file disappears when it is closed).
pub fn to_temp_file(
    format: Format,
    catalog: &Catalog,
    layer: &str,
    positions: &[u32],
) -> Result<std::fs::File, ExportError> {
    let mut file = match format {
        Format::GeoPackage => gpkg::to_temp_file(catalog, layer, positions)?,
        _ => {
            let mut file = tempfile::tempfile()?;
            write(format, &mut file, catalog, layer, positions)?;
            file
        }
    };
    file.rewind()?;
    Ok(file)
}

/// Writes the whole export to `w` (the command line's path).
pub fn write(
    format: Format,
    w: &mut dyn Write,
    catalog: &Catalog,
    layer: &str,
    positions: &[u32],
) -> Result<(), ExportError> {
    match format {
        Format::GeoJson => geojson::write_collection(w, catalog, layer, positions)?,
        Format::GeoJsonLines => stream::write_rows(w, catalog, positions, b"", geojsonl::row, b"")?,
        Format::Csv => stream::write_rows(w, catalog, positions, &csv::header(), csv::row, b"")?,
        Format::FlatGeobuf => fgb::write(w, catalog, layer, positions)?,
        Format::GeoPackage => {
            let mut file = gpkg::to_temp_file(catalog, layer, positions)?;
            file.rewind()?;
            io::copy(&mut file, w)?;
        }
    }
    Ok(())
}
