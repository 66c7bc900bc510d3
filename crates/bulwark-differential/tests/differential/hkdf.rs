//! HKDF-SHA256: bulwark's `Soft` (RustCrypto `hkdf`) against OpenSSL's `EVP_PKEY_HKDF` in its
//! three modes (extract-and-expand, extract only, expand only).

use bulwark_api::{
    Error, SecretBytes,
    kdf::{HKDF_SHA256_MAX_LEN, HkdfSha256, Prk},
};
use bulwark_differential::{SeededCases, reference, run, same};
use bulwark_soft::Soft;

use crate::{assert_clean, both_reject, config, ossl, ours};

/// OpenSSL 3.0 caps the total `info` at 1024 bytes.
const OPENSSL_INFO_MAX: usize = 1024;

fn one_case(r: &mut SeededCases) -> Result<(), String> {
    let salt_len = if r.percent(10) {
        0
    } else if r.percent(65) {
        r.range(1, 64)
    } else {
        // Longer than SHA-256's 64-byte block: HMAC hashes the key first.
        r.range(65, 200)
    };
    let ikm_len = if r.percent(5) { 0 } else { r.range(1, 128) };
    let info_len = if r.percent(10) {
        0
    } else if r.percent(90) {
        r.range(1, 300)
    } else {
        r.range(301, OPENSSL_INFO_MAX)
    };
    let roll = r.below(1000);
    let okm_len = if roll < 10 {
        HKDF_SHA256_MAX_LEN
    } else if roll < 20 {
        HKDF_SHA256_MAX_LEN + 1
    } else if roll < 70 {
        r.range(256, HKDF_SHA256_MAX_LEN)
    } else {
        r.range(1, 128)
    };
    let salt = r.bytes(salt_len);
    let ikm = r.bytes(ikm_len);
    let info = r.bytes(info_len);
    let params = format!("salt {salt_len} B, ikm {ikm_len} B, info {info_len} B, okm {okm_len} B");
    let with = |e: String| format!("{params}: {e}");
    let mut soft = Soft;
    let ikm_parts = r.split(&ikm, 3);
    let info_parts = r.split(&info, 3);

    // Extract-and-expand.
    let mut okm = vec![0u8; okm_len];
    let o = soft.derive(&salt, &ikm_parts, &info_parts, &mut okm);
    let t = reference::hkdf_derive(&salt, &ikm, &info, okm_len);
    if okm_len > HKDF_SHA256_MAX_LEN {
        return both_reject("okm over 255 blocks", o, Error::InvalidInput, t.is_err())
            .map_err(with);
    }
    ours("derive", o).map_err(with)?;
    let theirs = ossl("HKDF", t).map_err(with)?;
    same("okm (extract+expand)", &okm, &theirs).map_err(with)?;

    // Extract only.
    let prk = ours("extract", soft.extract(&salt, &ikm_parts)).map_err(with)?;
    let their_prk = ossl("HKDF extract", reference::hkdf_extract(&salt, &ikm)).map_err(with)?;
    same("prk", prk.expose_secret(), &their_prk).map_err(with)?;

    // Expand only, from a random PRK (not one that came out of extract).
    let prk_bytes = r.array32();
    let prk = Prk::from_secret(
        SecretBytes::try_from_slice(&prk_bytes).map_err(|e| with(format!("{e}")))?,
    );
    let mut okm = vec![0u8; okm_len];
    ours("expand", soft.expand(&prk, &info_parts, &mut okm)).map_err(with)?;
    let theirs = ossl(
        "HKDF expand",
        reference::hkdf_expand(&prk_bytes, &info, okm_len),
    )
    .map_err(with)?;
    same("okm (expand only)", &okm, &theirs).map_err(with)
}

#[test]
fn hkdf_sha256() {
    let outcome = run("hkdf-sha256", config(), one_case);
    assert_clean(&outcome);
}
