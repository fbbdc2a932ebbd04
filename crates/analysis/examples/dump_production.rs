//! Write the embedded snapshot's production observations to CSV, for the pandas peer of the
//! metrics benchmark (`bench/peers/metrics_pandas.py`), which computes concentration from
//! the same figures.
//!
//! ```text
//! cargo run --release -p derisk-analysis --example dump_production -- OUT.csv
//! ```
//!
//! Columns: `mineral, stage, year, area` (ISO3, `WORLD` or `OTHER`), `area_rank` (0 country,
//! 1 world, 2 other: the order derisk sorts areas in), `source`, `evidence_rank` (0 =
//! statistical report … 4 = trade inference, derisk's order of strength), `value` (empty
//! when withheld or not available), `scale_t` (tonnes per unit; empty for shares of world),
//! `basis` (`content`, `equivalent:X`, `gross:X` or `share_of_world`), `flag`. Rows keep the
//! snapshot's order, which is sorted, so the file is the same on every run.

use derisk_model::{Area, Basis, Measure, Unit};
use std::io::Write;
use std::process::ExitCode;

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn run() -> Result<usize, String> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: dump_production OUT.csv")?;
    let ds = derisk_data::snapshot::embedded().map_err(|e| e.to_string())?;
    let file = std::fs::File::create(&out).map_err(|e| format!("{out}: {e}"))?;
    let mut w = std::io::BufWriter::new(file);
    let io = |e: std::io::Error| format!("{out}: {e}");
    writeln!(
        w,
        "mineral,stage,year,area,area_rank,source,evidence_rank,value,scale_t,basis,flag"
    )
    .map_err(io)?;
    let mut n = 0;
    for o in ds
        .observations
        .iter()
        .filter(|o| o.measure == Measure::Production)
    {
        let (area, rank) = match o.area {
            Area::Country(c) => (c.to_string(), 0),
            Area::World => ("WORLD".to_string(), 1),
            Area::Other => ("OTHER".to_string(), 2),
        };
        let (scale, basis) = match &o.unit {
            Unit::Mass { scale, basis } => (
                scale.tonnes().to_string(),
                match basis {
                    Basis::Content => "content".to_string(),
                    Basis::Equivalent(e) => format!("equivalent:{e}"),
                    Basis::Gross(g) => format!("gross:{g}"),
                },
            ),
            Unit::ShareOfWorld => (String::new(), "share_of_world".to_string()),
        };
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{}",
            o.mineral.as_str(),
            csv_field(o.stage.slug()),
            o.year.get(),
            area,
            rank,
            csv_field(o.provenance.source.as_str()),
            o.evidence as u8,
            o.value.map(|v| v.to_string()).unwrap_or_default(),
            scale,
            csv_field(&basis),
            o.flag.as_str()
        )
        .map_err(io)?;
        n += 1;
    }
    w.flush().map_err(io)?;
    Ok(n)
}

fn main() -> ExitCode {
    match run() {
        Ok(n) => {
            eprintln!("dump_production: {n} production rows written");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dump_production: {e}");
            ExitCode::FAILURE
        }
    }
}
