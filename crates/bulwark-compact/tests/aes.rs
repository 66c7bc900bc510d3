//! The compact AES engine: FIPS-197 and SP 800-38A known answers, a seeded differential against
//! the `aes` crate, the backend-generic CCM/CMAC/CTR conformance suite over the generic
//! modes, and the same CCM sets over the paired [`CompactCcm`](bulwark_compact::aes_ccm::CompactCcm).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

mod common;

use aes::cipher::{BlockCipherEncrypt, KeyInit, array::Array};
use bulwark_api::{
    Error, Rng,
    ccm::Ccm,
    hazmat::{Block, BlockEncrypt},
};
use bulwark_compact::aes::CompactAes;
use bulwark_compact::aes_ccm::CompactCcm;
use bulwark_conformance::{FullScratch, aes as suite};
use bulwark_soft::{CcmMode, CmacMode, CtrMode};
use bulwark_testkit::{hex::decode, rng::DeterministicTestRng};
use common::show;

fn hex<const N: usize>(s: &str) -> [u8; N] {
    decode(s).try_into().unwrap()
}

#[test]
fn fips197_appendix_c() {
    let pt: Block = hex("00112233445566778899aabbccddeeff");
    let mut aes128 = CompactAes::new(&hex::<16>("000102030405060708090a0b0c0d0e0f")).unwrap();
    let mut b = pt;
    aes128.encrypt_block(&mut b).unwrap();
    assert_eq!(b, hex::<16>("69c4e0d86a7b0430d8cdb78070b4c55a"));
    let mut aes256 = CompactAes::new(&hex::<32>(
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    ))
    .unwrap();
    let mut b = pt;
    aes256.encrypt_block(&mut b).unwrap();
    assert_eq!(b, hex::<16>("8ea2b7ca516745bfeafc49904b496089"));
    // FIPS-197 appendix B (AES-128, "Cipher Example").
    let mut k = CompactAes::new(&hex::<16>("2b7e151628aed2a6abf7158809cf4f3c")).unwrap();
    let mut b: Block = hex("3243f6a8885a308d313198a2e0370734");
    k.encrypt_block(&mut b).unwrap();
    assert_eq!(b, hex::<16>("3925841d02dc09fbdc118597196a0b32"));
}

#[test]
fn sp800_38a_ecb() {
    let blocks: [Block; 4] = [
        hex("6bc1bee22e409f96e93d7e117393172a"),
        hex("ae2d8a571e03ac9c9eb76fac45af8e51"),
        hex("30c81c46a35ce411e5fbc1191a0a52ef"),
        hex("f69f2445df4f9b17ad2b417be66c3710"),
    ];
    let ecb128: [Block; 4] = [
        hex("3ad77bb40d7a3660a89ecaf32466ef97"),
        hex("f5d3d58503b9699de785895a96fdbaaf"),
        hex("43b1cd7f598ece23881b00e3ed030688"),
        hex("7b0c785e27e8ad3f8223207104725dd4"),
    ];
    let ecb256: [Block; 4] = [
        hex("f3eed1bdb5d2a03c064b5a7e3db181f8"),
        hex("591ccb10d410ed26dc5ba74a31362870"),
        hex("b6ed21b99ca6f4f9f153e7b1beafed1d"),
        hex("23304b7a39f9f3ff067d8d8f9e24ecc7"),
    ];
    let mut k128 = CompactAes::new(&hex::<16>("2b7e151628aed2a6abf7158809cf4f3c")).unwrap();
    let mut k256 = CompactAes::new(&hex::<32>(
        "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
    ))
    .unwrap();
    // Through the paired path (four blocks: two pairs), and three blocks (a pair and a single).
    let mut b = blocks;
    k128.encrypt_blocks(&mut b).unwrap();
    assert_eq!(b, ecb128);
    let mut b = blocks;
    k256.encrypt_blocks(&mut b[..3]).unwrap();
    assert_eq!(b[..3], ecb256[..3]);
    k256.encrypt_block(&mut b[3]).unwrap();
    assert_eq!(b, ecb256);
}

#[test]
fn bad_key_lengths_are_refused() {
    for len in [0, 15, 17, 23, 25, 31, 33, 64] {
        let key = vec![0u8; len];
        assert!(CompactAes::new(&key).is_err(), "{len}");
    }
}

/// Random keys and blocks against the `aes` crate, single and paired. `COMPACT_AES_CASES`
/// raises the count (default 20,000 in release, 2,000 in debug).
#[test]
fn differential_against_aes_crate() {
    let default = if cfg!(debug_assertions) {
        2_000
    } else {
        20_000
    };
    let cases: usize = std::env::var("COMPACT_AES_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    let mut rng = DeterministicTestRng::new(0x0a35_c0de_2026_0012);
    for i in 0..cases {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key).unwrap();
        let key = if i % 2 == 0 { &key[..16] } else { &key[..] };
        let mut ours = CompactAes::new(key).unwrap();
        let mut blocks = [[0u8; 16]; 3];
        for b in &mut blocks {
            rng.fill_bytes(b).unwrap();
        }
        // Edge blocks now and then.
        if i % 97 == 0 {
            blocks[0] = [0; 16];
            blocks[1] = [0xff; 16];
        }
        let mut expected = blocks;
        for b in &mut expected {
            let b = Array::cast_from_core_mut(b);
            match key.len() {
                16 => aes::Aes128::new_from_slice(key).unwrap().encrypt_block(b),
                _ => aes::Aes256::new_from_slice(key).unwrap().encrypt_block(b),
            }
        }
        let mut got = blocks;
        ours.encrypt_blocks(&mut got).unwrap();
        assert_eq!(got, expected, "case {i}");
        let mut single = blocks[2];
        ours.encrypt_block(&mut single).unwrap();
        assert_eq!(single, expected[2], "case {i}");
    }
}

/// The CCM sets with the same counts as the software engine, over the CCM engines `ccm` keys.
fn ccm_sets<C: Ccm>(ccm: impl Fn(&[u8]) -> Result<C, Error> + Copy, s: &mut FullScratch) {
    assert_eq!(show(suite::ccm_cavp(ccm, s)).checked, 2_880);
    assert_eq!(show(suite::ccm_rfc3610(ccm, s)).checked, 24);
    assert_eq!(show(suite::ccm_sp800_38c(ccm, s)).checked, 4);
    assert_eq!(show(suite::ccm_wycheproof(ccm, s)).checked, 552);
    show(suite::ccm_tamper(ccm, s));
    show(suite::ccm_size_rules(ccm, s));
    assert_eq!(show(suite::ccm_typed_sizes(ccm)).checked, 49);
    show(suite::ccm_star(ccm, s));
}

/// The CCM, CMAC and CTR sets with the same counts as the software engine.
#[test]
fn conformance_suite_over_generic_modes() {
    let mut s = Box::new(FullScratch::new());
    ccm_sets(|k: &[u8]| CompactAes::new(k).map(CcmMode::new), &mut s);
    let cmac = |k: &[u8]| CompactAes::new(k).map(CmacMode::new);
    assert_eq!(show(suite::cmac_wycheproof(cmac)).checked, 311);
    assert_eq!(show(suite::cmac_sp800_38b(cmac)).checked, 12);
    show(suite::cmac_parts(cmac));
    let ctr = |k: &[u8]| CompactAes::new(k).map(CtrMode::new);
    assert_eq!(show(suite::ctr_vectors(ctr)).checked, 15);
}

/// The CCM sets over the paired CCM (one two-block AES call per CBC-MAC and CTR step), with
/// the same counts as over the generic mode.
#[test]
fn conformance_suite_over_paired_ccm() {
    ccm_sets(CompactCcm::from_key, &mut Box::new(FullScratch::new()));
}

/// The paired CCM against the software engine's generic CCM: random keys, nonce and tag
/// lengths, associated data split in parts, message lengths around block boundaries; seal
/// outputs equal, open round-trips, a flipped tag bit is refused and zeroes the buffer.
#[test]
fn paired_ccm_matches_generic_ccm() {
    use bulwark_api::ccm::Ccm;
    use bulwark_soft::SoftAes;
    let mut rng = DeterministicTestRng::new(0xcc37_2026);
    let cases = if cfg!(debug_assertions) { 500 } else { 5_000 };
    for i in 0..cases {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key).unwrap();
        let key = &key[..[16, 24, 32][i % 3]];
        let mut ours = CompactCcm::from_key(key).unwrap();
        let mut soft = CcmMode::new(SoftAes::new_portable(key).unwrap());
        let nonce_len = 7 + (rng.next_u64() % 7) as usize;
        let tag_len = [4, 6, 8, 10, 12, 14, 16][(rng.next_u64() % 7) as usize];
        let msg_len = [0, 1, 15, 16, 17, 31, 32, 33, 64, 100][i % 10];
        let aad_len = [0, 1, 14, 16, 30, 40][(rng.next_u64() % 6) as usize];
        let mut nonce = [0u8; 13];
        rng.fill_bytes(&mut nonce).unwrap();
        let nonce = &nonce[..nonce_len];
        let mut aad = vec![0u8; aad_len];
        rng.fill_bytes(&mut aad).unwrap();
        let (a0, a1) = aad.split_at(aad_len / 3);
        let mut msg = vec![0u8; msg_len];
        rng.fill_bytes(&mut msg).unwrap();
        let (mut c1, mut c2) = (msg.clone(), msg.clone());
        let (mut t1, mut t2) = (vec![0u8; tag_len], vec![0u8; tag_len]);
        ours.seal_detached(nonce, &[a0, a1], &mut c1, &mut t1)
            .unwrap();
        soft.seal_detached(nonce, &[&aad], &mut c2, &mut t2)
            .unwrap();
        assert_eq!((&c1, &t1), (&c2, &t2), "case {i}");
        let mut p = c1.clone();
        ours.open_detached(nonce, &[&aad], &mut p, &t1).unwrap();
        assert_eq!(p, msg, "case {i}");
        let mut bad = t1.clone();
        bad[i % tag_len] ^= 1 << (i % 8);
        let mut p = c1.clone();
        assert_eq!(
            ours.open_detached(nonce, &[&aad], &mut p, &bad),
            Err(bulwark_api::Error::Verification)
        );
        assert!(p.iter().all(|&b| b == 0), "case {i}");
        let (mut u1, mut u2) = (msg.clone(), msg.clone());
        ours.crypt_unauthenticated(nonce, &mut u1).unwrap();
        soft.crypt_unauthenticated(nonce, &mut u2).unwrap();
        assert_eq!(u1, u2, "case {i}");
    }
}
