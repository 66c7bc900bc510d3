//! The software backend passes the backend-generic signature and SHA-512 checks.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

use bulwark_api::{
    Error, SecretBytes,
    sig::{
        ECDSA_P256_DER_MAX_LEN, EcdsaP256, EcdsaP256Signature, Ed25519, Sign, Verify, VerifyPrehash,
    },
};
use bulwark_conformance::{DeterministicTestRng, Failure, FullScratch, Report, kdf, sig};
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
fn ed25519_vectors() {
    let mut s = Box::new(FullScratch::new());
    let r = show(sig::ed25519_rfc8032(&mut Soft, &mut s));
    assert_eq!((r.checked, r.valid), (4, 4));
    let r = show(sig::ed25519_wycheproof(&mut Soft, &mut s));
    // 117 valid + 21 acceptable mixed-order accepted; 64 invalid + 8 small-order refused.
    assert_eq!((r.checked, r.valid, r.rejected), (210, 138, 72));
    show(sig::ed25519_negative(&mut Soft));
    show(sig::ed25519_round_trip(&mut Soft));
}

/// The 1,024 `sign.input` records: the slowest check (about 5 scalar multiplications per
/// record), in its own test so it runs in parallel with the others.
#[test]
fn ed25519_sign_input() {
    let mut s = Box::new(FullScratch::new());
    let r = show(sig::ed25519_sign_input(&mut Soft, &mut s));
    assert_eq!((r.checked, r.valid), (1024, 1024));
}

#[test]
fn ecdsa_p256_vectors() {
    let mut s = Box::new(FullScratch::new());
    let r = show(sig::ecdsa_p256_wycheproof_der(&mut Soft, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (484, 174, 310));
    let r = show(sig::ecdsa_p256_wycheproof_p1363(&mut Soft, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (262, 173, 89));
    let r = show(sig::ecdsa_p256_cavp_sigver(&mut Soft, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (15, 3, 12));
    let r = show(sig::ecdsa_p256_rfc6979(&mut Soft));
    assert_eq!((r.checked, r.valid, r.rejected), (4, 2, 2));
    show(sig::ecdsa_p256_negative(&mut Soft));
    show(sig::ecdsa_p256_round_trip(&mut Soft));
}

#[test]
fn sha512_vectors() {
    show(kdf::sha512_kats(&mut Soft));
}

/// The conformance crate's small-order list really is the 8 torsion points, canonically
/// encoded (checked against dalek itself, so the negative check cannot pass vacuously).
#[test]
fn small_order_list_is_the_torsion_subgroup() {
    let mut seen = std::collections::HashSet::new();
    for bytes in sig::ED25519_SMALL_ORDER {
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes).expect("decodes");
        assert!(key.is_weak(), "{bytes:02x?} is not of small order");
        assert_eq!(key.to_edwards().compress().to_bytes(), bytes, "canonical");
        assert!(seen.insert(bytes));
    }
    // Among the non-canonical encodings refused by `ed25519_negative`, some do decode in
    // dalek (so our re-encoding check, not the decoder, refuses them).
    let mut y_p_plus_1 = [0xffu8; 32];
    y_p_plus_1[0] = 0xee;
    y_p_plus_1[31] = 0x7f;
    assert!(ed25519_dalek::VerifyingKey::from_bytes(&y_p_plus_1).is_ok());
    assert_eq!(
        Verify::<Ed25519>::import_public(&mut Soft, &y_p_plus_1).err(),
        Some(Error::InvalidInput)
    );
}

#[test]
fn der_codec_round_trips_and_is_strict() {
    let mut rng = DeterministicTestRng::new(72);
    let key = Sign::<EcdsaP256>::generate_signing_key(&mut Soft, &mut rng).unwrap();
    let public = Sign::<EcdsaP256>::signing_public(&mut Soft, &key).unwrap();
    let mut lengths = std::collections::BTreeSet::new();
    for i in 0..64u32 {
        let msg = i.to_le_bytes();
        let sig = Sign::<EcdsaP256>::sign(&mut Soft, &key, &msg).unwrap();
        let der = sig.to_der();
        let der = der.as_ref();
        let n = der.len();
        lengths.insert(n);
        let back = EcdsaP256Signature::from_der(der).unwrap();
        assert_eq!(back, sig);
        Verify::<EcdsaP256>::verify(&mut Soft, &public, &msg, &back).unwrap();
        assert_eq!(
            EcdsaP256Signature::from_der(&der[..n - 1]),
            Err(Error::InvalidInput)
        );
    }
    println!("[soft] DER lengths seen: {lengths:?}");
    // Extremes: r = s = 0 (8 bytes) and r = s = ff..ff (72 bytes) encode and decode back.
    for (raw, len) in [([0u8; 64], 8), ([0xff; 64], 72), ([0x01; 64], 70)] {
        let der = EcdsaP256Signature::from_fixed(&raw).to_der();
        assert_eq!(der.as_ref().len(), len);
        assert!(len <= ECDSA_P256_DER_MAX_LEN);
        assert_eq!(
            EcdsaP256Signature::from_der(der.as_ref()).map(|s| s.to_fixed()),
            Ok(raw)
        );
    }
    let mut short = [0u8; 64];
    short[31] = 1;
    short[63] = 0x80;
    let der = EcdsaP256Signature::from_fixed(&short).to_der();
    assert_eq!(
        der.as_ref(),
        &[0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80]
    );
    // Non-minimal, negative, long-form, 33 value bytes, trailing data: all refused.
    for bad in [
        &[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01][..],
        &[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01],
        &[0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],
        &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00],
        &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01],
        &[0x30, 0x00],
        &[],
    ] {
        assert_eq!(
            EcdsaP256Signature::from_der(bad),
            Err(Error::InvalidInput),
            "{bad:02x?}"
        );
    }
    let mut big = [0u8; 41];
    big[..5].copy_from_slice(&[0x30, 0x27, 0x02, 0x22, 0x00]);
    big[5] = 0x80; // 33 value bytes after the sign byte
    big[38..].copy_from_slice(&[0x02, 0x01, 0x01]);
    assert_eq!(EcdsaP256Signature::from_der(&big), Err(Error::InvalidInput));
}

#[test]
fn ecdsa_prehash_matches_fips_truncation() {
    // A 64-byte digest verifies exactly when its leftmost 32 bytes are the signed digest.
    let mut rng = DeterministicTestRng::new(186);
    let key = Sign::<EcdsaP256>::generate_signing_key(&mut Soft, &mut rng).unwrap();
    let public = Sign::<EcdsaP256>::signing_public(&mut Soft, &key).unwrap();
    let sig = Sign::<EcdsaP256>::sign(&mut Soft, &key, b"image").unwrap();
    let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(b"image").into();
    let mut long = [0x77u8; 64];
    long[..32].copy_from_slice(&digest);
    Soft.verify_prehash(&public, &long, &sig).unwrap();
    long[31] ^= 1;
    assert_eq!(
        Soft.verify_prehash(&public, &long, &sig),
        Err(Error::Verification)
    );
}

#[test]
fn keys_compress_and_secrets_do_not_print() {
    let mut rng = DeterministicTestRng::new(3);
    let e = Sign::<Ed25519>::generate_signing_key(&mut Soft, &mut rng).unwrap();
    let p = Sign::<EcdsaP256>::generate_signing_key(&mut Soft, &mut rng).unwrap();
    assert_eq!(format!("{e:?}"), "Ed25519SigningKey { .. }");
    assert_eq!(format!("{p:?}"), "EcdsaP256SigningKey { .. }");
    let public = Sign::<EcdsaP256>::signing_public(&mut Soft, &p).unwrap();
    let compressed = public.to_sec1_compressed();
    let back = Verify::<EcdsaP256>::import_public(&mut Soft, &compressed).unwrap();
    assert_eq!(back, public);
    // Same secret, same ECDSA public key as the ECDH key of that scalar.
    let mut scalar = [0x11u8; 32];
    let k = Sign::<EcdsaP256>::import_signing_key(&mut Soft, SecretBytes::take_from(&mut scalar))
        .unwrap();
    let ecdsa_pub = Sign::<EcdsaP256>::signing_public(&mut Soft, &k).unwrap();
    let mut scalar = [0x11u8; 32];
    let dh = bulwark_api::kex::KeyAgreement::<bulwark_api::kex::P256>::import_static(
        &mut Soft,
        SecretBytes::take_from(&mut scalar),
    )
    .unwrap();
    let dh_pub =
        bulwark_api::kex::KeyAgreement::<bulwark_api::kex::P256>::static_public(&mut Soft, &dh)
            .unwrap();
    assert_eq!(
        ecdsa_pub.to_sec1_uncompressed(),
        dh_pub.to_sec1_uncompressed()
    );
}
