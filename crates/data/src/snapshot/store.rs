//! [`SnapshotStore`]: the embedded snapshot's trade groups and per-mineral observations,
//! each section inflated and decoded the first time a query asks for it.

use super::container::{inflate, Container, Section};
use super::{governance, section_in, trade_groups};
use crate::error::Result;
use derisk_model::{
    CountryCode, GovernanceDimension, MineralId, Observation, StoredTables, TradeFlow,
    TradeGroupHeader, Year,
};

/// The sections of a snapshot that lives as long as the program. Every section's checksum
/// was verified when the snapshot was opened.
pub struct SnapshotStore {
    bytes: &'static [u8],
    trade_headers: Vec<TradeGroupHeader>,
    trade: Vec<Section>,
    minerals: Vec<MineralId>,
    observations: Vec<Section>,
    latest_production_year: Option<Year>,
    governance: Section,
}

impl SnapshotStore {
    pub(crate) fn new(
        bytes: &'static [u8],
        trade: Vec<(TradeGroupHeader, Section)>,
        observations: Vec<(MineralId, Section)>,
        latest_production_year: Option<Year>,
        governance: Section,
    ) -> SnapshotStore {
        let (trade_headers, trade) = trade.into_iter().unzip();
        let (minerals, observations) = observations.into_iter().unzip();
        SnapshotStore {
            bytes,
            trade_headers,
            trade,
            minerals,
            observations,
            latest_production_year,
            governance,
        }
    }

    fn container(&self) -> Result<Container<'static>> {
        Container::parse(self.bytes, super::FORMAT_VERSION)
    }

    /// Read trade group `i`, reporting a corrupt section as an error.
    pub fn try_load_trade(&self, i: usize) -> Result<Vec<TradeFlow>> {
        let c = self.container()?;
        let (h, s) = (&self.trade_headers[i], &self.trade[i]);
        trade_groups::decode_group(&inflate(c.stored(s, &"trade group")?, s)?, h)
    }

    /// Read one mineral's observations, reporting a corrupt section as an error.
    pub fn try_load_observations(&self, mineral: &MineralId) -> Result<Vec<Observation>> {
        let Some(i) = self.minerals.iter().position(|m| m == mineral) else {
            return Ok(Vec::new());
        };
        section_in(&self.container()?, &self.observations[i], "observations")
    }
}

impl std::fmt::Debug for SnapshotStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotStore")
            .field("bytes", &self.bytes.len())
            .field("trade_groups", &self.trade.len())
            .field("minerals", &self.minerals.len())
            .finish()
    }
}

// Only the embedded snapshot is opened this way, and every section's checksum was verified
// on opening: a failure below is a defect of the build that wrote it.
impl StoredTables for SnapshotStore {
    fn trade_headers(&self) -> &[TradeGroupHeader] {
        &self.trade_headers
    }

    fn load_trade(&self, i: usize) -> Vec<TradeFlow> {
        self.try_load_trade(i).unwrap_or_else(|e| {
            let h = &self.trade_headers[i];
            panic!("embedded snapshot, trade group {} {:?}: {e}", h.year, h.key)
        })
    }

    fn observation_minerals(&self) -> &[MineralId] {
        &self.minerals
    }

    fn latest_production_year(&self) -> Option<Year> {
        self.latest_production_year
    }

    fn visit_governance_estimates(
        &self,
        visit: &mut dyn FnMut(CountryCode, Year, GovernanceDimension, f64),
    ) {
        let s = &self.governance;
        self.container()
            .and_then(|c| {
                governance::visit_estimates(&inflate(c.stored(s, &"governance")?, s)?, visit)
            })
            .unwrap_or_else(|e| panic!("embedded snapshot, governance: {e}"))
    }

    fn load_observations(&self, mineral: &MineralId) -> Vec<Observation> {
        self.try_load_observations(mineral)
            .unwrap_or_else(|e| panic!("embedded snapshot, observations of {mineral}: {e}"))
    }
}
