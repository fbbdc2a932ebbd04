//! `derisk production`: who produces a mineral at a stage in a year, from one source, with
//! every figure's flag and note. Withheld figures are listed without a value, never as zero.

use crate::render::{self, number, paragraph, pct, Footnotes, Format};
use anyhow::Result;
use clap::Args;
use derisk_service::defaults::{StageBasis, YearBasis};
use derisk_service::production::{ProductionRequest, ProductionResponse};
use derisk_service::Service;
use std::io::Write;

#[derive(Args)]
pub struct ProductionArgs {
    /// Mineral (id, name, symbol or alias; see `derisk minerals`).
    #[arg(long)]
    pub mineral: String,
    /// Stage: mining, refining or a named stage; by default mining (refining when the
    /// mineral has no mining figures).
    #[arg(long)]
    pub stage: Option<String>,
    /// Year of production; by default the latest year with production figures.
    #[arg(long)]
    pub year: Option<u16>,
    /// Source id (see `derisk data sources`); by default the strongest source with figures.
    #[arg(long)]
    pub source: Option<String>,
}

pub fn run(
    service: &Service,
    args: &ProductionArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let req = ProductionRequest {
        mineral: args.mineral.clone(),
        stage: args.stage.clone(),
        year: args.year,
        source: args.source.clone(),
    };
    let r = service.production(&req)?;
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &r),
        Format::Table => table(out, &r),
    }
}

fn table(out: &mut dyn Write, r: &ProductionResponse) -> Result<()> {
    let mut chosen = Vec::new();
    if r.stage_basis == StageBasis::FirstWithFigures {
        chosen.push("stage: the first with figures, --stage to choose");
    }
    if r.year_basis != YearBasis::Requested {
        chosen.push("year: the latest with figures, --year to choose");
    }
    let chosen = if chosen.is_empty() {
        String::new()
    } else {
        format!(" ({})", chosen.join("; "))
    };
    paragraph(
        out,
        &format!(
            "{} {} production {}, {}{chosen}",
            r.mineral.name, r.stage, r.year, r.unit
        ),
    )?;
    let mut notes = Footnotes::default();
    let mut t = render::table(
        ["country", "name", "value", "share of world", "flag", "note"]
            .map(String::from)
            .to_vec(),
    );
    for row in &r.rows {
        let value = if row.unit == r.unit || row.value.is_none() {
            number(row.value)
        } else {
            format!("{} {}", number(row.value), row.unit)
        };
        t.add_row(vec![
            row.country.to_string(),
            row.name.clone(),
            value,
            pct(row.share_of_world),
            row.flag.to_string(),
            row.note.clone().map(|n| notes.mark(n)).unwrap_or_default(),
        ]);
    }
    writeln!(out, "{t}")?;
    notes.write(out)?;
    let mut lines = vec![format!(
        "Source: {} — {} ({}, {}).",
        r.source,
        r.table,
        r.evidence.as_str(),
        r.source_basis
    )];
    if let Some(p) = &r.proxy {
        lines.push(format!("Proxy: {p}."));
    }
    if let Some(w) = r.world_total {
        lines.push(format!("World total: {} {}.", number(Some(w)), r.unit));
    }
    if let Some(o) = r.other_countries {
        lines.push(format!(
            "Other countries (not listed by the source): {} {}.",
            number(Some(o)),
            r.unit
        ));
    }
    let without: Vec<String> = r
        .rows
        .iter()
        .filter(|x| x.value.is_none())
        .map(|x| format!("{} ({})", x.country, x.flag))
        .collect();
    if !without.is_empty() {
        lines.push(format!(
            "Without a value, not zero: {}.",
            without.join(", ")
        ));
    }
    if !r.other_sources.is_empty() {
        let others: Vec<String> = r
            .other_sources
            .iter()
            .map(|s| {
                format!(
                    "{} ({}, {} countries)",
                    s.source,
                    s.evidence.as_str(),
                    s.countries
                )
            })
            .collect();
        lines.push(format!(
            "Other sources with figures (--source): {}.",
            others.join(", ")
        ));
    }
    for a in &r.attribution {
        lines.push(format!("{}: {}", a.source, a.attribution));
    }
    for l in lines {
        paragraph(out, &l)?;
    }
    Ok(())
}
