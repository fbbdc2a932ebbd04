//! `derisk brief <country or group>`: the one-screen risk briefing, the main job.

use crate::args::ThresholdSet;
use crate::output::{readable, Format};
use crate::{target, usage};
use anyhow::Result;
use clap::Args;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use derisk_analysis::brief::{Brief, BriefOptions, MineralBrief, StageSummary, WATCH_LIST};
use derisk_analysis::{Importer, Indexed, Thresholds};
use derisk_model::{Dataset, Year};
use serde::Serialize;
use std::io::Write;

#[derive(Args)]
pub struct BriefArgs {
    /// An ISO 3166 alpha-3 code (IND), a group id (eu27, quad, msp…) or a comma-separated
    /// list of codes.
    pub target: String,
    /// Minerals to cover, comma-separated (default: the watch list of battery minerals,
    /// rare earths and minerals under recent export controls).
    #[arg(long, value_delimiter = ',')]
    pub minerals: Vec<String>,
    /// Cover every mineral in the catalogue.
    #[arg(long, conflicts_with = "minerals")]
    pub all: bool,
    /// Trade year (default: the latest in the trade table).
    #[arg(long)]
    pub year: Option<u16>,
    /// Count export restrictions in force during this year (default: the latest year with
    /// production figures).
    #[arg(long)]
    pub as_of: Option<u16>,
    #[arg(long, value_enum, default_value = "doj2023")]
    pub thresholds: ThresholdSet,
}

pub fn run(ds: &Dataset, args: &BriefArgs, format: Format) -> Result<()> {
    let target = target::parse(ds, &args.target)?;
    let importer = Importer {
        label: target.label.clone(),
        members: target.members.clone(),
    };
    let mut options = BriefOptions {
        thresholds: args.thresholds.into(),
        ..BriefOptions::default()
    };
    if args.all {
        options.minerals = ds.minerals.iter().map(|m| m.id.to_string()).collect();
    } else if !args.minerals.is_empty() {
        for m in &args.minerals {
            usage::mineral(ds, m)?;
        }
        options.minerals = args.minerals.clone();
    }
    let idx = Indexed::new(ds);
    options.trade_year = Some(usage::trade_year(&idx, args.year)?.0);
    if let Some(y) = args.as_of {
        options.as_of = Some(Year::try_from(y).or_else(|_| {
            usage::fail(format!(
                "--as-of {y}: expected a year between 1900 and 2100"
            ))
        })?);
    }
    let brief = idx
        .brief(&importer, &options)
        .map_err(|e| usage::analysis_error(&idx, e))?;
    let name = match (target.is_group, target.members.first()) {
        (false, Some(c)) if target.members.len() == 1 => {
            ds.country(*c).map(|c| c.name.clone()).unwrap_or_default()
        }
        (true, _) => match ds.group(&target.label) {
            Some(g) => format!("{}, {} countries", g.name, target.members.len()),
            None => format!("{} countries", target.members.len()),
        },
        _ => format!("{} countries", target.members.len()),
    };
    match format {
        Format::Json => {
            let attribution: Vec<serde_json::Value> = brief
                .sources
                .iter()
                .filter_map(|id| ds.source(id.as_str()))
                .map(|s| serde_json::json!({"id": s.id, "attribution": s.attribution, "licence": s.licence}))
                .collect();
            let doc = serde_json::json!({
                "name": name,
                "brief": brief,
                "units": units(),
                "attribution": attribution,
                "watch_list": WATCH_LIST,
            });
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let rows: Vec<Row> = brief.minerals.iter().map(row).collect();
            let (header, cells) = crate::output::flatten(&rows, false)?;
            let mut w = csv::Writer::from_writer(std::io::stdout().lock());
            w.write_record(&header)?;
            for r in cells {
                w.write_record(&r)?;
            }
            w.flush()?;
        }
        Format::Table => print_table(ds, &brief, &name)?,
    }
    Ok(())
}

fn units() -> Vec<&'static str> {
    vec![
        "hhi: Herfindahl-Hirschman index of world production shares, 0–10,000",
        "share: fraction 0–1 (shown as %)",
        "import shares: by contained tonnes (HS codes × content factors), by value where no quantity",
        "nir: net import reliance (imports − exports) / (production + imports − exports), contained tonnes",
        "eu_sr: EU supply risk, European Commission 2017 CRM guidelines (critical if ≥ 1 with EI ≥ 2.8)",
        "geopolrisk: GeoPolRisk score 0–1, Gemechu et al. 2016",
    ]
}

/// One CSV row per mineral: the briefing's columns, flat.
#[derive(Serialize)]
struct Row {
    mineral: String,
    mining_year: Option<u16>,
    mining_source: Option<String>,
    mining_hhi: Option<f64>,
    mining_top: Option<String>,
    mining_top_share: Option<f64>,
    refining_year: Option<u16>,
    refining_source: Option<String>,
    refining_evidence: Option<String>,
    refining_hhi: Option<f64>,
    refining_top: Option<String>,
    refining_top_share: Option<f64>,
    trade_year: Option<u16>,
    nir: Option<f64>,
    top_supplier: Option<String>,
    top_supplier_share: Option<f64>,
    import_hhi: Option<f64>,
    restricted_share: Option<f64>,
    eu_sr: Option<f64>,
    geopolrisk: Option<f64>,
}

fn row(m: &MineralBrief) -> Row {
    let stage = |s: &Option<StageSummary>| {
        s.as_ref().map(|s| {
            (
                s.year.get(),
                s.source.to_string(),
                s.hhi,
                s.top.first().map(|t| (t.country.to_string(), t.share)),
            )
        })
    };
    let mining = stage(&m.mining);
    let refining = stage(&m.refining);
    let d = m.dependence.as_ref();
    Row {
        mineral: m.mineral.clone(),
        mining_year: mining.as_ref().map(|s| s.0),
        mining_source: mining.as_ref().map(|s| s.1.clone()),
        mining_hhi: mining.as_ref().map(|s| s.2),
        mining_top: mining
            .as_ref()
            .and_then(|s| s.3.as_ref().map(|t| t.0.clone())),
        mining_top_share: mining.as_ref().and_then(|s| s.3.as_ref().map(|t| t.1)),
        refining_year: refining.as_ref().map(|s| s.0),
        refining_source: refining.as_ref().map(|s| s.1.clone()),
        refining_evidence: m.refining.as_ref().map(|s| s.evidence.as_str().to_string()),
        refining_hhi: refining.as_ref().map(|s| s.2),
        refining_top: refining
            .as_ref()
            .and_then(|s| s.3.as_ref().map(|t| t.0.clone())),
        refining_top_share: refining.as_ref().and_then(|s| s.3.as_ref().map(|t| t.1)),
        trade_year: d.map(|d| d.year.get()),
        nir: d.and_then(|d| d.nir),
        top_supplier: d.and_then(|d| d.suppliers.first().map(|s| s.country.to_string())),
        top_supplier_share: d.and_then(|d| d.suppliers.first().map(|s| s.share)),
        import_hhi: d.and_then(|d| d.import_hhi),
        restricted_share: d.map(|d| d.restricted_share),
        eu_sr: m.criticality.eu_sr,
        geopolrisk: m.criticality.geopolrisk,
    }
}

fn pct(x: f64) -> String {
    if x > 0.0 && x < 0.005 {
        "<1%".to_string()
    } else {
        format!("{:.0}%", x * 100.0)
    }
}

fn stage_cell(s: &Option<StageSummary>) -> String {
    match s {
        None => "no data".into(),
        Some(s) => {
            let top: Vec<String> = s
                .top
                .iter()
                .take(2)
                .map(|t| format!("{} {}", t.country, pct(t.share)))
                .collect();
            let tag = match s.evidence {
                derisk_model::Evidence::TradeInference => " (trade proxy)",
                derisk_model::Evidence::CapacityAllocation => " (capacity)",
                _ => "",
            };
            format!("{}\nHHI {:.0} · {}{tag}", top.join(", "), s.hhi, s.year)
        }
    }
}

fn print_table(ds: &Dataset, b: &Brief, name: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "derisk briefing: {name} ({}) · trade {} · restrictions in force in {} · HHI bands {}",
        b.importer,
        b.trade_year,
        b.restrictions_as_of,
        match b.thresholds {
            Thresholds::Doj2010 => "DOJ/FTC 2010",
            Thresholds::Doj2023 => "DOJ/FTC 2023",
        }
    )?;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(vec![
        "mineral",
        "mining: top, HHI",
        "refining: top, HHI",
        "import reliance",
        "top suppliers",
        "restricted",
        "EU SR",
        "GPRS",
    ]);
    for m in &b.minerals {
        let (nir, suppliers, restricted) = match &m.dependence {
            None => ("no imports data".to_string(), String::new(), String::new()),
            Some(d) => (
                d.nir.map(pct).unwrap_or_else(|| "unknown".into()),
                d.suppliers
                    .iter()
                    .take(3)
                    .map(|s| format!("{} {}", s.country, pct(s.share)))
                    .collect::<Vec<_>>()
                    .join(", "),
                if d.restricted.is_empty() {
                    "none".into()
                } else {
                    let mut cell = d
                        .restricted
                        .iter()
                        .take(2)
                        .map(|r| format!("{} {}", r.country, pct(r.share)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    if d.restricted.len() > 2 {
                        cell.push_str(&format!(" +{}", d.restricted.len() - 2));
                    }
                    cell
                },
            ),
        };
        t.add_row(vec![
            m.mineral.clone(),
            stage_cell(&m.mining),
            stage_cell(&m.refining),
            nir,
            suppliers,
            restricted,
            m.criticality
                .eu_sr
                .map(|v| format!("{v:.2}"))
                .unwrap_or_else(|| "–".into()),
            m.criticality
                .geopolrisk
                .map(readable)
                .unwrap_or_else(|| "–".into()),
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(out, "Biggest risks:")?;
    for (i, r) in b.risks.iter().enumerate() {
        writeln!(out, "  {}. {}", i + 1, r.text)?;
    }
    writeln!(
        out,
        "Shares of world production (mining, refining) and of imports by contained tonnes; HHI 0–10,000; \
         import reliance = net import reliance; restricted = share of imports from suppliers with export \
         restrictions in force; EU SR per the EU 2017 CRM guidelines; GPRS = GeoPolRisk (0–1). \
         `--format json` for every figure with its source."
    )?;
    let sources: Vec<String> = b
        .sources
        .iter()
        .filter_map(|id| ds.source(id.as_str()))
        .map(|s| s.attribution.clone())
        .collect();
    writeln!(out, "Sources: {}", sources.join("; "))?;
    Ok(())
}
