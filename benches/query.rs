//! Query and serialisation over 1,000,000 seeded synthetic incidents:
//! bbox through the R-tree versus a linear scan, and GeoJSON response throughput.
//!
//! `cargo bench --bench query` (set INCIDENT_BENCH_N to change the size).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use incident_map::export::geojson;
use incident_map::incidents::{synthetic, Catalog};

fn size() -> usize {
    std::env::var("INCIDENT_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

/// The baseline: a scan over a compact array of points (kinder to the scan than walking the
/// incident records themselves).
fn linear(points: &[[f64; 2]], b: [f64; 4]) -> Vec<u32> {
    points
        .iter()
        .enumerate()
        .filter(|(_, p)| p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3])
        .map(|(n, _)| n as u32)
        .collect()
}

fn bench(c: &mut Criterion) {
    let n = size();
    let catalog = Catalog::new(synthetic::incidents(n, 42));
    let points: Vec<[f64; 2]> = catalog.incidents().iter().map(|i| [i.lon, i.lat]).collect();
    // a city-sized box (~0.1°) and a governorate-sized one (~1°)
    let boxes = [
        ("city", [36.60, 35.90, 36.70, 36.00]),
        ("governorate", [36.0, 35.0, 37.0, 36.0]),
    ];

    let mut group = c.benchmark_group(format!("bbox_{n}"));
    for (name, b) in boxes {
        assert_eq!(catalog.in_bbox(b), linear(&points, b));
        group.bench_with_input(BenchmarkId::new("rtree", name), &b, |bench, b| {
            bench.iter(|| black_box(catalog.in_bbox(*b)).len())
        });
        group.bench_with_input(BenchmarkId::new("linear_scan", name), &b, |bench, b| {
            bench.iter(|| black_box(linear(&points, *b)).len())
        });
    }
    group.finish();

    let mut group = c.benchmark_group(format!("geojson_{n}"));
    for (name, b) in boxes {
        let hits = catalog.in_bbox(b);
        let page = &hits[..hits.len().min(10_000)];
        let bytes = geojson::collection(&catalog, "incidents", hits.len(), page).len();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(
            BenchmarkId::new("response", format!("{name}_{}_features", page.len())),
            |bench| {
                bench.iter(|| {
                    black_box(geojson::collection(&catalog, "incidents", hits.len(), page)).len()
                })
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
