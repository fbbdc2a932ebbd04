//! Monte Carlo over disruptions of a mineral's suppliers: many sampled futures of one layer
//! of the supply network, each run through the monthly shock engine's response (rerouting,
//! stocks, shortfall), and the distribution of every importer's shortfall.
//!
//! One evaluation is one sampled scenario over the whole horizon for all importers of one
//! mineral ([`kernel`] says how a scenario is drawn). Scenario `i` draws from the ChaCha8
//! stream `i` of the seed, and the tallies ([`stats`]) add exactly, so results are bit for
//! bit the same for any thread count and any split into shards (`--shard i/n` runs a range
//! of scenario indices; [`Accumulator::merge`] joins them).
//!
//! Reported per importer: the expected shortfall over the horizon with its standard error,
//! the shortfall at the confidence level (P95 by default) with an order-statistic interval,
//! the CVaR (mean of the worst 5 %) with its standard error, and the chance of any
//! shortfall.

pub mod calibrate;
pub mod kernel;
pub mod stats;

use crate::network::{LayerId, Network};
use crate::shock::Responses;
use derisk_model::CountryCode;
use kernel::Compiled;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use stats::{tail_cap, RiskStats, Tally};
use std::ops::Range;

/// How bad a disruption is once it happens: uniform ranges.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Severity {
    /// Fraction of the supplier's shipments cut, uniform in [cut_min, cut_max].
    pub cut_min: f64,
    pub cut_max: f64,
    /// Length in months, uniform in duration_min..=duration_max.
    pub duration_min_months: u32,
    pub duration_max_months: u32,
}

/// Everything that defines a run, besides the network.
#[derive(Clone, Debug, PartialEq)]
pub struct McSpec {
    pub layer: LayerId,
    pub horizon_months: u32,
    /// Per network country: the annual probability it is disrupted (0 for none).
    pub annual_probability: Vec<f64>,
    pub severity: Severity,
    pub responses: Responses,
    pub seed: u64,
    /// Confidence level of the quantile and CVaR, per mille (950: P95).
    pub level_permille: u32,
}

/// The tallies of a range of scenarios: one per tracked importer, and the world's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Accumulator {
    /// Scenarios in the whole run (sets how much tail to keep).
    pub runs: u64,
    /// Scenario index ranges covered, sorted and joined.
    pub covered: Vec<(u64, u64)>,
    pub importers: Vec<CountryCode>,
    pub tallies: Vec<Tally>,
    pub world: Tally,
    pub level_permille: u32,
}

/// Why two accumulators cannot be merged or finished.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MergeError {
    #[error("the shards are of different runs ({0})")]
    Mismatch(&'static str),
    #[error("scenarios {0}..{1} are covered twice")]
    Overlap(u64, u64),
    #[error("scenarios {0}..{1} of the run are missing")]
    Missing(u64, u64),
}

impl Accumulator {
    fn empty(runs: u64, importers: &[CountryCode], level_permille: u32) -> Accumulator {
        Accumulator {
            runs,
            covered: Vec::new(),
            importers: importers.to_vec(),
            tallies: vec![Tally::new(); importers.len()],
            world: Tally::new(),
            level_permille,
        }
    }

    fn cap(&self) -> usize {
        tail_cap(self.runs, self.level_permille)
    }

    /// Sort and cut every tail, and join the covered ranges: the one form of a tally.
    fn settle(&mut self) {
        let cap = self.cap();
        for t in self.tallies.iter_mut().chain([&mut self.world]) {
            t.settle(cap);
        }
        self.covered.sort_unstable();
        let mut joined: Vec<(u64, u64)> = Vec::new();
        for &(a, b) in &self.covered {
            match joined.last_mut() {
                Some(last) if a == last.1 => last.1 = b,
                _ => joined.push((a, b)),
            }
        }
        self.covered = joined;
    }

    /// Join another range of the same run (exact: the result does not depend on the order
    /// or grouping of merges).
    pub fn merge(&mut self, other: &Accumulator) -> Result<(), MergeError> {
        if self.runs != other.runs {
            return Err(MergeError::Mismatch("run sizes differ"));
        }
        if self.importers != other.importers || self.level_permille != other.level_permille {
            return Err(MergeError::Mismatch("importers or level differ"));
        }
        let mut ranges = self.covered.clone();
        ranges.extend(other.covered.iter().copied());
        ranges.sort_unstable();
        let mut joined: Vec<(u64, u64)> = Vec::new();
        for (a, b) in ranges {
            match joined.last_mut() {
                Some(last) if a < last.1 => return Err(MergeError::Overlap(a, last.1.min(b))),
                Some(last) if a == last.1 => last.1 = b,
                _ => joined.push((a, b)),
            }
        }
        let cap = self.cap();
        for (t, o) in self.tallies.iter_mut().zip(&other.tallies) {
            t.merge(o, cap);
        }
        self.world.merge(&other.world, cap);
        self.covered = joined;
        Ok(())
    }

    /// The statistics, once every scenario of the run is covered.
    pub fn finish(&self) -> Result<McResult, MergeError> {
        let mut at = 0;
        for &(a, b) in &self.covered {
            if a > at {
                return Err(MergeError::Missing(at, a));
            }
            at = b;
        }
        if at < self.runs {
            return Err(MergeError::Missing(at, self.runs));
        }
        Ok(McResult {
            runs: self.runs,
            importers: self
                .importers
                .iter()
                .zip(&self.tallies)
                .map(|(c, t)| (*c, t.stats(self.runs, self.level_permille)))
                .collect(),
            world: self.world.stats(self.runs, self.level_permille),
        })
    }
}

/// Statistics of every tracked importer, and of the world total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct McResult {
    pub runs: u64,
    pub importers: Vec<(CountryCode, RiskStats)>,
    pub world: RiskStats,
}

/// Scenarios handed to a thread at a time (aligned to multiples of it).
const CHUNK: u64 = 2_048;

/// Run scenarios `range` of a run of `runs`, tallying the shortfalls of `importers` (and the
/// world's), on `threads` threads (0: one per core); `progress(n)` is called as each batch
/// of `n` scenarios completes.
pub fn run(
    network: &Network,
    spec: &McSpec,
    importers: &[CountryCode],
    runs: u64,
    range: Range<u64>,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Accumulator {
    let model = Compiled::new(network, spec);
    let mut slot = vec![u32::MAX; network.countries.len()];
    for (k, c) in importers.iter().enumerate() {
        if let Some(i) = network.index(*c) {
            slot[i] = k as u32;
        }
    }
    let chunks: Vec<Range<u64>> = chunk_ranges(range.clone());
    let template = Accumulator::empty(runs, importers, spec.level_permille);
    let cap = template.cap();
    // Each worker folds its chunks into one accumulator (tails sorted and cut only now and
    // then); the workers' accumulators are then merged. Tallies are exact, so neither the
    // split nor the merge order shows in the result.
    let work = || {
        chunks
            .par_iter()
            .fold(
                || (template.clone(), model.scratch()),
                |(mut acc, mut s), r| {
                    run_chunk(&model, &slot, &mut acc, &mut s, r.clone(), cap);
                    progress(r.end - r.start);
                    (acc, s)
                },
            )
            .map(|(mut acc, _)| {
                acc.settle();
                acc
            })
            .reduce(
                || template.clone(),
                |mut a, b| {
                    // Chunks never overlap, so this cannot fail.
                    let _ = a.merge(&b);
                    a
                },
            )
    };
    let mut acc = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    };
    acc.settle();
    acc
}

fn chunk_ranges(range: Range<u64>) -> Vec<Range<u64>> {
    let mut out = Vec::new();
    let mut a = range.start;
    while a < range.end {
        let b = ((a / CHUNK + 1) * CHUNK).min(range.end);
        out.push(a..b);
        a = b;
    }
    out
}

fn run_chunk(
    model: &Compiled,
    slot: &[u32],
    acc: &mut Accumulator,
    s: &mut kernel::Scratch,
    r: Range<u64>,
    cap: usize,
) {
    acc.covered.push((r.start, r.end));
    for index in r {
        model.sample(index, s);
        if s.disruptions.is_empty() {
            continue;
        }
        model.evaluate(s);
        let mut world = 0.0;
        for (node, short) in model.shortfalls(s) {
            if short > 0.0 {
                world += short;
                let k = slot[node as usize];
                if k != u32::MAX {
                    acc.tallies[k as usize].add(short, index);
                }
            }
        }
        if world > 0.0 {
            acc.world.add(world, index);
        }
        model.reset(s);
    }
    // Keep tails bounded between settles: cut back to `cap` once past twice that.
    for t in acc.tallies.iter_mut().chain([&mut acc.world]) {
        if t.tail.len() > 2 * cap {
            t.settle(cap);
        }
    }
}

/// The shortfall of every touched importer in scenario `index` (for checks against the
/// deterministic engine), with the scenario's events.
pub fn scenario(
    network: &Network,
    spec: &McSpec,
    index: u64,
) -> (Vec<crate::shock::ShockEvent>, Vec<(CountryCode, f64)>) {
    let model = Compiled::new(network, spec);
    let mut s = model.scratch();
    model.sample(index, &mut s);
    let events = model.events(&s, spec.layer);
    model.evaluate(&mut s);
    let mut out: Vec<(CountryCode, f64)> = model
        .shortfalls(&s)
        .filter(|(_, x)| *x > 0.0)
        .map(|(n, x)| (network.countries[n as usize], x))
        .collect();
    out.sort_by_key(|(c, _)| *c);
    (events, out)
}

/// A digest of everything a run's numbers depend on (the layer's flows and outputs, the
/// probabilities, severity, responses, seed, horizon and level), so shards computed on
/// other data or parameters are refused at merge. FNV-1a, 64 bits, as hex.
pub fn fingerprint(network: &Network, spec: &McSpec) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    let l = network.layer(spec.layer);
    for (i, c) in network.countries.iter().enumerate() {
        eat(c.as_str().as_bytes());
        eat(&l.output_t(i).to_bits().to_le_bytes());
        eat(&spec.annual_probability[i].to_bits().to_le_bytes());
        let days = spec.responses.stockpile_days.get(c).copied();
        eat(&days.map_or(u64::MAX, f64::to_bits).to_le_bytes());
    }
    for e in &l.edges {
        eat(&e.from.to_le_bytes());
        eat(&e.to.to_le_bytes());
        eat(&e.tonnes.to_bits().to_le_bytes());
    }
    let s = &spec.severity;
    for x in [s.cut_min, s.cut_max, spec.responses.headroom] {
        eat(&x.to_bits().to_le_bytes());
    }
    for x in [
        s.duration_min_months,
        s.duration_max_months,
        spec.horizon_months,
        spec.level_permille,
    ] {
        eat(&x.to_le_bytes());
    }
    eat(&spec.seed.to_le_bytes());
    if let crate::shock::Allocation::PartnersFirst { partners } = &spec.responses.allocation {
        eat(b"partners");
        for p in partners {
            eat(p.as_str().as_bytes());
        }
    }
    format!("{h:016x}")
}
