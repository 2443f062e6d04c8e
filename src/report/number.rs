//! How numbers are printed in the tables: fixed decimals for values, and for paired
//! differences enough decimals that the interval and a significant difference are visibly
//! not zero. Never "-0.0".

use crate::stats::Estimate;

/// Most decimals a difference is printed with before switching to scientific notation.
const MAX_DECIMALS: usize = 6;

/// `v` with `digits` decimals (and a sign when `signed`); a value that rounds to zero
/// prints as zero, never "-0.0".
pub fn fixed(v: f64, digits: usize, signed: bool) -> String {
    let s = if signed {
        format!("{v:+.digits$}")
    } else {
        format!("{v:.digits$}")
    };
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        if signed {
            format!("+{}", &s[1..])
        } else {
            s[1..].to_string()
        }
    } else {
        s
    }
}

/// Fewest decimals (at least 0) at which `x` shows its first significant digit without
/// rounding: 0.003 needs 3, 0.5 needs 1, 12 needs 0. Zero and non-finite values need 0.
pub fn decimals_for(x: f64) -> usize {
    let x = x.abs();
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    let mut d = (-x.log10()).ceil().max(0.0) as usize;
    // log10 can land a hair off a power of ten; step until 10^-d really is at most x.
    while d > 0 && x >= 10f64.powi(-(d as i32 - 1)) {
        d -= 1;
    }
    while x < 10f64.powi(-(d as i32)) {
        d += 1;
    }
    d
}

/// A value over replications: `mean ± ci95` with `digits` decimals, `-` when there is
/// none.
pub fn estimate(e: &Option<Estimate>, digits: usize) -> String {
    match e {
        None => "-".into(),
        Some(e) => match e.ci95 {
            Some(ci) => format!("{} ± {}", fixed(e.mean, digits, false), fixed(ci, digits, false)),
            None => fixed(e.mean, digits, false),
        },
    }
}

/// A paired difference: at least `digits` decimals, more when the half-width would
/// otherwise print as 0 although it is not, and, when `significant`, when the difference
/// itself would print as 0 (a flagged difference must read as non-zero). Past
/// [`MAX_DECIMALS`] it switches to two significant digits in scientific notation.
pub fn difference(e: &Option<Estimate>, digits: usize, significant: bool, signed: bool) -> String {
    let Some(e) = e else { return "-".into() };
    let mut d = digits;
    if let Some(ci) = e.ci95.filter(|c| *c > 0.0) {
        d = d.max(decimals_for(ci));
    }
    if significant {
        d = d.max(decimals_for(e.mean));
    }
    let num = |v: f64, signed: bool| {
        if d > MAX_DECIMALS && v != 0.0 {
            if signed {
                format!("{v:+.1e}")
            } else {
                format!("{v:.1e}")
            }
        } else {
            fixed(v, d.min(MAX_DECIMALS), signed)
        }
    };
    match e.ci95 {
        Some(ci) => format!("{} ± {}", num(e.mean, signed), num(ci, false)),
        None => num(e.mean, signed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(mean: f64, ci: f64) -> Option<Estimate> {
        Some(Estimate {
            mean,
            ci95: Some(ci),
            se: Some(ci / 2.0),
            min: mean,
            max: mean,
            n: 10,
        })
    }

    /// True when every digit of the printed mean is zero.
    fn reads_as_zero(s: &str) -> bool {
        let mean = s.split(" ± ").next().unwrap();
        let mantissa = mean.split('e').next().unwrap();
        mantissa.chars().filter(char::is_ascii_digit).all(|c| c == '0')
    }

    #[test]
    fn no_negative_zero() {
        assert_eq!(fixed(-0.0, 1, false), "0.0");
        assert_eq!(fixed(-0.04, 1, false), "0.0");
        assert_eq!(fixed(-0.04, 1, true), "+0.0");
        assert_eq!(fixed(-0.06, 1, false), "-0.1");
        assert_eq!(estimate(&est(-0.01, 0.02), 1), "0.0 ± 0.0");
    }

    #[test]
    fn decimals_show_the_first_significant_digit() {
        assert_eq!(decimals_for(0.003), 3);
        assert_eq!(decimals_for(0.001), 3);
        assert_eq!(decimals_for(0.01), 2);
        assert_eq!(decimals_for(0.5), 1);
        assert_eq!(decimals_for(1.0), 0);
        assert_eq!(decimals_for(12.0), 0);
        assert_eq!(decimals_for(0.0), 0);
        for k in 1..12 {
            assert_eq!(decimals_for(10f64.powi(-k)), k as usize);
        }
    }

    #[test]
    fn a_tiny_significant_difference_prints_non_zero_digits() {
        assert_eq!(difference(&est(0.003, 0.001), 1, true, false), "0.003 ± 0.001");
        assert_eq!(difference(&est(-0.003, 0.001), 1, true, true), "-0.003 ± 0.001");
        assert_eq!(
            difference(&est(-0.0000474, 0.0000345), 3, true, false),
            "-0.00005 ± 0.00003"
        );
        // Wide enough intervals keep the table's decimals.
        assert_eq!(difference(&est(264.31, 0.42), 1, true, true), "+264.3 ± 0.4");
        // Beyond six decimals: scientific notation.
        assert_eq!(difference(&est(3.2e-9, 1e-9), 1, true, false), "3.2e-9 ± 1.0e-9");
        // No interval width at all, but every replication differs the same way.
        assert_eq!(difference(&est(0.0004, 0.0), 1, true, true), "+0.0004 ± 0.0000");
    }

    #[test]
    fn a_flagged_difference_never_reads_as_zero() {
        let mut m = 7.3e-12;
        while m < 1e4 {
            for ratio in [0.0, 0.01, 0.3, 0.99] {
                for sign in [1.0, -1.0] {
                    for digits in [0, 1, 3] {
                        for signed in [false, true] {
                            let s = difference(&est(sign * m, m * ratio), digits, true, signed);
                            assert!(!reads_as_zero(&s), "{m} ± {}: {s}", m * ratio);
                            assert!(!s.starts_with("-0.0 ") && s != "-0", "{s}");
                        }
                    }
                }
            }
            m *= 1.37;
        }
    }
}
