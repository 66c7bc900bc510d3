//! Key agreement: X25519 (RFC 7748) and P-256 ECDH (SP 800-56A), one trait for both.
//!
//! - Ephemeral secrets are consumed by [`KeyAgreement::agree`]: a one-time key cannot be used
//!   twice by mistake.
//! - Long-term (static) secrets exist for devices with provisioned keys, behind their own
//!   names ([`KeyAgreement::agree_static`]).
//! - Peer public keys are validated on import ([`KeyAgreement::import_public`]); an X25519
//!   agreement whose result is all zeros (a non-contributory, small-order peer) is
//!   [`Error::Verification`]. (P-256 has prime order and validated points: its result is never
//!   the identity, and an all-zero x-coordinate is a genuine point, returned as is.)
//! - The result is a [`SharedSecret`] with no byte accessor: only a KDF
//!   ([`crate::kdf::HkdfSha256::extract_shared`]) consumes it.

use crate::{Error, Rng, SecretBytes};

/// A key-agreement algorithm, as a marker type for [`KeyAgreement`] ([`X25519`], [`P256`]).
pub trait Algorithm {
    /// The encoded public key: `[u8; 32]` for X25519, uncompressed SEC1 `[u8; 65]` for P-256.
    type PublicBytes: AsRef<[u8]> + Copy + core::fmt::Debug + PartialEq + Eq;
    /// The algorithm's name, for messages.
    const NAME: &'static str;
}

/// X25519 (RFC 7748).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct X25519;

/// ECDH on NIST P-256 (secp256r1), shared secret = the x-coordinate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct P256;

impl Algorithm for X25519 {
    type PublicBytes = [u8; 32];
    const NAME: &'static str = "X25519";
}

impl Algorithm for P256 {
    type PublicBytes = [u8; 65];
    const NAME: &'static str = "P-256";
}

/// The 32-byte result of a key agreement. It cannot be read, printed or copied; feed it to
/// [`crate::kdf::HkdfSha256::extract_shared`]. Zeroized on drop.
pub struct SharedSecret(SecretBytes<32>);

impl SharedSecret {
    /// Wraps an agreement's output. For backends; the bytes are never given back except through
    /// `hazmat::expose_shared_secret` (feature `hazmat`).
    pub fn from_agreement(bytes: SecretBytes<32>) -> Self {
        Self(bytes)
    }

    pub(crate) fn secret(&self) -> &SecretBytes<32> {
        &self.0
    }
}

crate::redacted_debug!(SharedSecret);

/// Key agreement for algorithm `A`, implemented by a backend.
pub trait KeyAgreement<A: Algorithm> {
    /// A validated peer or own public key.
    type PublicKey: Clone + core::fmt::Debug;
    /// A one-time secret; consumed by [`KeyAgreement::agree`]. Zeroized on drop, not `Clone`.
    type EphemeralSecret;
    /// A long-term secret (provisioned device key). Zeroized on drop, not `Clone`.
    type StaticSecret;

    /// Generates a one-time secret from `rng` (a TRNG or the OS; never a fixed seed outside
    /// tests). Returns the generator's error if it fails.
    fn generate_ephemeral<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::EphemeralSecret, Error>;

    /// The public key to send to the peer.
    fn ephemeral_public(
        &mut self,
        secret: &Self::EphemeralSecret,
    ) -> Result<Self::PublicKey, Error>;

    /// Completes the exchange, consuming the one-time secret.
    ///
    /// X25519: returns [`Error::Verification`] if the result is all zeros (the peer sent a
    /// small-order or otherwise non-contributory key). P-256: the peer was validated on
    /// import, so the result is never the identity; an all-zero x-coordinate (`x = 0` is a
    /// point of P-256, Wycheproof tests it as valid) is a normal result, not an error.
    fn agree(
        &mut self,
        secret: Self::EphemeralSecret,
        peer: &Self::PublicKey,
    ) -> Result<SharedSecret, Error>;

    /// Generates a long-term secret from `rng`.
    fn generate_static<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::StaticSecret, Error>;

    /// Imports a provisioned long-term secret (X25519: any 32 bytes, clamped per RFC 7748;
    /// P-256: a big-endian scalar in `1..n`, else [`Error::InvalidInput`]). Consumes the bytes.
    fn import_static(&mut self, secret: SecretBytes<32>) -> Result<Self::StaticSecret, Error>;

    /// The public key of a long-term secret.
    fn static_public(&mut self, secret: &Self::StaticSecret) -> Result<Self::PublicKey, Error>;

    /// Agreement with a long-term secret, which stays usable. Same errors as
    /// [`KeyAgreement::agree`].
    fn agree_static(
        &mut self,
        secret: &Self::StaticSecret,
        peer: &Self::PublicKey,
    ) -> Result<SharedSecret, Error>;

    /// Parses and validates a peer's public key.
    ///
    /// X25519: exactly 32 bytes (every value is a valid u-coordinate per RFC 7748; a
    /// non-contributory key is caught at agreement). P-256: SEC1 uncompressed (65 bytes) or
    /// compressed (33 bytes), on the curve, not the identity. Anything else is
    /// [`Error::InvalidInput`].
    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error>;

    /// Encodes a public key (P-256: uncompressed SEC1).
    fn export_public(&mut self, key: &Self::PublicKey) -> A::PublicBytes;
}
