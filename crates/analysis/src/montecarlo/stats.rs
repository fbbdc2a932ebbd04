//! Exact, mergeable tallies of per-scenario shortfalls.
//!
//! Sums are kept in fixed point (units of 2⁻³² t for the sum and of 2⁻³² t² for the sum of
//! squares, each value rounded once to the nearest unit) in 128-bit integers, so adding is
//! exact and associative: any split of the scenarios over threads or shards adds to the same
//! bits. The tail keeps the largest values exactly (value descending, then scenario index
//! ascending), enough of them for the quantile, its interval and the CVaR; every scenario
//! not in the tail is either 0 or below the tail's last value. No quantile is approximated.

use serde::{Deserialize, Serialize};

const SCALE: f64 = 4_294_967_296.0; // 2³²

fn fixed(x: f64) -> u128 {
    // Float-to-int casts saturate; shortfalls are far below 2⁹⁶ t.
    (x * SCALE).round() as u128
}

/// One importer's (or the world's) shortfalls over the scenarios seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tally {
    /// Σ x in units of 2⁻³² t, as a decimal string (128-bit).
    #[serde(with = "decimal")]
    #[schemars(with = "String")]
    pub sum: u128,
    /// Σ x² in units of 2⁻³² t², as a decimal string.
    #[serde(with = "decimal")]
    #[schemars(with = "String")]
    pub sum_sq: u128,
    /// Scenarios with a shortfall above 0.
    pub nonzero: u64,
    /// The largest shortfalls, (tonnes, scenario index), largest first.
    pub tail: Vec<(f64, u64)>,
}

impl Tally {
    pub fn new() -> Tally {
        Tally {
            sum: 0,
            sum_sq: 0,
            nonzero: 0,
            tail: Vec::new(),
        }
    }

    /// Record a shortfall above 0 (zeros need no record).
    pub fn add(&mut self, x: f64, index: u64) {
        self.sum += fixed(x);
        self.sum_sq += fixed(x * x);
        self.nonzero += 1;
        self.tail.push((x, index));
    }

    /// Sort the tail and keep its `cap` largest.
    pub fn settle(&mut self, cap: usize) {
        self.tail.sort_unstable_by(tail_order);
        self.tail.truncate(cap);
    }

    /// Add another tally (both settled) and keep `cap` of the merged tail.
    pub fn merge(&mut self, other: &Tally, cap: usize) {
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
        self.nonzero += other.nonzero;
        let mut merged = Vec::with_capacity((self.tail.len() + other.tail.len()).min(cap));
        let (mut a, mut b) = (self.tail.iter().peekable(), other.tail.iter().peekable());
        while merged.len() < cap {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => {
                    if tail_order(x, y).is_le() {
                        a.next()
                    } else {
                        b.next()
                    }
                }
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => None,
            };
            match next {
                Some(v) => merged.push(*v),
                None => break,
            }
        }
        self.tail = merged;
    }

    /// The statistics over `runs` scenarios at confidence `level_permille` / 1000.
    pub fn stats(&self, runs: u64, level_permille: u32) -> RiskStats {
        let n = runs as f64;
        let a = 1.0 - f64::from(level_permille) / 1000.0;
        let mean = self.sum as f64 / SCALE / n;
        let mean_sq = self.sum_sq as f64 / SCALE / n;
        let var = if runs > 1 {
            ((mean_sq - mean * mean) * n / (n - 1.0)).max(0.0)
        } else {
            0.0
        };
        let var_at = self.descending(runs - var_rank(runs, level_permille));
        // Rockafellar–Uryasev: CVaR = VaR + E[(X − VaR)⁺] / α, and its standard error from
        // the variance of (X − VaR)⁺ over all scenarios.
        let (mut z1, mut z2) = (0.0, 0.0);
        for &(x, _) in self.tail.iter().take_while(|(x, _)| *x > var_at) {
            z1 += x - var_at;
            z2 += (x - var_at) * (x - var_at);
        }
        let cvar = var_at + z1 / n / a;
        let z_var = if runs > 1 {
            ((z2 / n - (z1 / n).powi(2)) * n / (n - 1.0)).max(0.0)
        } else {
            0.0
        };
        let (lo, hi) = quantile_interval_ranks(runs, level_permille);
        let p = self.nonzero as f64 / n;
        RiskStats {
            expected_t: mean,
            expected_se_t: (var / n).sqrt(),
            var_t: var_at,
            var_interval_t: (self.descending(runs - lo), self.descending(runs - hi)),
            cvar_t: cvar,
            cvar_se_t: (z_var / n).sqrt() / a,
            probability_short: p,
            probability_short_se: (p * (1.0 - p) / n).sqrt(),
        }
    }

    /// The value at 0-based rank `r` from the top (0 beyond the recorded values).
    fn descending(&self, r: u64) -> f64 {
        self.tail.get(r as usize).map_or(0.0, |v| v.0)
    }
}

impl Default for Tally {
    fn default() -> Self {
        Tally::new()
    }
}

fn tail_order(x: &(f64, u64), y: &(f64, u64)) -> std::cmp::Ordering {
    y.0.total_cmp(&x.0).then(x.1.cmp(&y.1))
}

/// The 1-based ascending rank of the quantile at `level`: ⌈level · N⌉.
fn var_rank(runs: u64, level_permille: u32) -> u64 {
    (u128::from(runs) * u128::from(level_permille)).div_ceil(1000) as u64
}

/// 1-based ascending ranks bounding the quantile with about 95 % confidence (the
/// distribution-free order-statistic interval: N·q ∓ 1.96 √(N q (1 − q))).
fn quantile_interval_ranks(runs: u64, level_permille: u32) -> (u64, u64) {
    let n = runs as f64;
    let q = f64::from(level_permille) / 1000.0;
    let half = 1.96 * (n * q * (1.0 - q)).sqrt();
    let lo = ((n * q - half).floor() as u64).clamp(1, runs);
    let hi = ((n * q + half).ceil() as u64).clamp(1, runs);
    (lo, hi)
}

/// How many of the largest values to keep so that the quantile, its interval and the CVaR
/// are exact.
pub fn tail_cap(runs: u64, level_permille: u32) -> usize {
    let (lo, _) = quantile_interval_ranks(runs, level_permille);
    let below = lo.min(var_rank(runs, level_permille));
    (runs - below + 1) as usize
}

impl RiskStats {
    /// No shortfall in any scenario (an importer with nothing to lose).
    pub fn none() -> RiskStats {
        RiskStats {
            expected_t: 0.0,
            expected_se_t: 0.0,
            var_t: 0.0,
            var_interval_t: (0.0, 0.0),
            cvar_t: 0.0,
            cvar_se_t: 0.0,
            probability_short: 0.0,
            probability_short_se: 0.0,
        }
    }
}

/// Shortfall statistics of one importer (or the world) over the scenarios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RiskStats {
    /// Mean shortfall over the horizon, tonnes, and its Monte Carlo standard error.
    pub expected_t: f64,
    pub expected_se_t: f64,
    /// The shortfall at the confidence level (value at risk, e.g. P95), tonnes.
    pub var_t: f64,
    /// About 95 % confidence interval of that quantile from order statistics, tonnes.
    pub var_interval_t: (f64, f64),
    /// Mean shortfall in the worst (1 − level) of scenarios (CVaR), tonnes, and its
    /// asymptotic standard error.
    pub cvar_t: f64,
    pub cvar_se_t: f64,
    /// Share of scenarios with any shortfall, and its standard error.
    pub probability_short: f64,
    pub probability_short_se: f64,
}

mod decimal {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|_| serde::de::Error::custom(format!("{s:?}: expected a whole number")))
    }
}
