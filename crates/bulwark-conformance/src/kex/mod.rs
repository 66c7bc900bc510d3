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

mod exchange;
mod p256;
mod x25519;

pub use exchange::*;
pub use p256::*;
pub use x25519::*;
