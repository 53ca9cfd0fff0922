//! FlatGeobuf (crate `flatgeobuf`, no HTTP features): typed columns, WGS 84, and the packed
//! Hilbert R-tree index, so GDAL and QGIS can read a box of it without reading all of it.
//!
//! FlatGeobuf has no date-only type: `event_date` and `event_date_end` are DateTime columns
//! holding the day (`2025-11-24`), which GDAL shows as a DateTime at midnight.

use std::io::Write;

use flatgeobuf::geozero::{self, ColumnValue, GeomProcessor, GeozeroGeometry, PropertyProcessor};
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};

use super::fields::{Kind, Value, FIELDS};
use super::ExportError;
use crate::incidents::model::round6;
use crate::incidents::Catalog;

/// lon, lat in degrees (WGS84).
struct Point(f64, f64);

impl GeozeroGeometry for Point {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> geozero::error::Result<()> {
        p.point_begin(0)?;
        p.xy(self.0, self.1, 0)?;
        p.point_end(0)
    }
}

fn column_type(kind: Kind) -> ColumnType {
    match kind {
        Kind::Text => ColumnType::String,
        Kind::Int => ColumnType::Int,
        Kind::Date => ColumnType::DateTime,
    }
}

fn fgb_err(e: impl std::fmt::Display) -> ExportError {
    ExportError::FlatGeobuf(e.to_string())
}

/// Writes the file to `w`. The writer keeps the features in its own temporary file until the
/// index is built, so memory stays small for large exports.
pub fn write(
    w: &mut dyn Write,
    catalog: &Catalog,
    layer: &str,
    positions: &[u32],
) -> Result<(), ExportError> {
    let mut fgb = FgbWriter::create_with_options(
        layer,
        GeometryType::Point,
        FgbWriterOptions {
            // GDAL refuses an index over no features
            write_index: !positions.is_empty(),
            crs: FgbCrs {
                code: 4326,
                ..Default::default()
            },
            title: Some("Security incidents in Syria"),
            ..Default::default()
        },
    )
    .map_err(fgb_err)?;
    for f in FIELDS {
        fgb.add_column(f.name, column_type(f.kind), |_, col| {
            col.nullable = f.nullable;
        });
    }
    for &idx in positions {
        let inc = &catalog.get(idx);
        let mut result = Ok(false);
        fgb.add_feature_geom(Point(round6(inc.lon), round6(inc.lat)), |feature| {
            for (n, f) in FIELDS.iter().enumerate() {
                let value = (f.get)(inc);
                let text = value.to_text();
                let cell = match (value, text.as_deref()) {
                    (Value::Int(v), _) => ColumnValue::Int(v as i32),
                    (Value::Date(_), Some(t)) => ColumnValue::DateTime(t),
                    (Value::Text(_), Some(t)) => ColumnValue::String(t),
                    // a missing property is FlatGeobuf's null
                    (_, None) => continue,
                };
                if let Err(e) = feature.property(n, f.name, &cell) {
                    result = Err(e);
                    return;
                }
            }
        })
        .map_err(fgb_err)?;
        result.map_err(fgb_err)?;
    }
    fgb.write(w).map_err(fgb_err)
}
