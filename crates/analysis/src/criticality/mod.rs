//! Criticality indicators: EU supply risk, GeoPolRisk and a USGS-style disruption
//! potential. Each has a kernel on plain numbers (testable on worked examples) and a
//! dataset layer on [`crate::Query`].

mod disruption;
mod eu_sr;
mod geopolrisk;
mod geopolrisk_py;
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
pub use geopolrisk_py::{
    geopolrisk_py, py_material, py_materials, GeoPolRiskPyAssessment, PyContext, PyFlow, PyGap,
    PyGovernanceBasis, PyInput, PyMaterial, PyScore, PySupplier, CF_COPPER_OECD,
    GEOPOLRISK_PY_CITATION, PY_PRODUCTION_SOURCE, PY_UNMATCHED_WGI,
};
pub use params::{EuSrParams, EuSrParamsBuilder, TradeFactor, TradeFactorBasis};
pub use weighted_hhi::weighted_hhi;
