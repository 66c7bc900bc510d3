//! The verifier.

use core::{hint::black_box, marker::PhantomData};

use bulwark_api::sig::AlgorithmId;
use embedded_storage::ReadStorage;

use crate::{
    HashAlg, ImageDigest, ImageError, MonotonicCounter,
    algorithm::{TrustedKey, VerifyAlgorithms},
    fih::{self, Verdict},
    format::{HEADER_LEN, ImageVersion, Layout, parse},
    hash::{HashSupport, Sha256Only},
    storage::{FlashSource, SliceSource, Slot, Source},
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

mod image;
mod keys;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;

pub use image::VerifiedImage;

/// An image verifier: the trusted keys and the policy. Build one with [`Verifier::ed25519`],
/// [`Verifier::ecdsa_p256`] or [`Verifier::any`], which import every trusted key into the
/// backend and hash its SubjectPublicKeyInfo once (a device builds its verifier once, at
/// boot), then adjust it with the builder methods.
///
/// `P` is the backend the keys were imported by (and that verifies); `S` is the accepted
/// algorithm set ([`crate::Ed25519`], [`crate::EcdsaP256`] or [`crate::AnyAlgorithm`]) and
/// decides which traits the backend needs; `H` is [`Sha256Only`] (default) or
/// [`crate::Sha256OrSha512`].
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

        Ok(VerifiedImage::new(&layout, digest, key_id, seal))
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
