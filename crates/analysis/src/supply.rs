//! Concentration of one mineral stage in a dataset: which source to read, what its world
//! total is, which countries are gaps, and the trend over years and sources.

use crate::concentration::{concentration, Band, Concentration, Denominator, Thresholds};
use crate::engine::Query;
use crate::error::{AnalysisError, Result};
use crate::proxy::{proxy_note, ProxyNote};
use derisk_model::{
    Area, Basis, CountryCode, Coverage, Dataset, Evidence, Flag, Observation, SourceId, Stage,
    Unit, Year,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// A source with production figures for the request, as ranked for the default choice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceRank {
    pub source: SourceId,
    /// Strongest evidence among the source's rows.
    pub evidence: Evidence,
    /// What a country's absence from the source's tables means (`None`: not stated, read
    /// as top producers).
    pub coverage: Option<Coverage>,
    /// Countries with a figure (a value, not a withheld cell).
    pub countries: usize,
}

/// How the source was chosen.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceRule {
    /// The caller named it.
    Requested,
    /// Strongest evidence (statistical report > IEA dataset > factsheet share > capacity
    /// allocation > trade inference), then more countries, then source id.
    StrongestEvidence,
    /// By the same rule, but the only source with country figures is derisk's trade proxy:
    /// no statistics exist for the stage and year, and the figures are not production.
    TradeProxyOnly,
}

/// A country row with a flag worth showing: a gap (withheld, not available) or a bound.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FlaggedCountry {
    pub country: CountryCode,
    pub flag: Flag,
}

/// A row left out of a concentration because its unit cannot be added to the others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IncomparableRow {
    pub area: Area,
    pub value: Option<f64>,
    pub unit: Unit,
}

/// The IEA N-1 test against demand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct N1Demand {
    /// Historical demand, kilotonnes of contained mineral (IEA).
    pub demand_kt: f64,
    /// The same demand in the supply figures' unit.
    pub demand: f64,
    /// `(supply − largest) / demand`.
    pub coverage: f64,
}

/// Concentration of production of one mineral stage in one year, from one source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StageConcentration {
    pub mineral: String,
    pub stage: Stage,
    pub year: Year,
    pub source: SourceId,
    pub evidence: Evidence,
    pub source_rule: SourceRule,
    /// Every source with figures for the request, ranked by the default rule.
    pub candidates: Vec<SourceRank>,
    /// Unit of the figures (and of `concentration.supply`).
    pub unit: Unit,
    /// The source's world total, when it publishes one with a value.
    pub world_total: Option<f64>,
    /// Countries the source lists without a figure (withheld, not available). They are
    /// not counted as zero: with a world total their output sits in the unlisted share;
    /// without one the shares are of the listed countries only.
    pub gaps: Vec<FlaggedCountry>,
    /// Figures that are bounds (">", "<") used at their printed value.
    pub bounded: Vec<FlaggedCountry>,
    /// Rows of the source in a unit that cannot be added to the others (another basis,
    /// or shares among masses): left out of the shares and listed here.
    pub incomparable: Vec<IncomparableRow>,
    pub concentration: Concentration,
    /// N-1 against historical demand, when demand is known and comparable (contained
    /// mass on both sides).
    pub n1_demand: Option<N1Demand>,
    /// Present exactly when the figures are derisk's trade proxy (evidence
    /// `trade_inference`): what they stand for, rest on and are limited by.
    pub proxy: Option<ProxyNote>,
}

/// One point of a concentration trend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrendPoint {
    pub year: Year,
    pub source: SourceId,
    pub evidence: Evidence,
    pub hhi: f64,
    pub hhi_upper: f64,
    pub top1: f64,
    pub top3: f64,
    pub band: Band,
    pub denominator: Denominator,
}

/// A (year, source) that has production rows but no concentration, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SkippedPoint {
    pub year: Year,
    pub source: SourceId,
    pub reason: AnalysisError,
}

/// Concentration over every (year, source) with figures, sorted by (year, source).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Trend {
    pub mineral: String,
    pub stage: Stage,
    pub thresholds: Thresholds,
    pub points: Vec<TrendPoint>,
    pub skipped: Vec<SkippedPoint>,
}

/// Rank the sources of `rows` by the default rule (see [`SourceRule::StrongestEvidence`]),
/// with each source's coverage from `coverage`.
pub fn rank_sources(
    rows: &[&Observation],
    coverage: impl Fn(&SourceId) -> Option<Coverage>,
) -> Vec<SourceRank> {
    let mut by: BTreeMap<&SourceId, (Evidence, BTreeSet<CountryCode>)> = BTreeMap::new();
    for o in rows {
        let e = by
            .entry(&o.provenance.source)
            .or_insert((o.evidence, BTreeSet::new()));
        e.0 = e.0.min(o.evidence);
        if let (Area::Country(c), Some(_)) = (o.area, o.value) {
            e.1.insert(c);
        }
    }
    let mut v: Vec<SourceRank> = by
        .into_iter()
        .map(|(s, (evidence, cs))| SourceRank {
            source: s.clone(),
            evidence,
            coverage: coverage(s),
            countries: cs.len(),
        })
        .collect();
    v.sort_by(|a, b| {
        a.evidence
            .cmp(&b.evidence)
            .then(b.countries.cmp(&a.countries))
            .then_with(|| a.source.cmp(&b.source))
    });
    v
}

/// Historical demand for a mineral in a year, kilotonnes of contained mineral, from
/// `ds.demand` (IEA): the `Total` sector row of scenario `historical` if there is one,
/// otherwise the sum of the sectors. When several editions give the year, the one with the
/// greatest source id (the newest edition) is used. `None` when there is no record.
pub fn demand_for(ds: &Dataset, mineral: &str, year: Year) -> Option<f64> {
    let rows: Vec<_> = ds
        .demand
        .iter()
        .filter(|d| {
            d.mineral.as_str() == mineral
                && d.year == year
                && d.scenario.eq_ignore_ascii_case("historical")
                && d.value_kt.is_finite()
        })
        .collect();
    let newest = rows.iter().map(|d| &d.provenance.source).max()?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|d| &d.provenance.source == newest)
        .collect();
    match rows.iter().find(|d| d.sector.eq_ignore_ascii_case("total")) {
        Some(t) => Some(t.value_kt),
        None => Some(rows.iter().map(|d| d.value_kt).fold(0.0, |a, b| a + b)),
    }
}

/// Production figures of one source brought to one unit, and the rows that cannot be.
pub(crate) struct Figures {
    pub(crate) unit: Unit,
    pub(crate) rows: Vec<(Area, Option<f64>, Flag)>,
    pub(crate) incomparable: Vec<IncomparableRow>,
}

/// Whether figures in two units can be added after rescaling.
fn comparable(a: &Unit, b: &Unit) -> bool {
    match (a, b) {
        (Unit::ShareOfWorld, Unit::ShareOfWorld) => true,
        (Unit::Mass { basis: x, .. }, Unit::Mass { basis: y, .. }) => x == y,
        _ => false,
    }
}

/// Bring every row of one source to the unit most of its country figures are in: masses
/// on the same basis are rescaled; rows on another basis, or shares mixed with masses, are
/// left out of the comparable subset and listed (a source such as USGS boron publishes some
/// countries in gross product and others in B2O3 content).
pub(crate) fn common_unit(rows: &[&Observation], context: &dyn Fn() -> String) -> Result<Figures> {
    // The unit most country figures are in (the first such on a tie).
    let mut counts: Vec<(&Unit, usize)> = Vec::new();
    for o in rows
        .iter()
        .filter(|o| o.area.country().is_some() && o.value.is_some())
    {
        match counts.iter_mut().find(|(u, _)| comparable(u, &o.unit)) {
            Some(c) => c.1 += 1,
            None => counts.push((&o.unit, 1)),
        }
    }
    let unit = counts
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| a.1.cmp(&b.1).then(j.cmp(i)))
        .map(|(_, (u, _))| (*u).clone())
        .or_else(|| rows.first().map(|o| o.unit.clone()))
        .ok_or_else(|| AnalysisError::NoFigures(context()))?;
    let mut out = Vec::with_capacity(rows.len());
    let mut incomparable = Vec::new();
    for o in rows {
        let factor = match (&unit, &o.unit) {
            (Unit::ShareOfWorld, Unit::ShareOfWorld) => 1.0,
            (
                Unit::Mass {
                    scale: to,
                    basis: b1,
                },
                Unit::Mass {
                    scale: from,
                    basis: b2,
                },
            ) if b1 == b2 => from.tonnes() / to.tonnes(),
            _ => {
                incomparable.push(IncomparableRow {
                    area: o.area,
                    value: o.value,
                    unit: o.unit.clone(),
                });
                continue;
            }
        };
        out.push((o.area, o.value.map(|v| v * factor), o.flag));
    }
    Ok(Figures {
        unit,
        rows: out,
        incomparable,
    })
}

impl Query<'_> {
    /// Concentration of production of `mineral` at `stage` in `year`, from one source.
    ///
    /// Reads [`Measure::Production`](derisk_model::Measure) observations of one source:
    /// the named one, or by default the strongest evidence, then the source with more
    /// countries, then the source id. The source's world row is the denominator when it
    /// has a value; without one, its "other countries" row is added to the listed sum;
    /// otherwise the listed sum is used. Shares of world (`Unit::ShareOfWorld`) are used
    /// directly (denominator 1). Withheld and not-available countries are listed as gaps,
    /// never read as zero. The metrics are those of [`concentration`].
    ///
    /// Errors: unknown mineral; no production figures for the stage and year (or for the
    /// named source); figures of the source in incompatible units; invalid figures.
    pub fn stage_concentration(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        source: Option<&str>,
        thresholds: Thresholds,
    ) -> Result<StageConcentration> {
        let sc = self.shares(mineral, stage, year, source, thresholds)?;
        let mut sc = Rc::unwrap_or_clone(sc);
        sc.concentration.set_thresholds(thresholds);
        Ok(sc)
    }

    /// The computation behind [`Self::stage_concentration`] (memoised by the query).
    pub(crate) fn compute_stage_concentration(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        source: Option<&str>,
        thresholds: Thresholds,
    ) -> Result<StageConcentration> {
        if self.ds().mineral(mineral).is_none() {
            return Err(AnalysisError::UnknownMineral(mineral.to_string()));
        }
        let all = self.production().year(mineral, stage, year);
        // Messages are built only on error (this runs in tight loops).
        let what = || format!("production of {mineral} ({stage}) in {year}");
        let candidates = self.production().sources(mineral, stage, year);
        let (chosen, rule) = match source {
            Some(s) => (
                candidates.iter().find(|c| c.source.as_str() == s),
                SourceRule::Requested,
            ),
            None => {
                let c = candidates.iter().find(|c| c.countries > 0);
                let rule = match c.map(|c| c.evidence) {
                    Some(Evidence::TradeInference) => SourceRule::TradeProxyOnly,
                    _ => SourceRule::StrongestEvidence,
                };
                (c, rule)
            }
        };
        let chosen = chosen.cloned().ok_or_else(|| {
            AnalysisError::NoFigures(match source {
                Some(s) => format!("{} from source {s}", what()),
                None => what(),
            })
        })?;
        let rows: Vec<&Observation> = all
            .iter()
            .copied()
            .filter(|o| o.provenance.source == chosen.source)
            .collect();
        let context = || format!("{} from {}", what(), chosen.source);
        let figs = common_unit(&rows, &context)?;
        let overlay = self.overlay();
        let touched = overlay.production_countries(mineral, stage);
        let scale = match (&figs.unit, touched.is_empty()) {
            (_, true) => 1.0,
            (Unit::Mass { scale, .. }, false) => scale.tonnes(),
            (Unit::ShareOfWorld, false) => {
                return Err(AnalysisError::OverlayNotApplicable(format!(
                    "{} publishes {mineral} ({stage}) production as shares of world supply",
                    chosen.source
                )))
            }
        };
        // Production changed by the overlay: the world total moves by the same amount.
        let mut delta = 0.0;
        let mut adjust = |c: CountryCode, v: Option<f64>| -> Option<f64> {
            let t = overlay.production_tonnes(mineral, stage, c, v.map(|v| v * scale));
            let new = t.map(|t| t / scale);
            delta += new.unwrap_or(0.0) - v.unwrap_or(0.0);
            new
        };
        let mut figs = figs;
        let mut seen = BTreeSet::new();
        for row in figs.rows.iter_mut() {
            if let Area::Country(c) = row.0 {
                if touched.contains(&c) {
                    seen.insert(c);
                    row.1 = adjust(c, row.1);
                }
            }
        }
        for &c in touched.difference(&seen) {
            if let Some(v) = adjust(c, None) {
                figs.rows.push((Area::Country(c), Some(v), Flag::Derived));
            }
        }

        let mut figures = Vec::new();
        let (mut gaps, mut bounded) = (Vec::new(), Vec::new());
        let (mut world, mut other) = (None, None::<f64>);
        for &(area, value, flag) in &figs.rows {
            match (area, value) {
                (Area::Country(c), Some(v)) => {
                    figures.push((c, v));
                    if matches!(flag, Flag::LowerBound | Flag::UpperBound) {
                        bounded.push(FlaggedCountry { country: c, flag });
                    }
                }
                (Area::Country(c), None) => gaps.push(FlaggedCountry { country: c, flag }),
                (Area::World, Some(v)) => world = Some(v + delta),
                (Area::Other, Some(v)) => *other.get_or_insert(0.0) += v,
                (Area::World | Area::Other, None) => {}
            }
        }
        if figures.is_empty() {
            return Err(AnalysisError::NoFigures(format!(
                "{}: no country has a figure",
                context()
            )));
        }
        let shares = figs.unit == Unit::ShareOfWorld;
        let listed: f64 = figures.iter().map(|f| f.1).fold(0.0, |a, b| a + b);
        let (total, denominator) = if shares {
            (Some(1.0), Denominator::SharesOfWorld)
        } else if let Some(w) = world {
            (Some(w), Denominator::PublishedWorldTotal)
        } else if let Some(o) = other {
            (Some(listed + o), Denominator::ListedPlusOther)
        } else {
            (None, Denominator::SumOfListed)
        };
        let mut conc = concentration(&figures, total, thresholds)?;
        if conc.denominator == Denominator::PublishedWorldTotal {
            conc.denominator = denominator;
        }
        let n1_demand = match &figs.unit {
            Unit::Mass {
                scale,
                basis: Basis::Content,
            } => demand_for(self.ds(), mineral, year)
                .filter(|d| *d > 0.0)
                .and_then(|kt| {
                    let demand = kt * 1_000.0 / scale.tonnes();
                    let coverage = conc.n1_demand_coverage(demand).ok()?;
                    Some(N1Demand {
                        demand_kt: kt,
                        demand,
                        coverage,
                    })
                }),
            _ => None,
        };
        let proxy = (chosen.evidence == Evidence::TradeInference)
            .then(|| proxy_note(self.ds(), mineral, stage, year));
        Ok(StageConcentration {
            mineral: mineral.to_string(),
            stage: stage.clone(),
            year,
            source: chosen.source.clone(),
            evidence: chosen.evidence,
            source_rule: rule,
            candidates,
            unit: figs.unit,
            world_total: if shares { None } else { world },
            gaps,
            bounded,
            incomparable: figs.incomparable,
            concentration: conc,
            n1_demand,
            proxy,
        })
    }

    /// [`Self::stage_concentration`] for every (year, source) with production rows of the
    /// mineral and stage, sorted by (year, source). Pairs without a computable
    /// concentration are listed in `skipped` with the reason, not dropped silently.
    pub fn concentration_trend(
        &self,
        mineral: &str,
        stage: &Stage,
        thresholds: Thresholds,
    ) -> Result<Trend> {
        if self.ds().mineral(mineral).is_none() {
            return Err(AnalysisError::UnknownMineral(mineral.to_string()));
        }
        let mut points = Vec::new();
        let mut skipped = Vec::new();
        for year in self.production().years(mineral, stage) {
            let mut sources = self.production().sources(mineral, stage, year);
            sources.sort_by(|a, b| a.source.cmp(&b.source));
            for s in sources {
                match self.stage_concentration(
                    mineral,
                    stage,
                    year,
                    Some(s.source.as_str()),
                    thresholds,
                ) {
                    Ok(sc) => points.push(TrendPoint {
                        year,
                        source: sc.source,
                        evidence: sc.evidence,
                        hhi: sc.concentration.hhi,
                        hhi_upper: sc.concentration.hhi_upper,
                        top1: sc.concentration.top1_share,
                        top3: sc.concentration.top3_share,
                        band: sc.concentration.band,
                        denominator: sc.concentration.denominator,
                    }),
                    Err(e) => skipped.push(SkippedPoint {
                        year,
                        source: s.source,
                        reason: e,
                    }),
                }
            }
        }
        Ok(Trend {
            mineral: mineral.to_string(),
            stage: stage.clone(),
            thresholds,
            points,
            skipped,
        })
    }
}
