//! HKDF-SHA256, SHA-256 and SHA-512 on the compact backend: the backend-generic vector sets
//! (Wycheproof and RFC 5869 HKDF, SHA-256 and SHA-512 known answers) with the software
//! backend's counts, and a seeded differential of HKDF and both hashes against it.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

mod common;

use bulwark_api::{
    Rng, SecretBytes,
    hash::{Sha256, Sha512},
    kdf::{HKDF_SHA256_MAX_LEN, HkdfSha256, Prk},
};
use bulwark_compact::Compact;
use bulwark_conformance::{DeterministicTestRng, FullScratch, kdf};
use bulwark_soft::Soft;
use common::show;

#[test]
fn hkdf_and_hash_vectors() {
    let mut s = Box::new(FullScratch::new());
    let r = show(kdf::hkdf_wycheproof(&mut Compact, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (86, 83, 3));
    assert_eq!(show(kdf::hkdf_rfc5869(&mut Compact)).checked, 3);
    show(kdf::hkdf_lengths(&mut Compact, &mut s));
    show(kdf::sha256_kats(&mut Compact));
    show(kdf::sha512_kats(&mut Compact));
}

#[test]
fn hkdf_output_limit() {
    let prk = Prk::from_secret(SecretBytes::take_from(&mut [7; 32]));
    let mut okm = vec![0u8; HKDF_SHA256_MAX_LEN + 1];
    assert_eq!(
        Compact.expand(&prk, &[b"info"], &mut okm),
        Err(bulwark_api::Error::InvalidInput)
    );
    assert!(
        Compact
            .expand(&prk, &[b"info"], &mut okm[..HKDF_SHA256_MAX_LEN])
            .is_ok()
    );
}

/// Random salts, key material and info split in parts, output lengths around the 32-byte block;
/// hashes over inputs fed in random chunks: equal bytes to the software backend.
#[test]
fn differential_against_soft() {
    let mut rng = DeterministicTestRng::new(0x6b64_6600);
    let cases = if cfg!(debug_assertions) { 300 } else { 5_000 };
    for i in 0..cases {
        let mut bytes = |n: usize| {
            let mut v = vec![0u8; n];
            rng.fill_bytes(&mut v).unwrap();
            v
        };
        let salt = bytes([0, 1, 32, 64, 65, 100][i % 6]);
        let ikm = bytes(i % 80);
        let info = bytes(i % 50);
        let (i0, i1) = ikm.split_at(ikm.len() / 2);
        let (f0, f1) = info.split_at(info.len() / 3);
        let okm_len = [0, 1, 31, 32, 33, 64, 100, 255][i % 8];
        let prk_ours = Compact.extract(&salt, &[i0, i1]).unwrap();
        let prk_soft = Soft.extract(&salt, &[&ikm]).unwrap();
        assert_eq!(
            prk_ours.expose_secret(),
            prk_soft.expose_secret(),
            "case {i}"
        );
        let (mut a, mut b) = (vec![0u8; okm_len], vec![0u8; okm_len]);
        Compact.expand(&prk_ours, &[f0, f1], &mut a).unwrap();
        Soft.expand(&prk_soft, &[&info], &mut b).unwrap();
        assert_eq!(a, b, "case {i}");

        let msg = bytes(i % 300);
        let cut = msg.len() / 3;
        let mut s = Sha256::start(&mut Compact).unwrap();
        Sha256::update(&mut Compact, &mut s, &msg[..cut]).unwrap();
        Sha256::update(&mut Compact, &mut s, &msg[cut..]).unwrap();
        assert_eq!(
            Sha256::finish(&mut Compact, s).unwrap(),
            Sha256::digest(&mut Soft, &[&msg]).unwrap(),
            "case {i}"
        );
        let mut s = Sha512::start(&mut Compact).unwrap();
        Sha512::update(&mut Compact, &mut s, &msg[..cut]).unwrap();
        Sha512::update(&mut Compact, &mut s, &msg[cut..]).unwrap();
        assert_eq!(
            Sha512::finish(&mut Compact, s).unwrap(),
            Sha512::digest(&mut Soft, &[&msg]).unwrap(),
            "case {i}"
        );
    }
}
