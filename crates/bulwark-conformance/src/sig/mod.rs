//! Checks for signatures: Ed25519 (RFC 8032) and ECDSA over P-256 with SHA-256 (FIPS 186-5).
//!
//! Verification checks take the backend as `&mut K` with `K: Verify<Ed25519>` or
//! `K: VerifyPrehash<EcdsaP256> + Sha256` (the ECDSA checks run every record through both
//! `verify` and `verify_prehash`); signing checks need `K: Sign<_>`. Signatures are compared
//! as plain bytes (they are public).
//!
//! # Policies
//!
//! - **Ed25519 public keys**: `import_public` refuses, with [`Error::InvalidInput`], every
//!   length but 32, encodings that are not canonical (`y >= p`, or `x = 0` with the sign bit
//!   set), and the 8 points of small order ([`ED25519_SMALL_ORDER`]).
//! - **Ed25519 signatures** ([`bulwark_api::sig::Ed25519Signature`]) are exactly 64 bytes
//!   (any other length is refused by the constructor); verified strictly: `S < L`, `R` a valid,
//!   canonically encoded point that is not of small order; the equation is the cofactorless
//!   `[S]B = R + [k]A` (RFC 8032 section 5.1.7 allows it). Any failure is
//!   [`Error::Verification`].
//! - **Wycheproof "acceptable" Ed25519 records** (29): the 8 `SmallOrderPublicKey` records
//!   are rejected at import ([`Error::InvalidInput`]): a small-order key makes signatures
//!   that verify for many messages, and a strict verifier refuses it. The 21
//!   `MixedOrderPublicKey` records (a key with a small torsion component, not itself of small
//!   order) import, and their signatures must **verify**: the cofactorless equation holds for
//!   them, and a strict verifier in the dalek sense (`verify_strict`) checks only that the key
//!   is not of small order, not that it has no torsion component. [`ed25519_wycheproof`]
//!   asserts exactly this, so a backend that changes behaviour is noticed.
//! - **ECDSA public keys**: SEC1 uncompressed (65 bytes) or compressed (33 bytes), on the
//!   curve, not the identity; anything else is [`Error::InvalidInput`].
//! - **ECDSA signatures** ([`bulwark_api::sig::EcdsaP256Signature`]) are read explicitly:
//!   fixed `r || s` (64 bytes, IEEE P1363) from the P1363 and CAVP files, strict DER (X.690
//!   distinguished encoding: minimal definite lengths, minimal non-negative INTEGERs, no
//!   trailing bytes, the right tags) from the DER files; an encoding the constructor refuses
//!   counts as a refused signature. `r` and `s` must be in `1..n`. **High `s` is accepted**:
//!   FIPS 186-5 ECDSA accepts both `s` and `n - s`, and the NIST and Wycheproof vectors expect
//!   it (the RFC 6979 P-256 "sample" signature itself has a high `s`). Any failure is
//!   [`Error::Verification`].
//! - **ECDSA prehash**: the digest must be at least 32 bytes ([`Error::InvalidInput`]
//!   otherwise); a longer digest is truncated to its leftmost 256 bits (FIPS 186-5 bits2int).

mod ecdsa;
mod ecdsa_negative;
mod ed25519;

pub use ecdsa::{
    ecdsa_p256_cavp_sigver, ecdsa_p256_rfc6979, ecdsa_p256_round_trip, ecdsa_p256_wycheproof_der,
    ecdsa_p256_wycheproof_p1363,
};
pub use ecdsa_negative::ecdsa_p256_negative;
pub use ed25519::{
    ED25519_SMALL_ORDER, ed25519_negative, ed25519_rfc8032, ed25519_round_trip, ed25519_sign_input,
    ed25519_wycheproof,
};

use crate::{
    DeterministicTestRng, FailingTestRng, Failure, Report, hex_array, mismatch, vectors::Record,
};
use bulwark_api::{
    Error, SecretBytes,
    sig::{Algorithm, Sign},
};

/// Published record counts: a check fails if its file holds any other number.
pub mod counts {
    /// The Ed25519 reference `sign.input` (SUPERCOP).
    pub const ED25519_SIGN_INPUT: usize = 1024;
    /// RFC 8032 section 7.1 TEST 1, 2, 3 and 1024 (records 1-3 and 1,024 of `sign.input`).
    pub const ED25519_RFC8032: usize = 4;
    /// Wycheproof `ed25519_test.json`.
    pub const ED25519_WYCHEPROOF: usize = 210;
    /// Wycheproof `ecdsa_secp256r1_sha256_test.json` (DER signatures).
    pub const ECDSA_P256_WYCHEPROOF_DER: usize = 484;
    /// Wycheproof `ecdsa_secp256r1_sha256_p1363_test.json` (`r || s` signatures).
    pub const ECDSA_P256_WYCHEPROOF_P1363: usize = 262;
    /// NIST CAVP FIPS 186-3 `SigVer.rsp`, `[P-256,SHA-256]`.
    pub const ECDSA_P256_CAVP_SIGVER: usize = 15;
    /// RFC 6979 appendix A.2.5, P-256 with SHA-256 (2 signatures, 2 altered copies).
    pub const ECDSA_P256_RFC6979: usize = 4;
}

/// Flips bit `bit` (taken modulo the buffer's bit length) of `buf`; nothing for an empty one.
pub(crate) fn flip(buf: &mut [u8], bit: usize) {
    let bits = buf.len() * 8;
    if bits == 0 {
        return;
    }
    let bit = bit % bits;
    if let Some(byte) = buf.get_mut(bit / 8) {
        *byte ^= 1 << (bit % 8);
    }
}

/// Imports a 32-byte secret field as a signing key.
pub(crate) fn signing_key<A: Algorithm, K: Sign<A>>(
    k: &mut K,
    r: &Record<'_>,
    name: &str,
    set: &'static str,
) -> Result<K::SigningKey, Failure> {
    let mut bytes: [u8; 32] = hex_array(r, name, set)?;
    k.import_signing_key(SecretBytes::take_from(&mut bytes))
        .map_err(|_| mismatch(set, r.line, "signing key import failed"))
}

/// The algorithm-independent part of the round-trip checks. `to_fixed` and `from_fixed` give
/// a signature's 64 bytes (Ed25519 `R || S`, ECDSA `r || s`) and back, to alter one bit.
pub(crate) fn sign_round_trip<A: Algorithm, K: Sign<A>>(
    k: &mut K,
    set: &'static str,
    seed: u64,
    to_fixed: fn(&A::Signature) -> [u8; 64],
    from_fixed: fn(&[u8; 64]) -> A::Signature,
) -> Result<Report, Failure> {
    let mut report = Report::new(set);
    let mut rng = DeterministicTestRng::new(seed);
    let mut other = k
        .generate_signing_key(&mut rng)
        .map_err(|_| mismatch(set, 0, "generate_signing_key failed"))?;
    for (case, len) in [0usize, 1, 31, 32, 63, 64, 65, 255].into_iter().enumerate() {
        report.checked += 1;
        let key = k
            .generate_signing_key(&mut rng)
            .map_err(|_| mismatch(set, case, "generate_signing_key failed"))?;
        let public = k
            .signing_public(&key)
            .map_err(|_| mismatch(set, case, "signing_public failed"))?;
        let wire = k.export_public(&public);
        let imported = k
            .import_public(wire.as_ref())
            .map_err(|_| mismatch(set, case, "own public key refused"))?;
        if k.export_public(&imported) != wire {
            return Err(mismatch(set, case, "public key does not round-trip"));
        }
        let mut buf = [0u8; 255];
        let msg = buf.get_mut(..len).ok_or(mismatch(set, case, "case"))?;
        bulwark_api::Rng::fill_bytes(&mut rng, msg)
            .map_err(|_| mismatch(set, case, "test generator failed"))?;
        let sig = k
            .sign(&key, msg)
            .map_err(|_| mismatch(set, case, "sign failed"))?;
        let again = k
            .sign(&key, msg)
            .map_err(|_| mismatch(set, case, "sign failed"))?;
        if sig != again {
            return Err(mismatch(set, case, "signing is not deterministic"));
        }
        if k.verify(&imported, msg, &sig).is_err() {
            return Err(mismatch(set, case, "own signature refused"));
        }
        let mut bad = to_fixed(&sig);
        flip(&mut bad, case * 67 + 5);
        if k.verify(&imported, msg, &from_fixed(&bad)) != Err(Error::Verification) {
            return Err(mismatch(set, case, "altered signature accepted"));
        }
        let tampered = if msg.is_empty() {
            k.verify(&imported, b"x", &sig)
        } else {
            flip(msg, case * 13);
            k.verify(&imported, msg, &sig)
        };
        if tampered != Err(Error::Verification) {
            return Err(mismatch(set, case, "altered message accepted"));
        }
        let other_public = k
            .signing_public(&other)
            .map_err(|_| mismatch(set, case, "signing_public failed"))?;
        if k.verify(&other_public, msg, &sig) != Err(Error::Verification) {
            return Err(mismatch(set, case, "signature accepted under another key"));
        }
        other = key;
        report.valid += 1;
    }
    // The same secret bytes give the same key.
    report.checked += 1;
    let mut seed_bytes = [0x5au8; 32];
    seed_bytes[0] = 0x01;
    let a = k
        .import_signing_key(SecretBytes::take_from(&mut seed_bytes.clone()))
        .and_then(|key| k.signing_public(&key))
        .map_err(|_| mismatch(set, 100, "import_signing_key failed"))?;
    let b = k
        .import_signing_key(SecretBytes::take_from(&mut seed_bytes))
        .and_then(|key| k.signing_public(&key))
        .map_err(|_| mismatch(set, 100, "import_signing_key failed"))?;
    if k.export_public(&a) != k.export_public(&b) {
        return Err(mismatch(set, 100, "same secret, different public keys"));
    }
    report.valid += 1;
    report.checked += 2;
    if k.generate_signing_key(&mut FailingTestRng(Error::Hardware))
        .err()
        != Some(Error::Hardware)
        || k.generate_signing_key(&mut FailingTestRng(Error::Busy))
            .err()
            != Some(Error::Busy)
    {
        return Err(mismatch(set, 101, "generator error not passed on"));
    }
    report.rejected += 2;
    Ok(report)
}
