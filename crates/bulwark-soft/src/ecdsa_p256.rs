//! ECDSA on NIST P-256 with SHA-256 (FIPS 186-5) on the `p256` crate. Signatures arrive
//! typed ([`EcdsaP256Signature`]): DER is decoded by the API, not here.

use crate::ecdh_p256::{sec1_compressed, sec1_uncompressed};
use bulwark_api::{
    Error,
    sig::{EcdsaP256, EcdsaP256Signature},
};
use p256::ecdsa::signature::{Signer, hazmat::PrehashVerifier};
use sha2::Digest;

use crate::{
    Soft,
    ecdh_p256::{check_sec1_form, generate},
};

/// A validated ECDSA P-256 public key: on the curve, not the identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EcdsaP256PublicKey(p256::ecdsa::VerifyingKey);

impl EcdsaP256PublicKey {
    /// Uncompressed SEC1 encoding: `04 || x || y` (65 bytes).
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        sec1_uncompressed(self.0.as_affine())
    }

    /// Compressed SEC1 encoding: `02 || x` for even `y`, `03 || x` for odd `y` (33 bytes).
    pub fn to_sec1_compressed(&self) -> [u8; 33] {
        sec1_compressed(self.0.as_affine())
    }
}

/// An ECDSA P-256 signing key, a scalar in `1..n`: zeroized on drop, not `Clone`, never
/// printed.
pub struct EcdsaP256SigningKey(p256::ecdsa::SigningKey);

bulwark_api::redacted_debug!(EcdsaP256SigningKey);

impl zeroize::ZeroizeOnDrop for EcdsaP256SigningKey {}

/// The `p256` form of a signature: `r` and `s` must be in `1..n` (`from_slice` refuses zero
/// and values `>= n`). High `s` is accepted (FIPS 186-5 ECDSA has no low-S rule). A failure
/// is [`Error::Verification`].
fn to_p256(signature: &EcdsaP256Signature) -> Result<p256::ecdsa::Signature, Error> {
    p256::ecdsa::Signature::from_slice(&signature.to_fixed()).map_err(|_| Error::Verification)
}

/// FIPS 186-5 verification over the leftmost 256 bits of `digest` (bits2int; the caller has
/// checked that there are at least 32 bytes).
fn verify_digest(
    key: &EcdsaP256PublicKey,
    digest: &[u8],
    signature: &EcdsaP256Signature,
) -> Result<(), Error> {
    let digest = digest.get(..32).ok_or(Error::InvalidInput)?;
    let signature = to_p256(signature)?;
    key.0
        .verify_prehash(digest, &signature)
        .map_err(|_| Error::Verification)
}

/// The same rules as ECDH P-256 keys: uncompressed `04 || x || y` or compressed `02/03 || x`,
/// nothing else (no identity `00`, no hybrid `06/07`); coordinates `< p`, on the curve (or a
/// square root exists), not the identity.
fn import_public(bytes: &[u8]) -> Result<EcdsaP256PublicKey, Error> {
    check_sec1_form(bytes)?;
    p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
        .map(EcdsaP256PublicKey)
        .map_err(|_| Error::InvalidInput)
}

/// SHA-256 of the message, nonce from RFC 6979 (HMAC-SHA-256 DRBG over the key and the
/// digest): deterministic, no RNG. `s` is returned as computed (no low-S normalization:
/// `p256` sets `NORMALIZE_S = false`).
fn sign(key: &EcdsaP256SigningKey, message: &[u8]) -> Result<EcdsaP256Signature, Error> {
    let signature: p256::ecdsa::Signature =
        key.0.try_sign(message).map_err(|_| Error::InvalidInput)?;
    let mut fixed = [0u8; 64];
    fixed.copy_from_slice(&signature.to_bytes());
    Ok(EcdsaP256Signature::from_fixed(&fixed))
}

bulwark_api::impl_verify! {
    EcdsaP256 for Soft: EcdsaP256PublicKey;
    import_public(bytes) => import_public(bytes);
    export_public(key) => key.to_sec1_uncompressed();
    verify(key, message, signature) => verify_digest(key, &sha2::Sha256::digest(message), signature);
    // `verify_digest` takes the leftmost 32 bytes and refuses a shorter digest.
    verify_prehash(key, digest, signature) => verify_digest(key, digest, signature);
}

bulwark_api::impl_sign! {
    EcdsaP256 for Soft: EcdsaP256SigningKey;
    generate(rng) => generate(rng).map(|secret| EcdsaP256SigningKey(secret.into()));
    import(secret) => p256::ecdsa::SigningKey::from_slice(secret.expose_secret())
        .map(EcdsaP256SigningKey)
        .map_err(|_| Error::InvalidInput);
    public(key) => Ok(EcdsaP256PublicKey(*key.0.verifying_key()));
    sign(key, message) => sign(key, message);
}
