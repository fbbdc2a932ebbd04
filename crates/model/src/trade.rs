use crate::{CountryCode, HsCode, Provenance, Year};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One bilateral flow: what `exporter` shipped to `importer` under `hs` in `year`.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TradeFlow {
    pub year: Year,
    pub exporter: CountryCode,
    pub importer: CountryCode,
    pub hs: HsCode,
    /// Value, thousand current US dollars (FOB as reconciled by the source).
    pub value_kusd: f64,
    /// Quantity, metric tonnes of product (not of contained element); `None` when the
    /// source has no quantity for the flow.
    pub quantity_t: Option<f64>,
}

/// Bilateral trade flows from one source, sorted by (year, hs, exporter, importer).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TradeTable {
    pub provenance: Option<Provenance>,
    pub flows: Vec<TradeFlow>,
}

impl TradeTable {
    pub fn years(&self) -> Option<(Year, Year)> {
        let min = self.flows.iter().map(|f| f.year).min()?;
        let max = self.flows.iter().map(|f| f.year).max()?;
        Some((min, max))
    }
}
