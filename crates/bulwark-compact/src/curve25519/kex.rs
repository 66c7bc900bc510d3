//! [`KeyAgreement<X25519>`] for [`Compact`]: thin glue over [`super::x25519()`].

use bulwark_api::{
    Error, Rng, SecretBytes,
    kex::{KeyAgreement, SharedSecret, X25519},
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

/// A one-time X25519 secret: consumed by [`KeyAgreement::agree`], zeroized on drop, not
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

fn public(secret: &SecretBytes<32>) -> X25519PublicKey {
    X25519PublicKey(x25519_base(secret.expose_secret()))
}

impl KeyAgreement<X25519> for Compact {
    type PublicKey = X25519PublicKey;
    type EphemeralSecret = X25519EphemeralSecret;
    type StaticSecret = X25519StaticSecret;

    fn generate_ephemeral<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::EphemeralSecret, Error> {
        Ok(X25519EphemeralSecret(SecretBytes::random(rng)?))
    }

    fn ephemeral_public(
        &mut self,
        secret: &Self::EphemeralSecret,
    ) -> Result<Self::PublicKey, Error> {
        Ok(public(&secret.0))
    }

    fn agree(
        &mut self,
        secret: Self::EphemeralSecret,
        peer: &Self::PublicKey,
    ) -> Result<SharedSecret, Error> {
        dh(&secret.0, peer)
    }

    fn generate_static<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::StaticSecret, Error> {
        Ok(X25519StaticSecret(SecretBytes::random(rng)?))
    }

    fn import_static(&mut self, secret: SecretBytes<32>) -> Result<Self::StaticSecret, Error> {
        Ok(X25519StaticSecret(secret))
    }

    fn static_public(&mut self, secret: &Self::StaticSecret) -> Result<Self::PublicKey, Error> {
        Ok(public(&secret.0))
    }

    fn agree_static(
        &mut self,
        secret: &Self::StaticSecret,
        peer: &Self::PublicKey,
    ) -> Result<SharedSecret, Error> {
        dh(&secret.0, peer)
    }

    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidInput)?;
        Ok(X25519PublicKey(bytes))
    }

    fn export_public(&mut self, key: &Self::PublicKey) -> [u8; 32] {
        key.0
    }
}
