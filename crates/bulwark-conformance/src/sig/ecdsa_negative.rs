//! ECDSA P-256 negative and edge cases (policies in the [parent module](super)).

use super::{
    ecdsa::{Form, ecdsa_bytes, n_minus, raw_signature, sha256},
    flip,
};
use crate::{
    Failure, Report, hex_array,
    kex::{P256_G, P256_N, P256_P},
    mismatch, parse_failure, refuse_public,
    vectors::{data, records},
};
use bulwark_api::{
    Error,
    hash::Sha256,
    sig::{EcdsaP256, EcdsaP256Signature, VerifyPrehash},
};

/// ECDSA P-256 negative and edge cases, on the RFC 6979 "sample" signature (first record of
/// `ecdsa_p256_rfc6979.txt`, whose `s` is high):
///
/// - public keys: every length from 0 to 70 but 33 and 65 (with tags `00 02 03 04`), `(0, 0)`,
///   `G` with `y + 1`, `x = p`, `y = p`, the hybrid tags `06`/`07`, the identity `00`, a
///   compressed `x` with no square root: [`Error::InvalidInput`];
/// - accepted: the signature as `r || s` and as DER, and its twin with `s` replaced by
///   `n - s` (low `s`), in both forms (no low-S rule);
/// - `r || s` with `r` or `s` equal to 0 or `n`, or all `ff`: [`Error::Verification`];
///   fixed signatures of lengths 0, 1, 63, 65, and DER with a wrong outer or integer tag, a
///   length one too long or short, trailing bytes (outside and inside the sequence),
///   long-form or indefinite lengths, an extra leading `00` on `r` or `s`, `r` or `s` made
///   negative (sign byte dropped): refused by the constructor; DER `r = 0`, `r = n`:
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
        .ok_or(parse_failure(SET, 0))?;
    let parse = parse_failure(SET, r.line);
    let public: [u8; 65] = hex_array(&r, "public", SET)?;
    let raw = raw_signature(&r, SET)?;
    let mut msg_buf = [0u8; 16];
    let msg = r.hex("msg", &mut msg_buf).ok_or(parse)?;
    let digest = sha256(k, msg, SET, 0)?;

    // Public keys.
    let refuse_key = |k: &mut K, report: &mut Report, case: usize, bytes: &[u8]| {
        refuse_public(report, SET, case, k.import_public(bytes).err())
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
        let der = EcdsaP256Signature::from_fixed(sig).to_der();
        report.checked += 2;
        if ecdsa_bytes(k, &key, msg, Form::Fixed, sig, SET, 210 + case)?.is_err()
            || ecdsa_bytes(k, &key, msg, Form::Der, der.as_ref(), SET, 210 + case)?.is_err()
        {
            return Err(mismatch(
                SET,
                210 + case,
                "valid signature (high or low s) refused",
            ));
        }
        report.valid += 2;
    }

    // `expected`: the refusal (InvalidInput: by the constructor; Verification: by `verify`).
    let refuse_sig =
        |k: &mut K, report: &mut Report, case: usize, form: Form, sig: &[u8], expected: Error| {
            refuse(k, &key, msg, report, (case, form, sig, expected))
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
        refuse_sig(
            k,
            &mut report,
            300 + i,
            Form::Fixed,
            sig,
            Error::Verification,
        )?;
    }
    let mut padded = [0u8; 65];
    padded[..64].copy_from_slice(&raw);
    for len in [0usize, 1, 63, 65] {
        let sig = padded.get(..len).unwrap_or(&[]);
        refuse_sig(
            k,
            &mut report,
            310 + len,
            Form::Fixed,
            sig,
            Error::InvalidInput,
        )?;
    }

    // DER variants of the (high-s) signature: 30 46 02 21 00 r 02 21 00 s.
    let der = EcdsaP256Signature::from_fixed(&raw).to_der();
    if der.as_ref().len() != 72 {
        return Err(parse); // both integers carry a sign byte
    }
    let mut variant = [0u8; 80];
    let mut der_checks = DerChecks {
        key: &key,
        msg,
        report: &mut report,
        case: 400,
    };
    let mut check = |k: &mut K, bytes: &[u8]| refuse_der(k, &mut der_checks, bytes);
    let base = der.as_ref();
    // Wrong tags: outer SET, outer primitive, r as BIT STRING, s as OCTET STRING.
    for (at, tag) in [(0usize, 0x31u8), (0, 0x10), (2, 0x03), (37, 0x04)] {
        variant[..72].copy_from_slice(base);
        variant[at] = tag;
        check(k, variant.get(..72).ok_or(parse)?)?;
    }
    // Outer length one too long / short.
    for len in [0x47u8, 0x45] {
        variant[..72].copy_from_slice(base);
        variant[1] = len;
        check(k, variant.get(..72).ok_or(parse)?)?;
    }
    // Trailing byte after the sequence; extra byte inside the sequence.
    variant[..72].copy_from_slice(base);
    variant[72] = 0;
    check(k, variant.get(..73).ok_or(parse)?)?;
    variant[1] = 0x47;
    check(k, variant.get(..73).ok_or(parse)?)?;
    // Long-form outer length: 30 81 46 ...
    variant[0] = 0x30;
    variant[1] = 0x81;
    variant[2] = 0x46;
    variant[3..73].copy_from_slice(base.get(2..).ok_or(parse)?);
    check(k, variant.get(..73).ok_or(parse)?)?;
    // Long-form length for r: 30 47 02 81 21 ...
    variant[..2].copy_from_slice(&[0x30, 0x47]);
    variant[2..5].copy_from_slice(&[0x02, 0x81, 0x21]);
    variant[5..73].copy_from_slice(base.get(4..).ok_or(parse)?);
    check(k, variant.get(..73).ok_or(parse)?)?;
    // Indefinite outer length: 30 80 ... 00 00.
    variant[..2].copy_from_slice(&[0x30, 0x80]);
    variant[2..72].copy_from_slice(base.get(2..).ok_or(parse)?);
    variant[72..74].fill(0);
    check(k, variant.get(..74).ok_or(parse)?)?;
    // An extra leading 00 on r: 30 47 02 22 00 00 r ...
    variant[..6].copy_from_slice(&[0x30, 0x47, 0x02, 0x22, 0x00, 0x00]);
    variant[6..73].copy_from_slice(base.get(5..).ok_or(parse)?);
    check(k, variant.get(..73).ok_or(parse)?)?;
    // An extra leading 00 on s.
    variant[..72].copy_from_slice(base);
    variant[1] = 0x47;
    variant[37..40].copy_from_slice(&[0x02, 0x22, 0x00]);
    variant[40..73].copy_from_slice(base.get(39..).ok_or(parse)?);
    check(k, variant.get(..73).ok_or(parse)?)?;
    // r negative (sign byte dropped): 30 45 02 20 r ...
    variant[..4].copy_from_slice(&[0x30, 0x45, 0x02, 0x20]);
    variant[4..71].copy_from_slice(base.get(5..).ok_or(parse)?);
    check(k, variant.get(..71).ok_or(parse)?)?;
    // s negative.
    variant[..72].copy_from_slice(base);
    variant[1] = 0x45;
    variant[37..39].copy_from_slice(&[0x02, 0x20]);
    variant[39..71].copy_from_slice(base.get(40..).ok_or(parse)?);
    check(k, variant.get(..71).ok_or(parse)?)?;
    // r = 0 (02 01 00) and r = n, in DER.
    for (i, r_value) in [[0u8; 32], P256_N].into_iter().enumerate() {
        let mut sig = raw;
        sig[..32].copy_from_slice(&r_value);
        let der = EcdsaP256Signature::from_fixed(&sig).to_der();
        refuse_sig(
            k,
            &mut report,
            450 + i,
            Form::Der,
            der.as_ref(),
            Error::Verification,
        )?;
    }

    prehash_checks(k, &key, &digest, &raw, &mut report)?;
    Ok(report)
}

/// One refused signature: `sig` in `form` must give `expected` (`InvalidInput`: refused by
/// the constructor; `Verification`: by `verify`). Never inlined: called from some thirty
/// places, and the Cortex-M0 image of these checks has no flash to spare.
#[inline(never)]
fn refuse<K: VerifyPrehash<EcdsaP256> + Sha256>(
    k: &mut K,
    key: &<K as bulwark_api::sig::Verify<EcdsaP256>>::PublicKey,
    msg: &[u8],
    report: &mut Report,
    (case, form, sig, expected): (usize, Form, &[u8], Error),
) -> Result<(), Failure> {
    const SET: &str = "ECDSA P-256 negative cases";
    report.checked += 1;
    if ecdsa_bytes(k, key, msg, form, sig, SET, case)? != Err(expected) {
        return Err(mismatch(SET, case, "invalid signature not refused"));
    }
    report.rejected += 1;
    Ok(())
}

/// The DER-encoding checks' context: few arguments at each of their call sites.
struct DerChecks<'a, P> {
    key: &'a P,
    msg: &'a [u8],
    report: &'a mut Report,
    case: usize,
}

/// The next DER-encoding check: `bytes` must be refused by the constructor.
#[inline(never)]
fn refuse_der<K: VerifyPrehash<EcdsaP256> + Sha256>(
    k: &mut K,
    c: &mut DerChecks<'_, <K as bulwark_api::sig::Verify<EcdsaP256>>::PublicKey>,
    bytes: &[u8],
) -> Result<(), Failure> {
    c.case += 1;
    refuse(
        k,
        c.key,
        c.msg,
        c.report,
        (c.case, Form::Der, bytes, Error::InvalidInput),
    )
}

/// The prehash cases: digest lengths and truncation. Its own function, never inlined: six
/// inlined verifications cost the micro:bit image of these checks 1.5 KiB of flash it does
/// not have.
#[inline(never)]
fn prehash_checks<K: VerifyPrehash<EcdsaP256> + Sha256>(
    k: &mut K,
    key: &<K as bulwark_api::sig::Verify<EcdsaP256>>::PublicKey,
    digest: &[u8; 32],
    raw: &[u8; 64],
    report: &mut Report,
) -> Result<(), Failure> {
    const SET: &str = "ECDSA P-256 negative cases";
    let raw = EcdsaP256Signature::from_fixed(raw);
    // Prehash lengths and truncation.
    for len in 0..32usize {
        report.checked += 1;
        if k.verify_prehash(key, digest.get(..len).unwrap_or(&[]), &raw) != Err(Error::InvalidInput)
        {
            return Err(mismatch(SET, 500 + len, "short digest not refused"));
        }
        report.rejected += 1;
    }
    let mut long_digest = [0u8; 64];
    long_digest[..32].copy_from_slice(digest);
    for (i, (len, fill)) in [(48usize, 0x00u8), (64, 0xa5), (64, 0xff)]
        .into_iter()
        .enumerate()
    {
        long_digest[32..].fill(fill);
        report.checked += 1;
        if k.verify_prehash(key, long_digest.get(..len).unwrap_or(&[]), &raw)
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
        if k.verify_prehash(key, &bad, &raw) != Err(Error::Verification) {
            return Err(mismatch(SET, 610 + bit, "altered digest accepted"));
        }
        report.rejected += 1;
    }
    Ok(())
}
