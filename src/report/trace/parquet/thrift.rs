//! Thrift's compact protocol, the encoding of Parquet's page headers and footer: only the
//! writing half, and only the types Parquet's metadata uses. Hand-written because the
//! metadata is a few structs, while the `parquet` crate would bring some 70 crates.

/// Compact-protocol type codes.
pub mod kind {
    /// A 32-bit integer.
    pub const I32: u8 = 5;
    /// A 64-bit integer.
    pub const I64: u8 = 6;
    /// Bytes or a string.
    pub const BINARY: u8 = 8;
    /// A list.
    pub const LIST: u8 = 9;
    /// A struct (or a union).
    pub const STRUCT: u8 = 12;
}

/// Bytes being written, with the last field id of each open struct (fields are written as
/// the difference from the previous one).
#[derive(Debug, Default)]
pub struct Thrift {
    /// What has been written.
    pub out: Vec<u8>,
    last: Vec<i16>,
    top: i16,
}

/// Unsigned LEB128, the varint of Thrift and of Parquet's encodings.
pub fn uleb(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Zigzag: small negative numbers become small unsigned ones.
pub fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

impl Thrift {
    fn header(&mut self, id: i16, kind: u8) {
        let delta = id - self.top;
        if (1..=15).contains(&delta) {
            self.out.push(((delta as u8) << 4) | kind);
        } else {
            self.out.push(kind);
            uleb(&mut self.out, zigzag(i64::from(id)));
        }
        self.top = id;
    }

    /// Field `id`, a 32-bit integer.
    pub fn i32(&mut self, id: i16, v: i32) -> &mut Self {
        self.header(id, kind::I32);
        uleb(&mut self.out, zigzag(i64::from(v)));
        self
    }

    /// Field `id`, a 64-bit integer.
    pub fn i64(&mut self, id: i16, v: i64) -> &mut Self {
        self.header(id, kind::I64);
        uleb(&mut self.out, zigzag(v));
        self
    }

    /// Field `id`, a boolean (its value is in the header).
    pub fn bool(&mut self, id: i16, v: bool) -> &mut Self {
        self.header(id, if v { 1 } else { 2 });
        self
    }

    /// Field `id`, a string.
    pub fn string(&mut self, id: i16, s: &str) -> &mut Self {
        self.header(id, kind::BINARY);
        uleb(&mut self.out, s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
        self
    }

    /// Opens field `id`, a struct; close it with [`Thrift::end`].
    pub fn begin(&mut self, id: i16) -> &mut Self {
        self.header(id, kind::STRUCT);
        self.open()
    }

    /// Opens a struct that is a list element.
    pub fn open(&mut self) -> &mut Self {
        self.last.push(self.top);
        self.top = 0;
        self
    }

    /// Closes the innermost struct.
    pub fn end(&mut self) -> &mut Self {
        self.out.push(0);
        self.top = self.last.pop().unwrap_or(0);
        self
    }

    /// Field `id`, a list of `n` elements of `elem` type, written next by the caller.
    pub fn list(&mut self, id: i16, elem: u8, n: usize) -> &mut Self {
        self.header(id, kind::LIST);
        if n < 15 {
            self.out.push(((n as u8) << 4) | elem);
        } else {
            self.out.push(0xf0 | elem);
            uleb(&mut self.out, n as u64);
        }
        self
    }

    /// A 32-bit list element.
    pub fn elem_i32(&mut self, v: i32) -> &mut Self {
        uleb(&mut self.out, zigzag(i64::from(v)));
        self
    }

    /// A string list element.
    pub fn elem_string(&mut self, s: &str) -> &mut Self {
        uleb(&mut self.out, s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
        self
    }

    /// Ends the outermost struct (a page header or the footer).
    pub fn finish(mut self) -> Vec<u8> {
        self.out.push(0);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_fields_as_the_compact_protocol_spells_them() {
        let mut v = Vec::new();
        uleb(&mut v, 300);
        assert_eq!(v, [0xac, 0x02]);
        assert_eq!((zigzag(0), zigzag(-1), zigzag(1), zigzag(-2)), (0, 1, 2, 3));
        let mut t = Thrift::default();
        t.i32(1, 3).i32(3, -1).i64(20, 5).bool(21, true);
        t.begin(22).string(1, "ab").end();
        t.list(23, kind::I32, 2).elem_i32(1).elem_i32(2);
        assert_eq!(
            t.finish(),
            [
                0x15, 6, // field 1 (delta 1), i32 3
                0x25, 1, // field 3 (delta 2), i32 -1
                0x06, 40, 10,   // field 20: delta 17 is too far, so the id follows
                0x11, // field 21, true
                0x1c, 0x18, 2, b'a', b'b', 0, // field 22, a struct with field 1 "ab"
                0x19, 0x25, 2, 4, // field 23, a list of two i32
                0,
            ]
        );
    }

    #[test]
    fn long_lists_carry_their_length_after_the_header() {
        let mut t = Thrift::default();
        t.list(1, kind::STRUCT, 20);
        assert_eq!(t.finish(), [0x19, 0xfc, 20, 0]);
    }
}
