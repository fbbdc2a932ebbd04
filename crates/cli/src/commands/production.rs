//! `derisk production`: who produces a mineral at a stage in a year, with every figure's
//! flag and source. Withheld figures are listed without a value, never as zero.

use crate::output::{emit, Format, Report};
use crate::usage;
use anyhow::Result;
use clap::Args;
use derisk_model::{Area, Dataset, Evidence, Measure, Observation, Year};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Args)]
pub struct ProductionArgs {
    /// Mineral id (see `derisk minerals`).
    #[arg(long)]
    pub mineral: String,
    /// Year of production.
    #[arg(long)]
    pub year: u16,
    /// Stage: mining, refining or a named intermediate stage.
    #[arg(long, default_value = "mining")]
    pub stage: String,
    /// Source id (see `derisk data sources`); by default the strongest source with figures.
    #[arg(long)]
    pub source: Option<String>,
}

#[derive(Serialize)]
pub struct ProductionRow {
    pub country: String,
    pub name: String,
    pub value: Option<f64>,
    pub unit: String,
    /// Share of the published world total (fraction 0–1), where one exists.
    pub share_of_world: Option<f64>,
    pub flag: String,
    pub source: String,
    pub evidence: String,
    pub note: Option<String>,
}

/// Sources in order of preference: national statistics first, inference last.
fn rank(e: Evidence) -> u8 {
    match e {
        Evidence::StatisticalReport => 0,
        Evidence::IeaDataset => 1,
        Evidence::FactsheetShare => 2,
        Evidence::CapacityAllocation => 3,
        Evidence::TradeInference => 4,
    }
}

pub fn run(ds: &Dataset, args: &ProductionArgs, format: Format) -> Result<()> {
    let mineral = usage::mineral(ds, &args.mineral)?;
    let stage = usage::stage(mineral, &args.stage)?;
    let years = ds.years_for(mineral.id.as_str(), &stage, Measure::Production);
    let year = match Year::try_from(args.year) {
        Ok(y) if years.contains(&y) => y,
        _ => {
            let list: Vec<String> = years.iter().map(Year::to_string).collect();
            return usage::fail(format!(
                "no {} {} production figures for {}; years with data: {}",
                mineral.id,
                stage,
                args.year,
                list.join(", ")
            ));
        }
    };
    let all: Vec<&Observation> = ds
        .observations_for(mineral.id.as_str(), &stage, Measure::Production, year)
        .collect();
    let available: BTreeSet<(u8, String)> = all
        .iter()
        .map(|o| (rank(o.evidence), o.provenance.source.to_string()))
        .collect();
    let source = match &args.source {
        Some(s) if available.iter().any(|(_, a)| a == s) => s.clone(),
        Some(s) => {
            let list: Vec<&str> = available.iter().map(|(_, a)| a.as_str()).collect();
            return usage::fail(format!(
                "source {s:?} has no figures here; sources with figures: {}",
                list.join(", ")
            ));
        }
        None => available
            .iter()
            .next()
            .map(|(_, s)| s.clone())
            .unwrap_or_default(),
    };
    let chosen: Vec<&Observation> = all
        .into_iter()
        .filter(|o| o.provenance.source.as_str() == source)
        .collect();
    let world = chosen
        .iter()
        .find(|o| o.area == Area::World)
        .and_then(|o| o.value);
    let mut rows: Vec<ProductionRow> = chosen
        .iter()
        .filter_map(|o| {
            let code = o.area.country()?;
            Some(ProductionRow {
                country: code.to_string(),
                name: ds.country(code).map(|c| c.name.clone()).unwrap_or_default(),
                value: o.value,
                unit: o.unit.to_string(),
                share_of_world: o
                    .value
                    .zip(world)
                    .filter(|(_, w)| *w > 0.0)
                    .map(|(v, w)| v / w),
                flag: o.flag.to_string(),
                source: o.provenance.source.to_string(),
                evidence: o.evidence.as_str().to_string(),
                note: o.provenance.note.clone(),
            })
        })
        .collect();
    // Largest first; figures without a value last, in code order.
    rows.sort_by(|a, b| match (a.value, b.value) {
        (Some(x), Some(y)) => y.total_cmp(&x).then(a.country.cmp(&b.country)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.country.cmp(&b.country),
    });
    let other = chosen.iter().find(|o| o.area == Area::Other);
    let unit = chosen
        .first()
        .map(|o| o.unit.to_string())
        .unwrap_or_default();
    let src = ds.source(&source);
    let attribution = src.map(|s| s.attribution.clone()).unwrap_or_default();
    let table = chosen
        .first()
        .map(|o| o.provenance.table.clone())
        .unwrap_or_default();
    let mut notes = vec![format!("unit: {unit}; source: {source} — {table}")];
    if let Some(w) = world {
        notes.push(format!("world total: {w} {unit}"));
    }
    if let Some(o) = other.and_then(|o| o.value) {
        notes.push(format!("other countries (not listed): {o} {unit}"));
    }
    let withheld = rows.iter().filter(|r| r.value.is_none()).count();
    if withheld > 0 {
        notes.push(format!(
            "{withheld} countries withheld or not available: shown without a value, not zero"
        ));
    }
    let others: Vec<&str> = available
        .iter()
        .map(|(_, s)| s.as_str())
        .filter(|s| *s != source)
        .collect();
    if !others.is_empty() {
        notes.push(format!(
            "other sources with figures (use --source): {}",
            others.join(", ")
        ));
    }
    notes.push(format!("attribution: {attribution}"));
    let json = serde_json::json!({
        "mineral": mineral.id.as_str(),
        "stage": stage.slug(),
        "year": year.get(),
        "measure": "production",
        "unit": unit,
        "source": source,
        "table": table,
        "attribution": attribution,
        "world_total": world,
        "other_countries": other.and_then(|o| o.value),
        "records": rows,
        "other_sources": others,
    });
    emit(
        format,
        &Report {
            title: format!("{} {} production {}, {}", mineral.name, stage, year, unit),
            records: &rows,
            notes,
            json: Some(json),
        },
    )
}
