//! [`Engine`]: the dataset with its indexes, owned and shared; [`Query`]: one request's view
//! of it, computing each building block once.

use crate::dependence::{Dependence, Importer};
use crate::error::Result;
use crate::governance::GovernanceIndex;
use crate::overlay::Overlay;
use crate::production::ProductionIndex;
use crate::supply::StageConcentration;
use crate::trade_index::{full_key, is_sorted, TradeIndex};
use crate::Thresholds;
use derisk_model::{
    Country, CountryCode, CountryGroup, Dataset, Date, ExportRestriction, Mineral, Source, Stage,
    StoredTables, Year,
};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

/// The indexes, built once per dataset and shared by every [`Engine`] over it.
#[derive(Debug)]
struct Indexes {
    ds: Arc<Dataset>,
    trade: TradeIndex,
    /// Where trade groups and each mineral's observations are read, when the dataset does
    /// not hold them.
    store: Option<Arc<dyn StoredTables>>,
    /// Built on first use, so a request that needs no production figures or governance
    /// never reads them.
    production: OnceLock<ProductionIndex>,
    governance: OnceLock<GovernanceIndex>,
}

/// A dataset with the indexes every metric needs (trade by year and HS code, production by
/// mineral, stage and year, governance by country and year), owned and cheap to clone:
/// one engine serves any number of threads (`Send + Sync + 'static`).
///
/// An engine may carry an [`Overlay`] (a scenario's changes to trade or production): the
/// queries read every figure through it, so a scenario never copies the dataset.
///
/// ```
/// use derisk_analysis::Engine;
/// let engine = Engine::new(derisk_model::Dataset::default());
/// assert!(engine.trade().is_empty());
/// ```
#[derive(Clone, Debug)]
pub struct Engine {
    indexes: Arc<Indexes>,
    overlay: Arc<Overlay>,
}

impl Engine {
    /// Group the trade table (one pass; the table is sorted by (year, hs, exporter,
    /// importer) first if it is not already). The production and governance indexes, and
    /// each trade group's importer order and totals, are built on first use.
    pub fn new(ds: impl Into<Arc<Dataset>>) -> Engine {
        let mut ds: Arc<Dataset> = ds.into();
        if !is_sorted(&ds.trade.flows) {
            Arc::make_mut(&mut ds).trade.flows.sort_by_key(full_key);
        }
        Engine {
            indexes: Arc::new(Indexes {
                trade: TradeIndex::held(ds.clone()),
                store: None,
                production: OnceLock::new(),
                governance: OnceLock::new(),
                ds,
            }),
            overlay: Arc::new(Overlay::default()),
        }
    }

    /// An engine over a dataset whose trade flows are kept in `store` (the embedded
    /// snapshot's groups, read on first use) rather than in `ds.trade.flows`, which must be
    /// empty, and whose production figures the index reads from `store` mineral by
    /// mineral: a query then reads only the trade groups and minerals it touches.
    /// `ds.observations` must hold the same observations (it may be a
    /// [`derisk_model::LazyVec`] that reads them only if someone asks for all of them).
    ///
    /// # Panics
    /// If `ds.trade.flows` is not empty (the flows would be counted twice or not at all).
    pub fn with_store(ds: impl Into<Arc<Dataset>>, store: Arc<dyn StoredTables>) -> Engine {
        let ds: Arc<Dataset> = ds.into();
        assert!(
            ds.trade.flows.is_empty(),
            "a dataset with stored trade holds no flows itself"
        );
        Engine {
            indexes: Arc::new(Indexes {
                trade: TradeIndex::stored(store.clone()),
                store: Some(store),
                production: OnceLock::new(),
                governance: OnceLock::new(),
                ds,
            }),
            overlay: Arc::new(Overlay::default()),
        }
    }

    /// The same data and indexes seen through `overlay` (nothing is copied or re-indexed).
    ///
    /// Errors: an invalid overlay (see [`Overlay::validate`]).
    pub fn with_overlay(&self, overlay: Overlay) -> Result<Engine> {
        overlay.validate()?;
        Ok(Engine {
            indexes: self.indexes.clone(),
            overlay: Arc::new(overlay),
        })
    }

    /// A request's view: each building block it computes is kept for the rest of it.
    pub fn query(&self) -> Query<'_> {
        Query {
            engine: self,
            concentrations: RefCell::new(HashMap::new()),
            dependences: RefCell::new(HashMap::new()),
            work: Cell::new(Work::default()),
        }
    }

    /// The dataset (for reports over all of it: sources, coverage checks). Its trade
    /// flows may be kept elsewhere (see [`Engine::with_store`]): read flows through
    /// [`Engine::trade`], or take [`Engine::dataset_with_flows`].
    pub fn dataset(&self) -> &Dataset {
        &self.indexes.ds
    }

    /// The dataset with every trade flow in its table, reading a store's groups if the
    /// flows are kept in one (for checks over the whole table).
    pub fn dataset_with_flows(&self) -> std::borrow::Cow<'_, Dataset> {
        if !self.indexes.trade.is_stored() {
            return std::borrow::Cow::Borrowed(&self.indexes.ds);
        }
        let mut ds = (*self.indexes.ds).clone();
        ds.trade.flows = self.indexes.trade.all_flows();
        std::borrow::Cow::Owned(ds)
    }
    pub fn trade(&self) -> &TradeIndex {
        &self.indexes.trade
    }
    pub fn production(&self) -> &ProductionIndex {
        let ix = &self.indexes;
        ix.production
            .get_or_init(|| ProductionIndex::new(ix.ds.clone(), ix.store.clone()))
    }
    pub fn governance(&self) -> &GovernanceIndex {
        let ix = &self.indexes;
        ix.governance.get_or_init(|| match &ix.store {
            Some(st) => GovernanceIndex::from_estimates(|v| st.visit_governance_estimates(v)),
            None => GovernanceIndex::new(&ix.ds.governance),
        })
    }
    pub fn overlay(&self) -> &Overlay {
        &self.overlay
    }
    pub fn minerals(&self) -> &[Mineral] {
        &self.indexes.ds.minerals
    }
    pub fn mineral(&self, id: &str) -> Option<&Mineral> {
        self.indexes.ds.mineral(id)
    }
    pub fn countries(&self) -> &[Country] {
        &self.indexes.ds.countries
    }
    pub fn country(&self, code: CountryCode) -> Option<&Country> {
        self.indexes.ds.country(code)
    }
    pub fn groups(&self) -> &[CountryGroup] {
        &self.indexes.ds.groups
    }
    pub fn group(&self, id: &str) -> Option<&CountryGroup> {
        self.indexes.ds.group(id)
    }
    pub fn sources(&self) -> &[Source] {
        &self.indexes.ds.sources
    }
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.indexes.ds.source(id)
    }
    pub fn restrictions(&self) -> &[ExportRestriction] {
        &self.indexes.ds.restrictions
    }

    /// The days the export-restriction table covers: from its earliest `start` to the
    /// latest day any measure or suspension names (a start or an end). `None` without
    /// restrictions. A date outside it is one the table knows nothing about.
    pub fn restrictions_range(&self) -> Option<(Date, Date)> {
        let rs = &self.indexes.ds.restrictions;
        let first = rs.iter().map(|r| r.start).min()?;
        let named = rs.iter().flat_map(|r| {
            [Some(r.start), r.end].into_iter().flatten().chain(
                r.suspensions
                    .iter()
                    .flat_map(|s| [Some(s.start), s.end].into_iter().flatten()),
            )
        });
        let last = named.max()?;
        Some((first, last))
    }
}

/// How many building blocks a [`Query`] computed, and how often it reused one.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Work {
    /// Stage concentrations (production shares) computed.
    pub stage_concentrations: usize,
    /// Dependences (contained-tonne flows by partner, stage balances) computed.
    pub dependences: usize,
    /// Requests answered from what the query had already computed.
    pub reused: usize,
}

type ConcentrationKey = (String, Stage, Year, Option<String>);
type DependenceKey = (Importer, String, Year, Option<Stage>, Option<Importer>);

/// One request's view of an [`Engine`]. The building blocks (a stage's production shares,
/// an importer's flows by partner and stage balances) are computed at most once per query
/// and reused by every metric that needs them (briefing, EU SR, GeoPolRisk, disruption
/// potential). A query lives for one request on one thread; the engine is what is shared.
#[derive(Debug)]
pub struct Query<'e> {
    engine: &'e Engine,
    concentrations: RefCell<HashMap<ConcentrationKey, Result<Rc<StageConcentration>>>>,
    dependences: RefCell<HashMap<DependenceKey, Result<Rc<Dependence>>>>,
    work: Cell<Work>,
}

impl<'e> Query<'e> {
    pub fn engine(&self) -> &'e Engine {
        self.engine
    }
    pub(crate) fn ds(&self) -> &'e Dataset {
        self.engine.dataset()
    }
    pub(crate) fn trade(&self) -> &'e TradeIndex {
        self.engine.trade()
    }
    pub(crate) fn production(&self) -> &'e ProductionIndex {
        self.engine.production()
    }
    pub(crate) fn governance(&self) -> &'e GovernanceIndex {
        self.engine.governance()
    }
    pub(crate) fn overlay(&self) -> &'e Overlay {
        self.engine.overlay()
    }

    /// What this query has computed so far.
    pub fn work(&self) -> Work {
        self.work.get()
    }

    fn count(&self, f: impl FnOnce(&mut Work)) {
        let mut w = self.work.get();
        f(&mut w);
        self.work.set(w);
    }

    /// [`Query::stage_concentration`] as computed once per query, banded by the
    /// thresholds of its first request (metrics that only read shares use this).
    pub(crate) fn shares(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        source: Option<&str>,
        thresholds: Thresholds,
    ) -> Result<Rc<StageConcentration>> {
        let key = (
            mineral.to_string(),
            stage.clone(),
            year,
            source.map(str::to_string),
        );
        if let Some(hit) = self.concentrations.borrow().get(&key) {
            self.count(|w| w.reused += 1);
            return hit.clone();
        }
        self.count(|w| w.stage_concentrations += 1);
        let computed = self
            .compute_stage_concentration(mineral, stage, year, source, thresholds)
            .map(Rc::new);
        self.concentrations
            .borrow_mut()
            .insert(key, computed.clone());
        computed
    }

    /// [`Query::dependence`] as computed once per query.
    pub(crate) fn dependence_once(
        &self,
        importer: &Importer,
        mineral: &str,
        year: Year,
        stage: Option<&Stage>,
        focus: Option<&Importer>,
    ) -> Result<Rc<Dependence>> {
        let key = (
            importer.clone(),
            mineral.to_string(),
            year,
            stage.cloned(),
            focus.cloned(),
        );
        if let Some(hit) = self.dependences.borrow().get(&key) {
            self.count(|w| w.reused += 1);
            return hit.clone();
        }
        self.count(|w| w.dependences += 1);
        let computed = self
            .compute_dependence(importer, mineral, year, stage, focus)
            .map(Rc::new);
        self.dependences.borrow_mut().insert(key, computed.clone());
        computed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn engine_is_shareable_across_threads() {
        assert_send_sync::<Engine>();
    }
}
