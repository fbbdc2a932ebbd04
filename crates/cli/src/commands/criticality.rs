//! `derisk criticality`: EU supply risk (both stages, the higher kept) with the EU
//! classification, GeoPolRisk and a USGS-style disruption potential (mining and refining)
//! for an importer, each with its citation and the countries whose governance score was
//! imputed; one mineral in detail, or one row per mineral.

use crate::render::{self, Format};
use anyhow::Result;
use clap::{Args, ValueEnum};
use derisk_analysis::GovernanceGap;
use derisk_service::criticality::CriticalityRequest;
use derisk_service::Service;
use std::io::Write;
use std::path::PathBuf;

mod params_file;
mod table;

pub use params_file::ParamsFileError;

#[derive(Args)]
pub struct CriticalityArgs {
    /// Importer: a country (ISO3, ISO2, numeric code or English name), a group (eu27,
    /// quad, msp…) or a comma-separated list of them.
    #[arg(long)]
    pub importer: String,
    /// Mineral (id, name, symbol or alias; see `derisk minerals`); without it, one row per
    /// mineral.
    #[arg(long)]
    pub mineral: Option<String>,
    /// Year; by default the latest year in the trade table.
    #[arg(long)]
    pub year: Option<u16>,
    /// EU substitution index SI_SR (0–1) for every mineral; default 1 (no substitute).
    #[arg(long, value_name = "F")]
    pub si_sr: Option<f64>,
    /// EU end-of-life recycling input rate (0–1) for every mineral; default the mineral's
    /// record.
    #[arg(long, value_name = "F")]
    pub eol_rir: Option<f64>,
    /// EU economic importance (EI) for every mineral, used only to classify: critical
    /// when SR ≥ 1 and EI ≥ 2.8 (2017 guidelines). derisk does not compute EI.
    #[arg(long, value_name = "F")]
    pub ei: Option<f64>,
    /// JSON or CSV file of EU SR parameters per mineral (si_sr, eol_rir, t_agreement,
    /// trade_agreement_partners, ei); its values win over --si-sr, --eol-rir and --ei.
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Suppliers without a governance estimate: the middle of the scale (the default), the
    /// worst score, or refuse to compute.
    #[arg(long, value_enum)]
    pub governance_gap: Option<GapRule>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum GapRule {
    Midpoint,
    Worst,
    Refuse,
}

impl From<GapRule> for GovernanceGap {
    fn from(g: GapRule) -> GovernanceGap {
        match g {
            GapRule::Midpoint => GovernanceGap::Midpoint,
            GapRule::Worst => GovernanceGap::Worst,
            GapRule::Refuse => GovernanceGap::Refuse,
        }
    }
}

pub fn run(
    service: &Service,
    args: &CriticalityArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let mut req = CriticalityRequest::new(args.importer.clone());
    req.mineral = args.mineral.clone();
    req.year = args.year;
    req.si_sr = args.si_sr;
    req.eol_rir = args.eol_rir;
    req.ei = args.ei;
    if let Some(g) = args.governance_gap {
        req.governance_gap = g.into();
    }
    if let Some(path) = &args.params {
        req.overrides = params_file::read(service.engine(), path)?;
    }
    if req.mineral.is_some() {
        let r = service.criticality(&req)?;
        match format {
            Format::Json => render::json(out, &r),
            Format::Csv => render::csv(out, &r),
            Format::Table => table::detail(out, &r),
        }
    } else {
        let r = service.criticality_summary(&req)?;
        match format {
            Format::Json => render::json(out, &r),
            Format::Csv => render::csv(out, &r),
            Format::Table => table::summary(out, &r),
        }
    }
}
