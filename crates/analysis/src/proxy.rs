//! The label every trade-proxy figure set carries wherever it is shown: what it stands for,
//! what it rests on (the dataset's [`TradeProxy`] record of the computation) and what
//! limits it (codes without trade in the year, flows without a quantity, flows whose unit
//! value cannot be the product, value-only years).

use derisk_model::{Dataset, HsKey, ProxyMeasure, Stage, TradeProxy, Year};
use serde::{Deserialize, Serialize};

/// Why a set of production figures is a proxy, what it rests on and what limits it. A
/// figure set with evidence `trade_inference` always carries one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProxyNote {
    /// The stage the proxy stands in for (refining): the figures are shares of world net
    /// exports of the stage's products, not production.
    pub stands_for: Stage,
    /// How the proxy was computed for the year, as the dataset records it.
    pub record: Option<TradeProxy>,
    /// What limits it, from the record.
    pub limits: Vec<ProxyLimit>,
}

/// One thing that limits a trade proxy in a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProxyLimit {
    /// The dataset does not record how the proxy was computed.
    NotRecorded,
    /// No flow of any carrier has a quantity: shares are of value, tonnage is unavailable.
    ValueOnly,
    /// The carrier has no trade rows in the year: its trade is unknown and not in the
    /// proxy.
    NoTradeInYear { hs: HsKey },
    /// `flows` of the carrier's `of` flows have no quantity and are left out of the
    /// contained tonnes.
    FlowsWithoutQuantity { hs: HsKey, flows: usize, of: usize },
    /// `flows` of the carrier's `of` flows have a unit value outside the plausible band
    /// (see [`TradeProxy::unit_value_band`]) and are left out.
    ImplausibleUnitValue { hs: HsKey, flows: usize, of: usize },
}

/// The proxy note of a mineral's stage in a year, from the dataset's record.
pub fn proxy_note(ds: &Dataset, mineral: &str, stage: &Stage, year: Year) -> ProxyNote {
    let record = ds.trade_proxy(mineral, stage, year).cloned();
    let limits = match &record {
        None => vec![ProxyLimit::NotRecorded],
        Some(r) => limits(r),
    };
    ProxyNote {
        stands_for: stage.clone(),
        record,
        limits,
    }
}

fn limits(r: &TradeProxy) -> Vec<ProxyLimit> {
    let mut v = Vec::new();
    if r.measure == Some(ProxyMeasure::NetExportsValue) {
        v.push(ProxyLimit::ValueOnly);
    }
    for c in &r.carriers {
        if c.flows == 0 {
            v.push(ProxyLimit::NoTradeInYear { hs: c.hs });
            continue;
        }
        if r.measure == Some(ProxyMeasure::NetExportsContained) && c.without_quantity > 0 {
            v.push(ProxyLimit::FlowsWithoutQuantity {
                hs: c.hs,
                flows: c.without_quantity,
                of: c.flows,
            });
        }
        if c.implausible_unit_value > 0 {
            v.push(ProxyLimit::ImplausibleUnitValue {
                hs: c.hs,
                flows: c.implausible_unit_value,
                of: c.flows,
            });
        }
    }
    v
}
