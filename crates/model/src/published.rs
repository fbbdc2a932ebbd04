//! Figures a publisher computed itself, kept to hold derisk's own results against (USGS's
//! US net import reliance).

use crate::{CountryCode, Flag, MineralId, Provenance, Stage, Year};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A net import reliance figure as the publisher prints it, in percent of apparent
/// consumption. Bounds stay bounds: ">50" is not 50. Shown as printed, with a percent
/// sign (`45%`, `>50%`).
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NirFigure {
    /// A percentage, as printed ("73").
    Percent(f64),
    /// More than this percentage (">50").
    MoreThan(f64),
    /// Less than this percentage ("<25").
    LessThan(f64),
    /// Net exporter ("E"): exports exceed imports, so reliance is below zero.
    NetExporter,
    /// Withheld to avoid disclosing company data ("W"). No value.
    Withheld,
    /// Not available ("NA"). No value.
    NotAvailable,
}

impl fmt::Display for NirFigure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NirFigure::Percent(p) => write!(f, "{p}%"),
            NirFigure::MoreThan(p) => write!(f, ">{p}%"),
            NirFigure::LessThan(p) => write!(f, "<{p}%"),
            NirFigure::NetExporter => f.write_str("net exporter"),
            NirFigure::Withheld => f.write_str("withheld"),
            NirFigure::NotAvailable => f.write_str("not available"),
        }
    }
}

/// One published net import reliance figure: a country's reliance on imports of one
/// commodity in one year, as the publisher states it (USGS Mineral Commodity Summaries:
/// `(imports − exports ± stock changes) / apparent consumption`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PublishedNir {
    /// The publisher's commodity name (`copper`, `pgm-palladium`).
    pub commodity: String,
    /// The mineral of derisk's catalogue it is about; `None` for a commodity derisk does
    /// not track (listed in the import report, never dropped).
    pub mineral: Option<MineralId>,
    /// The stage of derisk's whose net import reliance the figure is compared with: the
    /// stage of the form the publisher names, or, for a figure over all forms, of the
    /// form that dominates the country's imports (`data/reference/usgs_nir_commodities.csv`).
    pub stage: Option<Stage>,
    /// What the figure covers, in words ("refined copper", "all forms, cobalt content").
    pub scope: String,
    /// The importing country.
    pub country: CountryCode,
    pub year: Year,
    pub value: NirFigure,
    /// `Reported`, or `Estimated` for the publisher's estimated year.
    pub flag: Flag,
    /// The years the import sources cover, as printed ("2021-24").
    pub sources_period: String,
    /// The publisher's import sources with their shares, as printed.
    pub import_sources: String,
    pub provenance: Provenance,
}
