//! Ed25519 and ECDSA P-256 on AWS-LC, with `Soft`'s acceptance rules.

use std::sync::OnceLock;

use aws_lc_rs::{
    digest::{Digest, SHA256},
    signature::{ECDSA_P256_SHA256_FIXED, ED25519, Ed25519KeyPair, KeyPair as _, ParsedPublicKey},
};
use bulwark_api::{
    Error, SecretBytes,
    sig::{EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Sign, Verify},
};
use bulwark_soft::Soft;

use crate::Server;

/// The 8 points of small order on edwards25519, canonically encoded. A signature whose `R` is
/// one of them is refused, as dalek's `verify_strict` (and so `Soft`) refuses it; AWS-LC
/// compares the recomputed `R` with the signature's bytes, so a non-canonical or invalid `R`
/// is already refused there, and only these canonical encodings need a check of their own.
pub(crate) const ED25519_SMALL_ORDER: [[u8; 32]; 8] = {
    let mut out = [[0u8; 32]; 8];
    out[0][0] = 0x01; // the identity (0, 1)
    // (0, -1): y = p - 1
    let mut i = 0;
    while i < 32 {
        out[1][i] = 0xff;
        i += 1;
    }
    out[1][0] = 0xec;
    out[1][31] = 0x7f;
    // out[2]: (+-sqrt(-1), 0): y = 0, both signs
    out[3][31] = 0x80;
    // The four points of order 8.
    let a: [u8; 32] = [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ];
    let b: [u8; 32] = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ];
    out[4] = a;
    out[5] = a;
    out[5][31] |= 0x80;
    out[6] = b;
    out[7] = b;
    out[7][31] |= 0x80;
    out
};

/// Whether `r` is the canonical encoding of a small-order point (public data: no constant
/// time needed).
pub(crate) fn is_small_order_encoding(r: &[u8]) -> bool {
    ED25519_SMALL_ORDER.iter().any(|p| p[..] == *r)
}

// ---------------------------------------------------------------------------------------------
// Ed25519

/// A validated Ed25519 public key (canonical, not of small order: `Soft`'s import rules), held
/// as `Soft`'s key, as a key AWS-LC has parsed once, and as a dalek key for batch verification.
#[derive(Clone)]
pub struct Ed25519PublicKey {
    soft: bulwark_soft::Ed25519PublicKey,
    parsed: ParsedPublicKey,
    pub(crate) dalek: ed25519_dalek::VerifyingKey,
    /// Whether the key has no torsion component; computed on first use by batch verification.
    pub(crate) torsion_free: OnceLock<bool>,
}

impl Ed25519PublicKey {
    /// The 32-byte encoding, exactly as imported.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.soft.to_bytes()
    }

    /// The same key as the software backend's type.
    pub fn to_soft(&self) -> bulwark_soft::Ed25519PublicKey {
        self.soft
    }

    pub(crate) fn is_torsion_free(&self) -> bool {
        *self
            .torsion_free
            .get_or_init(|| self.dalek.to_edwards().is_torsion_free())
    }

    /// Strict verification by AWS-LC: [`Server`]'s [`Verify::verify`] (its rules are listed at
    /// the `impl_verify!` for Ed25519 below).
    pub(crate) fn verify_strict(
        &self,
        message: &[u8],
        signature: &Ed25519Signature,
    ) -> Result<(), Error> {
        let signature = signature.to_bytes();
        let r = signature.get(..32).ok_or(Error::Verification)?;
        if is_small_order_encoding(r) {
            return Err(Error::Verification);
        }
        self.parsed
            .verify_sig(message, &signature)
            .map_err(|_| Error::Verification)
    }
}

by_soft_key!(Ed25519PublicKey);

fn ed25519_import(bytes: &[u8]) -> Result<Ed25519PublicKey, Error> {
    let soft = Verify::<Ed25519>::import_public(&mut Soft, bytes)?;
    let encoded = soft.to_bytes();
    let parsed = ParsedPublicKey::new(&ED25519, encoded).map_err(|_| Error::InvalidInput)?;
    let dalek =
        ed25519_dalek::VerifyingKey::from_bytes(&encoded).map_err(|_| Error::InvalidInput)?;
    Ok(Ed25519PublicKey {
        soft,
        parsed,
        dalek,
        torsion_free: OnceLock::new(),
    })
}

/// An Ed25519 signing key in AWS-LC (from the RFC 8032 seed): not `Clone`, never printed. The
/// seed and expanded key live in AWS-LC's heap, wiped by its allocator when freed.
pub struct Ed25519SigningKey(Ed25519KeyPair);

bulwark_api::redacted_debug!(Ed25519SigningKey);

/// Every 32-byte seed is a key. AWS-LC copies it; `seed` is wiped when it drops here.
fn ed25519_signing_key(seed: SecretBytes<32>) -> Result<Ed25519SigningKey, Error> {
    Ed25519KeyPair::from_seed_unchecked(seed.expose_secret())
        .map(Ed25519SigningKey)
        .map_err(|_| Error::InvalidInput)
}

/// RFC 8032 signing is deterministic: byte-identical to `Soft` and OpenSSL.
fn ed25519_sign(key: &Ed25519SigningKey, message: &[u8]) -> Result<Ed25519Signature, Error> {
    let signature = key.0.try_sign(message).map_err(|_| Error::Hardware)?;
    Ed25519Signature::from_slice(signature.as_ref()).map_err(|_| Error::Hardware)
}

bulwark_api::impl_verify! {
    Ed25519 for Server: Ed25519PublicKey;
    import_public(bytes) => ed25519_import(bytes);
    export_public(key) => key.to_bytes();
    // Strict verification, the same verdicts as `Soft` (dalek's `verify_strict`): `S < L` and
    // the byte-for-byte comparison of the recomputed `R` (AWS-LC), `R` not of small order
    // (checked here), the key not of small order (refused on import), the cofactorless
    // equation.
    verify(key, message, signature) => key.verify_strict(message, signature);
}

bulwark_api::impl_sign! {
    Ed25519 for Server: Ed25519SigningKey;
    generate(rng) => SecretBytes::random(rng).and_then(ed25519_signing_key);
    import(secret) => ed25519_signing_key(secret);
    public(key) => ed25519_import(key.0.public_key().as_ref());
    sign(key, message) => ed25519_sign(key, message);
}

// ---------------------------------------------------------------------------------------------
// ECDSA P-256

/// A validated ECDSA P-256 public key (on the curve, not the identity: `Soft`'s import),
/// held as `Soft`'s key and as a point AWS-LC has parsed once.
#[derive(Clone)]
pub struct EcdsaP256PublicKey {
    soft: bulwark_soft::EcdsaP256PublicKey,
    parsed: ParsedPublicKey,
}

p256_encodings!(EcdsaP256PublicKey, bulwark_soft::EcdsaP256PublicKey);

impl EcdsaP256PublicKey {
    fn from_soft(soft: bulwark_soft::EcdsaP256PublicKey) -> Result<Self, Error> {
        let parsed = ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, soft.to_sec1_uncompressed())
            .map_err(|_| Error::InvalidInput)?;
        Ok(Self { soft, parsed })
    }
}

by_soft_key!(EcdsaP256PublicKey);

/// An ECDSA P-256 signing key: `Soft`'s key (RFC 6979 signing). Zeroized on drop, not
/// `Clone`, never printed.
#[derive(Debug)]
pub struct EcdsaP256SigningKey(bulwark_soft::EcdsaP256SigningKey);

/// AWS-LC checks `r, s` in `1..n`.
fn ecdsa_verify(
    key: &EcdsaP256PublicKey,
    message: &[u8],
    signature: &EcdsaP256Signature,
) -> Result<(), Error> {
    let raw = signature.to_fixed();
    key.parsed
        .verify_sig(message, &raw)
        .map_err(|_| Error::Verification)
}

/// On AWS-LC too (`verify_digest_sig` over the digest's leftmost 32 bytes, FIPS 186-5
/// bits2int for P-256).
fn ecdsa_verify_prehash(
    key: &EcdsaP256PublicKey,
    digest: &[u8],
    signature: &EcdsaP256Signature,
) -> Result<(), Error> {
    let leftmost = digest.get(..32).ok_or(Error::InvalidInput)?;
    let digest = Digest::import_less_safe(leftmost, &SHA256).map_err(|_| Error::InvalidInput)?;
    let raw = signature.to_fixed();
    key.parsed
        .verify_digest_sig(&digest, &raw)
        .map_err(|_| Error::Verification)
}

bulwark_api::impl_verify! {
    EcdsaP256 for Server: EcdsaP256PublicKey;
    import_public(bytes) =>
        EcdsaP256PublicKey::from_soft(Verify::<EcdsaP256>::import_public(&mut Soft, bytes)?);
    export_public(key) => key.to_sec1_uncompressed();
    verify(key, message, signature) => ecdsa_verify(key, message, signature);
    verify_prehash(key, digest, signature) => ecdsa_verify_prehash(key, digest, signature);
}

// Signing falls back to `Soft`: the API promises RFC 6979 deterministic nonces, and AWS-LC
// (like ring and OpenSSL 3.0) signs with random nonces only.
bulwark_api::impl_sign! {
    EcdsaP256 for Server: EcdsaP256SigningKey;
    generate(rng) =>
        Sign::<EcdsaP256>::generate_signing_key(&mut Soft, rng).map(EcdsaP256SigningKey);
    import(secret) =>
        Sign::<EcdsaP256>::import_signing_key(&mut Soft, secret).map(EcdsaP256SigningKey);
    public(key) =>
        EcdsaP256PublicKey::from_soft(Sign::<EcdsaP256>::signing_public(&mut Soft, &key.0)?);
    sign(key, message) => Sign::<EcdsaP256>::sign(&mut Soft, &key.0, message);
}
