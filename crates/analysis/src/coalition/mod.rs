//! What a coalition of countries controls of one mineral: its pooled share of production
//! (mining, refining) and of reserves, its self-sufficiency, the share of its consumption
//! that originates inside it, the concentration of what lies outside it, and which
//! candidate country adds the most (see [`search`]).
//!
//! Kernels work on plain figures ([`pooled_share`], [`remainder`], [`balance`],
//! [`origin_inside`]); [`Query::coalition`](crate::Query::coalition) picks the figures
//! (`dataset.rs`). The rules for what is unknown are those of production
//! ([`crate::ProductionTotal`]): a member absent from a table that lists only the main
//! producers is unknown, never 0, and its output lies somewhere in the table's unlisted
//! remainder, so a pooled share is a range from the listed members up to the listed
//! members plus that remainder.

mod dataset;
pub mod search;

pub use dataset::{CoalitionOptions, CoalitionTargetMetric, DEFAULT_CANDIDATES};

use crate::concentration::{
    Band, Concentration, ConcentrationNote, Denominator, Share, Thresholds,
};
use crate::error::AnalysisError;
use crate::network::{Layer, LayerId, Network, Origins};
use derisk_model::{CountryCode, Coverage, Evidence, SourceId, Stage, Unit, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A figure known exactly (`low == high`) or as a range, or unknown with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Estimate {
    Known { low: f64, high: f64 },
    Unknown { reason: UnknownReason },
}

impl Estimate {
    pub fn point(v: f64) -> Estimate {
        Estimate::Known { low: v, high: v }
    }
    pub fn range(a: f64, b: f64) -> Estimate {
        Estimate::Known {
            low: a.min(b),
            high: a.max(b),
        }
    }
    pub fn unknown(reason: UnknownReason) -> Estimate {
        Estimate::Unknown { reason }
    }
    /// The low end, when known.
    pub fn low(&self) -> Option<f64> {
        match self {
            Estimate::Known { low, .. } => Some(*low),
            Estimate::Unknown { .. } => None,
        }
    }
    /// The high end, when known.
    pub fn high(&self) -> Option<f64> {
        match self {
            Estimate::Known { high, .. } => Some(*high),
            Estimate::Unknown { .. } => None,
        }
    }
}

/// Why a coalition figure is unknown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnknownReason {
    /// No table of the mineral at the stage (or of its reserves) has figures for the year.
    NoTable { what: String },
    /// The table could not be read into shares (mixed units, no country figure…).
    NoShares { error: AnalysisError },
    /// Members are absent from (or withheld in) a table of the main producers that gives
    /// neither a world total nor an "other countries" line: nothing bounds them.
    NoWorldTotal {
        source: SourceId,
        members: Vec<CountryCode>,
    },
    /// Members' production is withheld, on another basis, or known only as "not a net
    /// exporter" (the trade proxy), so nothing bounds it.
    MembersUnknown { members: Vec<CountryCode> },
    /// Members are absent from the year's tables of the main producers, and none of those
    /// tables gives a rest-of-world figure in contained tonnes to bound them.
    NoRestOfWorld { members: Vec<CountryCode> },
    /// The network has no trade carriers at the stage's layer: the coalition's trade in it
    /// is unknown, not zero.
    NoCarriers { layer: LayerId },
    /// The coalition's apparent consumption (production + imports − exports) is not
    /// positive at one end of its production range: the ratio is undefined there.
    NoConsumption { apparent_consumption_t: f64 },
    /// The supply network could not be built (no HS codes, no trade in the year).
    NoNetwork { error: AnalysisError },
}

/// The table a pooled share was read from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TableRef {
    pub source: SourceId,
    pub evidence: Evidence,
    /// `None`: not stated, read as listing the main producers only.
    pub coverage: Option<Coverage>,
    pub year: Year,
    pub unit: Unit,
    pub denominator: Denominator,
    /// The denominator in `unit`.
    pub supply: f64,
    /// The source's "unlisted" share: world supply it does not itemise by country.
    pub unlisted_share: f64,
    /// The figures are derisk's trade proxy (shares of world net exports of the refined
    /// product), not production statistics.
    pub trade_proxy: bool,
}

/// A coalition's share of one table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PooledShare {
    /// Fraction (0–1) of world supply: low = the members the table lists with figures;
    /// high = low + the table's unlisted remainder when some member is unaccounted for.
    pub share: Estimate,
    /// The members the table lists, largest first (value in the table's unit; share of
    /// its denominator).
    pub listed: Vec<Share>,
    /// Members whose output the table does not give: withheld, or absent from a table
    /// of the main producers. Empty when every member is accounted for.
    pub unaccounted: Vec<CountryCode>,
    /// Members absent from a comprehensive table: 0 on its basis.
    pub absent_zero: usize,
}

/// What a table leaves to the countries it does not list, as a fraction of its
/// denominator: its unlisted share when it has a world total (or an "other countries"
/// line, or publishes shares of world); with shares of the listed sum, its "other
/// countries" line `other` (in the table's unit) over that sum, or 0 when its published
/// world total is below the listed sum (it leaves nothing but rounding); otherwise `None`:
/// nothing bounds the unlisted.
pub fn rest_share(conc: &Concentration, other: Option<f64>) -> Option<f64> {
    match conc.denominator {
        Denominator::SumOfListed => match other {
            Some(o) => Some((o / conc.supply).max(0.0)),
            None if conc
                .notes
                .iter()
                .any(|n| matches!(n, ConcentrationNote::WorldTotalBelowListed { .. })) =>
            {
                Some(0.0)
            }
            None => None,
        },
        _ => Some(conc.unlisted_share),
    }
}

/// The pooled share of `members` in one table (its concentration, its countries without
/// a figure, whether it lists every producer, what it leaves unlisted: [`rest_share`]).
///
/// `low = Σ_{m ∈ C} s_m` over the members the table lists with a figure. A member without
/// a figure — withheld (`gaps`), or absent from a table that lists only the main producers
/// (`comprehensive == false`) — is unknown, never 0: its output sits in the table's
/// unlisted rest `u`, so `high = min(1, low + u)`. A member absent from a comprehensive
/// table produces 0 and leaves `high = low`. When unknown members face a table that
/// bounds nothing it leaves out (`rest == None`), the share is unknown.
pub fn pooled_share(
    conc: &Concentration,
    source: &SourceId,
    gaps: &[CountryCode],
    comprehensive: bool,
    rest: Option<f64>,
    members: &BTreeSet<CountryCode>,
) -> PooledShare {
    let listed: Vec<Share> = conc
        .shares
        .iter()
        .filter(|s| members.contains(&s.country))
        .cloned()
        .collect();
    let low: f64 = listed.iter().map(|s| s.share).fold(0.0, |a, b| a + b);
    let with_figure: BTreeSet<CountryCode> = conc.shares.iter().map(|s| s.country).collect();
    let mut unaccounted = Vec::new();
    let mut absent_zero = 0;
    for m in members {
        if with_figure.contains(m) {
            continue;
        }
        if gaps.contains(m) || !comprehensive {
            unaccounted.push(*m);
        } else {
            absent_zero += 1;
        }
    }
    let share = if unaccounted.is_empty() {
        Estimate::point(low)
    } else if let Some(u) = rest {
        Estimate::range(low, (low + u).min(1.0))
    } else {
        Estimate::unknown(UnknownReason::NoWorldTotal {
            source: source.clone(),
            members: unaccounted.clone(),
        })
    };
    PooledShare {
        share,
        listed,
        unaccounted,
        absent_zero,
    }
}

/// Concentration of the supply outside a coalition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Remainder {
    /// Fraction of world supply outside the coalition (`1 − pooled share`, a range).
    pub share: Estimate,
    /// The largest producer outside the coalition, with its share of world supply.
    pub largest: Option<Share>,
    /// `10,000 · Σ (s_i / R)²` over the listed non-members, `R = 1 − low`: the unlisted
    /// remainder treated as many small producers (a lower bound).
    pub hhi: f64,
    /// `hhi + 10,000 · (u / R)²`: the unlisted remainder `u` as one producer (upper bound).
    pub hhi_upper: f64,
    pub band: Band,
    pub band_upper: Band,
}

/// The concentration of what lies outside `members` (see [`Remainder`]). The remainder
/// is measured at the coalition's low end (every unaccounted member at 0, so the whole
/// unlisted remainder lies outside). `None` when nothing is left outside.
pub fn remainder(
    conc: &Concentration,
    pooled: &PooledShare,
    members: &BTreeSet<CountryCode>,
    thresholds: Thresholds,
) -> Option<Remainder> {
    let low = pooled
        .listed
        .iter()
        .map(|s| s.share)
        .fold(0.0, |a, b| a + b);
    let outside = 1.0 - low;
    if outside <= 1e-12 {
        return None;
    }
    let others: Vec<&Share> = conc
        .shares
        .iter()
        .filter(|s| !members.contains(&s.country))
        .collect();
    let listed: f64 = others.iter().map(|s| s.share).fold(0.0, |a, b| a + b);
    let hhi = 10_000.0
        * others
            .iter()
            .map(|s| (s.share / outside).powi(2))
            .fold(0.0, |a, b| a + b);
    let unlisted = ((outside - listed) / outside).max(0.0);
    let hhi_upper = hhi + 10_000.0 * unlisted * unlisted;
    let share = match &pooled.share {
        Estimate::Known { low, high } => Estimate::range(1.0 - high, 1.0 - low),
        Estimate::Unknown { reason } => Estimate::unknown(reason.clone()),
    };
    Some(Remainder {
        share,
        largest: others.first().map(|s| (*s).clone()),
        hhi,
        hhi_upper,
        band: thresholds.band(hhi),
        band_upper: thresholds.band(hhi_upper),
    })
}

/// A coalition's trade at one layer of the network, contained tonnes; trade between
/// members is internal and nets out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Balance {
    pub layer: LayerId,
    /// Members' reported (or inferred) output at the layer; members with unknown output
    /// count 0 here (see `unknown_output`).
    pub known_output_t: f64,
    /// Imports from non-members.
    pub imports_t: f64,
    /// Exports to non-members.
    pub exports_t: f64,
    /// Shipments between members.
    pub internal_t: f64,
    /// Members in the network whose output at the layer is unknown.
    pub unknown_output: Vec<CountryCode>,
}

/// The coalition's balance at one layer (see [`Balance`]).
pub fn balance(
    layer: &Layer,
    countries: &[CountryCode],
    members: &BTreeSet<CountryCode>,
) -> Balance {
    let inside: Vec<bool> = countries.iter().map(|c| members.contains(c)).collect();
    let mut b = Balance {
        layer: layer.id,
        known_output_t: 0.0,
        imports_t: 0.0,
        exports_t: 0.0,
        internal_t: 0.0,
        unknown_output: Vec::new(),
    };
    for (i, &is) in inside.iter().enumerate() {
        if !is {
            continue;
        }
        match layer.production[i] {
            Some(p) => b.known_output_t += p.tonnes(),
            None => b.unknown_output.push(countries[i]),
        }
    }
    for e in &layer.edges {
        match (inside[e.from as usize], inside[e.to as usize]) {
            (true, true) => b.internal_t += e.tonnes,
            (false, true) => b.imports_t += e.tonnes,
            (true, false) => b.exports_t += e.tonnes,
            (false, false) => {}
        }
    }
    b
}

/// Self-sufficiency `P / (P + I − E)`: the coalition's output `P` against its apparent
/// consumption, with `I` and `E` its imports from and exports to non-members (trade
/// between members nets out). `production` is a range (members absent from tables of the
/// main producers); the ratio is monotone in `P`, so its range is given by the two ends.
/// Above 1: a net exporter. Unknown when consumption is not positive at an end.
pub fn self_sufficiency(production: &Estimate, imports_t: f64, exports_t: f64) -> Estimate {
    let (low, high) = match production {
        Estimate::Known { low, high } => (*low, *high),
        Estimate::Unknown { reason } => return Estimate::unknown(reason.clone()),
    };
    let ratio = |p: f64| {
        let ac = p + imports_t - exports_t;
        if ac > 0.0 {
            Ok(p / ac)
        } else {
            Err(ac)
        }
    };
    match (ratio(low), ratio(high)) {
        (Ok(a), Ok(b)) => Estimate::range(a, b),
        (Err(ac), _) | (_, Err(ac)) => Estimate::unknown(UnknownReason::NoConsumption {
            apparent_consumption_t: ac,
        }),
    }
}

/// Where a coalition's consumption at one layer was mined (and, for refined material,
/// refined), by look-through origin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OriginInside {
    pub layer: LayerId,
    /// `Σ_c max(0, X_c + I_c − E_c)` over members: their consumption at the layer,
    /// contained tonnes (trade between members nets out; a member with unknown output
    /// counts its net imports only).
    pub consumption_t: f64,
    /// Fraction of that consumption mined inside the coalition.
    pub mined_inside: f64,
    /// Fraction mined outside it.
    pub mined_outside: f64,
    /// Fraction no data traces to a mine; `mined_inside + mined_outside + unattributed = 1`.
    pub unattributed: f64,
    /// Refined layer only: fraction refined inside the coalition (the rest was refined
    /// outside or is untraced).
    pub refined_inside: Option<f64>,
}

/// The look-through origin of the coalition's consumption at a layer: each member's pool
/// (own output plus imports) carries the mine-origin mix the network's look-through
/// assigns it ([`Origins`]), and its consumption (the pool less its exports) carries the
/// same mix (proportional pass-through), so the coalition's mix is the consumption-
/// weighted mean of its members' pool mixes. `None` when members consume nothing.
pub fn origin_inside(
    n: &Network,
    origins: &Origins,
    layer: LayerId,
    members: &BTreeSet<CountryCode>,
) -> Option<OriginInside> {
    let l = n.layer(layer);
    let (mut total, mut inside, mut attributed, mut refined_inside) = (0.0, 0.0, 0.0, 0.0);
    for &m in members {
        let Some(c) = n.index(m) else { continue };
        let w = (l.output_t(c) + l.imports_t[c] - l.exports_t[c]).max(0.0);
        if w <= 0.0 {
            continue;
        }
        total += w;
        let (row, _) = origins.pool_origin(layer, c);
        for (col, s) in row {
            attributed += w * s;
            if members.contains(&n.countries[col as usize]) {
                inside += w * s;
            }
        }
        if layer == LayerId::Refined {
            let r = &origins.refiners;
            for (&col, s) in r.columns.iter().zip(r.row(c)) {
                if members.contains(&n.countries[col as usize]) {
                    refined_inside += w * s;
                }
            }
        }
    }
    if total <= 0.0 {
        return None;
    }
    let unattributed = ((total - attributed) / total).max(0.0);
    Some(OriginInside {
        layer,
        consumption_t: total,
        mined_inside: inside / total,
        mined_outside: ((attributed - inside) / total).max(0.0),
        unattributed,
        refined_inside: (layer == LayerId::Refined).then_some(refined_inside / total),
    })
}

/// A coalition at one stage of one mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoalitionStage {
    pub stage: Stage,
    /// The production table read (`None` when the stage has none for the year).
    pub table: Option<TableRef>,
    /// Pooled share of world production (fraction 0–1).
    pub pooled: PooledShare,
    /// Members' production, contained tonnes (a range when members are absent from
    /// tables of the main producers), as production elsewhere in derisk resolves it.
    pub production_t: Estimate,
    /// Trade with non-members at the network layer of the stage.
    pub balance: Option<Balance>,
    /// Production against apparent consumption (fraction; above 1 a net exporter).
    pub self_sufficiency: Estimate,
    /// Where the coalition's consumption at this stage's layer originates.
    pub origin: Option<OriginInside>,
    /// Concentration of the supply outside the coalition.
    pub remainder: Option<Remainder>,
}

/// A coalition's share of world reserves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReservesShare {
    pub table: Option<TableRef>,
    pub pooled: PooledShare,
}

/// One candidate country's marginal value: the coalition's figures with it added.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Candidate {
    pub country: CountryCode,
    /// Gain in the ranking metric (the target's, else pooled refining share, else
    /// mining), in that metric's unit.
    pub gain: f64,
    /// Gain in pooled mining and refining share (low ends), fractions; `None` where the
    /// stage has no shares.
    pub mining_share_gain: Option<f64>,
    pub refining_share_gain: Option<f64>,
}

/// Everything derisk measures of a coalition for one mineral and year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoalitionMineral {
    pub mineral: String,
    pub year: Year,
    /// Mining, then refining.
    pub stages: Vec<CoalitionStage>,
    pub reserves: ReservesShare,
    /// Why the network figures (self-sufficiency, origin) are missing, if they are.
    pub network: Option<UnknownReason>,
    /// The metric candidates are ranked by.
    pub ranked_by: CoalitionTargetMetric,
    /// The best candidates to add, by marginal value (largest gain first).
    pub candidates: Vec<Candidate>,
    /// The search for the smallest addition that reaches the target, when one is set.
    pub search: Option<search::TargetSearch>,
}
