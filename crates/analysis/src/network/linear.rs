//! The pool equations of one layer solved directly:
//! `S(c)·P(c) − Σ_p T(p → c)·S(p) = X(c)·own(c)` for every country whose pool some output
//! reaches, by LU decomposition with partial pivoting (dense: a layer has at most a few
//! hundred countries). Countries no output reaches (re-export loops between hubs that
//! produce nothing, or no pool at all) hold nothing traceable: their shares are 0.

use super::Layer;

/// Countries whose pool is reached by some positive output, following shipments.
fn reached(layer: &Layer, has_own: &[bool]) -> Vec<bool> {
    let n = has_own.len();
    // Shipments by exporter.
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &layer.edges {
        if e.tonnes > 0.0 {
            out[e.from as usize].push(e.to as usize);
        }
    }
    let mut seen: Vec<bool> = has_own.to_vec();
    let mut stack: Vec<usize> = (0..n).filter(|&c| has_own[c]).collect();
    while let Some(c) = stack.pop() {
        for &d in &out[c] {
            if !seen[d] {
                seen[d] = true;
                stack.push(d);
            }
        }
    }
    seen
}

/// Solve for the shares (`n × k`, row-major) given each country's own-output row
/// (`n × k`), already multiplied by its output.
pub(crate) fn solve_pools(layer: &Layer, own: &[f64], k: usize) -> Vec<f64> {
    let n = layer.production.len();
    let has_own: Vec<bool> = (0..n)
        .map(|c| own[c * k..(c + 1) * k].iter().any(|v| *v > 0.0))
        .collect();
    let live = reached(layer, &has_own);
    let index: Vec<Option<usize>> = {
        let mut next = 0;
        live.iter()
            .map(|&l| {
                l.then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    };
    let rows: Vec<usize> = (0..n).filter(|&c| live[c]).collect();
    let m = rows.len();
    let mut shares = vec![0.0; n * k];
    if m == 0 || k == 0 {
        return shares;
    }
    // A = diag(P) − Tᵀ over the live countries; B = own rows.
    let mut a = vec![0.0; m * m];
    let mut b = vec![0.0; m * k];
    for (i, &c) in rows.iter().enumerate() {
        a[i * m + i] = layer.output_t(c) + layer.imports_t[c];
        for e in layer.inflows(c) {
            if let Some(j) = index[e.from as usize] {
                a[i * m + j] -= e.tonnes;
            }
        }
        b[i * k..(i + 1) * k].copy_from_slice(&own[c * k..(c + 1) * k]);
    }
    lu_solve(&mut a, &mut b, m, k);
    for (i, &c) in rows.iter().enumerate() {
        for j in 0..k {
            // Round-off below zero is zero.
            shares[c * k + j] = b[i * k + j].max(0.0);
        }
    }
    shares
}

/// Solve `A X = B` in place (`A` is `m × m`, `B` is `m × k`, row-major) by Gaussian
/// elimination with partial pivoting; `B` becomes `X`. The pivot search takes the first
/// largest, so the result is the same on every run.
fn lu_solve(a: &mut [f64], b: &mut [f64], m: usize, k: usize) {
    for col in 0..m {
        let mut p = col;
        for r in col + 1..m {
            if a[r * m + col].abs() > a[p * m + col].abs() {
                p = r;
            }
        }
        if a[p * m + col] == 0.0 {
            continue;
        }
        if p != col {
            for j in 0..m {
                a.swap(col * m + j, p * m + j);
            }
            for j in 0..k {
                b.swap(col * k + j, p * k + j);
            }
        }
        let d = a[col * m + col];
        for r in col + 1..m {
            let f = a[r * m + col] / d;
            if f == 0.0 {
                continue;
            }
            for j in col..m {
                a[r * m + j] -= f * a[col * m + j];
            }
            for j in 0..k {
                b[r * k + j] -= f * b[col * k + j];
            }
        }
    }
    for col in (0..m).rev() {
        let d = a[col * m + col];
        for j in 0..k {
            let mut v = b[col * k + j];
            for r in col + 1..m {
                v -= a[col * m + r] * b[r * k + j];
            }
            b[col * k + j] = if d == 0.0 { 0.0 } else { v / d };
        }
    }
}
