//! `derisk brief <country or group>`: the one-screen risk briefing, the main job.

use crate::args::ThresholdSet;
use crate::render::{self, paragraph, pct, Footnotes, Format};
use anyhow::Result;
use clap::Args;
use derisk_analysis::brief::{BriefGap, MineralBrief, StageSummary};
use derisk_model::Evidence;
use derisk_service::brief::{BriefRequest, BriefResponse, MineralSelection};
use derisk_service::Service;
use std::io::Write;

#[derive(Args)]
pub struct BriefArgs {
    /// A country (ISO3, ISO2, numeric code or English name), a group (eu27, quad, msp…, or
    /// its name) or a comma-separated list of them.
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
    /// Count export restrictions in force, and not suspended, on this day (YYYY-MM-DD,
    /// within the restriction table's range; default: 31 December of the latest year with
    /// production figures).
    #[arg(long)]
    pub as_of: Option<String>,
    /// HHI bands (default: DOJ/FTC 2023).
    #[arg(long, value_enum)]
    pub thresholds: Option<ThresholdSet>,
}

impl BriefArgs {
    pub fn request(&self) -> BriefRequest {
        let mut req = BriefRequest::new(self.target.clone());
        req.minerals = if self.all {
            MineralSelection::All
        } else if self.minerals.is_empty() {
            MineralSelection::WatchList
        } else {
            MineralSelection::List(self.minerals.clone())
        };
        req.year = self.year;
        req.as_of = self.as_of.clone();
        if let Some(t) = self.thresholds {
            req.thresholds = t.into();
        }
        req
    }
}

pub fn run(service: &Service, args: &BriefArgs, format: Format, out: &mut dyn Write) -> Result<()> {
    let response = service.brief(&args.request())?;
    match format {
        Format::Json => render::json(out, &response),
        Format::Csv => render::csv(out, &response),
        Format::Table => table(out, &response),
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
                .map(|t| format!("{} {}", t.country, pct(Some(t.share))))
                .collect();
            let tag = match (&s.proxy, s.evidence) {
                (Some(_), _) => " proxy",
                (None, Evidence::CapacityAllocation) => " capacity",
                _ => "",
            };
            format!("{}\nHHI {:.0} ({}{tag})", top.join(" "), s.hhi, s.year)
        }
    }
}

fn dependence_cells(m: &MineralBrief, notes: &mut Footnotes) -> [String; 3] {
    let Some(d) = &m.dependence else {
        let why = m
            .gaps
            .iter()
            .map(|g| g.to_string())
            .collect::<Vec<_>>()
            .join("; ");
        let label = if m
            .gaps
            .iter()
            .any(|g| matches!(g, BriefGap::NoImports { .. }))
        {
            "no imports"
        } else {
            "unknown"
        };
        return [
            format!("{label} {}", notes.mark(why)),
            String::new(),
            String::new(),
        ];
    };
    let nir = match (d.nir, &d.nir_note) {
        (Some(n), _) => pct(Some(n)),
        (None, Some(note)) => format!("unknown {}", notes.mark(note.to_string())),
        (None, None) => "unknown".into(),
    };
    let suppliers = d
        .suppliers
        .iter()
        .take(3)
        .map(|s| format!("{} {}", s.country, pct(Some(s.share))))
        .collect::<Vec<_>>()
        .join(" ");
    let restricted = if d.restricted.is_empty() {
        "none".into()
    } else {
        let mut cell = d
            .restricted
            .iter()
            .take(2)
            .map(|r| format!("{} {}", r.country, pct(Some(r.share))))
            .collect::<Vec<_>>()
            .join(" ");
        if d.restricted.len() > 2 {
            cell.push_str(&format!(" +{}", d.restricted.len() - 2));
        }
        cell
    };
    [nir, suppliers, restricted]
}

fn table(out: &mut dyn Write, r: &BriefResponse) -> Result<()> {
    let b = &r.brief;
    let thresholds = match b.thresholds {
        derisk_analysis::Thresholds::Doj2010 => "DOJ/FTC 2010",
        derisk_analysis::Thresholds::Doj2023 => "DOJ/FTC 2023",
    };
    paragraph(
        out,
        &format!(
            "derisk briefing: {} ({}) · trade {} · restrictions in force on {} · HHI bands {thresholds}",
            r.target.name, b.importer, b.trade_year, b.restrictions_as_of
        ),
    )?;
    let mut notes = Footnotes::default();
    let mut t = render::table(
        [
            "mineral",
            "mining: top, HHI",
            "refining: top, HHI",
            "NIR",
            "top suppliers",
            "restricted",
            "EU SR",
            "GPRS",
        ]
        .map(String::from)
        .to_vec(),
    );
    for m in &b.minerals {
        let [nir, suppliers, restricted] = dependence_cells(m, &mut notes);
        let eu = match m.criticality.eu_sr {
            Some(v) => format!("{v:.2}"),
            None if m.criticality.eu_sr_gaps.is_empty() => "–".into(),
            None => notes.mark(
                m.criticality
                    .eu_sr_gaps
                    .iter()
                    .map(|g| format!("EU SR {g}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        let gprs = match m.criticality.geopolrisk {
            Some(v) => format!("{v:.2}"),
            None if m.criticality.geopolrisk_gaps.is_empty() => "–".into(),
            None => notes.mark(
                m.criticality
                    .geopolrisk_gaps
                    .iter()
                    .map(|g| format!("GeoPolRisk {g}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        t.add_row(vec![
            m.mineral.clone(),
            stage_cell(&m.mining),
            stage_cell(&m.refining),
            nir,
            suppliers,
            restricted,
            eu,
            gprs,
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(out, "Biggest risks:")?;
    for (i, risk) in b.risks.iter().enumerate() {
        paragraph(out, &format!("  {}. {risk}", i + 1))?;
    }
    paragraph(
        out,
        "Shares of world production (mining, refining; year in brackets) and of imports by \
         contained tonnes; HHI 0–10,000; NIR = net import reliance; restricted = share of \
         imports from suppliers with export restrictions in force; EU SR per the EU 2017 CRM \
         guidelines; GPRS = GeoPolRisk (0–1); proxy = refining inferred from trade. \
         `--format json` gives every figure with its source.",
    )?;
    notes.write(out)?;
    let sources: Vec<&str> = r
        .attribution
        .iter()
        .map(|a| a.attribution.as_str())
        .collect();
    paragraph(out, &format!("Sources: {}", sources.join("; ")))?;
    Ok(())
}
