//! The on-flash record format (version 1). All integers little-endian except in the nonce.
//!
//! ```text
//! header (24 bytes, padded with 0xff to the write size, programmed first):
//!   0 magic 0xb7 | 1 kind | 2 name length | 3 0 | 4..6 value length | 6..8 0
//!   8..16 sequence number | 16..20 CRC-32 of bytes 0..16 | 20..24 0
//! body (programmed after the header):
//!   prev (8) | log start (8) | generation (4) | aux (4) | name | ciphertext | tag (16)
//!   padded with 0xff to the write size
//! ```
//!
//! The CRC only tells a readable header (its lengths) from a torn or damaged one; everything
//! is authenticated by the CCM tag: nonce = store id bytes 0..5 || sequence number (8 bytes,
//! big-endian); associated data = domain || store id || header bytes 0..16 || body fields ||
//! name.

/// Header bytes before padding.
pub const HEADER_RAW: usize = 24;
/// Fixed body fields before the name.
pub const FIXED: usize = 24;
/// CCM tag length.
pub const TAG: usize = 16;
/// CCM nonce length.
pub const NONCE: usize = 13;
/// Longest name.
pub const MAX_NAME: usize = 32;
/// Header magic.
pub const MAGIC: u8 = 0xb7;
/// Domain separation for the associated data.
pub const DOMAIN: &[u8] = b"bulwark-vault/v1";

/// What a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The first record of every page in use: its sequence number orders the pages.
    Open = 1,
    /// A name's value.
    Put = 2,
    /// A name's deletion (tombstone).
    Delete = 3,
    /// Compaction: the oldest page is about to be erased (its `log start` drops it).
    Drop = 4,
}

impl Kind {
    fn from_u8(k: u8) -> Option<Kind> {
        match k {
            1 => Some(Kind::Open),
            2 => Some(Kind::Put),
            3 => Some(Kind::Delete),
            4 => Some(Kind::Drop),
            _ => None,
        }
    }
}

/// A parsed header (not authenticated: only its CRC checked).
#[derive(Clone, Copy, Debug)]
pub struct Header {
    /// The record kind.
    pub kind: Kind,
    /// Name length (0..=32).
    pub name_len: usize,
    /// Value (ciphertext) length.
    pub value_len: usize,
    /// The sequence number (nonce counter).
    pub seq: u64,
}

/// The authenticated fields after the header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fixed {
    /// Sequence number of the valid record written just before this one.
    pub prev: u64,
    /// Sequence number of the `Open` record of the oldest page in use.
    pub log_start: u64,
    /// The name's version (1 for the first put, +1 per put or delete).
    pub generation: u32,
    /// `Open`: the page's index; otherwise 0.
    pub aux: u32,
}

impl Fixed {
    /// The encoded fields.
    pub fn encode(&self) -> [u8; FIXED] {
        let mut out = [0u8; FIXED];
        out[0..8].copy_from_slice(&self.prev.to_le_bytes());
        out[8..16].copy_from_slice(&self.log_start.to_le_bytes());
        out[16..20].copy_from_slice(&self.generation.to_le_bytes());
        out[20..24].copy_from_slice(&self.aux.to_le_bytes());
        out
    }

    /// Decodes the fields.
    pub fn decode(b: &[u8; FIXED]) -> Fixed {
        let u64_at = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i..i + 8]);
            u64::from_le_bytes(w)
        };
        let u32_at = |i: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&b[i..i + 4]);
            u32::from_le_bytes(w)
        };
        Fixed {
            prev: u64_at(0),
            log_start: u64_at(8),
            generation: u32_at(16),
            aux: u32_at(20),
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected), bitwise: headers are 16 bytes.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xedb8_8320 & mask);
        }
    }
    !crc
}

impl Header {
    /// The 24 header bytes.
    pub fn encode(&self) -> [u8; HEADER_RAW] {
        let mut out = [0u8; HEADER_RAW];
        out[0] = MAGIC;
        out[1] = self.kind as u8;
        out[2] = self.name_len as u8;
        out[4..6].copy_from_slice(&(self.value_len as u16).to_le_bytes());
        out[8..16].copy_from_slice(&self.seq.to_le_bytes());
        let crc = crc32(&out[0..16]);
        out[16..20].copy_from_slice(&crc.to_le_bytes());
        out
    }

    /// Parses a header; `None` if it is not a readable one (bad magic, kind, CRC or lengths).
    pub fn decode(b: &[u8; HEADER_RAW]) -> Option<Header> {
        if b[0] != MAGIC || b[3] != 0 || b[6] != 0 || b[7] != 0 || b[20..24] != [0; 4] {
            return None;
        }
        let mut crc = [0u8; 4];
        crc.copy_from_slice(&b[16..20]);
        if u32::from_le_bytes(crc) != crc32(&b[0..16]) {
            return None;
        }
        let kind = Kind::from_u8(b[1])?;
        let name_len = usize::from(b[2]);
        let value_len = usize::from(u16::from_le_bytes([b[4], b[5]]));
        if name_len > MAX_NAME {
            return None;
        }
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&b[8..16]);
        Some(Header {
            kind,
            name_len,
            value_len,
            seq: u64::from_le_bytes(seq),
        })
    }

    /// The 16 header bytes that are authenticated.
    pub fn aad_bytes(&self) -> [u8; 16] {
        let e = self.encode();
        let mut out = [0u8; 16];
        out.copy_from_slice(&e[0..16]);
        out
    }
}

/// `x` rounded up to a multiple of `align` (a power of two).
pub const fn align_up(x: usize, align: usize) -> usize {
    (x + align - 1) & !(align - 1)
}

/// The header's length on flash for write size `w`.
pub const fn header_len(w: usize) -> usize {
    align_up(HEADER_RAW, w)
}

/// A record's length on flash for write size `w`.
pub const fn record_len(w: usize, name_len: usize, value_len: usize) -> usize {
    header_len(w) + align_up(FIXED + name_len + value_len + TAG, w)
}

/// The CCM nonce of sequence number `seq` in store `id`.
pub fn nonce(id: &[u8; 16], seq: u64) -> [u8; NONCE] {
    let mut n = [0u8; NONCE];
    n[..5].copy_from_slice(&id[..5]);
    n[5..].copy_from_slice(&seq.to_be_bytes());
    n
}
