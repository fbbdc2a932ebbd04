//! Criticality indicators: EU supply risk, GeoPolRisk and a USGS-style disruption
//! potential. Each has a kernel on plain numbers (testable on worked examples) and a
//! dataset layer on [`crate::Indexed`]; free functions build the indexes for one
//! call.

mod disruption;
mod eu_sr;
mod geopolrisk;
mod params;

pub use disruption::{
    disruption_potential, DisruptionPotential, DpProducer, DpSupplier, DP_CITATION,
};
pub use eu_sr::{
    eu_supply_risk, hhi_wgi_t, EuSr, EuSrAssessment, EuSrInput, EuSrStage, SupplierInput,
    SupplierRisk, EU_SR_CITATION,
};
pub use geopolrisk::{
    geopolrisk, GeoPolRisk, GeoPolRiskAssessment, GeoPolRiskInput, GprsSupplier,
    GprsSupplierScored, GEOPOLRISK_CITATION,
};
pub use params::{EuSrParams, EuSrParamsBuilder, TradeFactor};

use crate::{GovernanceGap, Importer, Indexed, Result};
use derisk_model::{Dataset, Stage, Year};

/// [`Indexed::eu_supply_risk`] on a dataset.
pub fn eu_supply_risk_for(
    ds: &Dataset,
    importer: &Importer,
    mineral: &str,
    year: Year,
    params: &EuSrParams,
) -> Result<EuSrAssessment> {
    Indexed::new(ds).eu_supply_risk(importer, mineral, year, params)
}

/// [`Indexed::geopolrisk`] on a dataset.
pub fn geopolrisk_for(
    ds: &Dataset,
    importer: &Importer,
    mineral: &str,
    stage: &Stage,
    year: Year,
    gap: GovernanceGap,
) -> Result<GeoPolRiskAssessment> {
    Indexed::new(ds).geopolrisk(importer, mineral, stage, year, gap)
}

/// [`Indexed::disruption_potential`] on a dataset.
pub fn disruption_potential_for(
    ds: &Dataset,
    mineral: &str,
    stage: &Stage,
    year: Year,
    source: Option<&str>,
    gap: GovernanceGap,
) -> Result<DisruptionPotential> {
    Indexed::production_only(ds).disruption_potential(mineral, stage, year, source, gap)
}
