//! `Server` passes every backend-generic key-agreement, KDF, hash and signature check that
//! `Soft` passes, with the same counts; plus its own checks (batch verification, the
//! small-order table, CCM through `Soft`).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

use bulwark_api::{
    Error, SecretBytes,
    ccm::AesCcm,
    kex::{KeyAgreement, P256, X25519},
    sig::{EcdsaP256, Ed25519, Ed25519Signature, Sign, Verify},
};
use bulwark_conformance::{DeterministicTestRng, Failure, FullScratch, Report, kdf, kex, sig};
use bulwark_server::{BatchItem, Server};
use bulwark_soft::Soft;

fn show(r: Result<Report, Failure>) -> Report {
    match r {
        Ok(report) => {
            println!("[server] {report}");
            assert_eq!(report.skipped, 0, "server: {report}");
            report
        }
        Err(failure) => panic!("[server] {failure}"),
    }
}

#[test]
fn x25519_vectors() {
    let mut k = Server;
    let r = show(kex::x25519_wycheproof(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (518, 487, 31));
    assert_eq!(show(kex::x25519_rfc7748(&mut k)).checked, 3);
    assert_eq!(show(kex::x25519_rfc7748_iterated(&mut k)).checked, 2);
    show(kex::x25519_negative(&mut k));
}

#[test]
fn p256_vectors() {
    let mut k = Server;
    let r = show(kex::ecdh_p256_wycheproof(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (612, 331, 281));
    let r = show(kex::ecdh_p256_ecpoint(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (355, 331, 24));
    assert_eq!(show(kex::ecdh_p256_cavp_cdh(&mut k)).checked, 25);
    let r = show(kex::ecdh_p256_kas_validity(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (60, 36, 24));
    show(kex::p256_negative(&mut k));
}

#[test]
fn hkdf_and_hash_vectors() {
    let mut s = Box::new(FullScratch::new());
    let r = show(kdf::hkdf_wycheproof(&mut Server, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (86, 83, 3));
    assert_eq!(show(kdf::hkdf_rfc5869(&mut Server)).checked, 3);
    show(kdf::hkdf_lengths(&mut Server, &mut s));
    show(kdf::sha256_kats(&mut Server));
    show(kdf::sha512_kats(&mut Server));
}

#[test]
fn generated_exchanges_give_equal_prks() {
    show(kex::x25519_exchange(&mut Server, &mut Server));
    show(kex::p256_exchange(&mut Server, &mut Server));
}

/// The same generator seed gives `Soft` and `Server` the same keys and shared secrets: key
/// generation draws the caller's bytes exactly as `Soft` does.
#[test]
fn keys_match_soft_for_the_same_generator() {
    for seed in 0..16u64 {
        let (mut a, mut b) = (
            DeterministicTestRng::new(seed),
            DeterministicTestRng::new(seed),
        );
        let s = KeyAgreement::<X25519>::generate_ephemeral(&mut Soft, &mut a).unwrap();
        let v = KeyAgreement::<X25519>::generate_ephemeral(&mut Server, &mut b).unwrap();
        assert_eq!(
            KeyAgreement::<X25519>::ephemeral_public(&mut Soft, &s)
                .unwrap()
                .to_bytes(),
            KeyAgreement::<X25519>::ephemeral_public(&mut Server, &v)
                .unwrap()
                .to_bytes()
        );
        let s = KeyAgreement::<P256>::generate_static(&mut Soft, &mut a).unwrap();
        let v = KeyAgreement::<P256>::generate_static(&mut Server, &mut b).unwrap();
        let sp = KeyAgreement::<P256>::static_public(&mut Soft, &s).unwrap();
        let vp = KeyAgreement::<P256>::static_public(&mut Server, &v).unwrap();
        assert_eq!(sp, vp.to_soft());
        let peer_s =
            KeyAgreement::<P256>::import_public(&mut Soft, &vp.to_sec1_compressed()).unwrap();
        let peer_v =
            KeyAgreement::<P256>::import_public(&mut Server, &sp.to_sec1_compressed()).unwrap();
        let x = KeyAgreement::<P256>::agree_static(&mut Soft, &s, &peer_s).unwrap();
        let y = KeyAgreement::<P256>::agree_static(&mut Server, &v, &peer_v).unwrap();
        assert_eq!(
            bulwark_api::hazmat::expose_shared_secret(&x),
            bulwark_api::hazmat::expose_shared_secret(&y)
        );
    }
}

#[test]
fn ed25519_vectors() {
    let mut s = Box::new(FullScratch::new());
    let r = show(sig::ed25519_rfc8032(&mut Server, &mut s));
    assert_eq!((r.checked, r.valid), (4, 4));
    let r = show(sig::ed25519_wycheproof(&mut Server, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (210, 138, 72));
    show(sig::ed25519_negative(&mut Server));
    show(sig::ed25519_round_trip(&mut Server));
}

#[test]
fn ed25519_sign_input() {
    let mut s = Box::new(FullScratch::new());
    let r = show(sig::ed25519_sign_input(&mut Server, &mut s));
    assert_eq!((r.checked, r.valid), (1024, 1024));
}

#[test]
fn ecdsa_p256_vectors() {
    let mut s = Box::new(FullScratch::new());
    let r = show(sig::ecdsa_p256_wycheproof_der(&mut Server, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (484, 174, 310));
    let r = show(sig::ecdsa_p256_wycheproof_p1363(&mut Server, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (262, 173, 89));
    let r = show(sig::ecdsa_p256_cavp_sigver(&mut Server, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (15, 3, 12));
    let r = show(sig::ecdsa_p256_rfc6979(&mut Server));
    assert_eq!((r.checked, r.valid, r.rejected), (4, 2, 2));
    show(sig::ecdsa_p256_negative(&mut Server));
    show(sig::ecdsa_p256_round_trip(&mut Server));
}

/// The crate's small-order table is the conformance crate's (which `Soft`'s tests check
/// against dalek), in some order.
#[test]
fn small_order_table_is_the_torsion_subgroup() {
    for r in sig::ED25519_SMALL_ORDER {
        let public = Verify::<Ed25519>::import_public(&mut Server, &sig::ED25519_SMALL_ORDER[0]);
        assert_eq!(public.err(), Some(Error::InvalidInput));
        let seed = SecretBytes::try_from_slice(&[7u8; 32]).unwrap();
        let signer = Sign::<Ed25519>::import_signing_key(&mut Server, seed).unwrap();
        let pk = Sign::<Ed25519>::signing_public(&mut Server, &signer).unwrap();
        let mut bad = Sign::<Ed25519>::sign(&mut Server, &signer, b"m")
            .unwrap()
            .to_bytes();
        bad[..32].copy_from_slice(&r);
        let bad = Ed25519Signature::from_bytes(&bad);
        assert_eq!(
            Verify::<Ed25519>::verify(&mut Server, &pk, b"m", &bad),
            Err(Error::Verification)
        );
    }
}

/// A key holder can make a signature with `R = identity` (`r = 0`, `S = k a`) that satisfies
/// the cofactorless equation: strict verification refuses it (small-order `R`), on both
/// backends and in both batch paths.
#[test]
fn identity_r_signature_is_refused_everywhere() {
    use ed25519_dalek::hazmat::ExpandedSecretKey;
    use sha2::Digest;
    let seed = [9u8; 32];
    let expanded = ExpandedSecretKey::from(&seed);
    let signer = ed25519_dalek::SigningKey::from_bytes(&seed);
    let a = signer.verifying_key().to_bytes();
    let mut r = [0u8; 32];
    r[0] = 1; // the identity
    let msg = b"forged by the key holder";
    let hash: [u8; 64] = sha2::Sha512::new()
        .chain_update(r)
        .chain_update(a)
        .chain_update(msg)
        .finalize()
        .into();
    let k = curve25519_dalek::Scalar::from_bytes_mod_order_wide(&hash);
    let s = k * expanded.scalar;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(&r);
    signature[32..].copy_from_slice(s.as_bytes());
    let signature = Ed25519Signature::from_bytes(&signature);
    let soft_key = Verify::<Ed25519>::import_public(&mut Soft, &a).unwrap();
    let key = Verify::<Ed25519>::import_public(&mut Server, &a).unwrap();
    assert_eq!(
        Verify::<Ed25519>::verify(&mut Soft, &soft_key, msg, &signature),
        Err(Error::Verification)
    );
    assert_eq!(
        Verify::<Ed25519>::verify(&mut Server, &key, msg, &signature),
        Err(Error::Verification)
    );
    let items = [BatchItem {
        key: &key,
        message: msg,
        signature: &signature,
    }];
    assert_eq!(Server.verify_batch(&items).unwrap_err().failed, vec![0]);
    assert_eq!(
        Server.verify_batch_dalek(&items).unwrap_err().failed,
        vec![0]
    );
}

/// Batch verification names exactly the items that single verification refuses, on both
/// paths, whatever the failures are (tampered message, tampered R or S, S + L, an all-zero
/// signature, a signature under another key, torsion in R; a short signature cannot be
/// built: `Ed25519Signature` is 64 bytes).
#[test]
fn batch_verdicts_equal_single_verdicts() {
    let mut rng = DeterministicTestRng::new(0xba7c);
    let mut keys = Vec::new();
    let mut signers = Vec::new();
    for _ in 0..8 {
        let k = Sign::<Ed25519>::generate_signing_key(&mut Server, &mut rng).unwrap();
        keys.push(Sign::<Ed25519>::signing_public(&mut Server, &k).unwrap());
        signers.push(k);
    }
    let messages: Vec<Vec<u8>> = (0..64u32)
        .map(|i| i.to_le_bytes().repeat(i as usize % 7))
        .collect();
    let mut signatures: Vec<[u8; 64]> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            Sign::<Ed25519>::sign(&mut Server, &signers[i % 8], m)
                .unwrap()
                .to_bytes()
        })
        .collect();
    let all = |sigs: &[[u8; 64]]| -> Vec<usize> {
        let sigs: Vec<Ed25519Signature> = sigs.iter().map(Ed25519Signature::from_bytes).collect();
        let items: Vec<BatchItem<'_>> = (0..64)
            .map(|i| BatchItem {
                key: &keys[i % 8],
                message: &messages[i],
                signature: &sigs[i],
            })
            .collect();
        let single: Vec<usize> = (0..64)
            .filter(|&i| {
                Verify::<Ed25519>::verify(&mut Server, &keys[i % 8], &messages[i], &sigs[i])
                    .is_err()
            })
            .collect();
        let a = Server
            .verify_batch(&items)
            .err()
            .map(|v| v.failed)
            .unwrap_or_default();
        let b = Server
            .verify_batch_dalek(&items)
            .err()
            .map(|v| v.failed)
            .unwrap_or_default();
        assert_eq!(a, single);
        assert_eq!(b, single);
        single
    };
    assert!(all(&signatures).is_empty());
    signatures[3][40] ^= 1; // S changed
    signatures[10][0] ^= 1; // R changed
    signatures[17] = [0; 64];
    signatures[22] = signatures[23]; // another message's signature
    // S + L (non-canonical S of a valid signature).
    let l: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for (byte, l) in signatures[30][32..].iter_mut().zip(l) {
        let sum = u16::from(*byte) + u16::from(l) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    // R replaced by R + T (T of order 2: y = -1 encoded as `ec ff .. 7f`), which decodes.
    let r = ed25519_dalek::VerifyingKey::from_bytes(signatures[41][..32].try_into().unwrap())
        .unwrap()
        .to_edwards();
    let mut t = [0xffu8; 32];
    t[0] = 0xec;
    t[31] = 0x7f;
    let t = ed25519_dalek::VerifyingKey::from_bytes(&t)
        .unwrap()
        .to_edwards();
    signatures[41][..32].copy_from_slice(&(r + t).compress().to_bytes());
    assert_eq!(all(&signatures), vec![3, 10, 17, 22, 30, 41]);
}

#[test]
fn ccm_composes_with_soft() {
    let mut ccm = Server.ccm(&[0x11; 16]).unwrap();
    let mut soft = Server.soft();
    let _ = &mut soft;
    let mut buf = *b"reading";
    let tag: [u8; 8] = ccm.seal_in_place(&[1; 13], b"hdr", &mut buf).unwrap();
    ccm.open_in_place(&[1; 13], b"hdr", &mut buf, &tag).unwrap();
    assert_eq!(&buf, b"reading");
    assert_eq!(Server.ccm(&[0; 15]).err(), Some(Error::InvalidInput));
}

#[test]
fn secrets_do_not_print() {
    let mut rng = DeterministicTestRng::new(1);
    let x = KeyAgreement::<X25519>::import_static(&mut Server, SecretBytes::zeroed()).unwrap();
    let p = KeyAgreement::<P256>::generate_ephemeral(&mut Server, &mut rng).unwrap();
    let e = Sign::<Ed25519>::generate_signing_key(&mut Server, &mut rng).unwrap();
    let d = Sign::<EcdsaP256>::generate_signing_key(&mut Server, &mut rng).unwrap();
    assert_eq!(format!("{x:?}"), "ServerX25519Static { .. }");
    assert_eq!(format!("{p:?}"), "ServerP256Ephemeral { .. }");
    assert_eq!(format!("{e:?}"), "Ed25519SigningKey { .. }");
    assert!(!format!("{d:?}").contains("0x"));
}
