//! USGS-style disruption potential: production concentration weighted by governance.

use super::weighted_hhi::weighted_hhi;
use crate::concentration::Thresholds;
use crate::engine::Query;
use crate::error::{in_range, Result};
use crate::governance::{GovernanceGap, GovernanceScore, Scale};
use derisk_model::{CountryCode, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};

/// What the figure is and is not.
pub const DP_CITATION: &str = "USGS-style disruption potential after Nassar et al. (2020), Sci. Adv. 6: eaay8647, and the USGS 2022 critical minerals list methodology; derisk's own governance scaling (2.5 − mean of six WGI estimates)/5, not the USGS's published figure";

/// One producer in the disruption-potential sum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DpSupplier {
    pub country: CountryCode,
    /// Share of world production, a fraction (0–1).
    pub share: f64,
    /// Governance weight, 0 (best) … 1 (worst): see [`usgs_style_weight`](crate::usgs_style_weight).
    pub weight: f64,
}

/// USGS-style disruption potential `DP = Σ_c s_c² · w_c` with `s_c` production shares as
/// fractions and `w_c = (2.5 − mean of the six WGI estimates)/5` clamped to 0–1. It follows
/// the USGS idea of a governance-weighted production HHI (Nassar et al. 2020, Sci. Adv. 6:
/// eaay8647; USGS 2022 list methodology), on derisk's own scaling: it is "USGS-style", not
/// the USGS figure. Range 0 (many well-governed producers) … 1 (one producer with the
/// worst governance).
///
/// Errors: a share or weight outside [0, 1], shares summing above 1, a country twice.
pub fn disruption_potential(suppliers: &[DpSupplier]) -> Result<f64> {
    for s in suppliers {
        in_range(
            format!("weight of {}", s.country),
            s.weight,
            0.0,
            1.0,
            "a fraction in [0, 1]",
        )?;
    }
    weighted_hhi(
        suppliers.iter().map(|s| (s.country, s.share, s.weight)),
        "the disruption-potential producers",
    )
}

/// A producer as the dataset layer scored it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DpProducer {
    pub country: CountryCode,
    pub share: f64,
    pub weight: GovernanceScore,
}

/// USGS-style disruption potential of a mineral stage on a dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DisruptionPotential {
    pub mineral: String,
    pub stage: Stage,
    pub year: Year,
    pub source: SourceId,
    pub producers: Vec<DpProducer>,
    /// World supply the source does not itemise.
    pub unlisted_share: f64,
    /// DP over listed producers (a lower bound when `unlisted_share > 0`).
    pub dp: f64,
    /// DP with the unlisted residual as one producer of the worst governance.
    pub dp_upper: f64,
    pub governance_gap: GovernanceGap,
    pub citation: String,
}

impl Query<'_> {
    /// [`disruption_potential`] of `mineral` at `stage` in `year`: shares from
    /// [`Self::stage_concentration`] (the named source or the default), weights from
    /// [`Scale::UsgsStyle`].
    pub fn disruption_potential(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        source: Option<&str>,
        gap: GovernanceGap,
    ) -> Result<DisruptionPotential> {
        let gs = self.shares(mineral, stage, year, source, Thresholds::Doj2010)?;
        let mut producers = Vec::with_capacity(gs.concentration.shares.len());
        for s in &gs.concentration.shares {
            producers.push(DpProducer {
                country: s.country,
                share: s.share,
                weight: self
                    .governance()
                    .score(s.country, year, Scale::UsgsStyle, gap)?,
            });
        }
        let input: Vec<DpSupplier> = producers
            .iter()
            .map(|p| DpSupplier {
                country: p.country,
                share: p.share,
                weight: p.weight.value,
            })
            .collect();
        let dp = disruption_potential(&input)?;
        let u = gs.concentration.unlisted_share;
        Ok(DisruptionPotential {
            mineral: mineral.to_string(),
            stage: stage.clone(),
            year,
            source: gs.source.clone(),
            producers,
            unlisted_share: u,
            dp,
            dp_upper: dp + u * u,
            governance_gap: gap,
            citation: DP_CITATION.to_string(),
        })
    }
}
