//! Importers, validation, the embedded snapshot and source licences of derisk.
//!
//! Every importer is strict: a rejected row is an [`ImportError`] naming file, line, field,
//! value and what was expected; unknown country names are listed, never dropped; duplicate
//! keys are errors. Each import returns an [`ImportReport`](derisk_model::ImportReport) with
//! rows read, kept, and why any were not kept. Lenience exists only through
//! [`ImportOptions`].

pub mod assemble;
pub mod baci;
pub mod baci_cepii;
pub mod baci_selected;
pub mod check;
mod chunked;
pub mod commodities;
pub mod countries;
mod csv_split;
pub mod error;
pub mod eu_crm;
pub mod iea;
pub mod processing;
pub mod reference;
pub mod snapshot;
pub mod sources;
pub mod table;
pub mod trade_file;
pub mod trade_inference;
pub mod usgs;
pub mod usgs_nir;
pub mod wgi;
pub mod wmd;

pub use countries::CountryResolver;
pub use error::{ImportError, RawDirProblem, Result};

use derisk_model::{DemandRecord, ImportReport, Mineral, Observation, TradeProxy};

/// Explicit lenience switches. The default is strict everywhere.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Keep going past unknown country names: their rows are counted in the report as not
    /// kept (with the names) instead of failing the import.
    pub skip_unknown_countries: bool,
}

/// What importers need to turn raw rows into domain values.
pub struct ImportContext<'a> {
    pub countries: &'a CountryResolver,
    pub minerals: &'a [Mineral],
    pub options: &'a ImportOptions,
}

impl ImportContext<'_> {
    pub fn knows_mineral(&self, id: &str) -> bool {
        self.minerals.iter().any(|m| m.id.as_str() == id)
    }
}

/// Figures produced by one import, with its report.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    pub observations: Vec<Observation>,
    pub demand: Vec<DemandRecord>,
    pub report: ImportReport,
    /// How each trade-proxy figure set was computed (only the trade proxy fills this).
    pub trade_proxies: Vec<TradeProxy>,
}
