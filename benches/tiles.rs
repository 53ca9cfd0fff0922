//! Vector tiles over 1,000,000 seeded synthetic incidents: building a filter's point set (the
//! cold part, once per catalogue generation and filter), cutting one tile from it (a tile-cache
//! miss), cutting a high-zoom tile from the incidents in it alone (before the set exists), and a
//! tile-cache hit, for a zoom-6 tile over Syria, zoom-10 tiles over Aleppo and a zoom-8 tile
//! filtered by event type.
//!
//! `cargo bench --bench tiles` (set INCIDENT_BENCH_N to change the size).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use incident_map::gazetteer::Gazetteer;
use incident_map::incidents::{synthetic, Catalog, Filter};
use incident_map::tiles::{direct_cells, encode, Points, TileCache, TileId, DIRECT_ZOOM};

fn size() -> usize {
    std::env::var("INCIDENT_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

/// The tile of zoom z holding a point (the slippy-map formula).
fn tile_of(lon: f64, lat: f64, z: u8) -> TileId {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y =
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    TileId::new(u32::from(z), x, y).expect("a tile")
}

fn bench(c: &mut Criterion) {
    let n = size();
    let catalog = Catalog::new(synthetic::incidents(n, 42));
    let gazetteer = Gazetteer::embedded().expect("gazetteer");
    let pairs = vec![("event_type".to_string(), "Battles".to_string())];
    let battles = Filter::parse(&pairs, &gazetteer, &[]).expect("filter");
    let all = Filter::default();
    let cases = [
        ("z6_syria", &all, tile_of(38.5, 35.0, 6)),
        ("z10_aleppo", &all, tile_of(37.16, 36.20, 10)),
        ("z8_homs_battles", &battles, tile_of(36.72, 34.73, 8)),
        ("z10_aleppo_battles", &battles, tile_of(37.16, 36.20, 10)),
    ];

    let mut group = c.benchmark_group(format!("tiles_{n}"));
    group.sample_size(10);
    for (name, filter) in [("all", &all), ("battles", &battles)] {
        group.bench_function(BenchmarkId::new("points_build", name), |b| {
            b.iter(|| black_box(Points::for_filter(&catalog, &gazetteer, filter)).len())
        });
    }
    group.finish();

    let mut group = c.benchmark_group(format!("tile_{n}"));
    for (name, filter, t) in cases {
        let points = Points::for_filter(&catalog, &gazetteer, filter);
        let cells = points.cells(t);
        let bytes = encode(&catalog, &cells);
        println!(
            "{name}: tile {}/{}/{}: {} features, {} incidents, {} bytes",
            t.z,
            t.x,
            t.y,
            cells.len(),
            cells.iter().map(|c| c.count).sum::<u64>(),
            bytes.len()
        );
        group.bench_function(BenchmarkId::new("cut_and_encode", name), |b| {
            b.iter(|| black_box(encode(&catalog, &points.cells(t))).len())
        });
        if t.z >= DIRECT_ZOOM {
            // a filter's first tiles at high zoom, before its whole point set exists
            assert_eq!(direct_cells(&catalog, &gazetteer, filter, t), cells);
            group.bench_function(BenchmarkId::new("direct_and_encode", name), |b| {
                b.iter(|| {
                    black_box(encode(
                        &catalog,
                        &direct_cells(&catalog, &gazetteer, filter, t),
                    ))
                    .len()
                })
            });
        }
        let cache = TileCache::new();
        cache.tile(&catalog, &gazetteer, filter, t);
        group.bench_function(BenchmarkId::new("cached", name), |b| {
            b.iter(|| black_box(cache.tile(&catalog, &gazetteer, filter, t)).len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
