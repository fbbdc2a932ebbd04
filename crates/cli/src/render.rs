//! Rendering a typed response: JSON is the response serialised as it is; CSV is its rows
//! (see [`Tabular`]); a table shows the same rows for a person, fitted to the width of the
//! terminal, with long explanations as numbered footnotes under it. Everything is written
//! to any `Write`, so a server or a report can reuse it.

use anyhow::Result;
use clap::ValueEnum;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use derisk_service::tabular::Tabular;
use serde::Serialize;
use std::io::{IsTerminal, Write};

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// The width tables fit in: `COLUMNS` when set, else the terminal's width when standard
/// output is a terminal, else 120.
pub fn width() -> u16 {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| *c >= 40)
    {
        return c;
    }
    if std::io::stdout().is_terminal() {
        if let Ok((w, _)) = crossterm::terminal::size() {
            if w >= 40 {
                return w;
            }
        }
    }
    120
}

/// The response as pretty JSON: exactly its serialised form.
pub fn json<T: Serialize>(out: &mut dyn Write, response: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, response)?;
    writeln!(out)?;
    Ok(())
}

/// The response's rows as CSV (full precision; empty cells for absent values, never 0).
pub fn csv<T: Tabular>(out: &mut dyn Write, response: &T) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    // The header comes from the first row: no rows, an empty file.
    for r in &response.rows() {
        w.serialize(r)?;
    }
    w.flush()?;
    Ok(())
}

/// A table fitted to [`width`]: cells wrap rather than overflow.
pub fn table(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(width());
    t.set_header(header);
    t
}

/// Lines of prose under a table, wrapped at [`width`]. An indented paragraph (a list
/// item) keeps its indentation and hangs its continuation lines three columns further.
pub fn paragraph(out: &mut dyn Write, text: &str) -> Result<()> {
    let w = width() as usize;
    let body = text.trim_start_matches(' ');
    let indent = &text[..text.len() - body.len()];
    let hang = if indent.is_empty() {
        String::new()
    } else {
        format!("{indent}   ")
    };
    let mut line = indent.to_string();
    let mut fresh = true;
    for word in body.split(' ') {
        if !fresh && line.chars().count() + 1 + word.chars().count() > w {
            writeln!(out, "{line}")?;
            line.clone_from(&hang);
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
    }
    if !fresh {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Numbered footnotes: long explanations that would not fit in a cell.
#[derive(Default)]
pub struct Footnotes {
    notes: Vec<String>,
}

impl Footnotes {
    /// The marker for `text` (the same text gets the same number).
    pub fn mark(&mut self, text: String) -> String {
        let i = match self.notes.iter().position(|n| *n == text) {
            Some(i) => i,
            None => {
                self.notes.push(text);
                self.notes.len() - 1
            }
        };
        format!("[{}]", i + 1)
    }

    /// The markers of every item (` [1][2]`, with a leading space), or nothing.
    pub fn marks<T: std::fmt::Display>(&mut self, items: &[T]) -> String {
        let m: String = items.iter().map(|i| self.mark(i.to_string())).collect();
        if m.is_empty() {
            m
        } else {
            format!(" {m}")
        }
    }

    pub fn write(&self, out: &mut dyn Write) -> Result<()> {
        for (i, n) in self.notes.iter().enumerate() {
            paragraph(out, &format!("[{}] {n}", i + 1))?;
        }
        Ok(())
    }
}

/// A number for reading: whole numbers without decimals, others to four significant
/// digits; `–` when absent. JSON and CSV keep full precision.
pub fn number(x: Option<f64>) -> String {
    let Some(x) = x else {
        return "–".into();
    };
    let x = x + 0.0;
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

/// A fraction as a percentage (the one style: see `derisk_analysis::explain::Percent`);
/// `–` when absent.
pub fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| {
        derisk_analysis::explain::Percent(x).to_string()
    })
}

/// Each source with its attribution, one paragraph.
pub fn sources(
    out: &mut dyn Write,
    attribution: &[derisk_service::meta::Attribution],
) -> Result<()> {
    let s: Vec<String> = attribution
        .iter()
        .map(|a| format!("{}: {}", a.source, a.attribution))
        .collect();
    paragraph(out, &format!("Sources: {}", s.join("; ")))
}
