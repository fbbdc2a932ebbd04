//! Which countries to add to a coalition to reach a target (say, "covers at least 60 % of
//! refining"): a greedy ranking and an exact search over small sets.
//!
//! The value of a coalition is any function of its members (`eval`). For an additive
//! metric (a pooled share: each member adds its own share) the greedy order — largest
//! gain first — is optimal; for one that is not (self-sufficiency, where adding a country
//! also turns trade with it into internal trade) greedy can miss, so the exact search
//! tries every set of up to [`MAX_EXACT_K`] candidates: `Σ_{k ≤ 3} C(n, k)` evaluations.

use derisk_model::CountryCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Largest set the exact search tries.
pub const MAX_EXACT_K: usize = 3;

/// Most greedy steps taken.
pub const MAX_GREEDY_STEPS: usize = 8;

/// Tolerance when comparing a value with the target (float noise only).
const EPS: f64 = 1e-12;

/// One greedy step: the candidate added and the value after it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Step {
    pub country: CountryCode,
    pub value: f64,
}

/// The best set of one size found by the exact search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BestSet {
    pub size: usize,
    pub countries: Vec<CountryCode>,
    pub value: f64,
}

/// The outcome of a target search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetSearch {
    /// The value the target asks for (at least).
    pub target: f64,
    /// The coalition's value as it is.
    pub base: f64,
    /// The coalition already reaches the target.
    pub reached_already: bool,
    /// The countries considered (those that can add something), largest single gain first.
    pub candidates: usize,
    /// Greedy additions, largest gain each step, until the target is reached, no
    /// candidate adds anything or [`MAX_GREEDY_STEPS`] are taken.
    pub greedy: Vec<Step>,
    /// Whether the greedy additions reach the target.
    pub greedy_reached: bool,
    /// The best set of each size 1 … [`MAX_EXACT_K`] (exhaustive), up to the first size
    /// that reaches the target.
    pub exact: Vec<BestSet>,
    /// The smallest set (of at most [`MAX_EXACT_K`]) that reaches the target, the one
    /// with the highest value among sets of that size; `None` when none does.
    pub smallest: Option<BestSet>,
    /// Sets evaluated by the exact search.
    pub evaluated: usize,
}

/// Gains of each candidate alone: `eval(base ∪ {c}) − eval(base)`, largest first (ties by
/// country code); candidates whose value is unknown are left out.
pub fn marginal_gains(
    base: &BTreeSet<CountryCode>,
    candidates: &[CountryCode],
    eval: &dyn Fn(&BTreeSet<CountryCode>) -> Option<f64>,
) -> Vec<(CountryCode, f64)> {
    let Some(b) = eval(base) else {
        return Vec::new();
    };
    let mut gains: Vec<(CountryCode, f64)> = candidates
        .iter()
        .filter(|c| !base.contains(c))
        .filter_map(|&c| {
            let mut s = base.clone();
            s.insert(c);
            Some((c, eval(&s)? - b))
        })
        .collect();
    gains.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    gains
}

/// Search for the smallest addition to `base` that lifts `eval` to at least `target`
/// (see the module documentation). `None` when the base value is unknown.
pub fn search(
    base: &BTreeSet<CountryCode>,
    candidates: &[CountryCode],
    eval: &dyn Fn(&BTreeSet<CountryCode>) -> Option<f64>,
    target: f64,
) -> Option<TargetSearch> {
    let b = eval(base)?;
    let reaches = |v: f64| v >= target - EPS;
    let pool: Vec<CountryCode> = marginal_gains(base, candidates, eval)
        .into_iter()
        .map(|g| g.0)
        .collect();
    let mut out = TargetSearch {
        target,
        base: b,
        reached_already: reaches(b),
        candidates: pool.len(),
        greedy: Vec::new(),
        greedy_reached: reaches(b),
        exact: Vec::new(),
        smallest: None,
        evaluated: 0,
    };
    if out.reached_already {
        return Some(out);
    }
    // Greedy: the largest gain at each step.
    let mut current = base.clone();
    let mut value = b;
    while out.greedy.len() < MAX_GREEDY_STEPS && !reaches(value) {
        let best = pool
            .iter()
            .filter(|c| !current.contains(c))
            .filter_map(|&c| {
                let mut s = current.clone();
                s.insert(c);
                Some((c, eval(&s)?))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match best {
            Some((c, v)) if v > value + EPS => {
                current.insert(c);
                value = v;
                out.greedy.push(Step {
                    country: c,
                    value: v,
                });
            }
            _ => break,
        }
    }
    out.greedy_reached = reaches(value);
    // Exact: every set of each size, smallest first.
    for k in 1..=MAX_EXACT_K.min(pool.len()) {
        let mut best: Option<BestSet> = None;
        for_each_subset(pool.len(), k, &mut |idx| {
            let mut s = base.clone();
            s.extend(idx.iter().map(|&i| pool[i]));
            out.evaluated += 1;
            if let Some(v) = eval(&s) {
                if best.as_ref().is_none_or(|b| v > b.value + EPS) {
                    let mut countries: Vec<CountryCode> = idx.iter().map(|&i| pool[i]).collect();
                    countries.sort();
                    best = Some(BestSet {
                        size: k,
                        countries,
                        value: v,
                    });
                }
            }
        });
        let Some(best) = best else { break };
        let done = reaches(best.value);
        if done {
            out.smallest = Some(best.clone());
        }
        out.exact.push(best);
        if done {
            break;
        }
    }
    Some(out)
}

/// Call `f` with every increasing index tuple of length `k` from `0..n`, in
/// lexicographic order.
fn for_each_subset(n: usize, k: usize, f: &mut dyn FnMut(&[usize])) {
    if k == 0 || k > n {
        return;
    }
    let mut idx: Vec<usize> = (0..k).collect();
    loop {
        f(&idx);
        // The rightmost index that can still move right.
        let Some(i) = (0..k).rev().find(|&i| idx[i] < n - k + i) else {
            return;
        };
        idx[i] += 1;
        for j in i + 1..k {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_are_all_visited_once() {
        let mut seen = Vec::new();
        for_each_subset(5, 3, &mut |i| seen.push(i.to_vec()));
        assert_eq!(seen.len(), 10);
        assert_eq!(seen.first().unwrap(), &vec![0, 1, 2]);
        assert_eq!(seen.last().unwrap(), &vec![2, 3, 4]);
        let mut n = 0;
        for_each_subset(4, 1, &mut |_| n += 1);
        assert_eq!(n, 4);
        for_each_subset(2, 3, &mut |_| panic!("no subset of 3 from 2"));
    }
}
