//! The optimiser's 200-supplier bench problem: its matrices written for the cvxpy peer
//! (`bench/peers/optimize_cvxpy.py`), and derisk's own solve timed, so both solve the very
//! same quadratic programme on the same machine in the same run.
//!
//! `cargo run --release -p derisk-analysis --example optimize_qp -- OUT_DIR REPEAT` writes
//! `OUT_DIR/{hhi,weighted_hhi,expected_shortfall}.json` and prints, per objective,
//! `derisk <objective> <median seconds> <objective value>`.

#[path = "../benches/support/optimize_problem.rs"]
mod optimize_problem;

use derisk_analysis::optimize::Objective;
use std::time::Instant;

const LAMBDA: f64 = 0.1;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, repeat] = &args[..] else {
        eprintln!("usage: optimize_qp OUT_DIR REPEAT");
        std::process::exit(2);
    };
    let repeat: usize = repeat.parse().expect("REPEAT: a whole number");
    for (name, o) in [
        ("hhi", Objective::Hhi),
        ("weighted_hhi", Objective::WeightedHhi),
        ("expected_shortfall", Objective::ExpectedShortfall),
    ] {
        let p = optimize_problem::problem(200, o);
        let m = p.matrices(LAMBDA);
        let path = format!("{dir}/{name}.json");
        std::fs::write(&path, serde_json::to_string(&m).expect("json")).expect("write");
        let mut times = Vec::new();
        let mut value = 0.0;
        for _ in 0..repeat {
            let t = Instant::now();
            let s = p.solve(LAMBDA).expect("solve");
            times.push(t.elapsed().as_secs_f64());
            // The programme's objective at the solution: ½ Σ diag x² + q·x over the shares.
            let shares = s.shares.expect("an optimal mix");
            value = shares
                .iter()
                .zip(&m.diag)
                .zip(&m.q)
                .map(|((x, d), q)| 0.5 * d * x * x + q * x)
                .sum();
        }
        times.sort_by(f64::total_cmp);
        println!("derisk {name} {:.6} {value:.9}", times[times.len() / 2]);
    }
}
