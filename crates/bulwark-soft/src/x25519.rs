//! X25519 (RFC 7748) on `x25519-dalek`.

use bulwark_api::{
    Error, SecretBytes,
    kex::{SharedSecret, X25519},
};
use x25519_dalek::{PublicKey, StaticSecret};

use crate::Soft;

/// An X25519 public key: any 32-byte u-coordinate (RFC 7748 accepts every value; the top bit
/// is masked and values `>= p` are reduced when the key is used).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct X25519PublicKey(PublicKey);

impl X25519PublicKey {
    /// The 32-byte encoding, exactly as imported or computed.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }
}

/// A one-time X25519 secret: consumed by [`KeyAgreement::agree`](bulwark_api::kex::KeyAgreement::agree), zeroized on drop, not
/// `Clone`, never printed.
pub struct X25519EphemeralSecret(StaticSecret);

/// A long-term X25519 secret (a provisioned device key): zeroized on drop, not `Clone`,
/// never printed.
pub struct X25519StaticSecret(StaticSecret);

bulwark_api::redacted_debug!(X25519EphemeralSecret, X25519StaticSecret);

impl zeroize::ZeroizeOnDrop for X25519EphemeralSecret {}
impl zeroize::ZeroizeOnDrop for X25519StaticSecret {}

/// Builds the dalek secret from secret bytes. The dalek type takes an array by value: the one
/// temporary copy made here lives on the stack and is not wiped (see the crate README); the
/// `SecretBytes` source is wiped when it is dropped.
fn dalek_secret(bytes: SecretBytes<32>) -> StaticSecret {
    StaticSecret::from(*bytes.expose_secret())
}

/// `secret * peer`, rejecting the all-zero (non-contributory) result.
fn dh(secret: &StaticSecret, peer: &X25519PublicKey) -> Result<SharedSecret, Error> {
    let shared = secret.diffie_hellman(&peer.0);
    // Constant-time check: the output is all zeros exactly when the peer's point has small
    // order (or is a non-canonical encoding of such a point).
    if !shared.was_contributory() {
        return Err(Error::Verification);
    }
    let mut out = SecretBytes::<32>::zeroed();
    out.expose_secret_mut().copy_from_slice(shared.as_bytes());
    Ok(SharedSecret::from_agreement(out))
}

fn public(secret: &StaticSecret) -> Result<X25519PublicKey, Error> {
    Ok(X25519PublicKey(PublicKey::from(secret)))
}

/// Exactly 32 bytes; every value is a u-coordinate (RFC 7748).
fn import_public(bytes: &[u8]) -> Result<X25519PublicKey, Error> {
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidInput)?;
    Ok(X25519PublicKey(PublicKey::from(bytes)))
}

bulwark_api::impl_key_agreement! {
    X25519 for Soft: X25519PublicKey, X25519EphemeralSecret, X25519StaticSecret;
    generate(rng) => SecretBytes::random(rng).map(dalek_secret);
    import(secret) => Ok(dalek_secret(secret));
    public(secret) => public(secret);
    agree(secret, peer) => dh(secret, peer);
    import_public(bytes) => import_public(bytes);
    export_public(key) => key.0.to_bytes();
}
