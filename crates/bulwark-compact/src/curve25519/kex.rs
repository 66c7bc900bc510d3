//! [`KeyAgreement<X25519>`](bulwark_api::kex::KeyAgreement) for [`Compact`]: thin glue over [`super::x25519()`].

use bulwark_api::{
    Error, SecretBytes,
    kex::{SharedSecret, X25519},
};
use subtle::ConstantTimeEq;

use super::{x25519, x25519_base};
use crate::Compact;

/// An X25519 public key: any 32-byte u-coordinate, kept exactly as imported or computed (RFC
/// 7748 accepts every value; the top bit is masked and values `>= p` are reduced when the key
/// is used).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct X25519PublicKey([u8; 32]);

impl X25519PublicKey {
    /// The 32-byte encoding, exactly as imported or computed.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }
}

/// A one-time X25519 secret: consumed by [`KeyAgreement::agree`](bulwark_api::kex::KeyAgreement::agree), zeroized on drop, not
/// `Clone`, never printed.
pub struct X25519EphemeralSecret(SecretBytes<32>);

/// A long-term X25519 secret (a provisioned device key): zeroized on drop, not `Clone`, never
/// printed.
pub struct X25519StaticSecret(SecretBytes<32>);

bulwark_api::redacted_debug!(X25519EphemeralSecret);

bulwark_api::redacted_debug!(X25519StaticSecret);

impl zeroize::ZeroizeOnDrop for X25519EphemeralSecret {}
impl zeroize::ZeroizeOnDrop for X25519StaticSecret {}

/// `secret * peer`, refusing the all-zero (non-contributory) result with
/// [`Error::Verification`]; the zero test runs in constant time.
fn dh(secret: &SecretBytes<32>, peer: &X25519PublicKey) -> Result<SharedSecret, Error> {
    let mut out = SecretBytes::<32>::zeroed();
    *out.expose_secret_mut() = x25519(secret.expose_secret(), &peer.0);
    let any = out.expose_secret().iter().fold(0u8, |acc, &b| acc | b);
    if bool::from(any.ct_eq(&0)) {
        return Err(Error::Verification);
    }
    Ok(SharedSecret::from_agreement(out))
}

fn public(secret: &SecretBytes<32>) -> Result<X25519PublicKey, Error> {
    Ok(X25519PublicKey(x25519_base(secret.expose_secret())))
}

/// Exactly 32 bytes; every value is a u-coordinate (RFC 7748).
fn import_public(bytes: &[u8]) -> Result<X25519PublicKey, Error> {
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidInput)?;
    Ok(X25519PublicKey(bytes))
}

bulwark_api::impl_key_agreement! {
    X25519 for Compact: X25519PublicKey, X25519EphemeralSecret, X25519StaticSecret;
    generate(rng) => SecretBytes::random(rng);
    import(secret) => Ok(secret);
    public(secret) => public(secret);
    agree(secret, peer) => dh(secret, peer);
    import_public(bytes) => import_public(bytes);
    export_public(key) => key.0;
}
