//! Production figures indexed by (mineral, stage, year), and the contained-tonnes production
//! of a set of countries, with the rules for what is unknown and what is genuinely absent.

use derisk_model::{
    Area, Basis, CountryCode, Dataset, Flag, Measure, MineralId, Observation, SourceId, Stage,
    Unit, Year,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::overlay::Overlay;

/// Source id of production figures a scenario overlay created.
pub const OVERLAY_SOURCE: &str = "scenario-overlay";

/// Production observations of one mineral and stage, as row numbers.
#[derive(Debug, Default)]
struct StageProduction {
    by_year: BTreeMap<Year, Vec<u32>>,
    /// Countries with a row (any year, any source, any flag): the producers the data knows.
    listed: BTreeSet<CountryCode>,
}

/// [`Measure::Production`] observations indexed by mineral, stage and year (row numbers
/// into the dataset's observations). Built once so that repeated queries do not scan every
/// observation.
#[derive(Debug)]
pub struct ProductionIndex {
    ds: Arc<Dataset>,
    map: HashMap<MineralId, HashMap<Stage, StageProduction>>,
}

/// What is known of one country's production at a stage and year, in contained tonnes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MemberProduction {
    /// A figure on the contained-element basis, converted to tonnes.
    Tonnes {
        tonnes: f64,
        source: SourceId,
        flag: Flag,
    },
    /// The figure exists but is withheld or not available.
    Withheld { source: SourceId, flag: Flag },
    /// Only figures on another basis (oxide, gross weight) or as shares exist.
    NotComparable { unit: Unit },
    /// The country appears in this stage's production tables, but not for this year.
    NotListedThisYear,
    /// The country appears in no production table of this mineral and stage.
    NeverListed,
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
    /// The dataset has no production table for the mineral at the stage: unknown.
    NoProductionTable,
    /// No member appears in any production table of the mineral and stage: genuinely 0.
    NoMemberListed,
    /// The sum of the listed members' figures, contained tonnes.
    SumOfMembers { members: usize },
    /// Some listed member's figure is withheld, missing or on another basis: unknown, never
    /// a partial sum. `members` lists those members.
    Unknown { members: Vec<MemberFigure> },
}

/// Production of a set of countries in contained tonnes, or why it is unknown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProductionTotal {
    /// Contained tonnes; `None` when any producing member's figure is unknown.
    pub tonnes: Option<f64>,
    pub basis: ProductionBasis,
    /// Members that appear in a production table (members listed nowhere are left out).
    pub members: Vec<MemberFigure>,
}

impl ProductionIndex {
    /// Index the production observations of the dataset (other measures are ignored).
    pub(crate) fn new(ds: Arc<Dataset>) -> ProductionIndex {
        let mut map: HashMap<MineralId, HashMap<Stage, StageProduction>> = HashMap::new();
        for (i, o) in ds.observations.iter().enumerate() {
            if o.measure != Measure::Production {
                continue;
            }
            let sp = map
                .entry(o.mineral.clone())
                .or_default()
                .entry(o.stage.clone())
                .or_default();
            sp.by_year.entry(o.year).or_default().push(i as u32);
            if let Area::Country(c) = o.area {
                sp.listed.insert(c);
            }
        }
        // Deterministic row order whatever the dataset order: area, then source.
        let obs = &ds.observations;
        for stages in map.values_mut() {
            for sp in stages.values_mut() {
                for rows in sp.by_year.values_mut() {
                    rows.sort_by(|&a, &b| {
                        let (a, b) = (&obs[a as usize], &obs[b as usize]);
                        a.area
                            .cmp(&b.area)
                            .then_with(|| a.provenance.source.cmp(&b.provenance.source))
                    });
                }
            }
        }
        ProductionIndex { ds, map }
    }

    fn stage(&self, mineral: &str, stage: &Stage) -> Option<&StageProduction> {
        let id = MineralId::try_from(mineral).ok()?;
        self.map.get(&id).and_then(|s| s.get(stage))
    }

    /// Production observations of a mineral, stage and year, sorted by (area, source).
    pub fn year(&self, mineral: &str, stage: &Stage, year: Year) -> Vec<&Observation> {
        let obs = &self.ds.observations;
        self.stage(mineral, stage)
            .and_then(|sp| sp.by_year.get(&year))
            .map(|rows| rows.iter().map(|&i| &obs[i as usize]).collect())
            .unwrap_or_default()
    }

    /// Years with production observations of the mineral and stage, ascending.
    pub fn years(&self, mineral: &str, stage: &Stage) -> Vec<Year> {
        self.stage(mineral, stage)
            .map(|sp| sp.by_year.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Stages with production observations of the mineral.
    pub fn stages(&self, mineral: &str) -> Vec<Stage> {
        let mut v: Vec<Stage> = MineralId::try_from(mineral)
            .ok()
            .and_then(|id| self.map.get(&id))
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Countries that appear in any production table of the mineral and stage; `None` when
    /// the dataset has no production table for that stage at all.
    pub fn listed(&self, mineral: &str, stage: &Stage) -> Option<&BTreeSet<CountryCode>> {
        self.stage(mineral, stage).map(|sp| &sp.listed)
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
        let (tonnes, source) = match &found {
            MemberProduction::Tonnes { tonnes, source, .. } => (Some(*tonnes), source.clone()),
            MemberProduction::NotListedThisYear | MemberProduction::NeverListed => {
                (None, SourceId::new(OVERLAY_SOURCE))
            }
            MemberProduction::Withheld { .. } | MemberProduction::NotComparable { .. } => {
                return found
            }
        };
        match overlay.production_tonnes(mineral, stage, country, tonnes) {
            Some(t) => MemberProduction::Tonnes {
                tonnes: t,
                source,
                flag: Flag::Derived,
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
            let listed = self
                .listed(mineral, stage)
                .is_some_and(|l| l.contains(&country));
            return if listed {
                MemberProduction::NotListedThisYear
            } else {
                MemberProduction::NeverListed
            };
        }
        rows.sort_by(|a, b| {
            a.evidence
                .cmp(&b.evidence)
                .then_with(|| a.provenance.source.cmp(&b.provenance.source))
        });
        let contained = self.ds.mineral(mineral).map(|m| &m.contained_basis);
        let content = |o: &&&Observation| match &o.unit {
            Unit::Mass { basis, .. } => *basis == Basis::Content || Some(basis) == contained,
            Unit::ShareOfWorld => false,
        };
        let mut withheld = None;
        for o in rows.iter().filter(content) {
            match (o.value, &o.unit) {
                (Some(v), Unit::Mass { scale, .. }) => {
                    return MemberProduction::Tonnes {
                        tonnes: v * scale.tonnes(),
                        source: o.provenance.source.clone(),
                        flag: o.flag,
                    }
                }
                _ => {
                    withheld.get_or_insert_with(|| MemberProduction::Withheld {
                        source: o.provenance.source.clone(),
                        flag: o.flag,
                    });
                }
            }
        }
        withheld.unwrap_or_else(|| MemberProduction::NotComparable {
            unit: rows[0].unit.clone(),
        })
    }

    /// Production of `members` at a stage and year, in contained tonnes.
    ///
    /// Rules (a missing figure is never read as zero):
    /// - no production table for the mineral and stage at all: unknown (`None`);
    /// - no member appears in any production table of the mineral and stage: production is
    ///   genuinely absent, `Some(0)`;
    /// - any member that appears in a table but whose figure for the year is withheld, not
    ///   available, missing, or only on another basis: unknown (`None`), never a partial
    ///   sum;
    /// - otherwise the sum of the members' figures (members listed nowhere count as
    ///   non-producers).
    pub fn production_contained(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        members: &BTreeSet<CountryCode>,
        overlay: &Overlay,
    ) -> ProductionTotal {
        if self.listed(mineral, stage).is_none() {
            return ProductionTotal {
                tonnes: None,
                basis: ProductionBasis::NoProductionTable,
                members: Vec::new(),
            };
        }
        let figures: Vec<MemberFigure> = members
            .iter()
            .map(|&country| MemberFigure {
                country,
                production: self.member_production(mineral, stage, year, country, overlay),
            })
            .filter(|m| m.production != MemberProduction::NeverListed)
            .collect();
        if figures.is_empty() {
            return ProductionTotal {
                tonnes: Some(0.0),
                basis: ProductionBasis::NoMemberListed,
                members: figures,
            };
        }
        let mut total = 0.0;
        let mut unknown = Vec::new();
        for m in &figures {
            match &m.production {
                MemberProduction::Tonnes { tonnes, .. } => total += tonnes,
                MemberProduction::NeverListed => {}
                _ => unknown.push(m.clone()),
            }
        }
        if unknown.is_empty() {
            ProductionTotal {
                tonnes: Some(total),
                basis: ProductionBasis::SumOfMembers {
                    members: figures.len(),
                },
                members: figures,
            }
        } else {
            ProductionTotal {
                tonnes: None,
                basis: ProductionBasis::Unknown { members: unknown },
                members: figures,
            }
        }
    }
}
