//! [`Indexed`]: a dataset with its lookup indexes, built once and shared by every metric.

use crate::governance::GovernanceIndex;
use crate::production::ProductionIndex;
use crate::trade_index::TradeIndex;
use derisk_model::Dataset;

/// A dataset with the indexes the metrics need: trade by (year, HS code), production by
/// (mineral, stage, year), governance by (country, year). Build it once and call the
/// metric methods on it many times; the free functions of this crate build one per call.
#[derive(Debug)]
pub struct Indexed<'a> {
    pub ds: &'a Dataset,
    pub trade: TradeIndex<'a>,
    pub production: ProductionIndex<'a>,
    pub governance: GovernanceIndex,
}

impl<'a> Indexed<'a> {
    /// Build every index (one pass over trade, observations and governance records).
    pub fn new(ds: &'a Dataset) -> Indexed<'a> {
        Indexed {
            ds,
            trade: TradeIndex::new(&ds.trade),
            production: ProductionIndex::new(&ds.observations).with_contained_bases(&ds.minerals),
            governance: GovernanceIndex::new(&ds.governance),
        }
    }

    /// Indexes without trade, for the metrics that read no trade (cheaper for one call).
    pub(crate) fn production_only(ds: &'a Dataset) -> Indexed<'a> {
        Indexed {
            ds,
            trade: TradeIndex::empty(),
            production: ProductionIndex::new(&ds.observations).with_contained_bases(&ds.minerals),
            governance: GovernanceIndex::new(&ds.governance),
        }
    }
}
