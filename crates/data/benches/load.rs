//! Load-time benchmarks: importing BACI from the real files (when DERISK_RAW_DATA points at
//! the shared data folder) and loading the embedded snapshot.
//!
//! Run with `cargo bench -p derisk-data --bench load`. Sample counts and measurement times
//! are kept small so the whole run takes about a minute.

use criterion::{criterion_group, criterion_main, Criterion};
use derisk_data::baci::{read_baci_path, BaciFilter};
use derisk_data::{CountryResolver, ImportContext, ImportOptions};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

fn raw_dir() -> Option<PathBuf> {
    std::env::var_os("DERISK_RAW_DATA").map(PathBuf::from)
}

fn resolver(raw: &std::path::Path) -> CountryResolver {
    let path = raw.join("countries/iso3166_countries.csv");
    let f = std::fs::File::open(&path).expect("open the ISO 3166 country list");
    CountryResolver::from_iso_list(&path.display().to_string(), f)
        .expect("read the ISO 3166 country list")
        .0
}

/// Benchmark one BACI file, or say why it is skipped.
fn bench_baci(c: &mut Criterion, name: &str, relative: &str, lenient: bool) {
    let Some(raw) = raw_dir() else {
        eprintln!("{name}: skipped: DERISK_RAW_DATA not set");
        return;
    };
    let path = raw.join(relative);
    if !path.exists() {
        eprintln!("{name}: skipped: {} not found", path.display());
        return;
    }
    let countries = resolver(&raw);
    let options = ImportOptions {
        skip_unknown_countries: lenient,
    };
    let ctx = ImportContext {
        countries: &countries,
        minerals: &[],
        options: &options,
    };
    let filter = BaciFilter::default();
    let mut group = c.benchmark_group("load");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    group.bench_function(name, |b| {
        b.iter(|| {
            let (table, report) =
                read_baci_path(black_box(&path), &ctx, &filter, &mut |_| {}).expect("BACI loads");
            black_box((table.flows.len(), report.rows_read))
        })
    });
    group.finish();
}

/// The full 1995–2024 raw-materials history: 1,264,888 rows, gzip.
fn baci_full_history(c: &mut Criterion) {
    bench_baci(
        c,
        "baci_full_history",
        "baci/hs92_raw_materials_1995_2024.csv.gz",
        false,
    );
}

/// The 2017–2024 critical-minerals extract: 193,054 rows, plain CSV.
fn baci_critical_csv(c: &mut Criterion) {
    bench_baci(
        c,
        "baci_critical_csv",
        "baci/hs92_critical_minerals_2017_2024.csv",
        false,
    );
}

/// The snapshot embedded in the binary: opening it (what every command pays before it can
/// answer: checksums and the core), and reading all of it (what `data check` and a
/// `--snapshot FILE` pay).
fn snapshot_load(c: &mut Criterion) {
    let mut g = c.benchmark_group("snapshot");
    g.sample_size(20);
    g.bench_function("snapshot_open", |b| {
        b.iter(|| derisk_data::snapshot::embedded_lazy().expect("embedded snapshot"))
    });
    g.bench_function("snapshot_load", |b| {
        b.iter(|| derisk_data::snapshot::embedded().expect("embedded snapshot"))
    });
    g.finish();
}

criterion_group!(benches, baci_full_history, baci_critical_csv, snapshot_load);
criterion_main!(benches);
