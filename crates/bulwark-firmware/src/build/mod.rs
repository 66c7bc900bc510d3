//! Building and signing images: an imgtool-compatible writer (the counterpart of the
//! verifier, for gateways, factory tools and the `bulwark image sign` command).
//!
//! [`ImageBuilder`] writes header, body, protected TLV area and unprotected TLV area into a
//! buffer the caller provides, exactly as `imgtool sign` (2.5.0) lays them out, without a heap.
//! Ed25519 is deterministic, so an Ed25519 image is byte-for-byte the one imgtool writes with
//! the same options; ECDSA signatures differ (imgtool's are randomized, the backend's may be
//! RFC 6979) but the layout is the same.

use core::marker::PhantomData;

use bulwark_api::{
    Error,
    encoding::spki_der,
    sig::{AlgorithmId, EcdsaP256, Ed25519, Sign},
};

mod algorithm;
mod error;

pub use algorithm::SignAlgorithm;
pub use error::BuildError;

use crate::{
    HashAlg, ImageDigest, ImageVersion,
    format::{
        HEADER_LEN, IMAGE_MAGIC, MAX_SIG_LEN, TLV_INFO_MAGIC, TLV_PROT_INFO_MAGIC, TlvWriter,
        parse, spki_len, tlv,
    },
    hash::{HashSupport, Sha256Only, Sha256OrSha512, digest_parts},
    storage::SliceSource,
};
/// imgtool's `DEFAULT_MAX_SECTORS`: the swap status area has room for this many sectors.
pub const TRAILER_MAX_SECTORS: usize = 128;
/// The alignments (`--align`, the flash write size) imgtool accepts.
pub const VALID_ALIGNMENTS: [u8; 6] = [1, 2, 4, 8, 16, 32];

/// How the image names its signing key (`imgtool sign --public-key-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum PublicKeyFormat {
    /// KEYHASH TLV: the image hash algorithm over the key's SubjectPublicKeyInfo DER
    /// (imgtool's default).
    #[default]
    Hash,
    /// PUBKEY TLV: the key's SubjectPublicKeyInfo DER itself.
    Full,
}

/// The size of the trailer MCUboot keeps at the end of a slot for swap upgrades, for flash
/// write size `align`: imgtool's `_trailer_size` with the default 128 sectors, no encryption
/// and `max_align = max(8, align)`. `None` if `align` is not one of [`VALID_ALIGNMENTS`].
pub const fn trailer_size(align: u8) -> Option<usize> {
    if !matches!(align, 1 | 2 | 4 | 8 | 16 | 32) {
        return None;
    }
    let align = align as usize;
    let max_align = if align > 8 { align } else { 8 };
    let magic = 16usize.div_ceil(max_align) * max_align;
    Some(TRAILER_MAX_SECTORS * 3 * align + max_align * 4 + magic)
}

/// Writes signed MCUboot images, with imgtool's meanings and defaults: build one with
/// [`ImageBuilder::new`], adjust it with the `const` builder methods, then call
/// [`ImageBuilder::sign_ed25519`] or [`ImageBuilder::sign_ecdsa_p256`].
///
/// `H` is [`Sha256Only`] (SHA-256 images, the default) or [`Sha256OrSha512`] (after
/// [`ImageBuilder::with_sha512`]: SHA-512 images, Ed25519 only, `imgtool sign --sha 512`).
#[derive(Debug)]
pub struct ImageBuilder<H = Sha256Only> {
    version: ImageVersion,
    header_size: u16,
    pad_header: bool,
    security_counter: Option<u32>,
    public_key_format: PublicKeyFormat,
    align: u8,
    slot_size: u32,
    hash: HashAlg,
    _marker: PhantomData<fn() -> H>,
}

impl<H> Clone for ImageBuilder<H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<H> Copy for ImageBuilder<H> {}

impl ImageBuilder<Sha256Only> {
    /// A builder for images of `version` with imgtool's defaults: a 32-byte header
    /// (`--header-size 32`, the minimum) that the payload already makes room for (no
    /// `--pad-header`), no security counter, the key as a KEYHASH, `--align 1`, no slot-size
    /// check (`--slot-size 0`), SHA-256.
    pub const fn new(version: ImageVersion) -> Self {
        Self {
            version,
            header_size: HEADER_LEN as u16,
            pad_header: false,
            security_counter: None,
            public_key_format: PublicKeyFormat::Hash,
            align: 1,
            slot_size: 0,
            hash: HashAlg::Sha256,
            _marker: PhantomData,
        }
    }

    /// The same builder, writing SHA-512 images (`imgtool sign --sha 512`: SHA512 TLV and a
    /// 64-byte KEYHASH). Ed25519 only; the backend then also needs [`crate::Sha512`].
    pub const fn with_sha512(self) -> ImageBuilder<Sha256OrSha512> {
        ImageBuilder {
            version: self.version,
            header_size: self.header_size,
            pad_header: self.pad_header,
            security_counter: self.security_counter,
            public_key_format: self.public_key_format,
            align: self.align,
            slot_size: self.slot_size,
            hash: HashAlg::Sha512,
            _marker: PhantomData,
        }
    }
}

/// The sizes of one image.
#[derive(Clone, Copy, Debug)]
struct Plan {
    hdr: usize,
    body: usize,
    prot: usize,
    hashed: usize,
}

impl<H> ImageBuilder<H> {
    /// The header size (`--header-size`): at least 32; the body starts there.
    pub const fn header_size(mut self, size: u16) -> Self {
        self.header_size = size;
        self
    }

    /// `--pad-header`: the payload is the bare body, and the builder puts the 32-byte header
    /// and `0xFF` padding up to the header size in front of it. Without it, the payload's
    /// first `header_size` bytes are room for the header and must be zero.
    pub const fn pad_header(mut self, pad: bool) -> Self {
        self.pad_header = pad;
        self
    }

    /// The security counter for the protected TLV area (`--security-counter`); `None` writes
    /// no protected area. [`ImageVersion::packed`] is imgtool's `auto`.
    pub const fn security_counter(mut self, counter: Option<u32>) -> Self {
        self.security_counter = counter;
        self
    }

    /// How the key is named (`--public-key-format`).
    pub const fn public_key_format(mut self, format: PublicKeyFormat) -> Self {
        self.public_key_format = format;
        self
    }

    /// The flash write size (`--align`: 1, 2, 4, 8, 16 or 32); it only sizes the trailer for
    /// the slot-size check, as in imgtool.
    pub const fn align(mut self, align: u8) -> Self {
        self.align = align;
        self
    }

    /// The slot size (`--slot-size`): the image plus the trailer ([`trailer_size`]) must fit;
    /// 0 checks nothing (as imgtool).
    pub const fn slot_size(mut self, size: u32) -> Self {
        self.slot_size = size;
        self
    }

    /// The hash algorithm of the images this builder writes.
    pub const fn hash_alg(&self) -> HashAlg {
        self.hash
    }

    fn plan(&self, payload_len: usize) -> Result<Plan, BuildError> {
        let hdr = usize::from(self.header_size);
        if hdr < HEADER_LEN {
            return Err(BuildError::HeaderTooSmall);
        }
        if trailer_size(self.align).is_none() {
            return Err(BuildError::InvalidAlignment);
        }
        let body = if self.pad_header {
            payload_len
        } else {
            payload_len
                .checked_sub(hdr)
                .ok_or(BuildError::PayloadTooShort)?
        };
        let prot = if self.security_counter.is_some() {
            4 + 4 + 4
        } else {
            0
        };
        let hashed = hdr
            .checked_add(body)
            .and_then(|n| n.checked_add(prot))
            .ok_or(BuildError::TooLarge)?;
        // Leave room for the unprotected area within the format's 32-bit offsets.
        if u32::try_from(hashed + 512).is_err() {
            return Err(BuildError::TooLarge);
        }
        Ok(Plan {
            hdr,
            body,
            prot,
            hashed,
        })
    }

    fn unprotected_len(&self, algorithm: AlgorithmId, sig_len: usize) -> usize {
        let key_len = match self.public_key_format {
            PublicKeyFormat::Hash => self.hash.digest_len(),
            PublicKeyFormat::Full => spki_len(algorithm),
        };
        4 + (4 + self.hash.digest_len()) + (4 + key_len) + (4 + sig_len)
    }

    /// The largest image [`ImageBuilder::sign_ed25519`] / [`ImageBuilder::sign_ecdsa_p256`]
    /// can write for a payload of `payload_len` bytes (exact for Ed25519; for ECDSA the DER
    /// signature may be up to 2 bytes shorter): the output buffer size to provide.
    pub fn max_image_len(
        &self,
        algorithm: AlgorithmId,
        payload_len: usize,
    ) -> Result<usize, BuildError> {
        let plan = self.plan(payload_len)?;
        let sig = match algorithm {
            AlgorithmId::Ed25519 => 64,
            AlgorithmId::EcdsaP256 => MAX_SIG_LEN,
        };
        Ok(plan.hashed + self.unprotected_len(algorithm, sig))
    }

    /// Builds an Ed25519 image (signature over the image digest, as imgtool does without
    /// `--pure`) of `payload` into `out`; returns the image length. See
    /// [`ImageBuilder::sign_with`].
    pub fn sign_ed25519<P>(
        &self,
        backend: &mut P,
        key: &<P as Sign<Ed25519>>::SigningKey,
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<usize, BuildError>
    where
        P: Sign<Ed25519> + ?Sized,
        H: HashSupport<P>,
    {
        self.sign_with::<P, Ed25519>(backend, key, payload, out)
    }

    /// Builds an ECDSA P-256 image (ECDSA-SHA256 over the hashed region, DER) of `payload`
    /// into `out`; returns the image length. SHA-256 only. See [`ImageBuilder::sign_with`].
    pub fn sign_ecdsa_p256<P>(
        &self,
        backend: &mut P,
        key: &<P as Sign<EcdsaP256>>::SigningKey,
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<usize, BuildError>
    where
        P: Sign<EcdsaP256> + ?Sized,
        H: HashSupport<P>,
    {
        self.sign_with::<P, EcdsaP256>(backend, key, payload, out)
    }

    /// Builds a signed image of `payload` into `out` and returns its length: the 32-byte
    /// header (padded with `0xFF` to the header size when [`ImageBuilder::pad_header`] is
    /// set), the body, the protected area (security counter, if any), then the unprotected
    /// area: hash, KEYHASH or PUBKEY, signature. The signature is checked with the key's own
    /// public key before the function returns, and the image is parsed again by the
    /// verifier's own parser ([`BuildError::SelfCheck`]).
    ///
    /// `out` must hold at least the image ([`BuildError::BufferTooSmall`] says how much); the
    /// bytes after the image are left as they were. On error, `out`'s contents are
    /// unspecified.
    pub fn sign_with<P, S>(
        &self,
        p: &mut P,
        key: &S::Key,
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<usize, BuildError>
    where
        P: ?Sized,
        S: SignAlgorithm<P>,
        H: HashSupport<P>,
    {
        if S::ID == AlgorithmId::EcdsaP256 && self.hash != HashAlg::Sha256 {
            return Err(BuildError::UnsupportedHash);
        }
        let plan = self.plan(payload.len())?;
        if !self.pad_header && payload.iter().take(plan.hdr).any(|&b| b != 0) {
            return Err(BuildError::HeaderNotErased);
        }
        let hashed_out = out
            .get_mut(..plan.hashed)
            .ok_or(BuildError::BufferTooSmall {
                needed: plan.hashed + self.unprotected_len(S::ID, 64),
            })?;

        // Header, body, protected area.
        let (head, rest) = hashed_out.split_at_mut(plan.hdr);
        let (body, prot) = rest.split_at_mut(plan.body);
        if self.pad_header {
            head.fill(0xFF);
            body.copy_from_slice(payload);
        } else {
            let (room, rest) = payload.split_at(plan.hdr);
            head.copy_from_slice(room);
            body.copy_from_slice(rest);
        }
        let header = self.header(&plan)?;
        head.get_mut(..HEADER_LEN)
            .ok_or(BuildError::HeaderTooSmall)?
            .copy_from_slice(&header);
        if let Some(counter) = self.security_counter {
            let mut w = TlvWriter::new(prot, BuildError::TooLarge);
            w.put_u16(TLV_PROT_INFO_MAGIC)?;
            w.put_u16(plan.prot as u16)?;
            w.put_tlv(tlv::SEC_CNT, &counter.to_le_bytes())?;
        }

        // Digest, key, signature.
        let region = out.get(..plan.hashed).ok_or(BuildError::TooLarge)?;
        let digest = digest_parts::<P, H>(p, self.hash, &[region]).map_err(image_error)?;
        let mut raw_key = [0u8; 65];
        let raw_len = S::public_key(p, key, &mut raw_key)?;
        let raw_key = raw_key.get(..raw_len).ok_or(BuildError::TooLarge)?;
        let spki = spki_der(S::ID, raw_key).map_err(BuildError::Backend)?;
        let key_hash = match self.public_key_format {
            PublicKeyFormat::Hash => {
                Some(digest_parts::<P, H>(p, self.hash, &[spki.as_ref()]).map_err(image_error)?)
            }
            PublicKeyFormat::Full => None,
        };
        let mut sig = [0u8; MAX_SIG_LEN];
        let sig_len = S::sign(p, key, digest.as_bytes(), region, &mut sig)?;
        let sig = sig.get(..sig_len).ok_or(BuildError::SelfCheck)?;

        // Unprotected area.
        let unprot = self.unprotected_len(S::ID, sig_len);
        let total = plan.hashed + unprot;
        if self.slot_size != 0 {
            let trailer = trailer_size(self.align).ok_or(BuildError::InvalidAlignment)?;
            if total + trailer > self.slot_size as usize {
                return Err(BuildError::SlotTooSmall {
                    image: total,
                    trailer,
                    slot: self.slot_size,
                });
            }
        }
        let area = out
            .get_mut(plan.hashed..total)
            .ok_or(BuildError::BufferTooSmall { needed: total })?;
        let mut w = TlvWriter::new(area, BuildError::TooLarge);
        w.put_u16(TLV_INFO_MAGIC)?;
        w.put_u16(u16::try_from(unprot).map_err(|_| BuildError::TooLarge)?)?;
        let hash_type = match digest {
            ImageDigest::Sha256(_) => tlv::SHA256,
            ImageDigest::Sha512(_) => tlv::SHA512,
        };
        w.put_tlv(hash_type, digest.as_bytes())?;
        match key_hash {
            Some(h) => w.put_tlv(tlv::KEYHASH, h.as_bytes())?,
            None => w.put_tlv(tlv::PUBKEY, spki.as_ref())?,
        }
        let sig_type = match S::ID {
            AlgorithmId::Ed25519 => tlv::ED25519,
            AlgorithmId::EcdsaP256 => tlv::ECDSA_SIG,
        };
        w.put_tlv(sig_type, sig)?;
        self.self_check(
            out.get(..total).ok_or(BuildError::TooLarge)?,
            &digest,
            S::ID,
        )?;
        Ok(total)
    }

    /// Parses the image just written with the verifier's parser: it must be well formed, with
    /// this builder's hash, the digest just computed and a signature of `algorithm`.
    fn self_check(
        &self,
        image: &[u8],
        digest: &ImageDigest,
        algorithm: AlgorithmId,
    ) -> Result<(), BuildError> {
        let layout = SliceSource::new(image)
            .and_then(|mut src| parse(&mut src))
            .map_err(|_| BuildError::SelfCheck)?;
        let same = layout.hash_alg == self.hash
            && layout.algorithm == algorithm
            && layout.expected_hash().ok() == Some(digest.as_bytes())
            && layout.security_counter == self.security_counter;
        if same {
            Ok(())
        } else {
            Err(BuildError::SelfCheck)
        }
    }

    fn header(&self, plan: &Plan) -> Result<[u8; HEADER_LEN], BuildError> {
        let img_size = u32::try_from(plan.body).map_err(|_| BuildError::TooLarge)?;
        let prot = u16::try_from(plan.prot).map_err(|_| BuildError::TooLarge)?;
        let mut h = [0u8; HEADER_LEN];
        let mut w = TlvWriter::new(&mut h, BuildError::TooLarge);
        w.put(&IMAGE_MAGIC.to_le_bytes())?;
        w.put(&0u32.to_le_bytes())?; // load address
        w.put_u16(self.header_size)?;
        w.put_u16(prot)?;
        w.put(&img_size.to_le_bytes())?;
        w.put(&0u32.to_le_bytes())?; // flags
        w.put(&[self.version.major, self.version.minor])?;
        w.put_u16(self.version.revision)?;
        w.put(&self.version.build.to_le_bytes())?;
        w.put(&0u32.to_le_bytes())?; // reserved
        Ok(h)
    }
}

fn image_error(e: crate::ImageError) -> BuildError {
    match e {
        crate::ImageError::Backend(e) => BuildError::Backend(e),
        crate::ImageError::UnsupportedHash => BuildError::UnsupportedHash,
        _ => BuildError::Backend(Error::InvalidInput),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailer_sizes_match_imgtool() {
        // imgtool: 128 * 3 * align + max_align * 4 + align_up(16, max_align).
        assert_eq!(trailer_size(1), Some(384 + 32 + 16));
        assert_eq!(trailer_size(4), Some(1536 + 32 + 16));
        assert_eq!(trailer_size(8), Some(3072 + 32 + 16));
        assert_eq!(trailer_size(16), Some(6144 + 64 + 16));
        assert_eq!(trailer_size(32), Some(12288 + 128 + 32));
        assert_eq!(trailer_size(3), None);
        assert_eq!(trailer_size(0), None);
        assert_eq!(trailer_size(64), None);
    }
}
