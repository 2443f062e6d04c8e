//! Across-replication estimates: mean with a Student-t confidence interval.

use serde::Serialize;

/// Two-sided 97.5 % quantiles of Student's t for 1..=30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
    2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/// The 0.975 quantile of Student's t with `df` degrees of freedom, for 95 % intervals.
pub fn t975(df: u64) -> f64 {
    match df {
        0 => f64::NAN,
        1..=30 => T975[(df - 1) as usize],
        _ => {
            // Cornish-Fisher expansion around the normal quantile; error below 1e-4 for df > 30.
            let z: f64 = 1.959_963_985;
            let d = df as f64;
            z + (z.powi(3) + z) / (4.0 * d) + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

/// Standard error of the mean of `t`'s values and the half-width of its 95 % Student-t
/// interval (n - 1 df): the one place a confidence interval is computed. `None` below two
/// values.
pub fn interval(t: &super::Tally) -> Option<(f64, f64)> {
    let se = t.sd()? / (t.count() as f64).sqrt();
    Some((se, se * t975(t.count() - 1)))
}

/// One metric summarised over independent replications: what a planner reads as
/// "12.3 ± 0.4 (95 % CI)".
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Mean over replications.
    pub mean: f64,
    /// Half-width of the 95 % confidence interval (Student t, n - 1 df); `None` for n = 1.
    pub ci95: Option<f64>,
    /// Standard error of the mean; `None` for n = 1.
    pub se: Option<f64>,
    /// Smallest replication value.
    pub min: f64,
    /// Largest replication value.
    pub max: f64,
    /// Number of replications that produced a value.
    pub n: u64,
}

impl Estimate {
    /// Summarises per-replication values; `None` values (no observation in that
    /// replication) are skipped, and an all-`None` input gives `None`.
    pub fn from_values(values: impl IntoIterator<Item = Option<f64>>) -> Option<Self> {
        let mut t = super::Tally::default();
        values.into_iter().flatten().for_each(|v| t.add(v));
        let mean = t.mean()?;
        let (se, ci95) = interval(&t).unzip();
        Some(Self {
            mean,
            ci95,
            se,
            min: t.min()?,
            max: t.max()?,
            n: t.count(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles() {
        assert_eq!(t975(9), 2.262);
        assert!((t975(31) - 2.0395).abs() < 1e-3);
        assert!((t975(120) - 1.9799).abs() < 1e-3);
        assert!((t975(100_000) - 1.96).abs() < 1e-3);
    }

    #[test]
    fn estimate_of_known_values() {
        let e = Estimate::from_values([Some(1.0), Some(2.0), None, Some(3.0)]).unwrap();
        assert_eq!(e.mean, 2.0);
        assert_eq!(e.n, 3);
        let se = 1.0 / 3f64.sqrt();
        assert!((e.ci95.unwrap() - 4.303 * se).abs() < 1e-9);
        assert!(Estimate::from_values([None]).is_none());
        assert_eq!(Estimate::from_values([Some(5.0)]).unwrap().ci95, None);
    }
}
