//! Parquet's value encodings that the event log uses: bit packing inside the RLE/bit-packed
//! hybrid (dictionary indices and definition levels), and DELTA_BINARY_PACKED for integers
//! that change little from row to row (times in order, serials, lanes).

use super::thrift::{uleb, zigzag};

/// Bits needed for `max`, at least 1 (readers differ on width 0).
pub fn width(max: u64) -> u8 {
    (64 - max.leading_zeros()).max(1) as u8
}

/// Packs values least significant bit first, as Parquet's bit packing does.
struct Packer<'a> {
    out: &'a mut [u8; 72],
    len: usize,
    acc: u128,
    bits: u32,
}

impl<'a> Packer<'a> {
    fn new(out: &'a mut [u8; 72]) -> Self {
        Self {
            out,
            len: 0,
            acc: 0,
            bits: 0,
        }
    }

    #[inline(always)]
    fn put(&mut self, v: u64, w: u8) {
        self.acc |= u128::from(v) << self.bits;
        self.bits += u32::from(w);
        if self.bits >= 64 {
            self.out[self.len..self.len + 8].copy_from_slice(&(self.acc as u64).to_le_bytes());
            self.len += 8;
            self.acc >>= 64;
            self.bits -= 64;
        }
    }

    /// Writes the last partial bytes; the bytes written.
    fn finish(self) -> usize {
        let bytes = self.bits.div_ceil(8) as usize;
        self.out[self.len..self.len + bytes].copy_from_slice(&self.acc.to_le_bytes()[..bytes]);
        self.len + bytes
    }
}

/// Eight values at `w` bits take exactly `w` bytes. Up to 16 bits a group is built in two
/// 64-bit words of four values each (callgrind, horgos-2025: a bit at a time through
/// [`Packer`] cost 16 instructions a value, and eight 128-bit shifts 8; this about 3),
/// written into `out[at..at + 16]`; wider values go through the packer into a buffer on
/// the stack.
#[inline(always)]
fn pack8(out: &mut [u8], at: usize, group: &[u64; 8], w: u8) {
    let wd = u32::from(w);
    if w <= 16 {
        let (mut lo, mut hi) = (0u64, 0u64);
        for i in 0..4 {
            lo |= group[i] << (i as u32 * wd);
            hi |= group[i + 4] << (i as u32 * wd);
        }
        let both = u128::from(lo) | (u128::from(hi) << (4 * wd));
        out[at..at + 16].copy_from_slice(&both.to_le_bytes());
    } else {
        let mut bytes = [0u8; 72];
        let mut p = Packer::new(&mut bytes);
        for &v in group {
            p.put(v, w);
        }
        let len = p.finish();
        out[at..at + len].copy_from_slice(&bytes[..len]);
    }
}

/// Bit-packs the `n` values `value(0..n)` in groups of eight, the last padded with zeros:
/// the values are taken straight from the columns, with no list of them in between.
#[inline(always)]
fn pack_with(out: &mut Vec<u8>, n: usize, w: u8, value: impl Fn(usize) -> u64) {
    let groups = n.div_ceil(8);
    let mut at = out.len();
    // Room for each group's 16-byte store; cut back to the packed length after.
    out.resize(at + groups * usize::from(w) + 16, 0);
    let whole = n / 8;
    if w == 1 {
        // Definition levels and two-word dictionaries: eight values make one byte.
        for g in 0..whole {
            let mut byte = 0u64;
            for k in 0..8 {
                byte |= value(g * 8 + k) << k;
            }
            out[at] = byte as u8;
            at += 1;
        }
    } else {
        for g in 0..whole {
            let group: [u64; 8] = std::array::from_fn(|k| value(g * 8 + k));
            pack8(out, at, &group, w);
            at += usize::from(w);
        }
    }
    if !n.is_multiple_of(8) {
        let group: [u64; 8] = std::array::from_fn(|k| if whole * 8 + k < n { value(whole * 8 + k) } else { 0 });
        pack8(out, at, &group, w);
        at += usize::from(w);
    }
    out.truncate(at);
}

/// Bit-packs `values` in groups of eight, the last padded with zeros.
#[inline(always)]
fn pack(out: &mut Vec<u8>, values: &[u64], w: u8) {
    pack_with(out, values.len(), w, |i| values[i]);
}

/// `values` in the RLE/bit-packed hybrid at `w` bits: one bit-packed run of groups of
/// eight, the last group padded with zeros (readers stop at the page's value count).
#[cfg(test)]
pub fn hybrid(out: &mut Vec<u8>, values: &[u32], w: u8) {
    hybrid_with(out, values.len(), w, |i| u64::from(values[i]));
}

/// The `n` values `value(0..n)` in the RLE/bit-packed hybrid at `w` bits, as [`hybrid`].
#[inline(always)]
pub fn hybrid_with(out: &mut Vec<u8>, n: usize, w: u8, value: impl Fn(usize) -> u64) {
    if n == 0 {
        return;
    }
    uleb(out, ((n.div_ceil(8) as u64) << 1) | 1);
    pack_with(out, n, w, value);
}

/// Definition levels of an optional column (1 present, 0 null), as a data page v1 holds
/// them: a 4-byte length, then the hybrid at width 1.
#[cfg(test)]
pub fn levels(out: &mut Vec<u8>, present: &[u32]) {
    levels_with(out, present.len(), |i| present[i] != 0);
}

/// Definition levels of the `n` rows `present(0..n)`, as [`levels`].
#[inline(always)]
pub fn levels_with(out: &mut Vec<u8>, n: usize, present: impl Fn(usize) -> bool) {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    hybrid_with(out, n, 1, |i| u64::from(present(i)));
    let len = (out.len() - at - 4) as u32;
    out[at..at + 4].copy_from_slice(&len.to_le_bytes());
}

/// Values per block and miniblocks per block of DELTA_BINARY_PACKED.
const BLOCK: usize = 128;
const MINIBLOCKS: usize = 4;
const MINI: usize = BLOCK / MINIBLOCKS;

/// `n` copies of `v` in DELTA_BINARY_PACKED, without the values: every difference is 0, so
/// each block is its smallest difference and four zero widths.
pub fn delta_constant(out: &mut Vec<u8>, v: i64, n: usize) {
    uleb(out, BLOCK as u64);
    uleb(out, MINIBLOCKS as u64);
    uleb(out, n as u64);
    uleb(out, zigzag(v));
    let blocks = n.saturating_sub(1).div_ceil(BLOCK);
    out.resize(out.len() + blocks * (1 + MINIBLOCKS), 0);
}

/// `values` in DELTA_BINARY_PACKED: the first value, then blocks of 128 differences, each
/// stored as its smallest difference and four miniblocks bit-packed at their own width.
#[cfg(test)]
pub fn delta(out: &mut Vec<u8>, values: &[i64]) {
    delta_with(out, values.len(), |i| values[i]);
}

/// The `n` values `value(0..n)` in DELTA_BINARY_PACKED, as [`delta`], each value taken once.
#[inline(always)]
pub fn delta_with(out: &mut Vec<u8>, n: usize, value: impl Fn(usize) -> i64) {
    uleb(out, BLOCK as u64);
    uleb(out, MINIBLOCKS as u64);
    uleb(out, n as u64);
    let mut last = if n == 0 { 0 } else { value(0) };
    uleb(out, zigzag(last));
    let differences = n.saturating_sub(1);
    let mut deltas = [0i64; BLOCK];
    for start in (0..differences).step_by(BLOCK) {
        let k = BLOCK.min(differences - start);
        let mut min = i64::MAX;
        for (i, d) in deltas[..k].iter_mut().enumerate() {
            let v = value(start + i + 1);
            *d = v.wrapping_sub(last);
            last = v;
            min = min.min(*d);
        }
        uleb(out, zigzag(min));
        // Past the last difference the block holds zeros, which pack as the padding.
        let mut rel = [0u64; BLOCK];
        let mut widths = [0u8; MINIBLOCKS];
        for (m, wd) in widths.iter_mut().enumerate() {
            let mut any = 0u64;
            for i in m * MINI..((m + 1) * MINI).min(k) {
                rel[i] = deltas[i].wrapping_sub(min) as u64;
                any |= rel[i];
            }
            // The width of the largest is the width of their bitwise or.
            *wd = if any == 0 { 0 } else { width(any) };
        }
        out.extend_from_slice(&widths);
        for (m, &w) in widths.iter().enumerate() {
            let first = m * MINI;
            if first >= k {
                break;
            }
            if w > 0 {
                pack(out, &rel[first..first + MINI], w);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_packing_is_least_significant_bit_first() {
        // The example of Parquet's Encodings.md: 0..7 at 3 bits.
        let mut out = Vec::new();
        hybrid(&mut out, &[0, 1, 2, 3, 4, 5, 6, 7], 3);
        assert_eq!(out, [0x03, 0b1000_1000, 0b1100_0110, 0b1111_1010]);
        let mut out = Vec::new();
        hybrid(&mut out, &[1, 0, 1], 1);
        assert_eq!(out, [0x03, 0b101]);
        let mut out = Vec::new();
        levels(&mut out, &[1; 9]);
        assert_eq!(out, [3, 0, 0, 0, 0x05, 0xff, 0x01]);
    }

    #[test]
    fn widths_never_zero() {
        assert_eq!((width(0), width(1), width(2), width(255), width(256)), (1, 1, 2, 8, 9));
        assert_eq!(width(u64::MAX), 64);
    }

    /// A reader of DELTA_BINARY_PACKED written from the specification, to check the writer.
    fn undelta(mut b: &[u8]) -> Vec<i64> {
        fn varint(b: &mut &[u8]) -> u64 {
            let (mut v, mut s) = (0u64, 0);
            loop {
                let x = b[0];
                *b = &b[1..];
                v |= u64::from(x & 0x7f) << s;
                s += 7;
                if x < 0x80 {
                    return v;
                }
            }
        }
        let unzig = |v: u64| ((v >> 1) as i64) ^ -((v & 1) as i64);
        let (block, minis, total) = (varint(&mut b), varint(&mut b), varint(&mut b) as usize);
        let mut last = unzig(varint(&mut b));
        let mut out = vec![last];
        let per = (block / minis) as usize;
        while out.len() < total {
            let min = unzig(varint(&mut b));
            let widths: Vec<u8> = b[..minis as usize].to_vec();
            b = &b[minis as usize..];
            let mut bits = 0usize;
            for &w in &widths {
                if out.len() >= total {
                    break;
                }
                for i in 0..per {
                    let mut v = 0u64;
                    for k in 0..usize::from(w) {
                        let bit = bits + i * usize::from(w) + k;
                        v |= u64::from((b[bit / 8] >> (bit % 8)) & 1) << k;
                    }
                    if out.len() < total {
                        last = last.wrapping_add(min.wrapping_add(v as i64));
                        out.push(last);
                    }
                }
                bits += per * usize::from(w);
            }
            b = &b[bits.div_ceil(8)..];
        }
        out
    }

    #[test]
    fn delta_round_trips_through_a_reader_of_the_specification() {
        let cases: Vec<Vec<i64>> = vec![
            vec![7],
            vec![1, 2, 3, 4, 5],
            (0..1000).map(|i| (i * 37 % 101) - 50).collect(),
            (0..300).map(|i| i * 1_000_000_007).collect(),
            vec![i64::MIN, i64::MAX, 0, -1, 1, i64::MAX],
            (0..129).collect(),
            (0..257).map(|i| 5 - i).collect(),
        ];
        for values in cases {
            let mut out = Vec::new();
            delta(&mut out, &values);
            assert_eq!(undelta(&out), values);
        }
        // Constant runs cost the header and five bytes a block, with or without the values.
        let mut out = Vec::new();
        delta(&mut out, &[3; 1000]);
        assert!(out.len() < 100, "{}", out.len());
        for n in [1, 2, 128, 129, 1000] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            delta(&mut a, &vec![-4; n]);
            delta_constant(&mut b, -4, n);
            assert_eq!(a, b, "{n}");
        }
    }
}
