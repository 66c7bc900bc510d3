//! `KeyAgreement<P256>` (SP 800-56A ECDH, shared secret = x-coordinate) and SHA-256 for the
//! compact backend.

use super::point::{self, Affine};
use super::scalar::Scalar;
use bulwark_api::{
    Error, Rng, SecretBytes,
    hash::Sha256,
    kex::{P256, SharedSecret},
};
use zeroize::Zeroize;

/// The compact backend's P-256 (ECDH, ECDSA) and the SHA-256 that ECDSA uses.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompactP256;

/// How many 32-byte candidates key generation draws before it gives up with
/// [`Error::Hardware`] (a healthy generator is out of range with probability about 2^-32).
pub const P256_KEYGEN_ATTEMPTS: usize = 16;

/// A validated P-256 public key: coordinates below p, on the curve, not the identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct P256PublicKey(pub(crate) Affine);

impl P256PublicKey {
    /// Uncompressed SEC1 encoding: `04 || x || y` (65 bytes).
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[0] = 0x04;
        out[1..33].copy_from_slice(&self.0.x.to_bytes());
        out[33..].copy_from_slice(&self.0.y.to_bytes());
        out
    }

    /// Compressed SEC1 encoding: `02 || x` for even `y`, `03 || x` for odd `y` (33 bytes).
    pub fn to_sec1_compressed(&self) -> [u8; 33] {
        let mut out = [0u8; 33];
        out[0] = 0x02 | u8::from(self.0.y.is_odd());
        out[1..].copy_from_slice(&self.0.x.to_bytes());
        out
    }

    /// Parses SEC1 uncompressed (`04 || x || y`) or compressed (`02/03 || x`) and validates
    /// it; the identity (`00`) and the hybrid forms (`06/07`) are refused.
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, Error> {
        let point = match (bytes.len(), bytes.first()) {
            (65, Some(0x04)) => {
                let mut x = [0u8; 32];
                let mut y = [0u8; 32];
                x.copy_from_slice(&bytes[1..33]);
                y.copy_from_slice(&bytes[33..]);
                Affine::from_coordinates(&x, &y)
            }
            (33, Some(&tag @ (0x02 | 0x03))) => {
                let mut x = [0u8; 32];
                x.copy_from_slice(&bytes[1..]);
                Affine::decompress(&x, tag == 0x03)
            }
            _ => None,
        };
        point.map(P256PublicKey).ok_or(Error::InvalidInput)
    }
}

/// A secret scalar in `1..n`: zeroized on drop, not `Clone`, never printed.
pub(crate) struct SecretScalar(pub(crate) Scalar);

impl Drop for SecretScalar {
    fn drop(&mut self) {
        self.0.0.zeroize();
    }
}

impl SecretScalar {
    /// A big-endian scalar in `1..n`, else [`Error::InvalidInput`].
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Error> {
        match Scalar::from_bytes(bytes) {
            Some(s) if s.is_zero_mask() == 0 => Ok(SecretScalar(s)),
            Some(mut s) => {
                s.0.zeroize();
                Err(Error::InvalidInput)
            }
            None => Err(Error::InvalidInput),
        }
    }

    /// Rejection sampling from `rng`.
    pub(crate) fn generate<R: Rng + ?Sized>(rng: &mut R) -> Result<Self, Error> {
        for _ in 0..P256_KEYGEN_ATTEMPTS {
            let candidate = SecretBytes::<32>::random(rng)?;
            if let Ok(s) = Self::from_bytes(candidate.expose_secret()) {
                return Ok(s);
            }
        }
        Err(Error::Hardware)
    }

    /// `self * G` (never the identity: `1 <= self < n`).
    pub(crate) fn public(&self) -> Result<P256PublicKey, Error> {
        Ok(P256PublicKey(
            point::mul_secret(&self.0, &point::G).to_affine_unchecked(),
        ))
    }
}

/// A one-time P-256 secret scalar in `1..n`: consumed by [`KeyAgreement::agree`](bulwark_api::kex::KeyAgreement::agree), zeroized on
/// drop, not `Clone`, never printed.
pub struct P256EphemeralSecret(SecretScalar);

/// A long-term P-256 secret scalar in `1..n`: zeroized on drop, not `Clone`, never printed.
pub struct P256StaticSecret(SecretScalar);

bulwark_api::redacted_debug!(P256EphemeralSecret);

bulwark_api::redacted_debug!(P256StaticSecret);

impl zeroize::ZeroizeOnDrop for P256EphemeralSecret {}
impl zeroize::ZeroizeOnDrop for P256StaticSecret {}

/// `secret * peer`, x-coordinate (never the identity: prime order, validated peer, secret in
/// `1..n`), with no branch on the result.
fn dh(secret: &SecretScalar, peer: &P256PublicKey) -> Result<SharedSecret, Error> {
    let mut product = point::mul_secret(&secret.0, &peer.0);
    let mut affine = product.to_affine_unchecked();
    product.zeroize();
    let mut out = SecretBytes::<32>::zeroed();
    *out.expose_secret_mut() = affine.x.to_bytes();
    affine.x.0.zeroize();
    affine.y.0.zeroize();
    Ok(SharedSecret::from_agreement(out))
}

impl CompactP256 {
    /// Encodes a P-256 public key in compressed SEC1 form (33 bytes).
    pub fn export_public_compressed(&mut self, key: &P256PublicKey) -> [u8; 33] {
        key.to_sec1_compressed()
    }
}

/// `KeyAgreement<P256>` on a compact backend type: [`CompactP256`] and [`crate::Compact`]
/// (which also implements X25519 and Ed25519) run the same code.
macro_rules! p256_key_agreement {
    ($backend:ty) => {
        bulwark_api::impl_key_agreement! {
            P256 for $backend: P256PublicKey, P256EphemeralSecret, P256StaticSecret;
            generate(rng) => SecretScalar::generate(rng);
            import(secret) => SecretScalar::from_bytes(secret.expose_secret());
            public(secret) => secret.public();
            agree(secret, peer) => dh(secret, peer);
            import_public(bytes) => P256PublicKey::from_sec1(bytes);
            export_public(key) => key.to_sec1_uncompressed();
        }
    };
}
p256_key_agreement!(CompactP256);
p256_key_agreement!(crate::Compact);

impl Sha256 for CompactP256 {
    type State = crate::hash::Sha256State;

    fn start(&mut self) -> Result<Self::State, Error> {
        Sha256::start(&mut crate::Compact)
    }

    fn update(&mut self, state: &mut Self::State, data: &[u8]) -> Result<(), Error> {
        Sha256::update(&mut crate::Compact, state, data)
    }

    fn finish(&mut self, state: Self::State) -> Result<[u8; 32], Error> {
        Sha256::finish(&mut crate::Compact, state)
    }
}
