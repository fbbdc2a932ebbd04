//! Every metric for every mineral × year × importer, on a synthetic dataset and on the
//! full BACI 1995–2024 history.
//!
//! `cargo bench -p derisk-analysis --bench metrics`. The synthetic dataset (about the size of
//! the 2017–2024 critical-minerals extract) is always measured, so the indexes' cost can be
//! followed over time without any data. The real-data group takes the embedded snapshot and
//! replaces its trade table with the full BACI file (`DERISK_BACI_FULL=<file>`, or
//! `DERISK_RAW_DATA=<shared data dir>`), read strictly and kept to the minerals' HS codes:
//! about 692,000 flows, 30 years, 231 importing countries and 8 groups. Without either
//! variable (or without the snapshot) it says so and is skipped.
//!
//! Measured: building the indexes; `all metrics` (concentration and disruption potential
//! per mineral × stage × year; dependence, EU supply risk and GeoPolRisk per mineral × year
//! × importer, every importer and group); `peer scope` (the subset `bench/peers/` computes
//! with pandas). Sample size 10, flat sampling for the full history. On the 2-core
//! development machine one full-history `all metrics` pass takes about 4 s and the whole bench
//! about 3 minutes (BENCHMARKS.md has the figures);
//! `examples/metrics_once.rs` times a single pass without criterion.

#[path = "support/full.rs"]
mod full;
#[path = "support/synthetic.rs"]
mod synthetic;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use derisk_analysis::criticality::EuSrParams;
use derisk_analysis::Engine;
use derisk_model::Dataset;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

/// The embedded dataset with the full BACI trade table, or why it cannot be had.
fn full_dataset() -> Result<Dataset, String> {
    let path = full::baci_path().ok_or("neither DERISK_BACI_FULL nor DERISK_RAW_DATA is set")?;
    let mut ds = derisk_data::snapshot::embedded().map_err(|e| e.to_string())?;
    let (trade, report) =
        full::full_baci(&ds, &path).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!(
        "BACI full history: {} rows read, {} kept, {} flows",
        report.rows_read,
        report.rows_kept,
        trade.flows.len()
    );
    ds.trade = trade;
    Ok(ds)
}

/// Benchmark one dataset. `flat` sampling runs each of the 10 samples once (or a fixed
/// count) instead of criterion's linear 1 + 2 + … + 10 iterations: right for passes of
/// seconds, where 55 iterations would take minutes.
fn bench_dataset(c: &mut Criterion, label: &str, ds: Dataset, measurement: Duration, flat: bool) {
    let importers = full::importers(&ds);
    let params = EuSrParams::default();
    // Shared, so that building the indexes is measured without copying the dataset.
    let ds = Arc::new(ds);
    let engine = Engine::new(ds.clone());
    let (conc, dep) = full::peer_scope(&engine, &importers);
    eprintln!(
        "{label}: {} minerals, {} flows, {} importers, {} answers per all-metrics run; \
         peer scope: {} concentrations, {} dependences with trade",
        ds.minerals.len(),
        ds.trade.flows.len(),
        importers.len(),
        full::all_metrics(&engine, &importers, &params),
        conc.len(),
        dep.len()
    );
    let mut g = c.benchmark_group(label);
    g.sample_size(10).measurement_time(measurement);
    if flat {
        g.sampling_mode(SamplingMode::Flat);
    }
    g.bench_function("build indexes", |b| {
        b.iter(|| black_box(Engine::new(ds.clone())))
    });
    g.bench_function("all metrics", |b| {
        b.iter(|| black_box(full::all_metrics(&engine, &importers, &params)))
    });
    g.bench_function("peer scope", |b| {
        b.iter(|| black_box(full::peer_scope(&engine, &importers)))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_dataset(
        c,
        "synthetic",
        synthetic::dataset(synthetic::Shape::default()),
        Duration::from_secs(10),
        false,
    );
    match full_dataset() {
        Ok(ds) => bench_dataset(c, "baci_full", ds, Duration::from_secs(30), true),
        Err(e) => eprintln!("baci_full: skipped: {e}"),
    }
}

criterion_group!(metrics, benches);
criterion_main!(metrics);
