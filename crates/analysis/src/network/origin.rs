//! Look-through origin: where the material in each country's supply was mined.
//!
//! Each country holds a pool per layer: its own output plus its imports. Exports, domestic
//! use and refinery feed are drawn from the pool in proportion (proportional
//! pass-through), so a pool's origin mix is the output-weighted mix of its own output's
//! origin and its suppliers' pool mixes:
//!
//! `S(c) · P(c) = X(c) · own(c) + Σ_p T(p → c) · S(p)`,  `P(c) = X(c) + Σ_p T(p → c)`,
//!
//! the input-output (Leontief) form `s · (I − A)⁻¹` for one mineral (DESIGN.md; pymrio's
//! `calc_L` has the same shape). Upstream, a mine's own output originates in the country
//! itself; output inferred from net exports has no stated origin. A refiner's own output
//! originates where its feed does: its upstream pool net of upstream exports, up to its
//! output; feed beyond that is unattributed. Whatever no data explains stays in
//! `unattributed`, never spread over the known origins. The system is solved directly
//! ([`super::linear`]); re-export loops between hubs that no output reaches hold nothing
//! traceable.

use super::{Layer, LayerId, Network, NetworkAssumption, NodeProduction};
use derisk_model::CountryCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Pool shares by column for every country: `shares[c * columns + k]`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PoolShares {
    pub columns: Vec<u32>,
    pub shares: Vec<f64>,
}

impl PoolShares {
    pub fn row(&self, c: usize) -> &[f64] {
        let k = self.columns.len();
        &self.shares[c * k..(c + 1) * k]
    }
}

/// Solve `S(c)·P(c) = X(c)·own(c) + Σ T(p→c)·S(p)` over one layer.
fn solve(layer: &Layer, columns: Vec<u32>, own: impl Fn(usize, &mut [f64])) -> PoolShares {
    let n = layer.production.len();
    let k = columns.len();
    let mut own_rows = vec![0.0; n * k];
    for c in 0..n {
        let x = layer.output_t(c);
        if x > 0.0 {
            let row = &mut own_rows[c * k..(c + 1) * k];
            own(c, row);
            for v in row.iter_mut() {
                *v *= x;
            }
        }
    }
    let shares = super::linear::solve_pools(layer, &own_rows, k);
    PoolShares { columns, shares }
}

/// Countries whose reported output at a layer is positive: the origin columns.
fn producers(layer: &Layer) -> Vec<u32> {
    (0..layer.production.len() as u32)
        .filter(|&c| {
            matches!(layer.production[c as usize], Some(NodeProduction::Reported { tonnes }) if tonnes > 0.0)
        })
        .collect()
}

/// Share of a refiner's output its upstream pool (net of upstream exports) can feed.
pub(crate) fn fed_fraction(n: &Network, c: usize) -> f64 {
    let out = n.refined.output_t(c);
    if out <= 0.0 {
        return 0.0;
    }
    let up = &n.upstream;
    let available = (up.output_t(c) + up.imports_t[c] - up.exports_t[c]).max(0.0);
    (available / out).min(1.0)
}

/// The refiners whose feed the data does not cover, if any.
pub(crate) fn feed_not_covered(n: &Network) -> Option<NetworkAssumption> {
    let mut countries = Vec::new();
    let mut unexplained_t = 0.0;
    for c in 0..n.countries.len() {
        let f = fed_fraction(n, c);
        let out = n.refined.output_t(c);
        if out > 0.0 && f < 1.0 {
            countries.push(n.countries[c]);
            unexplained_t += out * (1.0 - f);
        }
    }
    (!countries.is_empty()).then_some(NetworkAssumption::FeedNotCovered {
        countries,
        unexplained_t,
    })
}

/// Mine origin of every country's pools, and which refiner refined each refined pool.
#[derive(Clone, Debug, PartialEq)]
pub struct Origins {
    /// Mine origin of upstream pools (columns: mining countries).
    pub(crate) upstream: PoolShares,
    /// Mine origin of refined pools (columns: mining countries).
    pub(crate) refined: PoolShares,
    /// Refiner of refined pools (columns: refining countries).
    pub(crate) refiners: PoolShares,
}

impl Network {
    /// Solve the look-through origin of every pool (see the module documentation).
    pub fn origins(&self) -> Origins {
        let mines = producers(&self.upstream);
        let col_of = |cols: &[u32], c: usize| cols.binary_search(&(c as u32)).ok();
        let upstream = solve(&self.upstream, mines.clone(), |c, row| {
            if let Some(j) = col_of(&mines, c) {
                row[j] = 1.0;
            }
        });
        let refined = solve(&self.refined, mines.clone(), |c, row| {
            let f = fed_fraction(self, c);
            for (r, s) in row.iter_mut().zip(upstream.row(c)) {
                *r = f * s;
            }
        });
        let refiner_cols: Vec<u32> = (0..self.countries.len() as u32)
            .filter(|&c| self.refined.output_t(c as usize) > 0.0)
            .collect();
        let refiners = solve(&self.refined, refiner_cols.clone(), |c, row| {
            if let Some(j) = col_of(&refiner_cols, c) {
                row[j] = 1.0;
            }
        });
        Origins {
            upstream,
            refined,
            refiners,
        }
    }
}

/// A country's part of a total, contained tonnes and share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OriginShare {
    pub country: CountryCode,
    pub tonnes: f64,
    /// Fraction of the total (0–1).
    pub share: f64,
}

/// An importer's imports at one layer, by direct supplier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LayerImports {
    pub layer: LayerId,
    /// Contained tonnes imported from outside the importer.
    pub imports_t: f64,
    /// Who shipped them, largest first (shares of this layer's imports).
    pub direct: Vec<OriginShare>,
}

/// An importer's imports traced to the mines they came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LookThrough {
    /// Contained tonnes imported from outside the importer, both layers.
    pub imports_t: f64,
    /// Each layer's imports by direct supplier.
    pub layers: Vec<LayerImports>,
    /// Who shipped them (both layers), largest first.
    pub direct: Vec<OriginShare>,
    /// Where they were mined, largest first.
    pub origin: Vec<OriginShare>,
    /// The part no data traces to a mine (unknown output, feed beyond what a refiner's
    /// mines and imports supply), tonnes and fraction; `origin` shares plus this sum to 1.
    pub unattributed_t: f64,
    pub unattributed_share: f64,
}

fn ranked(mut v: Vec<OriginShare>, total: f64) -> Vec<OriginShare> {
    v.retain(|o| o.tonnes > 0.0);
    for o in &mut v {
        o.share = o.tonnes / total;
    }
    v.sort_by(|a, b| {
        b.tonnes
            .total_cmp(&a.tonnes)
            .then(a.country.cmp(&b.country))
    });
    v
}

impl Origins {
    /// The look-through of the imports of `members` (a country or a group: trade between
    /// members is not an import). `None` when they import nothing with a known tonnage.
    pub fn look_through(
        &self,
        n: &Network,
        members: &BTreeSet<CountryCode>,
    ) -> Option<LookThrough> {
        let mut direct = vec![0.0; n.countries.len()];
        let mut by_layer = [vec![0.0; n.countries.len()], vec![0.0; n.countries.len()]];
        let mut origin = vec![0.0; n.countries.len()];
        let mut totals = [0.0; 2];
        for (li, (layer, pools)) in [(&n.upstream, &self.upstream), (&n.refined, &self.refined)]
            .into_iter()
            .enumerate()
        {
            for &m in members {
                let Some(mi) = n.index(m) else { continue };
                for e in layer.inflows(mi) {
                    if members.contains(&n.countries[e.from as usize]) {
                        continue;
                    }
                    totals[li] += e.tonnes;
                    direct[e.from as usize] += e.tonnes;
                    by_layer[li][e.from as usize] += e.tonnes;
                    for (&col, s) in pools.columns.iter().zip(pools.row(e.from as usize)) {
                        origin[col as usize] += e.tonnes * s;
                    }
                }
            }
        }
        let total = totals[0] + totals[1];
        if total <= 0.0 {
            return None;
        }
        let share = |v: Vec<f64>, total: f64| {
            let list = v
                .into_iter()
                .enumerate()
                .map(|(i, t)| OriginShare {
                    country: n.countries[i],
                    tonnes: t,
                    share: 0.0,
                })
                .collect();
            ranked(list, total)
        };
        let origin = share(origin, total);
        let attributed: f64 = origin.iter().map(|o| o.tonnes).sum();
        let unattributed_t = (total - attributed).max(0.0);
        let [up, re] = by_layer;
        let layers = [
            (LayerId::Upstream, up, totals[0]),
            (LayerId::Refined, re, totals[1]),
        ]
        .into_iter()
        .filter(|l| l.2 > 0.0)
        .map(|(layer, v, t)| LayerImports {
            layer,
            imports_t: t,
            direct: share(v, t),
        })
        .collect();
        Some(LookThrough {
            imports_t: total,
            layers,
            direct: share(direct, total),
            origin,
            unattributed_t,
            unattributed_share: unattributed_t / total,
        })
    }

    /// Mine origin of a country's pool at a layer, with the unattributed fraction.
    pub fn pool_origin(&self, layer: LayerId, c: usize) -> (Vec<(u32, f64)>, f64) {
        let p = match layer {
            LayerId::Upstream => &self.upstream,
            LayerId::Refined => &self.refined,
        };
        let row: Vec<(u32, f64)> = p
            .columns
            .iter()
            .copied()
            .zip(p.row(c).iter().copied())
            .collect();
        let sum: f64 = row.iter().map(|r| r.1).sum();
        (row, (1.0 - sum).max(0.0))
    }
}
