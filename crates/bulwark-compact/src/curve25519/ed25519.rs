//! Ed25519 (RFC 8032). Verification (section 5.1.7), strict: canonical `S < L`, canonical
//! `A` and `R` that are not of small order, and the cofactorless equation `[S]B = R + [k]A`,
//! checked as `encode([S]B - [k]A) == R`. Signing (section 5.1.6) in constant time in the key
//! and the nonce.

use bulwark_api::{
    Error, SecretBytes,
    sig::{Ed25519, Ed25519Signature},
};

use super::{
    Fe, Field,
    edwards::{Point, mul_base_ct},
    scalar,
};
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
    let k = challenge(&r_bytes, public, message);
    let check = super::edwards::double_scalar_mul_base_sub(&s, a, &k);
    check.encode() == r_bytes && !check.is_small_order()
}

/// `k = SHA-512(R || A || M) mod L`. Not inlined: the hash state lives in this call's frame
/// only, not in the verifier's for the rest of its work (its stack peak).
#[inline(never)]
fn challenge(r: &[u8; 32], public: &[u8; 32], message: &[u8]) -> [u8; 32] {
    scalar::reduce_wide(&Sha512::digest(&[r, public, message]))
}

/// An Ed25519 signing key: the seed, the clamped secret scalar and the nonce prefix derived
/// from it (RFC 8032 section 5.1.5), and the public key. Zeroized on drop, not `Clone`, never
/// printed.
pub struct Ed25519SigningKey {
    seed: SecretBytes<32>,
    scalar: SecretBytes<32>,
    prefix: SecretBytes<32>,
    public: Ed25519PublicKey,
}

bulwark_api::redacted_debug!(Ed25519SigningKey);

impl zeroize::ZeroizeOnDrop for Ed25519SigningKey {}

/// RFC 8032 key expansion over field strategy `F`: `(clamped scalar, prefix, A)` with A
/// encoded and as a point with Z = 1.
fn expand<F: Field>(seed: &[u8; 32]) -> (SecretBytes<32>, SecretBytes<32>, ([u8; 32], Point<F>)) {
    let mut h = Sha512::digest(&[seed]);
    let mut a = SecretBytes::<32>::zeroed();
    let mut prefix = SecretBytes::<32>::zeroed();
    a.expose_secret_mut().copy_from_slice(&h[..32]);
    prefix.expose_secret_mut().copy_from_slice(&h[32..]);
    zeroize::Zeroize::zeroize(&mut h);
    let s = a.expose_secret_mut();
    s[0] &= 248;
    s[31] &= 127;
    s[31] |= 64;
    let public = mul_base_ct::<F>(a.expose_secret()).normalize();
    (a, prefix, public)
}

/// Signs `message` with the expanded key over field strategy `F`; constant time in `scalar`,
/// `prefix` and the nonce.
fn sign_expanded<F: Field>(
    scalar_a: &SecretBytes<32>,
    prefix: &SecretBytes<32>,
    public: &[u8; 32],
    message: &[u8],
) -> [u8; 64] {
    let mut h = Sha512::digest(&[prefix.expose_secret(), message]);
    let mut r = scalar::reduce_wide_ct(&h);
    zeroize::Zeroize::zeroize(&mut h);
    let big_r = mul_base_ct::<F>(&r).encode();
    // k is public (R, A and the message are), but R and A are computed from secrets here, so
    // the constant-time reduction keeps the whole signing path free of value-dependent
    // branches (a valgrind ctgrind run then needs no declassification inside the library).
    let k = scalar::reduce_wide_ct(&Sha512::digest(&[&big_r, public, message]));
    let s = scalar::mul_add_ct(&k, scalar_a.expose_secret(), &r);
    zeroize::Zeroize::zeroize(&mut r);
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&big_r);
    sig[32..].copy_from_slice(&s);
    sig
}

/// RFC 8032 Ed25519 signing from a 32-byte seed over field strategy `F`: `(A, signature)`.
pub fn sign_with<F: Field>(seed: &[u8; 32], message: &[u8]) -> ([u8; 32], [u8; 64]) {
    let (a, prefix, (public, _)) = expand::<F>(seed);
    (public, sign_expanded::<F>(&a, &prefix, &public, message))
}

impl Ed25519SigningKey {
    /// Expands a 32-byte seed (every seed is a valid key).
    pub fn from_seed(seed: SecretBytes<32>) -> Self {
        // `a` is a multiple of 8 and not 0 mod L, so `[a]B` has order L (never small), and its
        // encoding is canonical: a valid public key, kept with Z = 1 for verification.
        let (scalar, prefix, (public, point)) = expand::<Fe>(seed.expose_secret());
        Self {
            seed,
            scalar,
            prefix,
            public: Ed25519PublicKey {
                bytes: public,
                point,
            },
        }
    }

    /// The seed this key was made from.
    pub fn seed(&self) -> &SecretBytes<32> {
        &self.seed
    }

    /// The public key.
    pub fn public(&self) -> Ed25519PublicKey {
        self.public
    }

    /// Signs `message` (deterministic, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        sign_expanded::<Fe>(&self.scalar, &self.prefix, &self.public.bytes, message)
    }
}

/// A public key from its encoding: 32 bytes, canonical, a point, not of small order.
fn import_public(bytes: &[u8]) -> Result<Ed25519PublicKey, Error> {
    let bytes: &[u8; 32] = bytes.try_into().map_err(|_| Error::InvalidInput)?;
    Ed25519PublicKey::from_bytes(bytes).ok_or(Error::InvalidInput)
}

bulwark_api::impl_verify! {
    Ed25519 for crate::Compact: Ed25519PublicKey;
    import_public(bytes) => import_public(bytes);
    export_public(key) => key.bytes;
    verify(key, message, signature) => if key.verify(message, &signature.to_bytes()) {
        Ok(())
    } else {
        Err(Error::Verification)
    };
}

bulwark_api::impl_sign! {
    Ed25519 for crate::Compact: Ed25519SigningKey;
    generate(rng) => SecretBytes::random(rng).map(Ed25519SigningKey::from_seed);
    import(secret) => Ok(Ed25519SigningKey::from_seed(secret));
    public(key) => Ok(key.public);
    sign(key, message) => Ok(Ed25519Signature::from_bytes(&key.sign(message)));
}
