//! [`StoredTables`]: tables kept outside the [`crate::Dataset`] and read a part at a time
//! (the embedded snapshot, whose sections are decompressed on first use), so a query pays
//! only for the parts it touches.

use crate::{
    CountryCode, GovernanceDimension, MineralId, Observation, TradeFlow, TradeGroupHeader, Year,
};

/// Trade flows by (year, nomenclature, HS code) group and observations by mineral, read on
/// request. The store has verified every part's checksum before handing itself out, so
/// reading a part cannot meet corrupt bytes.
pub trait StoredTables: Send + Sync + std::fmt::Debug {
    /// Every trade group, sorted by (year, nomenclature, code), each at most once.
    fn trade_headers(&self) -> &[TradeGroupHeader];
    /// The flows of trade group `i` (an index into [`StoredTables::trade_headers`]),
    /// sorted by (exporter, importer), each with the group's year, nomenclature and code.
    fn load_trade(&self, i: usize) -> Vec<TradeFlow>;
    /// The minerals with observations, in the order the dataset lists them.
    fn observation_minerals(&self) -> &[MineralId];
    /// The latest year of any production figure (any mineral), without reading them.
    fn latest_production_year(&self) -> Option<Year>;
    /// Every governance estimate, in the dataset's order, as (country, year, dimension,
    /// estimate), without building the records.
    fn visit_governance_estimates(
        &self,
        visit: &mut dyn FnMut(CountryCode, Year, GovernanceDimension, f64),
    );
    /// One mineral's observations (every measure), in the dataset's order; empty for a
    /// mineral not in [`StoredTables::observation_minerals`].
    fn load_observations(&self, mineral: &MineralId) -> Vec<Observation>;
}
