//! The asymmetric primitives, HKDF, SHA-256 and MCUboot image verification as users get them
//! (the facade's `bulwark::DefaultProvider`: the software backend in this build, which does
//! not enable `bulwark/server`), each next to a reference measured in the same run: the
//! RustCrypto/dalek crate that the software backend wraps, called directly. Groups are named `OP/bulwark` and
//! `OP/reference-CRATE`; `cargo xtask bench` reports their ratio, never absolute host times.
#![allow(
    clippy::expect_used,
    reason = "a bench must stop loudly if an operation it measures fails; it is not library code"
)]

use bulwark::DefaultProvider;
use bulwark::{
    SecretBytes,
    hash::Sha256,
    kdf::HkdfSha256,
    kex::{KeyAgreement, P256, X25519},
    sig::{EcdsaP256, Ed25519, Sign, Verify},
};
use bulwark_firmware::{ImageBuilder, ImageVersion, MonotonicCounter, Verifier};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const SECRET: [u8; 32] = [0x42; 32];
const PEER_SECRET: [u8; 32] = [0x17; 32];

fn secret(bytes: [u8; 32]) -> SecretBytes<32> {
    SecretBytes::try_from_slice(&bytes).expect("32 bytes")
}

fn x25519(c: &mut Criterion) {
    let mut provider = DefaultProvider::default();
    let s = KeyAgreement::<X25519>::import_static(&mut provider, secret(SECRET)).expect("key");
    let peer_s =
        KeyAgreement::<X25519>::import_static(&mut provider, secret(PEER_SECRET)).expect("key");
    let peer = KeyAgreement::<X25519>::static_public(&mut provider, &peer_s).expect("public");
    c.bench_function("x25519/bulwark", |b| {
        b.iter(|| {
            KeyAgreement::<X25519>::agree_static(&mut provider, black_box(&s), black_box(&peer))
        })
    });
    let ds = x25519_dalek::StaticSecret::from(SECRET);
    let dp = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(PEER_SECRET));
    c.bench_function("x25519/reference-x25519-dalek", |b| {
        b.iter(|| black_box(&ds).diffie_hellman(black_box(&dp)))
    });
}

fn p256_ecdh(c: &mut Criterion) {
    let mut provider = DefaultProvider::default();
    let s = KeyAgreement::<P256>::import_static(&mut provider, secret(SECRET)).expect("key");
    let peer_s =
        KeyAgreement::<P256>::import_static(&mut provider, secret(PEER_SECRET)).expect("key");
    let peer = KeyAgreement::<P256>::static_public(&mut provider, &peer_s).expect("public");
    c.bench_function("p256-ecdh/bulwark", |b| {
        b.iter(|| {
            KeyAgreement::<P256>::agree_static(&mut provider, black_box(&s), black_box(&peer))
        })
    });
    let ds = p256::SecretKey::from_slice(&SECRET).expect("scalar");
    let dp = p256::SecretKey::from_slice(&PEER_SECRET)
        .expect("scalar")
        .public_key();
    c.bench_function("p256-ecdh/reference-p256", |b| {
        b.iter(|| {
            p256::ecdh::diffie_hellman(
                black_box(&ds).to_nonzero_scalar(),
                black_box(&dp).as_affine(),
            )
        })
    });
}

fn signatures(c: &mut Criterion) {
    let mut provider = DefaultProvider::default();
    let msg = b"bulwark benchmark message";

    let ek = Sign::<Ed25519>::import_signing_key(&mut provider, secret(SECRET)).expect("key");
    let epk = Sign::<Ed25519>::signing_public(&mut provider, &ek).expect("public");
    let esig = Sign::<Ed25519>::sign(&mut provider, &ek, msg).expect("sign");
    c.bench_function("ed25519-verify/bulwark", |b| {
        b.iter(|| {
            Verify::<Ed25519>::verify(&mut provider, &epk, black_box(msg), black_box(&esig))
                .expect("valid")
        })
    });
    let dk = ed25519_dalek::SigningKey::from_bytes(&SECRET);
    let dvk = dk.verifying_key();
    let dsig = ed25519_dalek::Signature::from_slice(esig.as_ref()).expect("64 bytes");
    c.bench_function("ed25519-verify/reference-ed25519-dalek", |b| {
        b.iter(|| {
            black_box(&dvk)
                .verify_strict(black_box(msg), black_box(&dsig))
                .expect("valid")
        })
    });

    let pk = Sign::<EcdsaP256>::import_signing_key(&mut provider, secret(SECRET)).expect("key");
    let ppk = Sign::<EcdsaP256>::signing_public(&mut provider, &pk).expect("public");
    let psig = Sign::<EcdsaP256>::sign(&mut provider, &pk, msg).expect("sign");
    c.bench_function("ecdsa-p256-verify/bulwark", |b| {
        b.iter(|| {
            Verify::<EcdsaP256>::verify(&mut provider, &ppk, black_box(msg), black_box(&psig))
                .expect("valid")
        })
    });
    let raw: [u8; 65] = Verify::<EcdsaP256>::export_public(&mut provider, &ppk);
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&raw).expect("point");
    let sig = p256::ecdsa::Signature::from_slice(&psig.to_fixed()).expect("r||s");
    c.bench_function("ecdsa-p256-verify/reference-p256", |b| {
        use p256::ecdsa::signature::Verifier as _;
        b.iter(|| {
            black_box(&vk)
                .verify(black_box(msg), black_box(&sig))
                .expect("valid")
        })
    });
}

fn hkdf_sha256(c: &mut Criterion) {
    let mut provider = DefaultProvider::default();
    let (salt, ikm, info) = ([1u8; 16], [2u8; 32], [3u8; 16]);
    c.bench_function("hkdf-sha256-32/bulwark", |b| {
        b.iter(|| {
            let mut okm = [0u8; 32];
            let prk = HkdfSha256::extract(&mut provider, black_box(&salt), &[black_box(&ikm)])
                .expect("extract");
            HkdfSha256::expand(&mut provider, &prk, &[black_box(&info)], &mut okm).expect("expand");
            okm
        })
    });
    c.bench_function("hkdf-sha256-32/reference-hkdf", |b| {
        b.iter(|| {
            let mut okm = [0u8; 32];
            hkdf::Hkdf::<sha2::Sha256>::new(Some(black_box(&salt)), black_box(&ikm))
                .expand(black_box(&info), &mut okm)
                .expect("expand");
            okm
        })
    });

    let data = vec![0x5a_u8; 1024];
    c.bench_function("sha256-1k/bulwark", |b| {
        b.iter(|| Sha256::digest(&mut provider, &[black_box(&data)]).expect("digest"))
    });
    c.bench_function("sha256-1k/reference-sha2", |b| {
        use sha2::Digest as _;
        b.iter(|| sha2::Sha256::digest(black_box(&data)))
    });
}

struct Counter;

impl MonotonicCounter for Counter {
    fn read(&mut self) -> Result<u32, bulwark::Error> {
        Ok(0)
    }

    fn advance_to(&mut self, _value: u32) -> Result<(), bulwark::Error> {
        Ok(())
    }
}

/// MCUboot verification of a 64 KiB and a 1 MiB image, against its own parts measured
/// directly: SHA-256 of the same bytes plus one Ed25519 verification (the reference is the
/// lower bound any verifier of this format has to pay).
fn mcuboot(c: &mut Criterion) {
    let mut provider = DefaultProvider::default();
    let key = Sign::<Ed25519>::import_signing_key(&mut provider, secret(SECRET)).expect("key");
    let public = Sign::<Ed25519>::signing_public(&mut provider, &key).expect("public");
    let trusted = [Verify::<Ed25519>::export_public(&mut provider, &public)];
    let dvk = ed25519_dalek::SigningKey::from_bytes(&SECRET).verifying_key();
    let dsig = ed25519_dalek::Signature::from_bytes(&[0u8; 64]);
    for (label, size) in [("64k", 64 * 1024), ("1m", 1024 * 1024)] {
        let body: Vec<u8> = (0..size).map(|i| (i * 131) as u8).collect();
        let mut image = vec![0u8; size + 4096];
        let len = ImageBuilder::new(ImageVersion::new(1, 0, 0, 0))
            .pad_header(true)
            .security_counter(Some(1))
            .sign_ed25519(&mut provider, &key, &body, &mut image)
            .expect("sign");
        image.truncate(len);
        let verifier = Verifier::ed25519(&mut provider, &trusted).expect("trusted key");
        c.bench_function(&format!("mcuboot-verify-{label}/bulwark"), |b| {
            b.iter(|| {
                verifier
                    .verify_slice(&mut provider, black_box(&image), &mut Counter)
                    .expect("valid")
            })
        });
        c.bench_function(
            &format!("mcuboot-verify-{label}/reference-sha2+ed25519-dalek"),
            |b| {
                use sha2::Digest as _;
                b.iter(|| {
                    let digest = sha2::Sha256::digest(black_box(&image));
                    // A signature over the digest (fails: the cost of the check is the same).
                    let _ = black_box(&dvk).verify_strict(&digest, black_box(&dsig));
                    digest
                })
            },
        );
    }
}

criterion_group!(benches, x25519, p256_ecdh, signatures, hkdf_sha256, mcuboot);
criterion_main!(benches);
