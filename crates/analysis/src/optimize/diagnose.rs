//! Why a problem is infeasible, named as [`Conflict`]s: first by arithmetic on the bounds
//! (too few suppliers for the cap, too little capacity, a group that cannot reach its
//! minimum), then, when the solver finds a conflict the arithmetic does not, by solving for
//! the least change from today's mix the other constraints need.

use super::qp::{solve_goal, Goal, Outcome};
use super::{Conflict, Problem};
use crate::error::Result;

/// Slack for the arithmetic checks: a sum must miss by more than this to conflict.
const SLACK: f64 = 1e-9;

/// Conflicts visible from the bounds alone.
pub(super) fn by_arithmetic(p: &Problem) -> Vec<Conflict> {
    let mut out = Vec::new();
    let bounds = p.bounds();
    let n = p.candidates.len();
    let free: Vec<usize> = (0..n).filter(|&i| !p.held(i)).collect();
    let held: f64 = (0..n)
        .filter(|&i| p.held(i))
        .map(|i| p.candidates[i].current_share)
        .fold(0.0, |a, b| a + b);
    let reach = bounds.iter().map(|b| b.1).fold(0.0, |a, b| a + b);
    if reach < 1.0 - SLACK {
        let mut named = false;
        if let Some(m) = p.constraints.max_share {
            let r = held + m * free.len() as f64;
            if r < 1.0 - SLACK {
                out.push(Conflict::MaxShare {
                    max_share: m,
                    suppliers: free.len(),
                    reachable: r,
                });
                named = true;
            }
        }
        let cap = held
            + free
                .iter()
                .map(|&i| p.candidates[i].capacity.min(1.0))
                .fold(0.0, |a, b| a + b);
        if cap < 1.0 - SLACK {
            out.push(Conflict::Capacity {
                total_capacity: cap,
            });
            named = true;
        }
        if !named {
            out.push(Conflict::CapacityWithMaxShare { reachable: reach });
        }
    }
    for g in &p.constraints.group_minimums {
        let available = p
            .candidates
            .iter()
            .zip(&bounds)
            .filter(|(c, _)| g.members.contains(&c.country))
            .map(|(_, b)| b.1)
            .fold(0.0, |a, b| a + b);
        if available < g.min_share - SLACK {
            out.push(Conflict::GroupMinimum {
                group: g.label.clone(),
                min_share: g.min_share,
                available,
            });
        }
    }
    out
}

/// Conflicts found by solving: the least change the other constraints need against the
/// change limit, or the group minimums that cannot hold together with the bounds.
pub(super) fn by_solving(p: &Problem) -> Result<Vec<Conflict>> {
    let least = solve_goal(p, Goal::MinChange, &[])?;
    match least.status {
        Outcome::Solved => Ok(match p.constraints.max_change {
            Some(d) => vec![Conflict::MaxChange {
                max_change: d,
                needed: least.objective,
            }],
            None => Vec::new(),
        }),
        _ => {
            // Which group minimums are needed for the conflict: drop each in turn.
            let all = &p.constraints.group_minimums;
            let mut culprits = Vec::new();
            for (k, g) in all.iter().enumerate() {
                let without = solve_goal(p, Goal::MinChange, &[k])?;
                if matches!(without.status, Outcome::Solved) {
                    culprits.push(g.label.clone());
                }
            }
            if culprits.is_empty() {
                culprits = all.iter().map(|g| g.label.clone()).collect();
            }
            Ok(vec![Conflict::Combined { groups: culprits }])
        }
    }
}
