//! Numbers into CSV text without the general float formatter: a year of hourly rows is a
//! third of a million lines, and `{}` on an f64 (shortest round-trip digits) cost about 40 %
//! of a horgos-2025 `run` by callgrind. Each function here gives exactly the bytes of
//! the `format!` it replaces (tested against it), and falls back to it outside its range.

use std::fmt::Write;

/// Largest magnitude the integer paths take: below 2^32 a double's spacing is under 1e-6,
/// so a value rounded to six decimals prints as those six decimals with trailing zeros
/// trimmed, which is what the shortest round-trip form gives.
const FAST_BELOW: f64 = 4_294_967_296.0;

/// Appends `(v * 1e6).round() / 1e6` as `{}` prints it.
pub fn push_micro(o: &mut String, v: f64) {
    let k = (v * 1e6).round();
    // NaN and infinities (never passed by `num`) and large values take the general path.
    if k.is_nan() || k.abs() / 1e6 >= FAST_BELOW {
        let _ = write!(o, "{}", k / 1e6);
        return;
    }
    if k == 0.0 {
        // `{}` keeps the sign of a negative zero.
        o.push_str(if k.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    if k < 0.0 {
        o.push('-');
    }
    let k = k.abs() as u64;
    push_u64(o, k / 1_000_000);
    let mut frac = k % 1_000_000;
    if frac == 0 {
        return;
    }
    let mut width = 6;
    while frac.is_multiple_of(10) {
        frac /= 10;
        width -= 1;
    }
    o.push('.');
    // `frac` has `width` digits with its leading zeros: pad what itoa prints.
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(frac);
    o.push_str(&"00000"[..width - digits.len()]);
    o.push_str(digits);
}

/// Appends `v` as `{}` prints it: whole numbers (interval bounds in minutes) by the integer
/// path, anything else by the general formatter.
pub fn push_f64(o: &mut String, v: f64) {
    if v.fract() == 0.0 && v.abs() < FAST_BELOW {
        if v == 0.0 && v.is_sign_negative() {
            o.push_str("-0");
            return;
        }
        if v < 0.0 {
            o.push('-');
        }
        push_u64(o, v.abs() as u64);
    } else {
        let _ = write!(o, "{v}");
    }
}

/// Appends `n` in decimal.
pub fn push_u64(o: &mut String, n: u64) {
    // itoa: two digits a step and no UTF-8 check of its own ASCII (callgrind, the
    // time series of a horgos-2025 year: the check alone was 2.8 % of the whole run).
    o.push_str(itoa::Buffer::new().format(n));
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn micro(v: f64) -> String {
        let mut s = String::new();
        push_micro(&mut s, v);
        s
    }

    fn reference(v: f64) -> String {
        format!("{}", (v * 1e6).round() / 1e6)
    }

    #[test]
    fn rounded_values_print_as_the_general_formatter_prints_them() {
        let edges = [
            0.0,
            -0.0,
            -1e-9,
            1e-9,
            5e-7,
            -5e-7,
            1e-6,
            0.1,
            0.3,
            2.253011,
            1.0 / 3.0,
            -2.0 / 3.0,
            59.99999949,
            100.0,
            123456.7890125,
            4294967295.999999,
            4294967296.0,
            1e12 + 0.5,
            1e300,
            -1e300,
            f64::MAX,
        ];
        for v in edges {
            assert_eq!(micro(v), reference(v), "{v:e}");
        }
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        for _ in 0..200_000 {
            let scale = 10f64.powi(rng.random_range(-8..11));
            let v = (rng.random::<f64>() - 0.3) * scale;
            assert_eq!(micro(v), reference(v), "{v:e}");
        }
        // Values that are already multiples of 1e-6 (a mean of whole counts, say).
        for k in 0..100_000u64 {
            let v = (k * 7919 % 10_000_000) as f64 / 1e6;
            assert_eq!(micro(v), reference(v), "{v:e}");
        }
    }

    #[test]
    fn whole_numbers_and_others_print_as_display() {
        for v in [
            0.0,
            -0.0,
            1.0,
            60.0,
            525600.0,
            -3.0,
            0.5,
            1e15,
            4294967296.0,
            1e300,
            59.75,
        ] {
            let mut s = String::new();
            push_f64(&mut s, v);
            assert_eq!(s, format!("{v}"));
        }
        for n in [0, 1, 9, 10, 99, 1234567, u64::MAX] {
            let mut s = String::new();
            push_u64(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn a_value_off_by_one_millionth_is_caught() {
        // The comparison above is sharp: a value one step off prints differently.
        assert_ne!(micro(2.253011), reference(2.253012));
    }
}
