//! Student's t distribution function and its quantiles at any level, for the optimiser's
//! first-stage screen at error levels far below the 2.5 % of [`super::t975`]: the
//! regularised incomplete beta function by Lentz's continued fraction (Numerical Recipes
//! 6.4), a page of code instead of a statistics crate.

use super::gamma::ln_gamma;

/// I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 <= x <= 1.
pub fn beta_i(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * fraction(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * fraction(b, a, 1.0 - x) / b
    }
}

/// The continued fraction of I_x(a, b), by the modified Lentz method.
fn fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    d = 1.0 / if d.abs() < TINY { TINY } else { d };
    let mut h = d;
    for m in 1..=10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        for aa in [
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ] {
            d = 1.0 + aa * d;
            d = 1.0 / if d.abs() < TINY { TINY } else { d };
            c = 1.0 + aa / c;
            if c.abs() < TINY {
                c = TINY;
            }
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// P(T <= t) for Student's t with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * beta_i(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The `p` quantile (0.5 <= p < 1) of Student's t with `df` degrees of freedom, by bisection
/// on the upper tail (which keeps its precision for p near 1).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let want = 1.0 - p;
    let upper = |t: f64| 0.5 * beta_i(df / 2.0, 0.5, df / (df + t * t));
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while upper(hi) > want && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if upper(mid) > want {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_the_printed_tables() {
        // Student t tables (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.2).
        for (p, df, want) in [
            (0.975, 4.0, 2.776),
            (0.995, 4.0, 4.604),
            (0.9995, 4.0, 8.610),
            (0.975, 1.0, 12.706),
            (0.95, 10.0, 1.812),
            (0.999, 30.0, 3.385),
            (0.975, 100.0, 1.984),
        ] {
            let t = t_quantile(p, df);
            assert!((t - want).abs() < 1e-3, "t({p}, {df}) = {t}, table {want}");
            assert!((t_cdf(t, df) - p).abs() < 1e-9);
        }
        assert!((t_cdf(0.0, 7.0) - 0.5).abs() < 1e-12);
        assert!((t_quantile(0.975, 9.0) - crate::stats::t975(9)).abs() < 1e-3);
    }

    #[test]
    fn the_incomplete_beta_has_its_closed_forms() {
        // I_x(1, 1) = x; I_x(a, 1) = x^a.
        for x in [0.1, 0.5, 0.9] {
            assert!((beta_i(1.0, 1.0, x) - x).abs() < 1e-12);
            assert!((beta_i(3.0, 1.0, x) - x.powi(3)).abs() < 1e-12);
        }
    }
}
