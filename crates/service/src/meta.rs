//! What every response carries besides its figures: which mineral it is about, and the
//! sources it rests on with the attribution their licences require.

use derisk_analysis::Engine;
use derisk_model::{Mineral, SourceId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A mineral as responses name it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MineralRef {
    pub id: String,
    pub name: String,
    /// Chemical symbol or short label (`Li`, `REE`).
    pub symbol: String,
}

impl From<&Mineral> for MineralRef {
    fn from(m: &Mineral) -> MineralRef {
        MineralRef {
            id: m.id.to_string(),
            name: m.name.clone(),
            symbol: m.symbol.clone(),
        }
    }
}

/// A source an answer rests on, with the attribution its licence requires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attribution {
    pub source: SourceId,
    pub attribution: String,
    pub licence: String,
}

/// The attribution of each source in `ids` that the dataset describes, in id order.
pub fn attributions<'a>(
    engine: &Engine,
    ids: impl IntoIterator<Item = &'a SourceId>,
) -> Vec<Attribution> {
    let ids: BTreeSet<&SourceId> = ids.into_iter().collect();
    ids.into_iter()
        .filter_map(|id| engine.source(id.as_str()))
        .map(|s| Attribution {
            source: s.id.clone(),
            attribution: s.attribution.clone(),
            licence: s.licence.clone(),
        })
        .collect()
}

/// Every source of the loaded trade table (its main source and those of its parts), for
/// attribution.
pub fn trade_sources(engine: &Engine) -> Vec<SourceId> {
    engine.dataset().trade.sources()
}

/// The trade table's main source, if the loaded table names one.
pub fn trade_source(engine: &Engine) -> Option<SourceId> {
    engine
        .dataset()
        .trade
        .provenance
        .as_ref()
        .map(|p| p.source.clone())
}

/// A country's English name, or its code when the dataset has no name for it.
pub fn country_name(engine: &Engine, c: derisk_model::CountryCode) -> String {
    engine
        .country(c)
        .map_or_else(|| c.to_string(), |x| x.name.clone())
}
