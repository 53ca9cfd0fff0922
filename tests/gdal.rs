//! What QGIS will see: the exported GeoJSON opened with GDAL's `ogrinfo` (Debian `gdal-bin`).
//! The feature count, the layer name and the field types must come through as typed fields.

mod common;

use std::process::Command;

use common::{get, seeded_app};

fn ogrinfo(path: &std::path::Path) -> String {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al"])
        .arg(path)
        .output()
        .expect("ogrinfo must be installed (Debian gdal-bin; .ci/run installs it)");
    assert!(
        out.status.success(),
        "ogrinfo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn exported_geojson_opens_in_gdal_with_typed_fields() {
    let app = seeded_app();
    let dir = tempfile::tempdir().expect("tempdir");
    for (uri, count) in [
        ("/api/export?format=geojson", 9),
        ("/api/export?format=geojson&region=idlib", 4),
    ] {
        let r = get(&app, uri).await;
        r.expect_status(200);
        let path = dir.path().join("export.geojson");
        std::fs::write(&path, &r.body).expect("write export");
        let info = ogrinfo(&path);
        assert!(info.contains("Layer name: incidents"), "{info}");
        assert!(info.contains("Geometry: Point"), "{info}");
        assert!(
            info.contains(&format!("Feature Count: {count}")),
            "{uri}: {info}"
        );
        for field in [
            "id: String",
            "event_date: Date",
            "time_precision: Integer",
            "event_type: String",
            "actor1: String",
            "actor2: String",
            "fatalities: Integer",
            "location_ar: String",
            "geo_precision: Integer",
            "source_text: String",
            "review: String",
        ] {
            assert!(
                info.contains(field),
                "{uri}: expected field {field:?} in\n{info}"
            );
        }
        assert!(
            !info.contains("(JSON)"),
            "no field may be a JSON blob: {info}"
        );
        assert!(info.contains("WGS 84"), "{info}");
    }
}

#[tokio::test]
async fn arabic_text_survives_gdal() {
    let app = seeded_app();
    let r = get(&app, "/api/export?format=geojson&region=damascus").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("damascus.geojson");
    std::fs::write(&path, &r.body).expect("write");
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-q"])
        .arg(&path)
        .output()
        .expect("ogrinfo");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("fatalities (Integer) = 22"), "{text}");
    assert!(text.contains("الدويلعة"), "{text}");
    assert!(text.contains("event_date (Date) = 2025/06/22"), "{text}");
}
