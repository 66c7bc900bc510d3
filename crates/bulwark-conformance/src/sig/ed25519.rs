//! Ed25519 checks: RFC 8032, the reference `sign.input`, Wycheproof, negative cases and
//! round trips (policies in the [parent module](super)).

use super::{counts, flip, sign_round_trip, signing_key};
use crate::{
    Failure, Report, Scratch, expect_count, hex_array, mismatch, parse_failure, refuse_public,
    vectors::{Record, Verdict, data, records},
};
use bulwark_api::{
    Error,
    sig::{Ed25519, Ed25519Signature, Sign, Verify},
};

pub use bulwark_testkit::small_order::ED25519_SMALL_ORDER;

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

/// One `sign.input` record: the signing key's public key is `public`, signing gives exactly
/// `sig`, `sig` verifies under the imported `public`, and one flipped bit of the signature or
/// of the message (an extra byte for the empty message) is [`Error::Verification`].
fn ed25519_sign_record<K: Sign<Ed25519>>(
    k: &mut K,
    r: &Record<'_>,
    set: &'static str,
    msg_buf: &mut [u8],
) -> Result<(), Failure> {
    let parse = parse_failure(set, r.line);
    let public: [u8; 32] = hex_array(r, "public", set)?;
    let expected_bytes: [u8; 64] = hex_array(r, "sig", set)?;
    let expected = Ed25519Signature::from_bytes(&expected_bytes);
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
    if signature != expected {
        return Err(mismatch(set, r.line, "signature differs"));
    }
    if k.verify(&imported, msg, &expected).is_err() {
        return Err(mismatch(set, r.line, "signature does not verify"));
    }
    let mut bad = expected_bytes;
    flip(&mut bad, r.line.wrapping_mul(131));
    if k.verify(&imported, msg, &Ed25519Signature::from_bytes(&bad)) != Err(Error::Verification) {
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
            return Err(parse_failure(SET, r.line));
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

/// What a verifier made of a record: the key import failed, the signature is not 64 bytes
/// (refused by [`Ed25519Signature::from_slice`]), or the verification result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Import(Error),
    Length,
    Verify(Result<(), Error>),
}

/// Wycheproof Ed25519 (210 records: 117 valid, 29 acceptable, 64 invalid).
///
/// Valid records import, export unchanged and verify. Invalid records are refused, either at
/// import ([`Error::InvalidInput`]), by the signature constructor (not 64 bytes) or by
/// `verify` ([`Error::Verification`]). Acceptable
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
        let parse = parse_failure(SET, r.line);
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
                match Ed25519Signature::from_slice(sig) {
                    Ok(sig) => Outcome::Verify(k.verify(&key, msg, &sig)),
                    Err(_) => Outcome::Length,
                }
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
                        | Outcome::Length
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
/// Every signature length from 0 to 96 but 64 is refused by [`Ed25519Signature::from_slice`]
/// ([`Error::InvalidInput`]); `S + L` (the malleable twin of a valid `S`), `R` replaced by
/// each small-order point or by a non-canonical encoding, and the all-zero signature are
/// [`Error::Verification`].
pub fn ed25519_negative<K: Verify<Ed25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Ed25519 negative cases";
    let mut report = Report::new(SET);
    let r = records(data::ED25519_SIGN_INPUT)
        .nth(1)
        .ok_or(parse_failure(SET, 0))?;
    let public: [u8; 32] = hex_array(&r, "public", SET)?;
    let sig: [u8; 64] = hex_array(&r, "sig", SET)?;
    let msg: [u8; 1] = hex_array(&r, "msg", SET)?;
    let good = Ed25519Signature::from_bytes(&sig);

    let refuse_key = |k: &mut K, report: &mut Report, case: usize, bytes: &[u8]| {
        refuse_public(report, SET, case, k.import_public(bytes).err())
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
    if k.verify(&key, &msg, &good).is_err() {
        return Err(mismatch(SET, 400, "RFC 8032 TEST 2 signature refused"));
    }
    report.valid += 1;
    let refuse_sig = |k: &mut K, report: &mut Report, case: usize, bytes: &[u8; 64]| {
        report.checked += 1;
        if k.verify(&key, &msg, &Ed25519Signature::from_bytes(bytes)) != Err(Error::Verification) {
            return Err(mismatch(SET, case, "invalid signature not refused"));
        }
        report.rejected += 1;
        Ok(())
    };
    let mut long_sig = [0u8; 97];
    long_sig[..64].copy_from_slice(&sig);
    for len in (0..=96usize).filter(|&n| n != 64) {
        report.checked += 1;
        if Ed25519Signature::from_slice(long_sig.get(..len).unwrap_or(&[]))
            != Err(Error::InvalidInput)
        {
            return Err(mismatch(
                SET,
                500 + len,
                "signature of a wrong length not refused",
            ));
        }
        report.rejected += 1;
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

/// Ed25519 generated keys: 8 keys from a [`DeterministicTestRng`](crate::DeterministicTestRng), messages of 0 to 255
/// bytes. Signing twice gives the same signature; it verifies under the exported and
/// re-imported public key; one flipped bit of the message or the signature, or another key,
/// is [`Error::Verification`]; importing the same seed twice gives the same public key; a
/// failing generator's error reaches the caller.
pub fn ed25519_round_trip<K: Sign<Ed25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Ed25519 sign/verify round trips";
    sign_round_trip::<Ed25519, K>(
        k,
        SET,
        0xed25519,
        Ed25519Signature::to_bytes,
        Ed25519Signature::from_bytes,
    )
}
