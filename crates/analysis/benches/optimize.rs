//! The sourcing optimiser's solve time: 200 suppliers (deterministic synthetic data: shares,
//! capacities, unit values and weights from a fixed sequence), with a max share, a group
//! minimum and a change limit, for each objective.
//!
//! `cargo bench -p derisk-analysis --bench optimize`.

use criterion::{criterion_group, criterion_main, Criterion};
use derisk_analysis::optimize::{Candidate, Constraints, GroupMinimum, Objective, Problem};
use derisk_model::CountryCode;
use std::hint::black_box;

/// A fixed pseudo-random sequence in [0, 1) (a 64-bit LCG's top bits).
fn seq(n: usize, seed: u64) -> Vec<f64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

fn code(i: usize) -> CountryCode {
    let a = b'A' + (i / 26 / 26 % 26) as u8;
    let b = b'A' + (i / 26 % 26) as u8;
    let c = b'A' + (i % 26) as u8;
    CountryCode::try_from(std::str::from_utf8(&[a, b, c]).unwrap()).unwrap()
}

fn problem(n: usize, objective: Objective) -> Problem {
    let w = seq(n, 1);
    let total: f64 = w.iter().map(|x| x * x * x).sum();
    let (cap, uv, rw, p) = (seq(n, 2), seq(n, 3), seq(n, 4), seq(n, 5));
    let candidates: Vec<Candidate> = (0..n)
        .map(|i| {
            let s0 = w[i] * w[i] * w[i] / total;
            Candidate {
                country: code(i),
                current_share: s0,
                capacity: s0 + 0.05 * cap[i],
                unit_value: Some(20.0 + 80.0 * uv[i]),
                risk_weight: 10.0 * rw[i],
                disruption: 0.1 * p[i],
            }
        })
        .collect();
    let members = (0..n).step_by(3).map(code).collect();
    Problem::new(
        candidates,
        objective,
        Constraints {
            max_share: Some(0.05),
            group_minimums: vec![GroupMinimum {
                label: "G".into(),
                members,
                min_share: 0.4,
            }],
            max_change: Some(0.8),
        },
    )
    .unwrap()
}

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
