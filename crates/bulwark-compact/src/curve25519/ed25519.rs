//! Ed25519 verification (RFC 8032 section 5.1.7), strict: canonical `S < L`, canonical `A`
//! and `R` that are not of small order, and the cofactorless equation `[S]B = R + [k]A`,
//! checked as `encode([S]B - [k]A) == R`.

use super::{Fe, Field, edwards::Point, scalar};
use crate::sha512::Sha512;

/// A validated Ed25519 public key: its canonical encoding (not of small order) and the
/// decoded point, so verification does not decode it again.
#[derive(Clone, Copy)]
pub struct Ed25519PublicKey {
    bytes: [u8; 32],
    point: Point<Fe>,
}

impl core::fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Ed25519PublicKey")
            .field(&self.bytes)
            .finish()
    }
}

impl PartialEq for Ed25519PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Ed25519PublicKey {}

impl Ed25519PublicKey {
    /// Validates an encoding over this target's field: canonical, a point, not of small order.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let point = Point::<Fe>::decode(bytes)?;
        if point.is_small_order() {
            return None;
        }
        Some(Self {
            bytes: *bytes,
            point,
        })
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.bytes
    }

    /// Verifies `signature` over `message`; `true` if it is valid.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        verify_point(&self.bytes, &self.point, message, signature)
    }
}

/// Verifies `signature` over `message` under the encoded key `public` with field strategy `F`;
/// `true` if it is valid. The key is decoded and checked (canonical, not of small order) here
/// too.
pub fn verify_with<F: Field>(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let Some(a) = Point::<F>::decode(public) else {
        return false;
    };
    if a.is_small_order() {
        return false;
    }
    verify_point(public, &a, message, signature)
}

/// Verification with the key already decoded and checked.
///
/// `R` is not decoded: `R' = [S]B - [k]A` is computed and its (canonical) encoding compared
/// with the signature's `R`. Equal encodings mean `R` is the canonical encoding of the point
/// `R'`; an `R` that is not a point or not canonically encoded never matches. `R'` is then
/// refused if it has small order, exactly as a decoded small-order `R` would be.
fn verify_point<F: Field>(
    public: &[u8; 32],
    a: &Point<F>,
    message: &[u8],
    signature: &[u8; 64],
) -> bool {
    let mut r_bytes = [0u8; 32];
    r_bytes.copy_from_slice(&signature[..32]);
    let mut s = [0u8; 32];
    s.copy_from_slice(&signature[32..]);
    if !scalar::is_canonical(&s) {
        return false;
    }
    let k = scalar::reduce_wide(&Sha512::digest(&[&r_bytes, public, message]));
    match super::edwards::double_scalar_mul_base_sub(&s, a, &k) {
        Some(check) => check.encode() == r_bytes && !check.is_small_order(),
        None => false,
    }
}

impl bulwark_api::sig::Verify<bulwark_api::sig::Ed25519> for crate::Compact {
    type PublicKey = Ed25519PublicKey;

    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, bulwark_api::Error> {
        let bytes: &[u8; 32] = bytes
            .try_into()
            .map_err(|_| bulwark_api::Error::InvalidInput)?;
        Ed25519PublicKey::from_bytes(bytes).ok_or(bulwark_api::Error::InvalidInput)
    }

    fn export_public(&mut self, key: &Self::PublicKey) -> [u8; 32] {
        key.bytes
    }

    fn verify(
        &mut self,
        key: &Self::PublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), bulwark_api::Error> {
        let signature: &[u8; 64] = signature
            .try_into()
            .map_err(|_| bulwark_api::Error::Verification)?;
        if key.verify(message, signature) {
            Ok(())
        } else {
            Err(bulwark_api::Error::Verification)
        }
    }
}
