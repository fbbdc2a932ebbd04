//! Rendering of command results as a table, JSON or CSV. Commands build plain records that
//! implement `Serialize`; this module turns them into the format asked for, so the three
//! formats always carry the same fields.

use anyhow::{Context, Result};
use clap::ValueEnum;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use serde::Serialize;
use serde_json::Value;
use std::io::Write;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// A titled list of records plus notes (units, sources, caveats) printed under a table.
pub struct Report<'a, T: Serialize> {
    pub title: String,
    pub records: &'a [T],
    /// Lines printed under the table (units, sources, coverage).
    pub notes: Vec<String>,
    /// The JSON document; by default `{"title", "records", "notes"}`.
    pub json: Option<Value>,
}

/// Write a report to stdout in `format`.
pub fn emit<T: Serialize>(format: Format, report: &Report<T>) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            let doc = match &report.json {
                Some(v) => v.clone(),
                None => serde_json::json!({
                    "title": report.title,
                    "records": report.records,
                    "notes": report.notes,
                }),
            };
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let (header, rows) = flatten(report.records, false)?;
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&header)?;
            for r in rows {
                w.write_record(&r)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let (header, rows) = flatten(report.records, true)?;
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED);
            t.set_header(header);
            for r in rows {
                t.add_row(r);
            }
            writeln!(out, "{}", report.title)?;
            writeln!(out, "{t}")?;
            for n in &report.notes {
                writeln!(out, "{n}")?;
            }
        }
    }
    Ok(())
}

/// Records as a header and string rows, columns in field order. Nested values are shown as
/// compact JSON; null as an empty cell (never as 0). `round` shortens floats for reading
/// (tables); CSV keeps full precision.
pub fn flatten<T: Serialize>(
    records: &[T],
    round: bool,
) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut header: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for r in records {
        let v = serde_json::to_value(r).context("serialising a record")?;
        let Value::Object(map) = v else {
            anyhow::bail!("internal: record is not an object");
        };
        if header.is_empty() {
            header = map.keys().cloned().collect();
        }
        rows.push(map.values().map(|v| cell(v, round)).collect());
    }
    Ok((header, rows))
}

fn cell(v: &Value, round: bool) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(x) if round && n.is_f64() => readable(x),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// A float for reading: whole numbers without decimals, small ones to four significant
/// digits. JSON and CSV keep full precision; only the table rounds.
pub fn readable(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else {
        let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 10) as usize;
        let s = format!("{x:.digits$}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
