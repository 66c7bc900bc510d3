//! `Verify`, `VerifyPrehash` and `Sign` for ECDSA P-256 with SHA-256 (FIPS 186-5; RFC 6979
//! deterministic nonces) on the compact arithmetic.

use super::ecdh::{CompactP256, P256PublicKey, SecretScalar};
use super::point::{self};
use super::scalar::Scalar;
use bulwark_api::{
    Error, Rng, SecretBytes,
    sig::{EcdsaP256, EcdsaP256Signature, Sign, Verify, VerifyPrehash},
};
use hmac::{KeyInit, Mac};
use zeroize::Zeroize;

/// An ECDSA P-256 signing key, a scalar in `1..n`: zeroized on drop, not `Clone`, never
/// printed.
pub struct EcdsaP256SigningKey(SecretScalar);

impl core::fmt::Debug for EcdsaP256SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EcdsaP256SigningKey")
            .finish_non_exhaustive()
    }
}

impl zeroize::ZeroizeOnDrop for EcdsaP256SigningKey {}

/// Splits `tag len content` off `input` (short-form lengths only, the only DER form here).
fn der_take(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    let (&len, rest) = rest.split_first()?;
    if t != tag || len >= 0x80 {
        return None;
    }
    rest.split_at_checked(usize::from(len))
}

/// A minimal non-negative DER INTEGER of at most 32 value bytes, as 32 big-endian bytes.
fn der_uint(content: &[u8]) -> Option<[u8; 32]> {
    let digits = match content {
        [] => return None,
        [first, ..] if first & 0x80 != 0 => return None,
        [0, second, ..] if second & 0x80 == 0 => return None,
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => content,
    };
    let mut out = [0u8; 32];
    let start = 32usize.checked_sub(digits.len())?;
    out[start..].copy_from_slice(digits);
    Some(out)
}

/// `r` and `s` from 64 raw bytes or strict DER, each in `1..n`.
fn parse_signature(signature: &[u8]) -> Option<(Scalar, Scalar)> {
    let (r, s) = if signature.len() == 64 {
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&signature[..32]);
        s.copy_from_slice(&signature[32..]);
        (r, s)
    } else {
        let (body, rest) = der_take(signature, 0x30)?;
        if !rest.is_empty() {
            return None;
        }
        let (r, rest) = der_take(body, 0x02)?;
        let (s, rest) = der_take(rest, 0x02)?;
        if !rest.is_empty() {
            return None;
        }
        (der_uint(r)?, der_uint(s)?)
    };
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
fn verify_digest(key: &P256PublicKey, digest: &[u8], signature: &[u8]) -> Result<(), Error> {
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

fn sha256(message: &[u8]) -> [u8; 32] {
    <sha2::Sha256 as sha2::Digest>::digest(message).into()
}

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// `HMAC-SHA-256(key, parts...)`.
fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    // A 32-byte key is always accepted.
    let mut mac = match <HmacSha256 as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return [0; 32],
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Signs a SHA-256 digest with the RFC 6979 nonce (HMAC-SHA-256 DRBG over the key and the
/// digest reduced mod n).
fn sign_digest(d: &Scalar, digest: &[u8; 32]) -> Result<[u8; 64], Error> {
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
                return Ok(out);
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

impl Verify<EcdsaP256> for CompactP256 {
    type PublicKey = P256PublicKey;

    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error> {
        P256PublicKey::from_sec1(bytes)
    }

    fn export_public(&mut self, key: &Self::PublicKey) -> [u8; 65] {
        key.to_sec1_uncompressed()
    }

    fn verify(
        &mut self,
        key: &Self::PublicKey,
        message: &[u8],
        signature: &EcdsaP256Signature,
    ) -> Result<(), Error> {
        verify_digest(key, &sha256(message), &signature.to_fixed())
    }
}

impl VerifyPrehash<EcdsaP256> for CompactP256 {
    fn verify_prehash(
        &mut self,
        key: &Self::PublicKey,
        digest: &[u8],
        signature: &EcdsaP256Signature,
    ) -> Result<(), Error> {
        if digest.len() < 32 {
            return Err(Error::InvalidInput);
        }
        verify_digest(key, digest, &signature.to_fixed())
    }
}

impl Sign<EcdsaP256> for CompactP256 {
    type SigningKey = EcdsaP256SigningKey;

    fn generate_signing_key<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::SigningKey, Error> {
        SecretScalar::generate(rng).map(EcdsaP256SigningKey)
    }

    fn import_signing_key(&mut self, secret: SecretBytes<32>) -> Result<Self::SigningKey, Error> {
        SecretScalar::from_bytes(secret.expose_secret()).map(EcdsaP256SigningKey)
    }

    fn signing_public(&mut self, key: &Self::SigningKey) -> Result<Self::PublicKey, Error> {
        key.0.public()
    }

    fn sign(
        &mut self,
        key: &Self::SigningKey,
        message: &[u8],
    ) -> Result<EcdsaP256Signature, Error> {
        sign_digest(&key.0.0, &sha256(message)).map(|s| EcdsaP256Signature::from_fixed(&s))
    }
}
