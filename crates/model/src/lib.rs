//! Domain types of derisk and the in-memory [`Dataset`].
//!
//! This crate does no I/O: it only defines what a figure *is* (mineral, stage, area, year,
//! quantity with unit, flag, provenance) and how figures are held together. Raw strings are
//! parsed into these types at the edge (`TryFrom`), so code past the importers never sees an
//! unvalidated country code or year.
//!
//! ```
//! use derisk_model::{CountryCode, Year};
//! let cod = CountryCode::try_from("COD").unwrap();
//! assert_eq!(cod.as_str(), "COD");
//! assert!(CountryCode::try_from("Congo").is_err());
//! assert!(Year::try_from(2025u16).is_ok());
//! assert!(Year::try_from(1850u16).is_err());
//! ```

mod country;
mod dataset;
mod date;
mod error;
mod eu_crm;
mod events;
mod groups;
mod lazy;
mod mineral;
mod observation;
mod provenance;
mod proxy;
mod published;
mod quantity;
#[cfg(test)]
mod schema_tests;
mod stored;
mod trade;
mod year;

pub use country::{Area, Country, CountryCode};
pub use dataset::{Dataset, DemandRecord, GovernanceDimension, GovernanceRecord, ImportReport};
pub use date::Date;
pub use error::ModelError;
pub use eu_crm::{EuCrmParams, TradeAgreement};
pub use events::{ExportRestriction, MeasureSuspension, MeasureType, RestrictionTargets};
pub use groups::{CountryGroup, GroupMember, MembershipStatus};
pub use lazy::{LazyVec, Loader};
pub use mineral::{
    form_of, unit_value_usd_per_kg, FlowForm, FormBand, HsCarrier, HsCode, HsKey, Mineral,
    MineralForm, MineralId, Nomenclature,
};
pub use observation::{ContentFactor, Evidence, Measure, Observation, Stage};
pub use provenance::{Coverage, Provenance, Source, SourceId};
pub use proxy::{ProxyCarrier, ProxyMeasure, TradeProxy};
pub use published::{NirFigure, PublishedNir};
pub use quantity::{Basis, Flag, MassUnit, Unit};
pub use stored::StoredTables;
pub use trade::{QuantityCoverage, TradeFlow, TradeGroupHeader, TradePart, TradeTable};
pub use year::Year;
