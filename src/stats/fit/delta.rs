//! Standard errors of the normalised factors and the rate by the delta method, from the
//! Fisher information of the Poisson fit.
//!
//! The model is log-linear: log mean = log exposure + α + a[h] + b[d] + c[m], one level of
//! each fitted profile fixed at 0 (the reference). Its information is Σ μ x xᵀ over the
//! table's cells; the published numbers are smooth functions of the parameters (a factor
//! divided by its profile's weighted mean, the rate times the means), so their variance is
//! gᵀ I⁻¹ g with g their gradient, computed as |L⁻¹ g|² from the Cholesky factor L of I.

use super::grid::{LEVELS, PROFILES, levels};
use super::ipf::Raw;

/// The information of a fit, ready for gradients.
pub(super) struct Information {
    /// Column of each level in the parameter vector (0 is α): `None` for a reference
    /// level, a level with no arrivals (its factor is 0, on the boundary) and a profile not
    /// fitted.
    col: [Option<usize>; LEVELS],
    /// Lower Cholesky factor of the information, row-major, `n × n`.
    chol: Vec<f64>,
    n: usize,
}

impl Information {
    /// The information of `raw` over the table's `exposure`; `positive[l]` says that level
    /// `l` had arrivals. `None` when it is singular (a parameter the window cannot
    /// separate from the others).
    pub fn new(raw: &Raw, exposure: &[f64], free: [bool; 3], positive: &[bool; LEVELS]) -> Option<Self> {
        let mut col = [None; LEVELS];
        let mut n = 1;
        for (p, &(first, len)) in PROFILES.iter().enumerate() {
            if !free[p] {
                continue;
            }
            for l in (first..first + len).filter(|l| positive[*l]).skip(1) {
                col[l] = Some(n);
                n += 1;
            }
        }
        let mut info = vec![0.0; n * n];
        for (c, e) in exposure.iter().enumerate() {
            let mu = e * raw.intensity(c);
            if mu <= 0.0 {
                continue;
            }
            let mut x = vec![0];
            x.extend(levels(c).iter().filter_map(|l| col[*l]));
            for &i in &x {
                for &j in &x {
                    info[i * n + j] += mu;
                }
            }
        }
        Some(Self {
            col,
            chol: cholesky(info, n)?,
            n,
        })
    }

    /// Variance of a function of the parameters whose gradient is `g`, given as
    /// (level, derivative) pairs plus `alpha` for α; levels without a column drop out.
    pub fn variance(&self, alpha: f64, g: &[(usize, f64)]) -> f64 {
        let mut v = vec![0.0; self.n];
        v[0] = alpha;
        for &(l, d) in g {
            if let Some(i) = self.col[l] {
                v[i] += d;
            }
        }
        // Forward substitution L y = v; the variance is y·y.
        let n = self.n;
        let mut y = vec![0.0; n];
        for i in 0..n {
            let s: f64 = (0..i).map(|k| self.chol[i * n + k] * y[k]).sum();
            y[i] = (v[i] - s) / self.chol[i * n + i];
        }
        y.iter().map(|x| x * x).sum()
    }
}

/// Lower Cholesky factor of the symmetric `n × n` matrix `a`, or `None` if it is not
/// positive definite (to rounding).
fn cholesky(a: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - s;
                if d.is_nan() || d <= 1e-12 * a[i * n + i].abs() {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::super::grid::{CELLS, cell};
    use super::*;

    #[test]
    fn cholesky_of_a_known_matrix() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
        let l = cholesky(vec![4.0, 2.0, 2.0, 3.0], 2).unwrap();
        assert_eq!(l[0], 2.0);
        assert_eq!(l[2], 1.0);
        assert!((l[3] - 2f64.sqrt()).abs() < 1e-15);
        assert!(cholesky(vec![1.0, 1.0, 1.0, 1.0], 2).is_none());
    }

    #[test]
    fn one_rate_has_the_poisson_variance() {
        // No profile: var(log rate) = 1 / N.
        let mut e = vec![0.0; CELLS];
        e[cell(0, 0, 0)] = 600.0;
        let raw = Raw {
            rate: 0.5,
            factor: [1.0; LEVELS],
        };
        let info = Information::new(&raw, &e, [false; 3], &[true; LEVELS]).unwrap();
        assert!((info.variance(1.0, &[]) - 1.0 / 300.0).abs() < 1e-15);
    }

    #[test]
    fn two_weekdays_ratio_variance_is_the_sum_of_inverse_counts() {
        // Monday 120 arrivals, Tuesday 30: var(log(F_tue / F_mon)) = 1/120 + 1/30.
        let mut e = vec![0.0; CELLS];
        e[cell(0, 0, 0)] = 2880.0;
        e[cell(0, 1, 0)] = 1440.0;
        let mut raw = Raw {
            rate: 60.0 / 1440.0,
            factor: [1.0; LEVELS],
        };
        raw.factor[25] = 0.5;
        let mut positive = [false; LEVELS];
        positive[24] = true;
        positive[25] = true;
        let info = Information::new(&raw, &e, [false, true, false], &positive).unwrap();
        let v = info.variance(0.0, &[(25, 1.0), (24, -1.0)]);
        assert!((v - (1.0 / 120.0 + 1.0 / 30.0)).abs() < 1e-12, "{v}");
    }
}
