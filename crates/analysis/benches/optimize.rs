//! The sourcing optimiser's solve time: 200 suppliers (deterministic synthetic data: shares,
//! capacities, unit values and weights from a fixed sequence), with a max share, a group
//! minimum and a change limit, for each objective.
//!
//! `cargo bench -p derisk-analysis --bench optimize`.

use criterion::{criterion_group, criterion_main, Criterion};
use derisk_analysis::optimize::Objective;
use std::hint::black_box;

#[path = "support/optimize_problem.rs"]
mod optimize_problem;
use optimize_problem::problem;

fn optimize(c: &mut Criterion) {
    let mut g = c.benchmark_group("optimize");
    for (name, o) in [
        ("hhi", Objective::Hhi),
        ("weighted_hhi", Objective::WeightedHhi),
        ("expected_shortfall", Objective::ExpectedShortfall),
    ] {
        let p = problem(200, o);
        let s = p.solve(0.1).unwrap();
        assert_eq!(
            s.status,
            derisk_analysis::optimize::Status::Optimal,
            "{s:?}"
        );
        g.bench_function(format!("200 suppliers {name}"), |b| {
            b.iter(|| black_box(p.solve(0.1).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, optimize);
criterion_main!(benches);
