//! The measured operations, each checked against a published known answer (FIPS-197,
//! RFC 4493, RFC 5869, RFC 7748, RFC 8032) or, for sizes no publication covers (CCM of 64
//! bytes, SHA-256 of 1 KiB), an answer computed on the host with OpenSSL (Python
//! `cryptography`) and written down here.

use bulwark_api::{
    SecretBytes,
    ccm::Ccm,
    hazmat::{BlockEncrypt, expose_shared_secret},
    kdf::{HkdfSha256, Sha256},
    kex::{KeyAgreement, X25519},
    mac::Cmac,
    sig::{Ed25519, Verify},
};
use bulwark_soft::{CcmMode, CmacMode, Soft, SoftAes};

use crate::{Runner, fill};

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

/// The empty operation: the marker overhead, subtracted from every other count.
pub fn empty(r: &mut Runner) {
    r.run("empty", 7u8, |x| x, |x| x == 7);
}

// FIPS-197 appendix C.1 (AES-128).
const AES_KEY: [u8; 16] = h("000102030405060708090a0b0c0d0e0f");
const AES_PT: [u8; 16] = h("00112233445566778899aabbccddeeff");
const AES_CT: [u8; 16] = h("69c4e0d86a7b0430d8cdb78070b4c55a");

/// AES-128, one block with the key schedule, FIPS-197 known answer.
pub fn aes(r: &mut Runner) {
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

// RFC 3610's key and packet-vector-#1 nonce and AAD (13-byte nonce, 8-byte tag); the 64-byte
// message is `fill` (the same as benches/target) and the answer is OpenSSL's (Python
// `cryptography` AESCCM).
const CCM_KEY: [u8; 16] = h("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
const CCM_NONCE: [u8; 13] = h("00000003020100a0a1a2a3a4a5");
const CCM_AAD: [u8; 8] = h("0001020304050607");
const CCM_CT_64: [u8; 64] = h(concat!(
    "50069b1861447f48f8ecdc70f04bb53a45f547c3fa61d83a2cc7d2d78aba5752",
    "7ec1f3c380d0197eca556c5e73e41261fca77c93c90e70447dcf873a33b434e4"
));
const CCM_TAG_64: [u8; 8] = h("f7bdce8348d624f1");

/// AES-128-CCM seal and open of 64 bytes (8-byte AAD, 13-byte nonce, 8-byte tag; key
/// schedule outside the measurement), OpenSSL's answer; open must give the message back.
pub fn ccm(r: &mut Runner) {
    let (Ok(seal), Ok(open)) = (SoftAes::new(&CCM_KEY), SoftAes::new(&CCM_KEY)) else {
        return r.fail("ccm-seal-64");
    };
    let mut msg = [0u8; 64];
    fill(&mut msg);
    let plain = msg;
    r.run(
        "ccm-seal-64",
        (CcmMode::new(seal), msg),
        |(mut ccm, mut buf)| {
            let mut tag = [0u8; 8];
            let ok = ccm
                .seal_detached(&CCM_NONCE, &[&CCM_AAD], &mut buf, &mut tag)
                .is_ok();
            (ok, buf, tag)
        },
        |(ok, buf, tag)| ok && buf == CCM_CT_64 && tag == CCM_TAG_64,
    );
    r.run(
        "ccm-open-64",
        (CcmMode::new(open), CCM_CT_64),
        |(mut ccm, mut buf)| {
            let ok = ccm
                .open_detached(&CCM_NONCE, &[&CCM_AAD], &mut buf, &CCM_TAG_64)
                .is_ok();
            (ok, buf)
        },
        |(ok, buf)| ok && buf == plain,
    );
}

// RFC 4493 section 4, example 3 (64-byte message).
const CMAC_KEY: [u8; 16] = h("2b7e151628aed2a6abf7158809cf4f3c");
const CMAC_MSG: [u8; 64] = h(concat!(
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51",
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
));
const CMAC_TAG: [u8; 16] = h("51f0bebf7e3b9d92fc49741779363cfe");

/// AES-128-CMAC of 64 bytes (key schedule included), RFC 4493 known answer.
pub fn cmac(r: &mut Runner) {
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

// RFC 5869 appendix A.1 (the first 32 bytes of its 42-byte OKM).
const HKDF_IKM: [u8; 22] = [0x0b; 22];
const HKDF_SALT: [u8; 13] = h("000102030405060708090a0b0c");
const HKDF_INFO: [u8; 10] = h("f0f1f2f3f4f5f6f7f8f9");
const HKDF_OKM: [u8; 32] = h("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");

/// HKDF-SHA256 extract and expand to 32 bytes, RFC 5869 known answer.
pub fn hkdf(r: &mut Runner) {
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

/// SHA-256 of `fill`'s first 1 KiB (the same message as benches/target), from Python
/// `hashlib`.
const SHA256_1K: [u8; 32] = h("aa929e6f00fc44cddff9a6bfbd02f55e946b070f5c1ecd80e91524cf16b72738");

/// SHA-256 of 1 KiB (message built on the stack, outside the measurement).
pub fn sha256(r: &mut Runner) {
    let mut data = [0u8; 1024];
    fill(&mut data);
    r.run(
        "sha256-1k",
        &data[..],
        |d| Sha256::digest(&mut Soft, &[d]).ok(),
        |digest| digest == Some(SHA256_1K),
    );
}

// RFC 7748 section 6.1 (Alice's secret, Bob's public, the shared secret).
const X25519_SECRET: [u8; 32] =
    h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const X25519_PEER: [u8; 32] = h("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
const X25519_SHARED: [u8; 32] =
    h("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

/// X25519 shared secret (one variable-base scalar multiplication), RFC 7748 known answer.
/// Key import is outside the measurement.
pub fn x25519(r: &mut Runner) {
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

/// RFC 8032 section 7.1, TEST 1: public key.
pub const ED_PUBLIC: [u8; 32] =
    h("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
/// RFC 8032 section 7.1, TEST 1: the signature of the empty message.
pub const ED_SIG: [u8; 64] = h(concat!(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555",
    "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
));

/// Ed25519 verification of RFC 8032 TEST 1 (empty message). Public-key decompression is
/// outside the measurement. With `refuse`, the same signature with one flipped bit of R must
/// then be refused (checked, not measured).
pub fn ed25519_verify(r: &mut Runner, refuse: bool) {
    let Ok(key) = Verify::<Ed25519>::import_public(&mut Soft, &ED_PUBLIC) else {
        return r.fail("ed25519-verify");
    };
    let mut accepted = false;
    r.run(
        "ed25519-verify",
        (&key, ED_SIG),
        |(key, sig)| Verify::<Ed25519>::verify(&mut Soft, key, b"", &sig).is_ok(),
        |ok| {
            accepted = ok;
            ok
        },
    );
    if refuse && accepted {
        let mut bad = ED_SIG;
        bad[5] ^= 1;
        let refused = Verify::<Ed25519>::verify(&mut Soft, &key, b"", &bad).is_err();
        r.step("ed25519-verify-refuses-bad-signature", refused);
    }
}
