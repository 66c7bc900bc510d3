//! The verifier.

use core::{hint::black_box, marker::PhantomData};

use bulwark_api::sig::{EcdsaP256, Ed25519};
use embedded_storage::ReadStorage;

use crate::{
    HashAlg, ImageDigest, ImageError, MonotonicCounter,
    fih::{self, Verdict},
    format::{
        Dependency, HEADER_LEN, Header, ImageVersion, MAX_DEPENDENCIES, TLV_INFO_MAGIC,
        TLV_PROT_INFO_MAGIC, tlv,
    },
    hash::{HashSupport, Sha256Only, Sha256OrSha512, digest_parts},
    scheme::{AnyScheme, SchemeSet, SignatureKind},
    storage::{FlashSource, SliceSource, Slot, Source, hash_range},
};

/// The longest ECDSA P-256 DER signature (two 33-byte integers with headers).
const MAX_SIG_LEN: usize = 72;
/// The shortest DER `SEQUENCE { INTEGER, INTEGER }` with one-byte integers.
const MIN_ECDSA_SIG_LEN: usize = 8;

/// An image that passed every check. Only [`Verifier::verify_flash`] and
/// [`Verifier::verify_slice`] can make one (the fields are private and there is no
/// constructor), so code that takes a `&VerifiedImage` cannot act on an unverified image.
#[derive(Debug)]
pub struct VerifiedImage {
    version: ImageVersion,
    flags: u32,
    load_addr: u32,
    hdr_size: u16,
    img_size: u32,
    pub(crate) security_counter: Option<u32>,
    digest: ImageDigest,
    key_id: [u8; 32],
    kind: SignatureKind,
    pure: bool,
    dependencies: [Dependency; MAX_DEPENDENCIES],
    dependency_count: u8,
    pub(crate) seal: Verdict,
}

impl VerifiedImage {
    /// The image version from the header.
    pub fn version(&self) -> ImageVersion {
        self.version
    }

    /// The security counter from the protected TLV area, if the image has one.
    pub fn security_counter(&self) -> Option<u32> {
        self.security_counter
    }

    /// The image digest (what the hash TLV held and the verifier recomputed).
    pub fn digest(&self) -> &ImageDigest {
        &self.digest
    }

    /// SHA-256 of the signing key's SubjectPublicKeyInfo DER: which trusted key signed it
    /// (MCUboot's key hash with SHA-256, whatever the image's own hash algorithm).
    pub fn key_id(&self) -> &[u8; 32] {
        &self.key_id
    }

    /// The signature scheme.
    pub fn signature_kind(&self) -> SignatureKind {
        self.kind
    }

    /// Whether the signature is a pure Ed25519 one (over the whole hashed region).
    pub fn is_pure(&self) -> bool {
        self.pure
    }

    /// The header flags (only [`crate::format::flags::ACCEPTED`] bits can be set).
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// The header's load address (meaningful with `RAM_LOAD` or `ROM_FIXED`).
    pub fn load_addr(&self) -> u32 {
        self.load_addr
    }

    /// The header size: the executable starts this many bytes into the slot.
    pub fn header_size(&self) -> u16 {
        self.hdr_size
    }

    /// The body size in bytes.
    pub fn image_size(&self) -> u32 {
        self.img_size
    }

    /// The dependencies from the protected TLV area, in image order. Checking them against
    /// the other images' versions is the caller's job.
    pub fn dependencies(&self) -> &[Dependency] {
        self.dependencies
            .get(..usize::from(self.dependency_count))
            .unwrap_or(&[])
    }
}

/// An image verifier: the trust anchors and the policy. Build one with
/// [`Verifier::ed25519`], [`Verifier::ecdsa_p256`] or [`Verifier::any`], then adjust it with
/// the `const` builder methods; it holds only references and is cheap to keep in a `static`.
///
/// `S` is the accepted scheme set ([`Ed25519`], [`EcdsaP256`] or [`AnyScheme`]) and decides
/// which traits the backend needs; `H` is [`Sha256Only`] (default) or [`Sha256OrSha512`].
#[derive(Debug)]
pub struct Verifier<'a, S, H = Sha256Only> {
    ed25519: &'a [[u8; 32]],
    ecdsa_p256: &'a [[u8; 65]],
    revoked: &'a [[u8; 32]],
    min_version: Option<ImageVersion>,
    require_security_counter: bool,
    _marker: PhantomData<fn() -> (S, H)>,
}

impl<S, H> Clone for Verifier<'_, S, H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, H> Copy for Verifier<'_, S, H> {}

const fn new_verifier<'a, S>(
    ed25519: &'a [[u8; 32]],
    ecdsa_p256: &'a [[u8; 65]],
) -> Verifier<'a, S, Sha256Only> {
    Verifier {
        ed25519,
        ecdsa_p256,
        revoked: &[],
        min_version: None,
        require_security_counter: true,
        _marker: PhantomData,
    }
}

impl<'a> Verifier<'a, Ed25519> {
    /// A verifier for Ed25519 images signed by one of `trusted` (raw 32-byte public keys).
    /// The backend needs `Sha256 + Verify<Ed25519>` ([`crate::Ed25519Suite`]).
    pub const fn ed25519(trusted: &'a [[u8; 32]]) -> Self {
        new_verifier(trusted, &[])
    }
}

impl<'a> Verifier<'a, EcdsaP256> {
    /// A verifier for ECDSA P-256 images signed by one of `trusted` (65-byte uncompressed SEC1
    /// public keys). The backend needs `Sha256 + VerifyPrehash<EcdsaP256>`
    /// ([`crate::EcdsaP256Suite`]).
    pub const fn ecdsa_p256(trusted: &'a [[u8; 65]]) -> Self {
        new_verifier(&[], trusted)
    }
}

impl<'a> Verifier<'a, AnyScheme> {
    /// A verifier for images of either scheme. The backend needs both
    /// ([`crate::FirmwareSuite`]).
    pub const fn any(ed25519: &'a [[u8; 32]], ecdsa_p256: &'a [[u8; 65]]) -> Self {
        new_verifier(ed25519, ecdsa_p256)
    }
}

impl<'a, S, H> Verifier<'a, S, H> {
    /// Refuses images signed by any key whose SHA-256 SubjectPublicKeyInfo hash (see
    /// [`VerifiedImage::key_id`]) is in `key_ids`, even if the key is also trusted
    /// ([`ImageError::KeyRevoked`]).
    pub const fn revoked(mut self, key_ids: &'a [[u8; 32]]) -> Self {
        self.revoked = key_ids;
        self
    }

    /// Refuses images whose `major.minor.revision` is below `min`'s
    /// ([`ImageError::Downgrade`]); the build number is ignored. This is in addition to the
    /// security counter.
    pub const fn min_version(mut self, min: ImageVersion) -> Self {
        self.min_version = Some(min);
        self
    }

    /// Accepts images without a security counter TLV, treating them as counter 0 (so they are
    /// refused once the device counter is above 0). By default such images are refused
    /// ([`ImageError::MissingSecurityCounter`]).
    pub const fn allow_missing_security_counter(mut self) -> Self {
        self.require_security_counter = false;
        self
    }

    /// The same verifier, also accepting SHA-512 images (`imgtool sign --sha 512`, and pure
    /// Ed25519 images). The backend then also needs the [`crate::Sha512`] trait.
    pub const fn with_sha512(self) -> Verifier<'a, S, Sha256OrSha512> {
        Verifier {
            ed25519: self.ed25519,
            ecdsa_p256: self.ecdsa_p256,
            revoked: self.revoked,
            min_version: self.min_version,
            require_security_counter: self.require_security_counter,
            _marker: PhantomData,
        }
    }

    /// Verifies the image in `slot` of `flash`, streaming it through `buf`.
    ///
    /// - `backend`: the crypto provider (see the scheme set `S` and hash set `H`).
    /// - `flash`: any `embedded-storage` reader; only reads are issued.
    /// - `slot`: the image's slot; everything in the image is bounds-checked against it.
    /// - `buf`: the chunk buffer for hashing, any non-empty length (larger is faster: each
    ///   chunk is one flash read and one hash update). It holds image bytes only.
    /// - `counter`: the device's anti-rollback counter; only read here.
    ///
    /// Returns the [`VerifiedImage`], or the first [`ImageError`] found. Pure Ed25519 images
    /// are refused with [`ImageError::PureNeedsSlice`].
    pub fn verify_flash<P, F, C>(
        &self,
        backend: &mut P,
        flash: &mut F,
        slot: Slot,
        buf: &mut [u8],
        counter: &mut C,
    ) -> Result<VerifiedImage, ImageError>
    where
        P: ?Sized,
        S: SchemeSet<P>,
        H: HashSupport<P>,
        F: ReadStorage + ?Sized,
        C: MonotonicCounter + ?Sized,
    {
        let mut src = FlashSource::new(flash, slot, buf)?;
        self.run(backend, &mut src, counter)
    }

    /// Verifies an image held in memory: `image` is the slot's contents (the image may be
    /// followed by padding or a trailer). Same checks and results as
    /// [`Verifier::verify_flash`]; pure Ed25519 images are accepted here.
    pub fn verify_slice<P, C>(
        &self,
        backend: &mut P,
        image: &[u8],
        counter: &mut C,
    ) -> Result<VerifiedImage, ImageError>
    where
        P: ?Sized,
        S: SchemeSet<P>,
        H: HashSupport<P>,
        C: MonotonicCounter + ?Sized,
    {
        let mut src = SliceSource::new(image)?;
        self.run(backend, &mut src, counter)
    }

    fn trusted(&self, kind: SignatureKind) -> TrustedKeys<'a> {
        match kind {
            SignatureKind::Ed25519 => TrustedKeys::Ed25519(self.ed25519),
            SignatureKind::EcdsaP256 => TrustedKeys::EcdsaP256(self.ecdsa_p256),
        }
    }

    fn run<P, Src, C>(
        &self,
        p: &mut P,
        src: &mut Src,
        counter: &mut C,
    ) -> Result<VerifiedImage, ImageError>
    where
        P: ?Sized,
        S: SchemeSet<P>,
        H: HashSupport<P>,
        Src: Source,
        C: MonotonicCounter + ?Sized,
    {
        // 1. Structure: header, both TLV areas, nothing read outside the slot.
        let layout = parse::<Src>(src)?;
        let hash_alg = layout.hash_alg;
        if !S::accepts(layout.kind) {
            return Err(ImageError::SchemeNotAccepted);
        }
        if hash_alg == HashAlg::Sha512 && !H::SHA512 {
            return Err(ImageError::UnsupportedHash);
        }
        if layout.pure && src.region(0, layout.hashed_len).is_none() {
            return Err(ImageError::PureNeedsSlice);
        }

        // 2. Policy: security counter (read only) and minimum version, before any crypto.
        let image_counter = match layout.security_counter {
            Some(c) => c,
            None if self.require_security_counter => {
                return Err(ImageError::MissingSecurityCounter);
            }
            None => 0,
        };
        let device_counter = counter.read().map_err(|_| ImageError::Counter)?;
        if image_counter < device_counter {
            return Err(ImageError::Rollback);
        }
        if let Some(min) = self.min_version
            && layout.header.version.packed() < min.packed()
        {
            return Err(ImageError::Downgrade);
        }

        // 3. Key: find the trusted key the image names; refuse revoked keys.
        let trusted = self.trusted(layout.kind);
        let index = match layout.key {
            KeyTlv::Hash { bytes, len } => {
                let wanted = bytes.get(..len).ok_or(ImageError::BadTlvLength)?;
                let mut found = None;
                for i in 0..trusted.len() {
                    let key = trusted.get(i).ok_or(ImageError::UnknownKey)?;
                    let h = digest_parts::<P, H>(p, hash_alg, &[layout.kind.spki_prefix(), key])?;
                    if found.is_none() && fih::ct_equal(h.as_bytes(), wanted).is_pass() {
                        found = Some(i);
                    }
                }
                found.ok_or(ImageError::UnknownKey)?
            }
            KeyTlv::Full { offset, len } => {
                let id = hash_range::<P, H, Src>(p, src, HashAlg::Sha256, offset, len)?;
                let mut found = None;
                for i in 0..trusted.len() {
                    let key = trusted.get(i).ok_or(ImageError::UnknownKey)?;
                    let h = digest_parts::<P, H>(
                        p,
                        HashAlg::Sha256,
                        &[layout.kind.spki_prefix(), key],
                    )?;
                    if found.is_none() && fih::ct_equal(h.as_bytes(), id.as_bytes()).is_pass() {
                        found = Some(i);
                    }
                }
                found.ok_or(ImageError::UnknownKey)?
            }
        };
        let key = trusted.get(index).ok_or(ImageError::UnknownKey)?;
        let key_id =
            match digest_parts::<P, H>(p, HashAlg::Sha256, &[layout.kind.spki_prefix(), key])? {
                ImageDigest::Sha256(d) => d,
                ImageDigest::Sha512(_) => return Err(ImageError::FaultDetected),
            };
        for revoked in self.revoked {
            if fih::xor_equal(revoked, &key_id) {
                return Err(ImageError::KeyRevoked);
            }
        }

        // 4. Hash the region [0, header + body + protected area) in chunks.
        let digest = hash_range::<P, H, Src>(p, src, hash_alg, 0, layout.hashed_len)?;
        let expected = layout
            .hash
            .get(..hash_alg.digest_len())
            .ok_or(ImageError::BadTlvLength)?;
        let hash_verdict = fih::ct_equal(digest.as_bytes(), expected);
        if !hash_verdict.is_pass() {
            return Err(ImageError::HashMismatch);
        }

        // 5. Signature: over the digest, or (pure) over the whole hashed region.
        let sig = layout
            .sig
            .get(..layout.sig_len)
            .ok_or(ImageError::BadTlvLength)?;
        let result = if layout.pure {
            let region = src
                .region(0, layout.hashed_len)
                .ok_or(ImageError::PureNeedsSlice)?;
            S::verify(p, layout.kind, key, region, sig)
        } else {
            S::verify(p, layout.kind, key, digest.as_bytes(), sig)
        };
        let sig_verdict = match result {
            Ok(()) => Verdict::PASS,
            Err(_) => Verdict::FAIL,
        };
        result?;
        if !sig_verdict.is_pass() {
            return Err(ImageError::Signature);
        }

        // 6. Redundant checks (fault-injection hardening): every verdict again, the digest
        //    compared a second time by other code, the counter compared again.
        let again = black_box(hash_verdict).is_pass()
            & black_box(sig_verdict).is_pass()
            & fih::xor_equal(digest.as_bytes(), expected)
            & (black_box(image_counter) >= black_box(device_counter));
        if !black_box(again) {
            return Err(ImageError::FaultDetected);
        }
        let seal = if again { sig_verdict } else { Verdict::FAIL };

        Ok(VerifiedImage {
            version: layout.header.version,
            flags: layout.header.flags,
            load_addr: layout.header.load_addr,
            hdr_size: layout.header.hdr_size,
            img_size: layout.header.img_size,
            security_counter: layout.security_counter,
            digest,
            key_id,
            kind: layout.kind,
            pure: layout.pure,
            dependencies: layout.dependencies,
            dependency_count: layout.dependency_count,
            seal,
        })
    }
}

#[derive(Clone, Copy)]
enum TrustedKeys<'a> {
    Ed25519(&'a [[u8; 32]]),
    EcdsaP256(&'a [[u8; 65]]),
}

impl<'a> TrustedKeys<'a> {
    fn len(&self) -> usize {
        match self {
            TrustedKeys::Ed25519(k) => k.len(),
            TrustedKeys::EcdsaP256(k) => k.len(),
        }
    }

    fn get(&self, i: usize) -> Option<&'a [u8]> {
        match self {
            TrustedKeys::Ed25519(k) => k.get(i).map(|k| &k[..]),
            TrustedKeys::EcdsaP256(k) => k.get(i).map(|k| &k[..]),
        }
    }
}

#[derive(Clone, Copy)]
enum KeyTlv {
    Hash { bytes: [u8; 64], len: usize },
    Full { offset: u32, len: u32 },
}

/// Everything the structural pass learns. This, the chunk buffer and the hash state are the
/// streaming verifier's RAM.
pub(crate) struct Layout {
    header: Header,
    /// Header + body + protected area: the hashed (and, pure, signed) region.
    hashed_len: u32,
    security_counter: Option<u32>,
    dependencies: [Dependency; MAX_DEPENDENCIES],
    dependency_count: u8,
    hash_alg: HashAlg,
    hash: [u8; 64],
    key: KeyTlv,
    kind: SignatureKind,
    sig: [u8; MAX_SIG_LEN],
    sig_len: usize,
    pure: bool,
}

/// The size of the verifier's parsed state, for RAM budgeting (the chunk buffer and the
/// backend's hash state come on top).
pub const LAYOUT_SIZE: usize = core::mem::size_of::<Layout>();

fn read_u16_pair<Src: Source>(src: &mut Src, at: u32) -> Result<(u16, u16), ImageError> {
    let mut b = [0u8; 4];
    src.read(at, &mut b)?;
    Ok((
        u16::from_le_bytes([b[0], b[1]]),
        u16::from_le_bytes([b[2], b[3]]),
    ))
}

/// Walks `[start, end)` as TLV entries, calling `f(type, value_offset, value_len)`.
fn walk<Src: Source>(
    src: &mut Src,
    start: u32,
    end: u32,
    mut f: impl FnMut(&mut Src, u16, u32, u16) -> Result<(), ImageError>,
) -> Result<(), ImageError> {
    let mut at = start;
    while at < end {
        let value = at.checked_add(4).ok_or(ImageError::TlvTruncated)?;
        if value > end {
            return Err(ImageError::TlvTruncated);
        }
        let (kind, len) = read_u16_pair(src, at)?;
        let next = value
            .checked_add(u32::from(len))
            .ok_or(ImageError::TlvTruncated)?;
        if next > end {
            return Err(ImageError::TlvTruncated);
        }
        f(src, kind, value, len)?;
        at = next;
    }
    Ok(())
}

fn read_exact<Src: Source, const N: usize>(
    src: &mut Src,
    at: u32,
    len: u16,
) -> Result<[u8; N], ImageError> {
    if usize::from(len) != N {
        return Err(ImageError::BadTlvLength);
    }
    let mut out = [0u8; N];
    src.read(at, &mut out)?;
    Ok(out)
}

fn parse<Src: Source>(src: &mut Src) -> Result<Layout, ImageError> {
    let slot = src.len();
    if usize::try_from(slot).unwrap_or(usize::MAX) < HEADER_LEN {
        return Err(ImageError::BadMagic);
    }
    let mut raw = [0u8; HEADER_LEN];
    src.read(0, &mut raw)?;
    let header = Header::parse(&raw)?;

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

    let mut security_counter = None;
    let mut dependencies = [Dependency {
        image_id: 0,
        min_version: ImageVersion::new(0, 0, 0, 0),
    }; MAX_DEPENDENCIES];
    let mut dependency_count = 0u8;

    // Protected area: declared size 0 (absent) or >= 4 and equal to the area's own total.
    if header.prot_size != 0 {
        if header.prot_size < 4 {
            return Err(ImageError::ProtectedSizeMismatch);
        }
        let (magic, total) = read_u16_pair(src, prot_off)?;
        if magic != TLV_PROT_INFO_MAGIC {
            return Err(ImageError::BadTlvInfoMagic);
        }
        if total != header.prot_size {
            return Err(ImageError::ProtectedSizeMismatch);
        }
        walk(src, prot_off + 4, tlv_off, |src, kind, at, len| {
            match kind {
                tlv::SEC_CNT => {
                    if security_counter.is_some() {
                        return Err(ImageError::DuplicateTlv);
                    }
                    let b = read_exact::<_, 4>(src, at, len)?;
                    security_counter = Some(u32::from_le_bytes(b));
                }
                tlv::DEPENDENCY => {
                    let b = read_exact::<_, 12>(src, at, len)?;
                    let slot = dependencies
                        .get_mut(usize::from(dependency_count))
                        .ok_or(ImageError::TooManyDependencies)?;
                    *slot = Dependency::parse(&b);
                    dependency_count += 1;
                }
                _ => return Err(ImageError::UnknownProtectedTlv),
            }
            Ok(())
        })?;
    }

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
    let mut key: Option<(u16, u32, u16)> = None;
    let mut sig: Option<(SignatureKind, [u8; MAX_SIG_LEN], usize)> = None;
    let mut pure = false;
    let mut pure_seen = false;
    walk(src, tlv_off + 4, tlv_end, |src, kind, at, len| {
        match kind {
            tlv::SHA256 | tlv::SHA512 => {
                if hash.is_some() {
                    return Err(ImageError::DuplicateTlv);
                }
                let alg = if kind == tlv::SHA256 {
                    HashAlg::Sha256
                } else {
                    HashAlg::Sha512
                };
                if usize::from(len) != alg.digest_len() {
                    return Err(ImageError::BadTlvLength);
                }
                let mut b = [0u8; 64];
                src.read(
                    at,
                    b.get_mut(..alg.digest_len())
                        .ok_or(ImageError::BadTlvLength)?,
                )?;
                hash = Some((alg, b));
            }
            tlv::KEYHASH | tlv::PUBKEY => {
                if key.is_some() {
                    return Err(ImageError::DuplicateTlv);
                }
                key = Some((kind, at, len));
            }
            tlv::ED25519 | tlv::ECDSA_SIG => {
                if sig.is_some() {
                    return Err(ImageError::DuplicateTlv);
                }
                let (k, ok) = if kind == tlv::ED25519 {
                    (SignatureKind::Ed25519, usize::from(len) == 64)
                } else {
                    (
                        SignatureKind::EcdsaP256,
                        (MIN_ECDSA_SIG_LEN..=MAX_SIG_LEN).contains(&usize::from(len)),
                    )
                };
                if !ok {
                    return Err(ImageError::BadTlvLength);
                }
                let mut b = [0u8; MAX_SIG_LEN];
                let n = usize::from(len);
                src.read(at, b.get_mut(..n).ok_or(ImageError::BadTlvLength)?)?;
                sig = Some((k, b, n));
            }
            tlv::SIG_PURE => {
                if pure_seen {
                    return Err(ImageError::DuplicateTlv);
                }
                pure_seen = true;
                let [v] = read_exact::<_, 1>(src, at, len)?;
                if v != 1 {
                    return Err(ImageError::BadTlvValue);
                }
                pure = true;
            }
            tlv::DEPENDENCY
            | tlv::SEC_CNT
            | tlv::BOOT_RECORD
            | tlv::DECOMP_SIZE..=tlv::UUID_CID => return Err(ImageError::MisplacedTlv),
            tlv::VENDOR_MIN..=tlv::VENDOR_MAX => {}
            _ => return Err(ImageError::UnsupportedTlv),
        }
        Ok(())
    })?;

    let (hash_alg, hash) = hash.ok_or(ImageError::MissingHash)?;
    let (key_type, key_at, key_len) = key.ok_or(ImageError::MissingKey)?;
    let (kind, sig, sig_len) = sig.ok_or(ImageError::MissingSignature)?;
    if pure && kind != SignatureKind::Ed25519 {
        return Err(ImageError::UnsupportedTlv);
    }
    let key = if key_type == tlv::KEYHASH {
        // Exactly as long as the image hash, compared in full (MCUboot compares only as many
        // bytes as the TLV holds; imgtool verify ignores it).
        if usize::from(key_len) != hash_alg.digest_len() {
            return Err(ImageError::BadTlvLength);
        }
        let mut bytes = [0u8; 64];
        src.read(
            key_at,
            bytes
                .get_mut(..hash_alg.digest_len())
                .ok_or(ImageError::BadTlvLength)?,
        )?;
        KeyTlv::Hash {
            bytes,
            len: hash_alg.digest_len(),
        }
    } else {
        if usize::from(key_len) != kind.spki_len() {
            return Err(ImageError::BadTlvLength);
        }
        KeyTlv::Full {
            offset: key_at,
            len: u32::from(key_len),
        }
    };

    Ok(Layout {
        header,
        hashed_len: tlv_off,
        security_counter,
        dependencies,
        dependency_count,
        hash_alg,
        hash,
        key,
        kind,
        sig,
        sig_len,
        pure,
    })
}
