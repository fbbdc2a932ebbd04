//! One sampled scenario, evaluated on flat arrays compiled once from a network layer.
//!
//! Each supplier is disrupted at most once in the horizon, with probability
//! `1 − (1 − p)^(H/12)` for an annual probability `p` over `H` months. A disruption draws
//! its first month uniformly from 1..=H, its length uniformly from the severity's range
//! (it may run past the horizon) and its cut uniformly from the severity's range; it cuts
//! every shipment of the supplier by that fraction, as an outage or an export ban on every
//! destination does in [`crate::shock`]. The month-by-month response is that engine's:
//! spare supply of untouched producers shared pro rata (or partners first), then stocks,
//! and what is left is shortfall.
//!
//! Draws come from ChaCha8 keyed by the seed, on the stream numbered by the scenario index,
//! in a fixed order (per supplier: one 32-bit draw, and three more draws when disrupted), so a scenario's
//! outcome depends on nothing but (seed, index).

use super::{McSpec, Severity};
use crate::network::Network;
use crate::shock::{Allocation, EventKind, ShockEvent};
use chacha20::ChaCha8Rng;
use derisk_model::CountryCode;
use rand_core::{Rng, SeedableRng};
use std::collections::BTreeSet;

/// A supplier as the kernel reads it.
#[derive(Clone, Debug)]
struct Supplier {
    node: u32,
    /// Probability of a disruption within the horizon, as a threshold on a 32-bit draw.
    threshold: u64,
    monthly_output: f64,
    /// Its shipments: `ship_to[ships.0..ships.1]`, `ship_t[..]` (tonnes per month).
    ships: (u32, u32),
}

/// A disruption drawn for one scenario.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Disruption {
    /// Index into the compiled suppliers.
    pub supplier: u32,
    pub start_month: u32,
    pub duration_months: u32,
    pub cut: f64,
}

impl Disruption {
    fn active(&self, month: u32) -> bool {
        month >= self.start_month && month - self.start_month < self.duration_months
    }
}

/// The compiled model: everything a scenario needs, in flat arrays.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub countries: Vec<CountryCode>,
    pub horizon: u32,
    suppliers: Vec<Supplier>,
    ship_to: Vec<u32>,
    ship_t: Vec<f64>,
    /// Per node: stock at the start, tonnes.
    stock0: Vec<f64>,
    /// Per node: a partner under the partners-first rule.
    partner: Vec<bool>,
    partners_first: bool,
    headroom: f64,
    total_monthly_output: f64,
    severity: Severity,
    /// The ChaCha8 key expanded from the seed.
    key: [u8; 32],
}

/// Reusable per-thread buffers: dense per node, reset only where touched.
pub struct Scratch {
    lost: Vec<f64>,
    stock: Vec<f64>,
    short: Vec<f64>,
    rerouted: Vec<f64>,
    hit: Vec<bool>,
    /// Nodes touched in this scenario, in first-touch order.
    touched: Vec<u32>,
    active: Vec<usize>,
    /// Months where the active set changes, sorted.
    bounds: Vec<u32>,
    pub disruptions: Vec<Disruption>,
}

impl Compiled {
    pub fn new(n: &Network, spec: &McSpec) -> Compiled {
        let l = n.layer(spec.layer);
        let c = n.countries.len();
        let mut out_edges: Vec<Vec<(u32, f64)>> = vec![Vec::new(); c];
        for e in &l.edges {
            out_edges[e.from as usize].push((e.to, e.tonnes / 12.0));
        }
        let (mut ship_to, mut ship_t, mut suppliers) = (Vec::new(), Vec::new(), Vec::new());
        let years = f64::from(spec.horizon_months) / 12.0;
        for (node, edges) in out_edges.iter().enumerate() {
            let p = spec.annual_probability[node];
            let q = 1.0 - (1.0 - p).powf(years);
            let start = ship_to.len() as u32;
            for &(to, t) in edges {
                ship_to.push(to);
                ship_t.push(t);
            }
            suppliers.push(Supplier {
                node: node as u32,
                threshold: probability_threshold(q),
                monthly_output: l.output_t(node) / 12.0,
                ships: (start, ship_to.len() as u32),
            });
        }
        // Suppliers that can never be disrupted draw nothing: dropping them keeps the draw
        // order of the others fixed, since every kept supplier still draws in node order.
        suppliers.retain(|s| s.threshold > 0);
        let stock0 = (0..c)
            .map(|i| {
                let days = spec
                    .responses
                    .stockpile_days
                    .get(&n.countries[i])
                    .copied()
                    .unwrap_or(0.0);
                l.imports_t[i] * days / 365.0
            })
            .collect();
        let (partner, partners_first) = match &spec.responses.allocation {
            Allocation::ProRata => (vec![false; c], false),
            Allocation::PartnersFirst { partners } => (
                n.countries.iter().map(|x| partners.contains(x)).collect(),
                true,
            ),
        };
        Compiled {
            countries: n.countries.clone(),
            horizon: spec.horizon_months,
            suppliers,
            ship_to,
            ship_t,
            stock0,
            partner,
            partners_first,
            headroom: spec.responses.headroom,
            total_monthly_output: (0..c).map(|i| l.output_t(i) / 12.0).sum(),
            severity: spec.severity,
            key: ChaCha8Rng::seed_from_u64(spec.seed).get_seed(),
        }
    }

    pub fn scratch(&self) -> Scratch {
        let c = self.countries.len();
        Scratch {
            lost: vec![0.0; c],
            stock: self.stock0.clone(),
            short: vec![0.0; c],
            rerouted: vec![0.0; c],
            hit: vec![false; c],
            touched: Vec::new(),
            active: Vec::new(),
            bounds: Vec::new(),
            disruptions: Vec::new(),
        }
    }

    /// Draw scenario `index`'s disruptions into `s.disruptions`.
    pub fn sample(&self, index: u64, s: &mut Scratch) {
        s.disruptions.clear();
        if self.suppliers.is_empty() {
            return;
        }
        let mut rng = ChaCha8Rng::from_seed(self.key);
        rng.set_stream(index);
        let sev = &self.severity;
        for (k, sup) in self.suppliers.iter().enumerate() {
            if u64::from(rng.next_u32()) >= sup.threshold {
                continue;
            }
            let start = 1 + uniform_below(rng.next_u32(), self.horizon);
            let span = sev.duration_max_months - sev.duration_min_months + 1;
            let duration = sev.duration_min_months + uniform_below(rng.next_u32(), span);
            let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            let cut = sev.cut_min + (sev.cut_max - sev.cut_min) * u;
            s.disruptions.push(Disruption {
                supplier: k as u32,
                start_month: start,
                duration_months: duration,
                cut,
            });
        }
    }

    /// The disruptions of `s` as shock events (every destination of the supplier cut).
    pub fn events(&self, s: &Scratch, layer: crate::network::LayerId) -> Vec<ShockEvent> {
        s.disruptions
            .iter()
            .map(|d| ShockEvent {
                kind: EventKind::Outage,
                country: self.countries[self.suppliers[d.supplier as usize].node as usize],
                layer,
                cut: d.cut,
                start_month: d.start_month,
                duration_months: d.duration_months,
                targets: None,
                exempt: BTreeSet::new(),
            })
            .collect()
    }

    /// Evaluate the disruptions in `s` over the horizon (a run of months at a time); each touched node's shortfall is
    /// left in `s.short` (read it through [`Scratch::shortfalls`], then [`Self::reset`]).
    pub fn evaluate(&self, s: &mut Scratch) {
        if s.disruptions.is_empty() {
            return;
        }
        // Every node a disruption can reach, once.
        for d in &s.disruptions {
            let (a, b) = self.suppliers[d.supplier as usize].ships;
            for &to in &self.ship_to[a as usize..b as usize] {
                if !s.hit[to as usize] {
                    s.hit[to as usize] = true;
                    s.touched.push(to);
                }
            }
        }
        // Between two month boundaries (a start or an end) the active set, and so every
        // month's loss, rerouting and gap, is the same: take each such run of months at once.
        // Over `len` months with a constant monthly gap, stock covers min(gap · len, stock)
        // and the rest is short, as month-by-month drawing would give.
        s.bounds.clear();
        s.bounds.push(1);
        s.bounds.push(self.horizon + 1);
        for d in &s.disruptions {
            s.bounds.push(d.start_month);
            s.bounds
                .push((d.start_month + d.duration_months).min(self.horizon + 1));
        }
        s.bounds.sort_unstable();
        s.bounds.dedup();
        for w in 0..s.bounds.len() - 1 {
            let (m, next) = (s.bounds[w], s.bounds[w + 1]);
            let len = f64::from(next - m);
            s.active.clear();
            s.active
                .extend((0..s.disruptions.len()).filter(|&i| s.disruptions[i].active(m)));
            if s.active.is_empty() {
                continue;
            }
            let mut touched_output = 0.0;
            for &i in &s.active {
                let d = s.disruptions[i];
                let sup = &self.suppliers[d.supplier as usize];
                touched_output += sup.monthly_output;
                let (a, b) = sup.ships;
                for j in a as usize..b as usize {
                    s.lost[self.ship_to[j] as usize] += self.ship_t[j] * d.cut;
                }
            }
            let spare = (self.total_monthly_output - touched_output).max(0.0) * self.headroom;
            self.allocate(s, spare);
            for &t in &s.touched {
                let i = t as usize;
                let gap = s.lost[i] - s.rerouted[i];
                if s.lost[i] > 0.0 && gap > 0.0 {
                    let need = gap * len;
                    let drawn = need.min(s.stock[i]);
                    s.stock[i] -= drawn;
                    s.short[i] += need - drawn;
                }
                s.lost[i] = 0.0;
                s.rerouted[i] = 0.0;
            }
        }
    }

    fn allocate(&self, s: &mut Scratch, spare: f64) {
        let mut left = spare;
        let tiers: &[Option<bool>] = if self.partners_first {
            &[Some(true), Some(false)]
        } else {
            &[None]
        };
        for &tier in tiers {
            let in_tier = |i: usize| tier.is_none_or(|p| self.partner[i] == p);
            let need: f64 = s
                .touched
                .iter()
                .map(|&t| t as usize)
                .filter(|&i| in_tier(i))
                .map(|i| s.lost[i])
                .sum();
            if need <= 0.0 || left <= 0.0 {
                continue;
            }
            let give = left.min(need);
            for &t in &s.touched {
                let i = t as usize;
                if in_tier(i) {
                    // Enough for all: each gets exactly its loss (no rounding residue).
                    s.rerouted[i] = if left >= need {
                        s.lost[i]
                    } else {
                        give * s.lost[i] / need
                    };
                }
            }
            left -= give;
        }
    }

    /// Touched nodes and their shortfall over the horizon (tonnes), in first-touch order.
    pub fn shortfalls<'a>(&self, s: &'a Scratch) -> impl Iterator<Item = (u32, f64)> + 'a {
        s.touched.iter().map(|&t| (t, s.short[t as usize]))
    }

    /// Clear what the last scenario touched.
    pub fn reset(&self, s: &mut Scratch) {
        for &t in &s.touched {
            let i = t as usize;
            s.short[i] = 0.0;
            s.stock[i] = self.stock0[i];
            s.hit[i] = false;
        }
        s.touched.clear();
    }
}

/// `q` as a threshold on a uniform 32-bit draw: the draw is below it with probability `q`
/// rounded down to a multiple of 2⁻³² (0 never, 2³² for q = 1: always).
fn probability_threshold(q: f64) -> u64 {
    if q <= 0.0 {
        0
    } else if q >= 1.0 {
        1 << 32
    } else {
        (q * 4_294_967_296.0) as u64
    }
}

/// A draw uniform on 0..n from a 32-bit word (multiply-shift; bias below n / 2³²).
fn uniform_below(word: u32, n: u32) -> u32 {
    ((u64::from(word) * u64::from(n)) >> 32) as u32
}
