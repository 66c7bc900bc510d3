//! TLV areas: the one TLV reader ([`TlvCursor`], used by [`parse`]) and writer
//! ([`TlvWriter`], used by the image builder), and the structural parse of a whole image.

use bulwark_api::sig::AlgorithmId;

use super::{
    Dependency, HEADER_LEN, Header, ImageVersion, MAX_DEPENDENCIES, TLV_INFO_MAGIC,
    TLV_PROT_INFO_MAGIC, tlv,
};
use crate::{
    HashAlg, ImageError,
    storage::{SliceSource, Source},
};

/// The longest ECDSA P-256 DER signature (two 33-byte integers with headers).
pub(crate) const MAX_SIG_LEN: usize = bulwark_api::sig::ECDSA_P256_DER_MAX_LEN;
/// The shortest DER `SEQUENCE { INTEGER, INTEGER }` with one-byte integers.
const MIN_ECDSA_SIG_LEN: usize = 8;
/// The longest protected area this verifier accepts: its 4-byte info header, one security
/// counter (4 + 4 bytes) and [`MAX_DEPENDENCIES`] dependencies (4 + 12 bytes each). The area
/// is copied to RAM, parsed there and hashed from there.
pub(crate) const MAX_PROTECTED_LEN: usize = 4 + (4 + 4) + MAX_DEPENDENCIES * (4 + 12);
/// The RAM copy of the protected area: the longest accepted area plus one entry header, so
/// that a longer area's refusal is found in the copy too (see [`parse_protected`]).
pub(crate) const PROTECTED_COPY_LEN: usize = MAX_PROTECTED_LEN + 4;

/// One TLV entry: its type, and where its value lies in the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tlv {
    pub kind: u16,
    pub offset: u32,
    pub len: u16,
}

impl Tlv {
    /// The value, which must be exactly `N` bytes ([`ImageError::BadTlvLength`]).
    fn read_exact<Src: Source, const N: usize>(
        &self,
        src: &mut Src,
    ) -> Result<[u8; N], ImageError> {
        if usize::from(self.len) != N {
            return Err(ImageError::BadTlvLength);
        }
        let mut out = [0u8; N];
        src.read(self.offset, &mut out)?;
        Ok(out)
    }

    /// The value into the start of `out` (the caller checked the length).
    fn read_into<Src: Source>(&self, src: &mut Src, out: &mut [u8]) -> Result<(), ImageError> {
        let dst = out
            .get_mut(..usize::from(self.len))
            .ok_or(ImageError::BadTlvLength)?;
        src.read(self.offset, dst)
    }
}

/// The TLV entries of one area `[at, end)`, read through a [`Source`]: the entries must tile
/// the area exactly ([`ImageError::TlvTruncated`]). A cursor rather than an `Iterator`, so
/// that the caller can read each value from the same source between steps.
pub(crate) struct TlvCursor {
    at: u32,
    end: u32,
}

impl TlvCursor {
    pub(crate) fn new(start: u32, end: u32) -> Self {
        Self { at: start, end }
    }

    /// The next entry, or `None` at the end of the area.
    pub(crate) fn next<Src: Source>(&mut self, src: &mut Src) -> Result<Option<Tlv>, ImageError> {
        if self.at >= self.end {
            return Ok(None);
        }
        let value = self.at.checked_add(4).ok_or(ImageError::TlvTruncated)?;
        if value > self.end {
            return Err(ImageError::TlvTruncated);
        }
        let (kind, len) = read_u16_pair(src, self.at)?;
        let next = value
            .checked_add(u32::from(len))
            .ok_or(ImageError::TlvTruncated)?;
        if next > self.end {
            return Err(ImageError::TlvTruncated);
        }
        self.at = next;
        Ok(Some(Tlv {
            kind,
            offset: value,
            len,
        }))
    }
}

fn read_u16_pair<Src: Source>(src: &mut Src, at: u32) -> Result<(u16, u16), ImageError> {
    let mut b = [0u8; 4];
    src.read(at, &mut b)?;
    Ok((
        u16::from_le_bytes([b[0], b[1]]),
        u16::from_le_bytes([b[2], b[3]]),
    ))
}

/// A bounds-checked little-endian writer of headers and TLV areas; overflowing the buffer is
/// `overflow`.
pub(crate) struct TlvWriter<'a, E: Copy> {
    buf: &'a mut [u8],
    at: usize,
    overflow: E,
}

impl<'a, E: Copy> TlvWriter<'a, E> {
    pub(crate) fn new(buf: &'a mut [u8], overflow: E) -> Self {
        Self {
            buf,
            at: 0,
            overflow,
        }
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<(), E> {
        let end = self.at + bytes.len();
        self.buf
            .get_mut(self.at..end)
            .ok_or(self.overflow)?
            .copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }

    pub(crate) fn put_u16(&mut self, v: u16) -> Result<(), E> {
        self.put(&v.to_le_bytes())
    }

    /// One entry: type, length, value.
    pub(crate) fn put_tlv(&mut self, kind: u16, value: &[u8]) -> Result<(), E> {
        self.put_u16(kind)?;
        self.put_u16(u16::try_from(value.len()).map_err(|_| self.overflow)?)?;
        self.put(value)
    }
}

/// How the image names its signing key.
#[derive(Clone, Copy, Debug)]
pub(crate) enum KeyTlv {
    /// KEYHASH: the image's hash algorithm over the key's SubjectPublicKeyInfo.
    Hash { bytes: [u8; 64], len: usize },
    /// PUBKEY: the SubjectPublicKeyInfo itself, at `offset`.
    Full { offset: u32, len: u32 },
}

/// Everything the structural pass learns. This, the chunk buffer and the hash state are the
/// streaming verifier's RAM.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    pub header: Header,
    /// The fixed header as read (once) from flash: what `header` was parsed from, and what is
    /// hashed.
    pub header_raw: [u8; HEADER_LEN],
    /// Start of the protected area (header + body).
    pub prot_off: u32,
    /// The protected area as read (once) from flash, `header.prot_size` bytes: what the
    /// security counter and dependencies were parsed from, and what is hashed.
    pub protected: [u8; PROTECTED_COPY_LEN],
    /// Header + body + protected area: the hashed (and, pure, signed) region.
    pub hashed_len: u32,
    pub security_counter: Option<u32>,
    pub dependencies: [Dependency; MAX_DEPENDENCIES],
    pub dependency_count: u8,
    pub hash_alg: HashAlg,
    pub hash: [u8; 64],
    pub key: KeyTlv,
    pub algorithm: AlgorithmId,
    /// The signature TLV's value: 64 bytes (Ed25519) or DER (ECDSA).
    pub sig: [u8; MAX_SIG_LEN],
    pub sig_len: usize,
    pub pure: bool,
}

impl Layout {
    /// The hash TLV's value.
    pub(crate) fn expected_hash(&self) -> Result<&[u8], ImageError> {
        self.hash
            .get(..self.hash_alg.digest_len())
            .ok_or(ImageError::BadTlvLength)
    }

    /// The signature TLV's value.
    pub(crate) fn signature(&self) -> Result<&[u8], ImageError> {
        self.sig.get(..self.sig_len).ok_or(ImageError::BadTlvLength)
    }

    /// The protected area's bytes (empty without one).
    pub(crate) fn protected_area(&self) -> Result<&[u8], ImageError> {
        self.protected
            .get(..usize::from(self.header.prot_size))
            .ok_or(ImageError::ProtectedSizeMismatch)
    }
}

/// What a protected area holds.
struct Protected {
    security_counter: Option<u32>,
    dependencies: [Dependency; MAX_DEPENDENCIES],
    dependency_count: u8,
}

impl Protected {
    /// No protected area: no counter, no dependencies.
    const EMPTY: Protected = Protected {
        security_counter: None,
        dependencies: [Dependency {
            image_id: 0,
            min_version: ImageVersion::new(0, 0, 0, 0),
        }; MAX_DEPENDENCIES],
        dependency_count: 0,
    };
}

/// Parses a protected area of `size` bytes (`size >= 4`, the header's value) from its RAM
/// copy, which holds its first `min(size, PROTECTED_COPY_LEN)` bytes.
///
/// The copy is enough to find every refusal of a longer area: accepted entries (one counter,
/// at most [`MAX_DEPENDENCIES`] dependencies) end by byte [`MAX_PROTECTED_LEN`], and the entry
/// after them is refused from its 4-byte header alone (a second counter, a dependency of the
/// wrong length or one too many, an unknown type, or a header crossing the area's end), before
/// its value would be read.
fn parse_protected(copy: &[u8], size: u16) -> Result<Protected, ImageError> {
    let src = &mut SliceSource::new(copy)?;
    let mut out = Protected::EMPTY;
    let (magic, total) = read_u16_pair(src, 0)?;
    if magic != TLV_PROT_INFO_MAGIC {
        return Err(ImageError::BadTlvInfoMagic);
    }
    if total != size {
        return Err(ImageError::ProtectedSizeMismatch);
    }
    let mut tlvs = TlvCursor::new(4, u32::from(size));
    while let Some(t) = tlvs.next(src)? {
        match t.kind {
            tlv::SEC_CNT => {
                if out.security_counter.is_some() {
                    return Err(ImageError::DuplicateTlv);
                }
                out.security_counter = Some(u32::from_le_bytes(t.read_exact::<_, 4>(src)?));
            }
            tlv::DEPENDENCY => {
                // Length, then count, then the value (see above: a refused entry's value is
                // never read).
                if t.len != 12 {
                    return Err(ImageError::BadTlvLength);
                }
                let slot = out
                    .dependencies
                    .get_mut(usize::from(out.dependency_count))
                    .ok_or(ImageError::TooManyDependencies)?;
                *slot = Dependency::from_le(&t.read_exact::<_, 12>(src)?);
                out.dependency_count += 1;
            }
            _ => return Err(ImageError::UnknownProtectedTlv),
        }
    }
    Ok(out)
}

/// Parses an image's structure (header and both TLV areas, every offset checked against the
/// slot), without any cryptography: the rules of the crate README's "Structural rules".
pub(crate) fn parse<Src: Source>(src: &mut Src) -> Result<Layout, ImageError> {
    let slot = src.len();
    if usize::try_from(slot).unwrap_or(usize::MAX) < HEADER_LEN {
        return Err(ImageError::BadMagic);
    }
    let mut raw = [0u8; HEADER_LEN];
    src.read(0, &mut raw)?;
    let header = Header::from_bytes(&raw)?;

    // Offsets, all checked against the slot.
    let prot_off = u32::from(header.hdr_size)
        .checked_add(header.img_size)
        .ok_or(ImageError::ImageOutOfBounds)?;
    let tlv_off = prot_off
        .checked_add(u32::from(header.prot_size))
        .ok_or(ImageError::ImageOutOfBounds)?;
    if tlv_off > slot {
        return Err(ImageError::ImageOutOfBounds);
    }

    // Protected area: declared size 0 (absent) or >= 4 and equal to the area's own total.
    // It is read from the slot once, into RAM, and parsed and later hashed from that copy, so
    // the values the verdict reports are the bytes that were hashed.
    let mut protected = [0u8; PROTECTED_COPY_LEN];
    let parsed = if header.prot_size == 0 {
        Protected::EMPTY
    } else if header.prot_size < 4 {
        return Err(ImageError::ProtectedSizeMismatch);
    } else {
        let n = usize::from(header.prot_size).min(PROTECTED_COPY_LEN);
        let copy = protected
            .get_mut(..n)
            .ok_or(ImageError::ProtectedSizeMismatch)?;
        src.read(prot_off, copy)?;
        let parsed = parse_protected(copy, header.prot_size)?;
        // Accepted entries cannot fill more (parse_protected's note).
        if usize::from(header.prot_size) > MAX_PROTECTED_LEN {
            return Err(ImageError::TooManyDependencies);
        }
        parsed
    };

    // Unprotected area.
    if tlv_off.checked_add(4).is_none_or(|end| end > slot) {
        return Err(ImageError::TlvAreaOutOfBounds);
    }
    let (magic, total) = read_u16_pair(src, tlv_off)?;
    if magic == TLV_PROT_INFO_MAGIC && header.prot_size == 0 {
        return Err(ImageError::ProtectedSizeMismatch);
    }
    if magic != TLV_INFO_MAGIC {
        return Err(ImageError::BadTlvInfoMagic);
    }
    if total < 4 {
        return Err(ImageError::TlvTruncated);
    }
    let tlv_end = tlv_off
        .checked_add(u32::from(total))
        .ok_or(ImageError::TlvAreaOutOfBounds)?;
    if tlv_end > slot {
        return Err(ImageError::TlvAreaOutOfBounds);
    }

    let mut hash: Option<(HashAlg, [u8; 64])> = None;
    let mut key: Option<Tlv> = None;
    let mut sig: Option<(AlgorithmId, [u8; MAX_SIG_LEN], usize)> = None;
    let mut pure: Option<bool> = None;
    let mut tlvs = TlvCursor::new(tlv_off + 4, tlv_end);
    while let Some(t) = tlvs.next(src)? {
        let len = usize::from(t.len);
        match t.kind {
            tlv::SHA256 | tlv::SHA512 => {
                if hash.is_some() {
                    return Err(ImageError::DuplicateTlv);
                }
                let alg = if t.kind == tlv::SHA256 {
                    HashAlg::Sha256
                } else {
                    HashAlg::Sha512
                };
                if len != alg.digest_len() {
                    return Err(ImageError::BadTlvLength);
                }
                let mut b = [0u8; 64];
                t.read_into(src, &mut b)?;
                hash = Some((alg, b));
            }
            tlv::KEYHASH | tlv::PUBKEY => {
                if key.is_some() {
                    return Err(ImageError::DuplicateTlv);
                }
                key = Some(t);
            }
            tlv::ED25519 | tlv::ECDSA_SIG => {
                if sig.is_some() {
                    return Err(ImageError::DuplicateTlv);
                }
                // Ed25519: 64 bytes. ECDSA: DER only (as MCUboot and imgtool write it), decoded
                // strictly when the signature is checked.
                let (algorithm, ok) = if t.kind == tlv::ED25519 {
                    (AlgorithmId::Ed25519, len == 64)
                } else {
                    (
                        AlgorithmId::EcdsaP256,
                        (MIN_ECDSA_SIG_LEN..=MAX_SIG_LEN).contains(&len),
                    )
                };
                if !ok {
                    return Err(ImageError::BadTlvLength);
                }
                let mut b = [0u8; MAX_SIG_LEN];
                t.read_into(src, &mut b)?;
                sig = Some((algorithm, b, len));
            }
            tlv::SIG_PURE => {
                if pure.is_some() {
                    return Err(ImageError::DuplicateTlv);
                }
                let [v] = t.read_exact::<_, 1>(src)?;
                if v != 1 {
                    return Err(ImageError::BadTlvValue);
                }
                pure = Some(true);
            }
            tlv::DEPENDENCY
            | tlv::SEC_CNT
            | tlv::BOOT_RECORD
            | tlv::DECOMP_SIZE..=tlv::UUID_CID => return Err(ImageError::MisplacedTlv),
            tlv::VENDOR_MIN..=tlv::VENDOR_MAX => {}
            _ => return Err(ImageError::UnsupportedTlv),
        }
    }

    let (hash_alg, hash) = hash.ok_or(ImageError::MissingHash)?;
    let key = key.ok_or(ImageError::MissingKey)?;
    let (algorithm, sig, sig_len) = sig.ok_or(ImageError::MissingSignature)?;
    let pure = pure.unwrap_or(false);
    if pure && algorithm != AlgorithmId::Ed25519 {
        return Err(ImageError::UnsupportedTlv);
    }
    let key = if key.kind == tlv::KEYHASH {
        // Exactly as long as the image hash, compared in full (MCUboot compares only as many
        // bytes as the TLV holds; imgtool verify ignores it).
        if usize::from(key.len) != hash_alg.digest_len() {
            return Err(ImageError::BadTlvLength);
        }
        let mut bytes = [0u8; 64];
        key.read_into(src, &mut bytes)?;
        KeyTlv::Hash {
            bytes,
            len: hash_alg.digest_len(),
        }
    } else {
        if usize::from(key.len) != spki_len(algorithm) {
            return Err(ImageError::BadTlvLength);
        }
        KeyTlv::Full {
            offset: key.offset,
            len: u32::from(key.len),
        }
    };

    Ok(Layout {
        header,
        header_raw: raw,
        prot_off,
        protected,
        hashed_len: tlv_off,
        security_counter: parsed.security_counter,
        dependencies: parsed.dependencies,
        dependency_count: parsed.dependency_count,
        hash_alg,
        hash,
        key,
        algorithm,
        sig,
        sig_len,
        pure,
    })
}

/// The length of an algorithm's SubjectPublicKeyInfo DER (the PUBKEY TLV): 44 (Ed25519) or
/// 91 (P-256, uncompressed point).
pub const fn spki_len(algorithm: AlgorithmId) -> usize {
    match algorithm {
        AlgorithmId::Ed25519 => 44,
        AlgorithmId::EcdsaP256 => 91,
    }
}
