//! `Verify`, `VerifyPrehash` and `Sign` for ECDSA P-256 with SHA-256 (FIPS 186-5; RFC 6979
//! deterministic nonces) on the compact arithmetic.

use super::ecdh::{CompactP256, P256PublicKey, SecretScalar};
use super::point::{self};
use super::scalar::Scalar;
use crate::hash::{hmac_sha256, sha256};
use bulwark_api::{
    Error,
    sig::{EcdsaP256, EcdsaP256Signature},
};
use zeroize::Zeroize;

/// An ECDSA P-256 signing key, a scalar in `1..n`: zeroized on drop, not `Clone`, never
/// printed.
pub struct EcdsaP256SigningKey(SecretScalar);

bulwark_api::redacted_debug!(EcdsaP256SigningKey);

impl zeroize::ZeroizeOnDrop for EcdsaP256SigningKey {}

/// `r` and `s` from the fixed form, each in `1..n`.
fn parse_signature(signature: &EcdsaP256Signature) -> Option<(Scalar, Scalar)> {
    let fixed = signature.to_fixed();
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    r.copy_from_slice(&fixed[..32]);
    s.copy_from_slice(&fixed[32..]);
    let r = Scalar::from_bytes(&r)?;
    let s = Scalar::from_bytes(&s)?;
    (r.is_zero_mask() == 0 && s.is_zero_mask() == 0).then_some((r, s))
}

/// The leftmost 256 bits of a digest as an integer mod n (bits2int, then one reduction).
fn digest_scalar(digest: &[u8]) -> Option<Scalar> {
    let mut e = [0u8; 32];
    e.copy_from_slice(digest.get(..32)?);
    Some(Scalar::reduce_bytes(&e))
}

/// FIPS 186-5 verification: `R = (e/s) G + (r/s) Q`, accept iff `x(R) mod n = r`.
fn verify_digest(
    key: &P256PublicKey,
    digest: &[u8],
    signature: &EcdsaP256Signature,
) -> Result<(), Error> {
    let e = digest_scalar(digest).ok_or(Error::InvalidInput)?;
    let (r, s) = parse_signature(signature).ok_or(Error::Verification)?;
    let w = s.invert_vartime().ok_or(Error::Verification)?;
    let u1 = e.mul(&w);
    let u2 = r.mul(&w);
    let big_r = point::double_mul_vartime(&u1, &u2, &key.0);
    if big_r.x_mod_n_equals_vartime(&r) {
        Ok(())
    } else {
        Err(Error::Verification)
    }
}

/// `HMAC-SHA-256(key, parts...)`.
fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    hmac_sha256(key, parts)
}

/// Signs a SHA-256 digest with the RFC 6979 nonce (HMAC-SHA-256 DRBG over the key and the
/// digest reduced mod n).
fn sign_digest(d: &Scalar, digest: &[u8; 32]) -> Result<EcdsaP256Signature, Error> {
    let e = Scalar::reduce_bytes(digest);
    let mut x = d.to_bytes();
    let h1 = e.to_bytes();
    let mut v = [1u8; 32];
    let mut k = [0u8; 32];
    k = hmac(&k, &[&v, &[0], &x, &h1]);
    v = hmac(&k, &[&v]);
    k = hmac(&k, &[&v, &[1], &x, &h1]);
    v = hmac(&k, &[&v]);
    x.zeroize();
    // Each candidate is in range with probability about 1 - 2^-32: a fixed bound on the
    // number of tries keeps the loop finite.
    for _ in 0..P256_SIGN_ATTEMPTS {
        v = hmac(&k, &[&v]);
        if let Some(nonce) = Scalar::from_bytes(&v)
            && nonce.is_zero_mask() == 0
        {
            let nonce = SecretScalar(nonce);
            let big_r = point::mul_secret(&nonce.0, &point::G).to_affine_unchecked();
            let r = Scalar::reduce_bytes(&big_r.x.to_bytes());
            let s = nonce.0.invert().mul(&e.add(&r.mul(d)));
            // r and s are the public signature.
            if r.is_zero_mask() == 0 && s.is_zero_mask() == 0 {
                let mut out = [0u8; 64];
                out[..32].copy_from_slice(&r.to_bytes());
                out[32..].copy_from_slice(&s.to_bytes());
                k.zeroize();
                v.zeroize();
                return Ok(EcdsaP256Signature::from_fixed(&out));
            }
        }
        k = hmac(&k, &[&v, &[0]]);
        v = hmac(&k, &[&v]);
    }
    k.zeroize();
    v.zeroize();
    Err(Error::Hardware)
}

/// How many RFC 6979 candidates signing tries before giving up (each fails with probability
/// about 2^-32).
const P256_SIGN_ATTEMPTS: usize = 16;

/// `Verify`, `VerifyPrehash` and `Sign` for ECDSA P-256 on a compact backend type:
/// [`CompactP256`] and [`crate::Compact`] run the same code.
macro_rules! ecdsa_p256_traits {
    ($backend:ty) => {
        bulwark_api::impl_verify! {
            EcdsaP256 for $backend: P256PublicKey;
            import_public(bytes) => P256PublicKey::from_sec1(bytes);
            export_public(key) => key.to_sec1_uncompressed();
            verify(key, message, signature) => verify_digest(key, &sha256(message), signature);
            // `verify_digest` takes the leftmost 32 bytes and refuses a shorter digest.
            verify_prehash(key, digest, signature) => verify_digest(key, digest, signature);
        }

        bulwark_api::impl_sign! {
            EcdsaP256 for $backend: EcdsaP256SigningKey;
            generate(rng) => SecretScalar::generate(rng).map(EcdsaP256SigningKey);
            import(secret) => SecretScalar::from_bytes(secret.expose_secret()).map(EcdsaP256SigningKey);
            public(key) => key.0.public();
            sign(key, message) => sign_digest(&key.0.0, &sha256(message));
        }
    };
}
ecdsa_p256_traits!(CompactP256);
ecdsa_p256_traits!(crate::Compact);
