//! The measured operations of bulwark's on-target benchmarks, each with its check: a published
//! known answer (FIPS-197, RFC 3610, RFC 4493, RFC 5869, RFC 6979, RFC 7748, RFC 8032, NIST
//! CAVP, Wycheproof) or, for sizes no publication covers (CCM of 64 bytes, SHA-256 of 1 and
//! 4 KiB of [`fill`]), an answer computed on the host with OpenSSL (Python `cryptography`) or
//! Python `hashlib` and written down here.
//!
//! The operations run through a [`Bench`], which each firmware implements for its own runner
//! (`benches/embedded/arm`: QEMU instruction counts and painted-stack peaks; `benches/embedded/avr`:
//! simavr cycles). Inputs are moved into the measured closure, so setup (key import, key
//! schedule, message fill) stays outside the markers.

#![no_std]

#[cfg(feature = "compact")]
pub mod compact;
#[cfg(feature = "links")]
mod links;
#[cfg(feature = "mcuboot")]
mod mcuboot;
#[cfg(feature = "p256")]
mod p256;
#[cfg(any(feature = "p256", feature = "compact"))]
mod p256_vectors;
#[cfg(feature = "trust")]
mod trust;
#[cfg(feature = "vault")]
mod vault;

#[cfg(feature = "links")]
pub use links::ble_pairing;
#[cfg(feature = "mcuboot")]
pub use mcuboot::{MCUBOOT_CHUNK, mcuboot_verify};
#[cfg(feature = "p256")]
pub use p256::{ecdsa_verify, p256_ecdh};
#[cfg(feature = "trust")]
pub use trust::{TrustInputs, trust_chain};
#[cfg(feature = "vault")]
pub use vault::vault;

use bulwark_api::{
    SecretBytes,
    ccm::Ccm,
    hash::Sha256,
    hazmat::{BlockEncrypt, expose_shared_secret},
    kdf::HkdfSha256,
    kex::{KeyAgreement, X25519},
    mac::Cmac,
    sig::{Ed25519, Ed25519Signature, Verify},
};
use bulwark_soft::{CcmMode, CmacMode, Soft, SoftAes};

/// What a firmware's runner does with an operation: measure it between its markers, check its
/// output and print the verdict.
pub trait Bench {
    /// Measures `op(input)` between the markers (input and output through `black_box`) and
    /// checks the output with `check`; prints `bench NAME ok|FAIL ...`.
    fn run<I, O>(
        &mut self,
        name: &str,
        input: I,
        op: impl FnOnce(I) -> O,
        check: impl FnOnce(O) -> bool,
    );

    /// Records `name` as failed without measuring it (its setup failed).
    fn fail(&mut self, name: &str);

    /// Records a check made outside the markers (`step NAME ok|FAIL`).
    fn step(&mut self, name: &str, ok: bool);
}

/// Decodes a hex string at compile time (panics, at compile time, on bad input).
pub const fn h<const N: usize>(s: &str) -> [u8; N] {
    const fn nib(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 0xff,
        }
    }
    let s = s.as_bytes();
    assert!(s.len() == 2 * N, "hex length");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        let (a, b) = (nib(s[2 * i]), nib(s[2 * i + 1]));
        assert!(a < 16 && b < 16, "hex digit");
        out[i] = (a << 4) | b;
        i += 1;
    }
    out
}

/// The deterministic message pattern (the ARM firmware's `build.rs` uses it too).
pub fn pattern(i: usize) -> u8 {
    (i.wrapping_mul(131) ^ (i >> 8)) as u8
}

/// Fills `buf` with [`pattern`].
pub fn fill(buf: &mut [u8]) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b = pattern(i);
    }
}

// FIPS-197 appendix C.1 (AES-128).
const AES_KEY: [u8; 16] = h("000102030405060708090a0b0c0d0e0f");
const AES_PT: [u8; 16] = h("00112233445566778899aabbccddeeff");
const AES_CT: [u8; 16] = h("69c4e0d86a7b0430d8cdb78070b4c55a");

/// AES-128, one block with the key schedule, FIPS-197 known answer.
pub fn aes<R: Bench>(r: &mut R) {
    r.run(
        "aes128-block+key",
        (AES_KEY, AES_PT),
        |(key, mut block)| {
            let ok = SoftAes::new(&key)
                .and_then(|mut aes| aes.encrypt_block(&mut block))
                .is_ok();
            (ok, block)
        },
        |(ok, block)| ok && block == AES_CT,
    );
}

/// AES-128, one block with a key scheduled outside the measurement, FIPS-197 known answer.
pub fn aes_scheduled<R: Bench>(r: &mut R) {
    let Ok(aes) = SoftAes::new(&AES_KEY) else {
        return r.fail("aes128-block");
    };
    r.run(
        "aes128-block",
        (aes, AES_PT),
        |(mut aes, mut block)| {
            let ok = aes.encrypt_block(&mut block).is_ok();
            (ok, block)
        },
        |(ok, block)| ok && block == AES_CT,
    );
}

// RFC 3610 packet vector #1 (13-byte nonce, 8-byte AAD, 8-byte tag). Its key, nonce and AAD
// are also those of the sized runs.
const CCM_KEY: [u8; 16] = h("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
const CCM_NONCE: [u8; 13] = h("00000003020100a0a1a2a3a4a5");
const CCM_AAD: [u8; 8] = h("0001020304050607");
const CCM_PT: [u8; 23] = h("08090a0b0c0d0e0f101112131415161718191a1b1c1d1e");
const CCM_CT: [u8; 23] = h("588c979a61c663d2f066d0c2c0f989806d5f6b61dac384");
const CCM_TAG: [u8; 8] = h("17e8d12cfdf926e0");
// The 64-byte message is `fill`'s; the answer is OpenSSL's (Python `cryptography` AESCCM).
const CCM_CT_64: [u8; 64] = h(concat!(
    "50069b1861447f48f8ecdc70f04bb53a45f547c3fa61d83a2cc7d2d78aba5752",
    "7ec1f3c380d0197eca556c5e73e41261fca77c93c90e70447dcf873a33b434e4"
));
const CCM_TAG_64: [u8; 8] = h("f7bdce8348d624f1");

fn ccm_engine() -> Option<CcmMode<SoftAes>> {
    SoftAes::new(&CCM_KEY).ok().map(CcmMode::new)
}

/// The measured CCM seal: the buffer sealed in place, its 8-byte tag, and whether the seal
/// succeeded.
#[inline(always)]
fn ccm_seal<const N: usize>(
    (mut ccm, mut buf): (CcmMode<SoftAes>, [u8; N]),
) -> (bool, [u8; N], [u8; 8]) {
    let mut tag = [0u8; 8];
    let ok = ccm
        .seal_detached(&CCM_NONCE, &[&CCM_AAD], &mut buf, &mut tag)
        .is_ok();
    (ok, buf, tag)
}

/// AES-128-CCM seal of RFC 3610 packet vector #1 (key schedule outside the measurement),
/// checked against the published ciphertext and tag.
pub fn ccm_rfc3610<R: Bench>(r: &mut R) {
    let Some(ccm) = ccm_engine() else {
        return r.fail("ccm-rfc3610-kat");
    };
    r.run(
        "ccm-rfc3610-kat",
        (ccm, CCM_PT),
        ccm_seal,
        |(ok, buf, tag)| ok && buf == CCM_CT && tag == CCM_TAG,
    );
}

/// AES-128-CCM seal, then open, of `N` bytes of [`fill`] (8-byte AAD, 13-byte nonce, 8-byte
/// tag; key schedules outside the measurement): the seal must change the message, the open
/// must give it back.
fn ccm_round_trip<R: Bench, const N: usize>(r: &mut R, seal: &str, open: &str) {
    let Some(ccm) = ccm_engine() else {
        return r.fail(seal);
    };
    let mut msg = [0u8; N];
    fill(&mut msg);
    let plain = msg;
    let mut tag = [0u8; 8];
    r.run(seal, (ccm, msg), ccm_seal, |(ok, buf, t)| {
        msg = buf;
        tag = t;
        ok && buf != plain
    });
    let Some(ccm) = ccm_engine() else {
        return r.fail(open);
    };
    r.run(
        open,
        (ccm, msg, tag),
        |(mut ccm, mut buf, tag)| {
            let ok = ccm
                .open_detached(&CCM_NONCE, &[&CCM_AAD], &mut buf, &tag)
                .is_ok();
            (ok, buf)
        },
        |(ok, buf)| ok && buf == plain,
    );
}

/// CCM seal and open of 16 bytes (round trip).
pub fn ccm_16<R: Bench>(r: &mut R) {
    ccm_round_trip::<R, 16>(r, "ccm-seal-16", "ccm-open-16");
}

/// CCM seal of 64 bytes of [`fill`] checked against OpenSSL's answer, then open of that
/// answer, which must give the message back (key schedules outside the measurement).
pub fn ccm_64<R: Bench>(r: &mut R) {
    let (Some(seal), Some(open)) = (ccm_engine(), ccm_engine()) else {
        return r.fail("ccm-seal-64");
    };
    let mut msg = [0u8; 64];
    fill(&mut msg);
    let plain = msg;
    r.run("ccm-seal-64", (seal, msg), ccm_seal, |(ok, buf, tag)| {
        ok && buf == CCM_CT_64 && tag == CCM_TAG_64
    });
    r.run(
        "ccm-open-64",
        (open, CCM_CT_64),
        |(mut ccm, mut buf)| {
            let ok = ccm
                .open_detached(&CCM_NONCE, &[&CCM_AAD], &mut buf, &CCM_TAG_64)
                .is_ok();
            (ok, buf)
        },
        |(ok, buf)| ok && buf == plain,
    );
}

/// CCM seal and open of 256 bytes (round trip).
pub fn ccm_256<R: Bench>(r: &mut R) {
    ccm_round_trip::<R, 256>(r, "ccm-seal-256", "ccm-open-256");
}

// RFC 4493 section 4, example 3 (64-byte message).
const CMAC_KEY: [u8; 16] = h("2b7e151628aed2a6abf7158809cf4f3c");
const CMAC_MSG: [u8; 64] = h(concat!(
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51",
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
));
const CMAC_TAG: [u8; 16] = h("51f0bebf7e3b9d92fc49741779363cfe");

/// AES-128-CMAC of 64 bytes (key schedule included), RFC 4493 known answer.
pub fn cmac<R: Bench>(r: &mut R) {
    r.run(
        "cmac-64",
        (CMAC_KEY, CMAC_MSG),
        |(key, msg)| {
            SoftAes::new(&key)
                .map(CmacMode::new)
                .and_then(|mut cmac| cmac.compute(&[&msg]))
                .ok()
        },
        |tag| tag == Some(CMAC_TAG),
    );
}

// RFC 7748 section 6.1 (Alice's secret, Bob's public, the shared secret).
const X25519_SECRET: [u8; 32] =
    h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const X25519_PEER: [u8; 32] = h("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
const X25519_SHARED: [u8; 32] =
    h("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

/// X25519 shared secret (one variable-base scalar multiplication), RFC 7748 known answer.
/// Key import (clamping, peer-key checks) is outside the measurement.
pub fn x25519<R: Bench>(r: &mut R) {
    let mut soft = Soft;
    let (Ok(secret), Ok(peer)) = (
        SecretBytes::try_from_slice(&X25519_SECRET)
            .and_then(|s| KeyAgreement::<X25519>::import_static(&mut soft, s)),
        KeyAgreement::<X25519>::import_public(&mut soft, &X25519_PEER),
    ) else {
        return r.fail("x25519");
    };
    r.run(
        "x25519",
        (secret, peer),
        |(secret, peer)| {
            KeyAgreement::<X25519>::agree_static(&mut Soft, &secret, &peer)
                .ok()
                .map(|s| *expose_shared_secret(&s))
        },
        |shared| shared == Some(X25519_SHARED),
    );
}

/// One Ed25519 verification case: a public key, a message and its valid signature.
#[derive(Clone, Copy, Debug)]
pub struct Ed25519Case {
    /// The public key.
    pub public: [u8; 32],
    /// The signed message.
    pub msg: &'static [u8],
    /// The signature.
    pub sig: [u8; 64],
}

/// RFC 8032 section 7.1, TEST 1 (the empty message).
pub const ED25519_RFC8032_TEST1: Ed25519Case = Ed25519Case {
    public: h("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
    msg: b"",
    sig: h(concat!(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555",
        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )),
};

/// Wycheproof `ed25519_test.json` tcId 3 (message "Test";
/// test-vectors/ed25519_wycheproof.txt).
pub const ED25519_WYCHEPROOF_3: Ed25519Case = Ed25519Case {
    public: h("7d4d0e7f6153a69b6242b522abbee685fda4420f8834b108c3bdae369ef549fa"),
    msg: b"Test",
    sig: h(concat!(
        "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0",
        "7a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b30d"
    )),
};

/// Ed25519 verification of `case` (public-key decompression outside the measurement). With
/// `refuse`, the same signature with one flipped bit of R must then be refused (a step: checked,
/// not measured).
pub fn ed25519_verify<R: Bench>(r: &mut R, case: &Ed25519Case, refuse: bool) {
    let Ok(key) = Verify::<Ed25519>::import_public(&mut Soft, &case.public) else {
        return r.fail("ed25519-verify");
    };
    let mut accepted = false;
    r.run(
        "ed25519-verify",
        (&key, Ed25519Signature::from_bytes(&case.sig)),
        |(key, sig)| Verify::<Ed25519>::verify(&mut Soft, key, case.msg, &sig).is_ok(),
        |ok| {
            accepted = ok;
            ok
        },
    );
    if refuse && accepted {
        let mut bad = case.sig;
        bad[5] ^= 1;
        let bad = Ed25519Signature::from_bytes(&bad);
        let refused = Verify::<Ed25519>::verify(&mut Soft, &key, case.msg, &bad).is_err();
        r.step("ed25519-verify-refuses-bad-signature", refused);
    }
}

// RFC 5869 appendix A.1 (the first 32 bytes of its 42-byte OKM).
const HKDF_IKM: [u8; 22] = [0x0b; 22];
const HKDF_SALT: [u8; 13] = h("000102030405060708090a0b0c");
const HKDF_INFO: [u8; 10] = h("f0f1f2f3f4f5f6f7f8f9");
const HKDF_OKM: [u8; 32] = h("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");

/// HKDF-SHA256 extract and expand to 32 bytes, RFC 5869 known answer.
pub fn hkdf<R: Bench>(r: &mut R) {
    r.run(
        "hkdf-sha256-32",
        (HKDF_SALT, HKDF_IKM, HKDF_INFO),
        |(salt, ikm, info)| {
            let mut okm = [0u8; 32];
            let ok = HkdfSha256::extract(&mut Soft, &salt, &[&ikm])
                .and_then(|prk| HkdfSha256::expand(&mut Soft, &prk, &[&info], &mut okm))
                .is_ok();
            (ok, okm)
        },
        |(ok, okm)| ok && okm == HKDF_OKM,
    );
}

/// SHA-256 of [`fill`]'s first 1 KiB, from Python `hashlib`.
const SHA256_1K: [u8; 32] = h("aa929e6f00fc44cddff9a6bfbd02f55e946b070f5c1ecd80e91524cf16b72738");
/// SHA-256 of [`fill`]'s first 4 KiB, from Python `hashlib`.
const SHA256_4K: [u8; 32] = h("a09ec08fa369b326f74beb61d90d615485a6cad4e7c06c06204040f13ab54275");

/// SHA-256 of `N` bytes of [`fill`] (built on the stack, outside the measurement).
fn sha256_of<R: Bench, const N: usize>(r: &mut R, name: &str, expected: &[u8; 32]) {
    let mut data = [0u8; N];
    fill(&mut data);
    r.run(
        name,
        &data[..],
        |d| Sha256::digest(&mut Soft, &[d]).ok(),
        |digest| digest.as_ref() == Some(expected),
    );
}

/// SHA-256 of 1 KiB, `hashlib`'s answer.
pub fn sha256_1k<R: Bench>(r: &mut R) {
    sha256_of::<R, 1024>(r, "sha256-1k", &SHA256_1K);
}

/// SHA-256 of 4 KiB, `hashlib`'s answer (with [`sha256_1k`], the report derives the
/// streaming cost per KiB).
pub fn sha256_4k<R: Bench>(r: &mut R) {
    sha256_of::<R, 4096>(r, "sha256-4k", &SHA256_4K);
}
