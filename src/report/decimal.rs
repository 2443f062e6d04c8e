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
///
/// Rounds through the integers instead of `f64::round` (a libm call on the baseline x86-64
/// target), and assembles the digits in a stack buffer pushed once: 145 instructions a
/// value before, a sixth of a horgos-2025 `run`'s time series writing by callgrind.
pub fn push_micro(o: &mut String, v: f64) {
    let x = v * 1e6;
    // 2^52: below it `x as i64` is exact, and so is `x - trunc(x)`.
    if x.is_nan() || x.abs() >= 4_503_599_627_370_496.0 {
        // NaN, infinities (never passed by `num`) and large values.
        let _ = write!(o, "{}", x.round() / 1e6);
        return;
    }
    let k = round_half_away(x);
    if (k.unsigned_abs() as f64) / 1e6 >= FAST_BELOW {
        let _ = write!(o, "{}", k as f64 / 1e6);
        return;
    }
    if k == 0 {
        // `{}` keeps the sign of a negative zero, and `round` gives one for -0.5 < x <= -0.
        o.push_str(if x.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    // Built in a stack buffer: the whole part ends at POINT, the fraction follows it.
    const POINT: usize = 21;
    let mut buf = [0u8; 64];
    let (neg, k) = (k < 0, k.unsigned_abs());
    let mut start = POINT;
    let mut q = k / 1_000_000; // below 2^32: at most 10 digits, so `start` stays >= 11
    while q >= 100 {
        start -= 2;
        buf[start..start + 2].copy_from_slice(pair(q % 100));
        q /= 100;
    }
    if q >= 10 {
        start -= 2;
        buf[start..start + 2].copy_from_slice(pair(q));
    } else {
        start -= 1;
        buf[start] = b'0' + q as u8;
    }
    if neg {
        start -= 1;
        buf[start] = b'-';
    }
    let mut end = POINT;
    let frac = k % 1_000_000;
    if frac != 0 {
        // Six digits with their leading zeros, then the trailing zeros trimmed.
        buf[POINT] = b'.';
        buf[POINT + 1..POINT + 3].copy_from_slice(pair(frac / 10_000));
        buf[POINT + 3..POINT + 5].copy_from_slice(pair(frac / 100 % 100));
        buf[POINT + 5..POINT + 7].copy_from_slice(pair(frac % 100));
        end = POINT + 7;
        while buf[end - 1] == b'0' {
            end -= 1;
        }
    }
    push_ascii(o, &buf, start, end);
}

/// Two decimal digits of `n` (below 100).
#[inline(always)]
fn pair(n: u64) -> &'static [u8] {
    const DIGITS: &[u8; 200] = b"\
        0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let i = (n as usize) * 2;
    &DIGITS[i..i + 2]
}

/// Appends `buf[start..end]` (ASCII, at most 32 bytes, `start + 32 <= buf.len()`) with one
/// fixed 32-byte move into reserved room instead of a `memcpy` call of a few bytes.
#[inline(always)]
fn push_ascii(o: &mut String, buf: &[u8; 64], start: usize, end: usize) {
    assert!(start <= end && end - start <= 32 && start + 32 <= buf.len());
    o.reserve(32);
    // SAFETY: the bytes are ASCII digits, '-' and '.', so the string stays UTF-8; `reserve`
    // made room for 32 bytes past the length, and `start + 32 <= buf.len()` (asserted);
    // only `end - start <= 32` of them are kept.
    unsafe {
        let v = o.as_mut_vec();
        let len = v.len();
        std::ptr::copy_nonoverlapping(buf.as_ptr().add(start), v.as_mut_ptr().add(len), 32);
        v.set_len(len + (end - start));
    }
}

/// `x.round()` (half away from zero) for |x| < 2^52, without the libm call: the cast
/// truncates, and the fraction `x - trunc(x)` is exact.
#[inline(always)]
fn round_half_away(x: f64) -> i64 {
    let t = x as i64;
    let f = x - t as f64;
    t + i64::from(f >= 0.5) - i64::from(f <= -0.5)
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
        // Halves and their neighbours, where rounding half away from zero decides.
        for k in 0..100_000i64 {
            let x = (k * 104_729 % 50_000_000 - 25_000_000) as f64 + 0.5;
            for bits in [x.to_bits() - 1, x.to_bits(), x.to_bits() + 1] {
                let v = f64::from_bits(bits) / 1e6;
                assert_eq!(micro(v), reference(v), "{v:e}");
                let v = f64::from_bits(bits) * 1e-6;
                assert_eq!(micro(v), reference(v), "{v:e}");
            }
        }
        for v in [
            0.5e-6_f64.next_down(),
            -0.5e-6_f64.next_down(),
            0.5e-6,
            -0.5e-6,
            4.5e9,
            -4.5e9,
            4.503599627370495e9,
        ] {
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
