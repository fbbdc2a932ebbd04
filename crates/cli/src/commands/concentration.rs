//! `derisk concentration`: how concentrated production of a mineral stage is (shares, HHI
//! with its band under a named set of merger guidelines, top-k, N-1), or its trend over
//! every (year, source). Withheld countries are listed as coverage gaps, never as zero.

use crate::args::ThresholdSet;
use crate::output::{emit, readable, Format, Report};
use crate::usage;
use crate::usage::analysis_error;
use anyhow::Result;
use clap::Args;
use derisk_analysis::{Indexed, StageConcentration, Thresholds};
use derisk_model::{Area, Dataset, Mineral, Stage, Year};
use serde::Serialize;
use serde_json::{json, Value};

mod trend;

#[derive(Args)]
pub struct ConcentrationArgs {
    /// Mineral id (see `derisk minerals`).
    #[arg(long)]
    pub mineral: String,
    /// Stage: mining, refining or a named stage; by default mining (refining when the
    /// mineral has no mining figures).
    #[arg(long)]
    pub stage: Option<String>,
    /// Year of production; by default the latest year with production figures.
    #[arg(long, conflicts_with = "trend")]
    pub year: Option<u16>,
    /// Source id (see `derisk data sources`); by default the strongest source with figures.
    #[arg(long)]
    pub source: Option<String>,
    /// HHI bands: U.S. DOJ/FTC 2010 (1,500 / 2,500) or 2023 (1,000 / 1,800) guidelines.
    #[arg(long, value_enum, default_value = "doj2023")]
    pub thresholds: ThresholdSet,
    /// Concentration over every (year, source) with figures instead of one year.
    #[arg(long)]
    pub trend: bool,
}

/// One country of the concentration: a share of the denominator, or a gap without one.
#[derive(Serialize)]
pub struct ShareRow {
    pub country: String,
    pub name: String,
    /// Fraction (0–1) of the denominator; empty for a gap.
    pub share: Option<f64>,
    pub value: Option<f64>,
    pub unit: String,
    pub flag: String,
    pub source: String,
}

/// The stage asked for, or by default mining, else refining, else the mineral's first.
fn stage_or_default(m: &Mineral, slug: Option<&str>) -> Result<Stage> {
    match slug {
        Some(s) => usage::stage(m, s),
        None => [Stage::Mining, Stage::Refining]
            .into_iter()
            .find(|s| m.stages.contains(s))
            .or_else(|| m.stages.first().cloned())
            .map_or_else(
                || usage::fail(format!("{} has no stage with data", m.id)),
                Ok,
            ),
    }
}

fn thresholds_json(t: Thresholds) -> Value {
    let (moderate, high) = t.bounds();
    json!({
        "name": t,
        "citation": t.citation(),
        "moderately_concentrated_from": moderate,
        "highly_concentrated_above": high,
    })
}

fn attribution(ds: &Dataset, source: &str) -> String {
    ds.source(source)
        .map(|s| s.attribution.clone())
        .unwrap_or_default()
}

fn country_name(ds: &Dataset, c: derisk_model::CountryCode) -> String {
    ds.country(c).map(|c| c.name.clone()).unwrap_or_default()
}

/// Run `derisk concentration`.
pub fn run(ds: &Dataset, args: &ConcentrationArgs, format: Format) -> Result<()> {
    let mineral = usage::mineral(ds, &args.mineral)?;
    let stage = stage_or_default(mineral, args.stage.as_deref())?;
    let ix = Indexed::new(ds);
    let years = ix.production.years(mineral.id.as_str(), &stage);
    if years.is_empty() {
        let stages: Vec<String> = ix
            .production
            .stages(mineral.id.as_str())
            .iter()
            .map(|s| s.to_string())
            .collect();
        return usage::fail(format!(
            "no {} production figures at the {stage} stage; stages with production figures: {}",
            mineral.id,
            stages.join(", ")
        ));
    }
    if args.trend {
        return trend::trend(&ix, mineral, &stage, args, format);
    }
    let (year, year_basis) = pick_year(&ix, mineral, &stage, &years, args)?;
    if let Some(s) = &args.source {
        let here =
            derisk_analysis::rank_sources(ix.production.year(mineral.id.as_str(), &stage, year));
        if !here.iter().any(|r| r.source.as_str() == s) {
            let list: Vec<&str> = here.iter().map(|r| r.source.as_str()).collect();
            return usage::fail(format!(
                "source {s:?} has no {} {stage} production figures for {year}; sources with figures: {}",
                mineral.id,
                list.join(", ")
            ));
        }
    }
    let sc = ix
        .stage_concentration(
            mineral.id.as_str(),
            &stage,
            year,
            args.source.as_deref(),
            args.thresholds.into(),
        )
        .map_err(|e| analysis_error(&ix, e))?;
    let (rows, table) = rows(&ix, &sc);
    let doc = document(ds, mineral, &sc, &rows, &table, &year_basis);
    let notes = notes(ds, &sc, &table, &year_basis);
    emit(
        format,
        &Report {
            title: format!(
                "{} {} production concentration {}, {} (shares are fractions of the denominator)",
                mineral.name, stage, year, sc.unit
            ),
            records: &rows,
            notes,
            json: Some(doc),
        },
    )
}

/// The year asked for (checked against the years with figures) or the latest year in which
/// some source (the one asked for, if any) has a country figure.
fn pick_year(
    ix: &Indexed,
    mineral: &Mineral,
    stage: &Stage,
    years: &[Year],
    args: &ConcentrationArgs,
) -> Result<(Year, String)> {
    let list = || {
        years
            .iter()
            .map(Year::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(y) = args.year {
        return match Year::try_from(y) {
            Ok(y) if years.contains(&y) => Ok((y, "requested".into())),
            _ => usage::fail(format!(
                "no {} {stage} production figures for {y}; years with data: {}",
                mineral.id,
                list()
            )),
        };
    }
    let has_figures = |y: Year| {
        derisk_analysis::rank_sources(ix.production.year(mineral.id.as_str(), stage, y))
            .iter()
            .any(|r| {
                r.countries > 0
                    && match &args.source {
                        Some(s) => r.source.as_str() == s,
                        None => true,
                    }
            })
    };
    match years.iter().rev().copied().find(|y| has_figures(*y)) {
        Some(y) => Ok((
            y,
            format!("latest year with {stage} production figures; --year to choose"),
        )),
        None => {
            let mut sources: Vec<String> = years
                .iter()
                .flat_map(|y| ix.production.year(mineral.id.as_str(), stage, *y))
                .map(|o| o.provenance.source.to_string())
                .collect();
            sources.sort();
            sources.dedup();
            usage::fail(format!(
                "source {:?} has no {} {stage} production figures; sources with figures: {}",
                args.source.as_deref().unwrap_or_default(),
                mineral.id,
                sources.join(", ")
            ))
        }
    }
}

/// Country rows (largest share first, then gaps by code) and the source's table name.
fn rows(ix: &Indexed, sc: &StageConcentration) -> (Vec<ShareRow>, String) {
    let ds = ix.ds;
    let obs: Vec<_> = ix
        .production
        .year(&sc.mineral, &sc.stage, sc.year)
        .iter()
        .filter(|o| o.provenance.source == sc.source)
        .collect();
    let flag_of = |c| {
        obs.iter()
            .find(|o| o.area == Area::Country(c))
            .map(|o| o.flag.to_string())
            .unwrap_or_default()
    };
    let unit = sc.unit.to_string();
    let mut rows: Vec<ShareRow> = sc
        .concentration
        .shares
        .iter()
        .map(|s| ShareRow {
            country: s.country.to_string(),
            name: country_name(ds, s.country),
            share: Some(s.share),
            value: Some(s.value),
            unit: unit.clone(),
            flag: flag_of(s.country),
            source: sc.source.to_string(),
        })
        .collect();
    let mut gaps: Vec<_> = sc.gaps.iter().collect();
    gaps.sort_by_key(|g| g.country);
    rows.extend(gaps.into_iter().map(|g| ShareRow {
        country: g.country.to_string(),
        name: country_name(ds, g.country),
        share: None,
        value: None,
        unit: unit.clone(),
        flag: g.flag.to_string(),
        source: sc.source.to_string(),
    }));
    let table = obs
        .first()
        .map(|o| o.provenance.table.clone())
        .unwrap_or_default();
    (rows, table)
}

/// The denominator in words, for people.
fn denominator_text(sc: &StageConcentration) -> String {
    let c = &sc.concentration;
    let unit = &sc.unit;
    match c.denominator {
        derisk_analysis::Denominator::PublishedWorldTotal => format!(
            "the world total published by {} ({} {unit}); countries it does not list make up the unlisted share ({})",
            sc.source,
            readable(c.supply),
            readable(c.unlisted_share)
        ),
        derisk_analysis::Denominator::SumOfListed => format!(
            "the sum of the listed countries ({} {unit}): {} publishes no usable world total, so shares are of the listed countries only",
            readable(c.supply),
            sc.source
        ),
        derisk_analysis::Denominator::ListedPlusOther => format!(
            "the listed countries plus the source's \"other countries\" line ({} {unit}); {} publishes no world total",
            readable(c.supply),
            sc.source
        ),
        derisk_analysis::Denominator::SharesOfWorld => format!(
            "the figures are shares of world supply as published by {} (denominator 1)",
            sc.source
        ),
    }
}

/// The newest IEA edition giving historical demand for the year (as the analysis picks it).
fn demand_source(ds: &Dataset, mineral: &str, year: Year) -> Option<String> {
    ds.demand
        .iter()
        .filter(|d| {
            d.mineral.as_str() == mineral
                && d.year == year
                && d.scenario.eq_ignore_ascii_case("historical")
        })
        .map(|d| d.provenance.source.to_string())
        .max()
}

fn document(
    ds: &Dataset,
    mineral: &Mineral,
    sc: &StageConcentration,
    rows: &[ShareRow],
    table: &str,
    year_basis: &str,
) -> Value {
    let c = &sc.concentration;
    let top: Vec<Value> = c
        .shares
        .iter()
        .take(3)
        .map(|s| json!({"country": s.country, "share": s.share}))
        .collect();
    let n1_demand = sc.n1_demand.as_ref().map(|n| {
        json!({
            "coverage": n.coverage,
            "demand": n.demand,
            "demand_kt": n.demand_kt,
            "unit": sc.unit.to_string(),
            "source": demand_source(ds, &sc.mineral, sc.year),
        })
    });
    json!({
        "mineral": mineral.id.as_str(),
        "stage": sc.stage,
        "year": sc.year,
        "year_basis": year_basis,
        "measure": "production",
        "unit": sc.unit.to_string(),
        "records": rows,
        "hhi": c.hhi,
        "hhi_upper": c.hhi_upper,
        "band": c.band,
        "band_upper": c.band_upper,
        "thresholds": thresholds_json(c.thresholds),
        "top": top,
        "top1": c.top1_share,
        "top3": c.top3_share,
        "largest": c.largest,
        "countries_for_90pct": c.countries_for_90pct,
        "n1_coverage": c.n1_coverage,
        "n1_demand": n1_demand,
        "denominator": {
            "kind": c.denominator,
            "value": c.supply,
            "unit": sc.unit.to_string(),
            "text": denominator_text(sc),
        },
        "world_total": sc.world_total,
        "listed_total": c.listed_total,
        "unlisted_share": c.unlisted_share,
        "gaps": sc.gaps,
        "bounded": sc.bounded,
        "source": sc.source,
        "source_rule": sc.source_rule,
        "table": table,
        "attribution": attribution(ds, sc.source.as_str()),
        "evidence": sc.evidence,
        "candidates": sc.candidates,
        "notes": c.notes,
    })
}

fn notes(ds: &Dataset, sc: &StageConcentration, table: &str, year_basis: &str) -> Vec<String> {
    let c = &sc.concentration;
    let t = c.thresholds;
    let (moderate, high) = t.bounds();
    let mut n = vec![
        format!("year: {} ({year_basis})", sc.year),
        format!(
            "unit: {}; share: fraction (0–1) of the denominator; denominator: {}",
            sc.unit,
            denominator_text(sc)
        ),
        format!(
            "HHI (0–10,000): {} ({}); upper bound {} with the unlisted share as one producer ({})",
            readable(c.hhi),
            band_words(c.band),
            readable(c.hhi_upper),
            band_words(c.band_upper)
        ),
        format!(
            "thresholds: {} ({}): moderately concentrated from {moderate}, highly concentrated above {high}",
            thresholds_name(t),
            t.citation()
        ),
    ];
    let top: Vec<String> = c
        .shares
        .iter()
        .take(3)
        .map(|s| format!("{} {}", s.country, readable(s.share)))
        .collect();
    n.push(format!(
        "top 3: {} (top-1 {}, top-3 {}); countries for 90 % of supply: {}",
        top.join(", "),
        readable(c.top1_share),
        readable(c.top3_share),
        c.countries_for_90pct
            .map_or("not reached by the listed countries".into(), |k| k
                .to_string())
    ));
    let mut n1 = format!(
        "N-1: without {} the rest supplies {} of supply",
        c.largest,
        readable(c.n1_coverage)
    );
    match &sc.n1_demand {
        Some(d) => n1.push_str(&format!(
            " and {} of demand ({} kt contained, IEA historical demand, {})",
            readable(d.coverage),
            readable(d.demand_kt),
            demand_source(ds, &sc.mineral, sc.year).unwrap_or_default()
        )),
        None => n1.push_str("; N-1 against demand: no comparable demand figure"),
    }
    n.push(n1);
    if !sc.gaps.is_empty() {
        let g: Vec<String> = sc
            .gaps
            .iter()
            .map(|g| format!("{} ({})", g.country, g.flag))
            .collect();
        n.push(format!(
            "coverage gaps (no figure, not counted as zero): {}",
            g.join(", ")
        ));
    }
    if !sc.bounded.is_empty() {
        let b: Vec<String> = sc
            .bounded
            .iter()
            .map(|g| format!("{} ({})", g.country, g.flag))
            .collect();
        n.push(format!(
            "bounds used at their printed value: {}",
            b.join(", ")
        ));
    }
    n.extend(c.notes.iter().cloned());
    n.push(format!(
        "source: {} — {table} ({}, {})",
        sc.source,
        sc.evidence.as_str(),
        match sc.source_rule {
            derisk_analysis::SourceRule::Requested => "requested",
            derisk_analysis::SourceRule::StrongestEvidence => "chosen as the strongest evidence",
        }
    ));
    let others: Vec<String> = sc
        .candidates
        .iter()
        .filter(|s| s.source != sc.source)
        .map(|s| {
            format!(
                "{} ({}, {} countries)",
                s.source,
                s.evidence.as_str(),
                s.countries
            )
        })
        .collect();
    if !others.is_empty() {
        n.push(format!(
            "other sources (use --source): {}",
            others.join(", ")
        ));
    }
    n.push(format!(
        "attribution: {}",
        attribution(ds, sc.source.as_str())
    ));
    n
}

fn band_words(b: derisk_analysis::Band) -> &'static str {
    match b {
        derisk_analysis::Band::Unconcentrated => "unconcentrated",
        derisk_analysis::Band::ModeratelyConcentrated => "moderately concentrated",
        derisk_analysis::Band::HighlyConcentrated => "highly concentrated",
    }
}

/// The name of a threshold set as it is given on the command line and in JSON.
fn thresholds_name(t: Thresholds) -> &'static str {
    match t {
        Thresholds::Doj2010 => "doj2010",
        Thresholds::Doj2023 => "doj2023",
    }
}
