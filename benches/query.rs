//! Query, serialisation and writes over 1,000,000 seeded synthetic incidents: bbox through the
//! R-trees versus a linear scan, GeoJSON responses made of the stored feature bytes,
//! `numberMatched` of filters over the whole country, and incremental catalogue updates.
//!
//! `cargo bench --bench query` (set INCIDENT_BENCH_N to change the size).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use incident_map::export::geojson;
use incident_map::gazetteer::Gazetteer;
use incident_map::incidents::query::{parse_datetime, parse_event_types};
use incident_map::incidents::{synthetic, Catalog, Encoded, Filter};

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

/// A filtered, paged response as `/api/incidents` makes it: select, page, join the bytes.
fn response(catalog: &Catalog, gz: &Gazetteer, filter: &Filter) -> usize {
    let matched = filter.select(catalog, gz);
    let page = filter.page(&matched, Some(10_000));
    geojson::collection(catalog, "incidents", matched.len(), page).len()
}

fn bench(c: &mut Criterion) {
    let n = size();
    let gz = Gazetteer::embedded().expect("gazetteer");
    let incidents = synthetic::incidents(n, 42);
    let catalog = Arc::new(Catalog::new(incidents));
    let points: Vec<[f64; 2]> = (0..catalog.len() as u32)
        .map(|i| catalog.point(i))
        .collect();
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

    // whole responses: R-tree search, filters, page, the stored bytes joined
    let mut group = c.benchmark_group(format!("response_{n}"));
    let pages = [
        // a box of ~0.06° with a little over 100 incidents, limit 100
        ("bbox_100_features", [36.60, 35.90, 36.67, 35.958], 100),
        ("bbox_10000_features", [36.0, 35.0, 37.0, 36.0], 10_000),
    ];
    for (name, bbox, limit) in pages {
        let filter = Filter {
            bbox: Some(bbox),
            limit: Some(limit),
            ..Filter::default()
        };
        let matched = filter.select(&catalog, &gz);
        assert!(matched.len() >= limit, "{name}: {} matches", matched.len());
        let bytes = response(&catalog, &gz, &filter);
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(name, |bench| {
            bench.iter(|| black_box(response(&catalog, &gz, &filter)))
        });
    }
    // a large page as it is streamed: chunks made one after another, each dropped once sent
    {
        let filter = Filter {
            bbox: Some([36.0, 35.0, 37.0, 36.0]),
            ..Filter::default()
        };
        let matched = filter.select(&catalog, &gz);
        let page = filter.page(&matched, Some(10_000)).to_vec();
        group.bench_function("streamed_10000_features", |bench| {
            bench.iter(|| {
                geojson::page_chunks(
                    Arc::clone(&catalog),
                    "incidents",
                    matched.len(),
                    page.clone(),
                )
                .map(|c| c.len())
                .sum::<usize>()
            })
        });
    }
    group.finish();

    // numberMatched over the whole country: nothing is serialised
    let mut group = c.benchmark_group(format!("number_matched_{n}"));
    let filters = [
        (
            "syria_bbox",
            Filter {
                bbox: Some(synthetic::SYRIA_BBOX),
                ..Filter::default()
            },
        ),
        (
            "year_2020",
            Filter {
                datetime: parse_datetime("2020-01-01/2020-12-31").expect("datetime"),
                ..Filter::default()
            },
        ),
        (
            "battles_curated",
            Filter {
                event_types: parse_event_types("Battles").expect("type"),
                review: vec![incident_map::incidents::Review::Curated],
                ..Filter::default()
            },
        ),
    ];
    for (name, filter) in filters {
        let count = filter.select(&catalog, &gz).len();
        assert!(count > 0, "{name}");
        group.bench_function(format!("{name}_{count}"), |bench| {
            bench.iter(|| black_box(filter.select(&catalog, &gz)).len())
        });
    }
    group.finish();

    // writes: the next snapshot after one changed incident, and after 1,000 new ones
    let mut group = c.benchmark_group(format!("write_{n}"));
    let mut changed = catalog.get((catalog.len() / 2) as u32);
    changed.event_date = changed.event_date - chrono::Days::new(400);
    changed.lon += 0.5;
    let one = [Encoded::new(changed)];
    group.bench_function("update_1", |bench| {
        bench.iter(|| black_box(catalog.apply(&one, &[])).len())
    });
    let new: Vec<Encoded> = synthetic::incidents(1000, 7)
        .into_iter()
        .map(|mut i| {
            i.id = format!("NEW-{}", i.id);
            Encoded::new(i)
        })
        .collect();
    group.bench_function("insert_1000", |bench| {
        bench.iter(|| black_box(catalog.apply(&new, &[])).len())
    });
    let id = catalog.id(0).to_string();
    group.bench_function("delete_1", |bench| {
        bench.iter(|| black_box(catalog.apply(&[], &[id.as_str()])).len())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
