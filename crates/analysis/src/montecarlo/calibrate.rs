//! Calibrating disruption rates: a Poisson regression of how many export restrictions a
//! supplier put on a mineral at a stage each year, on its governance and its history.
//!
//! `E[events] = exp(x · β)` with `x = (1, covariates…)`, fitted by maximum likelihood with
//! Newton–Raphson and step halving (McCullagh & Nelder, *Generalized Linear Models*, 1989,
//! ch. 6). With an intercept, the fitted rates add up to the events observed — the
//! calibration "against how often events occurred" holds by construction and is tested.
//! The annual probability of at least one event is `1 − exp(−rate)`.

use serde::{Deserialize, Serialize};

/// One unit-year of the panel: the events counted and the covariates (without the
/// intercept).
#[derive(Clone, Debug, PartialEq)]
pub struct PanelRow {
    pub events: u32,
    pub covariates: Vec<f64>,
}

/// The fitted regression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PoissonFit {
    /// Intercept first, then one per covariate.
    pub coefficients: Vec<f64>,
    /// Standard errors from the inverse of the observed information.
    pub std_errors: Vec<f64>,
    pub log_likelihood: f64,
    pub iterations: u32,
    /// Rows, events observed, and the fitted rates summed.
    pub rows: usize,
    pub observed: u64,
    pub fitted: f64,
}

impl PoissonFit {
    /// The expected events per year for covariates `x` (without the intercept).
    pub fn rate(&self, x: &[f64]) -> f64 {
        let eta = self.coefficients[0]
            + x.iter()
                .zip(&self.coefficients[1..])
                .map(|(a, b)| a * b)
                .sum::<f64>();
        eta.exp()
    }
}

/// Why a fit failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("the panel is empty")]
    Empty,
    #[error("the panel has no events, so no rate can be fitted")]
    NoEvents,
    #[error("rows differ in their number of covariates")]
    Ragged,
    #[error("the covariates are collinear (or one is constant), so the fit is not identified")]
    Singular,
    #[error("the fit does not converge in {0} iterations (a covariate separates the events)")]
    NoConvergence(u32),
}

const MAX_ITER: u32 = 100;

/// Fit `E[events] = exp(β₀ + β · covariates)` by maximum likelihood.
pub fn fit_poisson(rows: &[PanelRow]) -> Result<PoissonFit, FitError> {
    let first = rows.first().ok_or(FitError::Empty)?;
    let k = first.covariates.len() + 1;
    if rows.iter().any(|r| r.covariates.len() + 1 != k) {
        return Err(FitError::Ragged);
    }
    let observed: u64 = rows.iter().map(|r| u64::from(r.events)).sum();
    if observed == 0 {
        return Err(FitError::NoEvents);
    }
    let x = |r: &PanelRow, j: usize| if j == 0 { 1.0 } else { r.covariates[j - 1] };
    let loglik = |b: &[f64]| -> f64 {
        rows.iter()
            .map(|r| {
                let eta: f64 = (0..k).map(|j| x(r, j) * b[j]).sum();
                f64::from(r.events) * eta - eta.exp() - ln_factorial(r.events)
            })
            .sum()
    };
    let mut beta = vec![0.0; k];
    beta[0] = (observed as f64 / rows.len() as f64).ln();
    let mut ll = loglik(&beta);
    for iter in 1..=MAX_ITER {
        let (mut g, mut h) = (vec![0.0; k], vec![0.0; k * k]);
        for r in rows {
            let mu = (0..k).map(|j| x(r, j) * beta[j]).sum::<f64>().exp();
            let resid = f64::from(r.events) - mu;
            for a in 0..k {
                g[a] += resid * x(r, a);
                for b in 0..k {
                    h[a * k + b] += mu * x(r, a) * x(r, b);
                }
            }
        }
        let step = solve(&h, &g, k).ok_or(FitError::Singular)?;
        let mut t = 1.0;
        let (mut next, mut next_ll): (Vec<f64>, f64);
        loop {
            next = beta.iter().zip(&step).map(|(b, s)| b + t * s).collect();
            next_ll = loglik(&next);
            if next_ll >= ll - 1e-12 || t < 1e-10 {
                break;
            }
            t *= 0.5;
        }
        let moved = step.iter().map(|s| (s * t).abs()).fold(0.0, f64::max);
        beta = next;
        ll = next_ll;
        if moved < 1e-10 {
            let cov = invert(&hessian(rows, &beta, k), k).ok_or(FitError::Singular)?;
            let fitted = rows
                .iter()
                .map(|r| (0..k).map(|j| x(r, j) * beta[j]).sum::<f64>().exp())
                .sum();
            return Ok(PoissonFit {
                std_errors: (0..k).map(|j| cov[j * k + j].max(0.0).sqrt()).collect(),
                coefficients: beta,
                log_likelihood: ll,
                iterations: iter,
                rows: rows.len(),
                observed,
                fitted,
            });
        }
    }
    Err(FitError::NoConvergence(MAX_ITER))
}

fn hessian(rows: &[PanelRow], beta: &[f64], k: usize) -> Vec<f64> {
    let x = |r: &PanelRow, j: usize| if j == 0 { 1.0 } else { r.covariates[j - 1] };
    let mut h = vec![0.0; k * k];
    for r in rows {
        let mu = (0..k).map(|j| x(r, j) * beta[j]).sum::<f64>().exp();
        for a in 0..k {
            for b in 0..k {
                h[a * k + b] += mu * x(r, a) * x(r, b);
            }
        }
    }
    h
}

fn ln_factorial(n: u32) -> f64 {
    (2..=n).map(|i| f64::from(i).ln()).sum()
}

/// Solve `A s = g` (A is k × k, row-major) by Gaussian elimination with partial pivoting.
fn solve(a: &[f64], g: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut m: Vec<f64> = Vec::with_capacity(k * (k + 1));
    for i in 0..k {
        m.extend_from_slice(&a[i * k..(i + 1) * k]);
        m.push(g[i]);
    }
    let w = k + 1;
    let scale = a.iter().map(|v| v.abs()).fold(0.0, f64::max);
    for col in 0..k {
        let piv =
            (col..k).max_by(|&x, &y| m[x * w + col].abs().total_cmp(&m[y * w + col].abs()))?;
        if m[piv * w + col].abs() <= scale * 1e-13 {
            return None;
        }
        for j in 0..w {
            m.swap(col * w + j, piv * w + j);
        }
        for r in col + 1..k {
            let f = m[r * w + col] / m[col * w + col];
            for j in col..w {
                m[r * w + j] -= f * m[col * w + j];
            }
        }
    }
    let mut s = vec![0.0; k];
    for i in (0..k).rev() {
        let tail: f64 = (i + 1..k).map(|j| m[i * w + j] * s[j]).sum();
        s[i] = (m[i * w + k] - tail) / m[i * w + i];
    }
    Some(s)
}

fn invert(a: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut inv = vec![0.0; k * k];
    for col in 0..k {
        let mut e = vec![0.0; k];
        e[col] = 1.0;
        let s = solve(a, &e, k)?;
        for row in 0..k {
            inv[row * k + col] = s[row];
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intercept_only_fit_is_the_mean_rate() {
        let rows: Vec<PanelRow> = [0, 1, 0, 2, 0, 0, 1, 0]
            .iter()
            .map(|&e| PanelRow {
                events: e,
                covariates: vec![],
            })
            .collect();
        let f = fit_poisson(&rows).unwrap();
        assert!((f.rate(&[]) - 0.5).abs() < 1e-12);
        assert!((f.fitted - 4.0).abs() < 1e-9);
    }

    #[test]
    fn recovers_a_known_slope() {
        // Counts at their expectations exp(-1 + 0.8 x) scaled up: the MLE is the truth.
        let mut rows = Vec::new();
        for i in 0..40 {
            let x = f64::from(i) / 10.0 - 2.0;
            let mu = (-1.0 + 0.8 * x).exp() * 1000.0;
            rows.push(PanelRow {
                events: mu.round() as u32,
                covariates: vec![x],
            });
        }
        let f = fit_poisson(&rows).unwrap();
        assert!(
            (f.coefficients[1] - 0.8).abs() < 1e-3,
            "{:?}",
            f.coefficients
        );
        assert!((f.fitted - f.observed as f64).abs() < 1e-6);
    }

    #[test]
    fn a_constant_covariate_is_not_identified() {
        let rows = vec![
            PanelRow {
                events: 1,
                covariates: vec![2.0],
            },
            PanelRow {
                events: 0,
                covariates: vec![2.0],
            },
        ];
        assert_eq!(fit_poisson(&rows), Err(FitError::Singular));
    }
}
