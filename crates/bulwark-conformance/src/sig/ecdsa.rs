//! ECDSA P-256 checks: Wycheproof (DER and P1363), CAVP SigVer, RFC 6979, negative cases and
//! round trips (policies in the [parent module](super)).

use super::{counts, sign_round_trip, signing_key};
use crate::{
    DeterministicTestRng, Failure, Report, Scratch, StuckTestRng, expect_count, hex_array,
    kex::{P256_G, P256_N, P256_P},
    mismatch, parse_failure,
    vectors::{Record, Verdict, data, records},
};
use bulwark_api::{
    Error, SecretBytes,
    hash::Sha256,
    sig::{EcdsaP256, EcdsaP256Signature, Sign, Verify, VerifyPrehash},
};

/// How a signature's bytes are read: fixed `r || s` (IEEE P1363) or strict DER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Form {
    Fixed,
    Der,
}

/// `verify` and `verify_prehash` of a signature given as bytes in `form`. An encoding the
/// constructor refuses is `Err(InvalidInput)` (a refused signature); a decoded signature that
/// does not verify must be [`Error::Verification`] from both. Never inlined: the negative
/// checks call it from some twenty places, and a Cortex-M0 image has no flash to spare.
#[inline(never)]
pub(super) fn ecdsa_bytes<K: VerifyPrehash<EcdsaP256> + Sha256>(
    k: &mut K,
    key: &<K as Verify<EcdsaP256>>::PublicKey,
    msg: &[u8],
    form: Form,
    bytes: &[u8],
    set: &'static str,
    line: usize,
) -> Result<Result<(), Error>, Failure> {
    let sig = match form {
        Form::Fixed => EcdsaP256Signature::from_fixed_slice(bytes),
        Form::Der => EcdsaP256Signature::from_der(bytes),
    };
    match sig {
        Err(_) => Ok(Err(Error::InvalidInput)),
        Ok(sig) => match ecdsa_both(k, key, msg, &sig, set, line)? {
            Err(Error::InvalidInput) => Err(mismatch(
                set,
                line,
                "a decoded signature refused with InvalidInput, not Verification",
            )),
            other => Ok(other),
        },
    }
}

/// Whether a result is a refusal: by the encoding (`InvalidInput`) or by verification.
fn refused(result: Result<(), Error>) -> bool {
    matches!(result, Err(Error::Verification | Error::InvalidInput))
}

/// `n - x` for a big-endian 32-byte `x < n`.
pub(super) fn n_minus(x: &[u8; 32]) -> [u8; 32] {
    sub_be(&P256_N, x)
}

/// `m - x` for big-endian 32-byte `x < m`.
fn sub_be(m: &[u8; 32], x: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(m[i]) - i16::from(x[i]) - borrow;
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
pub(super) fn raw_signature(r: &Record<'_>, set: &'static str) -> Result<[u8; 64], Failure> {
    let rr: [u8; 32] = hex_array(r, "r", set)?;
    let ss: [u8; 32] = hex_array(r, "s", set)?;
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&rr);
    out[32..].copy_from_slice(&ss);
    Ok(out)
}

/// SHA-256 of `msg` through the backend.
pub(super) fn sha256<K: Sha256>(
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
    sig: &EcdsaP256Signature,
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
/// refused by the signature constructor or are [`Error::Verification`] from both.
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
        let parse = parse_failure(set, r.line);
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
        let form = if p1363 { Form::Fixed } else { Form::Der };
        let result = ecdsa_bytes(k, &key, msg, form, sig, set, r.line)?;
        match r.verdict().ok_or(parse)? {
            Verdict::Valid => {
                if result.is_err() {
                    return Err(mismatch(set, r.line, "valid signature refused"));
                }
                if p1363 {
                    let raw: &[u8; 64] = (&*sig).try_into().map_err(|_| parse)?;
                    let der = EcdsaP256Signature::from_fixed(raw).to_der();
                    if ecdsa_bytes(k, &key, msg, Form::Der, der.as_ref(), set, r.line)?.is_err() {
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
                if !refused(result) {
                    return Err(mismatch(set, r.line, "invalid signature not refused"));
                }
                report.rejected += 1;
            }
            Verdict::Acceptable => return Err(parse),
        }
    }
    expect_count(report, expected)
}

/// Defines a public check that runs one Wycheproof ECDSA file through [`ecdsa_wycheproof`]
/// (`$fixed`: signatures are `r || s`, else DER).
macro_rules! ecdsa_wycheproof_set {
    ($(#[$doc:meta])* $name:ident, $set:literal, $file:ident, $fixed:literal) => {
        $(#[$doc])*
        pub fn $name<K: VerifyPrehash<EcdsaP256> + Sha256, const BIG: usize, const MSG: usize>(
            k: &mut K,
            s: &mut Scratch<BIG, MSG>,
        ) -> Result<Report, Failure> {
            ecdsa_wycheproof(k, s, $set, data::$file, $fixed, counts::$file)
        }
    };
}

ecdsa_wycheproof_set!(
    /// Wycheproof ECDSA P-256/SHA-256 with DER signatures (484 records: 174 valid, 310 invalid;
    /// no acceptable ones). The invalid records include BER encodings (long-form and indefinite
    /// lengths, padded integers), wrong tags, trailing data, negative and out-of-range `r` and
    /// `s`: all must be refused, by [`EcdsaP256Signature::from_der`] or with
    /// [`Error::Verification`]. Valid ones include high-`s` signatures.
    /// Signatures (up to 4,172 bytes) go in `BIG`, messages in `MSG`.
    ecdsa_p256_wycheproof_der,
    "Wycheproof ECDSA P-256/SHA-256 (DER)",
    ECDSA_P256_WYCHEPROOF_DER,
    false
);
ecdsa_wycheproof_set!(
    /// Wycheproof ECDSA P-256/SHA-256 with `r || s` signatures (262 records: 173 valid, 89
    /// invalid). Invalid signatures of other lengths are refused by
    /// [`EcdsaP256Signature::from_fixed_slice`]. Every valid signature must also verify
    /// re-encoded as DER.
    ecdsa_p256_wycheproof_p1363,
    "Wycheproof ECDSA P-256/SHA-256 (P1363)",
    ECDSA_P256_WYCHEPROOF_P1363,
    true
);

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
        let parse = parse_failure(SET, r.line);
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
        let der = EcdsaP256Signature::from_fixed(&raw).to_der();
        let msg = r.hex("msg", &mut s.a).ok_or(parse)?;
        let key = k
            .import_public(&public)
            .map_err(|_| mismatch(SET, r.line, "public key refused"))?;
        let as_raw = ecdsa_bytes(k, &key, msg, Form::Fixed, &raw, SET, r.line)?;
        let as_der = ecdsa_bytes(k, &key, msg, Form::Der, der.as_ref(), SET, r.line)?;
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
/// [`Error::Verification`] as `r || s` and refused as DER.
pub fn ecdsa_p256_rfc6979<K: Sign<EcdsaP256> + VerifyPrehash<EcdsaP256> + Sha256>(
    k: &mut K,
) -> Result<Report, Failure> {
    const SET: &str = "RFC 6979 ECDSA P-256/SHA-256";
    let mut report = Report::new(SET);
    for r in records(data::ECDSA_P256_RFC6979) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let public: [u8; 65] = hex_array(&r, "public", SET)?;
        let raw = raw_signature(&r, SET)?;
        let mut msg_buf = [0u8; 16];
        let msg = r.hex("msg", &mut msg_buf).ok_or(parse)?;
        let mut der_buf = [0u8; 80];
        let der = r.hex("der", &mut der_buf).ok_or(parse)?;
        let key = k
            .import_public(&public)
            .map_err(|_| mismatch(SET, r.line, "public key refused"))?;
        let as_raw = ecdsa_bytes(k, &key, msg, Form::Fixed, &raw, SET, r.line)?;
        let as_der = ecdsa_bytes(k, &key, msg, Form::Der, der, SET, r.line)?;
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
                if signature.to_fixed() != raw {
                    return Err(mismatch(SET, r.line, "signature differs from RFC 6979"));
                }
                if as_raw.is_err() || as_der.is_err() {
                    return Err(mismatch(SET, r.line, "RFC 6979 signature refused"));
                }
                report.valid += 1;
            }
            Verdict::Invalid => {
                if as_raw != Err(Error::Verification) || !refused(as_der) {
                    return Err(mismatch(SET, r.line, "altered signature not refused"));
                }
                report.rejected += 1;
            }
            Verdict::Acceptable => return Err(parse),
        }
    }
    expect_count(report, counts::ECDSA_P256_RFC6979)
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
    let mut report = sign_round_trip::<EcdsaP256, K>(
        k,
        SET,
        0x0256,
        EcdsaP256Signature::to_fixed,
        EcdsaP256Signature::from_fixed,
    )?;
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
        let der = sig.to_der();
        if ecdsa_both(k, &public, &msg, &sig, SET, 200 + case)?.is_err()
            || ecdsa_bytes(k, &public, &msg, Form::Der, der.as_ref(), SET, 200 + case)?.is_err()
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
    let mut g_y = [0u8; 32];
    g_y.copy_from_slice(&P256_G[33..]);
    let neg_y = sub_be(&P256_P, &g_y);
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
