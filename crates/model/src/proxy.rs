//! How derisk's trade proxy for a stage was computed, per mineral and year: the carriers it
//! read, what it measured, and what limited it. The proxy's figures are observations with
//! [`Evidence::TradeInference`](crate::Evidence); these records say what they rest on.

use crate::{HsKey, MineralId, Stage, Year};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a trade proxy measures.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProxyMeasure {
    /// Net exports (exports − imports) of contained element, tonnes: Σ quantity × content
    /// factor over the flows with a quantity and a plausible unit value.
    NetExportsContained,
    /// Net exports by value, thousand USD: no flow of any carrier had a quantity in the
    /// year, so shares are of value and tonnage is unavailable.
    NetExportsValue,
}

/// One carrier of the stage as the proxy read it in one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProxyCarrier {
    pub hs: HsKey,
    /// Mass fraction of contained element per tonne of product.
    pub content_factor: f64,
    /// Flows under the code in the year (0: the code has no trade rows that year).
    pub flows: usize,
    /// Flows that entered the measure.
    pub used: usize,
    /// Flows without a quantity, left out of a contained-tonnes measure.
    pub without_quantity: usize,
    /// Flows whose unit value is outside the plausible band, left out.
    pub implausible_unit_value: usize,
    /// The band's centre: the value-weighted median unit value of the code's flows with a
    /// quantity in the year, USD per kg of product (`None` without any such flow).
    pub median_unit_value_usd_per_kg: Option<f64>,
}

/// How the trade proxy of one mineral's stage was computed for one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TradeProxy {
    pub mineral: MineralId,
    pub stage: Stage,
    pub year: Year,
    /// What the shares are shares of; `None` when no flow could be used (no shares).
    pub measure: Option<ProxyMeasure>,
    /// A flow is plausible when its unit value lies within this factor of the carrier's
    /// median unit value (above `median / factor` and below `median × factor`).
    pub unit_value_band: f64,
    pub carriers: Vec<ProxyCarrier>,
    /// Countries with positive net exports: each has a share.
    pub net_exporters: usize,
    /// Countries in the used flows whose net exports are ≤ 0 (net importers, or traders
    /// whose exports do not exceed their imports): they count as 0 on the proxy's basis.
    pub not_net_exporters: usize,
    /// World sum of positive net exports, in the measure's unit (t contained or kUSD).
    pub total: f64,
}
