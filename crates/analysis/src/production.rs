//! Production figures indexed by (mineral, stage, year), and the contained-tonnes production
//! of a set of countries, with the rules for what is unknown and what is genuinely absent.

use derisk_model::{
    Area, Basis, CountryCode, Flag, Measure, Mineral, Observation, SourceId, Stage, Unit, Year,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Production observations of one mineral and stage.
#[derive(Debug, Default)]
struct StageProduction<'a> {
    by_year: BTreeMap<Year, Vec<&'a Observation>>,
    /// Countries with a row (any year, any source, any flag): the producers the data knows.
    listed: BTreeSet<CountryCode>,
}

/// [`Measure::Production`] observations indexed by mineral, stage and year. Built once
/// from a dataset so that repeated queries do not scan every observation.
#[derive(Debug, Default)]
pub struct ProductionIndex<'a> {
    /// Each mineral's contained basis (see `Mineral::contained_basis`): production on this
    /// basis counts as contained tonnes, as do figures on the element-content basis.
    bases: HashMap<&'a str, &'a Basis>,
    map: HashMap<&'a str, HashMap<&'a Stage, StageProduction<'a>>>,
}

/// What is known of one country's production at a stage and year, in contained tonnes.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
    NotComparable { unit: String },
    /// The country appears in this stage's production tables, but not for this year.
    NotListedThisYear,
    /// The country appears in no production table of this mineral and stage.
    NeverListed,
}

/// One country's production as resolved by [`ProductionIndex::production_contained`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberFigure {
    pub country: CountryCode,
    pub production: MemberProduction,
}

/// Production of a set of countries in contained tonnes, or why it is unknown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductionTotal {
    /// Contained tonnes; `None` when any producing member's figure is unknown.
    pub tonnes: Option<f64>,
    /// How the figure was obtained or why it is unknown, in words.
    pub basis: String,
    /// Members that appear in a production table (members listed nowhere are left out).
    pub members: Vec<MemberFigure>,
}

impl<'a> ProductionIndex<'a> {
    /// Index the production observations of `observations` (other measures are ignored).
    pub fn new(observations: &'a [Observation]) -> ProductionIndex<'a> {
        let mut map: HashMap<&'a str, HashMap<&'a Stage, StageProduction<'a>>> = HashMap::new();
        for o in observations
            .iter()
            .filter(|o| o.measure == Measure::Production)
        {
            let sp = map
                .entry(o.mineral.as_str())
                .or_default()
                .entry(&o.stage)
                .or_default();
            sp.by_year.entry(o.year).or_default().push(o);
            if let Area::Country(c) = o.area {
                sp.listed.insert(c);
            }
        }
        // Deterministic row order whatever the dataset order: area, then source.
        for stages in map.values_mut() {
            for sp in stages.values_mut() {
                for rows in sp.by_year.values_mut() {
                    rows.sort_by(|a, b| {
                        a.area
                            .cmp(&b.area)
                            .then_with(|| a.provenance.source.cmp(&b.provenance.source))
                    });
                }
            }
        }
        ProductionIndex {
            map,
            bases: HashMap::new(),
        }
    }

    /// Let production on each mineral's contained basis (e.g. gross natural graphite, REO)
    /// count as contained tonnes, as the HS content factors do for trade.
    pub fn with_contained_bases(mut self, minerals: &'a [Mineral]) -> ProductionIndex<'a> {
        self.bases = minerals
            .iter()
            .map(|m| (m.id.as_str(), &m.contained_basis))
            .collect();
        self
    }

    fn stage(&self, mineral: &str, stage: &Stage) -> Option<&StageProduction<'a>> {
        self.map.get(mineral).and_then(|s| s.get(stage))
    }

    /// Production observations of a mineral, stage and year, sorted by (area, source).
    pub fn year(&self, mineral: &str, stage: &Stage, year: Year) -> &[&'a Observation] {
        self.stage(mineral, stage)
            .and_then(|sp| sp.by_year.get(&year))
            .map_or(&[], Vec::as_slice)
    }

    /// Years with production observations of the mineral and stage, ascending.
    pub fn years(&self, mineral: &str, stage: &Stage) -> Vec<Year> {
        self.stage(mineral, stage)
            .map(|sp| sp.by_year.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Stages with production observations of the mineral.
    pub fn stages(&self, mineral: &str) -> Vec<Stage> {
        let mut v: Vec<Stage> = self
            .map
            .get(mineral)
            .map(|s| s.keys().map(|s| (*s).clone()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Countries that appear in any production table of the mineral and stage; `None` when
    /// the dataset has no production table for that stage at all.
    pub fn listed(&self, mineral: &str, stage: &Stage) -> Option<&BTreeSet<CountryCode>> {
        self.stage(mineral, stage).map(|sp| &sp.listed)
    }

    /// One country's production in contained tonnes. Among figures on the contained basis,
    /// the strongest evidence wins, then the source id (deterministic); a weaker source's
    /// number is preferred over a stronger source's withheld cell.
    pub fn member_production(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        country: CountryCode,
    ) -> MemberProduction {
        let mut rows: Vec<&Observation> = self
            .year(mineral, stage, year)
            .iter()
            .copied()
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
        let contained = self.bases.get(mineral).copied();
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
            unit: rows[0].unit.to_string(),
        })
    }

    /// Production of `members` at a stage and year, in contained tonnes.
    ///
    /// Rules (a missing figure is never read as zero):
    /// - no production table for the mineral and stage at all: unknown (`None`);
    /// - no member appears in any production table of the mineral and stage: production is
    ///   genuinely absent, `Some(0)`, basis "no member listed as a producer";
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
    ) -> ProductionTotal {
        if self.listed(mineral, stage).is_none() {
            return ProductionTotal {
                tonnes: None,
                basis: format!("no production table for {mineral} at the {stage} stage"),
                members: Vec::new(),
            };
        }
        let figures: Vec<MemberFigure> = members
            .iter()
            .map(|&country| MemberFigure {
                country,
                production: self.member_production(mineral, stage, year, country),
            })
            .filter(|m| m.production != MemberProduction::NeverListed)
            .collect();
        if figures.is_empty() {
            return ProductionTotal {
                tonnes: Some(0.0),
                basis: "no member listed as a producer".into(),
                members: figures,
            };
        }
        let mut total = 0.0;
        let mut problems = Vec::new();
        for m in &figures {
            match &m.production {
                MemberProduction::Tonnes { tonnes, .. } => total += tonnes,
                MemberProduction::Withheld { source, flag } => {
                    problems.push(format!("{} {} ({source})", m.country, flag))
                }
                MemberProduction::NotComparable { unit } => {
                    problems.push(format!("{} only in {unit}", m.country))
                }
                MemberProduction::NotListedThisYear => {
                    problems.push(format!("{} not listed for {year}", m.country))
                }
                MemberProduction::NeverListed => {}
            }
        }
        if problems.is_empty() {
            ProductionTotal {
                tonnes: Some(total),
                basis: format!(
                    "sum of {} listed member(s), contained tonnes",
                    figures.len()
                ),
                members: figures,
            }
        } else {
            ProductionTotal {
                tonnes: None,
                basis: format!("production unknown: {}", problems.join(", ")),
                members: figures,
            }
        }
    }
}
