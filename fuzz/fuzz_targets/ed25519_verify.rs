//! Ed25519 verification through `Verify<Ed25519>` / `Sign<Ed25519>` (the backend is
//! `bulwark_fuzz::SigBackend`), cross-checked against ed25519-dalek's strict verification.
//!
//! Input: mode (u8). Even: public key (lv), signature (lv), message (rest), all arbitrary.
//! Odd (structured): what to mutate (u8: 0 sig, 1 msg, 2 key, 3 append to msg), position
//! (u16), xor (u8), message (rest), signed with a fixed test key.
#![no_main]

use bulwark_api::{
    Error, SecretBytes,
    sig::{Ed25519, Ed25519Signature, Sign, Verify},
};
use bulwark_fuzz::{Reader, SigBackend};
use libfuzzer_sys::fuzz_target;

const TEST_SEED: [u8; 32] = [0x42; 32];

fn reference(key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    let Ok(k) = <&[u8; 32]>::try_from(key) else {
        return false;
    };
    let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(k) else {
        return false;
    };
    let Ok(s) = ed25519_dalek::Signature::from_slice(sig) else {
        return false;
    };
    !vk.is_weak() && vk.verify_strict(msg, &s).is_ok()
}

fn check(key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    let mut b = SigBackend::default();
    match Verify::<Ed25519>::import_public(&mut b, key) {
        Ok(pk) => {
            assert_eq!(
                Verify::<Ed25519>::export_public(&mut b, &pk).as_slice(),
                key
            );
            // Anything but 64 bytes is not a signature.
            let Ok(sig) = Ed25519Signature::from_slice(sig) else {
                return false;
            };
            match Verify::<Ed25519>::verify(&mut b, &pk, msg, &sig) {
                Ok(()) => true,
                Err(Error::Verification) => false,
                Err(e) => panic!("verify: unexpected {e:?}"),
            }
        }
        Err(Error::InvalidInput) => false,
        Err(e) => panic!("import: unexpected {e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let mode = r.u8();
    if mode % 2 == 0 {
        let key = r.lv();
        let sig = r.lv();
        let msg = r.rest();
        assert_eq!(
            check(key, msg, sig),
            reference(key, msg, sig),
            "differs from dalek"
        );
        return;
    }
    let what = r.u8() % 4;
    let pos = usize::from(r.u16());
    let x = r.u8() | 1;
    let msg = r.rest();
    let mut b = SigBackend::default();
    let sk = Sign::<Ed25519>::import_signing_key(
        &mut b,
        SecretBytes::try_from_slice(&TEST_SEED).unwrap(),
    )
    .unwrap();
    let pk = Sign::<Ed25519>::signing_public(&mut b, &sk).unwrap();
    let key = Verify::<Ed25519>::export_public(&mut b, &pk);
    let sig = Sign::<Ed25519>::sign(&mut b, &sk, msg).unwrap();
    let sig = sig.to_bytes().to_vec();
    assert!(check(&key, msg, &sig), "fresh signature rejected");
    assert!(reference(&key, msg, &sig));
    let (mut k2, mut m2, mut s2) = (key.to_vec(), msg.to_vec(), sig.clone());
    match what {
        0 => s2[pos % 64] ^= x,
        1 if !msg.is_empty() => m2[pos % msg.len()] ^= x,
        2 => k2[pos % 32] ^= x,
        _ => m2.push(x),
    }
    assert!(
        !check(&k2, &m2, &s2),
        "mutated (mode {what}) signature accepted"
    );
});
