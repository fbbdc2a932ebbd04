//! The optimiser's problem in Clarabel's form, `min ½ xᵀPx + qᵀx` subject to
//! `Ax + s = b`, `s` in a zero cone (equalities) then a non-negative cone (`Ax ≤ b`).
//!
//! Variables: the shares `s_i`, then (with a change limit, or when minimising the change)
//! `d_i ≥ |s_i − s0_i|` through `s_i − d_i ≤ s0_i` and `−s_i − d_i ≤ −s0_i`.

#![allow(non_snake_case)]

use super::{Objective, Problem, DIVERSIFICATION, TOLERANCE};
use crate::error::{AnalysisError, Result};
use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
};

pub(super) enum Outcome {
    Solved,
    Infeasible,
    Failed,
}

pub(super) struct Out {
    pub status: Outcome,
    /// The shares (clamped into their bounds), in candidate order.
    pub shares: Vec<f64>,
    /// With `Goal::MinChange`: the least change `½ Σ d_i`.
    pub objective: f64,
    pub solver_status: String,
    pub iterations: u32,
}

/// What to minimise.
#[derive(Copy, Clone)]
pub(super) enum Goal {
    /// The risk objective plus `λ` × cost, with the problem's change limit if any.
    Risk { lambda: f64 },
    /// The change `½ Σ |s_i − s0_i|` alone, without the change limit (for the diagnosis).
    MinChange,
}

/// Rows of `A` as triplets, kept apart by cone.
#[derive(Default)]
struct Rows {
    eq: Vec<(Vec<(usize, f64)>, f64)>,
    le: Vec<(Vec<(usize, f64)>, f64)>,
}

/// The problem's matrices: `min ½ Σ diag_i x_i² + q·x` subject to the `eq` rows (`= rhs`)
/// and the `le` rows (`≤ rhs`), each row as (column, coefficient) pairs.
#[derive(Clone, Debug, serde::Serialize)]
pub struct QpMatrices {
    pub variables: usize,
    pub diag: Vec<f64>,
    pub q: Vec<f64>,
    pub eq: Vec<(Vec<(usize, f64)>, f64)>,
    pub le: Vec<(Vec<(usize, f64)>, f64)>,
}

/// Build the matrices for `goal`, leaving out the group minimums named in `skip_groups`.
pub(super) fn build(p: &Problem, goal: Goal, skip_groups: &[usize]) -> QpMatrices {
    let n = p.candidates.len();
    let change = match goal {
        Goal::Risk { .. } => p.constraints.max_change,
        Goal::MinChange => None,
    };
    let with_d = change.is_some() || matches!(goal, Goal::MinChange);
    let nv = if with_d { 2 * n } else { n };
    let s0 = p.current();
    let mut rows = Rows::default();
    rows.eq.push(((0..n).map(|i| (i, 1.0)).collect(), 1.0));
    for (i, (l, u)) in p.bounds().into_iter().enumerate() {
        if u - l <= 0.0 {
            rows.eq.push((vec![(i, 1.0)], l));
        } else {
            rows.le.push((vec![(i, 1.0)], u));
            rows.le.push((vec![(i, -1.0)], -l));
        }
    }
    for (k, g) in p.constraints.group_minimums.iter().enumerate() {
        if skip_groups.contains(&k) {
            continue;
        }
        let members: Vec<(usize, f64)> = p
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| g.members.contains(&c.country))
            .map(|(i, _)| (i, -1.0))
            .collect();
        rows.le.push((members, -g.min_share));
    }
    if with_d {
        for (i, &s0_i) in s0.iter().enumerate() {
            rows.le.push((vec![(i, 1.0), (n + i, -1.0)], s0_i));
            rows.le.push((vec![(i, -1.0), (n + i, -1.0)], -s0_i));
        }
        if let Some(d) = change {
            rows.le.push(((n..2 * n).map(|j| (j, 0.5)).collect(), d));
        }
    }
    // Objective.
    let mut q = vec![0.0; nv];
    let mut diag = vec![0.0; nv];
    match goal {
        Goal::Risk { lambda } => {
            let cost = p.relative_costs();
            for (i, c) in p.candidates.iter().enumerate() {
                let (w, lin) = match p.objective {
                    Objective::Hhi => (1.0, 0.0),
                    Objective::WeightedHhi => (c.risk_weight, 0.0),
                    Objective::ExpectedShortfall => (DIVERSIFICATION, c.disruption),
                };
                diag[i] = 2.0 * w;
                q[i] = lin + lambda * cost[i];
            }
        }
        Goal::MinChange => q[n..].iter_mut().for_each(|x| *x = 0.5),
    }
    QpMatrices {
        variables: nv,
        diag,
        q,
        eq: rows.eq,
        le: rows.le,
    }
}

/// Solve the problem for `goal`, leaving out the group minimums named in `skip_groups`.
pub(super) fn solve_goal(p: &Problem, goal: Goal, skip_groups: &[usize]) -> Result<Out> {
    let s0 = p.current();
    let QpMatrices {
        variables: nv,
        diag,
        q,
        eq,
        le,
    } = build(p, goal, skip_groups);
    let rows = Rows { eq, le };
    let (I, J, V): (Vec<usize>, Vec<usize>, Vec<f64>) = diag
        .iter()
        .enumerate()
        .filter(|(_, v)| **v != 0.0)
        .map(|(i, v)| (i, i, *v))
        .fold((vec![], vec![], vec![]), |mut acc, (i, j, v)| {
            acc.0.push(i);
            acc.1.push(j);
            acc.2.push(v);
            acc
        });
    let P = CscMatrix::new_from_triplets(nv, nv, I, J, V);
    let m = rows.eq.len() + rows.le.len();
    let (mut I, mut J, mut V, mut b) = (vec![], vec![], vec![], Vec::with_capacity(m));
    for (r, (coefs, rhs)) in rows.eq.iter().chain(&rows.le).enumerate() {
        for &(j, v) in coefs {
            I.push(r);
            J.push(j);
            V.push(v);
        }
        b.push(*rhs);
    }
    let A = CscMatrix::new_from_triplets(m, nv, I, J, V);
    let cones = [
        SupportedConeT::ZeroConeT(rows.eq.len()),
        SupportedConeT::NonnegativeConeT(rows.le.len()),
    ];
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .build()
        .map_err(|e| solver_error(e.to_string()))?;
    let mut solver = DefaultSolver::new(&P, &q, &A, &b, &cones, settings)
        .map_err(|e| solver_error(e.to_string()))?;
    solver.solve();
    let sol = &solver.solution;
    let shares: Vec<f64> = p
        .bounds()
        .into_iter()
        .zip(&sol.x)
        .map(|((l, u), &x)| x.clamp(l, u))
        .collect();
    let status = match sol.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {
            let checked = skip_groups.is_empty() && matches!(goal, Goal::Risk { .. });
            if !checked || p.violation(&shares) <= TOLERANCE {
                Outcome::Solved
            } else {
                Outcome::Failed
            }
        }
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
            Outcome::Infeasible
        }
        _ => Outcome::Failed,
    };
    Ok(Out {
        status,
        objective: match goal {
            Goal::MinChange => super::moved(&s0, &shares),
            Goal::Risk { .. } => sol.obj_val,
        },
        shares,
        solver_status: format!("{:?}", sol.status),
        iterations: sol.iterations,
    })
}

/// Solve the problem at `λ`.
pub(super) fn solve(p: &Problem, lambda: f64) -> Result<Out> {
    solve_goal(p, Goal::Risk { lambda }, &[])
}

fn solver_error(message: String) -> AnalysisError {
    AnalysisError::InvalidValue {
        what: format!("the optimiser's problem (Clarabel: {message})"),
        value: f64::NAN,
        expected: "finite data of matching dimensions".into(),
    }
}
