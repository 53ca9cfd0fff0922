//! Geocoder latency on place phrases as reports write them, and gazetteer start-up.
//!
//! `cargo bench --bench geocode`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use incident_map::gazetteer::Gazetteer;

fn bench(c: &mut Criterion) {
    c.bench_function("gazetteer_load", |b| {
        b.iter(|| black_box(Gazetteer::embedded().map(|g| g.places().len())))
    });
    let Ok(gz) = Gazetteer::embedded() else {
        panic!("the embedded gazetteer loads");
    };
    let mut group = c.benchmark_group("geocode");
    for q in [
        "منطقة البدروسية بريف اللاذقية الشمالي",
        "Bdroussieh",
        "Dayr az Zawr",
        "Maaret al-Numan",
        "Washington",
        "qwxzy near Saraqib",
        "حي الدويلعة بالعاصمة دمشق",
    ] {
        group.bench_function(q, |b| {
            b.iter(|| black_box(gz.geocode(black_box(q), Some("ريف إدلب"), 5)).len())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
