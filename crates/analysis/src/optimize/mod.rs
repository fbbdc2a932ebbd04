//! The sourcing optimiser: the supplier shares `s` of an importer's imports of one mineral
//! that minimise a risk objective plus `λ` × cost, under capacity, a maximum share per
//! supplier, minimum shares from groups and a limit on the change from today's mix.
//!
//! ```text
//! minimise   risk(s) + λ · Σ_i ĉ_i s_i
//! subject to Σ_i s_i = 1,  0 ≤ s_i ≤ min(cap_i, max_share),
//!            Σ_{i∈G} s_i ≥ g            for each group minimum (G, g),
//!            ½ Σ_i |s_i − s0_i| ≤ δ     (the share of imports moved to other suppliers)
//! ```
//!
//! Risk objectives ([`Objective`]), all on fractions:
//! - import HHI `Σ s_i²`;
//! - governance- and restriction-weighted HHI `Σ w_i s_i²`, `w_i = WGI_i · t_i` as in the EU
//!   supply risk's `HHI_WGI,t` (European Commission 2017 guidelines): scaled WGI 0–10 times
//!   the trade parameter `t` (1.1–1.5 under an export restriction aimed at the importer);
//! - an expected-shortfall surrogate `Σ p_i c_i s_i + μ Σ s_i²`: `p_i` the supplier's annual
//!   disruption probability (the Monte Carlo's calibration), `c_i` the expected fraction of
//!   a year's shipments a disruption takes (mean cut × mean duration / 12), so the linear
//!   part is the expected share of a year's imports lost before rerouting and stockpiles
//!   (an upper bound on the Monte Carlo's expected shortfall, which nets them out); `μ =`
//!   [`DIVERSIFICATION`] keeps the problem strictly convex, so suppliers of equal risk share
//!   the volume instead of one of them taking it all.
//!
//! Cost: `ĉ_i = uv_i / uv_0`, the supplier's unit value (USD per kg contained) over the
//! share-weighted unit value of today's priced mix, so today's mix costs 1 and `λ = 0.1`
//! trades a 10 % dearer mix against 0.01 of the risk objective. A supplier without a unit
//! value is never given an invented cost: it is held at today's share (max-share and
//! capacity do not move it) and the mix's cost covers the priced share only.
//!
//! The quadratic programme goes to Clarabel (an interior-point conic solver) directly.
//! Constraints hold within [`TOLERANCE`] in every returned mix. An infeasible request is an
//! answer: [`Status::Infeasible`] with the [`Conflict`]s that cannot hold together.

mod diagnose;
mod inputs;
mod qp;

pub use qp::QpMatrices;

pub use inputs::{SourcingBase, SupplierBase, UnitValueBasis};

use crate::error::{AnalysisError, Result};
use derisk_model::CountryCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Weight `μ` of the diversification term `μ Σ s_i²` added to the expected-shortfall
/// surrogate (fractions of a year's imports).
pub const DIVERSIFICATION: f64 = 0.01;

/// How far a returned mix may miss a constraint or the unit sum (solver tolerance, with a
/// margin: Clarabel's feasibility tolerance is 1e-8).
pub const TOLERANCE: f64 = 1e-6;

/// The risk measure minimised.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Import HHI `Σ s_i²`.
    #[default]
    Hhi,
    /// `Σ WGI_i · t_i · s_i²`, the EU supply risk's `HHI_WGI,t` of the import mix.
    WeightedHhi,
    /// `Σ p_i c_i s_i + μ Σ s_i²` (see the module documentation).
    ExpectedShortfall,
}

/// One supplier the optimiser may buy from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Candidate {
    pub country: CountryCode,
    /// Today's share of the importer's imports (0–1).
    pub current_share: f64,
    /// The most it could supply, a fraction of the importer's demand (≥ 0).
    pub capacity: f64,
    /// Unit value, USD per kg contained; `None` when unknown (held at today's share).
    pub unit_value: Option<f64>,
    /// `w_i = WGI_i · t_i` for [`Objective::WeightedHhi`] (≥ 0).
    pub risk_weight: f64,
    /// `p_i · c_i` for [`Objective::ExpectedShortfall`] (0–1).
    pub disruption: f64,
}

/// At least `min_share` of the imports from the `members` of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupMinimum {
    pub label: String,
    pub members: BTreeSet<CountryCode>,
    pub min_share: f64,
}

/// The constraints besides the unit sum and non-negativity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Constraints {
    /// The largest share any one supplier may have.
    pub max_share: Option<f64>,
    pub group_minimums: Vec<GroupMinimum>,
    /// The largest share of imports that may move to other suppliers: `½ Σ |s_i − s0_i| ≤ δ`
    /// (total-variation distance; 0.2 lets a fifth of the tonnes change supplier).
    pub max_change: Option<f64>,
}

/// A checked problem (see [`Problem::new`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Problem {
    candidates: Vec<Candidate>,
    objective: Objective,
    constraints: Constraints,
    /// `uv_0`: the unit value of today's priced mix; `None` when nothing today is priced.
    reference_unit_value: Option<f64>,
}

/// How a solve ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Optimal,
    Infeasible,
    /// The solver stopped without a solution or a proof of infeasibility.
    SolverFailed,
}

/// A constraint, or a set of them, that cannot hold (each with the figures that show it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conflict {
    /// `max_share × suppliers < 1`: too few suppliers for the cap (plus what held suppliers
    /// keep).
    MaxShare {
        max_share: f64,
        suppliers: usize,
        /// The most the suppliers can reach together under the cap alone.
        reachable: f64,
    },
    /// The suppliers' capacities sum to less than the importer's demand.
    Capacity { total_capacity: f64 },
    /// Capacity and max-share each allow 1, but not together.
    CapacityWithMaxShare { reachable: f64 },
    /// The group's members can supply less than its minimum.
    GroupMinimum {
        group: String,
        min_share: f64,
        available: f64,
    },
    /// The other constraints need more of the imports to move than `max_change` allows.
    MaxChange { max_change: f64, needed: f64 },
    /// Group minimums and the per-supplier bounds together (not one of them alone).
    Combined { groups: Vec<String> },
}

/// Risk and cost of one mix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Metrics {
    /// `10,000 · Σ s_i²`.
    pub hhi: f64,
    /// `Σ w_i s_i²` (EU `HHI_WGI,t` scale, 0 … 15).
    pub weighted_hhi: f64,
    /// `Σ p_i c_i s_i`: expected fraction of a year's imports lost before rerouting.
    pub expected_shortfall: f64,
    /// `Σ uv_i s_i / Σ s_i` over priced suppliers, USD per kg contained.
    pub unit_value: Option<f64>,
    /// `Σ ĉ_i s_i` over priced suppliers: today's mix = its priced share.
    pub relative_cost: Option<f64>,
    /// Share of the mix from suppliers without a unit value.
    pub unpriced_share: f64,
}

/// One solve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Solution {
    pub lambda: f64,
    pub status: Status,
    /// In candidate order; `None` unless optimal.
    pub shares: Option<Vec<f64>>,
    pub metrics: Option<Metrics>,
    /// Why the problem is infeasible (empty otherwise).
    pub conflicts: Vec<Conflict>,
    /// Clarabel's own status word (`Solved`, `PrimalInfeasible`…); `None` when a conflict was
    /// found by arithmetic before solving.
    pub solver_status: Option<String>,
    pub iterations: u32,
}

/// One point of the efficient frontier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FrontierPoint {
    pub lambda: f64,
    pub status: Status,
    /// The objective's risk term at the optimum (without `λ` × cost).
    pub risk: Option<f64>,
    pub metrics: Option<Metrics>,
}

/// The `λ` grid of [`Problem::frontier`] by default: from cost-blind to cost-led.
pub const FRONTIER_LAMBDAS: [f64; 10] = [0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0];

fn invalid(what: String, value: f64, expected: &'static str) -> AnalysisError {
    AnalysisError::InvalidValue {
        what,
        value,
        expected: expected.into(),
    }
}

fn fraction(what: impl Into<String>, v: f64) -> Result<f64> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(invalid(what.into(), v, "a fraction from 0 to 1"))
    }
}

impl Problem {
    /// Check a problem: each country once, shares and constraint figures fractions,
    /// capacities and weights finite and ≥ 0, unit values finite and > 0, today's shares
    /// summing to 1 (within [`TOLERANCE`]).
    pub fn new(
        candidates: Vec<Candidate>,
        objective: Objective,
        constraints: Constraints,
    ) -> Result<Problem> {
        let mut seen = BTreeSet::new();
        for c in &candidates {
            if !seen.insert(c.country) {
                return Err(AnalysisError::DuplicateCountry {
                    country: c.country.to_string(),
                    context: "the optimiser's suppliers".into(),
                });
            }
            fraction(format!("current share of {}", c.country), c.current_share)?;
            fraction(format!("disruption of {}", c.country), c.disruption)?;
            for (what, v) in [("capacity", c.capacity), ("risk weight", c.risk_weight)] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(invalid(
                        format!("{what} of {}", c.country),
                        v,
                        "a finite number ≥ 0",
                    ));
                }
            }
            if let Some(uv) = c.unit_value {
                if !(uv.is_finite() && uv > 0.0) {
                    return Err(invalid(
                        format!("unit value of {}", c.country),
                        uv,
                        "a price above 0",
                    ));
                }
            }
        }
        let total = candidates
            .iter()
            .map(|c| c.current_share)
            .fold(0.0, |a, b| a + b);
        if (total - 1.0).abs() > TOLERANCE {
            return Err(invalid(
                "sum of today's shares".into(),
                total,
                "1 (the importer's whole imports)",
            ));
        }
        if let Some(m) = constraints.max_share {
            fraction("max share", m)?;
        }
        if let Some(d) = constraints.max_change {
            fraction("max change", d)?;
        }
        for g in &constraints.group_minimums {
            fraction(format!("minimum share of {}", g.label), g.min_share)?;
        }
        let priced = candidates
            .iter()
            .filter_map(|c| Some((c.current_share, c.unit_value?)));
        let (w, v) = priced.fold((0.0, 0.0), |(w, v), (s, uv)| (w + s, v + s * uv));
        Ok(Problem {
            reference_unit_value: (w > 0.0).then(|| v / w),
            candidates,
            objective,
            constraints,
        })
    }

    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }
    pub fn objective(&self) -> Objective {
        self.objective
    }
    pub fn constraints(&self) -> &Constraints {
        &self.constraints
    }
    /// `uv_0`, USD per kg: the unit value of today's priced mix.
    pub fn reference_unit_value(&self) -> Option<f64> {
        self.reference_unit_value
    }

    /// Whether candidate `i` is held at today's share (no unit value).
    fn held(&self, i: usize) -> bool {
        self.candidates[i].unit_value.is_none()
    }

    /// Bounds `(l_i, u_i)` of each share before group and change constraints.
    fn bounds(&self) -> Vec<(f64, f64)> {
        let cap = self.constraints.max_share.unwrap_or(1.0);
        (0..self.candidates.len())
            .map(|i| {
                let c = &self.candidates[i];
                if self.held(i) {
                    (c.current_share, c.current_share)
                } else {
                    (0.0, c.capacity.min(cap).min(1.0))
                }
            })
            .collect()
    }

    /// Normalised cost `ĉ_i` (0 for held suppliers: their share is fixed).
    fn relative_costs(&self) -> Vec<f64> {
        self.candidates
            .iter()
            .map(|c| match (c.unit_value, self.reference_unit_value) {
                (Some(uv), Some(r)) => uv / r,
                _ => 0.0,
            })
            .collect()
    }

    /// The risk term of the objective for a mix.
    pub fn risk(&self, shares: &[f64]) -> f64 {
        let sq = |w: &dyn Fn(&Candidate) -> f64| {
            self.candidates
                .iter()
                .zip(shares)
                .map(|(c, s)| w(c) * s * s)
                .fold(0.0, |a, b| a + b)
        };
        match self.objective {
            Objective::Hhi => sq(&|_| 1.0),
            Objective::WeightedHhi => sq(&|c| c.risk_weight),
            Objective::ExpectedShortfall => {
                self.expected_shortfall(shares) + DIVERSIFICATION * sq(&|_| 1.0)
            }
        }
    }

    fn expected_shortfall(&self, shares: &[f64]) -> f64 {
        self.candidates
            .iter()
            .zip(shares)
            .map(|(c, s)| c.disruption * s)
            .fold(0.0, |a, b| a + b)
    }

    /// Every metric of a mix (in candidate order).
    pub fn metrics(&self, shares: &[f64]) -> Metrics {
        let mut hhi = 0.0;
        let mut whhi = 0.0;
        let (mut priced, mut value, mut unpriced) = (0.0, 0.0, 0.0);
        for (c, &s) in self.candidates.iter().zip(shares) {
            hhi += s * s;
            whhi += c.risk_weight * s * s;
            match c.unit_value {
                Some(uv) => {
                    priced += s;
                    value += s * uv;
                }
                None => unpriced += s,
            }
        }
        let unit_value = (priced > 0.0).then(|| value / priced);
        Metrics {
            hhi: 10_000.0 * hhi,
            weighted_hhi: whhi,
            expected_shortfall: self.expected_shortfall(shares),
            unit_value,
            relative_cost: self.reference_unit_value.map(|r| value / r),
            unpriced_share: unpriced,
        }
    }

    /// Today's shares, in candidate order.
    pub fn current(&self) -> Vec<f64> {
        self.candidates.iter().map(|c| c.current_share).collect()
    }

    /// Solve at one `λ` (≥ 0, finite).
    /// The quadratic programme solved at `λ`, as matrices (for a peer solver to solve the
    /// very same problem).
    pub fn matrices(&self, lambda: f64) -> QpMatrices {
        qp::build(self, qp::Goal::Risk { lambda }, &[])
    }

    pub fn solve(&self, lambda: f64) -> Result<Solution> {
        if !(lambda.is_finite() && lambda >= 0.0) {
            return Err(invalid("lambda".into(), lambda, "a finite number ≥ 0"));
        }
        let conflicts = diagnose::by_arithmetic(self);
        if !conflicts.is_empty() {
            return Ok(Solution {
                lambda,
                status: Status::Infeasible,
                shares: None,
                metrics: None,
                conflicts,
                solver_status: None,
                iterations: 0,
            });
        }
        let out = qp::solve(self, lambda)?;
        let (status, conflicts) = match out.status {
            qp::Outcome::Solved => (Status::Optimal, Vec::new()),
            qp::Outcome::Infeasible => (Status::Infeasible, diagnose::by_solving(self)?),
            qp::Outcome::Failed => (Status::SolverFailed, Vec::new()),
        };
        let shares = (status == Status::Optimal).then_some(out.shares);
        Ok(Solution {
            lambda,
            status,
            metrics: shares.as_deref().map(|s| self.metrics(s)),
            shares,
            conflicts,
            solver_status: Some(out.solver_status),
            iterations: out.iterations,
        })
    }

    /// The efficient frontier: a solve at each `λ` (see [`FRONTIER_LAMBDAS`]).
    pub fn frontier(&self, lambdas: &[f64]) -> Result<Vec<FrontierPoint>> {
        lambdas
            .iter()
            .map(|&l| {
                let s = self.solve(l)?;
                Ok(FrontierPoint {
                    lambda: l,
                    status: s.status,
                    risk: s.shares.as_deref().map(|x| self.risk(x)),
                    metrics: s.metrics,
                })
            })
            .collect()
    }

    /// How far `shares` miss the constraints: the largest violation of any bound, group
    /// minimum, change limit or the unit sum (0 when all hold exactly).
    pub fn violation(&self, shares: &[f64]) -> f64 {
        let mut worst: f64 = 0.0;
        let sum = shares.iter().fold(0.0, |a, b| a + b);
        worst = worst.max((sum - 1.0).abs());
        for ((l, u), &s) in self.bounds().into_iter().zip(shares) {
            worst = worst.max(l - s).max(s - u);
        }
        for g in &self.constraints.group_minimums {
            let got = self.group_share(g, shares);
            worst = worst.max(g.min_share - got);
        }
        if let Some(d) = self.constraints.max_change {
            worst = worst.max(moved(&self.current(), shares) - d);
        }
        worst
    }

    fn group_share(&self, g: &GroupMinimum, shares: &[f64]) -> f64 {
        self.candidates
            .iter()
            .zip(shares)
            .filter(|(c, _)| g.members.contains(&c.country))
            .map(|(_, s)| *s)
            .fold(0.0, |a, b| a + b)
    }
}

/// `½ Σ |a_i − b_i|`: the share of imports that changes supplier between two mixes.
pub fn moved(a: &[f64], b: &[f64]) -> f64 {
    0.5 * a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, |a, b| a + b)
}
