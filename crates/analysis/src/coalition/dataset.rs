//! The dataset layer of coalitions: which tables and which network the kernels read.

use super::search::{marginal_gains, search};
use super::{
    balance, origin_inside, pooled_share, remainder, rest_share, self_sufficiency, Candidate,
    CoalitionMineral, CoalitionStage, Estimate, PooledShare, ReservesShare, TableRef,
    UnknownReason,
};
use crate::concentration::{concentration, Concentration, Thresholds};
use crate::engine::Query;
use crate::error::{AnalysisError, Result};
use crate::network::{LayerId, Network, Origins};
use crate::production::{MemberProduction, ProductionBasis};
use crate::supply::{common_unit, rank_sources};
use derisk_model::{Area, CountryCode, Coverage, Evidence, Measure, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A coalition's value under the ranking metric (`None`: unknown).
type Eval<'a> = Box<dyn Fn(&BTreeSet<CountryCode>) -> Option<f64> + 'a>;

/// Candidates listed by default.
pub const DEFAULT_CANDIDATES: usize = 10;

/// Most candidates the search considers (the largest single gains): the exact search over
/// sets of 3 then evaluates at most C(30, 3) = 4,060 sets.
pub const MAX_SEARCH_CANDIDATES: usize = 30;

/// What a target or a candidate ranking measures.
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CoalitionTargetMetric {
    /// Pooled share of world mine production (low end), fraction.
    MiningShare,
    /// Pooled share of world refinery production (low end), fraction.
    RefiningShare,
    /// Pooled share of world reserves (low end), fraction.
    ReservesShare,
    /// Mine output against apparent consumption of mined material (members with unknown
    /// output at 0), fraction.
    MiningSelfSufficiency,
    /// Refinery output against apparent consumption of refined material (members with
    /// unknown output at 0), fraction.
    RefiningSelfSufficiency,
}

/// How to measure a coalition.
#[derive(Clone, Debug, PartialEq)]
pub struct CoalitionOptions {
    pub thresholds: Thresholds,
    /// Rank candidates by this metric and search for the smallest addition reaching
    /// `at_least` of it.
    pub target: Option<(CoalitionTargetMetric, f64)>,
    /// How many candidates to list.
    pub candidates: usize,
}

impl Default for CoalitionOptions {
    fn default() -> Self {
        CoalitionOptions {
            thresholds: Thresholds::Doj2023,
            target: None,
            candidates: DEFAULT_CANDIDATES,
        }
    }
}

/// A table's shares with what the pooled share needs beside them.
struct Shares {
    table: TableRef,
    conc: Concentration,
    gaps: Vec<CountryCode>,
    comprehensive: bool,
    /// What the table leaves unlisted, fraction of its denominator ([`rest_share`]).
    rest: Option<f64>,
}

impl Shares {
    fn pooled(&self, members: &BTreeSet<CountryCode>) -> PooledShare {
        pooled_share(
            &self.conc,
            &self.table.source,
            &self.gaps,
            self.comprehensive,
            self.rest,
            members,
        )
    }
    /// The low end: the listed members' shares.
    fn low(&self, members: &BTreeSet<CountryCode>) -> f64 {
        self.conc
            .shares
            .iter()
            .filter(|s| members.contains(&s.country))
            .map(|s| s.share)
            .fold(0.0, |a, b| a + b)
    }
    /// A non-member's gain: its share; 0 when a comprehensive table leaves it out; unknown
    /// otherwise.
    fn gain(&self, c: CountryCode) -> Option<f64> {
        match self.conc.shares.iter().find(|s| s.country == c) {
            Some(s) => Some(s.share),
            None if self.comprehensive && !self.gaps.contains(&c) => Some(0.0),
            None => None,
        }
    }
    fn candidates(&self, members: &BTreeSet<CountryCode>) -> Vec<CountryCode> {
        self.conc
            .shares
            .iter()
            .filter(|s| s.share > 0.0 && !members.contains(&s.country))
            .map(|s| s.country)
            .take(MAX_SEARCH_CANDIDATES)
            .collect()
    }
}

fn empty_pooled(reason: UnknownReason) -> PooledShare {
    PooledShare {
        share: Estimate::unknown(reason),
        listed: Vec::new(),
        unaccounted: Vec::new(),
        absent_zero: 0,
    }
}

/// The "other countries" line of one source's rows, in `unit` (`None` without one, or
/// when it cannot be brought to that unit).
fn other_line(rows: &[&derisk_model::Observation], unit: &derisk_model::Unit) -> Option<f64> {
    let figs = common_unit(rows, &String::new).ok()?;
    if &figs.unit != unit {
        return None;
    }
    figs.rows
        .iter()
        .filter(|r| r.0 == Area::Other)
        .map(|r| r.1)
        .try_fold(None::<f64>, |acc, v| {
            v.map(|v| Some(acc.unwrap_or(0.0) + v))
        })?
}

/// Self-sufficiency at a layer with members at their known output (the search's value).
fn network_ratio(n: &Network, layer: LayerId, members: &BTreeSet<CountryCode>) -> Option<f64> {
    let b = super::balance(n.layer(layer), &n.countries, members);
    let ac = b.known_output_t + b.imports_t - b.exports_t;
    (ac > 0.0).then(|| b.known_output_t / ac)
}

impl Query<'_> {
    /// What the coalition `members` controls of `mineral` in `year` (see
    /// [`CoalitionMineral`] and the module documentation of [`crate::coalition`]).
    ///
    /// Production shares come from the stage's default table (the strongest evidence with
    /// figures, as for concentration); production tonnes, trade and origin from the
    /// supply network of the year. Errors: unknown mineral.
    pub fn coalition(
        &self,
        mineral: &str,
        year: Year,
        members: &BTreeSet<CountryCode>,
        options: &CoalitionOptions,
    ) -> Result<CoalitionMineral> {
        if self.ds().mineral(mineral).is_none() {
            return Err(AnalysisError::UnknownMineral(mineral.to_string()));
        }
        let net: std::result::Result<(Network, Origins), AnalysisError> =
            self.network(mineral, year).map(|n| {
                let o = n.origins();
                (n, o)
            });
        let net_ref = net.as_ref().ok().map(|(n, o)| (n, o));
        let mut shares: BTreeMap<CoalitionTargetMetric, Shares> = BTreeMap::new();
        let mut stages = Vec::new();
        for (stage, layer, metric) in [
            (
                Stage::Mining,
                LayerId::Upstream,
                CoalitionTargetMetric::MiningShare,
            ),
            (
                Stage::Refining,
                LayerId::Refined,
                CoalitionTargetMetric::RefiningShare,
            ),
        ] {
            let (s, table) =
                self.coalition_stage(mineral, &stage, layer, year, members, options, net_ref);
            if let Some(t) = table {
                shares.insert(metric, t);
            }
            stages.push(s);
        }
        let reserves = match self.reserves_shares(mineral, year, options.thresholds) {
            Ok(Some(t)) => {
                let r = ReservesShare {
                    table: Some(t.table.clone()),
                    pooled: t.pooled(members),
                };
                shares.insert(CoalitionTargetMetric::ReservesShare, t);
                r
            }
            Ok(None) => ReservesShare {
                table: None,
                pooled: empty_pooled(UnknownReason::NoTable {
                    what: format!("reserves of {mineral}"),
                }),
            },
            Err(error) => ReservesShare {
                table: None,
                pooled: empty_pooled(UnknownReason::NoShares { error }),
            },
        };

        let ranked_by = match options.target {
            Some((m, _)) => m,
            None if shares.contains_key(&CoalitionTargetMetric::RefiningShare) => {
                CoalitionTargetMetric::RefiningShare
            }
            None => CoalitionTargetMetric::MiningShare,
        };
        let (eval, pool): (Eval<'_>, Vec<CountryCode>) = match ranked_by {
            CoalitionTargetMetric::MiningShare
            | CoalitionTargetMetric::RefiningShare
            | CoalitionTargetMetric::ReservesShare => match shares.get(&ranked_by) {
                Some(t) => (Box::new(move |s| Some(t.low(s))), t.candidates(members)),
                None => (Box::new(|_| None), Vec::new()),
            },
            CoalitionTargetMetric::MiningSelfSufficiency
            | CoalitionTargetMetric::RefiningSelfSufficiency => {
                let layer = if ranked_by == CoalitionTargetMetric::MiningSelfSufficiency {
                    LayerId::Upstream
                } else {
                    LayerId::Refined
                };
                match net_ref {
                    Some((n, _)) => {
                        let l = n.layer(layer);
                        let mut producers: Vec<(usize, f64)> = (0..n.countries.len())
                            .filter(|&i| !members.contains(&n.countries[i]))
                            .filter_map(|i| Some((i, l.production[i]?.tonnes())))
                            .filter(|p| p.1 > 0.0)
                            .collect();
                        producers.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                        let pool = producers
                            .iter()
                            .take(MAX_SEARCH_CANDIDATES)
                            .map(|p| n.countries[p.0])
                            .collect();
                        (Box::new(move |s| network_ratio(n, layer, s)), pool)
                    }
                    None => (Box::new(|_| None), Vec::new()),
                }
            }
        };
        let candidates = marginal_gains(members, &pool, &*eval)
            .into_iter()
            .take(options.candidates)
            .map(|(country, gain)| Candidate {
                country,
                gain,
                mining_share_gain: shares
                    .get(&CoalitionTargetMetric::MiningShare)
                    .and_then(|t| t.gain(country)),
                refining_share_gain: shares
                    .get(&CoalitionTargetMetric::RefiningShare)
                    .and_then(|t| t.gain(country)),
            })
            .collect();
        let search = options
            .target
            .and_then(|(_, at_least)| search(members, &pool, &*eval, at_least));
        Ok(CoalitionMineral {
            mineral: mineral.to_string(),
            year,
            stages,
            reserves,
            network: net
                .as_ref()
                .err()
                .map(|e| UnknownReason::NoNetwork { error: e.clone() }),
            ranked_by,
            candidates,
            search,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn coalition_stage(
        &self,
        mineral: &str,
        stage: &Stage,
        layer: LayerId,
        year: Year,
        members: &BTreeSet<CountryCode>,
        options: &CoalitionOptions,
        net: Option<(&Network, &Origins)>,
    ) -> (CoalitionStage, Option<Shares>) {
        let shares = if self.production().sources(mineral, stage, year).is_empty() {
            Err(UnknownReason::NoTable {
                what: format!("{mineral} {stage} production in {year}"),
            })
        } else {
            self.shares(mineral, stage, year, None, options.thresholds)
                .map_err(|error| UnknownReason::NoShares { error })
                .map(|sc| {
                    let coverage = self.production().coverage(&sc.source);
                    let proxy = sc.evidence == Evidence::TradeInference;
                    let rows: Vec<_> = self
                        .production()
                        .year(mineral, stage, year)
                        .into_iter()
                        .filter(|o| o.provenance.source == sc.source)
                        .collect();
                    let other = other_line(&rows, &sc.unit);
                    Shares {
                        table: TableRef {
                            source: sc.source.clone(),
                            evidence: sc.evidence,
                            coverage,
                            year,
                            unit: sc.unit.clone(),
                            denominator: sc.concentration.denominator,
                            supply: sc.concentration.supply,
                            unlisted_share: sc.concentration.unlisted_share,
                            trade_proxy: proxy,
                        },
                        conc: sc.concentration.clone(),
                        gaps: sc.gaps.iter().map(|g| g.country).collect(),
                        comprehensive: coverage == Some(Coverage::Comprehensive) && !proxy,
                        rest: rest_share(&sc.concentration, other),
                    }
                })
        };
        let (table, pooled, rem) = match &shares {
            Ok(t) => {
                let p = t.pooled(members);
                let r = remainder(&t.conc, &p, members, options.thresholds);
                (Some(t.table.clone()), p, r)
            }
            Err(reason) => (None, empty_pooled(reason.clone()), None),
        };
        let total =
            self.production()
                .production_contained(mineral, stage, year, members, self.overlay());
        let production_t = match (&total.tonnes, &total.bounds, &total.basis) {
            (Some(t), _, _) => Estimate::point(*t),
            (None, Some(b), _) => Estimate::range(b.low_t, b.high_t),
            (None, None, ProductionBasis::Unknown { members }) => {
                let (absent, other): (Vec<_>, Vec<_>) = members.iter().partition(|m| {
                    matches!(
                        m.production,
                        MemberProduction::AbsentFromTopProducers { .. }
                            | MemberProduction::NotListedThisYear
                    )
                });
                Estimate::unknown(if other.is_empty() {
                    UnknownReason::NoRestOfWorld {
                        members: absent.iter().map(|m| m.country).collect(),
                    }
                } else {
                    UnknownReason::MembersUnknown {
                        members: other.iter().map(|m| m.country).collect(),
                    }
                })
            }
            (None, None, _) => Estimate::unknown(UnknownReason::NoTable {
                what: format!("{mineral} {stage} production in {year}"),
            }),
        };
        let (bal, ss, origin) = match net {
            Some((n, _)) if n.layer(layer).carriers.is_empty() => (
                None,
                Estimate::unknown(UnknownReason::NoCarriers { layer }),
                None,
            ),
            Some((n, o)) => {
                let b = balance(n.layer(layer), &n.countries, members);
                let ss = self_sufficiency(&production_t, b.imports_t, b.exports_t);
                (Some(b), ss, origin_inside(n, o, layer, members))
            }
            None => (
                None,
                Estimate::unknown(UnknownReason::NoTable {
                    what: format!("{mineral} trade network in {year}"),
                }),
                None,
            ),
        };
        (
            CoalitionStage {
                stage: stage.clone(),
                table,
                pooled,
                production_t,
                balance: bal,
                self_sufficiency: ss,
                origin,
                remainder: rem,
            },
            shares.ok(),
        )
    }

    /// The reserves table nearest `year` (the latest at or before it, else the earliest
    /// after it: reserves are published once per edition), from the strongest source
    /// with country figures. `Ok(None)` when the mineral has no reserves figures.
    fn reserves_shares(
        &self,
        mineral: &str,
        year: Year,
        thresholds: Thresholds,
    ) -> Result<Option<Shares>> {
        let years = self
            .production()
            .observation_years(mineral, Measure::Reserves);
        let Some(ry) = years
            .iter()
            .rev()
            .find(|y| **y <= year)
            .or_else(|| years.first())
            .copied()
        else {
            return Ok(None);
        };
        let all = self
            .production()
            .observations(mineral, Measure::Reserves, ry);
        // One stage: mining when it has reserves, else the first.
        let stage = all
            .iter()
            .map(|o| &o.stage)
            .min_by_key(|s| (**s != Stage::Mining, (*s).clone()))
            .cloned();
        let rows: Vec<_> = all
            .into_iter()
            .filter(|o| Some(&o.stage) == stage.as_ref())
            .collect();
        let coverage = |s: &SourceId| self.production().coverage(s);
        let Some(chosen) = rank_sources(&rows, coverage)
            .into_iter()
            .find(|r| r.countries > 0)
        else {
            return Ok(None);
        };
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|o| o.provenance.source == chosen.source)
            .collect();
        let context = || format!("reserves of {mineral} ({ry}) from {}", chosen.source);
        let figs = common_unit(&rows, &context)?;
        let (mut figures, mut gaps) = (Vec::new(), Vec::new());
        let (mut world, mut other) = (None, None::<f64>);
        for &(area, value, _) in &figs.rows {
            match (area, value) {
                (Area::Country(c), Some(v)) => figures.push((c, v)),
                (Area::Country(c), None) => gaps.push(c),
                (Area::World, Some(v)) => world = Some(v),
                (Area::Other, Some(v)) => *other.get_or_insert(0.0) += v,
                _ => {}
            }
        }
        let listed: f64 = figures.iter().map(|f| f.1).sum();
        let total = world.or(other.map(|o| o + listed));
        let mut conc = concentration(&figures, total, thresholds)?;
        if world.is_none() && other.is_some() {
            conc.denominator = crate::concentration::Denominator::ListedPlusOther;
        }
        let comprehensive = chosen.coverage == Some(Coverage::Comprehensive);
        let rest = rest_share(&conc, other);
        Ok(Some(Shares {
            table: TableRef {
                source: chosen.source.clone(),
                evidence: chosen.evidence,
                coverage: chosen.coverage,
                year: ry,
                unit: figs.unit,
                denominator: conc.denominator,
                supply: conc.supply,
                unlisted_share: conc.unlisted_share,
                trade_proxy: false,
            },
            conc,
            gaps,
            comprehensive,
            rest,
        }))
    }
}
