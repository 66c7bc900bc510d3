//! The minimal CBOR (RFC 8949) reader and writer the records need: unsigned and negative
//! integers, byte and text strings, arrays, maps and tags, definite lengths only.
//!
//! The reader is strict: indefinite lengths, reserved additional information, floats and
//! simple values are refused, and so are heads that are not in their shortest form (the
//! preferred serialization every deterministic encoder writes), so one value has one encoding.
//! Map key order is the caller's business (any order is read; duplicates are refused by the
//! record parsers).

/// A CBOR input that is not what the record format allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed;

impl core::fmt::Display for Malformed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("malformed record")
    }
}

impl core::error::Error for Malformed {}

/// Major types.
pub(crate) const UINT: u8 = 0;
pub(crate) const NINT: u8 = 1;
pub(crate) const BSTR: u8 = 2;
pub(crate) const TSTR: u8 = 3;
pub(crate) const ARRAY: u8 = 4;
pub(crate) const MAP: u8 = 5;
pub(crate) const TAG: u8 = 6;

/// A strict reader over a byte slice.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) const fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn byte(&mut self) -> Result<u8, Malformed> {
        let b = *self.buf.get(self.pos).ok_or(Malformed)?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], Malformed> {
        let n = usize::try_from(n).map_err(|_| Malformed)?;
        let end = self.pos.checked_add(n).ok_or(Malformed)?;
        let out = self.buf.get(self.pos..end).ok_or(Malformed)?;
        self.pos = end;
        Ok(out)
    }

    /// The bytes not read yet.
    pub(crate) fn unread(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// Reads a head: the major type and its argument, in shortest form.
    fn head(&mut self) -> Result<(u8, u64), Malformed> {
        let initial = self.byte()?;
        let major = initial >> 5;
        let info = initial & 0x1f;
        let (arg, min) = match info {
            0..=23 => (u64::from(info), 0),
            24 => (u64::from(self.byte()?), 24),
            25 => (be(self.take(2)?), 0x100),
            26 => (be(self.take(4)?), 0x1_0000),
            27 => (be(self.take(8)?), 0x1_0000_0000),
            // 28..30 reserved, 31 indefinite length (or "break").
            _ => return Err(Malformed),
        };
        if arg < min || major == 7 {
            return Err(Malformed);
        }
        Ok((major, arg))
    }

    /// Reads a head of major type `major`.
    fn expect(&mut self, major: u8) -> Result<u64, Malformed> {
        match self.head()? {
            (m, arg) if m == major => Ok(arg),
            _ => Err(Malformed),
        }
    }

    /// An unsigned integer.
    pub(crate) fn uint(&mut self) -> Result<u64, Malformed> {
        self.expect(UINT)
    }

    /// An integer of either sign that fits an `i64`.
    pub(crate) fn int(&mut self) -> Result<i64, Malformed> {
        let (major, arg) = self.head()?;
        let arg = i64::try_from(arg).map_err(|_| Malformed)?;
        match major {
            UINT => Ok(arg),
            NINT => Ok(-1 - arg),
            _ => Err(Malformed),
        }
    }

    /// A byte string.
    pub(crate) fn bstr(&mut self) -> Result<&'a [u8], Malformed> {
        let len = self.expect(BSTR)?;
        self.take(len)
    }

    /// A byte string of exactly `N` bytes.
    pub(crate) fn bstr_n<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        self.bstr()?.try_into().map_err(|_| Malformed)
    }

    /// A text string (valid UTF-8).
    pub(crate) fn tstr(&mut self) -> Result<&'a str, Malformed> {
        let len = self.expect(TSTR)?;
        core::str::from_utf8(self.take(len)?).map_err(|_| Malformed)
    }

    /// The head of an array or map: its number of items (entries for a map), each of which
    /// takes at least one byte (two for a map entry), so an absurd count is refused here.
    pub(crate) fn array(&mut self) -> Result<usize, Malformed> {
        let n = usize::try_from(self.expect(ARRAY)?).map_err(|_| Malformed)?;
        if n > self.unread() {
            return Err(Malformed);
        }
        Ok(n)
    }

    /// The head of a map: its number of entries.
    pub(crate) fn map(&mut self) -> Result<usize, Malformed> {
        let n = usize::try_from(self.expect(MAP)?).map_err(|_| Malformed)?;
        if n.saturating_mul(2) > self.unread() {
            return Err(Malformed);
        }
        Ok(n)
    }

    /// A tag number.
    pub(crate) fn tag(&mut self) -> Result<u64, Malformed> {
        self.expect(TAG)
    }

    /// Succeeds only if every byte was read (no trailing bytes).
    pub(crate) fn finish(&self) -> Result<(), Malformed> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(Malformed)
        }
    }
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |acc, &b| (acc << 8) | u64::from(b))
}

/// The output buffer was too small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

/// A writer of deterministic (shortest-form) CBOR into a caller's buffer.
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// The number of bytes written.
    pub(crate) fn len(&self) -> usize {
        self.pos
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        let end = self.pos.checked_add(bytes.len()).ok_or(Overflow)?;
        self.buf
            .get_mut(self.pos..end)
            .ok_or(Overflow)?
            .copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    pub(crate) fn head(&mut self, major: u8, arg: u64) -> Result<(), Overflow> {
        let m = major << 5;
        if arg < 24 {
            self.raw(&[m | arg as u8])
        } else if arg <= 0xff {
            self.raw(&[m | 24, arg as u8])
        } else if arg <= 0xffff {
            self.raw(&[m | 25])?;
            self.raw(&(arg as u16).to_be_bytes())
        } else if arg <= 0xffff_ffff {
            self.raw(&[m | 26])?;
            self.raw(&(arg as u32).to_be_bytes())
        } else {
            self.raw(&[m | 27])?;
            self.raw(&arg.to_be_bytes())
        }
    }

    pub(crate) fn int(&mut self, v: i64) -> Result<(), Overflow> {
        if v >= 0 {
            self.head(UINT, v.unsigned_abs())
        } else {
            // -1 - v, computed without overflow for i64::MIN.
            self.head(NINT, (-1 - v).unsigned_abs())
        }
    }

    pub(crate) fn bstr(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        self.head(BSTR, bytes.len() as u64)?;
        self.raw(bytes)
    }

    pub(crate) fn tstr(&mut self, text: &str) -> Result<(), Overflow> {
        self.head(TSTR, text.len() as u64)?;
        self.raw(text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_form_only() {
        assert_eq!(Reader::new(&[0x17]).uint(), Ok(23));
        assert_eq!(Reader::new(&[0x18, 0x18]).uint(), Ok(24));
        assert_eq!(Reader::new(&[0x18, 0x17]).uint(), Err(Malformed));
        assert_eq!(Reader::new(&[0x19, 0x00, 0xff]).uint(), Err(Malformed));
        assert_eq!(
            Reader::new(&[0x1a, 0, 0, 0xff, 0xff]).uint(),
            Err(Malformed)
        );
        assert_eq!(
            Reader::new(&[0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]).uint(),
            Err(Malformed)
        );
        assert_eq!(Reader::new(&[0x3a, 0, 1, 0, 0]).int(), Ok(-65537));
        assert_eq!(Reader::new(&[0x5f, 0x41, 0, 0xff]).bstr(), Err(Malformed));
        assert_eq!(Reader::new(&[0x9f, 0xff]).array(), Err(Malformed));
        assert_eq!(Reader::new(&[0xf5]).uint(), Err(Malformed));
        assert_eq!(Reader::new(&[0x62, 0xff, 0xfe]).tstr(), Err(Malformed));
        assert_eq!(Reader::new(&[0x84, 0]).array(), Err(Malformed));
    }

    #[test]
    fn writer_is_shortest() -> Result<(), Overflow> {
        let mut buf = [0u8; 64];
        let mut w = Writer::new(&mut buf);
        for v in [
            0i64,
            23,
            24,
            255,
            256,
            65535,
            65536,
            -1,
            -24,
            -25,
            -65537,
            i64::MIN,
        ] {
            w.int(v)?;
        }
        let n = w.len();
        let mut r = Reader::new(&buf[..n]);
        for v in [0i64, 23, 24, 255, 256, 65535, 65536, -1, -24, -25, -65537] {
            assert_eq!(r.int(), Ok(v));
        }
        assert_eq!(r.int(), Ok(i64::MIN));
        // -2^64 does not fit an i64.
        assert_eq!(
            Reader::new(&[0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).int(),
            Err(Malformed)
        );
        Ok(())
    }
}
