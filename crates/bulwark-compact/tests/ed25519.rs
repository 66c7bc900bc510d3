//! Ed25519 verification on the compact backend: the backend-generic Wycheproof and negative
//! checks, and a seeded differential test against ed25519-dalek (`verify_strict`) over both
//! field strategies, with valid signatures and corrupted ones.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

mod common;

use bulwark_api::{
    SecretBytes,
    sig::{Ed25519, Sign},
};
use bulwark_compact::{
    Compact,
    curve25519::{Fe16, Fe32, sign_with, verify_with},
};
use bulwark_conformance::{FullScratch, sig};
use common::show;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

#[test]
fn ed25519_verify_vectors() {
    let mut s = Box::new(FullScratch::new());
    let r = show(sig::ed25519_wycheproof(&mut Compact, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (210, 138, 72));
    show(sig::ed25519_negative(&mut Compact));
}

#[test]
fn ed25519_sign_vectors() {
    let mut s = Box::new(FullScratch::new());
    let r = show(sig::ed25519_rfc8032(&mut Compact, &mut s));
    assert_eq!((r.checked, r.valid), (4, 4));
    show(sig::ed25519_round_trip(&mut Compact));
}

#[test]
fn ed25519_sign_input() {
    let mut s = Box::new(FullScratch::new());
    let r = show(sig::ed25519_sign_input(&mut Compact, &mut s));
    assert_eq!(r.checked, 1024);
}

#[test]
fn signing_key_does_not_print() {
    let key = Sign::<Ed25519>::import_signing_key(&mut Compact, SecretBytes::zeroed()).unwrap();
    assert_eq!(format!("{key:?}"), "Ed25519SigningKey { .. }");
}

/// Signatures are deterministic: both strategies must give dalek's bytes exactly.
#[test]
fn signing_differential_against_dalek() {
    let mut rng = Cases(0x7369_676e_0000_0001);
    let n = case_count();
    for i in 0..n {
        let seed = rng.bytes::<32>();
        let len = (rng.next_u64() % 200) as usize;
        let msg: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        let key = SigningKey::from_bytes(&seed);
        let want = (key.verifying_key().to_bytes(), key.sign(&msg).to_bytes());
        assert_eq!(sign_with::<Fe16>(&seed, &msg), want, "Fe16 case {i}");
        assert_eq!(sign_with::<Fe32>(&seed, &msg), want, "Fe32 case {i}");
    }
    println!("[compact] Ed25519 signing: {n} signatures equal to ed25519-dalek's");
}

struct Cases(u64);

impl Cases {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        core::array::from_fn(|_| self.next_u64() as u8)
    }
}

fn case_count() -> usize {
    match std::env::var("BULWARK_COMPACT_DIFF_CASES") {
        Ok(v) => v.parse::<usize>().expect("a number") / 20,
        Err(_) if cfg!(debug_assertions) => 200,
        Err(_) => 5_000,
    }
}

#[test]
fn differential_against_dalek() {
    let mut rng = Cases(0x6564_3235_3531_3901);
    let n = case_count();
    let (mut valid, mut invalid) = (0, 0);
    for i in 0..n {
        let key = SigningKey::from_bytes(&rng.bytes::<32>());
        let public = key.verifying_key().to_bytes();
        let len = (rng.next_u64() % 200) as usize;
        let msg: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        let mut signature = key.sign(&msg).to_bytes();
        if i % 2 == 1 {
            // Corrupt one bit of R, S or the message.
            let bit = (rng.next_u64() % 512) as usize;
            signature[bit / 8] ^= 1 << (bit % 8);
        }
        let want = VerifyingKey::from_bytes(&public)
            .unwrap()
            .verify_strict(&msg, &ed25519_dalek::Signature::from_bytes(&signature))
            .is_ok();
        assert_eq!(
            verify_with::<Fe16>(&public, &msg, &signature),
            want,
            "Fe16 case {i}"
        );
        assert_eq!(
            verify_with::<Fe32>(&public, &msg, &signature),
            want,
            "Fe32 case {i}"
        );
        if want {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    println!(
        "[compact] Ed25519 differential: {valid} valid, {invalid} invalid, agreeing with ed25519-dalek"
    );
    assert!(valid >= n / 2 && invalid > 0);
}
