//! Ranking the briefing's minerals by risk and saying the biggest risks in words.
//!
//! Three signals per mineral, each a fraction 0–1, weighted by the importer's reliance on
//! imports `w` = net import reliance clamped to [0, 1] (unknown reliance counts as full
//! reliance, and the text says so: a risk tool errs towards caution):
//! - restricted imports: share of imports from suppliers with an export restriction on the
//!   mineral in force, × w — exposure to a lever already pulled;
//! - dominant supplier: ½ × share of imports from the largest supplier, × w — dependence
//!   on one partner that has not (yet) restricted;
//! - dominant producer: world share of the largest refiner (else miner), × w, halved unless
//!   that producer restricts exports of the mineral; not counted when the producer is a
//!   member of the importer.
//!
//! The halving encodes that a lever in use is a larger risk than one that could be used.
//! A mineral's score is its largest signal; ties go to the order above, then to the mineral
//! id, so the ranking is deterministic.

use super::{MineralBrief, RestrictedSupplier};
use derisk_model::{CountryCode, MeasureType, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Which signal drives a risk.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskDriver {
    RestrictedImports,
    DominantSupplier,
    DominantProducer,
}

/// What a risk says, as data (its sentence is its `Display`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "driver", rename_all = "snake_case")]
pub enum RiskFact {
    /// `share` of the importer's imports come from suppliers with export restrictions.
    RestrictedImports {
        mineral_name: String,
        importer: String,
        share: f64,
        year: Year,
        by_quantity: bool,
        suppliers: Vec<RestrictedSupplier>,
    },
    /// `share` of the importer's imports come from one supplier.
    DominantSupplier {
        mineral_name: String,
        importer: String,
        share: f64,
        year: Year,
        by_quantity: bool,
        supplier: CountryCode,
    },
    /// One producer supplies `share` of world output at a stage.
    DominantProducer {
        mineral_name: String,
        producer: CountryCode,
        share: f64,
        stage: Stage,
        source: SourceId,
        year: Year,
        /// The producer's export restrictions on the mineral in force (empty if none).
        measures: Vec<MeasureType>,
        /// Whether `share` is of the trade proxy (world net exports of the stage's
        /// products), not of production.
        proxy: bool,
    },
}

/// One of the briefing's biggest risks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Risk {
    pub mineral: String,
    /// Signal × reliance weight, 0–1.
    pub score: f64,
    pub driver: RiskDriver,
    /// The reliance weight used (net import reliance clamped to 0–1, or 1 when unknown).
    pub reliance: f64,
    pub reliance_known: bool,
    pub fact: RiskFact,
}

/// The distinct measure types, in order.
fn kinds(measures: &[(String, MeasureType)]) -> Vec<MeasureType> {
    let set: BTreeSet<MeasureType> = measures.iter().map(|(_, k)| *k).collect();
    set.into_iter().collect()
}

/// The `n` largest risks (score above zero) among `minerals`, for the importer labelled `label` made of
/// `members`.
pub fn rank(
    label: &str,
    members: &BTreeSet<CountryCode>,
    minerals: &[MineralBrief],
    n: usize,
) -> Vec<Risk> {
    let mut risks: Vec<Risk> = minerals
        .iter()
        .filter_map(|m| assess(label, members, m))
        .filter(|r| r.score > 0.0)
        .collect();
    risks.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.mineral.cmp(&b.mineral)));
    risks.truncate(n);
    risks
}

fn assess(label: &str, members: &BTreeSet<CountryCode>, m: &MineralBrief) -> Option<Risk> {
    let dep = m.dependence.as_ref();
    let (reliance, reliance_known) = match dep.and_then(|d| d.nir) {
        Some(nir) => (nir.clamp(0.0, 1.0), true),
        None => (1.0, false),
    };
    let mut candidates: Vec<(f64, RiskDriver, RiskFact)> = Vec::new();
    if let Some(d) = dep {
        if d.restricted_share > 0.0 {
            candidates.push((
                d.restricted_share * reliance,
                RiskDriver::RestrictedImports,
                RiskFact::RestrictedImports {
                    mineral_name: m.name.clone(),
                    importer: label.to_string(),
                    share: d.restricted_share,
                    year: d.year,
                    by_quantity: d.shares_by_quantity,
                    suppliers: d.restricted.clone(),
                },
            ));
        }
        if let Some(top) = d.suppliers.first() {
            candidates.push((
                0.5 * top.share * reliance,
                RiskDriver::DominantSupplier,
                RiskFact::DominantSupplier {
                    mineral_name: m.name.clone(),
                    importer: label.to_string(),
                    share: top.share,
                    year: d.year,
                    by_quantity: d.shares_by_quantity,
                    supplier: top.country,
                },
            ));
        }
    }
    if let Some(s) = m.refining.as_ref().or(m.mining.as_ref()) {
        if let Some(top) = s.top.first() {
            // The importer's own dominance is not a supply risk to it.
            if !members.contains(&top.country) {
                let restriction = s.restricted.iter().find(|r| r.country == top.country);
                let weight = if restriction.is_some() { 1.0 } else { 0.5 };
                candidates.push((
                    weight * top.share * reliance,
                    RiskDriver::DominantProducer,
                    RiskFact::DominantProducer {
                        mineral_name: m.name.clone(),
                        producer: top.country,
                        share: top.share,
                        stage: s.stage.clone(),
                        source: s.source.clone(),
                        year: s.year,
                        measures: restriction.map(|r| kinds(&r.measures)).unwrap_or_default(),
                        proxy: s.proxy.is_some(),
                    },
                ));
            }
        }
    }
    // Largest score; on a tie the earlier driver in the list above wins.
    let best = candidates
        .into_iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| a.0.total_cmp(&b.0).then(j.cmp(i)))?
        .1;
    Some(Risk {
        mineral: m.mineral.clone(),
        score: best.0,
        driver: best.1,
        reliance,
        reliance_known,
        fact: best.2,
    })
}
