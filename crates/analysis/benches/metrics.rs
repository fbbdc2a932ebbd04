//! Every metric for every mineral × year × importer, on the embedded dataset.
//!
//! `cargo bench -p derisk-analysis --bench metrics`. The dataset is the embedded snapshot
//! (`derisk_data::snapshot::embedded()`); with `DERISK_BACI_FULL=<path>` its trade table is
//! replaced by the full BACI 1995–2024 file read with `derisk_data::baci::read_baci_path`
//! (kept to the minerals' HS codes). Without a snapshot the real-data benchmarks say so and
//! are skipped; a synthetic dataset of similar shape is always measured, so the indexes'
//! cost can be followed over time.
//!
//! Indexes (trade by year and HS code, production by mineral, stage and year, governance)
//! are built once per run of [`all_metrics`]; the build itself is measured apart.

#[path = "support/synthetic.rs"]
mod synthetic;

use criterion::{criterion_group, criterion_main, Criterion};
use derisk_analysis::criticality::EuSrParams;
use derisk_analysis::{GovernanceGap, Importer, Indexed, Thresholds};
use derisk_model::{Dataset, Stage};
use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Duration;

/// The embedded dataset, with the full BACI trade table when `DERISK_BACI_FULL` is set.
fn real_dataset() -> Option<Dataset> {
    let mut ds = match derisk_data::snapshot::embedded() {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("skipped real-data benchmarks: {e}");
            return None;
        }
    };
    if let Some(path) = std::env::var_os("DERISK_BACI_FULL") {
        match full_baci(&ds, std::path::Path::new(&path)) {
            Ok(trade) => ds.trade = trade,
            Err(e) => {
                eprintln!("skipped real-data benchmarks: cannot read DERISK_BACI_FULL: {e}");
                return None;
            }
        }
    }
    Some(ds)
}

/// Read the full BACI file, keeping the HS codes of the dataset's minerals.
fn full_baci(ds: &Dataset, path: &std::path::Path) -> Result<derisk_model::TradeTable, String> {
    use derisk_data::{baci, CountryResolver, ImportContext, ImportOptions};
    let mut resolver = CountryResolver::from_countries(&ds.countries).map_err(|e| e.to_string())?;
    let aliases = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/reference/country_aliases.csv"
    );
    if let Ok(f) = std::fs::File::open(aliases) {
        resolver
            .add_aliases(aliases, f)
            .map_err(|e| e.to_string())?;
    }
    let options = ImportOptions {
        skip_unknown_countries: true,
    };
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &ds.minerals,
        options: &options,
    };
    let filter = baci::BaciFilter {
        hs: Some(
            ds.minerals
                .iter()
                .flat_map(|m| m.hs.iter().map(|c| c.hs))
                .collect(),
        ),
        years: None,
    };
    let (table, report) =
        baci::read_baci_path(path, &ctx, &filter, &mut |_| {}).map_err(|e| e.to_string())?;
    eprintln!(
        "BACI full: {} rows read, {} kept, {} flows",
        report.rows_read,
        report.rows_kept,
        table.flows.len()
    );
    Ok(table)
}

/// Every importing country of the trade table, then every group with members.
fn importers(ds: &Dataset) -> Vec<Importer> {
    let countries: BTreeSet<_> = ds.trade.flows.iter().map(|f| f.importer).collect();
    let mut v: Vec<Importer> = countries.into_iter().map(Importer::country).collect();
    v.extend(
        ds.groups
            .iter()
            .map(Importer::group)
            .filter(|g| !g.members.is_empty()),
    );
    v
}

/// Concentration (both threshold sets) and disruption potential for every mineral × stage
/// × year with production; dependence for every mineral × trade year × importer; EU supply
/// risk and GeoPolRisk (mining) for every mineral × year × importer. Returns the number of
/// answers, so the work cannot be optimised away.
fn all_metrics(ix: &Indexed, importers: &[Importer], params: &EuSrParams) -> usize {
    let mut n = 0;
    for m in &ix.ds.minerals {
        let id = m.id.as_str();
        for stage in ix.production.stages(id) {
            for year in ix.production.years(id, &stage) {
                n += ix
                    .stage_concentration(id, &stage, year, None, Thresholds::Doj2023)
                    .is_ok() as usize;
                n += ix
                    .disruption_potential(id, &stage, year, None, GovernanceGap::Midpoint)
                    .is_ok() as usize;
            }
        }
        if m.hs.is_empty() {
            continue;
        }
        for year in ix.trade.years() {
            for imp in importers {
                n += black_box(ix.dependence(imp, id, year, None, None)).is_ok() as usize;
                n += black_box(ix.eu_supply_risk(imp, id, year, params)).is_ok() as usize;
                n += black_box(ix.geopolrisk(
                    imp,
                    id,
                    &Stage::Mining,
                    year,
                    GovernanceGap::Midpoint,
                ))
                .is_ok() as usize;
            }
        }
    }
    n
}

fn bench_dataset(c: &mut Criterion, label: &str, ds: &Dataset) {
    let importers = importers(ds);
    let params = EuSrParams::default();
    let ix = Indexed::new(ds);
    eprintln!(
        "{label}: {} minerals, {} flows, {} importers, {} answers per run",
        ds.minerals.len(),
        ds.trade.flows.len(),
        importers.len(),
        all_metrics(&ix, &importers, &params)
    );
    let mut g = c.benchmark_group(label);
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("build indexes", |b| b.iter(|| black_box(Indexed::new(ds))));
    g.bench_function("all metrics", |b| {
        b.iter(|| black_box(all_metrics(&ix, &importers, &params)))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_dataset(
        c,
        "synthetic",
        &synthetic::dataset(synthetic::Shape::default()),
    );
    if let Some(ds) = real_dataset() {
        bench_dataset(c, "embedded", &ds);
    }
}

criterion_group!(metrics, benches);
criterion_main!(metrics);
