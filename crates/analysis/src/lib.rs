//! Pure risk computations of derisk: concentration, dependence and criticality.
//!
//! No I/O, no printing, no global state: every function reads its inputs (plain numbers or
//! a [`Dataset`](derisk_model::Dataset)) and returns plain data that serialises. Invalid
//! input is an [`AnalysisError`]; valid bad news (a single supplier, unknown production, a
//! net exporter) is part of the answer. Each metric's doc comment gives its formula and
//! citation.
//!
//! Kernels work on numbers; the dataset layer picks the figures, with the rules stated:
//!
//! ```
//! use derisk_analysis::{concentration, Thresholds, Band};
//! use derisk_model::CountryCode;
//! let c = |s| CountryCode::try_from(s).unwrap();
//! let r = concentration(&[(c("AUS"), 60.0), (c("CHL"), 30.0), (c("CHN"), 10.0)], None,
//!                       Thresholds::Doj2023).unwrap();
//! assert!((r.hhi - 4_600.0).abs() < 1e-9);   // 10,000 · (0.36 + 0.09 + 0.01)
//! assert_eq!(r.band, Band::HighlyConcentrated);
//! ```
//!
//! For many queries build an [`Indexed`] once (trade by year and HS code, production by
//! mineral, stage and year, governance by country) and call its methods; the free
//! functions build the indexes for one call.

pub mod brief;
mod concentration;
mod context;
pub mod criticality;
mod dependence;
mod error;
mod governance;
mod import_profiles;
mod production;
mod supply;
mod trade_index;
mod transit;

pub use concentration::{concentration, Band, Concentration, Denominator, Share, Thresholds};
pub use context::Indexed;
pub use dependence::{
    dependence, CarrierUsed, Dependence, FocusShare, Importer, IntraGroup, Partner, StageBalance,
    TradeSide,
};
pub use error::{AnalysisError, Result};
pub use governance::{
    pv_normalised, usgs_style_weight, wgi_scaled, GovernanceGap, GovernanceIndex, GovernanceScore,
    Scale,
};
pub use import_profiles::ImportProfile;
pub use production::{MemberFigure, MemberProduction, ProductionIndex, ProductionTotal};
pub use supply::{
    concentration_trend, demand_for, rank_sources, stage_concentration, FlaggedCountry, N1Demand,
    SkippedPoint, SourceRank, SourceRule, StageConcentration, Trend, TrendPoint,
};
pub use trade_index::TradeIndex;
pub use transit::{TransitCheck, TransitHub, Unassessed};
