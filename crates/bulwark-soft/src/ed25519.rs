//! Ed25519 (RFC 8032, pure) on `ed25519-dalek`, verified strictly.

use bulwark_api::{
    Error, SecretBytes,
    sig::{Ed25519, Ed25519Signature},
};
use ed25519_dalek::{Signer, VerifyingKey};

use crate::Soft;

/// A validated Ed25519 public key: the canonical encoding of a curve point that is not of
/// small order (see the crate README for the policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ed25519PublicKey(VerifyingKey);

impl Ed25519PublicKey {
    /// The 32-byte encoding, exactly as imported (imports are canonical, so this is also the
    /// point's unique encoding).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }
}

/// An Ed25519 signing key (the 32-byte RFC 8032 seed and its public key): zeroized on drop,
/// not `Clone`, never printed.
pub struct Ed25519SigningKey(ed25519_dalek::SigningKey);

bulwark_api::redacted_debug!(Ed25519SigningKey);

impl zeroize::ZeroizeOnDrop for Ed25519SigningKey {}

/// Parses and validates a public key: 32 bytes, a point on the curve, canonically encoded,
/// not of small order. Every failure is [`Error::InvalidInput`].
fn import(bytes: &[u8]) -> Result<Ed25519PublicKey, Error> {
    let bytes: &[u8; 32] = bytes.try_into().map_err(|_| Error::InvalidInput)?;
    // dalek decodes as ZIP-215 does: a y-coordinate `>= p` is reduced, and `x = 0` with the
    // sign bit set is taken as `x = 0`. Re-encoding the point and comparing refuses both
    // non-canonical forms.
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| Error::InvalidInput)?;
    if key.to_edwards().compress().to_bytes() != *bytes {
        return Err(Error::InvalidInput);
    }
    // A small-order key (one of the 8 torsion points) makes a signature that verifies for
    // many messages: a strict verifier refuses it at import.
    if key.is_weak() {
        return Err(Error::InvalidInput);
    }
    Ok(Ed25519PublicKey(key))
}

/// Strict verification: `S` must be canonical (`< L`), `R` must decode and not be of small
/// order, the key must not be of small order (refused on import already), and the recomputed
/// `R` must equal the signature's `R` byte for byte (so a non-canonical `R` encoding fails).
/// The equation is the cofactorless `[S]B = R + [k]A` (dalek's `verify_strict`).
fn verify(
    key: &Ed25519PublicKey,
    message: &[u8],
    signature: &Ed25519Signature,
) -> Result<(), Error> {
    let signature = ed25519_dalek::Signature::from_bytes(&signature.to_bytes());
    key.0
        .verify_strict(message, &signature)
        .map_err(|_| Error::Verification)
}

/// Every 32-byte seed is a valid Ed25519 secret key. dalek copies the seed into its own
/// zeroizing key; `seed` is wiped when it drops.
fn signing_key(seed: SecretBytes<32>) -> Result<Ed25519SigningKey, Error> {
    Ok(Ed25519SigningKey(ed25519_dalek::SigningKey::from_bytes(
        seed.expose_secret(),
    )))
}

/// dalek's Ed25519 signing cannot fail; the error arm is unreachable in practice.
fn sign(key: &Ed25519SigningKey, message: &[u8]) -> Result<Ed25519Signature, Error> {
    key.0
        .try_sign(message)
        .map(|signature| Ed25519Signature::from_bytes(&signature.to_bytes()))
        .map_err(|_| Error::InvalidInput)
}

bulwark_api::impl_verify! {
    Ed25519 for Soft: Ed25519PublicKey;
    import_public(bytes) => import(bytes);
    export_public(key) => key.to_bytes();
    verify(key, message, signature) => verify(key, message, signature);
}

bulwark_api::impl_sign! {
    Ed25519 for Soft: Ed25519SigningKey;
    generate(rng) => SecretBytes::random(rng).and_then(signing_key);
    import(secret) => signing_key(secret);
    // A key derived from a seed is `[s]B` with `s` a multiple of 8 and not zero mod `L`:
    // never of small order, always canonically encoded.
    public(key) => Ok(Ed25519PublicKey(key.0.verifying_key()));
    sign(key, message) => sign(key, message);
}
