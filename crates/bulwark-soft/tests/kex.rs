//! The software backend passes the backend-generic key-agreement, HKDF and SHA-256 checks.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

use bulwark_api::{
    SecretBytes,
    kdf::HkdfSha256,
    kex::{KeyAgreement, P256, X25519},
};
use bulwark_conformance::{DeterministicTestRng, Failure, FullScratch, Report, kdf, kex};
use bulwark_soft::Soft;

fn show(r: Result<Report, Failure>) -> Report {
    match r {
        Ok(report) => {
            println!("[soft] {report}");
            assert_eq!(report.skipped, 0, "soft: {report}");
            report
        }
        Err(failure) => panic!("[soft] {failure}"),
    }
}

#[test]
fn x25519_vectors() {
    let mut k = Soft;
    let r = show(kex::x25519_wycheproof(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (518, 487, 31));
    assert_eq!(show(kex::x25519_rfc7748(&mut k)).checked, 3);
    assert_eq!(show(kex::x25519_rfc7748_iterated(&mut k)).checked, 2);
    show(kex::x25519_negative(&mut k));
}

#[test]
fn p256_vectors() {
    let mut k = Soft;
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
fn hkdf_and_sha256_vectors() {
    let mut s = Box::new(FullScratch::new());
    let r = show(kdf::hkdf_wycheproof(&mut Soft, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (86, 83, 3));
    assert_eq!(show(kdf::hkdf_rfc5869(&mut Soft)).checked, 3);
    show(kdf::hkdf_lengths(&mut Soft, &mut s));
    show(kdf::sha256_kats(&mut Soft));
}

#[test]
fn generated_exchanges_give_equal_prks() {
    show(kex::x25519_exchange(&mut Soft, &mut Soft));
    show(kex::p256_exchange(&mut Soft, &mut Soft));

    // Spelled out once: two parties, ephemeral keys, one PRK.
    let mut rng = DeterministicTestRng::new(42);
    let (mut alice, mut bob) = (Soft, Soft);
    let a = KeyAgreement::<X25519>::generate_ephemeral(&mut alice, &mut rng).unwrap();
    let b = KeyAgreement::<X25519>::generate_ephemeral(&mut bob, &mut rng).unwrap();
    // `Soft` implements both schemes: where the argument types do not say which, name it.
    let a_wire = KeyAgreement::<X25519>::ephemeral_public(&mut alice, &a)
        .unwrap()
        .to_bytes();
    let b_wire = KeyAgreement::<X25519>::ephemeral_public(&mut bob, &b)
        .unwrap()
        .to_bytes();
    let b_pub = KeyAgreement::<X25519>::import_public(&mut alice, &b_wire).unwrap();
    let a_pub = KeyAgreement::<X25519>::import_public(&mut bob, &a_wire).unwrap();
    let shared_a = KeyAgreement::<X25519>::agree(&mut alice, a, &b_pub).unwrap();
    let shared_b = KeyAgreement::<X25519>::agree(&mut bob, b, &a_pub).unwrap();
    let prk_a = alice.extract_shared(b"salt", shared_a).unwrap();
    let prk_b = bob.extract_shared(b"salt", shared_b).unwrap();
    assert_eq!(prk_a.expose_secret(), prk_b.expose_secret());
}

#[test]
fn p256_compressed_export_round_trips() {
    let mut soft = Soft;
    let mut rng = DeterministicTestRng::new(7);
    for _ in 0..8 {
        let secret = KeyAgreement::<P256>::generate_static(&mut soft, &mut rng).unwrap();
        let public = KeyAgreement::<P256>::static_public(&mut soft, &secret).unwrap();
        let compressed = soft.export_public_compressed(&public);
        assert_eq!(compressed, public.to_sec1_compressed());
        assert!(matches!(compressed[0], 0x02 | 0x03));
        let uncompressed = KeyAgreement::<P256>::export_public(&mut soft, &public);
        assert_eq!(compressed[1..], uncompressed[1..33]);
        assert_eq!(compressed[0] & 1, uncompressed[64] & 1);
        let back = KeyAgreement::<P256>::import_public(&mut soft, &compressed).unwrap();
        assert_eq!(back, public);
    }
}

#[test]
fn secrets_do_not_print() {
    let mut soft = Soft;
    let mut rng = DeterministicTestRng::new(1);
    let x = KeyAgreement::<X25519>::import_static(&mut soft, SecretBytes::zeroed()).unwrap();
    let p = KeyAgreement::<P256>::generate_ephemeral(&mut soft, &mut rng).unwrap();
    assert_eq!(format!("{x:?}"), "X25519StaticSecret { .. }");
    assert_eq!(format!("{p:?}"), "P256EphemeralSecret { .. }");
    let prk = soft.extract(b"", &[b"ikm"]).unwrap();
    assert!(!format!("{prk:?}").contains("0x"));
}
