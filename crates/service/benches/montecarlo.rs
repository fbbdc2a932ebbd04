//! Monte Carlo scenario evaluations per second: one evaluation is one sampled scenario over
//! the 12-month horizon for every importer of one mineral (calibrated probabilities, default
//! severity), tallied for every importer and the world.
//!
//! `cargo bench -p derisk-service --bench montecarlo`. The throughput figure (elements/s)
//! is scenarios per second; the plan (network, probabilities) is built outside the timing.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use derisk_analysis::Engine;
use derisk_service::montecarlo::MonteCarloRequest;
use derisk_service::Service;
use std::hint::black_box;

const RUNS: u64 = 200_000;

fn montecarlo(c: &mut Criterion) {
    let service = Service::new(Engine::new(
        derisk_data::snapshot::embedded().expect("embedded snapshot"),
    ));
    let mut g = c.benchmark_group("montecarlo");
    g.sample_size(10);
    g.throughput(Throughput::Elements(RUNS));
    for mineral in ["gallium", "cobalt", "lithium"] {
        let req = MonteCarloRequest::new(vec![mineral.into()], RUNS, 7);
        let plan = service.montecarlo_plan(&req).expect("plan");
        for threads in [1, 2] {
            g.bench_function(
                format!("{mineral} {RUNS} scenarios, {threads} thread(s)"),
                |b| b.iter(|| black_box(plan.run(0..RUNS, threads, &|_| {}))),
            );
        }
    }
    g.finish();
}

criterion_group!(benches, montecarlo);
criterion_main!(benches);
