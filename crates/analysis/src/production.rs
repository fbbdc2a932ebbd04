//! Production figures indexed by (mineral, stage, year), and the contained-tonnes production
//! of a set of countries, with the rules for what is unknown and what is genuinely absent.
//!
//! What a country's absence from a table means depends on the table's source
//! ([`Coverage`]): absent from a comprehensive table of the year (World Mining Data lists
//! every producer it covers; the trade proxy lists every net exporter), the country
//! produces nothing on that table's basis; absent from tables that list only the main
//! producers (USGS, IEA), its production is unknown, never zero.

use crate::supply::{rank_sources, SourceRank};
use derisk_model::{
    Area, Basis, CountryCode, Coverage, Dataset, Evidence, Flag, Measure, MineralId, Observation,
    SourceId, Stage, StoredTables, Unit, Year,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use crate::overlay::Overlay;

/// Source id of production figures a scenario overlay created.
pub const OVERLAY_SOURCE: &str = "scenario-overlay";

/// Production observations of one mineral and stage, as row numbers.
#[derive(Debug, Default)]
struct StageProduction {
    by_year: BTreeMap<Year, Vec<u32>>,
    /// Countries with a row (any year, any source, any flag): the producers the data knows.
    listed: BTreeSet<CountryCode>,
    /// The sources with a table (any row) of the stage in each year, ranked by the default
    /// rule (strongest evidence, more countries, source id).
    tables: BTreeMap<Year, Vec<SourceRank>>,
}

/// [`Measure::Production`] observations indexed by mineral, stage and year. Each mineral's
/// part is built the first time a query asks for the mineral, from the dataset's
/// observations or from a store that keeps them by mineral (the embedded snapshot), so a
/// request reads only the minerals it touches.
#[derive(Debug)]
pub struct ProductionIndex {
    ds: Arc<Dataset>,
    /// Where a mineral's observations are read when the dataset does not hold them.
    store: Option<Arc<dyn StoredTables>>,
    minerals: HashMap<MineralId, OnceLock<MineralProduction>>,
    /// Each source's coverage, from the dataset's source list (a source without one is
    /// read as listing only the main producers).
    coverage: HashMap<SourceId, Coverage>,
}

/// One mineral's production observations (in dataset order) and their index by stage and
/// year (row numbers into `obs`).
#[derive(Debug)]
struct MineralProduction {
    obs: Vec<Observation>,
    stages: HashMap<Stage, StageProduction>,
}

impl MineralProduction {
    /// Index one mineral's observations by stage and year, each year's rows in (area,
    /// source) order and its tables ranked by the default rule.
    fn new(obs: Vec<Observation>, coverage: &dyn Fn(&SourceId) -> Option<Coverage>) -> Self {
        let mut stages: HashMap<Stage, StageProduction> = HashMap::new();
        for (i, o) in obs.iter().enumerate() {
            if o.measure != Measure::Production {
                continue;
            }
            let sp = stages.entry(o.stage.clone()).or_default();
            sp.by_year.entry(o.year).or_default().push(i as u32);
            if let Area::Country(c) = o.area {
                sp.listed.insert(c);
            }
        }
        // Deterministic row order whatever the dataset order: area, then source.
        for sp in stages.values_mut() {
            for (year, rows) in sp.by_year.iter_mut() {
                rows.sort_by(|&a, &b| {
                    let (a, b) = (&obs[a as usize], &obs[b as usize]);
                    a.area
                        .cmp(&b.area)
                        .then_with(|| a.provenance.source.cmp(&b.provenance.source))
                });
                let rows: Vec<&Observation> = rows.iter().map(|&i| &obs[i as usize]).collect();
                sp.tables.insert(*year, rank_sources(&rows, coverage));
            }
        }
        MineralProduction { obs, stages }
    }
}

/// What is known of one country's production at a stage and year, in contained tonnes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MemberProduction {
    /// A figure on the contained-element basis, converted to tonnes; or, with
    /// `converted`, a figure published on another basis and how it became contained tonnes.
    Tonnes {
        tonnes: f64,
        source: SourceId,
        flag: Flag,
        converted: Option<Conversion>,
    },
    /// The figure exists but is withheld or not available.
    Withheld { source: SourceId, flag: Flag },
    /// Only figures on another basis (oxide, gross weight) or as shares exist.
    NotComparable { unit: Unit },
    /// The country is absent from `source`'s table of the year, and that source lists
    /// every producer it covers ([`Coverage::Comprehensive`]): it produces nothing on that
    /// basis, 0 t. With a trade-inference source, the country's net exports of the
    /// refined product are 0 or less.
    AbsentFromComprehensive {
        source: SourceId,
        evidence: Evidence,
    },
    /// The country is absent from every table of the year, and those tables list only the
    /// main producers ([`Coverage::TopProducers`], or a source of unstated coverage):
    /// unknown, not zero.
    AbsentFromTopProducers { sources: Vec<SourceId> },
    /// The country appears in this stage's tables in other years but not this one, and no
    /// comprehensive table of the year says it produces nothing: unknown.
    NotListedThisYear,
    /// No table of the mineral and stage has figures for the year: unknown.
    NoTableThisYear,
    /// The stage's only table of the year is the trade proxy (net exports of the refined
    /// product), which does not list the country: it is not a net exporter, which says
    /// nothing of what it produces. Unknown, never 0 (0 would make every net importer's
    /// NIR 100 % by construction).
    NotANetExporter { proxy: SourceId },
}

/// How a figure published on another basis than the mineral's contained one (an oxide or
/// other equivalent, the gross weight of a product) became contained tonnes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Conversion {
    /// Published on `from`: contained t = value × scale × `factor`, the dataset's
    /// [`ContentFactor`](derisk_model::ContentFactor) for the source, mineral, stage and
    /// basis (`factor_basis` says how it was chosen).
    Factor {
        from: Basis,
        factor: f64,
        factor_basis: String,
    },
    /// Published as exactly 0 on `from`: zero of any product contains nothing, so 0
    /// contained tonnes whatever the factor, and also where there is none.
    ZeroOnAnyBasis { from: Basis },
}

impl MemberProduction {
    /// Tonnes when known (0 for a country absent from a comprehensive table), else `None`.
    pub fn tonnes(&self) -> Option<f64> {
        match self {
            MemberProduction::Tonnes { tonnes, .. } => Some(*tonnes),
            MemberProduction::AbsentFromComprehensive { .. } => Some(0.0),
            _ => None,
        }
    }
}

/// One country's production as resolved by [`ProductionIndex::production_contained`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MemberFigure {
    pub country: CountryCode,
    pub production: MemberProduction,
}

/// How a set of countries' production was obtained, or why it is unknown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProductionBasis {
    /// The dataset has no production table for the mineral at the stage in the year:
    /// unknown.
    NoProductionTable,
    /// Every member is absent from `source`'s table of the year, and that source lists
    /// every producer it covers: 0 on that basis.
    NoMemberProduces {
        source: SourceId,
        evidence: Evidence,
    },
    /// The sum of `members` members' figures, contained tonnes; `absent` more members are
    /// absent from `absent_from`'s comprehensive table and count as 0.
    SumOfMembers {
        members: usize,
        absent: usize,
        absent_from: Option<SourceId>,
    },
    /// Some member's figure is withheld, on another basis, or absent from tables that list
    /// only the main producers: unknown, never a partial sum. `members` lists those members.
    Unknown { members: Vec<MemberFigure> },
}

/// Bounds on a set of countries' production when it is unknown only because some members
/// are absent from tables that list the main producers: those members together produce
/// at most what the table leaves to the rest of the world.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProductionBounds {
    /// The members with figures, contained tonnes (the absent ones at 0).
    pub low_t: f64,
    /// `low_t` plus the rest-of-world remainder of `rest_of_world_source`.
    pub high_t: f64,
    /// The members absent from the year's tables.
    pub absent: Vec<CountryCode>,
    /// The table whose remainder bounds them (the tightest of the year's tables).
    pub rest_of_world_source: SourceId,
    /// That remainder, contained tonnes: its "other countries" line, else its world total
    /// less the countries it lists.
    pub rest_of_world_t: f64,
}

/// Production of a set of countries in contained tonnes, or why it is unknown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProductionTotal {
    /// Contained tonnes; `None` when any member's figure is unknown.
    pub tonnes: Option<f64>,
    pub basis: ProductionBasis,
    /// When `tonnes` is unknown only because members are absent from tables of the main
    /// producers, the range their production must lie in; otherwise `None`.
    pub bounds: Option<ProductionBounds>,
    /// Every member with what is known of its production (empty without a table).
    pub members: Vec<MemberFigure>,
}

impl ProductionIndex {
    /// Index the production observations of the dataset (other measures are ignored); with
    /// a `store`, the dataset's observations are not read and each mineral's are read from
    /// the store instead.
    pub(crate) fn new(ds: Arc<Dataset>, store: Option<Arc<dyn StoredTables>>) -> ProductionIndex {
        let coverage: HashMap<SourceId, Coverage> = ds
            .sources
            .iter()
            .filter_map(|s| Some((s.id.clone(), s.coverage?)))
            .collect();
        let ids: Vec<MineralId> = match &store {
            Some(st) => st.observation_minerals().to_vec(),
            None => ds.observations.iter().map(|o| o.mineral.clone()).collect(),
        };
        let minerals = ids.into_iter().map(|m| (m, OnceLock::new())).collect();
        ProductionIndex {
            ds,
            store,
            minerals,
            coverage,
        }
    }

    /// The latest year of any production figure, any mineral (read from the store's list
    /// without reading the figures, when there is a store).
    pub fn latest_year(&self) -> Option<Year> {
        match &self.store {
            Some(st) => st.latest_production_year(),
            None => self
                .ds
                .observations
                .iter()
                .filter(|o| o.measure == Measure::Production)
                .map(|o| o.year)
                .max(),
        }
    }

    fn mineral_part(&self, id: &MineralId) -> Option<&MineralProduction> {
        let cell = self.minerals.get(id)?;
        Some(cell.get_or_init(|| {
            let obs: Vec<Observation> = match &self.store {
                Some(st) => st.load_observations(id),
                None => self
                    .ds
                    .observations
                    .iter()
                    .filter(|o| &o.mineral == id)
                    .cloned()
                    .collect(),
            };
            MineralProduction::new(obs, &|s| self.coverage.get(s).copied())
        }))
    }

    /// A source's coverage as the dataset's source list states it (`None`: not stated).
    pub fn coverage(&self, source: &SourceId) -> Option<Coverage> {
        self.coverage.get(source).copied()
    }

    /// The sources with a table of the mineral and stage in the year, ranked by the
    /// default rule (see [`SourceRule::StrongestEvidence`](crate::SourceRule)).
    pub fn sources(&self, mineral: &str, stage: &Stage, year: Year) -> Vec<SourceRank> {
        self.stage(mineral, stage)
            .and_then(|(_, sp)| sp.tables.get(&year))
            .cloned()
            .unwrap_or_default()
    }

    fn stage(
        &self,
        mineral: &str,
        stage: &Stage,
    ) -> Option<(&MineralProduction, &StageProduction)> {
        let id = MineralId::try_from(mineral).ok()?;
        let part = self.mineral_part(&id)?;
        part.stages.get(stage).map(|sp| (part, sp))
    }

    /// Production observations of a mineral, stage and year, sorted by (area, source).
    pub fn year(&self, mineral: &str, stage: &Stage, year: Year) -> Vec<&Observation> {
        self.stage(mineral, stage)
            .and_then(|(part, sp)| Some((part, sp.by_year.get(&year)?)))
            .map(|(part, rows)| rows.iter().map(|&i| &part.obs[i as usize]).collect())
            .unwrap_or_default()
    }

    /// Years with production observations of the mineral and stage, ascending.
    pub fn years(&self, mineral: &str, stage: &Stage) -> Vec<Year> {
        self.stage(mineral, stage)
            .map(|(_, sp)| sp.by_year.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Stages with production observations of the mineral.
    pub fn stages(&self, mineral: &str) -> Vec<Stage> {
        let mut v: Vec<Stage> = MineralId::try_from(mineral)
            .ok()
            .and_then(|id| self.mineral_part(&id))
            .map(|p| p.stages.keys().cloned().collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The mineral's observations of `measure` (reserves, capacity: measures the stage
    /// index does not hold) in `year`, in dataset order.
    pub fn observations(&self, mineral: &str, measure: Measure, year: Year) -> Vec<&Observation> {
        MineralId::try_from(mineral)
            .ok()
            .and_then(|id| self.mineral_part(&id))
            .map(|p| {
                p.obs
                    .iter()
                    .filter(|o| o.measure == measure && o.year == year)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Years with observations of `measure` for the mineral, ascending.
    pub fn observation_years(&self, mineral: &str, measure: Measure) -> Vec<Year> {
        let years: BTreeSet<Year> = MineralId::try_from(mineral)
            .ok()
            .and_then(|id| self.mineral_part(&id))
            .map(|p| {
                p.obs
                    .iter()
                    .filter(|o| o.measure == measure)
                    .map(|o| o.year)
                    .collect()
            })
            .unwrap_or_default();
        years.into_iter().collect()
    }

    /// Countries that appear in any production table of the mineral and stage; `None` when
    /// the dataset has no production table for that stage at all.
    pub fn listed(&self, mineral: &str, stage: &Stage) -> Option<&BTreeSet<CountryCode>> {
        self.stage(mineral, stage).map(|(_, sp)| &sp.listed)
    }

    /// One country's production in contained tonnes. Among figures on the contained basis
    /// (element content, or the mineral's own contained basis such as gross natural
    /// graphite or REO), the strongest evidence wins, then the source id (deterministic); a
    /// weaker source's number is preferred over a stronger source's withheld cell.
    ///
    /// With an `overlay` that changes the country's production, a known figure (or an
    /// absent one, for an addition) becomes the overlay's figure, flagged as derived; a
    /// withheld or incomparable figure stays unknown.
    pub fn member_production(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        country: CountryCode,
        overlay: &Overlay,
    ) -> MemberProduction {
        let found = self.member_production_as_published(mineral, stage, year, country);
        if !overlay.touches_production(mineral, stage, country) {
            return found;
        }
        let (tonnes, source, converted) = match &found {
            MemberProduction::Tonnes {
                tonnes,
                source,
                converted,
                ..
            } => (Some(*tonnes), source.clone(), converted.clone()),
            MemberProduction::AbsentFromComprehensive { .. }
            | MemberProduction::AbsentFromTopProducers { .. }
            | MemberProduction::NotListedThisYear
            | MemberProduction::NotANetExporter { .. }
            | MemberProduction::NoTableThisYear => (None, SourceId::new(OVERLAY_SOURCE), None),
            MemberProduction::Withheld { .. } | MemberProduction::NotComparable { .. } => {
                return found
            }
        };
        match overlay.production_tonnes(mineral, stage, country, tonnes) {
            Some(t) => MemberProduction::Tonnes {
                tonnes: t,
                source,
                flag: Flag::Derived,
                converted,
            },
            None => found,
        }
    }

    fn member_production_as_published(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        country: CountryCode,
    ) -> MemberProduction {
        let mut rows: Vec<&Observation> = self
            .year(mineral, stage, year)
            .into_iter()
            .filter(|o| o.area == Area::Country(country))
            .collect();
        if rows.is_empty() {
            return self.absent(mineral, stage, year, country);
        }
        rows.sort_by(|a, b| {
            a.evidence
                .cmp(&b.evidence)
                .then_with(|| a.provenance.source.cmp(&b.provenance.source))
        });
        let contained = self.ds.mineral(mineral).map(|m| &m.contained_basis);
        // Each row's figure in contained tonnes where it has one, with how it was obtained.
        // The strongest evidence wins; at equal evidence a figure already on the contained
        // basis wins over a converted one, and one converted from a chemical equivalent
        // (exact stoichiometry) or from a published 0 over one converted from a gross
        // weight (whose factor rests on a purity or grade assumption). `min_by_key` keeps
        // the first of equals, and rows are in source order.
        let mut withheld = None;
        let best = rows
            .iter()
            .filter_map(|o| {
                let Unit::Mass { scale, basis } = &o.unit else {
                    return None;
                };
                let factor = if *basis == Basis::Content || Some(basis) == contained {
                    None
                } else {
                    match (
                        o.value,
                        self.ds
                            .content_factor(&o.provenance.source, &o.mineral, &o.stage, basis),
                    ) {
                        (Some(0.0), _) => {
                            let zero = Conversion::ZeroOnAnyBasis {
                                from: basis.clone(),
                            };
                            return Some((o, 0.0, Some(zero)));
                        }
                        (_, Some(f)) => Some(f),
                        (_, None) => return None,
                    }
                };
                let Some(v) = o.value else {
                    withheld.get_or_insert_with(|| MemberProduction::Withheld {
                        source: o.provenance.source.clone(),
                        flag: o.flag,
                    });
                    return None;
                };
                let tonnes = v * scale.tonnes();
                Some(match factor {
                    None => (o, tonnes, None),
                    Some(f) => (
                        o,
                        tonnes * f.factor,
                        Some(Conversion::Factor {
                            from: basis.clone(),
                            factor: f.factor,
                            factor_basis: f.factor_basis.clone(),
                        }),
                    ),
                })
            })
            .min_by_key(|(o, _, converted)| {
                let rank = match converted {
                    None => 0,
                    Some(Conversion::ZeroOnAnyBasis { .. }) => 1,
                    Some(Conversion::Factor { from, .. }) => match from {
                        Basis::Gross(_) => 2,
                        Basis::Content | Basis::Equivalent(_) => 1,
                    },
                };
                (o.evidence, rank)
            });
        if let Some((o, tonnes, converted)) = best {
            return MemberProduction::Tonnes {
                tonnes,
                source: o.provenance.source.clone(),
                flag: o.flag,
                converted,
            };
        }
        withheld.unwrap_or_else(|| MemberProduction::NotComparable {
            unit: rows[0].unit.clone(),
        })
    }

    /// What a country without a row in the year's tables is known to produce: 0 when a
    /// comprehensive source has a table of the year (the strongest such source is named),
    /// otherwise unknown, with why.
    fn absent(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        country: CountryCode,
    ) -> MemberProduction {
        let all = self.sources(mineral, stage, year);
        // The trade proxy lists net exporters: its absence says a country is not one, not
        // what it produces (a net importer may refine), so it never makes a country's own
        // production 0.
        let (proxies, tables): (Vec<SourceRank>, Vec<SourceRank>) = all
            .into_iter()
            .partition(|t| t.evidence == Evidence::TradeInference);
        if let Some(t) = tables
            .iter()
            .find(|t| t.coverage == Some(Coverage::Comprehensive))
        {
            return MemberProduction::AbsentFromComprehensive {
                source: t.source.clone(),
                evidence: t.evidence,
            };
        }
        if tables.is_empty() {
            return match proxies.into_iter().next() {
                Some(p) => MemberProduction::NotANetExporter { proxy: p.source },
                None => MemberProduction::NoTableThisYear,
            };
        }
        if self
            .listed(mineral, stage)
            .is_some_and(|l| l.contains(&country))
        {
            return MemberProduction::NotListedThisYear;
        }
        MemberProduction::AbsentFromTopProducers {
            sources: tables.into_iter().map(|t| t.source).collect(),
        }
    }

    /// Production of `members` at a stage and year, in contained tonnes.
    ///
    /// Rules (a missing figure is never read as zero):
    /// - no production table for the mineral and stage in the year: unknown (`None`);
    /// - a member absent from a comprehensive table of the year (World Mining Data, the
    ///   trade proxy) counts as 0, with that source named;
    /// - a member absent from tables that list only the main producers (USGS, IEA) is
    ///   unknown, as is one whose figure is withheld, not available or only on another
    ///   basis: the total is then unknown (`None`), never a partial sum;
    /// - otherwise the sum of the members' figures.
    pub fn production_contained(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        members: &BTreeSet<CountryCode>,
        overlay: &Overlay,
    ) -> ProductionTotal {
        if self.sources(mineral, stage, year).is_empty() {
            return ProductionTotal {
                tonnes: None,
                basis: ProductionBasis::NoProductionTable,
                bounds: None,
                members: Vec::new(),
            };
        }
        let figures: Vec<MemberFigure> = members
            .iter()
            .map(|&country| MemberFigure {
                country,
                production: self.member_production(mineral, stage, year, country, overlay),
            })
            .collect();
        let mut total = 0.0;
        let (mut counted, mut absent) = (0usize, 0usize);
        let mut absent_from: Option<(&SourceId, Evidence)> = None;
        let mut unknown = Vec::new();
        for m in &figures {
            match &m.production {
                MemberProduction::Tonnes { tonnes, .. } => {
                    total += tonnes;
                    counted += 1;
                }
                MemberProduction::AbsentFromComprehensive { source, evidence } => {
                    absent += 1;
                    absent_from.get_or_insert((source, *evidence));
                }
                _ => unknown.push(m.clone()),
            }
        }
        let basis = match (unknown.is_empty(), counted, absent_from) {
            (false, _, _) => ProductionBasis::Unknown { members: unknown },
            (true, 0, Some((source, evidence))) => ProductionBasis::NoMemberProduces {
                source: source.clone(),
                evidence,
            },
            (true, _, from) => ProductionBasis::SumOfMembers {
                members: counted,
                absent,
                absent_from: from.map(|(s, _)| s.clone()),
            },
        };
        let bounds = match &basis {
            ProductionBasis::Unknown { members } => {
                self.bounds(mineral, stage, year, total, members)
            }
            _ => None,
        };
        ProductionTotal {
            tonnes: match basis {
                ProductionBasis::Unknown { .. } => None,
                _ => Some(total),
            },
            basis,
            bounds,
            members: figures,
        }
    }

    /// Bounds when every unknown member is absent from the year's tables (not withheld,
    /// not on another basis): together they produce at most the smallest rest-of-world
    /// remainder among the year's tables, each of which covers every country it omits.
    fn bounds(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        known_t: f64,
        unknown: &[MemberFigure],
    ) -> Option<ProductionBounds> {
        let absent = unknown.iter().all(|m| {
            matches!(
                m.production,
                MemberProduction::AbsentFromTopProducers { .. }
                    | MemberProduction::NotListedThisYear
            )
        });
        if !absent {
            return None;
        }
        let (source, rest) = self
            .sources(mineral, stage, year)
            .into_iter()
            .filter_map(|t| {
                Some((
                    t.source.clone(),
                    self.rest_of_world(mineral, stage, year, &t.source)?,
                ))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)))?;
        Some(ProductionBounds {
            low_t: known_t,
            high_t: known_t + rest,
            absent: unknown.iter().map(|m| m.country).collect(),
            rest_of_world_source: source,
            rest_of_world_t: rest,
        })
    }

    /// What `source`'s table of the year leaves to the countries it does not list,
    /// contained tonnes: its "other countries" line, else its world total less the
    /// countries it lists with figures. `None` when the table has neither, or is on a
    /// basis without a content factor.
    pub fn rest_of_world(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        source: &SourceId,
    ) -> Option<f64> {
        let contained = self.ds.mineral(mineral).map(|m| &m.contained_basis);
        let rows: Vec<&Observation> = self
            .year(mineral, stage, year)
            .into_iter()
            .filter(|o| &o.provenance.source == source)
            .collect();
        // On the contained basis, or converted by the source's content factor.
        let tonnes = |o: &Observation| match (&o.unit, o.value) {
            (Unit::Mass { basis, scale }, Some(v))
                if *basis == Basis::Content || Some(basis) == contained =>
            {
                Some(v * scale.tonnes())
            }
            (Unit::Mass { basis, scale }, Some(v)) => self
                .ds
                .content_factor(&o.provenance.source, &o.mineral, &o.stage, basis)
                .map(|f| v * scale.tonnes() * f.factor),
            _ => None,
        };
        let other: Option<f64> = rows
            .iter()
            .filter(|o| o.area == Area::Other)
            .map(|o| tonnes(o))
            .try_fold(None::<f64>, |acc, t| {
                t.map(|t| Some(acc.unwrap_or(0.0) + t))
            })?;
        if other.is_some() {
            return other;
        }
        let world = rows
            .iter()
            .find(|o| o.area == Area::World)
            .and_then(|o| tonnes(o))?;
        let listed: f64 = rows
            .iter()
            .filter(|o| matches!(o.area, Area::Country(_)))
            .filter_map(|o| tonnes(o))
            .sum();
        // A world total below the listed sum is an inconsistent table: no bound from it.
        let rest = world - listed;
        (rest >= 0.0).then_some(rest)
    }
}
