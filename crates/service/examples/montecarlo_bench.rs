//! The Monte Carlo kernel timed on its own, and its inputs written for the numpy peer
//! (`bench/peers/montecarlo_numpy.py`), so both run the same scenarios' model on the same
//! machine in the same run.
//!
//! `cargo run --release -p derisk-service --example montecarlo_bench -- MINERAL RUNS THREADS
//! REPEAT [INPUTS.json]` prints one line per repeat: `derisk <seconds> <scenarios/s>
//! <world expected t> <its se>`, after writing the inputs (network layer, probabilities,
//! severity, headroom, horizon) when a path is given.

use derisk_analysis::Engine;
use derisk_service::montecarlo::MonteCarloRequest;
use derisk_service::Service;
use serde_json::json;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mineral, runs, threads, repeat, rest @ ..] = &args[..] else {
        eprintln!("usage: montecarlo_bench MINERAL RUNS THREADS REPEAT [INPUTS.json]");
        std::process::exit(2);
    };
    let runs: u64 = runs.parse().expect("RUNS: a whole number");
    let threads: usize = threads.parse().expect("THREADS: a whole number");
    let repeat: usize = repeat.parse().expect("REPEAT: a whole number");
    let service = Service::new(Engine::new(
        derisk_data::snapshot::embedded().expect("embedded snapshot"),
    ));
    let req = MonteCarloRequest::new(vec![mineral.clone()], runs, 7);
    if let Some(path) = rest.first() {
        let small = MonteCarloRequest {
            runs: 1,
            ..req.clone()
        };
        let r = service.montecarlo(&small, 1, &|_, _| {}).expect("run");
        let m = &r.minerals[0];
        let n = service
            .engine()
            .query()
            .network(&m.mineral.id, r.year)
            .expect("network");
        let l = n.layer(m.layer);
        let probability: Vec<f64> = n
            .countries
            .iter()
            .map(|c| {
                m.suppliers
                    .iter()
                    .find(|s| s.country == *c)
                    .map_or(0.0, |s| s.annual_probability)
            })
            .collect();
        let inputs = json!({
            "mineral": m.mineral.id,
            "layer": m.layer,
            "horizon_months": r.horizon_months,
            "severity": r.severity,
            "headroom": r.headroom,
            "countries": n.countries,
            "output_t": (0..n.countries.len()).map(|i| l.output_t(i)).collect::<Vec<_>>(),
            "edges": l.edges.iter().map(|e| (e.from, e.to, e.tonnes)).collect::<Vec<_>>(),
            "annual_probability": probability,
        });
        std::fs::write(path, serde_json::to_string(&inputs).expect("json")).expect("write");
    }
    let plan = service.montecarlo_plan(&req).expect("plan");
    for _ in 0..repeat {
        let t = Instant::now();
        let accs = plan.run(0..runs, threads, &|_| {});
        let secs = t.elapsed().as_secs_f64();
        let r = plan.finish(&service, &accs).expect("finish");
        let w = &r.minerals[0].world;
        println!(
            "derisk {secs:.4} {:.0} {} {}",
            runs as f64 / secs,
            w.expected_t,
            w.expected_se_t
        );
    }
}
