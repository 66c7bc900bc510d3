//! Digital signatures: Ed25519 (RFC 8032) and ECDSA over P-256 with SHA-256 (FIPS 186-5).
//!
//! Verification is what devices do ([`Verify`], [`VerifyPrehash`]); signing is for the gateway
//! or the factory ([`Sign`]). Public keys are validated when imported, so a verifier never
//! holds a key it has not checked.

use crate::{Error, Rng, SecretBytes};

/// A signature scheme, as a marker type.
pub trait SignatureScheme {
    /// The encoded public key: 32 bytes for Ed25519, uncompressed SEC1 (65 bytes) for P-256.
    type PublicBytes: AsRef<[u8]> + Copy + core::fmt::Debug + PartialEq + Eq;
    /// The scheme's name, for messages.
    const NAME: &'static str;
}

/// Ed25519 (RFC 8032, "pure": the message itself is signed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ed25519;

/// ECDSA on P-256 with SHA-256. Signatures are 64 bytes `r || s` (IEEE P1363) or ASN.1 DER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EcdsaP256;

impl SignatureScheme for Ed25519 {
    type PublicBytes = [u8; 32];
    const NAME: &'static str = "Ed25519";
}

impl SignatureScheme for EcdsaP256 {
    type PublicBytes = [u8; 65];
    const NAME: &'static str = "ECDSA-P256";
}

/// Signature verification for scheme `S`.
pub trait Verify<S: SignatureScheme> {
    /// A validated public key.
    type PublicKey: Clone + core::fmt::Debug;

    /// Parses and validates a public key.
    ///
    /// Ed25519: 32 bytes, a canonical encoding of a point that is not of small order.
    /// ECDSA-P256: SEC1 uncompressed (65 bytes) or compressed (33), on the curve, not the
    /// identity. Anything else is [`Error::InvalidInput`].
    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error>;

    /// Encodes a public key (P-256: uncompressed SEC1).
    fn export_public(&mut self, key: &Self::PublicKey) -> S::PublicBytes;

    /// Checks `signature` over `message`.
    ///
    /// Ed25519: exactly 64 bytes, verified strictly (non-canonical `S` rejected). ECDSA: 64
    /// bytes are `r || s`, any other length is strict DER; `r` and `s` must be in `1..n`.
    /// Returns [`Error::Verification`] for any signature that does not verify, including
    /// malformed ones: a verifier learns one bit.
    fn verify(
        &mut self,
        key: &Self::PublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error>;
}

/// Verification of a signature over a digest the caller computed (e.g. while streaming an
/// image from flash).
pub trait VerifyPrehash<S: SignatureScheme>: Verify<S> {
    /// Checks `signature` over the message whose hash is `digest` (ECDSA: the SHA-256 digest;
    /// a longer digest is truncated to the curve size as FIPS 186-5 specifies). Same signature
    /// encodings and errors as [`Verify::verify`]; a digest shorter than 32 bytes is
    /// [`Error::InvalidInput`].
    fn verify_prehash(
        &mut self,
        key: &Self::PublicKey,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), Error>;
}

/// Signing for scheme `S`, for gateways and factory tools.
pub trait Sign<S: SignatureScheme>: Verify<S> {
    /// A secret signing key: zeroized on drop, never printed, not `Clone`.
    type SigningKey;
    /// The signature bytes: `[u8; 64]` (Ed25519; ECDSA as `r || s`).
    type Signature: AsRef<[u8]> + Copy + core::fmt::Debug;

    /// Generates a signing key from `rng`.
    fn generate_signing_key<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::SigningKey, Error>;

    /// Imports a signing key (Ed25519: the 32-byte seed; ECDSA: a big-endian scalar in
    /// `1..n`, else [`Error::InvalidInput`]), consuming the bytes.
    fn import_signing_key(&mut self, secret: SecretBytes<32>) -> Result<Self::SigningKey, Error>;

    /// The public key of a signing key.
    fn signing_public(&mut self, key: &Self::SigningKey) -> Result<Self::PublicKey, Error>;

    /// Signs `message`. ECDSA nonces are deterministic (RFC 6979), so no RNG is needed and
    /// a weak RNG cannot leak the key.
    fn sign(&mut self, key: &Self::SigningKey, message: &[u8]) -> Result<Self::Signature, Error>;
}
