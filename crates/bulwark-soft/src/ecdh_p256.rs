//! ECDH on NIST P-256 (SP 800-56A, shared secret = the x-coordinate) on the `p256` crate.

use bulwark_api::{
    Error, Rng, SecretBytes,
    kex::{P256, SharedSecret},
};
use p256::elliptic_curve::point::AffineCoordinates;

use crate::Soft;

/// How many 32-byte candidates key generation draws before it gives up with
/// [`Error::Hardware`]. A healthy generator produces an out-of-range scalar (zero or `>= n`)
/// with probability about 2^-32 per draw, so 16 consecutive failures mean the generator is
/// broken (stuck at `ff..ff` or `00..00`), not unlucky.
pub const P256_KEYGEN_ATTEMPTS: usize = 16;

/// A validated P-256 public key: on the curve, not the identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct P256PublicKey(p256::PublicKey);

impl P256PublicKey {
    /// Uncompressed SEC1 encoding: `04 || x || y` (65 bytes).
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        sec1_uncompressed(self.0.as_affine())
    }

    /// Compressed SEC1 encoding: `02 || x` for even `y`, `03 || x` for odd `y` (33 bytes).
    pub fn to_sec1_compressed(&self) -> [u8; 33] {
        sec1_compressed(self.0.as_affine())
    }
}

/// A one-time P-256 secret scalar in `1..n`: consumed by [`KeyAgreement::agree`](bulwark_api::kex::KeyAgreement::agree), zeroized on
/// drop, not `Clone`, never printed.
pub struct P256EphemeralSecret(p256::SecretKey);

/// A long-term P-256 secret scalar in `1..n` (a provisioned device key): zeroized on drop,
/// not `Clone`, never printed.
pub struct P256StaticSecret(p256::SecretKey);

bulwark_api::redacted_debug!(P256EphemeralSecret, P256StaticSecret);

impl zeroize::ZeroizeOnDrop for P256EphemeralSecret {}
impl zeroize::ZeroizeOnDrop for P256StaticSecret {}

impl Soft {
    /// Encodes a P-256 public key in compressed SEC1 form (33 bytes), e.g. for a CLI's
    /// `--compressed` output. [`KeyAgreement::export_public`](bulwark_api::kex::KeyAgreement::export_public) gives the uncompressed form.
    pub fn export_public_compressed(&mut self, key: &P256PublicKey) -> [u8; 33] {
        key.to_sec1_compressed()
    }
}

/// Draws scalars from `rng` until one is in `1..n` (rejection sampling: no modular bias), at
/// most [`P256_KEYGEN_ATTEMPTS`] times.
pub(crate) fn generate<R: Rng + ?Sized>(rng: &mut R) -> Result<p256::SecretKey, Error> {
    for _ in 0..P256_KEYGEN_ATTEMPTS {
        let candidate = SecretBytes::<32>::random(rng)?;
        if let Ok(key) = p256::SecretKey::from_slice(candidate.expose_secret()) {
            return Ok(key);
        }
    }
    Err(Error::Hardware)
}

/// `secret * peer`, x-coordinate. The peer was validated on import (on the curve, not the
/// identity) and P-256 has prime order, so the product is never the identity; an all-zero
/// x-coordinate is a genuine curve point (`x = 0` is on P-256) and is returned as is.
fn dh(secret: &p256::SecretKey, peer: &P256PublicKey) -> SharedSecret {
    let shared = secret.diffie_hellman(&peer.0);
    let mut out = SecretBytes::<32>::zeroed();
    out.expose_secret_mut()
        .copy_from_slice(shared.raw_secret_bytes().as_slice());
    SharedSecret::from_agreement(out)
}

/// Only the two encodings we document: uncompressed `04 || x || y` and compressed `02/03 ||
/// x`. The identity (`00`) and SEC1's hybrid form (`06/07`) are refused. The same rule for
/// ECDH and ECDSA keys.
pub(crate) fn check_sec1_form(bytes: &[u8]) -> Result<(), Error> {
    match (bytes.len(), bytes.first()) {
        (65, Some(0x04)) | (33, Some(0x02 | 0x03)) => Ok(()),
        _ => Err(Error::InvalidInput),
    }
}

fn import_public(bytes: &[u8]) -> Result<P256PublicKey, Error> {
    check_sec1_form(bytes)?;
    // Checks both coordinates are `< p` and the point is on the curve (uncompressed), or
    // that `x < p` has a square root (compressed), and refuses the identity.
    p256::PublicKey::from_sec1_bytes(bytes)
        .map(P256PublicKey)
        .map_err(|_| Error::InvalidInput)
}

bulwark_api::impl_key_agreement! {
    P256 for Soft: P256PublicKey, P256EphemeralSecret, P256StaticSecret;
    generate(rng) => generate(rng);
    import(secret) => p256::SecretKey::from_slice(secret.expose_secret()).map_err(|_| Error::InvalidInput);
    public(secret) => Ok(P256PublicKey(secret.public_key()));
    agree(secret, peer) => Ok(dh(secret, peer));
    import_public(bytes) => import_public(bytes);
    export_public(key) => key.to_sec1_uncompressed();
}

/// Uncompressed SEC1 encoding of a point: `04 || x || y` (65 bytes).
pub(crate) fn sec1_uncompressed(point: &p256::AffinePoint) -> [u8; 65] {
    let x: [u8; 32] = point.x().into();
    let y: [u8; 32] = point.y().into();
    let mut out = [0u8; 65];
    out[0] = 0x04;
    out[1..33].copy_from_slice(&x);
    out[33..].copy_from_slice(&y);
    out
}

/// Compressed SEC1 encoding of a point: `02 || x` for even `y`, `03 || x` for odd (33 bytes).
pub(crate) fn sec1_compressed(point: &p256::AffinePoint) -> [u8; 33] {
    let x: [u8; 32] = point.x().into();
    let mut out = [0u8; 33];
    out[0] = 0x02 | u8::from(bool::from(point.y_is_odd()));
    out[1..].copy_from_slice(&x);
    out
}
