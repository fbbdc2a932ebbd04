//! The words for the service's own typed notes and reasons (`Display` impls), beside
//! `derisk_analysis::explain` for the engine's. Code and tests match on the types; this text
//! is only ever shown.

use crate::criticality::{GapKind, GapReason, Indicator, IndicatorGap, OverrideField};
use crate::defaults::SourceBasis;
use crate::dependence::{ShareBasis, SummaryNote};
use derisk_analysis::explain::Percent;
use std::fmt;

impl fmt::Display for SummaryNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SummaryNote::NoImports => f.write_str("no imports recorded"),
            SummaryNote::NoQuantity => {
                f.write_str("no import flow has a quantity: the largest share is by value")
            }
            SummaryNote::NirUnknown { note } => write!(f, "NIR unknown: {note}"),
            SummaryNote::NirByStage { stages } => {
                f.write_str("NIR by stage: ")?;
                for (i, s) in stages.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match s.nir {
                        Some(n) => write!(f, "{} {}", s.stage, Percent(n))?,
                        None => write!(f, "{} unknown", s.stage)?,
                    }
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for SourceBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceBasis::Requested => "requested",
            SourceBasis::StrongestEvidence => "the strongest evidence with figures",
            SourceBasis::TradeProxyOnly => {
                "a trade proxy, not production: no statistics exist for this stage and year"
            }
        })
    }
}

impl fmt::Display for ShareBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ShareBasis::ContainedQuantity => "by contained quantity",
            ShareBasis::Value => "by value (no import flow has a quantity)",
        })
    }
}

impl fmt::Display for GapReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GapReason::EuSr { gap } => write!(f, "{gap}"),
            GapReason::Geopolrisk { gap } => write!(f, "{gap}"),
            GapReason::Unavailable { error } => write!(f, "{error}"),
        }
    }
}

impl fmt::Display for GapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GapKind::NoProductionFigures => "no production figures",
            GapKind::MixedUnits => "production figures in incompatible units",
            GapKind::NoSupply => "no supply",
            GapKind::NoHsCodes => "no HS codes at this stage",
            GapKind::NoTradeForYear => "no trade in the year",
            GapKind::ImportRelianceUnknown => {
                "import reliance unknown (members' production unknown)"
            }
            GapKind::ApparentConsumptionNotPositive => {
                "import reliance undefined (apparent consumption not positive)"
            }
            GapKind::DomesticProductionUnknown => "domestic production unknown",
            GapKind::NoSourcingQuantity => "no production and no imports with a quantity",
            GapKind::TonnageUnknown => "trade tonnage unknown (values only in this year)",
            GapKind::Other => "not computable",
        })
    }
}

/// In short: "EU SR mining: no HS codes at this stage" (the full reason for
/// [`GapKind::Other`]).
impl fmt::Display for IndicatorGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.indicator, self.stage)?;
        match self.kind {
            GapKind::Other => write!(f, "{}", self.reason),
            k => write!(f, "{k}"),
        }
    }
}

impl fmt::Display for OverrideField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Indicator::EuSr => "EU SR",
            Indicator::Geopolrisk => "GeoPolRisk",
            Indicator::DisruptionPotential => "disruption potential",
        })
    }
}
