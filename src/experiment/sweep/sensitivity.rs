//! Global sensitivity from a Latin-hypercube sweep: standardised regression coefficients
//! (SRC) with bootstrap intervals over the design points, and partial rank correlation
//! coefficients (PRCC), after Saltelli et al., *Global Sensitivity Analysis: The Primer*
//! (Wiley, 2008), ch. 1.2, and Marino et al., "A methodology for performing global
//! uncertainty and sensitivity analysis in systems biology", J. Theor. Biol. 254 (2008).

use rand::Rng;
use serde::{Deserialize, Serialize};

/// Bootstrap resamples of the design points behind each SRC interval.
pub const BOOTSTRAP: usize = 1000;

/// Name of the bootstrap's stream (replication 0 of the design seed): its own, so ranking
/// never moves a simulation result or the design.
pub const BOOTSTRAP_STREAM: &str = "sweep/bootstrap";

/// One factor's effect on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// Factor index.
    pub factor: usize,
    /// Standardised regression coefficient: the change of the metric, in its standard
    /// deviations, per standard deviation of the factor, the others held.
    pub src: f64,
    /// 2.5 % bootstrap percentile of the SRC.
    pub src_lo: f64,
    /// 97.5 % bootstrap percentile of the SRC.
    pub src_hi: f64,
    /// Partial rank correlation coefficient, in [-1, 1].
    pub prcc: Option<f64>,
    /// 1 for the largest |SRC|.
    pub rank: usize,
}

/// The ranking of the factors for one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// Metric index in the plan.
    pub metric: usize,
    /// R² of the linear regression on standardised values: how much of the metric's spread
    /// over the design a linear model explains (SRCs mean little below about 0.7).
    pub r2: f64,
    /// Each factor, in factor order.
    pub effects: Vec<Effect>,
}

/// Solves `a x = b` (a square, row-major) by Gaussian elimination with partial pivoting;
/// `None` when singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        let (top, rest) = a.split_at_mut(c + 1);
        let pivot = &top[c];
        for (r, row) in rest.iter_mut().enumerate() {
            let f = row[c] / pivot[c];
            row.iter_mut().zip(pivot).skip(c).for_each(|(x, p)| *x -= f * p);
            b[c + 1 + r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| a[r][k] * x[k]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

/// Centred and scaled to unit standard deviation; `None` for a constant column.
fn standardise(v: &[f64]) -> Option<Vec<f64>> {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (sd > 0.0 && sd.is_finite()).then(|| v.iter().map(|x| (x - m) / sd).collect())
}

/// Least squares of centred `y` on centred columns `x` (no intercept needed): the
/// coefficients and the residuals.
fn regress(x: &[Vec<f64>], y: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    let k = x.len();
    let xtx = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| x[i].iter().zip(&x[j]).map(|(a, b)| a * b).sum())
                .collect()
        })
        .collect();
    let xty = (0..k).map(|i| x[i].iter().zip(y).map(|(a, b)| a * b).sum()).collect();
    let b = if k == 0 { Vec::new() } else { solve(xtx, xty)? };
    let res = (0..y.len())
        .map(|r| y[r] - (0..k).map(|i| b[i] * x[i][r]).sum::<f64>())
        .collect();
    Some((b, res))
}

/// SRCs of the factors `x` (one column per factor) on `y`, and R². `None` when a column or
/// `y` is constant, or there are too few points (at least factors + 2).
pub fn src(x: &[Vec<f64>], y: &[f64]) -> Option<(Vec<f64>, f64)> {
    if y.len() < x.len() + 2 {
        return None;
    }
    let zx: Vec<Vec<f64>> = x.iter().map(|c| standardise(c)).collect::<Option<_>>()?;
    let zy = standardise(y)?;
    let (b, res) = regress(&zx, &zy)?;
    let ss: f64 = res.iter().map(|r| r * r).sum();
    let tot: f64 = zy.iter().map(|v| v * v).sum();
    Some((b, 1.0 - ss / tot))
}

/// Ranks 1..n, ties given their average rank.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        idx[i..=j].iter().for_each(|&t| r[t] = avg);
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let (za, zb) = (standardise(a)?, standardise(b)?);
    Some(za.iter().zip(&zb).map(|(x, y)| x * y).sum::<f64>() / (a.len() as f64 - 1.0))
}

/// PRCC of each factor: the correlation of the ranks of the factor and of `y` once the
/// linear effect of the other factors' ranks is taken out of both.
pub fn prcc(x: &[Vec<f64>], y: &[f64]) -> Vec<Option<f64>> {
    let rx: Vec<Vec<f64>> = x.iter().map(|c| center(&ranks(c))).collect();
    let ry = center(&ranks(y));
    (0..x.len())
        .map(|j| {
            let others: Vec<Vec<f64>> = (0..x.len()).filter(|i| *i != j).map(|i| rx[i].clone()).collect();
            let (_, ex) = regress(&others, &rx[j])?;
            let (_, ey) = regress(&others, &ry)?;
            pearson(&ex, &ey)
        })
        .collect()
}

fn center(v: &[f64]) -> Vec<f64> {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    v.iter().map(|x| x - m).collect()
}

/// The ranking of `x`'s factors on `y` (one value per design point): SRCs, their 95 %
/// percentile intervals from [`BOOTSTRAP`] resamples of the points drawn from the stream
/// [`BOOTSTRAP_STREAM`] of `seed` (a resample whose regression is singular is drawn
/// again), PRCCs, and the rank of |SRC|.
pub fn rank(metric: usize, x: &[Vec<f64>], y: &[f64], seed: u64) -> Option<Ranking> {
    let (b, r2) = src(x, y)?;
    let n = y.len();
    let mut rng = crate::random::stream::stream(seed, 0, BOOTSTRAP_STREAM);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(BOOTSTRAP); x.len()];
    let mut tries = 0;
    while draws[0].len() < BOOTSTRAP && tries < 10 * BOOTSTRAP {
        tries += 1;
        let pick: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        let bx: Vec<Vec<f64>> = x.iter().map(|c| pick.iter().map(|&i| c[i]).collect()).collect();
        let by: Vec<f64> = pick.iter().map(|&i| y[i]).collect();
        if let Some((bb, _)) = src(&bx, &by) {
            bb.iter().zip(&mut draws).for_each(|(v, d)| d.push(*v));
        }
    }
    let pr = prcc(x, y);
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&i, &j| b[j].abs().total_cmp(&b[i].abs()).then(i.cmp(&j)));
    let effects = (0..x.len())
        .map(|j| {
            let mut d = draws[j].clone();
            d.sort_by(f64::total_cmp);
            let q = |p: f64| {
                d.get(((d.len() as f64 - 1.0) * p).round() as usize)
                    .copied()
                    .unwrap_or(f64::NAN)
            };
            Effect {
                factor: j,
                src: b[j],
                src_lo: q(0.025),
                src_hi: q(0.975),
                prcc: pr[j],
                rank: order.iter().position(|&o| o == j).unwrap_or(0) + 1,
            }
        })
        .collect();
    Some(Ranking { metric, r2, effects })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = 3 a - 1 b + 0 c + small noise over a Latin hypercube: the SRCs are the
    /// coefficients times sd(factor) / sd(y), and the ranking is a, b, c.
    #[test]
    fn src_recovers_known_linear_coefficients() {
        let n = 200;
        let u = super::super::design::unit_hypercube(n, 3, 9);
        let x: Vec<Vec<f64>> = (0..3).map(|j| u.iter().map(|p| p[j]).collect()).collect();
        let mut rng = crate::random::stream::stream(1, 0, "test/noise");
        let y: Vec<f64> = (0..n)
            .map(|i| 3.0 * x[0][i] - x[1][i] + 0.01 * (rng.random::<f64>() - 0.5))
            .collect();
        let (b, r2) = src(&x, &y).unwrap();
        let sd = |v: &[f64]| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            (v.iter().map(|t| (t - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
        };
        let (sy, sa, sb) = (sd(&y), sd(&x[0]), sd(&x[1]));
        assert!((b[0] - 3.0 * sa / sy).abs() < 1e-3, "{b:?}");
        assert!((b[1] + sb / sy).abs() < 1e-3, "{b:?}");
        assert!(b[2].abs() < 1e-3, "{b:?}");
        assert!(r2 > 0.999);
        let r = rank(0, &x, &y, 5).unwrap();
        let ranks: Vec<usize> = r.effects.iter().map(|e| e.rank).collect();
        assert_eq!(ranks, vec![1, 2, 3]);
        assert!(
            r.effects.iter().all(|e| e.src_lo <= e.src && e.src <= e.src_hi),
            "{r:?}"
        );
        assert!(
            r.effects[0].prcc.unwrap() > 0.9 && r.effects[1].prcc.unwrap() < -0.9,
            "{r:?}"
        );
        assert!(r.effects[2].prcc.unwrap().abs() < 0.3, "{r:?}");
        assert_eq!(rank(0, &x, &y, 5), Some(r), "seeded: the same intervals again");
    }

    #[test]
    fn degenerate_inputs_give_no_ranking() {
        let x = vec![vec![1.0, 2.0, 3.0, 4.0]];
        assert!(src(&x, &[1.0, 1.0, 1.0, 1.0]).is_none(), "constant metric");
        assert!(src(&[vec![2.0; 4]], &[1.0, 2.0, 3.0, 4.0]).is_none(), "constant factor");
        assert!(src(&x, &[1.0, 2.0]).is_none() || x[0].len() != 2);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
    }
}
