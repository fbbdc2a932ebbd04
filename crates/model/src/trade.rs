use crate::{CountryCode, HsCode, HsKey, Nomenclature, Provenance, SourceId, Year};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One bilateral flow: what `exporter` shipped to `importer` under `hs` (a subheading of
/// `nomenclature`) in `year`.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TradeFlow {
    pub year: Year,
    pub exporter: CountryCode,
    pub importer: CountryCode,
    /// The HS edition `hs` belongs to.
    pub nomenclature: Nomenclature,
    pub hs: HsCode,
    /// Value, thousand current US dollars (FOB as reconciled by the source).
    pub value_kusd: f64,
    /// Quantity, metric tonnes of product (not of contained element); `None` when the
    /// source has no quantity for the flow (unknown, never zero; every flow of a
    /// value-only part, see [`QuantityCoverage::ValueOnly`]).
    pub quantity_t: Option<f64>,
}

impl TradeFlow {
    /// (nomenclature, code): what carriers are matched on.
    pub fn key(&self) -> HsKey {
        HsKey::new(self.nomenclature, self.hs)
    }
}

/// Whether the flows of a [`TradePart`] carry quantities.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuantityCoverage {
    /// The source gives a quantity (tonnes of product) for each flow where it has one;
    /// flows without one keep `None`.
    Reported,
    /// The source gives values only: no flow has a quantity, so value shares are known and
    /// tonnages are not.
    ValueOnly,
}

/// One part of a trade table: the flows read from one file in one nomenclature, over a
/// span of years.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TradePart {
    pub source: SourceId,
    /// The file read, relative to the raw data directory.
    pub file: String,
    pub nomenclature: Nomenclature,
    pub first_year: Year,
    pub last_year: Year,
    pub quantities: QuantityCoverage,
    /// Flows kept from the file in this nomenclature.
    pub flows: usize,
}

/// Bilateral trade flows, sorted by (year, nomenclature, hs, exporter, importer).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TradeTable {
    /// The table as a whole (its main source and what it holds).
    pub provenance: Option<Provenance>,
    pub flows: Vec<TradeFlow>,
    /// What each file read contributed (empty for a table read from one file without a
    /// description of its parts).
    pub parts: Vec<TradePart>,
}

impl TradeTable {
    pub fn years(&self) -> Option<(Year, Year)> {
        let min = self.flows.iter().map(|f| f.year).min()?;
        let max = self.flows.iter().map(|f| f.year).max()?;
        Some((min, max))
    }

    /// Every source the table's flows come from (its provenance, then its parts), in id
    /// order without repeats.
    pub fn sources(&self) -> Vec<SourceId> {
        let mut ids: Vec<SourceId> = self
            .provenance
            .iter()
            .map(|p| p.source.clone())
            .chain(self.parts.iter().map(|p| p.source.clone()))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The part that holds flows of `nomenclature` in `year`, if any.
    pub fn part(&self, nomenclature: Nomenclature, year: Year) -> Option<&TradePart> {
        self.parts
            .iter()
            .find(|p| p.nomenclature == nomenclature && p.first_year <= year && year <= p.last_year)
    }
}

/// One (year, nomenclature, HS code) group of a trade table, as a store lists it without
/// reading its flows.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TradeGroupHeader {
    pub year: Year,
    pub key: HsKey,
    /// Flows in the group.
    pub flows: u32,
    /// Flows with a quantity.
    pub with_quantity: u32,
}
