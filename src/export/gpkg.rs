//! GeoPackage (OGC 12-128r18, version 1.3) written with SQLite: the spatial metadata tables
//! (`gpkg_spatial_ref_sys`, `gpkg_contents`, `gpkg_geometry_columns`, `gpkg_extensions`), one
//! feature table with typed columns, and its R-tree spatial index (`gpkg_rtree_index`).
//!
//! SQLite needs a named file, so the package is built in a temporary directory, then handed
//! over as an unnamed temporary file and the directory removed.

use std::fs::File;

use rusqlite::{params_from_iter, Connection};

use super::fields::{Kind, Value, FIELDS};
use super::{style, ExportError};
use crate::incidents::model::round6;
use crate::incidents::Catalog;

/// `GPKG` in ASCII, the application id every GeoPackage carries.
const APPLICATION_ID: i32 = 0x4750_4B47;
/// Version 1.3.0.
const USER_VERSION: i32 = 10300;

const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

const METADATA: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
    srs_name TEXT NOT NULL,
    srs_id INTEGER NOT NULL PRIMARY KEY,
    organization TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL,
    definition TEXT NOT NULL,
    description TEXT
);
CREATE TABLE gpkg_contents (
    table_name TEXT NOT NULL PRIMARY KEY,
    data_type TEXT NOT NULL,
    identifier TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
    srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
    table_name TEXT NOT NULL,
    column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL,
    srs_id INTEGER NOT NULL,
    z TINYINT NOT NULL,
    m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT uk_gc_table_name UNIQUE (table_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
    table_name TEXT,
    column_name TEXT,
    extension_name TEXT NOT NULL,
    definition TEXT NOT NULL,
    scope TEXT NOT NULL,
    CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
";

/// A column type GDAL reads back as the intended field type (MEDIUMINT is a 32-bit Integer;
/// INTEGER would come back as Integer64).
fn sql_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "TEXT",
        Kind::Int => "MEDIUMINT",
        Kind::Date => "DATE",
    }
}

/// A GeoPackage geometry blob for a point: the `GP` header (version 0, little-endian, no
/// envelope, the SRS id) then the point as little-endian WKB. lon, lat in degrees.
pub fn point_blob(lon: f64, lat: f64, srs_id: i32) -> Vec<u8> {
    let mut b = Vec::with_capacity(29);
    b.extend_from_slice(b"GP");
    b.push(0); // version 1
    b.push(0b0000_0001); // little-endian, no envelope, not empty, standard
    b.extend_from_slice(&srs_id.to_le_bytes());
    b.push(1); // WKB little-endian
    b.extend_from_slice(&1u32.to_le_bytes()); // Point
    b.extend_from_slice(&lon.to_le_bytes());
    b.extend_from_slice(&lat.to_le_bytes());
    b
}

fn quoted(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Writes the package to `path` (which must not exist yet).
pub fn write_file(
    path: &std::path::Path,
    catalog: &Catalog,
    layer: &str,
    positions: &[u32],
) -> Result<(), ExportError> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", USER_VERSION)?;
    // a throwaway file: no journal, no syncs until the end
    conn.pragma_update(None, "journal_mode", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let tx = conn.transaction()?;
    tx.execute_batch(METADATA)?;
    tx.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES
         ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
         ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
         ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        [WGS84_WKT],
    )?;

    let table = quoted(layer);
    let rtree = quoted(&format!("rtree_{layer}_geom"));
    let mut columns = vec![
        "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string(),
        "geom POINT".to_string(),
    ];
    columns.extend(FIELDS.iter().map(|f| {
        format!(
            "{} {}{}",
            quoted(f.name),
            sql_type(f.kind),
            if f.nullable { "" } else { " NOT NULL" }
        )
    }));
    tx.execute_batch(&format!(
        "CREATE TABLE {table} ({});
         CREATE VIRTUAL TABLE {rtree} USING rtree(id, minx, maxx, miny, maxy);",
        columns.join(", ")
    ))?;

    let mut extent: Option<[f64; 4]> = None;
    {
        let names: Vec<String> = FIELDS.iter().map(|f| quoted(f.name)).collect();
        let marks: Vec<String> = (0..FIELDS.len()).map(|n| format!("?{}", n + 3)).collect();
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {table} (fid, geom, {}) VALUES (?1, ?2, {})",
            names.join(", "),
            marks.join(", ")
        ))?;
        let mut index = tx.prepare(&format!("INSERT INTO {rtree} VALUES (?1, ?2, ?2, ?3, ?3)"))?;
        for (n, &idx) in positions.iter().enumerate() {
            let inc = &catalog.get(idx);
            let (lon, lat) = (round6(inc.lon), round6(inc.lat));
            let fid = n as i64 + 1;
            let mut values: Vec<rusqlite::types::Value> =
                vec![fid.into(), point_blob(lon, lat, 4326).into()];
            values.extend(FIELDS.iter().map(|f| {
                match (f.get)(inc) {
                    Value::Int(v) => rusqlite::types::Value::Integer(v),
                    other => other
                        .to_text()
                        .map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Text),
                }
            }));
            insert.execute(params_from_iter(values))?;
            index.execute(rusqlite::params![fid, lon, lat])?;
            extent = Some(match extent {
                None => [lon, lat, lon, lat],
                Some(e) => [e[0].min(lon), e[1].min(lat), e[2].max(lon), e[3].max(lat)],
            });
        }
    }

    let [min_x, min_y, max_x, max_y] = extent.map_or([None; 4], |e| e.map(Some));
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, 'Security incidents in Syria (incident-map export)', ?2, ?3, ?4, ?5, 4326)",
        rusqlite::params![layer, min_x, min_y, max_x, max_y],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'POINT', 4326, 0, 0)",
        [layer],
    )?;
    tx.execute(
        "INSERT INTO gpkg_extensions VALUES
         (?1, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        [layer],
    )?;
    tx.execute_batch(&rtree_triggers(layer))?;
    write_style(&tx, layer)?;
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// The default style QGIS applies when it opens the layer (its `layer_styles` table, listed
/// in `gpkg_contents` as attributes the way QGIS and GDAL write it).
fn write_style(tx: &rusqlite::Transaction<'_>, layer: &str) -> Result<(), ExportError> {
    tx.execute_batch(
        "CREATE TABLE layer_styles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
            f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
            useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
            update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );
        INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
        VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles');",
    )?;
    tx.execute(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,
            styleName, styleQML, styleSLD, useAsDefault, description, owner, ui)
         VALUES ('', '', ?1, 'geom', 'by event type', ?2, '', 1,
            'incidents coloured by ACLED event type, as on the web map', '', NULL)",
        rusqlite::params![layer, style::event_type_qml()],
    )?;
    Ok(())
}

/// The triggers of the R-tree extension that keep the index in step when the package is
/// edited later (in QGIS, say); they call functions GeoPackage readers provide.
fn rtree_triggers(layer: &str) -> String {
    let t = quoted(layer);
    let r = quoted(&format!("rtree_{layer}_geom"));
    let name = |suffix: &str| quoted(&format!("rtree_{layer}_geom_{suffix}"));
    format!(
        "CREATE TRIGGER {insert} AFTER INSERT ON {t}
           WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN
           INSERT OR REPLACE INTO {r} VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
         END;
         CREATE TRIGGER {update1} AFTER UPDATE OF geom ON {t}
           WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN
           INSERT OR REPLACE INTO {r} VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
         END;
         CREATE TRIGGER {update2} AFTER UPDATE OF geom ON {t}
           WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
         BEGIN
           DELETE FROM {r} WHERE id = OLD.fid;
         END;
         CREATE TRIGGER {update3} AFTER UPDATE ON {t}
           WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN
           DELETE FROM {r} WHERE id = OLD.fid;
           INSERT OR REPLACE INTO {r} VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
         END;
         CREATE TRIGGER {update4} AFTER UPDATE ON {t}
           WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
         BEGIN
           DELETE FROM {r} WHERE id IN (OLD.fid, NEW.fid);
         END;
         CREATE TRIGGER {delete} AFTER DELETE ON {t}
           WHEN old.geom NOT NULL
         BEGIN
           DELETE FROM {r} WHERE id = OLD.fid;
         END;",
        insert = name("insert"),
        update1 = name("update1"),
        update2 = name("update2"),
        update3 = name("update3"),
        update4 = name("update4"),
        delete = name("delete"),
    )
}

/// Builds the package in a temporary directory and returns it as an unnamed temporary file
/// (gone when closed, on every platform), positioned at its end.
pub fn to_temp_file(
    catalog: &Catalog,
    layer: &str,
    positions: &[u32],
) -> Result<File, ExportError> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("export.gpkg");
    write_file(&path, catalog, layer, positions)?;
    let mut file = tempfile::tempfile()?;
    std::io::copy(&mut File::open(&path)?, &mut file)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;

    #[test]
    fn package_has_the_metadata_and_the_index() {
        let cat = Catalog::new(vec![
            sample("A", 36.5, 35.25, "2025-11-24"),
            sample("B", 38.0, 36.0, "2025-11-25"),
            sample("C", 40.0, 33.0, "2025-11-26"),
        ]);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.gpkg");
        write_file(&path, &cat, "incidents", &[2, 0]).expect("write");
        let conn = Connection::open(&path).expect("open");
        let app: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .expect("pragma");
        assert_eq!(app, APPLICATION_ID);
        let ids: Vec<String> = conn
            .prepare("SELECT id FROM incidents ORDER BY fid")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(ids, ["C", "A"]);
        let (min_x, max_y): (f64, f64) = conn
            .query_row(
                "SELECT min_x, max_y FROM gpkg_contents WHERE table_name = 'incidents'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("contents");
        assert_eq!((min_x, max_y), (36.5, 35.25));
        let hits: i64 = conn
            .query_row(
                "SELECT count(*) FROM rtree_incidents_geom WHERE minx >= 39 AND maxy <= 34",
                [],
                |r| r.get(0),
            )
            .expect("rtree");
        assert_eq!(hits, 1);
        let blob: Vec<u8> = conn
            .query_row("SELECT geom FROM incidents WHERE id = 'A'", [], |r| {
                r.get(0)
            })
            .expect("geom");
        assert_eq!(blob, point_blob(36.5, 35.25, 4326));
        assert_eq!(&blob[..2], b"GP");
    }
}
