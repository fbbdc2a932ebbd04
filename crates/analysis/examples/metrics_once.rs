//! One timed pass over the full BACI 1995–2024 history: load the embedded snapshot, read the
//! BACI file strictly, build the indexes, compute the pandas peer's scope
//! (`support/full.rs::peer_scope`) and then every metric (`all_metrics`). Prints the wall
//! time of each phase, then one `TIMING {json}` line that `bench/run.sh` parses.
//!
//! ```text
//! DERISK_RAW_DATA=../shared/data cargo run --release -p derisk-analysis \
//!     --example metrics_once -- [--out DIR] [--skip-all] [--threads N]
//! ```
//!
//! `--threads N` (default: one per core) is the number of threads that parse BACI and
//! that compute the peer scope; `--threads 1` is the one-thread pass. Any N gives the same
//! results, bit for bit.
//! `--out DIR` writes the peer-scope results (`concentration.csv`, `dependence.csv`) after
//! the timed part, for the agreement check. `--skip-all` leaves out the all-metrics pass.
//! The work is deterministic: the same input gives the same results and answer counts.

#[path = "../benches/support/full.rs"]
mod full;

use derisk_analysis::criticality::EuSrParams;
use derisk_analysis::Engine;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    out: Option<PathBuf>,
    skip_all: bool,
    threads: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        out: None,
        skip_all: false,
        threads: derisk_analysis::parallel::default_threads(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out" => a.out = Some(it.next().ok_or("--out needs a directory")?.into()),
            "--skip-all" => a.skip_all = true,
            "--threads" => {
                a.threads = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--threads needs a whole number of at least 1")?
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(a)
}

fn run() -> Result<(), String> {
    let args = args()?;
    let path = full::baci_path().ok_or("set DERISK_BACI_FULL or DERISK_RAW_DATA")?;

    let t0 = Instant::now();
    let mut ds = derisk_data::snapshot::embedded().map_err(|e| e.to_string())?;
    let snapshot_s = t0.elapsed().as_secs_f64();

    let t = Instant::now();
    let (trade, report) = full::full_baci_threads(&ds, &path, args.threads)?;
    let baci_s = t.elapsed().as_secs_f64();
    ds.trade = trade;

    let t = Instant::now();
    let importers = full::importers(&ds);
    let engine = Engine::new(ds);
    let ds = engine.dataset();
    let index_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let (conc, dep) = full::peer_scope_threads(&engine, &importers, args.threads);
    let peer_scope_s = t.elapsed().as_secs_f64();
    let total_peer_scope_s = t0.elapsed().as_secs_f64();

    let (all_s, answers) = if args.skip_all {
        (None, 0)
    } else {
        let t = Instant::now();
        let n = full::all_metrics(&engine, &importers, &EuSrParams::default());
        (Some(t.elapsed().as_secs_f64()), n)
    };

    eprintln!(
        "BACI {}: {} rows read, {} kept, {} flows, {} years; {} importers ({} groups)",
        path.display(),
        report.rows_read,
        report.rows_kept,
        ds.trade.flows.len(),
        engine.trade().years().count(),
        importers.len(),
        importers.iter().filter(|i| i.members.len() > 1).count()
    );
    eprintln!(
        "peer scope: {} concentrations, {} dependences with trade",
        conc.len(),
        dep.len()
    );
    eprintln!("snapshot load      {snapshot_s:>8.3} s");
    eprintln!("BACI full read     {baci_s:>8.3} s");
    eprintln!("indexes            {index_s:>8.3} s");
    eprintln!("peer-scope metrics {peer_scope_s:>8.3} s");
    eprintln!("total (peer scope) {total_peer_scope_s:>8.3} s");
    if let Some(s) = all_s {
        eprintln!("all metrics        {s:>8.3} s ({answers} answers)");
    }
    println!(
        "TIMING {{\"snapshot_s\":{snapshot_s},\"baci_s\":{baci_s},\"index_s\":{index_s},\
         \"peer_scope_s\":{peer_scope_s},\"total_peer_scope_s\":{total_peer_scope_s},\
         \"all_metrics_s\":{},\"all_metrics_answers\":{answers},\"flows\":{},\
         \"importers\":{},\"concentrations\":{},\"dependences\":{},\"threads\":{}}}",
        all_s.map_or("null".to_string(), |s| s.to_string()),
        ds.trade.flows.len(),
        importers.len(),
        conc.len(),
        dep.len(),
        args.threads
    );
    if let Some(dir) = args.out {
        full::write_results(&dir, &conc, &dep).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("metrics_once: {e}");
            ExitCode::FAILURE
        }
    }
}
