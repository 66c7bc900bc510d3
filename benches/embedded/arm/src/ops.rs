//! The measured operations, grouped by primitive. Each group runs its operations through a
//! [`Runner`] with a check on every result: a published known answer where one fits the
//! measured sizes, a host-computed digest (see `build.rs`), or a round trip.

use bulwark_api::{
    SecretBytes,
    ccm::Ccm,
    hazmat::{BlockEncrypt, expose_shared_secret},
    kdf::{HkdfSha256, Sha256},
    kex::{KeyAgreement, P256, X25519},
    mac::Cmac,
    sig::{EcdsaP256, Ed25519, Verify},
};
use bulwark_firmware::{MonotonicCounter, SliceStorage, Slot, Verifier};
use bulwark_soft::{CcmMode, CmacMode, Soft, SoftAes};

use crate::{IMAGE, Runner, fill, inputs};

/// Decodes a hex string at compile time (panics, at compile time, on bad input).
const fn h<const N: usize>(s: &str) -> [u8; N] {
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
    r.run("empty", 7u32, |x| x, |x| x == 7);
}

/// The calibration loop: exactly 201 instructions more than [`empty`] (checked by xtask).
pub fn calibration(r: &mut Runner) {
    r.run(
        "calibration-201",
        7u32,
        |x| {
            crate::calibration_loop();
            x
        },
        |x| x == 7,
    );
}

// FIPS-197 appendix C.1 (AES-128).
const AES_KEY: [u8; 16] = h("000102030405060708090a0b0c0d0e0f");
const AES_PT: [u8; 16] = h("00112233445566778899aabbccddeeff");
const AES_CT: [u8; 16] = h("69c4e0d86a7b0430d8cdb78070b4c55a");

/// AES-128, one block: with the key schedule, and with a scheduled key.
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

// RFC 3610 packet vector #1 (13-byte nonce, 8-byte AAD, 8-byte tag): checks the CCM build
// against a published answer before the sized runs (which are checked by round trip).
const CCM_KEY: [u8; 16] = h("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
const CCM_NONCE: [u8; 13] = h("00000003020100a0a1a2a3a4a5");
const CCM_AAD: [u8; 8] = h("0001020304050607");
const CCM_PT: [u8; 23] = h("08090a0b0c0d0e0f101112131415161718191a1b1c1d1e");
const CCM_CT: [u8; 23] = h("588c979a61c663d2f066d0c2c0f989806d5f6b61dac384");
const CCM_TAG: [u8; 8] = h("17e8d12cfdf926e0");

fn ccm_engine() -> Option<CcmMode<SoftAes>> {
    SoftAes::new(&CCM_KEY).ok().map(CcmMode::new)
}

fn ccm_sizes<const N: usize>(r: &mut Runner, seal: &str, open: &str) {
    let Some(ccm) = ccm_engine() else {
        return r.fail(seal);
    };
    let mut msg = [0u8; N];
    fill(&mut msg);
    let plain = msg;
    let mut tag = [0u8; 8];
    r.run(
        seal,
        (ccm, msg),
        |(mut ccm, mut buf)| {
            let mut tag = [0u8; 8];
            let ok = ccm
                .seal_detached(&CCM_NONCE, &[&CCM_AAD], &mut buf, &mut tag)
                .is_ok();
            (ok, buf, tag)
        },
        |(ok, buf, t)| {
            msg = buf;
            tag = t;
            ok && buf != plain
        },
    );
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

/// AES-128-CCM (13-byte nonce, 8-byte tag, 8-byte AAD): the RFC 3610 known answer, then seal
/// and open of 16, 64 and 256 bytes.
pub fn ccm(r: &mut Runner) {
    let Some(ccm) = ccm_engine() else {
        return r.fail("ccm-rfc3610-kat");
    };
    r.run(
        "ccm-rfc3610-kat",
        (ccm, CCM_PT),
        |(mut ccm, mut buf)| {
            let mut tag = [0u8; 8];
            let ok = ccm
                .seal_detached(&CCM_NONCE, &[&CCM_AAD], &mut buf, &mut tag)
                .is_ok();
            (ok, buf, tag)
        },
        |(ok, buf, tag)| ok && buf == CCM_CT && tag == CCM_TAG,
    );
    ccm_sizes::<16>(r, "ccm-seal-16", "ccm-open-16");
    ccm_sizes::<64>(r, "ccm-seal-64", "ccm-open-64");
    ccm_sizes::<256>(r, "ccm-seal-256", "ccm-open-256");
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

// RFC 7748 section 6.1 (Alice's secret, Bob's public, the shared secret).
const X25519_SECRET: [u8; 32] =
    h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const X25519_PEER: [u8; 32] = h("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
const X25519_SHARED: [u8; 32] =
    h("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

/// X25519 shared secret (one variable-base scalar multiplication), RFC 7748 known answer.
/// Key import (clamping, peer-key checks) is outside the measurement.
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

// NIST CAVP ECC CDH (KAS ECC CDH primitive) P-256, COUNT = 0
// (test-vectors/ecdh_p256_cavp_cdh.txt, first record).
const P256_PEER: [u8; 65] = h(concat!(
    "04",
    "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287",
    "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac"
));
const P256_SECRET: [u8; 32] = h("7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534");
const P256_SHARED: [u8; 32] = h("46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b");

/// P-256 ECDH shared secret (one variable-base scalar multiplication), NIST CAVP known
/// answer. Peer-key import and validation are outside the measurement.
pub fn p256_ecdh(r: &mut Runner) {
    let mut soft = Soft;
    let (Ok(secret), Ok(peer)) = (
        SecretBytes::try_from_slice(&P256_SECRET)
            .and_then(|s| KeyAgreement::<P256>::import_static(&mut soft, s)),
        KeyAgreement::<P256>::import_public(&mut soft, &P256_PEER),
    ) else {
        return r.fail("p256-ecdh");
    };
    r.run(
        "p256-ecdh",
        (secret, peer),
        |(secret, peer)| {
            KeyAgreement::<P256>::agree_static(&mut Soft, &secret, &peer)
                .ok()
                .map(|s| *expose_shared_secret(&s))
        },
        |shared| shared == Some(P256_SHARED),
    );
}

// Wycheproof ed25519_test.json tcId 3 (message "Test"), test-vectors/ed25519_wycheproof.txt.
const ED_PUBLIC: [u8; 32] = h("7d4d0e7f6153a69b6242b522abbee685fda4420f8834b108c3bdae369ef549fa");
const ED_MSG: [u8; 4] = *b"Test";
const ED_SIG: [u8; 64] = h(concat!(
    "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0",
    "7a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b30d"
));

/// Ed25519 verification of a 4-byte message (valid signature, then the same signature with
/// one flipped bit must be refused: that second run is checked but not reported separately).
/// Public-key decompression is outside the measurement.
pub fn ed25519_verify(r: &mut Runner) {
    let Ok(key) = Verify::<Ed25519>::import_public(&mut Soft, &ED_PUBLIC) else {
        return r.fail("ed25519-verify");
    };
    let mut bad = ED_SIG;
    bad[5] ^= 1;
    let refused = Verify::<Ed25519>::verify(&mut Soft, &key, &ED_MSG, &bad).is_err();
    r.run(
        "ed25519-verify",
        (key, ED_SIG),
        |(key, sig)| Verify::<Ed25519>::verify(&mut Soft, &key, &ED_MSG, &sig).is_ok(),
        |ok| ok && refused,
    );
}

// RFC 6979 appendix A.2.5, P-256 with SHA-256, message "sample"
// (test-vectors/ecdsa_p256_rfc6979.txt, first record).
const ECDSA_PUBLIC: [u8; 65] = h(concat!(
    "04",
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
));
const ECDSA_MSG: [u8; 6] = *b"sample";
const ECDSA_SIG: [u8; 64] = h(concat!(
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
));

/// ECDSA P-256 verification (SHA-256 of a 6-byte message included), RFC 6979 known answer,
/// and the same signature with its last byte changed must be refused. Public-key import is
/// outside the measurement.
pub fn ecdsa_verify(r: &mut Runner) {
    let Ok(key) = Verify::<EcdsaP256>::import_public(&mut Soft, &ECDSA_PUBLIC) else {
        return r.fail("ecdsa-p256-verify");
    };
    let mut bad = ECDSA_SIG;
    bad[63] ^= 1;
    let refused = Verify::<EcdsaP256>::verify(&mut Soft, &key, &ECDSA_MSG, &bad).is_err();
    r.run(
        "ecdsa-p256-verify",
        (key, ECDSA_SIG),
        |(key, sig)| Verify::<EcdsaP256>::verify(&mut Soft, &key, &ECDSA_MSG, &sig).is_ok(),
        |ok| ok && refused,
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

/// SHA-256 of 1 KiB and of 4 KiB (the report derives the per-KiB cost from the difference),
/// checked against host-computed digests.
pub fn sha256(r: &mut Runner) {
    let mut data = [0u8; 4096];
    fill(&mut data);
    r.run(
        "sha256-1k",
        &data[..1024],
        |d| Sha256::digest(&mut Soft, &[d]).ok(),
        |digest| digest == Some(inputs::SHA256_1K),
    );
    r.run(
        "sha256-4k",
        &data[..],
        |d| Sha256::digest(&mut Soft, &[d]).ok(),
        |digest| digest == Some(inputs::SHA256_4K),
    );
}

/// A device anti-rollback counter at 0.
struct Counter(u32);

impl MonotonicCounter for Counter {
    fn read(&mut self) -> Result<u32, bulwark_api::Error> {
        Ok(self.0)
    }

    fn advance_to(&mut self, value: u32) -> Result<(), bulwark_api::Error> {
        self.0 = value;
        Ok(())
    }
}

/// The chunk buffer for streaming the image out of flash.
pub const MCUBOOT_CHUNK: usize = 512;

/// Full MCUboot verification (header, TLVs, SHA-256 of the 64 KiB body streamed from the
/// in-flash image through `embedded-storage` in 512-byte chunks, Ed25519 signature, security
/// counter) of the image signed at build time.
pub fn mcuboot_verify(r: &mut Runner) {
    let trusted = [inputs::IMAGE_PUBKEY];
    r.run(
        "mcuboot-verify-64k",
        &IMAGE[..],
        |image| {
            let mut flash = SliceStorage::new(image);
            let slot = Slot {
                offset: 0,
                size: image.len() as u32,
            };
            let mut buf = [0u8; MCUBOOT_CHUNK];
            Verifier::ed25519(&trusted)
                .verify_flash(&mut Soft, &mut flash, slot, &mut buf, &mut Counter(0))
                .map(|v| (v.image_size(), v.security_counter()))
                .ok()
        },
        |v| v == Some((inputs::IMAGE_BODY as u32, Some(1))),
    );
}
