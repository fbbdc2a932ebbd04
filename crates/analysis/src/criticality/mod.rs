//! Criticality indicators: EU supply risk, GeoPolRisk and a USGS-style disruption
//! potential. Each has a kernel on plain numbers (testable on worked examples) and a
//! dataset layer on [`crate::Query`].

mod disruption;
mod eu_sr;
mod geopolrisk;
mod params;
mod weighted_hhi;

pub use disruption::{
    disruption_potential, DisruptionPotential, DpProducer, DpSupplier, DP_CITATION,
};
pub use eu_sr::{
    eu_supply_risk, hhi_wgi_t, EolRirBasis, EuSr, EuSrAssessment, EuSrGap, EuSrInput, EuSrStage,
    SupplierInput, SupplierRisk, EU_SR_CITATION,
};
pub use geopolrisk::{
    geopolrisk, GeoPolRisk, GeoPolRiskAssessment, GeoPolRiskInput, GprsGap, GprsSupplier,
    GprsSupplierScored, GEOPOLRISK_CITATION,
};
pub use params::{EuSrParams, EuSrParamsBuilder, TradeFactor, TradeFactorBasis};
pub use weighted_hhi::weighted_hhi;
