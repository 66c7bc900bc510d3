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
//! - **Ed25519 signatures** are verified strictly: exactly 64 bytes, `S < L`, `R` a valid,
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
//! - **ECDSA signatures**: 64 bytes are raw `r || s`; every other length is strict DER (X.690
//!   distinguished encoding: short-form definite lengths, minimal non-negative INTEGERs, no
//!   trailing bytes, the right tags). `r` and `s` must be in `1..n`. **High `s` is accepted**:
//!   FIPS 186-5 ECDSA accepts both `s` and `n - s`, and the NIST and Wycheproof vectors expect
//!   it (the RFC 6979 P-256 "sample" signature itself has a high `s`). Any failure is
//!   [`Error::Verification`].
//! - **ECDSA prehash**: the digest must be at least 32 bytes ([`Error::InvalidInput`]
//!   otherwise); a longer digest is truncated to its leftmost 256 bits (FIPS 186-5 bits2int).

use crate::{
    DeterministicTestRng, FailingTestRng, Failure, Report, Scratch, StuckTestRng, expect_count,
    hex_array,
    kex::{P256_G, P256_N, P256_P},
    mismatch,
    vectors::{Record, Verdict, data, records},
};
use bulwark_api::{
    Error, SecretBytes,
    hash::Sha256,
    sig::{EcdsaP256, Ed25519, Sign, Verify, VerifyPrehash},
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

/// The 8 points of small order on edwards25519, canonically encoded (the identity, the point
/// of order 2, two of order 4 and four of order 8). Every strict verifier refuses them as
/// public keys; they are the keys of Wycheproof's `SmallOrderPublicKey` records.
pub const ED25519_SMALL_ORDER: [[u8; 32]; 8] = [
    [
        0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [0; 32],
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0x80,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0xfa,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x85,
    ],
];

/// The order `L = 2^252 + 27742317777372353535851937790883648493` of the edwards25519 prime
/// subgroup, little-endian.
const ED25519_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// The secret keys of RFC 8032 section 7.1 TEST 1, 2, 3 and 1024, with the record number
/// (1-based) where each sits in `ed25519_sign_input.txt`.
const RFC8032_TESTS: [(usize, [u8; 32]); 4] = [
    (
        1,
        [
            0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec,
            0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03,
            0x1c, 0xae, 0x7f, 0x60,
        ],
    ),
    (
        2,
        [
            0x4c, 0xcd, 0x08, 0x9b, 0x28, 0xff, 0x96, 0xda, 0x9d, 0xb6, 0xc3, 0x46, 0xec, 0x11,
            0x4e, 0x0f, 0x5b, 0x8a, 0x31, 0x9f, 0x35, 0xab, 0xa6, 0x24, 0xda, 0x8c, 0xf6, 0xed,
            0x4f, 0xb8, 0xa6, 0xfb,
        ],
    ),
    (
        3,
        [
            0xc5, 0xaa, 0x8d, 0xf4, 0x3f, 0x9f, 0x83, 0x7b, 0xed, 0xb7, 0x44, 0x2f, 0x31, 0xdc,
            0xb7, 0xb1, 0x66, 0xd3, 0x85, 0x35, 0x07, 0x6f, 0x09, 0x4b, 0x85, 0xce, 0x3a, 0x2e,
            0x0b, 0x44, 0x58, 0xf7,
        ],
    ),
    (
        1024,
        [
            0xf5, 0xe5, 0x76, 0x7c, 0xf1, 0x53, 0x31, 0x95, 0x17, 0x63, 0x0f, 0x22, 0x68, 0x76,
            0xb8, 0x6c, 0x81, 0x60, 0xcc, 0x58, 0x3b, 0xc0, 0x13, 0x74, 0x4c, 0x6b, 0xf2, 0x55,
            0xf5, 0xcc, 0x0e, 0xe5,
        ],
    ),
];

/// Flips bit `bit` (taken modulo the buffer's bit length) of `buf`; nothing for an empty one.
fn flip(buf: &mut [u8], bit: usize) {
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
fn signing_key<S: bulwark_api::sig::SignatureScheme, K: Sign<S>>(
    k: &mut K,
    r: &Record<'_>,
    name: &str,
    set: &'static str,
) -> Result<K::SigningKey, Failure> {
    let mut bytes: [u8; 32] = hex_array(r, name, set)?;
    k.import_signing_key(SecretBytes::take_from(&mut bytes))
        .map_err(|_| mismatch(set, r.line, "signing key import failed"))
}

/// One `sign.input` record: the signing key's public key is `public`, signing gives exactly
/// `sig`, `sig` verifies under the imported `public`, and one flipped bit of the signature or
/// of the message (an extra byte for the empty message) is [`Error::Verification`].
fn ed25519_sign_record<K: Sign<Ed25519>>(
    k: &mut K,
    r: &Record<'_>,
    set: &'static str,
    msg_buf: &mut [u8],
) -> Result<(), Failure> {
    let parse = Failure::Parse { set, line: r.line };
    let public: [u8; 32] = hex_array(r, "public", set)?;
    let expected: [u8; 64] = hex_array(r, "sig", set)?;
    let msg = r.hex("msg", msg_buf).ok_or(parse)?;
    let key = signing_key(k, r, "secret", set)?;
    let derived = k
        .signing_public(&key)
        .map_err(|_| mismatch(set, r.line, "signing_public failed"))?;
    if k.export_public(&derived) != public {
        return Err(mismatch(set, r.line, "public key differs"));
    }
    let imported = k
        .import_public(&public)
        .map_err(|_| mismatch(set, r.line, "public key import failed"))?;
    let signature = k
        .sign(&key, msg)
        .map_err(|_| mismatch(set, r.line, "sign failed"))?;
    if signature.as_ref() != expected {
        return Err(mismatch(set, r.line, "signature differs"));
    }
    if k.verify(&imported, msg, &expected).is_err() {
        return Err(mismatch(set, r.line, "signature does not verify"));
    }
    let mut bad = expected;
    flip(&mut bad, r.line.wrapping_mul(131));
    if k.verify(&imported, msg, &bad) != Err(Error::Verification) {
        return Err(mismatch(set, r.line, "altered signature accepted"));
    }
    let tampered = if msg.is_empty() {
        k.verify(&imported, &[0], &expected)
    } else {
        flip(msg, r.line.wrapping_mul(37));
        k.verify(&imported, msg, &expected)
    };
    if tampered != Err(Error::Verification) {
        return Err(mismatch(set, r.line, "altered message accepted"));
    }
    Ok(())
}

/// RFC 8032 section 7.1 TEST 1, 2, 3 and 1024 (records 1-3 and 1,024 of the reference
/// `sign.input`; the check confirms each record's secret key is the RFC's). Each goes through
/// [`ed25519_sign_input`]'s record check. (TEST SHA(abc) is not in our vector files and is
/// not checked.) Needs 1,023 bytes of `MSG` for TEST 1024 (skipped otherwise).
pub fn ed25519_rfc8032<K: Sign<Ed25519>, const BIG: usize, const MSG: usize>(
    k: &mut K,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "RFC 8032 Ed25519 (TEST 1, 2, 3, 1024)";
    let mut report = Report::new(SET);
    for (index, r) in records(data::ED25519_SIGN_INPUT).enumerate() {
        let Some((_, seed)) = RFC8032_TESTS.iter().find(|(n, _)| *n == index + 1) else {
            continue;
        };
        report.checked += 1;
        let secret: [u8; 32] = hex_array(&r, "secret", SET)?;
        if secret != *seed {
            return Err(Failure::Parse {
                set: SET,
                line: r.line,
            });
        }
        if r.hex_len("msg").is_none_or(|n| n > MSG) {
            report.skipped += 1;
            continue;
        }
        ed25519_sign_record(k, &r, SET, &mut s.a)?;
        report.valid += 1;
    }
    expect_count(report, counts::ED25519_RFC8032)
}

/// The Ed25519 reference `sign.input` (1,024 records, messages of 0 to 1,023 bytes): for
/// every record, the key derived from the seed is `public`, signing gives exactly `sig`
/// (Ed25519 is deterministic), `sig` verifies, and one flipped bit of the signature or the
/// message is rejected with [`Error::Verification`]. Messages longer than `MSG` are skipped.
pub fn ed25519_sign_input<K: Sign<Ed25519>, const BIG: usize, const MSG: usize>(
    k: &mut K,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "Ed25519 sign.input";
    let mut report = Report::new(SET);
    for r in records(data::ED25519_SIGN_INPUT) {
        report.checked += 1;
        if r.hex_len("msg").is_none_or(|n| n > MSG) {
            report.skipped += 1;
            continue;
        }
        ed25519_sign_record(k, &r, SET, &mut s.a)?;
        report.valid += 1;
    }
    expect_count(report, counts::ED25519_SIGN_INPUT)
}

/// What a verifier made of a record: the key import failed, or the verification result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Import(Error),
    Verify(Result<(), Error>),
}

/// Wycheproof Ed25519 (210 records: 117 valid, 29 acceptable, 64 invalid).
///
/// Valid records import, export unchanged and verify. Invalid records are refused, either at
/// import ([`Error::InvalidInput`]) or by `verify` ([`Error::Verification`]). Acceptable
/// records follow the module's policy: the 8 `SmallOrderPublicKey` records are refused at
/// import with [`Error::InvalidInput`]; the 21 `MixedOrderPublicKey` records import and
/// verify. So the report shows 138 accepted (117 + 21) and 72 rejected (64 + 8). Messages and
/// signatures longer than `MSG` (1,023 and 96 bytes at most) are skipped.
pub fn ed25519_wycheproof<K: Verify<Ed25519>, const BIG: usize, const MSG: usize>(
    k: &mut K,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "Wycheproof Ed25519";
    let mut report = Report::new(SET);
    let Scratch { a, b, .. } = s;
    for r in records(data::ED25519_WYCHEPROOF) {
        report.checked += 1;
        let parse = Failure::Parse {
            set: SET,
            line: r.line,
        };
        if !["msg", "sig"]
            .iter()
            .all(|f| r.hex_len(f).is_some_and(|n| n <= MSG))
        {
            report.skipped += 1;
            continue;
        }
        let public: [u8; 32] = hex_array(&r, "public", SET)?;
        let msg = r.hex("msg", a).ok_or(parse)?;
        let sig = r.hex("sig", b).ok_or(parse)?;
        let outcome = match k.import_public(&public) {
            Err(e) => Outcome::Import(e),
            Ok(key) => {
                if k.export_public(&key) != public {
                    return Err(mismatch(
                        SET,
                        r.line,
                        "public key does not export unchanged",
                    ));
                }
                Outcome::Verify(k.verify(&key, msg, sig))
            }
        };
        let small = r.has_flag("SmallOrderPublicKey");
        let mixed = r.has_flag("MixedOrderPublicKey");
        match r.verdict().ok_or(parse)? {
            Verdict::Valid => {
                if outcome != Outcome::Verify(Ok(())) {
                    return Err(mismatch(SET, r.line, "valid signature refused"));
                }
                report.valid += 1;
            }
            Verdict::Acceptable if small => {
                if outcome != Outcome::Import(Error::InvalidInput) {
                    return Err(mismatch(
                        SET,
                        r.line,
                        "small-order public key not refused with InvalidInput",
                    ));
                }
                report.rejected += 1;
            }
            Verdict::Acceptable if mixed => {
                if outcome != Outcome::Verify(Ok(())) {
                    return Err(mismatch(
                        SET,
                        r.line,
                        "mixed-order public key: signature not accepted (policy: accept)",
                    ));
                }
                report.valid += 1;
            }
            Verdict::Acceptable => return Err(parse),
            Verdict::Invalid => {
                if !matches!(
                    outcome,
                    Outcome::Import(Error::InvalidInput)
                        | Outcome::Verify(Err(Error::Verification))
                ) {
                    return Err(mismatch(SET, r.line, "invalid signature not refused"));
                }
                report.rejected += 1;
            }
        }
    }
    expect_count(report, counts::ED25519_WYCHEPROOF)
}

/// Ed25519 negative cases, on RFC 8032 TEST 2 (record 2 of `sign.input`, which must verify):
/// every public-key length from 0 to 40 but 32, the 8 small-order points, and the
/// non-canonical encodings (`y = p + i` for `i` in `0..19`, each with both sign bits; `x = 0`
/// with the sign bit set, for `y = 1` and `y = -1`) are [`Error::InvalidInput`] at import.
/// Every signature length from 0 to 96 but 64, `S + L` (the malleable twin of a valid `S`),
/// `R` replaced by each small-order point or by a non-canonical encoding, and the all-zero
/// signature are [`Error::Verification`].
pub fn ed25519_negative<K: Verify<Ed25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Ed25519 negative cases";
    let mut report = Report::new(SET);
    let r = records(data::ED25519_SIGN_INPUT)
        .nth(1)
        .ok_or(Failure::Parse { set: SET, line: 0 })?;
    let public: [u8; 32] = hex_array(&r, "public", SET)?;
    let sig: [u8; 64] = hex_array(&r, "sig", SET)?;
    let msg: [u8; 1] = hex_array(&r, "msg", SET)?;

    let refuse_key = |k: &mut K, report: &mut Report, case: usize, bytes: &[u8]| {
        report.checked += 1;
        if k.import_public(bytes).err() != Some(Error::InvalidInput) {
            return Err(mismatch(SET, case, "invalid public key not refused"));
        }
        report.rejected += 1;
        Ok(())
    };
    let mut long = [0u8; 41];
    long[..32].copy_from_slice(&public);
    for len in (0..=40usize).filter(|&n| n != 32) {
        refuse_key(k, &mut report, len, long.get(..len).unwrap_or(&[]))?;
    }
    for (i, point) in ED25519_SMALL_ORDER.iter().enumerate() {
        refuse_key(k, &mut report, 100 + i, point)?;
    }
    for i in 0..19u8 {
        for sign in [0u8, 0x80] {
            // y = p + i, little-endian: p = 2^255 - 19 is `ed ff .. ff 7f`.
            let mut y = [0xffu8; 32];
            y[0] = 0xed + i;
            y[31] = 0x7f | sign;
            refuse_key(k, &mut report, 200 + 2 * usize::from(i), &y)?;
        }
    }
    let mut neg_zero = [0u8; 32];
    neg_zero[0] = 1;
    neg_zero[31] = 0x80; // y = 1, x = 0 with the sign bit: "-0"
    refuse_key(k, &mut report, 300, &neg_zero)?;
    let mut neg_zero_2 = [0xffu8; 32];
    neg_zero_2[0] = 0xec; // y = -1, x = 0 with the sign bit
    refuse_key(k, &mut report, 301, &neg_zero_2)?;

    let key = k
        .import_public(&public)
        .map_err(|_| mismatch(SET, 400, "RFC 8032 TEST 2 key refused"))?;
    report.checked += 1;
    if k.verify(&key, &msg, &sig).is_err() {
        return Err(mismatch(SET, 400, "RFC 8032 TEST 2 signature refused"));
    }
    report.valid += 1;
    let refuse_sig = |k: &mut K, report: &mut Report, case: usize, bytes: &[u8]| {
        report.checked += 1;
        if k.verify(&key, &msg, bytes) != Err(Error::Verification) {
            return Err(mismatch(SET, case, "invalid signature not refused"));
        }
        report.rejected += 1;
        Ok(())
    };
    let mut long_sig = [0u8; 97];
    long_sig[..64].copy_from_slice(&sig);
    for len in (0..=96usize).filter(|&n| n != 64) {
        refuse_sig(
            k,
            &mut report,
            500 + len,
            long_sig.get(..len).unwrap_or(&[]),
        )?;
    }
    // S + L: the same scalar mod L, non-canonical. S < L < 2^253, so the sum fits.
    let mut malleable = sig;
    let mut carry = 0u16;
    for (byte, l) in malleable[32..].iter_mut().zip(ED25519_L) {
        let sum = u16::from(*byte) + u16::from(l) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    refuse_sig(k, &mut report, 600, &malleable)?;
    for (i, point) in ED25519_SMALL_ORDER.iter().enumerate() {
        let mut bad = sig;
        bad[..32].copy_from_slice(point);
        refuse_sig(k, &mut report, 700 + i, &bad)?;
    }
    let mut bad = sig;
    bad[..32].copy_from_slice(&neg_zero);
    refuse_sig(k, &mut report, 710, &bad)?;
    let mut y_p_plus_1 = [0xffu8; 32];
    y_p_plus_1[0] = 0xee;
    y_p_plus_1[31] = 0x7f;
    bad[..32].copy_from_slice(&y_p_plus_1);
    refuse_sig(k, &mut report, 711, &bad)?;
    refuse_sig(k, &mut report, 712, &[0u8; 64])?;
    Ok(report)
}

/// Ed25519 generated keys: 8 keys from a [`DeterministicTestRng`], messages of 0 to 255
/// bytes. Signing twice gives the same signature; it verifies under the exported and
/// re-imported public key; one flipped bit of the message or the signature, or another key,
/// is [`Error::Verification`]; importing the same seed twice gives the same public key; a
/// failing generator's error reaches the caller.
pub fn ed25519_round_trip<K: Sign<Ed25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Ed25519 sign/verify round trips";
    sign_round_trip::<Ed25519, K>(k, SET, 0xed25519)
}

/// The scheme-independent part of the round-trip checks.
fn sign_round_trip<S: bulwark_api::sig::SignatureScheme, K: Sign<S>>(
    k: &mut K,
    set: &'static str,
    seed: u64,
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
        if sig.as_ref() != again.as_ref() {
            return Err(mismatch(set, case, "signing is not deterministic"));
        }
        if k.verify(&imported, msg, sig.as_ref()).is_err() {
            return Err(mismatch(set, case, "own signature refused"));
        }
        let mut bad = [0u8; 64];
        let n = sig.as_ref().len().min(64);
        bad[..n].copy_from_slice(sig.as_ref().get(..n).unwrap_or(&[]));
        let bad = bad.get_mut(..n).ok_or(mismatch(set, case, "case"))?;
        flip(bad, case * 67 + 5);
        if k.verify(&imported, msg, bad) != Err(Error::Verification) {
            return Err(mismatch(set, case, "altered signature accepted"));
        }
        let tampered = if msg.is_empty() {
            k.verify(&imported, b"x", sig.as_ref())
        } else {
            flip(msg, case * 13);
            k.verify(&imported, msg, sig.as_ref())
        };
        if tampered != Err(Error::Verification) {
            return Err(mismatch(set, case, "altered message accepted"));
        }
        let other_public = k
            .signing_public(&other)
            .map_err(|_| mismatch(set, case, "signing_public failed"))?;
        if k.verify(&other_public, msg, sig.as_ref()) != Err(Error::Verification) {
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

/// Encodes `r || s` as a minimal DER `ECDSA-Sig-Value` into `out`; returns the length.
/// (The checks' own encoder, independent of any backend.)
fn der_encode(raw: &[u8; 64], out: &mut [u8; 80]) -> usize {
    fn put(value: &[u8], out: &mut [u8; 80], at: &mut usize) {
        let first = value
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(value.len().saturating_sub(1));
        let digits = value.get(first..).unwrap_or(&[]);
        let pad = digits.first().is_some_and(|&b| b & 0x80 != 0);
        let len = digits.len() + usize::from(pad);
        let mut push = |b: u8| {
            if let Some(slot) = out.get_mut(*at) {
                *slot = b;
            }
            *at += 1;
        };
        push(0x02);
        push(len as u8);
        if pad {
            push(0);
        }
        for &d in digits {
            push(d);
        }
    }
    let mut at = 2;
    put(&raw[..32], out, &mut at);
    put(&raw[32..], out, &mut at);
    out[0] = 0x30;
    out[1] = (at - 2) as u8;
    at
}

/// `n - x` for a big-endian 32-byte `x < n`.
fn n_minus(x: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(P256_N[i]) - i16::from(x[i]) - borrow;
        borrow = 0;
        if d < 0 {
            d += 256;
            borrow = 1;
        }
        out[i] = d as u8;
    }
    out
}

/// `r || s` from two 32-byte hex fields.
fn raw_signature(r: &Record<'_>, set: &'static str) -> Result<[u8; 64], Failure> {
    let rr: [u8; 32] = hex_array(r, "r", set)?;
    let ss: [u8; 32] = hex_array(r, "s", set)?;
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&rr);
    out[32..].copy_from_slice(&ss);
    Ok(out)
}

/// SHA-256 of `msg` through the backend.
fn sha256<K: Sha256>(
    k: &mut K,
    msg: &[u8],
    set: &'static str,
    line: usize,
) -> Result<[u8; 32], Failure> {
    k.digest(&[msg])
        .map_err(|_| mismatch(set, line, "SHA-256 failed"))
}

/// `verify(msg)` and `verify_prehash(SHA-256(msg))`, which must agree; returns the result.
fn ecdsa_both<K: VerifyPrehash<EcdsaP256> + Sha256>(
    k: &mut K,
    key: &<K as Verify<EcdsaP256>>::PublicKey,
    msg: &[u8],
    sig: &[u8],
    set: &'static str,
    line: usize,
) -> Result<Result<(), Error>, Failure> {
    let digest = sha256(k, msg, set, line)?;
    let direct = k.verify(key, msg, sig);
    let prehashed = k.verify_prehash(key, &digest, sig);
    if direct != prehashed {
        return Err(mismatch(set, line, "verify and verify_prehash disagree"));
    }
    Ok(direct)
}

/// One Wycheproof ECDSA file: every public key imports; valid records verify (through
/// `verify` and `verify_prehash`; for `r || s` files also in DER form), invalid ones are
/// [`Error::Verification`] from both.
fn ecdsa_wycheproof<K: VerifyPrehash<EcdsaP256> + Sha256, const BIG: usize, const MSG: usize>(
    k: &mut K,
    s: &mut Scratch<BIG, MSG>,
    set: &'static str,
    file: &'static str,
    p1363: bool,
    expected: usize,
) -> Result<Report, Failure> {
    let mut report = Report::new(set);
    let Scratch { big, a, .. } = s;
    for r in records(file) {
        report.checked += 1;
        let parse = Failure::Parse { set, line: r.line };
        if r.hex_len("msg").is_none_or(|n| n > MSG) || r.hex_len("sig").is_none_or(|n| n > BIG) {
            report.skipped += 1;
            continue;
        }
        let public: [u8; 65] = hex_array(&r, "public", set)?;
        let msg = r.hex("msg", a).ok_or(parse)?;
        let sig = r.hex("sig", big).ok_or(parse)?;
        let key = k
            .import_public(&public)
            .map_err(|_| mismatch(set, r.line, "public key refused"))?;
        if k.export_public(&key) != public {
            return Err(mismatch(
                set,
                r.line,
                "public key does not export unchanged",
            ));
        }
        let result = ecdsa_both(k, &key, msg, sig, set, r.line)?;
        match r.verdict().ok_or(parse)? {
            Verdict::Valid => {
                if result.is_err() {
                    return Err(mismatch(set, r.line, "valid signature refused"));
                }
                if p1363 {
                    let raw: &[u8; 64] = (&*sig).try_into().map_err(|_| parse)?;
                    let mut der = [0u8; 80];
                    let n = der_encode(raw, &mut der);
                    let der = der.get(..n).ok_or(parse)?;
                    if ecdsa_both(k, &key, msg, der, set, r.line)?.is_err() {
                        return Err(mismatch(
                            set,
                            r.line,
                            "DER form of a valid signature refused",
                        ));
                    }
                }
                report.valid += 1;
            }
            Verdict::Invalid => {
                if result != Err(Error::Verification) {
                    return Err(mismatch(
                        set,
                        r.line,
                        "invalid signature not refused with Verification",
                    ));
                }
                report.rejected += 1;
            }
            Verdict::Acceptable => return Err(parse),
        }
    }
    expect_count(report, expected)
}

/// Wycheproof ECDSA P-256/SHA-256 with DER signatures (484 records: 174 valid, 310 invalid;
/// no acceptable ones). The invalid records include BER encodings (long-form and indefinite
/// lengths, padded integers), wrong tags, trailing data, negative and out-of-range `r` and
/// `s`: all must be [`Error::Verification`]. Valid ones include high-`s` signatures.
/// Signatures (up to 4,172 bytes) go in `BIG`, messages in `MSG`.
pub fn ecdsa_p256_wycheproof_der<
    K: VerifyPrehash<EcdsaP256> + Sha256,
    const BIG: usize,
    const MSG: usize,
>(
    k: &mut K,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    ecdsa_wycheproof(
        k,
        s,
        "Wycheproof ECDSA P-256/SHA-256 (DER)",
        data::ECDSA_P256_WYCHEPROOF_DER,
        false,
        counts::ECDSA_P256_WYCHEPROOF_DER,
    )
}

/// Wycheproof ECDSA P-256/SHA-256 with `r || s` signatures (262 records: 173 valid, 89
/// invalid). Invalid signatures of other lengths are taken as DER and refused. Every valid
/// signature must also verify re-encoded as DER.
pub fn ecdsa_p256_wycheproof_p1363<
    K: VerifyPrehash<EcdsaP256> + Sha256,
    const BIG: usize,
    const MSG: usize,
>(
    k: &mut K,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    ecdsa_wycheproof(
        k,
        s,
        "Wycheproof ECDSA P-256/SHA-256 (P1363)",
        data::ECDSA_P256_WYCHEPROOF_P1363,
        true,
        counts::ECDSA_P256_WYCHEPROOF_P1363,
    )
}

/// NIST CAVP SigVer `[P-256,SHA-256]` (15 records: 3 valid, 12 invalid: message, `r`, `s`
/// or `Q` changed). Each signature is checked as `r || s` and as DER, through `verify` and
/// `verify_prehash`. Every `Q` is a valid point and imports; invalid records are
/// [`Error::Verification`].
pub fn ecdsa_p256_cavp_sigver<
    K: VerifyPrehash<EcdsaP256> + Sha256,
    const BIG: usize,
    const MSG: usize,
>(
    k: &mut K,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "CAVP ECDSA SigVer P-256/SHA-256";
    let mut report = Report::new(SET);
    for r in records(data::ECDSA_P256_CAVP_SIGVER) {
        report.checked += 1;
        let parse = Failure::Parse {
            set: SET,
            line: r.line,
        };
        if r.hex_len("msg").is_none_or(|n| n > MSG) {
            report.skipped += 1;
            continue;
        }
        let qx: [u8; 32] = hex_array(&r, "qx", SET)?;
        let qy: [u8; 32] = hex_array(&r, "qy", SET)?;
        let mut public = [0u8; 65];
        public[0] = 0x04;
        public[1..33].copy_from_slice(&qx);
        public[33..].copy_from_slice(&qy);
        let raw = raw_signature(&r, SET)?;
        let mut der = [0u8; 80];
        let n = der_encode(&raw, &mut der);
        let der = der.get(..n).ok_or(parse)?;
        let msg = r.hex("msg", &mut s.a).ok_or(parse)?;
        let key = k
            .import_public(&public)
            .map_err(|_| mismatch(SET, r.line, "public key refused"))?;
        let as_raw = ecdsa_both(k, &key, msg, &raw, SET, r.line)?;
        let as_der = ecdsa_both(k, &key, msg, der, SET, r.line)?;
        if as_raw != as_der {
            return Err(mismatch(SET, r.line, "raw and DER forms disagree"));
        }
        match r.verdict().ok_or(parse)? {
            Verdict::Valid if as_raw.is_ok() => report.valid += 1,
            Verdict::Invalid if as_raw == Err(Error::Verification) => report.rejected += 1,
            Verdict::Acceptable => return Err(parse),
            _ => return Err(mismatch(SET, r.line, "verdict differs")),
        }
    }
    expect_count(report, counts::ECDSA_P256_CAVP_SIGVER)
}

/// RFC 6979 appendix A.2.5, P-256 with SHA-256 (4 records). Valid records (messages
/// "sample" and "test"): the key from `d` has public key `public`; signing gives exactly
/// `r || s` (deterministic nonces); the signature verifies as `r || s` and as the source's
/// DER. Invalid records (the DER signature with its last byte changed) are
/// [`Error::Verification`] in both forms.
pub fn ecdsa_p256_rfc6979<K: Sign<EcdsaP256> + VerifyPrehash<EcdsaP256> + Sha256>(
    k: &mut K,
) -> Result<Report, Failure> {
    const SET: &str = "RFC 6979 ECDSA P-256/SHA-256";
    let mut report = Report::new(SET);
    for r in records(data::ECDSA_P256_RFC6979) {
        report.checked += 1;
        let parse = Failure::Parse {
            set: SET,
            line: r.line,
        };
        let public: [u8; 65] = hex_array(&r, "public", SET)?;
        let raw = raw_signature(&r, SET)?;
        let mut msg_buf = [0u8; 16];
        let msg = r.hex("msg", &mut msg_buf).ok_or(parse)?;
        let mut der_buf = [0u8; 80];
        let der = r.hex("der", &mut der_buf).ok_or(parse)?;
        let key = k
            .import_public(&public)
            .map_err(|_| mismatch(SET, r.line, "public key refused"))?;
        let as_raw = ecdsa_both(k, &key, msg, &raw, SET, r.line)?;
        let as_der = ecdsa_both(k, &key, msg, der, SET, r.line)?;
        match r.verdict().ok_or(parse)? {
            Verdict::Valid => {
                let signer = signing_key(k, &r, "d", SET)?;
                let derived = k
                    .signing_public(&signer)
                    .map_err(|_| mismatch(SET, r.line, "signing_public failed"))?;
                if k.export_public(&derived) != public {
                    return Err(mismatch(SET, r.line, "public key differs"));
                }
                let signature = k
                    .sign(&signer, msg)
                    .map_err(|_| mismatch(SET, r.line, "sign failed"))?;
                if signature.as_ref() != raw {
                    return Err(mismatch(SET, r.line, "signature differs from RFC 6979"));
                }
                if as_raw.is_err() || as_der.is_err() {
                    return Err(mismatch(SET, r.line, "RFC 6979 signature refused"));
                }
                report.valid += 1;
            }
            Verdict::Invalid => {
                if as_raw != Err(Error::Verification) || as_der != Err(Error::Verification) {
                    return Err(mismatch(SET, r.line, "altered signature not refused"));
                }
                report.rejected += 1;
            }
            Verdict::Acceptable => return Err(parse),
        }
    }
    expect_count(report, counts::ECDSA_P256_RFC6979)
}

/// ECDSA P-256 negative and edge cases, on the RFC 6979 "sample" signature (first record of
/// `ecdsa_p256_rfc6979.txt`, whose `s` is high):
///
/// - public keys: every length from 0 to 70 but 33 and 65 (with tags `00 02 03 04`), `(0, 0)`,
///   `G` with `y + 1`, `x = p`, `y = p`, the hybrid tags `06`/`07`, the identity `00`, a
///   compressed `x` with no square root: [`Error::InvalidInput`];
/// - accepted: the signature as `r || s` and as DER, and its twin with `s` replaced by
///   `n - s` (low `s`), in both forms (no low-S rule);
/// - `r || s` with `r` or `s` equal to 0 or `n`, or all `ff`; signature lengths 0, 1, 63, 65;
///   DER with a wrong outer or integer tag, a length one too long or short, trailing bytes
///   (outside and inside the sequence), long-form or indefinite lengths, an extra leading
///   `00` on `r` or `s`, `r` or `s` made negative (sign byte dropped), `r = 0`, `r = n`:
///   [`Error::Verification`];
/// - prehash: digests of 0 to 31 bytes are [`Error::InvalidInput`]; the digest followed by
///   extra bytes (48 and 64 bytes in all) verifies (only the leftmost 256 bits count, FIPS
///   186-5), whatever those bytes are, while a flipped bit among the first 32 bytes is
///   [`Error::Verification`].
pub fn ecdsa_p256_negative<K: VerifyPrehash<EcdsaP256> + Sha256>(
    k: &mut K,
) -> Result<Report, Failure> {
    const SET: &str = "ECDSA P-256 negative cases";
    let mut report = Report::new(SET);
    let r = records(data::ECDSA_P256_RFC6979)
        .next()
        .ok_or(Failure::Parse { set: SET, line: 0 })?;
    let parse = Failure::Parse {
        set: SET,
        line: r.line,
    };
    let public: [u8; 65] = hex_array(&r, "public", SET)?;
    let raw = raw_signature(&r, SET)?;
    let mut msg_buf = [0u8; 16];
    let msg = r.hex("msg", &mut msg_buf).ok_or(parse)?;
    let digest = sha256(k, msg, SET, 0)?;

    // Public keys.
    let refuse_key = |k: &mut K, report: &mut Report, case: usize, bytes: &[u8]| {
        report.checked += 1;
        if k.import_public(bytes).err() != Some(Error::InvalidInput) {
            return Err(mismatch(SET, case, "invalid public key not refused"));
        }
        report.rejected += 1;
        Ok(())
    };
    let mut long = [0u8; 71];
    long[..65].copy_from_slice(&P256_G);
    for len in (0..=70usize).filter(|&n| n != 33 && n != 65) {
        for tag in [0x00u8, 0x02, 0x03, 0x04] {
            let mut buf = long;
            buf[0] = tag;
            refuse_key(k, &mut report, len, buf.get(..len).unwrap_or(&[]))?;
        }
    }
    let mut cases: [[u8; 65]; 6] = [P256_G; 6];
    cases[0] = [0; 65];
    cases[0][0] = 0x04;
    cases[1][64] ^= 0x01;
    cases[2][1..33].copy_from_slice(&P256_P);
    cases[3][33..].copy_from_slice(&P256_P);
    cases[4][0] = 0x06;
    cases[5][0] = 0x07;
    for (i, case) in cases.iter().enumerate() {
        refuse_key(k, &mut report, 100 + i, case)?;
    }
    refuse_key(k, &mut report, 110, &[0x00])?;
    let mut compressed = [0u8; 33];
    compressed[0] = 0x02;
    compressed[32] = 1; // x = 1: x^3 - 3x + b has no square root
    refuse_key(k, &mut report, 111, &compressed)?;

    let key = k
        .import_public(&public)
        .map_err(|_| mismatch(SET, 200, "RFC 6979 key refused"))?;

    // Accepted forms.
    let mut low = raw;
    let s_high: [u8; 32] = raw[32..].try_into().map_err(|_| parse)?;
    low[32..].copy_from_slice(&n_minus(&s_high));
    if low[32] >= 0x80 || raw[32] < 0x80 {
        return Err(parse); // the vector's s is high, n - s low
    }
    for (case, sig) in [raw, low].iter().enumerate() {
        let mut der = [0u8; 80];
        let n = der_encode(sig, &mut der);
        let der = der.get(..n).ok_or(parse)?;
        report.checked += 2;
        if ecdsa_both(k, &key, msg, sig, SET, 210 + case)?.is_err()
            || ecdsa_both(k, &key, msg, der, SET, 210 + case)?.is_err()
        {
            return Err(mismatch(
                SET,
                210 + case,
                "valid signature (high or low s) refused",
            ));
        }
        report.valid += 2;
    }

    let refuse_sig = |k: &mut K, report: &mut Report, case: usize, sig: &[u8]| {
        report.checked += 1;
        if ecdsa_both(k, &key, msg, sig, SET, case)? != Err(Error::Verification) {
            return Err(mismatch(SET, case, "invalid signature not refused"));
        }
        report.rejected += 1;
        Ok(())
    };
    // Raw r || s out of range.
    let mut r_zero = raw;
    r_zero[..32].fill(0);
    let mut s_zero = raw;
    s_zero[32..].fill(0);
    let mut r_n = raw;
    r_n[..32].copy_from_slice(&P256_N);
    let mut s_n = raw;
    s_n[32..].copy_from_slice(&P256_N);
    for (i, sig) in [r_zero, s_zero, r_n, s_n, [0xff; 64], [0; 64]]
        .iter()
        .enumerate()
    {
        refuse_sig(k, &mut report, 300 + i, sig)?;
    }
    let mut padded = [0u8; 65];
    padded[..64].copy_from_slice(&raw);
    for len in [0usize, 1, 63, 65] {
        refuse_sig(k, &mut report, 310 + len, padded.get(..len).unwrap_or(&[]))?;
    }

    // DER variants of the (high-s) signature: 30 46 02 21 00 r 02 21 00 s.
    let mut der = [0u8; 80];
    let n = der_encode(&raw, &mut der);
    if n != 72 {
        return Err(parse); // both integers carry a sign byte
    }
    let mut variant = [0u8; 80];
    let mut case = 400;
    let mut check = |k: &mut K, report: &mut Report, bytes: &[u8]| {
        case += 1;
        refuse_sig(k, report, case, bytes)
    };
    let base = der.get(..72).ok_or(parse)?;
    // Wrong tags: outer SET, outer primitive, r as BIT STRING, s as OCTET STRING.
    for (at, tag) in [(0usize, 0x31u8), (0, 0x10), (2, 0x03), (37, 0x04)] {
        variant[..72].copy_from_slice(base);
        variant[at] = tag;
        check(k, &mut report, variant.get(..72).ok_or(parse)?)?;
    }
    // Outer length one too long / short.
    for len in [0x47u8, 0x45] {
        variant[..72].copy_from_slice(base);
        variant[1] = len;
        check(k, &mut report, variant.get(..72).ok_or(parse)?)?;
    }
    // Trailing byte after the sequence; extra byte inside the sequence.
    variant[..72].copy_from_slice(base);
    variant[72] = 0;
    check(k, &mut report, variant.get(..73).ok_or(parse)?)?;
    variant[1] = 0x47;
    check(k, &mut report, variant.get(..73).ok_or(parse)?)?;
    // Long-form outer length: 30 81 46 ...
    variant[0] = 0x30;
    variant[1] = 0x81;
    variant[2] = 0x46;
    variant[3..73].copy_from_slice(base.get(2..).ok_or(parse)?);
    check(k, &mut report, variant.get(..73).ok_or(parse)?)?;
    // Long-form length for r: 30 47 02 81 21 ...
    variant[..2].copy_from_slice(&[0x30, 0x47]);
    variant[2..5].copy_from_slice(&[0x02, 0x81, 0x21]);
    variant[5..73].copy_from_slice(base.get(4..).ok_or(parse)?);
    check(k, &mut report, variant.get(..73).ok_or(parse)?)?;
    // Indefinite outer length: 30 80 ... 00 00.
    variant[..2].copy_from_slice(&[0x30, 0x80]);
    variant[2..72].copy_from_slice(base.get(2..).ok_or(parse)?);
    variant[72..74].fill(0);
    check(k, &mut report, variant.get(..74).ok_or(parse)?)?;
    // An extra leading 00 on r: 30 47 02 22 00 00 r ...
    variant[..6].copy_from_slice(&[0x30, 0x47, 0x02, 0x22, 0x00, 0x00]);
    variant[6..73].copy_from_slice(base.get(5..).ok_or(parse)?);
    check(k, &mut report, variant.get(..73).ok_or(parse)?)?;
    // An extra leading 00 on s.
    variant[..72].copy_from_slice(base);
    variant[1] = 0x47;
    variant[37..40].copy_from_slice(&[0x02, 0x22, 0x00]);
    variant[40..73].copy_from_slice(base.get(39..).ok_or(parse)?);
    check(k, &mut report, variant.get(..73).ok_or(parse)?)?;
    // r negative (sign byte dropped): 30 45 02 20 r ...
    variant[..4].copy_from_slice(&[0x30, 0x45, 0x02, 0x20]);
    variant[4..71].copy_from_slice(base.get(5..).ok_or(parse)?);
    check(k, &mut report, variant.get(..71).ok_or(parse)?)?;
    // s negative.
    variant[..72].copy_from_slice(base);
    variant[1] = 0x45;
    variant[37..39].copy_from_slice(&[0x02, 0x20]);
    variant[39..71].copy_from_slice(base.get(40..).ok_or(parse)?);
    check(k, &mut report, variant.get(..71).ok_or(parse)?)?;
    // r = 0 (02 01 00) and r = n, in DER.
    for r_value in [[0u8; 32], P256_N] {
        let mut sig = raw;
        sig[..32].copy_from_slice(&r_value);
        let len = der_encode(&sig, &mut variant);
        check(k, &mut report, variant.get(..len).ok_or(parse)?)?;
    }

    // Prehash lengths and truncation.
    for len in 0..32usize {
        report.checked += 1;
        if k.verify_prehash(&key, digest.get(..len).unwrap_or(&[]), &raw)
            != Err(Error::InvalidInput)
        {
            return Err(mismatch(SET, 500 + len, "short digest not refused"));
        }
        report.rejected += 1;
    }
    let mut long_digest = [0u8; 64];
    long_digest[..32].copy_from_slice(&digest);
    for (i, (len, fill)) in [(48usize, 0x00u8), (64, 0xa5), (64, 0xff)]
        .into_iter()
        .enumerate()
    {
        long_digest[32..].fill(fill);
        report.checked += 1;
        if k.verify_prehash(&key, long_digest.get(..len).unwrap_or(&[]), &raw)
            .is_err()
        {
            return Err(mismatch(
                SET,
                600 + i,
                "long digest not truncated to its leftmost 256 bits",
            ));
        }
        report.valid += 1;
    }
    for bit in [0usize, 100, 255] {
        let mut bad = long_digest;
        flip(&mut bad, bit);
        report.checked += 1;
        if k.verify_prehash(&key, &bad, &raw) != Err(Error::Verification) {
            return Err(mismatch(SET, 610 + bit, "altered digest accepted"));
        }
        report.rejected += 1;
    }
    Ok(report)
}

/// ECDSA P-256 generated keys: the Ed25519 round trips' checks (deterministic signing,
/// verification under the re-imported key, altered message, signature or key refused,
/// generator errors passed on), plus: the signature verifies through `verify_prehash` and in
/// DER form; signing-key import refuses 0, `n`, `n + 1` and `ff..ff` with
/// [`Error::InvalidInput`] and accepts 1 (public key `G`) and `n - 1` (public key `-G`); a
/// generator stuck at `ff` or `00` makes `generate_signing_key` give up with
/// [`Error::Hardware`].
pub fn ecdsa_p256_round_trip<K: Sign<EcdsaP256> + VerifyPrehash<EcdsaP256> + Sha256>(
    k: &mut K,
) -> Result<Report, Failure> {
    const SET: &str = "ECDSA P-256 sign/verify round trips";
    let mut report = sign_round_trip::<EcdsaP256, K>(k, SET, 0x0256)?;
    let mut rng = DeterministicTestRng::new(6979);
    for case in 0..4usize {
        report.checked += 1;
        let key = k
            .generate_signing_key(&mut rng)
            .map_err(|_| mismatch(SET, 200 + case, "generate_signing_key failed"))?;
        let public = k
            .signing_public(&key)
            .map_err(|_| mismatch(SET, 200 + case, "signing_public failed"))?;
        let msg = [case as u8; 40];
        let sig = k
            .sign(&key, &msg)
            .map_err(|_| mismatch(SET, 200 + case, "sign failed"))?;
        let raw: [u8; 64] = sig
            .as_ref()
            .try_into()
            .map_err(|_| mismatch(SET, 200 + case, "signature is not 64 bytes"))?;
        let mut der = [0u8; 80];
        let n = der_encode(&raw, &mut der);
        let der = der.get(..n).ok_or(mismatch(SET, 200 + case, "case"))?;
        if ecdsa_both(k, &public, &msg, &raw, SET, 200 + case)?.is_err()
            || ecdsa_both(k, &public, &msg, der, SET, 200 + case)?.is_err()
        {
            return Err(mismatch(SET, 200 + case, "own signature refused"));
        }
        report.valid += 1;
    }
    let mut n_plus_1 = P256_N;
    n_plus_1[31] += 1;
    for (i, bad) in [[0u8; 32], P256_N, n_plus_1, [0xff; 32]]
        .iter_mut()
        .enumerate()
    {
        report.checked += 1;
        if k.import_signing_key(SecretBytes::take_from(bad)).err() != Some(Error::InvalidInput) {
            return Err(mismatch(SET, 300 + i, "out-of-range scalar not refused"));
        }
        report.rejected += 1;
    }
    let mut one = [0u8; 32];
    one[31] = 1;
    let mut n_minus_1 = P256_N;
    n_minus_1[31] -= 1;
    let mut minus_g = P256_G;
    let neg_y = {
        // p - y(G)
        let mut out = [0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let mut d = i16::from(P256_P[i]) - i16::from(P256_G[33 + i]) - borrow;
            borrow = 0;
            if d < 0 {
                d += 256;
                borrow = 1;
            }
            out[i] = d as u8;
        }
        out
    };
    minus_g[33..].copy_from_slice(&neg_y);
    for (i, (mut scalar, point)) in [(one, P256_G), (n_minus_1, minus_g)]
        .into_iter()
        .enumerate()
    {
        report.checked += 1;
        let key = k
            .import_signing_key(SecretBytes::take_from(&mut scalar))
            .map_err(|_| mismatch(SET, 310 + i, "scalar 1 or n - 1 refused"))?;
        let public = k
            .signing_public(&key)
            .map_err(|_| mismatch(SET, 310 + i, "signing_public failed"))?;
        if k.export_public(&public) != point {
            return Err(mismatch(
                SET,
                310 + i,
                "public key of 1 or n - 1 is not G or -G",
            ));
        }
        report.valid += 1;
    }
    for (i, byte) in [0xffu8, 0x00].into_iter().enumerate() {
        report.checked += 1;
        if k.generate_signing_key(&mut StuckTestRng(byte)).err() != Some(Error::Hardware) {
            return Err(mismatch(SET, 320 + i, "stuck generator not noticed"));
        }
        report.rejected += 1;
    }
    Ok(report)
}
