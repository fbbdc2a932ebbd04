//! Why an indicator is missing for a mineral at a stage: the engine's typed reason, and a
//! short kind decided on its variants (never on its words).

use super::assess::{Assessment, StageOutcome};
use super::rows::Indicator;
use derisk_analysis::criticality::{EuSrGap, GprsGap};
use derisk_analysis::{AnalysisError, NirNote};
use derisk_model::Stage;
use serde::{Deserialize, Serialize};

/// The engine's reason for a missing indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum GapReason {
    /// An EU SR stage without a result.
    EuSr { gap: EuSrGap },
    /// A GeoPolRisk stage assessed without a score.
    Geopolrisk { gap: GprsGap },
    /// A stage the data does not cover (see [`super::Unavailable`]).
    Unavailable { error: AnalysisError },
}

/// What kind of gap it is, in short.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// No world production figures at the stage.
    NoProductionFigures,
    /// The production figures cannot be added up (different units or bases).
    MixedUnits,
    /// Every figure is zero, or there are neither imports nor domestic production.
    NoSupply,
    /// No HS code carries the mineral at the stage.
    NoHsCodes,
    /// The trade table has no flows in the year.
    NoTradeForYear,
    /// The members' production is unknown, so import reliance is.
    ImportRelianceUnknown,
    /// Production + imports − exports is not positive, so import reliance is undefined.
    ApparentConsumptionNotPositive,
    /// The importer's own production is unknown (GeoPolRisk).
    DomesticProductionUnknown,
    /// Neither production nor imports with a quantity (EU SR sourcing).
    NoSourcingQuantity,
    /// Trade at the stage has values but no quantities (a value-only year).
    TonnageUnknown,
    /// A carrier of the stage has no trade rows at all in the year: trade unknown.
    NoTradeRows,
    /// The EU SR parameters do not assess the stage (the EU's 2023 conventions assess
    /// some materials at one stage only).
    NotAssessed,
    /// Any other reason: see the full reason.
    Other,
}

fn error_kind(e: &AnalysisError) -> GapKind {
    match e {
        AnalysisError::NoFigures(_) => GapKind::NoProductionFigures,
        AnalysisError::MixedUnits { .. } => GapKind::MixedUnits,
        AnalysisError::NoSupply(_) => GapKind::NoSupply,
        AnalysisError::NoHsCarriers { .. } => GapKind::NoHsCodes,
        AnalysisError::NoTradeForYear(_) => GapKind::NoTradeForYear,
        _ => GapKind::Other,
    }
}

impl GapReason {
    pub fn kind(&self) -> GapKind {
        match self {
            GapReason::EuSr { gap } => match gap {
                EuSrGap::GlobalSupply { error } | EuSrGap::Sourcing { error } => error_kind(error),
                EuSrGap::ImportRelianceUnknown { note } => match note {
                    NirNote::ApparentConsumptionNotPositive { .. } => {
                        GapKind::ApparentConsumptionNotPositive
                    }
                    NirNote::TonnageUnknown { .. } => GapKind::TonnageUnknown,
                    NirNote::NoTradeRows { .. } => GapKind::NoTradeRows,
                    _ => GapKind::ImportRelianceUnknown,
                },
                EuSrGap::NoSourcingQuantity => GapKind::NoSourcingQuantity,
                EuSrGap::NotAssessed => GapKind::NotAssessed,
            },
            GapReason::Geopolrisk { gap } => match gap {
                GprsGap::ProductionUnknown { .. } => GapKind::DomesticProductionUnknown,
                GprsGap::NoSupply => GapKind::NoSupply,
                GprsGap::TonnageUnknown { .. } => GapKind::TonnageUnknown,
                GprsGap::NoTradeRows { .. } => GapKind::NoTradeRows,
            },
            GapReason::Unavailable { error } => error_kind(error),
        }
    }
}

/// An indicator missing at a stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorGap {
    pub indicator: Indicator,
    pub stage: Stage,
    pub kind: GapKind,
    pub reason: GapReason,
}

impl IndicatorGap {
    fn new(indicator: Indicator, stage: Stage, reason: GapReason) -> IndicatorGap {
        IndicatorGap {
            indicator,
            stage,
            kind: reason.kind(),
            reason,
        }
    }
}

/// The gaps of a mineral's summary row: the EU SR stages when there is no SR at all (a
/// stage without a result does not matter when the other gives the SR), and every
/// GeoPolRisk and disruption-potential stage without a value.
pub(crate) fn summary_gaps(a: &Assessment) -> Vec<IndicatorGap> {
    let mut v = Vec::new();
    if a.eu.sr.is_none() {
        for st in [&a.eu.extraction, &a.eu.processing] {
            if let Some(gap) = &st.reason {
                v.push(IndicatorGap::new(
                    Indicator::EuSr,
                    st.stage.clone(),
                    GapReason::EuSr { gap: gap.clone() },
                ));
            }
        }
    }
    for (stage, o) in a.gpr.iter() {
        let reason = match o {
            StageOutcome::Assessed(g) => g.reason.clone().map(|gap| GapReason::Geopolrisk { gap }),
            StageOutcome::Unavailable(u) => Some(GapReason::Unavailable {
                error: u.error.clone(),
            }),
        };
        if let Some(r) = reason {
            v.push(IndicatorGap::new(Indicator::Geopolrisk, stage, r));
        }
    }
    for (stage, o) in a.dp.iter() {
        if let StageOutcome::Unavailable(u) = o {
            v.push(IndicatorGap::new(
                Indicator::DisruptionPotential,
                stage,
                GapReason::Unavailable {
                    error: u.error.clone(),
                },
            ));
        }
    }
    v
}
