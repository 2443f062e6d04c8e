//! Probability distributions for clearance times, dwell times, vehicle counts and trips.

use super::stream::StreamRng;
use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma, LogNormal, StandardNormal, Weibull};

/// A ready-to-sample distribution of non-negative values (minutes, or vehicles).
///
/// An enum rather than a trait object: sampling is a `match` the compiler can inline in the
/// event loop. Parameters are validated when the scenario is read, so constructing the
/// `rand_distr` helpers here cannot fail.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Always `value`.
    Constant(f64),
    /// Exponential with this mean.
    Exponential(f64),
    /// Uniform on [min, max].
    Uniform(f64, f64),
    /// Triangular with min, mode, max.
    Triangular(f64, f64, f64),
    /// Normal(mean, sd) truncated at zero by rejection: a true truncation, not a clamp.
    Normal(f64, f64),
    /// Log-normal given by its own mean (first field) and coefficient of variation.
    LogNormal(f64, LogNormal<f64>),
    /// Gamma with its mean (shape times scale) kept for reporting.
    Gamma(f64, Gamma<f64>),
    /// Weibull with its mean (scale times Gamma(1 + 1/shape)) kept for reporting.
    Weibull(f64, Weibull<f64>),
    /// Erlang: the sum of `k` exponentials, with overall `mean`.
    Erlang(u32, f64),
    /// Discrete empirical table: values with cumulative probabilities.
    Empirical(Vec<f64>, Vec<f64>),
}

impl Dist {
    /// Log-normal from the mean and coefficient of variation of the distribution itself,
    /// which is how clearance times are usually reported.
    pub fn lognormal(mean: f64, cv: f64) -> Self {
        let sigma2 = (1.0 + cv * cv).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        Dist::LogNormal(mean, LogNormal::new(mu, sigma2.sqrt()).expect("validated lognormal"))
    }

    /// Gamma with shape k and scale theta.
    pub fn gamma(shape: f64, scale: f64) -> Self {
        Dist::Gamma(shape * scale, Gamma::new(shape, scale).expect("validated gamma"))
    }

    /// Weibull with shape k and scale lambda.
    pub fn weibull(shape: f64, scale: f64) -> Self {
        let mean = scale * ln_gamma(1.0 + 1.0 / shape).exp();
        Dist::Weibull(mean, Weibull::new(scale, shape).expect("validated weibull"))
    }

    /// Empirical table from values and (unnormalised, finite, non-negative, not all zero)
    /// weights. The weights are first scaled by the power of two that brings the largest
    /// near 1, so their sum cannot overflow however large they are; a power of two scales
    /// exactly, so ordinary weights give bit for bit the probabilities they always did. The
    /// cumulative probability reaches exactly 1 at the last value with weight, so no
    /// rounding leaves a draw to a value of weight zero.
    pub fn empirical(values: Vec<f64>, weights: &[f64]) -> Self {
        let largest = weights.iter().copied().fold(0.0, f64::max);
        let e = if largest > 0.0 {
            (largest.log2().floor() as i64).clamp(-1000, 1000)
        } else {
            0
        };
        let scale = f64::from_bits(((1023 - e) as u64) << 52);
        let scaled: Vec<f64> = weights.iter().map(|w| w * scale).collect();
        let total: f64 = scaled.iter().sum();
        let last = scaled.iter().rposition(|&w| w > 0.0).unwrap_or(0);
        let mut acc = 0.0;
        let cum = scaled
            .iter()
            .enumerate()
            .map(|(i, w)| {
                acc += w / total;
                if i >= last { 1.0 } else { acc.min(1.0) }
            })
            .collect();
        Dist::Empirical(values, cum)
    }

    /// The distribution's mean, used for `check` output and for converting vehicles per year
    /// into consignments.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant(v) | Dist::Exponential(v) | Dist::Erlang(_, v) => *v,
            Dist::Uniform(a, b) => (a + b) / 2.0,
            Dist::Triangular(a, c, b) => (a + b + c) / 3.0,
            Dist::Normal(m, s) => {
                // Mean of a normal truncated at zero.
                let a = -m / s;
                let phi = (-a * a / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
                let big_phi = 0.5 * erfc(a / std::f64::consts::SQRT_2);
                m + s * phi / big_phi
            }
            Dist::LogNormal(m, _) | Dist::Gamma(m, _) | Dist::Weibull(m, _) => *m,
            Dist::Empirical(v, cum) => {
                let mut prev = 0.0;
                v.iter()
                    .zip(cum)
                    .map(|(x, c)| {
                        let p = c - prev;
                        prev = *c;
                        x * p
                    })
                    .sum()
            }
        }
    }

    /// Draws one value (never negative). The exponential, the commonest clearance and the
    /// textbook benchmark's, is drawn inline; the rest out of line (callgrind, M/M/4: the
    /// call cost about 20 instructions a draw). The same draws either way.
    #[inline(always)]
    pub fn sample(&self, rng: &mut StreamRng) -> f64 {
        match self {
            Dist::Exponential(mean) => mean * <Exp1 as Distribution<f64>>::sample(&Exp1, rng),
            other => other.sample_general(rng),
        }
    }

    /// [`Dist::sample`] for every distribution but the exponential.
    #[inline(never)]
    fn sample_general(&self, rng: &mut StreamRng) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential(mean) => mean * <Exp1 as Distribution<f64>>::sample(&Exp1, rng),
            Dist::Uniform(a, b) => a + (b - a) * rng.random::<f64>(),
            Dist::Triangular(a, c, b) => {
                let u: f64 = rng.random();
                let f = (c - a) / (b - a);
                if u < f {
                    a + ((b - a) * (c - a) * u).sqrt()
                } else {
                    b - ((b - a) * (b - c) * (1.0 - u)).sqrt()
                }
            }
            Dist::Normal(m, s) => {
                // Rejection keeps the shape of the truncated normal; validation ensures
                // mean > 0, so each try succeeds with probability above one half.
                for _ in 0..64 {
                    let z: f64 = StandardNormal.sample(rng);
                    let x = m + s * z;
                    if x >= 0.0 {
                        return x;
                    }
                }
                *m
            }
            Dist::LogNormal(_, d) => d.sample(rng),
            Dist::Gamma(_, d) => d.sample(rng),
            Dist::Weibull(_, d) => d.sample(rng),
            Dist::Erlang(k, mean) => {
                let mut s = 0.0;
                for _ in 0..*k {
                    s += <Exp1 as Distribution<f64>>::sample(&Exp1, rng);
                }
                s * mean / f64::from(*k)
            }
            Dist::Empirical(v, cum) => {
                let u: f64 = rng.random();
                let i = cum.partition_point(|&c| c <= u).min(v.len() - 1);
                v[i]
            }
        }
    }
}

/// ln Gamma(x) for x > 0 (Lanczos, g = 7, n = 9), for the Weibull mean.
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7),
/// enough for the mean of a truncated normal in `check` output.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::stream::stream;

    fn sample_mean(d: &Dist, n: usize) -> (f64, f64) {
        let mut r = stream(7, 0, "test");
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut r)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        assert!(xs.iter().all(|x| *x >= 0.0));
        (m, v)
    }

    #[test]
    fn sample_means_match_parameters() {
        let cases = [
            (Dist::Constant(3.0), 3.0, 0.0),
            (Dist::Exponential(2.0), 2.0, 4.0),
            (Dist::Uniform(1.0, 3.0), 2.0, 4.0 / 12.0),
            (Dist::Triangular(0.0, 1.0, 5.0), 2.0, (25.0 + 1.0 - 5.0) / 18.0),
            (Dist::lognormal(10.0, 0.5), 10.0, 25.0),
            (Dist::gamma(2.0, 3.0), 6.0, 18.0),
            (Dist::Erlang(4, 8.0), 8.0, 16.0),
            (Dist::weibull(1.0, 5.0), 5.0, 25.0),
            (
                Dist::weibull(2.0, 1.0),
                0.886_226_925,
                1.0 - std::f64::consts::FRAC_PI_4,
            ),
            (Dist::empirical(vec![6.0, 7.0, 8.0], &[1.0, 2.0, 1.0]), 7.0, 0.5),
        ];
        for (d, mean, var) in cases {
            let (m, v) = sample_mean(&d, 200_000);
            let se = (var / 200_000f64).sqrt().max(1e-12);
            assert!((m - mean).abs() < 5.0 * se + 1e-12, "{d:?}: mean {m} vs {mean}");
            assert!((v - var).abs() < 0.05 * var + 1e-12, "{d:?}: var {v} vs {var}");
            assert!((d.mean() - mean).abs() < 0.01 * mean, "{d:?}: mean() {}", d.mean());
        }
    }

    #[test]
    fn empirical_weights_near_the_float_limit_are_normalised() {
        // The audit's case: the sum of these weights overflows to infinity.
        let d = Dist::empirical(vec![5.0, 500.0], &[1e308, 1e308]);
        assert_eq!(d.mean(), 252.5);
        let (m, _) = sample_mean(&d, 20_000);
        assert!((m - 252.5).abs() < 10.0, "{m}");
        // Tiny weights are as good as any others.
        let d = Dist::empirical(vec![1.0, 3.0], &[1e-310, 3e-310]);
        assert!((d.mean() - 2.5).abs() < 1e-12, "{}", d.mean());
    }

    #[test]
    fn empirical_never_draws_a_value_of_weight_zero() {
        let d = Dist::empirical(vec![1.0, 2.0, 3.0, 9.0], &[1.0, 1.0, 1.0, 0.0]);
        let Dist::Empirical(_, cum) = &d else { unreachable!() };
        assert_eq!(cum[2], 1.0);
        assert_eq!(d.mean(), 2.0);
    }

    #[test]
    fn truncated_normal_never_negative_and_mean_is_truncated() {
        let d = Dist::Normal(1.0, 2.0);
        let (m, _) = sample_mean(&d, 200_000);
        assert!((m - d.mean()).abs() < 0.02, "{m} vs {}", d.mean());
        assert!(d.mean() > 1.0);
    }
}
