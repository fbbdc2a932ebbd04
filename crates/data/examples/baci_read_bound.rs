//! What bounds the read of the full BACI history: each stage of the reader alone, on one
//! thread, then the reader itself. Prints the minimum and median of `--runs N` (default 5).
//!
//! ```text
//! cargo run --release -p derisk-data --example baci_read_bound -- FILE.csv.gz [--runs N]
//! ```
//!
//! Every row is kept (no HS filter), so the reads keep 1,264,888 flows where the benchmark
//! (`metrics_once`) keeps 691,743.
//!
//! - `inflate`: the gzip stream decompressed to nothing (flate2, zlib-rs), one thread. The
//!   file is one gzip member: its deflate stream is decoded in order, so no reader of it
//!   finishes sooner (short of speculative parallel inflation).
//! - `inflate+split`: the same, plus csv's record splitting (no field checks).
//! - `parse (memory)`: the one-thread reader on the already decompressed text.
//! - `read, 1 thread`: the reader on one thread (`read_baci`).
//! - `read_baci_path`: the reader as the engine uses it (`read_baci_parallel`: one
//!   thread inflating, one parsing thread per core).

use derisk_data::baci::{read_baci, read_baci_path, BaciFilter};
use derisk_data::{CountryResolver, ImportContext, ImportOptions};
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn inflate(path: &PathBuf) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut out = Vec::new();
    flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(256 * 1024, f))
        .read_to_end(&mut out)?;
    Ok(out)
}

fn inflate_to_sink(path: &PathBuf) -> std::io::Result<u64> {
    let f = std::fs::File::open(path)?;
    let mut gz = flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(256 * 1024, f));
    std::io::copy(&mut gz, &mut std::io::sink())
}

fn split_only(path: &PathBuf) -> Result<u64, String> {
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let gz = flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(256 * 1024, f));
    let mut reader = csv::ReaderBuilder::new()
        .buffer_capacity(256 * 1024)
        .from_reader(gz);
    let mut rec = csv::ByteRecord::new();
    let mut n = 0;
    while reader
        .read_byte_record(&mut rec)
        .map_err(|e| e.to_string())?
    {
        n += 1;
    }
    Ok(n)
}

/// Minimum and median of `runs` timings of `f`.
fn time<T>(runs: usize, mut f: impl FnMut() -> Result<T, String>) -> Result<(f64, f64), String> {
    let mut t = Vec::with_capacity(runs);
    for _ in 0..runs {
        let s = Instant::now();
        std::hint::black_box(f()?);
        t.push(s.elapsed().as_secs_f64());
    }
    t.sort_by(f64::total_cmp);
    Ok((t[0], t[t.len() / 2]))
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next()
            .ok_or("usage: baci_read_bound FILE [--runs N]")?,
    );
    let runs = match (args.next().as_deref(), args.next()) {
        (Some("--runs"), Some(n)) => n.parse().map_err(|_| "--runs needs a number")?,
        (None, _) => 5,
        _ => return Err("usage: baci_read_bound FILE [--runs N]".into()),
    };
    let countries = derisk_data::snapshot::embedded()
        .map_err(|e| e.to_string())?
        .countries;
    let resolver = CountryResolver::from_countries(&countries).map_err(|e| e.to_string())?;
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let filter = BaciFilter::default();
    let label = path.display().to_string();
    let text = inflate(&path).map_err(|e| e.to_string())?;
    println!(
        "{label}: {} bytes decompressed, {runs} runs each",
        text.len()
    );
    let show = |name: &str, (min, med): (f64, f64)| {
        println!("{name:<16} min {min:.3} s  median {med:.3} s");
    };
    show(
        "inflate",
        time(runs, || inflate_to_sink(&path).map_err(|e| e.to_string()))?,
    );
    show("inflate+split", time(runs, || split_only(&path))?);
    show(
        "parse (memory)",
        time(runs, || {
            read_baci(&label, text.as_slice(), &ctx, &filter, &mut |_| {})
                .map(|(t, _)| t.flows.len())
                .map_err(|e| e.to_string())
        })?,
    );
    show(
        "read, 1 thread",
        time(runs, || {
            let f = std::fs::File::open(&path).map_err(|e| e.to_string())?;
            read_baci(&label, f, &ctx, &filter, &mut |_| {})
                .map(|(t, _)| t.flows.len())
                .map_err(|e| e.to_string())
        })?,
    );
    show(
        "read_baci_path",
        time(runs, || {
            read_baci_path(&path, &ctx, &filter, &mut |_| {})
                .map(|(t, _)| t.flows.len())
                .map_err(|e| e.to_string())
        })?,
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("baci_read_bound: {e}");
            ExitCode::FAILURE
        }
    }
}
