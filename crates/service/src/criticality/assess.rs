//! The three indicators for one mineral on one query: EU supply risk (both stages, the
//! higher kept), GeoPolRisk and disruption potential at mining and refining, each stage
//! either assessed or unavailable for a typed coverage gap.

use derisk_analysis::criticality::{
    DisruptionPotential, EuSrAssessment, EuSrParams, GeoPolRiskAssessment, TradeFactorBasis,
};
use derisk_analysis::{AnalysisError, Importer, Query};
use derisk_model::{CountryCode, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// An indicator at one stage: assessed, or unavailable because the data does not cover it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome<T> {
    Assessed(T),
    Unavailable(Unavailable),
}

/// A stage the data does not cover, and the engine's reason: no production figures
/// ([`AnalysisError::NoFigures`]), no HS codes carrying the mineral at the stage
/// ([`AnalysisError::NoHsCarriers`]), no trade in the year ([`AnalysisError::NoTradeForYear`]),
/// no supply ([`AnalysisError::NoSupply`]) or figures that cannot be added up
/// ([`AnalysisError::MixedUnits`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Unavailable {
    pub stage: Stage,
    pub error: AnalysisError,
}

impl<T> StageOutcome<T> {
    /// A coverage gap becomes [`StageOutcome::Unavailable`]; any other error stays an error.
    pub(crate) fn from_result(
        r: Result<T, AnalysisError>,
        stage: &Stage,
    ) -> Result<StageOutcome<T>, AnalysisError> {
        match r {
            Ok(v) => Ok(StageOutcome::Assessed(v)),
            Err(
                error @ (AnalysisError::NoFigures(_)
                | AnalysisError::NoHsCarriers { .. }
                | AnalysisError::NoTradeForYear(_)
                | AnalysisError::NoSupply(_)
                | AnalysisError::MixedUnits { .. }),
            ) => Ok(StageOutcome::Unavailable(Unavailable {
                stage: stage.clone(),
                error,
            })),
            Err(e) => Err(e),
        }
    }

    pub fn assessed(&self) -> Option<&T> {
        match self {
            StageOutcome::Assessed(v) => Some(v),
            StageOutcome::Unavailable(_) => None,
        }
    }
}

/// One value per stage of the criticality indicators.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ByStage<T> {
    pub mining: T,
    pub refining: T,
}

impl<T> ByStage<T> {
    /// The stages in order, with their stage.
    pub fn iter(&self) -> impl Iterator<Item = (Stage, &T)> {
        [
            (Stage::Mining, &self.mining),
            (Stage::Refining, &self.refining),
        ]
        .into_iter()
    }
}

/// Countries whose governance score was imputed by the governance-gap rule, per method.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImputedGovernance {
    pub eu_sr: BTreeSet<CountryCode>,
    pub geopolrisk: BTreeSet<CountryCode>,
    pub disruption_potential: BTreeSet<CountryCode>,
}

impl ImputedGovernance {
    /// Every imputed country, whatever the method.
    pub fn all(&self) -> BTreeSet<CountryCode> {
        self.eu_sr
            .iter()
            .chain(&self.geopolrisk)
            .chain(&self.disruption_potential)
            .copied()
            .collect()
    }
}

/// The three indicators of one mineral.
pub(crate) struct Assessment {
    pub eu: EuSrAssessment,
    pub gpr: ByStage<StageOutcome<GeoPolRiskAssessment>>,
    pub dp: ByStage<StageOutcome<DisruptionPotential>>,
}

/// Assess one mineral on `q` (the request's one query: production shares and the
/// importer's flows are computed once and shared by the three methods).
pub(crate) fn assess(
    q: &Query,
    importer: &Importer,
    mineral: &str,
    year: Year,
    params: &EuSrParams,
) -> Result<Assessment, AnalysisError> {
    let gap = params.governance_gap();
    let eu = q.eu_supply_risk(importer, mineral, year, params)?;
    let gpr =
        |s: Stage| StageOutcome::from_result(q.geopolrisk(importer, mineral, &s, year, gap), &s);
    let dp = |s: Stage| {
        StageOutcome::from_result(q.disruption_potential(mineral, &s, year, None, gap), &s)
    };
    Ok(Assessment {
        eu,
        gpr: ByStage {
            mining: gpr(Stage::Mining)?,
            refining: gpr(Stage::Refining)?,
        },
        dp: ByStage {
            mining: dp(Stage::Mining)?,
            refining: dp(Stage::Refining)?,
        },
    })
}

impl Assessment {
    pub fn imputed(&self) -> ImputedGovernance {
        let mut out = ImputedGovernance::default();
        for st in [&self.eu.extraction, &self.eu.processing] {
            out.eu_sr.extend(
                st.global
                    .iter()
                    .chain(&st.sourcing)
                    .filter(|s| s.wgi.imputed)
                    .map(|s| s.country),
            );
        }
        for (_, a) in self.gpr.iter() {
            if let Some(a) = a.assessed() {
                out.geopolrisk.extend(
                    a.suppliers
                        .iter()
                        .filter(|s| s.g.imputed)
                        .map(|s| s.country),
                );
            }
        }
        for (_, a) in self.dp.iter() {
            if let Some(a) = a.assessed() {
                out.disruption_potential.extend(
                    a.producers
                        .iter()
                        .filter(|p| p.weight.imputed)
                        .map(|p| p.country),
                );
            }
        }
        out
    }

    /// The production sources behind the world shares and HHIs.
    pub fn production_sources(&self) -> BTreeSet<SourceId> {
        let mut v: BTreeSet<SourceId> = [&self.eu.extraction, &self.eu.processing]
            .iter()
            .filter_map(|st| st.global_source.clone())
            .collect();
        v.extend(
            self.gpr
                .iter()
                .filter_map(|(_, g)| g.assessed().map(|g| g.hhi_source.clone())),
        );
        v.extend(
            self.dp
                .iter()
                .filter_map(|(_, d)| d.assessed().map(|d| d.source.clone())),
        );
        v
    }

    /// Whether an export restriction set a supplier's trade parameter.
    pub fn uses_restrictions(&self) -> bool {
        [&self.eu.extraction, &self.eu.processing].iter().any(|st| {
            st.global
                .iter()
                .chain(&st.sourcing)
                .any(|s| matches!(s.trade.basis, TradeFactorBasis::ExportRestriction { .. }))
        })
    }
}
