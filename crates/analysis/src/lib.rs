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
//! On a dataset, build an [`Engine`] once (it owns the dataset and its indexes and is shared
//! by every thread), then ask each request through a [`Query`], which computes each
//! building block (a stage's production shares, an importer's flows) once. An [`Overlay`]
//! changes trade or production for a scenario without copying the dataset. Reasons and
//! notes are typed values; [`explain`] holds their words.

pub mod brief;
pub mod coalition;
mod codes;
mod concentration;
pub mod criticality;
mod dependence;
mod engine;
mod error;
pub mod explain;
mod governance;
mod import_profiles;
pub mod montecarlo;
pub mod network;
pub mod optimize;
mod overlay;
pub mod parallel;
mod production;
mod proxy;
pub mod shock;
mod supply;
mod trade_index;
mod transit;

pub use concentration::{
    concentration, Band, Concentration, ConcentrationNote, Denominator, Share, Thresholds,
};
pub use dependence::{
    nir_range, CarrierUsed, Dependence, FlowTally, FocusShare, FormUsed, Importer, IntraGroup,
    IntraGroupRule, NirNote, NirRange, Partner, StageBalance, TradeSide,
};
pub use engine::{Engine, Query, Work};
pub use error::{AnalysisError, Result};
pub use governance::{
    pv_normalised, usgs_style_weight, wgi_scaled, GovernanceGap, GovernanceIndex, GovernanceScore,
    Scale,
};
pub use import_profiles::ImportProfile;
pub use overlay::{Overlay, OverlayRule, ProductionChange};
pub use parallel::map_queries;
pub use production::{
    Conversion, MemberFigure, MemberProduction, ProductionBasis, ProductionBounds, ProductionIndex,
    ProductionTotal, OVERLAY_SOURCE,
};
pub use proxy::{proxy_note, ProxyLimit, ProxyNote};
pub use supply::{
    demand_for, rank_sources, FlaggedCountry, IncomparableRow, N1Demand, SkippedPoint, SourceRank,
    SourceRule, StageConcentration, Trend, TrendPoint,
};
pub use trade_index::TradeIndex;
pub use transit::{TransitCheck, TransitHub, Unassessed};
