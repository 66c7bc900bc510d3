//! Boundary lengths for every public function and trait method of the software backend that
//! takes a length: 0, 1, max-1, max, max+1 (and the other edges a limit has: a minimum, an
//! encoding change, a block size). Each row asserts the exact result, and that a refused call
//! left its buffers untouched (`InvalidInput`) or zeroed (`Verification`), as the API promises.
//!
//! CCM message limits: tested exactly at 65535/65536 (13-byte nonce) and 2^24-1/2^24 (12-byte
//! nonce, 16 MiB). An 11-byte nonce allows 2^32-1 bytes (4 GiB) and shorter nonces more than any
//! test machine can allocate, so their maximum and maximum+1 are not tested; for a 7-byte nonce
//! the limit is `u64::MAX`, above every `usize` buffer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_api::{
    Error, SecretBytes,
    ccm::{AesCcm, Ccm, CcmStar, SecurityLevel, ieee802154_nonce},
    hash::{Sha256, Sha512},
    hazmat::{CbcMac, Ctr},
    kdf::{HKDF_SHA256_MAX_LEN, HkdfSha256},
    kex::{KeyAgreement, P256, X25519},
    mac::Cmac,
    sig::{
        ECDSA_P256_DER_MAX_LEN, EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Sign,
        Verify, VerifyPrehash,
    },
};
use bulwark_soft::{CbcMacMode, CmacMode, CtrMode, Soft, SoftAes, SoftCcm};
use bulwark_testkit::peripheral::SimulatedAesPeripheral;
use ccm::aead::{AeadInOut, KeyInit, array::Array};
use ctr::cipher::{KeyIvInit, StreamCipher};
use digest::Mac;

type R = Result<(), Error>;
const OK: R = Ok(());
const BAD: R = Err(Error::InvalidInput);
const VER: R = Err(Error::Verification);

/// What an untouched buffer holds.
const SENTINEL: u8 = 0xA5;
const KEY: [u8; 16] = [0x0f; 16];
/// The P-256 group order n, big-endian.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// Runs every `(length, expected)` row through `f` and asserts the exact result.
fn table(name: &str, rows: &[(usize, R)], mut f: impl FnMut(usize) -> R) {
    for &(len, expected) in rows {
        assert_eq!(f(len), expected, "{name}: length {len}");
    }
    println!("{name}: {} boundary cases", rows.len());
}

fn untouched(name: &str, buf: &[u8]) {
    assert!(
        buf.iter().all(|&b| b == SENTINEL),
        "{name}: buffer modified on InvalidInput"
    );
}

fn zeroed(name: &str, buf: &[u8]) {
    assert!(
        buf.iter().all(|&b| b == 0),
        "{name}: buffer not zeroed on Verification"
    );
}

/// After a call: untouched on InvalidInput, zeroed on Verification.
fn after(name: &str, r: R, buf: &[u8]) -> R {
    match r {
        Err(Error::InvalidInput) => untouched(name, buf),
        Err(Error::Verification) => zeroed(name, buf),
        _ => {}
    }
    r
}

fn ccm() -> SoftCcm {
    SoftCcm::new(SoftAes::new(&KEY).unwrap())
}

/// 1, max-1, max, max+1 of a nonce's message limit, plus 0.
fn message_rows(max: usize) -> Vec<(usize, R)> {
    vec![(0, OK), (1, OK), (max - 1, OK), (max, OK), (max + 1, BAD)]
}

// ---------------------------------------------------------------- SoftAes, peripheral

const KEY_ROWS: &[(usize, R)] = &[
    (0, BAD),
    (1, BAD),
    (15, BAD),
    (16, OK),
    (17, BAD),
    (23, BAD),
    (24, OK),
    (25, BAD),
    (31, BAD),
    (32, OK),
    (33, BAD),
    (64, BAD),
];

#[test]
fn soft_aes_new() {
    table("SoftAes::new key", KEY_ROWS, |n| {
        SoftAes::new(&vec![7u8; n]).map(|aes| assert_eq!(aes.key_len(), n))
    });
}

#[test]
fn simulated_aes_peripheral_new() {
    table("SimulatedAesPeripheral::new key", KEY_ROWS, |n| {
        SimulatedAesPeripheral::new(&vec![7u8; n], 3).map(|_| ())
    });
}

// ---------------------------------------------------------------- Ccm

const NONCE_ROWS: &[(usize, R)] = &[
    (0, BAD),
    (1, BAD),
    (6, BAD),
    (7, OK),
    (8, OK),
    (12, OK),
    (13, OK),
    (14, BAD),
    (16, BAD),
];

fn tag_rows(valid: R) -> Vec<(usize, R)> {
    (0..=18)
        .map(|t| {
            let ok = (4..=16).contains(&t) && t % 2 == 0;
            (t, if ok { valid } else { BAD })
        })
        .collect()
}

/// Seals `len` sentinel bytes; on success checks the round trip and that a wrong tag zeroes.
fn seal_round_trip(name: &str, nonce: &[u8], len: usize, tag_len: usize) -> R {
    let mut buf = vec![SENTINEL; len];
    let mut tag = vec![SENTINEL; tag_len];
    let r = ccm().seal_detached(nonce, &[b"hdr"], &mut buf, &mut tag);
    if r.is_err() {
        untouched(name, &buf);
        untouched(name, &tag);
        return r;
    }
    let sealed = buf.clone();
    ccm()
        .open_detached(nonce, &[b"hdr"], &mut buf, &tag)
        .unwrap();
    untouched(name, &buf);
    let mut bad = tag.clone();
    bad[0] ^= 1;
    let mut buf = sealed;
    let v = ccm().open_detached(nonce, &[b"hdr"], &mut buf, &bad);
    assert_eq!(after(name, v, &buf), VER, "{name}: wrong tag");
    r
}

#[test]
fn ccm_seal_detached_nonce_len() {
    table("Ccm::seal_detached nonce", NONCE_ROWS, |n| {
        seal_round_trip("seal nonce", &vec![1; n], 20, 8)
    });
}

#[test]
fn ccm_seal_detached_tag_len() {
    table("Ccm::seal_detached tag", &tag_rows(OK), |t| {
        seal_round_trip("seal tag", &[1; 13], 20, t)
    });
}

#[test]
fn ccm_seal_detached_message_len_nonce_13() {
    table(
        "Ccm::seal_detached message (nonce 13)",
        &message_rows(65_535),
        |n| seal_round_trip("seal msg 13", &[1; 13], n, 8),
    );
}

#[test]
fn ccm_seal_detached_message_len_nonce_12() {
    // 2^24 - 1 = 16 MiB - 1: the largest limit that fits a test's memory and time.
    let max = (1 << 24) - 1;
    table(
        "Ccm::seal_detached message (nonce 12)",
        &[(0, OK), (1, OK), (max - 1, OK), (max, OK), (max + 1, BAD)],
        |n| {
            let mut buf = vec![SENTINEL; n];
            let mut tag = [SENTINEL; 4];
            let r = ccm().seal_detached(&[2; 12], &[], &mut buf, &mut tag);
            if r.is_err() {
                untouched("seal msg 12", &buf);
                untouched("seal msg 12", &tag);
            }
            r
        },
    );
}

#[test]
fn ccm_open_detached_nonce_len() {
    // A valid nonce with an arbitrary tag: Verification (buffer zeroed); a bad nonce:
    // InvalidInput (buffer untouched).
    let rows: Vec<_> = NONCE_ROWS
        .iter()
        .map(|&(n, r)| (n, if r.is_ok() { VER } else { BAD }))
        .collect();
    table("Ccm::open_detached nonce", &rows, |n| {
        let mut buf = [SENTINEL; 20];
        let r = ccm().open_detached(&vec![1; n], &[], &mut buf, &[0; 8]);
        after("open nonce", r, &buf)
    });
}

#[test]
fn ccm_open_detached_tag_len() {
    table("Ccm::open_detached tag", &tag_rows(VER), |t| {
        let mut buf = [SENTINEL; 20];
        let r = ccm().open_detached(&[1; 13], &[], &mut buf, &vec![0; t]);
        after("open tag", r, &buf)
    });
}

#[test]
fn ccm_open_detached_message_len() {
    for (nonce_len, max) in [(13usize, 65_535usize), (12, (1 << 24) - 1)] {
        let rows = [(0, VER), (1, VER), (max, VER), (max + 1, BAD)];
        table(
            &format!("Ccm::open_detached message (nonce {nonce_len})"),
            &rows,
            |n| {
                let mut buf = vec![SENTINEL; n];
                let r = ccm().open_detached(&vec![3; nonce_len], &[], &mut buf, &[0; 16]);
                after("open msg", r, &buf)
            },
        );
    }
}

#[test]
fn ccm_aad_len_encoding_boundary() {
    // AAD of any length; the length prefix changes from 2 to 6 bytes at 2^16 - 2^8 = 65280.
    // Checked against the RustCrypto `ccm` crate.
    let rows = [
        (0, OK),
        (1, OK),
        (65_278, OK),
        (65_279, OK),
        (65_280, OK),
        (65_281, OK),
    ];
    table("Ccm::seal_detached aad", &rows, |n| {
        let aad = vec![0x3c; n];
        let nonce = [9u8; 13];
        let mut ours = *b"boundary payload";
        let mut tag = [0u8; 8];
        ccm().seal_detached(&nonce, &[&aad], &mut ours, &mut tag)?;
        let mut theirs = *b"boundary payload";
        let reference =
            ccm::Ccm::<aes::Aes128, ccm::consts::U8, ccm::consts::U13>::new_from_slice(&KEY)
                .unwrap();
        let their_tag = reference
            .encrypt_inout_detached(
                &Array::try_from(&nonce[..]).unwrap(),
                &aad,
                (&mut theirs[..]).into(),
            )
            .unwrap();
        assert_eq!((ours, &tag[..]), (theirs, &their_tag[..]), "aad {n}");
        // The same AAD split in two parts is the same message.
        let (a, b) = aad.split_at(n / 2);
        ccm().open_detached(&nonce, &[a, b], &mut ours, &tag)
    });
}

#[test]
fn ccm_crypt_unauthenticated() {
    table("Ccm::crypt_unauthenticated nonce", NONCE_ROWS, |n| {
        let mut buf = [SENTINEL; 20];
        let r = ccm().crypt_unauthenticated(&vec![1; n], &mut buf);
        after("crypt nonce", r, &buf)
    });
    table(
        "Ccm::crypt_unauthenticated message (nonce 13)",
        &message_rows(65_535),
        |n| {
            let mut buf = vec![SENTINEL; n];
            let r = ccm().crypt_unauthenticated(&[1; 13], &mut buf);
            if r.is_ok() {
                ccm().crypt_unauthenticated(&[1; 13], &mut buf).unwrap();
            }
            untouched("crypt msg", &buf);
            r
        },
    );
}

#[test]
fn aes_ccm_seal_in_place_and_open_in_place() {
    table(
        "AesCcm<13, 8>::seal_in_place message",
        &message_rows(65_535),
        |n| {
            let mut buf = vec![SENTINEL; n];
            let r = AesCcm::<13, 8>::seal_in_place(&mut ccm(), &[4; 13], b"", &mut buf);
            let Ok(tag) = r else {
                untouched("seal_in_place", &buf);
                return r.map(|_| ());
            };
            let mut bad = buf.clone();
            let mut wrong = tag;
            wrong[7] ^= 0x80;
            let v = AesCcm::<13, 8>::open_in_place(&mut ccm(), &[4; 13], b"", &mut bad, &wrong);
            assert_eq!(after("open_in_place", v, &bad), VER);
            AesCcm::<13, 8>::open_in_place(&mut ccm(), &[4; 13], b"", &mut buf, &tag)?;
            untouched("open_in_place", &buf);
            Ok(())
        },
    );
    // 7-byte nonce: the length field is 8 bytes, every buffer fits.
    table(
        "AesCcm<7, 16>::seal_in_place message",
        &[(0, OK), (1, OK), (65_536, OK)],
        |n| {
            let mut buf = vec![SENTINEL; n];
            AesCcm::<7, 16>::seal_in_place(&mut ccm(), &[4; 7], b"x", &mut buf).map(|_| ())
        },
    );
}

// ---------------------------------------------------------------- CcmStar

fn mic_rows(level: SecurityLevel, valid: R) -> Vec<(usize, R)> {
    [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17]
        .into_iter()
        .map(|m| (m, if m == level.mic_len() { valid } else { BAD }))
        .collect()
}

#[test]
fn ccm_star_seal_frame_mic_len() {
    for level in SecurityLevel::ALL {
        let nonce = ieee802154_nonce(0x0102_0304_0506_0708, 5, level);
        table(
            &format!("CcmStar::seal_frame mic ({level:?})"),
            &mic_rows(level, OK),
            |m| {
                let mut payload = [SENTINEL; 10];
                let mut mic = vec![SENTINEL; m];
                let r = ccm().seal_frame(level, &nonce, b"hdr", &mut payload, &mut mic);
                if r.is_err() {
                    untouched("seal_frame", &payload);
                    untouched("seal_frame", &mic);
                }
                r
            },
        );
    }
}

#[test]
fn ccm_star_open_frame_mic_len() {
    for level in SecurityLevel::ALL {
        let nonce = ieee802154_nonce(1, 2, level);
        // A wrong MIC of the right length is Verification (payload zeroed); level 4 has no MIC
        // and every frame "verifies".
        let valid = if level == SecurityLevel::Enc { OK } else { VER };
        table(
            &format!("CcmStar::open_frame mic ({level:?})"),
            &mic_rows(level, valid),
            |m| {
                let mut payload = [SENTINEL; 10];
                let r = ccm().open_frame(level, &nonce, b"hdr", &mut payload, &vec![0; m]);
                if r.is_ok() {
                    return r;
                }
                after("open_frame", r, &payload)
            },
        );
    }
}

#[test]
fn ccm_star_nonce_level_byte() {
    // The nonce's last byte must equal the level: one below, equal, one above.
    let level = SecurityLevel::EncMic64;
    table(
        "CcmStar::seal_frame nonce[12]",
        &[(5, BAD), (6, OK), (7, BAD), (0, BAD), (255, BAD)],
        |b| {
            let mut nonce = ieee802154_nonce(1, 2, level);
            nonce[12] = b as u8;
            let mut payload = [SENTINEL; 4];
            let mut mic = [SENTINEL; 8];
            let r = ccm().seal_frame(level, &nonce, b"", &mut payload, &mut mic);
            if r.is_err() {
                untouched("nonce level", &payload);
            }
            r
        },
    );
}

#[test]
fn ccm_star_payload_len() {
    for level in SecurityLevel::ALL {
        let nonce = ieee802154_nonce(7, 8, level);
        // Encrypting levels are limited by the 2-byte length field; MIC-only levels
        // authenticate the payload as associated data, which has no such limit.
        let over = if level.encrypts() { BAD } else { OK };
        let rows = [(0, OK), (1, OK), (65_534, OK), (65_535, OK), (65_536, over)];
        table(
            &format!("CcmStar::seal_frame payload ({level:?})"),
            &rows,
            |n| {
                let mut payload = vec![SENTINEL; n];
                let mut mic = vec![0u8; level.mic_len()];
                let r = ccm().seal_frame(level, &nonce, b"h", &mut payload, &mut mic);
                if r.is_err() {
                    untouched("seal_frame payload", &payload);
                    return r;
                }
                ccm().open_frame(level, &nonce, b"h", &mut payload, &mic)?;
                untouched("open_frame round trip", &payload);
                if level.mic_len() > 0 && n > 0 {
                    mic[0] ^= 1;
                    let v = ccm().open_frame(level, &nonce, b"h", &mut payload, &mic);
                    assert_eq!(after("open_frame payload", v, &payload), VER);
                }
                r
            },
        );
    }
}

#[test]
fn security_level_from_u8() {
    table(
        "SecurityLevel::from_u8",
        &[
            (0, BAD),
            (1, OK),
            (4, OK),
            (6, OK),
            (7, OK),
            (8, BAD),
            (255, BAD),
        ],
        |v| SecurityLevel::from_u8(v as u8).map(|l| assert_eq!(usize::from(l.as_u8()), v)),
    );
}

// ---------------------------------------------------------------- CMAC, CBC-MAC, CTR

fn reference_cmac(msg: &[u8]) -> [u8; 16] {
    cmac::Cmac::<aes::Aes128>::new_from_slice(&KEY)
        .unwrap()
        .chain_update(msg)
        .finalize()
        .into_bytes()
        .into()
}

#[test]
fn cmac_compute() {
    let rows: Vec<_> = [0, 1, 15, 16, 17, 31, 32, 33, 4095, 4096, 4097]
        .map(|n| (n, OK))
        .to_vec();
    table("Cmac::compute message", &rows, |n| {
        let msg = vec![0x5a; n];
        let tag = CmacMode::new(SoftAes::new(&KEY).unwrap()).compute(&[&msg])?;
        assert_eq!(tag, reference_cmac(&msg), "cmac {n}");
        Ok(())
    });
}

#[test]
fn cmac_verify_tag_len() {
    let msg = b"cmac boundary";
    let full = reference_cmac(msg);
    let rows = [
        (0, BAD),
        (1, BAD),
        (7, BAD),
        (8, OK),
        (9, OK),
        (15, OK),
        (16, OK),
        (17, BAD),
        (32, BAD),
    ];
    table("Cmac::verify tag (correct prefix)", &rows, |t| {
        let mut tag = full.to_vec();
        tag.resize(t, 0);
        CmacMode::new(SoftAes::new(&KEY).unwrap()).verify(&[msg], &tag)
    });
    let rows = [(7, BAD), (8, VER), (16, VER), (17, BAD)];
    table("Cmac::verify tag (wrong)", &rows, |t| {
        let mut tag = full.to_vec();
        tag.resize(t, 0);
        tag[0] ^= 1;
        CmacMode::new(SoftAes::new(&KEY).unwrap()).verify(&[msg], &tag)
    });
}

#[test]
fn cbc_mac() {
    let rows = [
        (0, BAD),
        (1, BAD),
        (15, BAD),
        (16, OK),
        (17, BAD),
        (31, BAD),
        (32, OK),
        (33, BAD),
    ];
    table("CbcMac::cbc_mac message", &rows, |n| {
        let msg = vec![0x11; n];
        let tag = CbcMacMode::new(SoftAes::new(&KEY).unwrap()).cbc_mac(&msg)?;
        let reference: [u8; 16] = cbc_mac::CbcMac::<aes::Aes128>::new_from_slice(&KEY)
            .unwrap()
            .chain_update(&msg)
            .finalize()
            .into_bytes()
            .into();
        assert_eq!(tag, reference);
        Ok(())
    });
}

#[test]
fn ctr_apply_keystream() {
    // Any length; 128 bytes is the engine batch (8 blocks), so 127/128/129 cross it. The
    // counter block ff..ff wraps to 00..00 after the first block.
    let rows: Vec<_> = [0, 1, 15, 16, 17, 127, 128, 129, 255, 256, 257]
        .map(|n| (n, OK))
        .to_vec();
    for iv in [[0u8; 16], [0xff; 16]] {
        table("Ctr::apply_keystream buffer", &rows, |n| {
            let mut ours = vec![0x42; n];
            CtrMode::new(SoftAes::new(&KEY).unwrap()).apply_keystream(&iv, &mut ours)?;
            let mut theirs = vec![0x42; n];
            ctr::Ctr128BE::<aes::Aes128>::new_from_slices(&KEY, &iv)
                .unwrap()
                .apply_keystream(&mut theirs);
            assert_eq!(ours, theirs, "ctr {n}");
            Ok(())
        });
    }
}

// ---------------------------------------------------------------- HKDF, SHA-2

fn prk() -> bulwark_api::kdf::Prk {
    Soft.extract(b"salt", &[b"ikm"]).unwrap()
}

fn okm_rows() -> [(usize, R); 6] {
    let max = HKDF_SHA256_MAX_LEN;
    [
        (0, OK),
        (1, OK),
        (32, OK),
        (max - 1, OK),
        (max, OK),
        (max + 1, BAD),
    ]
}

#[test]
fn hkdf_expand() {
    assert_eq!(HKDF_SHA256_MAX_LEN, 8160);
    let mut full = vec![0u8; HKDF_SHA256_MAX_LEN];
    Soft.expand(&prk(), &[b"info"], &mut full).unwrap();
    table("HkdfSha256::expand okm", &okm_rows(), |n| {
        let mut okm = vec![SENTINEL; n];
        let r = Soft.expand(&prk(), &[b"in", b"fo"], &mut okm);
        if r.is_ok() {
            // Shorter outputs are prefixes of the longest.
            assert_eq!(okm[..], full[..n]);
        }
        after("expand", r, &okm)
    });
}

#[test]
fn hkdf_derive() {
    table("HkdfSha256::derive okm", &okm_rows(), |n| {
        let mut okm = vec![SENTINEL; n];
        let r = Soft.derive(b"salt", &[b"ikm"], &[b"info"], &mut okm);
        after("derive", r, &okm)
    });
}

#[test]
fn hkdf_expand_secret() {
    let rows = [(0, OK), (32, OK), (8160, OK), (8161, BAD)];
    table("HkdfSha256::expand_secret N", &rows, |n| match n {
        0 => Soft.expand_secret::<0>(&prk(), &[]).map(|_| ()),
        32 => Soft.expand_secret::<32>(&prk(), &[]).map(|_| ()),
        8160 => Soft.expand_secret::<8160>(&prk(), &[]).map(|_| ()),
        _ => Soft.expand_secret::<8161>(&prk(), &[]).map(|_| ()),
    });
}

#[test]
fn hkdf_extract_salt_len() {
    // HMAC's key is padded to 64 bytes and hashed above: 0, 1, 63, 64, 65. An empty salt is
    // 32 zero bytes (RFC 5869).
    let zero32 = Soft.extract(&[0; 32], &[b"ikm"]).unwrap();
    let empty = Soft.extract(&[], &[b"ikm"]).unwrap();
    assert_eq!(zero32.expose_secret(), empty.expose_secret());
    let rows: Vec<_> = [0, 1, 63, 64, 65].map(|n| (n, OK)).to_vec();
    table("HkdfSha256::extract salt", &rows, |n| {
        Soft.extract(&vec![1; n], &[b"", b"ikm"]).map(|_| ())
    });
}

#[test]
fn sha256_and_sha512_padding_boundaries() {
    use sha2::Digest;
    let rows: Vec<_> = [0, 1, 55, 56, 63, 64, 65].map(|n| (n, OK)).to_vec();
    table("Sha256::digest message", &rows, |n| {
        let msg = vec![0x61; n];
        let (a, b) = msg.split_at(n / 3);
        let d = Sha256::digest(&mut Soft, &[a, b])?;
        assert_eq!(d[..], sha2::Sha256::digest(&msg)[..]);
        Ok(())
    });
    let rows: Vec<_> = [0, 1, 111, 112, 127, 128, 129].map(|n| (n, OK)).to_vec();
    table("Sha512::digest message", &rows, |n| {
        let msg = vec![0x61; n];
        let (a, b) = msg.split_at(n / 2);
        let d = Sha512::digest(&mut Soft, &[a, b])?;
        assert_eq!(d[..], sha2::Sha512::digest(&msg)[..]);
        Ok(())
    });
}

// ---------------------------------------------------------------- X25519, P-256 ECDH

#[test]
fn x25519_import_public() {
    let rows = [
        (0, BAD),
        (1, BAD),
        (31, BAD),
        (32, OK),
        (33, BAD),
        (64, BAD),
    ];
    table("KeyAgreement<X25519>::import_public", &rows, |n| {
        KeyAgreement::<X25519>::import_public(&mut Soft, &vec![9; n]).map(|_| ())
    });
}

#[test]
fn x25519_agree_static_non_contributory() {
    // u = 0 and u = 1 have small order: Verification; u = 9 (the base point) is fine.
    let secret = KeyAgreement::<X25519>::import_static(
        &mut Soft,
        SecretBytes::try_from_slice(&[0x77; 32]).unwrap(),
    )
    .unwrap();
    table(
        "KeyAgreement<X25519>::agree_static peer u",
        &[(0, VER), (1, VER), (9, OK)],
        |u| {
            let mut peer = [0u8; 32];
            peer[0] = u as u8;
            let peer = KeyAgreement::<X25519>::import_public(&mut Soft, &peer)?;
            KeyAgreement::<X25519>::agree_static(&mut Soft, &secret, &peer).map(|_| ())
        },
    );
}

/// The P-256 generator, uncompressed and compressed.
fn p256_g() -> ([u8; 65], [u8; 33]) {
    let mut one = [0u8; 32];
    one[31] = 1;
    let s =
        KeyAgreement::<P256>::import_static(&mut Soft, SecretBytes::try_from_slice(&one).unwrap())
            .unwrap();
    let pk = KeyAgreement::<P256>::static_public(&mut Soft, &s).unwrap();
    (
        KeyAgreement::<P256>::export_public(&mut Soft, &pk),
        Soft.export_public_compressed(&pk),
    )
}

/// A SEC1 encoding cut or extended to `n` bytes, from the valid one of the nearest length.
fn sec1_of_len(n: usize, unc: &[u8; 65], comp: &[u8; 33]) -> Vec<u8> {
    let base: &[u8] = if n >= 49 { unc } else { comp };
    let mut v = base.to_vec();
    v.resize(n, 0);
    v
}

const SEC1_ROWS: &[(usize, R)] = &[
    (0, BAD),
    (1, BAD),
    (32, BAD),
    (33, OK),
    (34, BAD),
    (64, BAD),
    (65, OK),
    (66, BAD),
];

#[test]
fn p256_import_public() {
    let (unc, comp) = p256_g();
    table("KeyAgreement<P256>::import_public", SEC1_ROWS, |n| {
        KeyAgreement::<P256>::import_public(&mut Soft, &sec1_of_len(n, &unc, &comp)).map(|_| ())
    });
}

/// Scalars at the edges of [1, n-1], by name: 0 -> 0, 1 -> 1, 2 -> n-1, 3 -> n, 4 -> n+1,
/// 5 -> 2^256-1.
fn scalar(which: usize) -> [u8; 32] {
    let mut s = P256_N;
    match which {
        0 => s = [0; 32],
        1 => {
            s = [0; 32];
            s[31] = 1;
        }
        2 => s[31] -= 1,
        3 => {}
        4 => s[31] += 1,
        _ => s = [0xff; 32],
    }
    s
}

const SCALAR_ROWS: &[(usize, R)] = &[(0, BAD), (1, OK), (2, OK), (3, BAD), (4, BAD), (5, BAD)];

#[test]
fn p256_import_static() {
    table(
        "KeyAgreement<P256>::import_static scalar (0, 1, n-1, n, n+1, max)",
        SCALAR_ROWS,
        |w| {
            KeyAgreement::<P256>::import_static(
                &mut Soft,
                SecretBytes::try_from_slice(&scalar(w)).unwrap(),
            )
            .map(|_| ())
        },
    );
}

// ---------------------------------------------------------------- Ed25519

fn ed25519_key() -> (
    bulwark_soft::Ed25519SigningKey,
    bulwark_soft::Ed25519PublicKey,
) {
    let sk = Sign::<Ed25519>::import_signing_key(
        &mut Soft,
        SecretBytes::try_from_slice(&[0x21; 32]).unwrap(),
    )
    .unwrap();
    let pk = Sign::<Ed25519>::signing_public(&mut Soft, &sk).unwrap();
    (sk, pk)
}

#[test]
fn ed25519_import_public() {
    let (_, pk) = ed25519_key();
    let good = Verify::<Ed25519>::export_public(&mut Soft, &pk);
    let rows = [
        (0, BAD),
        (1, BAD),
        (31, BAD),
        (32, OK),
        (33, BAD),
        (64, BAD),
    ];
    table("Verify<Ed25519>::import_public", &rows, |n| {
        let mut key = good.to_vec();
        key.resize(n, 0);
        Verify::<Ed25519>::import_public(&mut Soft, &key).map(|_| ())
    });
}

#[test]
fn ed25519_verify_signature_len() {
    let (sk, pk) = ed25519_key();
    let sig = Sign::<Ed25519>::sign(&mut Soft, &sk, b"msg").unwrap();
    // Any length but 64 is not a signature (InvalidInput from the constructor).
    let rows = [
        (0, BAD),
        (1, BAD),
        (63, BAD),
        (64, OK),
        (65, BAD),
        (128, BAD),
    ];
    table("Ed25519Signature::from_slice + verify", &rows, |n| {
        let mut s = sig.to_bytes().to_vec();
        s.resize(n, 0);
        let s = Ed25519Signature::from_slice(&s)?;
        Verify::<Ed25519>::verify(&mut Soft, &pk, b"msg", &s)
    });
}

#[test]
fn ed25519_sign_and_verify_message_len() {
    let (sk, pk) = ed25519_key();
    let rows: Vec<_> = [0, 1, 111, 112, 127, 128, 129, 65_536]
        .map(|n| (n, OK))
        .to_vec();
    table("Sign<Ed25519>::sign message", &rows, |n| {
        let msg = vec![0xee; n];
        let sig = Sign::<Ed25519>::sign(&mut Soft, &sk, &msg)?;
        Verify::<Ed25519>::verify(&mut Soft, &pk, &msg, &sig)?;
        let mut other = msg.clone();
        other.push(0);
        assert_eq!(Verify::<Ed25519>::verify(&mut Soft, &pk, &other, &sig), VER);
        Ok(())
    });
}

// ---------------------------------------------------------------- ECDSA P-256

fn ecdsa_key() -> (
    bulwark_soft::EcdsaP256SigningKey,
    bulwark_soft::EcdsaP256PublicKey,
) {
    let sk = Sign::<EcdsaP256>::import_signing_key(
        &mut Soft,
        SecretBytes::try_from_slice(&[0x21; 32]).unwrap(),
    )
    .unwrap();
    let pk = Sign::<EcdsaP256>::signing_public(&mut Soft, &sk).unwrap();
    (sk, pk)
}

#[test]
fn ecdsa_import_public() {
    let (_, pk) = ecdsa_key();
    let unc = pk.to_sec1_uncompressed();
    let comp = pk.to_sec1_compressed();
    table("Verify<EcdsaP256>::import_public", SEC1_ROWS, |n| {
        Verify::<EcdsaP256>::import_public(&mut Soft, &sec1_of_len(n, &unc, &comp)).map(|_| ())
    });
}

#[test]
fn ecdsa_import_signing_key() {
    table(
        "Sign<EcdsaP256>::import_signing_key scalar (0, 1, n-1, n, n+1, max)",
        SCALAR_ROWS,
        |w| {
            Sign::<EcdsaP256>::import_signing_key(
                &mut Soft,
                SecretBytes::try_from_slice(&scalar(w)).unwrap(),
            )
            .map(|_| ())
        },
    );
}

/// A DER signature whose two INTEGERs have `r_len` and `s_len` content bytes (all `0x01`,
/// so minimal and positive), as `(r || s, der)` when the integers fit 32 bytes.
fn der_sig(r_len: usize, s_len: usize) -> Vec<u8> {
    let mut v = vec![0x30, (4 + r_len + s_len) as u8, 0x02, r_len as u8];
    v.extend(std::iter::repeat_n(0x01, r_len));
    v.extend([0x02, s_len as u8]);
    v.extend(std::iter::repeat_n(0x01, s_len));
    v
}

#[test]
fn ecdsa_verify_signature_len() {
    let (sk, pk) = ecdsa_key();
    let sig = Sign::<EcdsaP256>::sign(&mut Soft, &sk, b"msg").unwrap();
    let raw = sig.to_fixed();
    let der = sig.to_der().as_ref().to_vec();
    let der_len = der.len();
    // Every length, read as the CLI reads it (64 bytes: fixed r||s, else DER): 64 and the
    // real DER length verify; everything else (cut, extended, or well-formed DER of a wrong
    // signature) is refused (not DER: InvalidInput, mapped to Verification here as the CLI
    // reports it), never a panic.
    let rows: Vec<_> = [0, 1, 7, 8, 9, 63, 64, 65, 69, 70, 71, 72, 73, 255, 256]
        .map(|n| (n, if n == 64 || n == der_len { OK } else { VER }))
        .to_vec();
    table("Verify<EcdsaP256>::verify signature", &rows, |n| {
        let mut s = if n == 64 { raw.to_vec() } else { der.clone() };
        s.resize(n, 0);
        let s = if n == 64 {
            EcdsaP256Signature::from_fixed_slice(&s)
        } else {
            EcdsaP256Signature::from_der(&s)
        }
        .map_err(|_| bulwark_api::Error::Verification)?;
        Verify::<EcdsaP256>::verify(&mut Soft, &pk, b"msg", &s)
    });
    // Structurally valid DER at the length edges: 8 (one-byte integers) and 72 (two 33-byte
    // integers with a sign byte) decode but do not verify.
    let mut long = vec![0x30, 70, 0x02, 33, 0x00];
    long.extend([0x80; 32]);
    long.extend([0x02, 33, 0x00]);
    long.extend([0x80; 32]);
    assert_eq!(long.len(), 72);
    for s in [der_sig(1, 1), long] {
        let sig = EcdsaP256Signature::from_der(&s).unwrap();
        assert_eq!(
            Verify::<EcdsaP256>::verify(&mut Soft, &pk, b"msg", &sig),
            VER,
            "len {}",
            s.len()
        );
    }
}

#[test]
fn ecdsa_verify_prehash_digest_len() {
    use sha2::Digest;
    let (sk, pk) = ecdsa_key();
    let raw = Sign::<EcdsaP256>::sign(&mut Soft, &sk, b"msg").unwrap();
    let digest = sha2::Sha256::digest(b"msg");
    // Shorter than 32: InvalidInput; 32 or longer: the leftmost 32 bytes are used.
    let rows = [(0, BAD), (1, BAD), (31, BAD), (32, OK), (33, OK), (64, OK)];
    table(
        "VerifyPrehash<EcdsaP256>::verify_prehash digest",
        &rows,
        |n| {
            let mut d = digest.to_vec();
            d.resize(n, 0xcc);
            d.truncate(n);
            VerifyPrehash::<EcdsaP256>::verify_prehash(&mut Soft, &pk, &d, &raw)
        },
    );
}

#[test]
fn ecdsa_from_der_len() {
    // Minimal (8 bytes) to maximal (72 bytes); one byte more or less at each edge is refused.
    let mut max = vec![0x30, 70, 0x02, 33, 0x00];
    max.extend([0x80; 32]);
    max.extend([0x02, 33, 0x00]);
    max.extend([0x80; 32]);
    let cases: Vec<(&str, Vec<u8>, R)> = vec![
        ("empty", vec![], BAD),
        ("1 byte", vec![0x30], BAD),
        ("7 bytes (s cut)", der_sig(1, 1)[..7].to_vec(), BAD),
        ("8 bytes, minimal", der_sig(1, 1), OK),
        (
            "9 bytes, trailing byte",
            [der_sig(1, 1), vec![0]].concat(),
            BAD,
        ),
        ("r of 0 content bytes", der_sig(0, 1), BAD),
        ("r of 31 bytes", der_sig(31, 32), OK),
        ("r of 32 bytes", der_sig(32, 32), OK),
        ("r of 33 bytes without sign byte", der_sig(33, 32), BAD),
        ("72 bytes, maximal", max.clone(), OK),
        (
            "73 bytes, trailing byte",
            [max.clone(), vec![0]].concat(),
            BAD,
        ),
        ("71 bytes, cut", max[..71].to_vec(), BAD),
    ];
    for (name, der, expected) in &cases {
        let r = EcdsaP256Signature::from_der(der).map(|sig| {
            // What decodes re-encodes to the same bytes (strict DER has one form).
            assert_eq!(sig.to_der().as_ref(), &der[..], "{name}");
        });
        assert_eq!(r, *expected, "EcdsaP256Signature::from_der: {name}");
    }
    println!(
        "EcdsaP256Signature::from_der: {} boundary cases",
        cases.len()
    );
}

#[test]
fn ecdsa_to_der_len() {
    // r = s = 0: the shortest encoding (8 bytes); top bits set: the longest (72).
    let rows = [(8, OK), (70, OK), (72, OK)];
    table("EcdsaP256Signature::to_der length", &rows, |want| {
        let raw: [u8; 64] = match want {
            8 => [0; 64],
            70 => [0x7f; 64],
            _ => [0x80; 64],
        };
        let der = EcdsaP256Signature::from_fixed(&raw).to_der();
        assert_eq!(der.as_ref().len(), want);
        assert!(want <= ECDSA_P256_DER_MAX_LEN);
        Ok(())
    });
}
