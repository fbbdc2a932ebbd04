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

use super::MineralBrief;
use derisk_model::CountryCode;
use serde::Serialize;
use std::collections::BTreeSet;

/// Which signal drives a risk.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskDriver {
    RestrictedImports,
    DominantSupplier,
    DominantProducer,
}

/// One of the briefing's biggest risks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Risk {
    pub mineral: String,
    /// Signal × reliance weight, 0–1.
    pub score: f64,
    pub driver: RiskDriver,
    /// The reliance weight used (net import reliance clamped to 0–1, or 1 when unknown).
    pub reliance: f64,
    pub reliance_known: bool,
    /// The risk in one sentence.
    pub text: String,
}

/// The distinct measure types, e.g. "licence/ban".
fn kinds(measures: &[(String, derisk_model::MeasureType)]) -> String {
    let set: std::collections::BTreeSet<derisk_model::MeasureType> =
        measures.iter().map(|(_, k)| *k).collect();
    set.iter().map(|k| k.as_str()).collect::<Vec<_>>().join("/")
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
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
    let reliance_text = if reliance_known {
        format!("net import reliance {}", pct(reliance))
    } else {
        "import reliance unknown, counted as full".to_string()
    };
    let mut candidates: Vec<(f64, RiskDriver, String)> = Vec::new();
    if let Some(d) = dep {
        let basis = if d.shares_by_quantity {
            "contained tonnes"
        } else {
            "value"
        };
        if d.restricted_share > 0.0 {
            let who: Vec<String> = d
                .restricted
                .iter()
                .map(|r| format!("{} ({} {})", r.country, pct(r.share), kinds(&r.measures)))
                .collect();
            candidates.push((
                d.restricted_share * reliance,
                RiskDriver::RestrictedImports,
                format!(
                    "{}: {} of {label}'s imports ({}, by {basis}) come from suppliers with export restrictions in force: {}; {reliance_text}.",
                    m.name, pct(d.restricted_share), d.year, who.join(", ")
                ),
            ));
        }
        if let Some(top) = d.suppliers.first() {
            candidates.push((
                0.5 * top.share * reliance,
                RiskDriver::DominantSupplier,
                format!(
                    "{}: {} of {label}'s imports ({}, by {basis}) come from one supplier, {}; {reliance_text}.",
                    m.name, pct(top.share), d.year, top.country
                ),
            ));
        }
    }
    if let Some(s) = m.refining.as_ref().or(m.mining.as_ref()) {
        if let Some(top) = s.top.first() {
            // The importer's own dominance is not a supply risk to it.
            if !members.contains(&top.country) {
                let restriction = s.restricted.iter().find(|r| r.country == top.country);
                let restricted = restriction
                    .map(|r| format!(" and restricts its exports ({})", kinds(&r.measures)))
                    .unwrap_or_default();
                let weight = if restriction.is_some() { 1.0 } else { 0.5 };
                candidates.push((
                    weight * top.share * reliance,
                    RiskDriver::DominantProducer,
                    format!(
                        "{}: {} supplies {} of world {} ({} {}){restricted}; {reliance_text}.",
                        m.name,
                        top.country,
                        pct(top.share),
                        s.stage,
                        s.source,
                        s.year
                    ),
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
        text: best.2,
    })
}
