//! Checks for key agreement: X25519 (RFC 7748) and ECDH on P-256.
//!
//! Every check takes the backend under test as `&mut K` where `K: KeyAgreement<X25519>` or
//! `K: KeyAgreement<P256>`. Known-answer records go through `import_static`,
//! `import_public` and `agree_static`; the results are compared through
//! [`bulwark_api::hazmat::expose_shared_secret`] (plain comparison: these are public test
//! values).
//!
//! # Policies for Wycheproof "acceptable" records
//!
//! - **X25519** ([`x25519_wycheproof`]): public keys are taken as RFC 7748 says, any 32
//!   bytes, with the top bit masked and non-canonical values (`>= 2^255 - 19`) reduced; such
//!   records (`NonCanonicalPublic`, `Twist`, `EdgeCase*`, `SmallPublicKey` ...) must give
//!   exactly the expected shared secret. Only an all-zero result (flag `ZeroSharedSecret`: a
//!   low-order peer point) is refused, with [`Error::Verification`].
//! - **P-256, SubjectPublicKeyInfo** ([`ecdh_p256_wycheproof`]): the check parses the SPKI
//!   itself, minimally: only the two named-curve (`id-ecPublicKey`, `prime256v1`) DER forms
//!   are accepted, the uncompressed one (91 bytes) and the compressed one (59 bytes).
//!   Acceptable records with a compressed point (`CompressedPublic`) must give the expected
//!   secret; every other acceptable record (`InvalidAsn`: BER or otherwise non-DER encodings;
//!   `UnnamedCurve` with explicit curve parameters) is refused with [`Error::InvalidInput`].
//! - **P-256, SEC1 point** ([`ecdh_p256_ecpoint`]): the one acceptable record is a compressed
//!   point and must give the expected secret.
//! - Invalid records must be refused with [`Error::InvalidInput`] when the public key is
//!   imported (P-256 validates the point on import; there is no invalid X25519 record).

use crate::{
    DeterministicTestRng, FailingTestRng, Failure, Report, StuckTestRng, expect_count, hex_array,
    mismatch, parse_failure, refuse_public,
    vectors::{Record, Verdict, data, records},
};
use bulwark_api::{
    Error, SecretBytes,
    hazmat::expose_shared_secret,
    kdf::HkdfSha256,
    kex::{Algorithm, KeyAgreement, P256, X25519},
};
use bulwark_testkit::small_order::X25519_SMALL_ORDER;

/// Published record counts: a check fails if its file holds any other number.
pub mod counts {
    /// Wycheproof `x25519_test.json`.
    pub const X25519_WYCHEPROOF: usize = 518;
    /// RFC 7748 section 5.2 function vectors.
    pub const X25519_RFC7748: usize = 3;
    /// RFC 7748 section 5.2 iterated results (1 and 1,000 iterations).
    pub const X25519_RFC7748_ITER: usize = 2;
    /// Wycheproof `ecdh_secp256r1_test.json` (SubjectPublicKeyInfo public keys).
    pub const ECDH_P256_WYCHEPROOF: usize = 612;
    /// Wycheproof `ecdh_secp256r1_ecpoint_test.json` (raw SEC1 public keys).
    pub const ECDH_P256_ECPOINT: usize = 355;
    /// NIST CAVP KAS ECC CDH primitive test, `[P-256]`.
    pub const ECDH_P256_CAVP_CDH: usize = 25;
    /// NIST CAVP KAS ECC validity test, `dhStaticUnified` ZZ only, P-256, init + resp.
    pub const ECDH_P256_KAS_VALIDITY: usize = 60;
}

/// The 26 bytes before the point in a DER SubjectPublicKeyInfo of an uncompressed P-256 key:
/// `SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (66 bytes, 0 unused) }`.
pub const P256_SPKI_UNCOMPRESSED_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The same for a compressed point (BIT STRING of 34 bytes).
pub const P256_SPKI_COMPRESSED_PREFIX: [u8; 26] = [
    0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x22, 0x00,
];

/// The longest SubjectPublicKeyInfo [`p256_spki_point`] accepts.
pub const P256_SPKI_MAX_LEN: usize = 91;

/// Extracts the SEC1 point from a DER SubjectPublicKeyInfo of a P-256 key, minimally: the
/// input must be exactly one of the two named-curve encodings (a fixed 26-byte prefix, then
/// the 65-byte uncompressed or 33-byte compressed point). Anything else, including valid BER
/// that is not DER, explicit curve parameters, or trailing bytes, is [`Error::InvalidInput`].
/// The point itself is not checked here: the backend validates it on import.
pub fn p256_spki_point(der: &[u8]) -> Result<&[u8], Error> {
    let (prefix, point_len) = match der.len() {
        91 => (&P256_SPKI_UNCOMPRESSED_PREFIX, 65),
        59 => (&P256_SPKI_COMPRESSED_PREFIX, 33),
        _ => return Err(Error::InvalidInput),
    };
    match der.split_at_checked(prefix.len()) {
        Some((head, point)) if head == prefix && point.len() == point_len => Ok(point),
        _ => Err(Error::InvalidInput),
    }
}

/// The P-256 base point G, uncompressed SEC1.
pub(crate) const P256_G: [u8; 65] = [
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40,
    0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2,
    0x96, 0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e,
    0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51,
    0xf5,
];

/// The P-256 field prime p, big-endian.
pub(crate) const P256_P: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
];

/// The P-256 group order n, big-endian.
pub(crate) const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// Reads a big-endian private scalar of at most 32 significant bytes (Wycheproof writes a
/// leading `00` when the top bit is set, and may drop leading zero bytes) into 32 bytes.
fn scalar_field(r: &Record<'_>, name: &str, set: &'static str) -> Result<SecretBytes<32>, Failure> {
    let parse = parse_failure(set, r.line);
    let mut buf = [0u8; 40];
    let raw = r.hex(name, &mut buf).ok_or(parse)?;
    let first_significant = raw.iter().position(|&b| b != 0).unwrap_or(raw.len());
    let significant = raw.get(first_significant..).ok_or(parse)?;
    let mut out = SecretBytes::<32>::zeroed();
    let start = 32usize.checked_sub(significant.len()).ok_or(parse)?;
    out.expose_secret_mut()
        .get_mut(start..)
        .ok_or(parse)?
        .copy_from_slice(significant);
    buf.fill(0);
    Ok(out)
}

/// `04 || x || y` from two 32-byte hex fields.
fn uncompressed_field(
    r: &Record<'_>,
    x: &str,
    y: &str,
    set: &'static str,
) -> Result<[u8; 65], Failure> {
    let xb: [u8; 32] = hex_array(r, x, set)?;
    let yb: [u8; 32] = hex_array(r, y, set)?;
    let mut out = [0u8; 65];
    out[0] = 0x04;
    out[1..33].copy_from_slice(&xb);
    out[33..].copy_from_slice(&yb);
    Ok(out)
}

/// `agree_static(import_static(private), peer)` compared with `expected`.
fn agree_matches<S: Algorithm, K: KeyAgreement<S>>(
    k: &mut K,
    secret: &K::StaticSecret,
    peer: &K::PublicKey,
    expected: &[u8; 32],
) -> Result<bool, Error> {
    let shared = k.agree_static(secret, peer)?;
    Ok(expose_shared_secret(&shared) == expected)
}

/// Wycheproof X25519 (518 records: 264 valid, 254 acceptable).
///
/// Policy for "acceptable" records (see the module docs): non-canonical and twist public keys
/// are accepted and must give exactly the expected shared secret (RFC 7748 masks the top bit
/// and reduces modulo p); the 31 records whose result is all zeros (`ZeroSharedSecret`:
/// low-order public keys) must be refused by the agreement with [`Error::Verification`].
/// Every public key must import (any 32 bytes) and export back unchanged.
pub fn x25519_wycheproof<K: KeyAgreement<X25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Wycheproof X25519";
    let mut report = Report::new(SET);
    for r in records(data::X25519_WYCHEPROOF) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let public: [u8; 32] = hex_array(&r, "public", SET)?;
        let shared: [u8; 32] = hex_array(&r, "shared", SET)?;
        let private = scalar_field(&r, "private", SET)?;
        let secret = k
            .import_static(private)
            .map_err(|_| mismatch(SET, r.line, "private key import failed"))?;
        let peer = k
            .import_public(&public)
            .map_err(|_| mismatch(SET, r.line, "public key import failed"))?;
        if k.export_public(&peer) != public {
            return Err(mismatch(
                SET,
                r.line,
                "public key does not export unchanged",
            ));
        }
        let zero = r.has_flag("ZeroSharedSecret");
        if zero != (shared == [0; 32]) {
            return Err(parse);
        }
        let result = agree_matches(k, &secret, &peer, &shared);
        match (r.verdict().ok_or(parse)?, zero) {
            (Verdict::Valid, false) | (Verdict::Acceptable, false) => {
                if result != Ok(true) {
                    return Err(mismatch(SET, r.line, "shared secret differs or refused"));
                }
                report.valid += 1;
            }
            (Verdict::Acceptable, true) | (Verdict::Invalid, _) => {
                if result != Err(Error::Verification) {
                    return Err(mismatch(
                        SET,
                        r.line,
                        "all-zero result not refused with Verification",
                    ));
                }
                report.rejected += 1;
            }
            (Verdict::Valid, true) => return Err(parse),
        }
    }
    expect_count(report, counts::X25519_WYCHEPROOF)
}

/// RFC 7748 section 5.2: the two X25519 function vectors and the 1-iteration value
/// (unclamped scalars, as in the RFC: `import_static` clamps).
pub fn x25519_rfc7748<K: KeyAgreement<X25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "RFC 7748 X25519";
    let mut report = Report::new(SET);
    for r in records(data::X25519_RFC7748) {
        report.checked += 1;
        let scalar: [u8; 32] = hex_array(&r, "scalar", SET)?;
        let u: [u8; 32] = hex_array(&r, "u", SET)?;
        let expected: [u8; 32] = hex_array(&r, "result_u", SET)?;
        let secret = k
            .import_static(
                SecretBytes::try_from_slice(&scalar).map_err(|_| parse_failure(SET, r.line))?,
            )
            .map_err(|_| mismatch(SET, r.line, "scalar import failed"))?;
        let peer = k
            .import_public(&u)
            .map_err(|_| mismatch(SET, r.line, "u import failed"))?;
        if agree_matches(k, &secret, &peer, &expected) != Ok(true) {
            return Err(mismatch(SET, r.line, "result differs"));
        }
        report.valid += 1;
    }
    expect_count(report, counts::X25519_RFC7748)
}

/// RFC 7748 section 5.2 iterated X25519: start with `k = u = 9`; each iteration sets
/// `k, u = X25519(k, u), k` (the result becomes the next **scalar**, the old scalar becomes the
/// next **u-coordinate**). Checks the values after 1 and 1,000 iterations, running the chain
/// through `import_static` (the scalar), `import_public` (u) and `agree_static`, and reading
/// each result with [`expose_shared_secret`] to continue. (The 1,000,000-iteration value is not
/// in the file: it takes minutes on a microcontroller.)
pub fn x25519_rfc7748_iterated<K: KeyAgreement<X25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "RFC 7748 X25519 iterated";
    let mut report = Report::new(SET);
    let mut scalar = [0u8; 32];
    scalar[0] = 9;
    let mut u = scalar;
    let mut done: u64 = 0;
    for r in records(data::X25519_RFC7748_ITER) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let target = r
            .number("iterations")
            .filter(|&n| n >= done && n <= 1_000_000)
            .ok_or(parse)?;
        let expected: [u8; 32] = hex_array(&r, "result_k", SET)?;
        while done < target {
            let secret = k
                .import_static(SecretBytes::take_from(&mut scalar.clone()))
                .map_err(|_| mismatch(SET, r.line, "scalar import failed"))?;
            let peer = k
                .import_public(&u)
                .map_err(|_| mismatch(SET, r.line, "u import failed"))?;
            let shared = k
                .agree_static(&secret, &peer)
                .map_err(|_| mismatch(SET, r.line, "agreement refused"))?;
            u = scalar;
            scalar = *expose_shared_secret(&shared);
            done += 1;
        }
        if scalar != expected {
            return Err(mismatch(SET, r.line, "iterated result differs"));
        }
        report.valid += 1;
    }
    expect_count(report, counts::X25519_RFC7748_ITER)
}

/// X25519 negative cases: every public-key length from 0 to 40 bytes except 32 is
/// [`Error::InvalidInput`]; each small-order u-coordinate (0, 1, the two order-8 points,
/// p - 1, p, p + 1, each also with the top bit set) imports, and agreement with it is refused
/// with [`Error::Verification`], both with a static secret and with a generated ephemeral one;
/// a failing generator's error reaches the caller.
pub fn x25519_negative<K: KeyAgreement<X25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "X25519 negative cases";
    let mut report = Report::new(SET);
    let buf = [0x42u8; 41];
    for len in 0..=40usize {
        if len == 32 {
            continue;
        }
        report.checked += 1;
        let bytes = buf.get(..len).ok_or(mismatch(SET, len, "case"))?;
        if k.import_public(bytes).err() != Some(Error::InvalidInput) {
            return Err(mismatch(SET, len, "wrong public key length not refused"));
        }
        report.rejected += 1;
    }
    let mut rng = DeterministicTestRng::new(0x7748);
    let secret = k
        .generate_static(&mut rng)
        .map_err(|_| mismatch(SET, 0, "generate_static failed"))?;
    for (i, point) in X25519_SMALL_ORDER.iter().enumerate() {
        for top in [0u8, 0x80] {
            let case = 100 + 2 * i + usize::from(top >> 7);
            let mut u = *point;
            u[31] |= top;
            let peer = k
                .import_public(&u)
                .map_err(|_| mismatch(SET, case, "low-order point import refused"))?;
            report.checked += 2;
            if k.agree_static(&secret, &peer).err() != Some(Error::Verification) {
                return Err(mismatch(SET, case, "low-order point accepted (static)"));
            }
            let eph = k
                .generate_ephemeral(&mut rng)
                .map_err(|_| mismatch(SET, case, "generate_ephemeral failed"))?;
            if k.agree(eph, &peer).err() != Some(Error::Verification) {
                return Err(mismatch(SET, case, "low-order point accepted (ephemeral)"));
            }
            report.rejected += 2;
        }
    }
    report.checked += 2;
    if k.generate_ephemeral(&mut FailingTestRng(Error::Hardware))
        .err()
        != Some(Error::Hardware)
        || k.generate_static(&mut FailingTestRng(Error::Busy)).err() != Some(Error::Busy)
    {
        return Err(mismatch(SET, 200, "generator error not passed on"));
    }
    report.rejected += 2;
    Ok(report)
}

/// Wycheproof ECDH P-256 with DER SubjectPublicKeyInfo public keys (612 records: 330 valid,
/// 230 acceptable, 52 invalid).
///
/// The SPKI is parsed by [`p256_spki_point`] (the two named-curve DER forms only), then the
/// point goes to `import_public`. Policy for "acceptable" records: `CompressedPublic` (a
/// well-formed SPKI holding a compressed point) must give the expected secret; the other 229
/// (`InvalidAsn`: 222 non-DER or malformed encodings, up to 4,194 bytes; `UnnamedCurve`:
/// explicit curve parameters, even correct ones) are refused with [`Error::InvalidInput`].
/// SPKIs longer than [`P256_SPKI_MAX_LEN`] are refused by their length alone, without being
/// decoded, so no record needs scratch space and none is skipped. Invalid records (points not
/// on P-256, wrong curves, invalid compressed points) are [`Error::InvalidInput`]. Valid
/// records include an all-zero shared secret (`x = 0` is a point of P-256), which must be
/// returned, not refused.
pub fn ecdh_p256_wycheproof<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Wycheproof ECDH P-256 (SPKI)";
    let mut report = Report::new(SET);
    for r in records(data::ECDH_P256_WYCHEPROOF) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let verdict = r.verdict().ok_or(parse)?;
        let accept = match verdict {
            Verdict::Valid => true,
            Verdict::Acceptable => r.has_flag("CompressedPublic"),
            Verdict::Invalid => false,
        };
        let len = r.hex_len("public").ok_or(parse)?;
        let mut der = [0u8; P256_SPKI_MAX_LEN];
        let imported = if len > P256_SPKI_MAX_LEN {
            Err(Error::InvalidInput)
        } else {
            let der = r.hex("public", &mut der).ok_or(parse)?;
            p256_spki_point(der).and_then(|point| k.import_public(point))
        };
        check_p256_record(k, SET, &r, accept, imported, &mut report)?;
    }
    expect_count(report, counts::ECDH_P256_WYCHEPROOF)
}

/// Wycheproof ECDH P-256 with raw SEC1 public keys (355 records: 330 valid, 1 acceptable,
/// 24 invalid). Policy: the acceptable record (a compressed point) must give the expected
/// secret; invalid records (off-curve points, points of other curves, malformed encodings)
/// are [`Error::InvalidInput`] at import.
pub fn ecdh_p256_ecpoint<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Wycheproof ECDH P-256 (SEC1 point)";
    let mut report = Report::new(SET);
    for r in records(data::ECDH_P256_ECPOINT_WYCHEPROOF) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let accept = match r.verdict().ok_or(parse)? {
            Verdict::Valid => true,
            Verdict::Acceptable => r.has_flag("CompressedPublic"),
            Verdict::Invalid => false,
        };
        let mut buf = [0u8; 80];
        let point = r.hex("public", &mut buf).ok_or(parse)?;
        let imported = k.import_public(point);
        check_p256_record(k, SET, &r, accept, imported, &mut report)?;
    }
    expect_count(report, counts::ECDH_P256_ECPOINT)
}

/// The common part of the two Wycheproof P-256 sets, once the public key went through import.
fn check_p256_record<K: KeyAgreement<P256>>(
    k: &mut K,
    set: &'static str,
    r: &Record<'_>,
    accept: bool,
    imported: Result<K::PublicKey, Error>,
    report: &mut Report,
) -> Result<(), Failure> {
    let private = scalar_field(r, "private", set)?;
    let secret = k
        .import_static(private)
        .map_err(|_| mismatch(set, r.line, "private key import failed"))?;
    if accept {
        let shared: [u8; 32] = hex_array(r, "shared", set)?;
        let peer = imported.map_err(|_| mismatch(set, r.line, "public key refused"))?;
        if agree_matches(k, &secret, &peer, &shared) != Ok(true) {
            return Err(mismatch(set, r.line, "shared secret differs or refused"));
        }
        report.valid += 1;
    } else {
        if imported.err() != Some(Error::InvalidInput) {
            return Err(mismatch(
                set,
                r.line,
                "public key not refused with InvalidInput",
            ));
        }
        report.rejected += 1;
    }
    Ok(())
}

/// NIST CAVP KAS ECC CDH primitive test, P-256 (25 records): the IUT's public key computed
/// from `d` must equal the given one, and `Z` (the x-coordinate) must match.
pub fn ecdh_p256_cavp_cdh<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "CAVP ECC CDH P-256";
    let mut report = Report::new(SET);
    for r in records(data::ECDH_P256_CAVP_CDH) {
        report.checked += 1;
        let peer_bytes = uncompressed_field(&r, "qx", "qy", SET)?;
        let own_bytes = uncompressed_field(&r, "qx_iut", "qy_iut", SET)?;
        let z: [u8; 32] = hex_array(&r, "z", SET)?;
        let secret = k
            .import_static(scalar_field(&r, "d", SET)?)
            .map_err(|_| mismatch(SET, r.line, "private key import failed"))?;
        let own = k
            .static_public(&secret)
            .map_err(|_| mismatch(SET, r.line, "static_public failed"))?;
        if k.export_public(&own) != own_bytes {
            return Err(mismatch(SET, r.line, "public key differs"));
        }
        let peer = k
            .import_public(&peer_bytes)
            .map_err(|_| mismatch(SET, r.line, "peer key refused"))?;
        if agree_matches(k, &secret, &peer, &z) != Ok(true) {
            return Err(mismatch(SET, r.line, "Z differs"));
        }
        report.valid += 1;
    }
    expect_count(report, counts::ECDH_P256_CAVP_CDH)
}

/// NIST CAVP KAS ECC validity test (static unified, ZZ only, no key confirmation), P-256,
/// initiator and responder files (60 records: 36 pass, 24 fail).
///
/// Valid records (reasons 0 and 13, "Z with a leading zero nibble"): both key pairs are
/// consistent (`static_public` of each private key equals the given public key) and both
/// sides compute the given Z.
///
/// Each failing reason is checked for what an ECDH primitive can honestly detect:
/// - 1, 2 (CAVS public key fails public-key validation): `import_public` refuses the CAVS
///   key with [`Error::InvalidInput`].
/// - 5, 6 (IUT public key fails validation): `import_public` refuses the IUT key.
/// - 7 (the IUT's private key `d` was changed): not detectable by the agreement itself,
///   which simply uses whatever scalar it is given. What is checked: the changed `d` is
///   either refused by `import_static` or its public key (`static_public`) differs from the
///   given IUT public key, i.e. the key-pair consistency check that SP 800-56A 5.6.2.1.4
///   asks of the owner fails.
/// - 8 (Z was changed): every key imports and is consistent, and the Z computed (both ways)
///   differs from the given Z.
pub fn ecdh_p256_kas_validity<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "CAVP KAS ECC validity P-256";
    let mut report = Report::new(SET);
    for r in records(data::ECDH_P256_KAS_VALIDITY) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let cavs_pub = uncompressed_field(&r, "qx_cavs", "qy_cavs", SET)?;
        let iut_pub = uncompressed_field(&r, "qx_iut", "qy_iut", SET)?;
        let z: [u8; 32] = hex_array(&r, "z", SET)?;
        let reason = r
            .field("comment")
            .and_then(|c| c.split_once('-'))
            .and_then(|(n, _)| n.parse::<u8>().ok())
            .ok_or(parse)?;
        let verdict = r.verdict().ok_or(parse)?;
        match (verdict, reason) {
            (Verdict::Valid, 0 | 13) => {
                let (z_iut, z_cavs) = kas_both_sides(k, SET, &r, &cavs_pub, &iut_pub)?;
                if z_iut != z || z_cavs != z {
                    return Err(mismatch(SET, r.line, "Z differs"));
                }
                report.valid += 1;
            }
            (Verdict::Invalid, 1 | 2) => {
                if k.import_public(&cavs_pub).err() != Some(Error::InvalidInput) {
                    return Err(mismatch(SET, r.line, "invalid CAVS public key imported"));
                }
                report.rejected += 1;
            }
            (Verdict::Invalid, 5 | 6) => {
                if k.import_public(&iut_pub).err() != Some(Error::InvalidInput) {
                    return Err(mismatch(SET, r.line, "invalid IUT public key imported"));
                }
                report.rejected += 1;
            }
            (Verdict::Invalid, 7) => {
                match k.import_static(scalar_field(&r, "ds_iut", SET)?) {
                    Err(Error::InvalidInput) => {}
                    Ok(secret) => {
                        let own = k
                            .static_public(&secret)
                            .map_err(|_| mismatch(SET, r.line, "static_public failed"))?;
                        if k.export_public(&own) == iut_pub {
                            return Err(mismatch(
                                SET,
                                r.line,
                                "changed private key still matches the public key",
                            ));
                        }
                    }
                    Err(_) => return Err(mismatch(SET, r.line, "import_static failed oddly")),
                }
                report.rejected += 1;
            }
            (Verdict::Invalid, 8) => {
                let (z_iut, z_cavs) = kas_both_sides(k, SET, &r, &cavs_pub, &iut_pub)?;
                if z_iut != z_cavs || z_iut == z {
                    return Err(mismatch(SET, r.line, "changed Z not detected"));
                }
                report.rejected += 1;
            }
            _ => return Err(parse),
        }
    }
    expect_count(report, counts::ECDH_P256_KAS_VALIDITY)
}

/// Imports both key pairs of a KAS record, checks each is consistent, and returns the Z each
/// side computes.
fn kas_both_sides<K: KeyAgreement<P256>>(
    k: &mut K,
    set: &'static str,
    r: &Record<'_>,
    cavs_pub: &[u8; 65],
    iut_pub: &[u8; 65],
) -> Result<([u8; 32], [u8; 32]), Failure> {
    let mut z = [[0u8; 32]; 2];
    for (out, (own_d, own_pub, peer_pub)) in z.iter_mut().zip([
        ("ds_iut", iut_pub, cavs_pub),
        ("ds_cavs", cavs_pub, iut_pub),
    ]) {
        let secret = k
            .import_static(scalar_field(r, own_d, set)?)
            .map_err(|_| mismatch(set, r.line, "private key import failed"))?;
        let own = k
            .static_public(&secret)
            .map_err(|_| mismatch(set, r.line, "static_public failed"))?;
        if k.export_public(&own) != *own_pub {
            return Err(mismatch(set, r.line, "key pair inconsistent"));
        }
        let peer = k
            .import_public(peer_pub)
            .map_err(|_| mismatch(set, r.line, "public key refused"))?;
        let shared = k
            .agree_static(&secret, &peer)
            .map_err(|_| mismatch(set, r.line, "agreement refused"))?;
        *out = *expose_shared_secret(&shared);
    }
    let [a, b] = z;
    Ok((a, b))
}

/// P-256 negative and edge cases:
/// - every public-key length from 0 to 70 bytes except 33 and 65, with each leading byte
///   `00`, `02`, `03`, `04`, is [`Error::InvalidInput`] (this includes the 1-byte identity
///   encoding `00`);
/// - the identity and off-curve points: `04 || 0 || 0`, G with `y + 1`, coordinates equal to
///   p, a compressed `x = 1` (no square root), a compressed `x = p`, the hybrid forms
///   `06/07 || x || y` of G, and G's coordinates behind wrong tags, are all `InvalidInput`;
/// - compressed `02 || 0` (`x = 0` is a point of P-256) imports;
/// - `import_static` refuses 0, n, n + 1 and `ff..ff` and accepts 1 and n - 1; the public key
///   of 1 is G, and `1 * peer` gives the peer's x-coordinate;
/// - key generation from a generator stuck at `ff..ff` or `00..00` gives up with
///   [`Error::Hardware`] instead of looping; a failing generator's error reaches the caller.
pub fn p256_negative<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "P-256 negative cases";
    let mut report = Report::new(SET);
    let refuse = |k: &mut K, report: &mut Report, case: usize, bytes: &[u8]| {
        refuse_public(report, SET, case, k.import_public(bytes).err())
    };
    let mut long = [0u8; 71];
    long[..65].copy_from_slice(&P256_G);
    for len in 0..=70usize {
        if len == 33 || len == 65 {
            continue;
        }
        for tag in [0x00u8, 0x02, 0x03, 0x04] {
            let mut buf = long;
            buf[0] = tag;
            let bytes = buf.get(..len).ok_or(mismatch(SET, len, "case"))?;
            refuse(k, &mut report, len, bytes)?;
        }
    }
    let mut cases: [[u8; 65]; 8] = [P256_G; 8];
    cases[0] = [0; 65];
    cases[0][0] = 0x04; // (0, 0): the "point at infinity" of some encoders; not on the curve
    cases[1][64] ^= 0x01; // G with y + 1 (y is odd: flipping bit 0 adds 1)
    cases[2][1..33].copy_from_slice(&P256_P); // x = p
    cases[3][33..].copy_from_slice(&P256_P); // y = p
    cases[4][0] = 0x06; // hybrid, as SEC1 allows; we do not
    cases[5][0] = 0x07;
    cases[6][0] = 0x05;
    cases[7][0] = 0x02; // compressed tag, uncompressed length
    for (i, case) in cases.iter().enumerate() {
        refuse(k, &mut report, 100 + i, case)?;
    }
    let mut compressed = [0u8; 33];
    compressed[0] = 0x02;
    compressed[32] = 1; // x = 1: x^3 - 3x + b is not a square
    refuse(k, &mut report, 110, &compressed)?;
    compressed[1..].copy_from_slice(&P256_P); // x = p
    refuse(k, &mut report, 111, &compressed)?;
    compressed[1..].copy_from_slice(&P256_G[1..33]);
    compressed[0] = 0x04; // uncompressed tag, compressed length
    refuse(k, &mut report, 112, &compressed)?;
    let mut x_zero = [0u8; 33];
    x_zero[0] = 0x02;
    report.checked += 1;
    k.import_public(&x_zero)
        .map_err(|_| mismatch(SET, 113, "the point with x = 0 refused"))?;
    report.valid += 1;

    // Private scalars.
    let mut n_plus_1 = P256_N;
    n_plus_1[31] += 1;
    let mut n_minus_1 = P256_N;
    n_minus_1[31] -= 1;
    let mut one = [0u8; 32];
    one[31] = 1;
    for (i, bad) in [[0u8; 32], P256_N, n_plus_1, [0xff; 32]].iter().enumerate() {
        report.checked += 1;
        if k.import_static(SecretBytes::take_from(&mut bad.clone()))
            .err()
            != Some(Error::InvalidInput)
        {
            return Err(mismatch(SET, 200 + i, "out-of-range scalar imported"));
        }
        report.rejected += 1;
    }
    report.checked += 3;
    k.import_static(SecretBytes::take_from(&mut n_minus_1))
        .map_err(|_| mismatch(SET, 210, "n - 1 refused"))?;
    let secret_one = k
        .import_static(SecretBytes::take_from(&mut one.clone()))
        .map_err(|_| mismatch(SET, 211, "1 refused"))?;
    let g = k
        .static_public(&secret_one)
        .map_err(|_| mismatch(SET, 211, "static_public failed"))?;
    if k.export_public(&g) != P256_G {
        return Err(mismatch(SET, 211, "public key of 1 is not G"));
    }
    let peer = k
        .import_public(&P256_G)
        .map_err(|_| mismatch(SET, 212, "G refused"))?;
    let mut gx = [0u8; 32];
    gx.copy_from_slice(&P256_G[1..33]);
    if agree_matches(k, &secret_one, &peer, &gx) != Ok(true) {
        return Err(mismatch(SET, 212, "1 * G is not G's x-coordinate"));
    }
    report.valid += 3;

    // Key generation.
    report.checked += 5;
    for (i, stuck) in [0xffu8, 0x00].into_iter().enumerate() {
        if k.generate_static(&mut StuckTestRng(stuck)).err() != Some(Error::Hardware)
            || k.generate_ephemeral(&mut StuckTestRng(stuck)).err() != Some(Error::Hardware)
        {
            return Err(mismatch(SET, 300 + i, "stuck generator not reported"));
        }
    }
    if k.generate_ephemeral(&mut FailingTestRng(Error::Busy)).err() != Some(Error::Busy)
        || k.generate_static(&mut FailingTestRng(Error::Hardware))
            .err()
            != Some(Error::Hardware)
    {
        return Err(mismatch(SET, 302, "generator error not passed on"));
    }
    report.rejected += 4;
    let mut rng = DeterministicTestRng::new(256);
    k.generate_static(&mut rng)
        .map_err(|_| mismatch(SET, 303, "generation with a working generator failed"))?;
    report.valid += 1;
    Ok(report)
}

fn exchange<S: Algorithm, K: KeyAgreement<S>, H: HkdfSha256>(
    set: &'static str,
    k: &mut K,
    h: &mut H,
) -> Result<Report, Failure> {
    const ROUNDS: usize = 8;
    let mut report = Report::new(set);
    let mut rng = DeterministicTestRng::new(0xb01_3a4c);
    let mut previous = [0u8; 32];
    for round in 0..ROUNDS {
        report.checked += 2;
        let fail = |what| mismatch(set, round, what);
        // Ephemeral: each side generates, sends its encoded key, imports the other's.
        let a = k
            .generate_ephemeral(&mut rng)
            .map_err(|_| fail("generate"))?;
        let b = k
            .generate_ephemeral(&mut rng)
            .map_err(|_| fail("generate"))?;
        let pa = k.ephemeral_public(&a).map_err(|_| fail("public"))?;
        let pb = k.ephemeral_public(&b).map_err(|_| fail("public"))?;
        let wire_a = k.export_public(&pa);
        let wire_b = k.export_public(&pb);
        let pa = k
            .import_public(wire_a.as_ref())
            .map_err(|_| fail("import"))?;
        let pb = k
            .import_public(wire_b.as_ref())
            .map_err(|_| fail("import"))?;
        let sa = k.agree(a, &pb).map_err(|_| fail("agree"))?;
        let sb = k.agree(b, &pa).map_err(|_| fail("agree"))?;
        let prk_a = h
            .extract_shared(b"bulwark exchange", sa)
            .map_err(|_| fail("extract"))?;
        let prk_b = h
            .extract_shared(b"bulwark exchange", sb)
            .map_err(|_| fail("extract"))?;
        if prk_a.expose_secret() != prk_b.expose_secret() {
            return Err(fail("the two sides derived different PRKs"));
        }
        if *prk_a.expose_secret() == previous {
            return Err(fail("fresh keys gave the previous PRK"));
        }
        previous = *prk_a.expose_secret();
        // Static: the secrets stay usable after an agreement.
        let a = k.generate_static(&mut rng).map_err(|_| fail("generate"))?;
        let b = k.generate_static(&mut rng).map_err(|_| fail("generate"))?;
        let pa = k.static_public(&a).map_err(|_| fail("public"))?;
        let pb = k.static_public(&b).map_err(|_| fail("public"))?;
        for _ in 0..2 {
            let sa = k.agree_static(&a, &pb).map_err(|_| fail("agree"))?;
            let sb = k.agree_static(&b, &pa).map_err(|_| fail("agree"))?;
            if expose_shared_secret(&sa) != expose_shared_secret(&sb) {
                return Err(fail("static agreement differs between the sides"));
            }
        }
        report.valid += 2;
    }
    Ok(report)
}

/// Two parties each generate an X25519 ephemeral key (from a [`DeterministicTestRng`]),
/// exchange encoded public keys, agree, and derive the same PRK with `extract_shared`; a
/// fresh exchange gives a different PRK; static secrets agree both ways and stay usable.
pub fn x25519_exchange<K: KeyAgreement<X25519>, H: HkdfSha256>(
    k: &mut K,
    h: &mut H,
) -> Result<Report, Failure> {
    exchange::<X25519, K, H>("X25519 exchange", k, h)
}

/// The same as [`x25519_exchange`] for P-256.
pub fn p256_exchange<K: KeyAgreement<P256>, H: HkdfSha256>(
    k: &mut K,
    h: &mut H,
) -> Result<Report, Failure> {
    exchange::<P256, K, H>("P-256 exchange", k, h)
}
