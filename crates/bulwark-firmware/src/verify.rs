//! The verifier.

use core::{hint::black_box, marker::PhantomData};

use bulwark_api::{
    hash::{Sha256, Sha512},
    sig::{AlgorithmId, EcdsaP256, Ed25519, Verify, VerifyPrehash},
};
use embedded_storage::ReadStorage;

use crate::{
    HashAlg, ImageDigest, ImageError, MonotonicCounter,
    algorithm::{AnyAlgorithm, AnyKey, TrustedKey, VerifyAlgorithms, spki_hash, trusted},
    fih::{self, Verdict},
    format::{Dependency, HEADER_LEN, ImageVersion, KeyTlv, Layout, MAX_DEPENDENCIES, parse},
    hash::{HashSupport, Sha256Only, Sha256OrSha512},
    storage::{FlashSource, SliceSource, Slot, Source, hash_range},
};

/// The first-line checks a single fault could skip. The unit tests skip each in turn (a model of
/// a glitch that jumps over one refusal) and check that the redundant checks still refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    MissingCounter,
    Rollback,
    Downgrade,
    Revoked,
    Hash,
    Signature,
}

/// Whether the first-line check `c` is skipped: never, outside the unit tests (a constant the
/// compiler folds away).
#[cfg(not(test))]
#[inline(always)]
const fn glitch(_c: Check) -> bool {
    false
}

#[cfg(test)]
fn glitch(c: Check) -> bool {
    tests::GLITCH.with(|g| g.get() == Some(c))
}

/// The most trusted keys one verifier holds (imported keys live in the verifier, without a
/// heap).
pub const MAX_TRUSTED_KEYS: usize = 4;

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
    algorithm: AlgorithmId,
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

    /// The signature algorithm.
    pub fn algorithm(&self) -> AlgorithmId {
        self.algorithm
    }

    /// Whether the signature is a pure Ed25519 one (over the whole hashed region).
    pub fn is_pure(&self) -> bool {
        self.pure
    }

    /// The header flags (only [`crate::format::flags::ACCEPTED`] bits can be set).
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// The header's load address (meaningful with `RAM_LOAD` or `ROM_FIXED`). Checking it is
    /// the caller's job: a `ROM_FIXED` image runs only from the slot it was linked for (MCUboot
    /// compares this address with the slot's before booting it), and a `RAM_LOAD` image's
    /// destination must lie in RAM the caller allows.
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

/// An image verifier: the trusted keys and the policy. Build one with [`Verifier::ed25519`],
/// [`Verifier::ecdsa_p256`] or [`Verifier::any`], which import every trusted key into the
/// backend and hash its SubjectPublicKeyInfo once (a device builds its verifier once, at
/// boot), then adjust it with the builder methods.
///
/// `P` is the backend the keys were imported by (and that verifies); `S` is the accepted
/// algorithm set ([`Ed25519`], [`EcdsaP256`] or [`AnyAlgorithm`]) and decides which traits
/// the backend needs; `H` is [`Sha256Only`] (default) or [`Sha256OrSha512`].
pub struct Verifier<'a, P: ?Sized, S: VerifyAlgorithms<P>, H = Sha256Only> {
    keys: [Option<TrustedKey<S::Key>>; MAX_TRUSTED_KEYS],
    revoked: &'a [[u8; 32]],
    min_version: Option<ImageVersion>,
    require_security_counter: bool,
    _marker: PhantomData<fn(&mut P) -> H>,
}

impl<P: ?Sized, S: VerifyAlgorithms<P>, H> Clone for Verifier<'_, P, S, H> {
    fn clone(&self) -> Self {
        Self {
            keys: self.keys.clone(),
            revoked: self.revoked,
            min_version: self.min_version,
            require_security_counter: self.require_security_counter,
            _marker: PhantomData,
        }
    }
}

impl<P: ?Sized, S: VerifyAlgorithms<P>, H> core::fmt::Debug for Verifier<'_, P, S, H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verifier")
            .field("keys", &self.keys.iter().flatten().count())
            .field("revoked", &self.revoked.len())
            .field("min_version", &self.min_version)
            .field("require_security_counter", &self.require_security_counter)
            .finish()
    }
}

/// A verifier over the keys `import` yields, with the default policy.
fn new_verifier<'a, P: ?Sized, S: VerifyAlgorithms<P>>(
    keys: impl Iterator<Item = Result<TrustedKey<S::Key>, ImageError>>,
) -> Result<Verifier<'a, P, S, Sha256Only>, ImageError> {
    let mut slots: [Option<TrustedKey<S::Key>>; MAX_TRUSTED_KEYS] =
        [const { None }; MAX_TRUSTED_KEYS];
    for (i, key) in keys.enumerate() {
        let slot = slots.get_mut(i).ok_or(ImageError::TooManyTrustedKeys)?;
        *slot = Some(key?);
    }
    Ok(Verifier {
        keys: slots,
        revoked: &[],
        min_version: None,
        require_security_counter: true,
        _marker: PhantomData,
    })
}

impl<'a, P: Verify<Ed25519> + Sha256 + ?Sized> Verifier<'a, P, Ed25519> {
    /// A verifier for Ed25519 images signed by one of `trusted` (raw 32-byte public keys, at
    /// most [`MAX_TRUSTED_KEYS`]), imported by `backend` ([`ImageError::InvalidTrustedKey`]
    /// if one is refused). The backend needs `Sha256 + Verify<Ed25519>`
    /// ([`crate::Ed25519Suite`]).
    pub fn ed25519(backend: &mut P, trusted_keys: &[[u8; 32]]) -> Result<Self, ImageError> {
        new_verifier(trusted_keys.iter().map(|raw| {
            trusted::<P, Sha256Only, _>(backend, AlgorithmId::Ed25519, raw, |p, raw| {
                <P as Verify<Ed25519>>::import_public(p, raw)
            })
        }))
    }
}

impl<'a, P: VerifyPrehash<EcdsaP256> + Sha256 + ?Sized> Verifier<'a, P, EcdsaP256> {
    /// A verifier for ECDSA P-256 images signed by one of `trusted` (65-byte uncompressed SEC1
    /// public keys, at most [`MAX_TRUSTED_KEYS`]). The backend needs
    /// `Sha256 + VerifyPrehash<EcdsaP256>` ([`crate::EcdsaP256Suite`]).
    pub fn ecdsa_p256(backend: &mut P, trusted_keys: &[[u8; 65]]) -> Result<Self, ImageError> {
        new_verifier(trusted_keys.iter().map(|raw| {
            trusted::<P, Sha256Only, _>(backend, AlgorithmId::EcdsaP256, raw, |p, raw| {
                <P as Verify<EcdsaP256>>::import_public(p, raw)
            })
        }))
    }
}

impl<'a, P: Verify<Ed25519> + VerifyPrehash<EcdsaP256> + Sha256 + ?Sized>
    Verifier<'a, P, AnyAlgorithm>
{
    /// A verifier for images of either algorithm (at most [`MAX_TRUSTED_KEYS`] keys in all).
    /// The backend needs both ([`crate::FirmwareSuite`]).
    pub fn any(
        backend: &mut P,
        ed25519: &[[u8; 32]],
        ecdsa_p256: &[[u8; 65]],
    ) -> Result<Self, ImageError> {
        let ed = ed25519.iter().map(|raw| (AlgorithmId::Ed25519, &raw[..]));
        let ec = ecdsa_p256
            .iter()
            .map(|raw| (AlgorithmId::EcdsaP256, &raw[..]));
        new_verifier(ed.chain(ec).map(|(algorithm, raw)| {
            trusted::<P, Sha256Only, _>(backend, algorithm, raw, |p, raw| match algorithm {
                AlgorithmId::Ed25519 => {
                    <P as Verify<Ed25519>>::import_public(p, raw).map(AnyKey::Ed25519)
                }
                AlgorithmId::EcdsaP256 => {
                    <P as Verify<EcdsaP256>>::import_public(p, raw).map(AnyKey::EcdsaP256)
                }
            })
        }))
    }
}

impl<'a, P: ?Sized, S: VerifyAlgorithms<P>> Verifier<'a, P, S, Sha256Only> {
    /// The same verifier, also accepting SHA-512 images (`imgtool sign --sha 512`, and pure
    /// Ed25519 images): hashes each trusted key's SubjectPublicKeyInfo with SHA-512 too, so
    /// the backend also needs the [`crate::Sha512`] trait.
    pub fn with_sha512(
        self,
        backend: &mut P,
    ) -> Result<Verifier<'a, P, S, Sha256OrSha512>, ImageError>
    where
        P: Sha256 + Sha512,
    {
        let mut keys = self.keys;
        for key in keys.iter_mut().flatten() {
            let mut raw = [0u8; 65];
            let (algorithm, len) = S::export(backend, &key.key, &mut raw);
            let raw = raw.get(..len).ok_or(ImageError::InvalidTrustedKey)?;
            key.id512 =
                match spki_hash::<P, Sha256OrSha512>(backend, HashAlg::Sha512, algorithm, raw)? {
                    ImageDigest::Sha512(d) => Some(d),
                    ImageDigest::Sha256(_) => return Err(ImageError::FaultDetected),
                };
        }
        Ok(Verifier {
            keys,
            revoked: self.revoked,
            min_version: self.min_version,
            require_security_counter: self.require_security_counter,
            _marker: PhantomData,
        })
    }
}

impl<'a, P: ?Sized, S: VerifyAlgorithms<P>, H> Verifier<'a, P, S, H> {
    /// Refuses images signed by any key whose SHA-256 SubjectPublicKeyInfo hash (see
    /// [`VerifiedImage::key_id`]) is in `key_ids`, even if the key is also trusted
    /// ([`ImageError::KeyRevoked`]).
    pub fn revoked(mut self, key_ids: &'a [[u8; 32]]) -> Self {
        self.revoked = key_ids;
        self
    }

    /// Refuses images whose `major.minor.revision` is below `min`'s
    /// ([`ImageError::Downgrade`]); the build number is ignored. This is in addition to the
    /// security counter.
    pub fn min_version(mut self, min: ImageVersion) -> Self {
        self.min_version = Some(min);
        self
    }

    /// Accepts images without a security counter TLV, treating them as counter 0 (so they are
    /// refused once the device counter is above 0). By default such images are refused
    /// ([`ImageError::MissingSecurityCounter`]).
    pub fn allow_missing_security_counter(mut self) -> Self {
        self.require_security_counter = false;
        self
    }

    /// Verifies the image in `slot` of `flash`, streaming it through `buf`.
    ///
    /// - `backend`: the crypto provider that imported the trusted keys (see the algorithm set `S`
    ///   and hash set `H`).
    /// - `flash`: any `embedded-storage` reader; only reads are issued.
    /// - `slot`: the image's slot; everything in the image is bounds-checked against it.
    /// - `buf`: the chunk buffer for hashing, any non-empty length (larger is faster: each
    ///   chunk is one flash read and one hash update). It holds image bytes only.
    /// - `counter`: the device's anti-rollback counter; only read here.
    ///
    /// Returns the [`VerifiedImage`], or the first [`ImageError`] found. Pure Ed25519 images
    /// are refused with [`ImageError::PureNeedsSlice`].
    pub fn verify_flash<F, C>(
        &self,
        backend: &mut P,
        flash: &mut F,
        slot: Slot,
        buf: &mut [u8],
        counter: &mut C,
    ) -> Result<VerifiedImage, ImageError>
    where
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
    pub fn verify_slice<C>(
        &self,
        backend: &mut P,
        image: &[u8],
        counter: &mut C,
    ) -> Result<VerifiedImage, ImageError>
    where
        H: HashSupport<P>,
        C: MonotonicCounter + ?Sized,
    {
        let mut src = SliceSource::new(image)?;
        self.run(backend, &mut src, counter)
    }

    /// The trusted key the image names (KEYHASH: compared with each key's hash computed when
    /// the verifier was built; PUBKEY: its SHA-256 computed once and compared with each key's
    /// id). Every candidate is compared (no early exit).
    fn find_key<Src: Source>(
        &self,
        p: &mut P,
        src: &mut Src,
        layout: &Layout,
    ) -> Result<&TrustedKey<S::Key>, ImageError>
    where
        H: HashSupport<P>,
    {
        let pubkey_id;
        let wanted: &[u8] = match layout.key {
            KeyTlv::Hash { ref bytes, len } => bytes.get(..len).ok_or(ImageError::BadTlvLength)?,
            KeyTlv::Full { offset, len } => {
                pubkey_id = hash_range::<P, H, Src>(p, src, HashAlg::Sha256, offset, len)?;
                pubkey_id.as_bytes()
            }
        };
        let by_id = matches!(layout.key, KeyTlv::Full { .. }) || layout.hash_alg == HashAlg::Sha256;
        let mut found = None;
        for key in self.keys.iter().flatten() {
            if key.algorithm != layout.algorithm {
                continue;
            }
            let hash: &[u8] = if by_id {
                &key.id
            } else {
                key.id512.as_ref().map_or(&[][..], |h| &h[..])
            };
            if fih::ct_equal(hash, wanted).is_pass() && found.is_none() {
                found = Some(key);
            }
        }
        found.ok_or(ImageError::UnknownKey)
    }

    fn run<Src, C>(
        &self,
        p: &mut P,
        src: &mut Src,
        counter: &mut C,
    ) -> Result<VerifiedImage, ImageError>
    where
        H: HashSupport<P>,
        Src: Source,
        C: MonotonicCounter + ?Sized,
    {
        // 1. Structure: header, both TLV areas, nothing read outside the slot.
        let layout = parse::<Src>(src)?;
        let hash_alg = layout.hash_alg;
        if !S::accepts(layout.algorithm) {
            return Err(ImageError::AlgorithmNotAccepted);
        }
        // SHA-512 only where the verifier supports it, and only with Ed25519: MCUboot and
        // imgtool pair P-256 with SHA-256 (a P-256 prehash would keep only half the digest).
        if hash_alg == HashAlg::Sha512 && (!H::SHA512 || layout.algorithm != AlgorithmId::Ed25519) {
            return Err(ImageError::UnsupportedHash);
        }
        if layout.pure && src.region(0, layout.hashed_len).is_none() {
            return Err(ImageError::PureNeedsSlice);
        }

        // 2. Policy: security counter (read only) and minimum version, before any crypto. Each
        //    outcome is kept as a verdict for the redundant checks in step 6.
        let present =
            Verdict::from_bool(layout.security_counter.is_some() || !self.require_security_counter);
        if !present.is_pass() && !glitch(Check::MissingCounter) {
            return Err(ImageError::MissingSecurityCounter);
        }
        let image_counter = layout.security_counter.unwrap_or(0);
        let device_counter = counter.read().map_err(|_| ImageError::Counter)?;
        let counter_verdict = Verdict::from_bool(image_counter >= device_counter);
        if !counter_verdict.is_pass() && !glitch(Check::Rollback) {
            return Err(ImageError::Rollback);
        }
        let version = layout.header.version;
        let version_verdict = Verdict::from_bool(
            self.min_version
                .is_none_or(|min| version.packed() >= min.packed()),
        );
        if !version_verdict.is_pass() && !glitch(Check::Downgrade) {
            return Err(ImageError::Downgrade);
        }

        // 3. Key: find the trusted key the image names; refuse revoked keys (every entry
        //    compared, in constant time).
        let trusted = self.find_key(p, src, &layout)?;
        let key_id = trusted.id;
        let revoked_verdict = fih::not_listed(&key_id, self.revoked);
        if !revoked_verdict.is_pass() && !glitch(Check::Revoked) {
            return Err(ImageError::KeyRevoked);
        }

        // 4. Hash the region [0, header + body + protected area): the fixed header and the
        //    protected area from the RAM copies the checks above used, only the header's
        //    padding and the body streamed from the slot (one read per byte).
        let digest = hash_image::<P, H, Src>(p, src, &layout)?;
        let expected = layout.expected_hash()?;
        let hash_verdict = fih::ct_equal(digest.as_bytes(), expected);
        if !hash_verdict.is_pass() && !glitch(Check::Hash) {
            return Err(ImageError::HashMismatch);
        }

        // 5. Signature: over the digest, or (pure) over the whole hashed region.
        let sig = layout.signature()?;
        let result = if layout.pure {
            let region = src
                .region(0, layout.hashed_len)
                .ok_or(ImageError::PureNeedsSlice)?;
            S::verify(p, &trusted.key, region, sig)
        } else {
            S::verify(p, &trusted.key, digest.as_bytes(), sig)
        };
        let sig_verdict = match result {
            Ok(()) => Verdict::PASS,
            Err(_) => Verdict::FAIL,
        };
        if !glitch(Check::Signature) {
            result?;
        }
        if !sig_verdict.is_pass() && !glitch(Check::Signature) {
            return Err(ImageError::Signature);
        }

        // 6. Redundant checks (fault-injection hardening): every verdict again, and each
        //    condition evaluated a second time by differently coded logic from the inputs:
        //    the digest (OR of XORs, walked backwards), the counter's presence and value, the
        //    version field by field, the revocation list (OR of XORs per entry).
        let again = black_box(present).is_pass()
            & black_box(counter_verdict).is_pass()
            & black_box(version_verdict).is_pass()
            & black_box(revoked_verdict).is_pass()
            & black_box(hash_verdict).is_pass()
            & black_box(sig_verdict).is_pass()
            & fih::xor_equal(digest.as_bytes(), expected)
            & (black_box(layout.security_counter).is_some()
                | !black_box(self.require_security_counter))
            & (black_box(image_counter) >= black_box(device_counter))
            & fih::version_at_least(black_box(version), black_box(self.min_version))
            & !fih::any_xor_equal(&key_id, black_box(self.revoked))
            & (!layout.pure || signed_region_matches(src, &layout));
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
            algorithm: layout.algorithm,
            pure: layout.pure,
            dependencies: layout.dependencies,
            dependency_count: layout.dependency_count,
            seal,
        })
    }
}

/// For a pure signature (over the region in memory, not over the digest): whether the region's
/// fixed header and protected area are the copies the checks used and the hash covered.
fn signed_region_matches<Src: Source>(src: &Src, layout: &Layout) -> bool {
    let Some(region) = src.region(0, layout.hashed_len) else {
        return false;
    };
    let header = region.get(..HEADER_LEN);
    let protected = usize::try_from(layout.prot_off)
        .ok()
        .and_then(|at| region.get(at..));
    match (header, protected, layout.protected_area()) {
        (Some(h), Some(p), Ok(copy)) => fih::xor_equal(h, &layout.header_raw) & (p == copy),
        _ => false,
    }
}

/// The digest of the hashed region: the fixed header and the protected area from `layout`'s
/// RAM copies (the bytes the structural checks and the policy read), everything between them
/// (header padding and body) from `src`.
fn hash_image<P: ?Sized, H: HashSupport<P>, Src: Source>(
    p: &mut P,
    src: &mut Src,
    layout: &Layout,
) -> Result<ImageDigest, ImageError> {
    let mut state = H::start(p, layout.hash_alg)?;
    H::update(p, &mut state, &layout.header_raw)?;
    // prot_off = hdr_size + img_size >= hdr_size >= HEADER_LEN.
    let middle = layout
        .prot_off
        .checked_sub(HEADER_LEN as u32)
        .ok_or(ImageError::HeaderTooSmall)?;
    src.pieces(HEADER_LEN as u32, middle, &mut |piece| {
        H::update(p, &mut state, piece)
    })?;
    H::update(p, &mut state, layout.protected_area()?)?;
    H::finish(p, state)
}

/// The size of the verifier's parsed state, for RAM budgeting (the chunk buffer and the
/// backend's hash state come on top).
pub const LAYOUT_SIZE: usize = core::mem::size_of::<Layout>();

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    extern crate std;

    use super::*;
    use crate::{ImageBuilder, SliceStorage, Slot};
    use bulwark_api::{Error, SecretBytes, sig::Sign};
    use bulwark_soft::Soft;
    use core::cell::Cell;
    use std::{vec, vec::Vec};

    std::thread_local! {
        /// The first-line check the running test skips.
        pub(super) static GLITCH: Cell<Option<Check>> = const { Cell::new(None) };
    }

    struct Counter(u32);

    impl MonotonicCounter for Counter {
        fn read(&mut self) -> Result<u32, Error> {
            Ok(self.0)
        }
        fn advance_to(&mut self, value: u32) -> Result<(), Error> {
            self.0 = self.0.max(value);
            Ok(())
        }
    }

    /// A signed image: version 1.2.3, security counter `counter`, 300-byte body.
    fn image(counter: Option<u32>) -> (Vec<u8>, [u8; 32]) {
        let mut p = Soft;
        let key = Sign::<Ed25519>::import_signing_key(
            &mut p,
            SecretBytes::try_from_slice(&[0x42; 32]).unwrap(),
        )
        .unwrap();
        let public = Sign::<Ed25519>::signing_public(&mut p, &key).unwrap();
        let raw = Verify::<Ed25519>::export_public(&mut p, &public);
        let payload = [0x5a; 300];
        let builder = ImageBuilder::new(ImageVersion::new(1, 2, 3, 0))
            .header_size(0x80)
            .pad_header(true)
            .security_counter(counter);
        let mut out = vec![0u8; builder.max_image_len(AlgorithmId::Ed25519, 300).unwrap()];
        let n = builder
            .sign_ed25519(&mut p, &key, &payload, &mut out)
            .unwrap();
        out.truncate(n);
        (out, raw)
    }

    /// Verifies `img` from a slice and by streaming with `skip` skipped; both must agree.
    fn verify(
        v: &Verifier<'_, Soft, Ed25519>,
        img: &[u8],
        device: u32,
        skip: Option<Check>,
    ) -> Result<VerifiedImage, ImageError> {
        GLITCH.with(|g| g.set(skip));
        let slice = v.verify_slice(&mut Soft, img, &mut Counter(device));
        let mut flash = SliceStorage::new(img);
        let slot = Slot::new(0, img.len() as u32, 1).with_trailer_size(0);
        let streamed = v.verify_flash(
            &mut Soft,
            &mut flash,
            slot,
            &mut [0u8; 64],
            &mut Counter(device),
        );
        GLITCH.with(|g| g.set(None));
        assert_eq!(slice.as_ref().err(), streamed.as_ref().err(), "{skip:?}");
        slice
    }

    #[test]
    fn skipping_any_single_check_still_builds_no_token() {
        let (img, raw) = image(Some(5));
        let (no_counter, _) = image(None);
        let img_ok = img.clone();
        let keys = [raw];
        let base = Verifier::ed25519(&mut Soft, &keys).unwrap();
        let key_id = *verify(&base, &img, 0, None).unwrap().key_id();
        let revoked = [key_id];
        // The hash TLV's first byte flipped: the signature (over the computed digest) still
        // verifies, so only the hash check refuses.
        let mut bad_hash = img.clone();
        let tlv = img.len() - (4 + 36 + 36 + 68);
        bad_hash[tlv + 8] ^= 1;
        let mut bad_sig = img.clone();
        let last = bad_sig.len() - 1;
        bad_sig[last] ^= 1;

        // (check skipped, verifier, image, device counter, refusal without the fault)
        type Row<'a> = (
            Check,
            Verifier<'a, Soft, Ed25519>,
            &'a [u8],
            u32,
            ImageError,
        );
        let rows: [Row<'_>; 6] = [
            (
                Check::MissingCounter,
                base.clone(),
                &no_counter,
                0,
                ImageError::MissingSecurityCounter,
            ),
            (Check::Rollback, base.clone(), &img, 6, ImageError::Rollback),
            (
                Check::Downgrade,
                base.clone().min_version(ImageVersion::new(1, 2, 4, 0)),
                &img,
                0,
                ImageError::Downgrade,
            ),
            (
                Check::Revoked,
                base.clone().revoked(&revoked),
                &img,
                0,
                ImageError::KeyRevoked,
            ),
            (
                Check::Hash,
                base.clone(),
                &bad_hash,
                0,
                ImageError::HashMismatch,
            ),
            (
                Check::Signature,
                base.clone(),
                &bad_sig,
                0,
                ImageError::Signature,
            ),
        ];
        let mut outcomes = Vec::new();
        for (check, v, img, device, refusal) in rows {
            assert_eq!(
                verify(&v, img, device, None).err(),
                Some(refusal),
                "{check:?}"
            );
            let skipped = verify(&v, img, device, Some(check)).map(|i| i.security_counter());
            outcomes.push((check, skipped));
            // Skipping a check that has nothing to refuse changes nothing.
            assert!(verify(&base, &img_ok, 0, Some(check)).is_ok(), "{check:?}");
        }
        let expected = outcomes
            .iter()
            .map(|(c, _)| (*c, Err(ImageError::FaultDetected)))
            .collect::<Vec<_>>();
        assert_eq!(outcomes, expected);
    }
}
