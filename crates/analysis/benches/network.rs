//! Building the supply network of one mineral and year from a loaded engine, solving its
//! look-through origins and ranking its chokepoints, on the embedded snapshot.
//!
//! `cargo bench -p derisk-analysis --bench network`. The engine is built and warmed first
//! (every trade group and mineral read once), so the figures are the network's own cost.

use criterion::{criterion_group, criterion_main, Criterion};
use derisk_analysis::Engine;
use derisk_model::Year;
use std::hint::black_box;

fn network(c: &mut Criterion) {
    let engine = Engine::new(derisk_data::snapshot::embedded().expect("embedded snapshot"));
    let year = Year::try_from(2024u16).unwrap();
    let minerals: Vec<String> = engine
        .minerals()
        .iter()
        .filter(|m| !m.hs.is_empty())
        .map(|m| m.id.to_string())
        .collect();
    // Warm the lazily built indexes.
    for m in &minerals {
        engine.query().network(m, year).unwrap();
    }
    let mut g = c.benchmark_group("network");
    for m in ["cobalt", "lithium", "copper", "rare-earths"] {
        g.bench_function(format!("build {m} 2024"), |b| {
            b.iter(|| black_box(engine.query().network(m, year).unwrap()))
        });
    }
    let n = engine.query().network("cobalt", year).unwrap();
    g.bench_function("origins cobalt 2024", |b| b.iter(|| black_box(n.origins())));
    let o = n.origins();
    g.bench_function("chokepoints cobalt 2024", |b| {
        b.iter(|| black_box(n.chokepoints(&o, None)))
    });
    g.bench_function(
        format!("build + origins, all {} minerals 2024", minerals.len()),
        |b| {
            b.iter(|| {
                for m in &minerals {
                    let n = engine.query().network(m, year).unwrap();
                    black_box(n.origins());
                }
            })
        },
    );
    g.finish();
}

criterion_group!(benches, network);
criterion_main!(benches);
