//! `derisk concentration`: how concentrated production of a mineral stage is (shares, HHI
//! with its band under a named set of merger guidelines, top-k, N-1), or its trend over
//! every (year, source). Withheld countries are listed as coverage gaps, never as zero.

use crate::args::ThresholdSet;
use crate::render::{self, number, paragraph, pct, Format};
use anyhow::Result;
use clap::Args;
use derisk_analysis::{Band, Denominator, StageConcentration};
use derisk_service::concentration::{
    ConcentrationRequest, ConcentrationResponse, ThresholdsInfo, TrendRequest, TrendResponse,
};
use derisk_service::defaults::YearBasis;
use derisk_service::Service;
use std::io::Write;

#[derive(Args)]
pub struct ConcentrationArgs {
    /// Mineral (id, name, symbol or alias; see `derisk minerals`).
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
    /// HHI bands: U.S. DOJ/FTC 2010 (1,500 / 2,500) or 2023 (1,000 / 1,800, the default).
    #[arg(long, value_enum)]
    pub thresholds: Option<ThresholdSet>,
    /// Concentration over every (year, source) with figures instead of one year.
    #[arg(long)]
    pub trend: bool,
}

pub fn run(
    service: &Service,
    args: &ConcentrationArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    if args.trend {
        let mut req = TrendRequest {
            mineral: args.mineral.clone(),
            stage: args.stage.clone(),
            source: args.source.clone(),
            thresholds: derisk_service::brief::default_thresholds(),
        };
        if let Some(t) = args.thresholds {
            req.thresholds = t.into();
        }
        let r = service.concentration_trend(&req)?;
        return match format {
            Format::Json => render::json(out, &r),
            Format::Csv => render::csv(out, &r),
            Format::Table => trend_table(out, &r),
        };
    }
    let mut req = ConcentrationRequest::new(args.mineral.clone());
    req.stage = args.stage.clone();
    req.year = args.year;
    req.source = args.source.clone();
    if let Some(t) = args.thresholds {
        req.thresholds = t.into();
    }
    let r = service.concentration(&req)?;
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &r),
        Format::Table => table(out, &r),
    }
}

fn band_words(b: Band) -> &'static str {
    match b {
        Band::Unconcentrated => "unconcentrated",
        Band::ModeratelyConcentrated => "moderately concentrated",
        Band::HighlyConcentrated => "highly concentrated",
    }
}

fn thresholds_text(t: &ThresholdsInfo) -> String {
    let name = match t.set {
        derisk_analysis::Thresholds::Doj2010 => "DOJ/FTC 2010",
        derisk_analysis::Thresholds::Doj2023 => "DOJ/FTC 2023",
    };
    format!(
        "HHI bands {name} ({}): moderately concentrated from {}, highly concentrated above {}",
        t.citation, t.moderately_concentrated_from, t.highly_concentrated_above
    )
}

/// The denominator in words.
fn denominator_text(sc: &StageConcentration) -> String {
    let c = &sc.concentration;
    let unit = &sc.unit;
    match c.denominator {
        Denominator::PublishedWorldTotal => format!(
            "the world total published by {} ({} {unit}); countries it does not list make up \
             the unlisted share ({})",
            sc.source,
            number(Some(c.supply)),
            pct(Some(c.unlisted_share))
        ),
        Denominator::SumOfListed => format!(
            "the sum of the listed countries ({} {unit}): {} publishes no usable world total, \
             so shares are of the listed countries only",
            number(Some(c.supply)),
            sc.source
        ),
        Denominator::ListedPlusOther => format!(
            "the listed countries plus the source's \"other countries\" line ({} {unit}); {} \
             publishes no world total",
            number(Some(c.supply)),
            sc.source
        ),
        Denominator::SharesOfWorld if sc.proxy.is_some() => format!(
            "the figures are shares of world net exports computed by {} (denominator 1): a \
             proxy, not production",
            sc.source
        ),
        Denominator::SharesOfWorld => format!(
            "the figures are shares of world supply as published by {} (denominator 1)",
            sc.source
        ),
    }
}

fn table(out: &mut dyn Write, r: &ConcentrationResponse) -> Result<()> {
    let sc = &r.result;
    let c = &sc.concentration;
    paragraph(
        out,
        &format!(
            "{} {} production concentration {}, {} ({})",
            r.mineral.name,
            sc.stage,
            sc.year,
            sc.unit,
            match r.year_basis {
                YearBasis::Requested => "year requested",
                _ => "latest year with figures; --year to choose",
            }
        ),
    )?;
    let mut t = render::table(
        ["country", "name", "share", "value", "flag"]
            .map(String::from)
            .to_vec(),
    );
    for row in &r.rows {
        t.add_row(vec![
            row.country.to_string(),
            row.name.clone(),
            pct(row.share),
            number(row.value),
            row.flag.to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    let mut notes = vec![
        format!(
            "HHI (0–10,000): {} ({}); upper bound {} with the unlisted share as one producer ({}).",
            number(Some(c.hhi)),
            band_words(c.band),
            number(Some(c.hhi_upper)),
            band_words(c.band_upper)
        ),
        format!("{}.", thresholds_text(&r.thresholds)),
        format!("Shares of {}.", denominator_text(sc)),
        format!(
            "Top 1 {}, top 3 {}; countries for 90% of supply: {}.",
            pct(Some(c.top1_share)),
            pct(Some(c.top3_share)),
            c.countries_for_90pct
                .map_or("not reached by the listed countries".into(), |k| k
                    .to_string())
        ),
    ];
    let mut n1 = format!(
        "N-1: without {} the rest supplies {} of supply",
        c.largest,
        pct(Some(c.n1_coverage))
    );
    match (&sc.n1_demand, &r.demand_source) {
        (Some(d), source) => n1.push_str(&format!(
            " and {} of demand ({} kt contained, IEA historical demand{}).",
            pct(Some(d.coverage)),
            number(Some(d.demand_kt)),
            source
                .as_ref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default()
        )),
        (None, _) => n1.push_str("; no comparable demand figure for N-1 against demand."),
    }
    notes.push(n1);
    if !sc.gaps.is_empty() {
        let g: Vec<String> = sc
            .gaps
            .iter()
            .map(|g| format!("{} ({})", g.country, g.flag))
            .collect();
        notes.push(format!(
            "Coverage gaps (no figure, not counted as zero): {}.",
            g.join(", ")
        ));
    }
    if !sc.bounded.is_empty() {
        let b: Vec<String> = sc
            .bounded
            .iter()
            .map(|g| format!("{} ({})", g.country, g.flag))
            .collect();
        notes.push(format!(
            "Bounds used at their printed value: {}.",
            b.join(", ")
        ));
    }
    if !sc.incomparable.is_empty() {
        let b: Vec<String> = sc
            .incomparable
            .iter()
            .map(|g| format!("{} ({} {})", g.area, number(g.value), g.unit))
            .collect();
        notes.push(format!(
            "Left out, in a unit that cannot be added to {}: {}.",
            sc.unit,
            b.join(", ")
        ));
    }
    notes.extend(c.notes.iter().map(|n| format!("{n}.")));
    notes.push(format!(
        "Source: {} — {} ({}, {}).",
        sc.source,
        r.table,
        sc.evidence.as_str(),
        r.source_basis
    ));
    if let Some(p) = &sc.proxy {
        notes.push(format!("Proxy: {p}."));
    }
    let others: Vec<String> = sc
        .candidates
        .iter()
        .filter(|s| s.source != sc.source && s.countries > 0)
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
        notes.push(format!("Other sources (--source): {}.", others.join(", ")));
    }
    for a in &r.attribution {
        notes.push(format!("{}: {}", a.source, a.attribution));
    }
    for n in notes {
        paragraph(out, &n)?;
    }
    Ok(())
}

fn trend_table(out: &mut dyn Write, r: &TrendResponse) -> Result<()> {
    paragraph(
        out,
        &format!(
            "{} {} production concentration by year and source",
            r.mineral.name, r.trend.stage
        ),
    )?;
    let mut t = render::table(
        [
            "year",
            "source",
            "evidence",
            "HHI",
            "HHI upper",
            "top 1",
            "top 3",
            "band",
        ]
        .map(String::from)
        .to_vec(),
    );
    for p in &r.trend.points {
        t.add_row(vec![
            p.year.to_string(),
            p.source.to_string(),
            p.evidence.as_str().to_string(),
            number(Some(p.hhi)),
            number(Some(p.hhi_upper)),
            pct(Some(p.top1)),
            pct(Some(p.top3)),
            band_words(p.band).to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    paragraph(
        out,
        &format!(
            "HHI on the 0–10,000 scale. {}.",
            thresholds_text(&r.thresholds)
        ),
    )?;
    for s in &r.trend.skipped {
        paragraph(
            out,
            &format!("Skipped {} {}: {}.", s.year, s.source, s.reason),
        )?;
    }
    for a in &r.attribution {
        paragraph(out, &format!("{}: {}", a.source, a.attribution))?;
    }
    Ok(())
}
