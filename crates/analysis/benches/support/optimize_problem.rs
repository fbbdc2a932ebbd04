//! The 200-supplier synthetic problem of the optimiser's bench and of its peer's inputs.

use derisk_analysis::optimize::{Candidate, Constraints, GroupMinimum, Objective, Problem};
use derisk_model::CountryCode;

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

pub fn problem(n: usize, objective: Objective) -> Problem {
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
