//! The buffer an event log's rows are written into. A year of horgos-2025 is millions of
//! rows of a dozen short fields, so the cost is in the copying: each piece of text is kept
//! padded to whole 16-byte blocks and copied block by block into a buffer that always has
//! room for one more row, instead of growing a `Vec` one field at a time (a capacity check
//! and a call to memcpy per field). Bytes past a piece's end land in the buffer's slack and
//! are overwritten by the next piece.

/// Bytes per block.
const BLOCK: usize = 16;
/// Bytes every piece of text has at least, padding included: a piece this long or shorter
/// (most are) is copied with one fixed-size move.
pub const MIN_PADDED: usize = 64;

/// Text copied in whole blocks: its bytes, padded with zeros to a multiple of [`BLOCK`],
/// and to at least [`MIN_PADDED`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    bytes: Box<[u8]>,
    len: usize,
}

impl Text {
    /// Pads `s`.
    pub fn new(s: &[u8]) -> Self {
        let mut bytes = s.to_vec();
        bytes.resize((s.len().div_ceil(BLOCK) * BLOCK).max(MIN_PADDED), 0);
        Self {
            bytes: bytes.into_boxed_slice(),
            len: s.len(),
        }
    }

    /// Its length with padding: what a copy may touch.
    pub fn padded(&self) -> usize {
        self.bytes.len()
    }

    /// The text itself.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Alignment of a [`Block`]'s bytes and of its size: what direct disk writes need.
pub const ALIGN: usize = 4096;

/// Memory for rows whose bytes start on an [`ALIGN`] boundary, so that the disk can take
/// them as they are (see `disk.rs`).
#[derive(Debug, Default)]
pub struct Block {
    mem: Vec<u8>,
    /// Where the aligned bytes start in `mem`.
    start: usize,
}

impl Block {
    /// At least `size` bytes, zeroed, rounded up to a multiple of [`ALIGN`].
    pub fn new(size: usize) -> Self {
        let size = size.div_ceil(ALIGN) * ALIGN;
        let mem = vec![0; size + ALIGN];
        let start = mem.as_ptr().align_offset(ALIGN).min(ALIGN);
        Self { mem, start }
    }

    /// Its usable size.
    pub fn size(&self) -> usize {
        self.mem.len().saturating_sub(ALIGN)
    }

    /// True when the bytes do start on an [`ALIGN`] boundary (always, for memory that
    /// `Vec` hands out; the disk copies them otherwise).
    pub fn aligned(&self) -> bool {
        self.bytes().as_ptr().align_offset(ALIGN) == 0
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.mem[self.start..self.start + self.size()]
    }

    /// The bytes, to fill.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        let size = self.size();
        &mut self.mem[self.start..self.start + size]
    }
}

/// Rows being gathered for one write into a [`Block`]: its first `len()` bytes are
/// gathered, and there is always room for a row of up to `slack` bytes (padding included)
/// after them until [`Line::full`].
#[derive(Debug)]
pub struct Line {
    /// The block's memory; positions below are indices into it.
    buf: Vec<u8>,
    start: usize,
    pos: usize,
    /// Where a write is due: a row that starts before it fits.
    limit: usize,
}

impl Line {
    /// A block that is written out after about `size` bytes, with room for rows of up to
    /// `slack` bytes.
    pub fn new(size: usize, slack: usize) -> Self {
        Self::reuse(Block::new(size + slack), slack, 0)
    }

    /// Gathers into `block`, whose first `kept` bytes are already rows, for rows of up to
    /// `slack` bytes.
    pub fn reuse(block: Block, slack: usize, kept: usize) -> Self {
        let limit = block.start + block.size().saturating_sub(slack);
        Self {
            pos: block.start + kept,
            start: block.start,
            buf: block.mem,
            limit,
        }
    }

    /// True once a write is due.
    #[inline(always)]
    pub fn full(&self) -> bool {
        self.pos >= self.limit
    }

    /// Bytes gathered.
    pub fn len(&self) -> usize {
        self.pos - self.start
    }

    /// True when nothing was gathered.
    pub fn is_empty(&self) -> bool {
        self.pos == self.start
    }

    /// Hands the block over with the number of bytes gathered in it.
    pub fn into_inner(self) -> (Block, usize) {
        let len = self.len();
        (
            Block {
                mem: self.buf,
                start: self.start,
            },
            len,
        )
    }

    /// Copies `text` in whole blocks.
    #[inline(always)]
    pub fn text(&mut self, text: &Text) {
        self.blocks(&text.bytes, text.len);
    }

    /// Copies the first `len` bytes of `padded`, which is at least [`MIN_PADDED`] long
    /// and a multiple of [`BLOCK`] at least `len`: the first [`MIN_PADDED`] bytes in one
    /// move, the rest block by block.
    #[inline(always)]
    pub fn blocks(&mut self, padded: &[u8], len: usize) {
        let (head, rest) = padded.split_at(MIN_PADDED);
        let dst = &mut self.buf[self.pos..];
        dst[..MIN_PADDED].copy_from_slice(head);
        if len > MIN_PADDED {
            let dst = &mut dst[MIN_PADDED..MIN_PADDED + rest.len()];
            for (d, s) in dst.chunks_exact_mut(BLOCK).zip(rest.chunks_exact(BLOCK)) {
                d.copy_from_slice(s);
            }
        }
        self.pos += len;
    }

    /// One byte.
    #[inline(always)]
    pub fn byte(&mut self, b: u8) {
        self.buf[self.pos] = b;
        self.pos += 1;
    }

    /// `n` in decimal: one or two digits written directly (lane and driver numbers mostly
    /// are), longer ones through `itoa`.
    #[inline(always)]
    pub fn int(&mut self, n: u32) {
        if n < 10 {
            self.byte(b'0' + n as u8);
        } else if n < 100 {
            self.buf[self.pos] = b'0' + (n / 10) as u8;
            self.buf[self.pos + 1] = b'0' + (n % 10) as u8;
            self.pos += 2;
        } else {
            self.bytes(itoa::Buffer::new().format(n).as_bytes());
        }
    }

    /// Copies `s` (any length that fits the slack).
    #[inline(always)]
    pub fn bytes(&mut self, s: &[u8]) {
        self.buf[self.pos..self.pos + s.len()].copy_from_slice(s);
        self.pos += s.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_follow_each_other_whatever_their_padding() {
        let mut line = Line::new(64, 512);
        let (a, b) = (Text::new(b"horgos,"), Text::new(b"a-stage-name-longer-than-a-block,"));
        let c = Text::new(&[b'x'; 70]);
        assert_eq!((a.padded(), b.padded(), c.padded()), (64, 64, 80));
        line.text(&a);
        line.text(&b);
        line.text(&c);
        line.byte(b',');
        for n in [0, 7, 10, 99, 100, 4_294_967_295] {
            line.int(n);
            line.byte(b',');
        }
        line.bytes(b"end\n");
        let (block, len) = line.into_inner();
        assert!(block.aligned() && block.size() % ALIGN == 0);
        assert_eq!(
            std::str::from_utf8(&block.bytes()[..len]).unwrap(),
            format!(
                "horgos,a-stage-name-longer-than-a-block,{},0,7,10,99,100,4294967295,end\n",
                "x".repeat(70)
            )
        );
    }

    #[test]
    fn a_write_is_due_once_the_slack_is_reached() {
        let slack = ALIGN - 20;
        let mut line = Line::new(20, slack);
        assert!(line.is_empty() && !line.full());
        line.bytes(&[b'x'; 19]);
        assert!(!line.full());
        line.byte(b'\n');
        assert!(line.full());
        assert_eq!(line.len(), 20);
        let (mut block, _) = line.into_inner();
        block.bytes_mut()[..3].copy_from_slice(b"abc");
        let line = Line::reuse(block, slack, 3);
        assert_eq!(line.len(), 3);
    }
}
