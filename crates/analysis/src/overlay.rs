//! Scenario changes laid over the engine's data: scale what a country exports (to everyone
//! or to chosen importers, of one mineral, stage or HS code), or scale or add to what a
//! country produces at a stage. Queries read every trade flow and production figure
//! through the overlay, so a scenario touches only what it names and never copies the
//! dataset.

use crate::dependence::CarrierUsed;
use crate::error::{AnalysisError, Result};
use derisk_model::{CountryCode, HsKey, MineralId, Stage, TradeFlow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How a production figure changes.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductionChange {
    /// Multiply the figure (0 = an outage, 0.5 = half).
    Factor(f64),
    /// Add contained tonnes (new capacity; negative to remove, never below zero).
    AddTonnes(f64),
}

/// One change of an [`Overlay`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum OverlayRule {
    /// Multiply the value and quantity of `exporter`'s flows by `factor`, restricted to a
    /// mineral's carriers, a stage, one carrier (nomenclature and code) and/or some
    /// importers when given.
    Exports {
        exporter: CountryCode,
        mineral: Option<MineralId>,
        stage: Option<Stage>,
        carrier: Option<HsKey>,
        /// Only flows to these importers; all importers when `None`.
        importers: Option<BTreeSet<CountryCode>>,
        factor: f64,
    },
    /// Change `country`'s production of `mineral` at `stage`.
    Production {
        country: CountryCode,
        mineral: MineralId,
        stage: Stage,
        change: ProductionChange,
    },
}

/// A set of changes to the data, applied in order. The empty overlay changes nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Overlay {
    pub rules: Vec<OverlayRule>,
}

impl Overlay {
    /// An overlay of these rules (checked when an engine takes it).
    pub fn new(rules: Vec<OverlayRule>) -> Overlay {
        Overlay { rules }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether any rule changes trade.
    pub fn touches_trade(&self) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r, OverlayRule::Exports { .. }))
    }

    /// Every factor finite and non-negative; every added quantity finite.
    pub fn validate(&self) -> Result<()> {
        for r in &self.rules {
            let (name, v, ok) = match r {
                OverlayRule::Exports { factor, .. } => (
                    "exports factor",
                    *factor,
                    factor.is_finite() && *factor >= 0.0,
                ),
                OverlayRule::Production { change, .. } => match change {
                    ProductionChange::Factor(f) => {
                        ("production factor", *f, f.is_finite() && *f >= 0.0)
                    }
                    ProductionChange::AddTonnes(t) => ("added tonnes", *t, t.is_finite()),
                },
            };
            if !ok {
                return Err(AnalysisError::InvalidParameter {
                    name: name.into(),
                    value: v,
                    expected: "a finite number (factors at least 0)".into(),
                });
            }
        }
        Ok(())
    }

    /// The factor on one flow of `mineral` read through `carrier`: the product of the
    /// factors of every matching rule (1 when none matches).
    pub fn trade_factor(&self, mineral: &str, carrier: &CarrierUsed, f: &TradeFlow) -> f64 {
        let mut k = 1.0;
        for r in &self.rules {
            if let OverlayRule::Exports {
                exporter,
                mineral: m,
                stage,
                carrier: hs,
                importers,
                factor,
            } = r
            {
                let hit = *exporter == f.exporter
                    && m.as_ref().is_none_or(|m| m.as_str() == mineral)
                    && stage.as_ref().is_none_or(|s| *s == carrier.stage)
                    && hs.is_none_or(|h| h == carrier.key())
                    && importers.as_ref().is_none_or(|i| i.contains(&f.importer));
                if hit {
                    k *= factor;
                }
            }
        }
        k
    }

    /// A flow as the overlay sees it (itself when no rule matches).
    pub fn flow(&self, mineral: &str, carrier: &CarrierUsed, f: &TradeFlow) -> TradeFlow {
        if self.rules.is_empty() {
            return *f;
        }
        let k = self.trade_factor(mineral, carrier, f);
        if k == 1.0 {
            return *f;
        }
        TradeFlow {
            value_kusd: f.value_kusd * k,
            quantity_t: f.quantity_t.map(|q| q * k),
            ..*f
        }
    }

    /// A country's production in contained tonnes as the overlay sees it: `tonnes` (`None`
    /// when the country has no figure) changed by every matching rule in order. A factor
    /// leaves an absent figure absent; an addition to an absent figure starts from zero.
    pub fn production_tonnes(
        &self,
        mineral: &str,
        stage: &Stage,
        country: CountryCode,
        tonnes: Option<f64>,
    ) -> Option<f64> {
        let mut t = tonnes;
        for r in &self.rules {
            if let OverlayRule::Production {
                country: c,
                mineral: m,
                stage: s,
                change,
            } = r
            {
                if *c == country && m.as_str() == mineral && s == stage {
                    t = match change {
                        ProductionChange::Factor(f) => t.map(|v| v * f),
                        ProductionChange::AddTonnes(a) => Some((t.unwrap_or(0.0) + a).max(0.0)),
                    };
                }
            }
        }
        t
    }

    /// Whether any rule changes `country`'s production of the mineral at the stage.
    pub fn touches_production(&self, mineral: &str, stage: &Stage, country: CountryCode) -> bool {
        self.rules.iter().any(|r| {
            matches!(r, OverlayRule::Production { country: c, mineral: m, stage: s, .. }
                if *c == country && m.as_str() == mineral && s == stage)
        })
    }

    /// Countries whose production of the mineral at the stage a rule changes.
    pub fn production_countries(&self, mineral: &str, stage: &Stage) -> BTreeSet<CountryCode> {
        self.rules
            .iter()
            .filter_map(|r| match r {
                OverlayRule::Production {
                    country,
                    mineral: m,
                    stage: s,
                    ..
                } if m.as_str() == mineral && s == stage => Some(*country),
                _ => None,
            })
            .collect()
    }
}
