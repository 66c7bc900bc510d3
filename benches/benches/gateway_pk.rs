//! Gateway public-key operations side by side, in one run: bulwark's software backend (`Soft`),
//! the gateway backend (`Server`, AWS-LC through aws-lc-rs, with `Soft` fallbacks), and the
//! libraries themselves called directly: `ring`, `aws-lc-rs` and the system OpenSSL. Groups
//! are named `OP/IMPLEMENTATION`; the report (`benches/REPORT.md`, section "gateway-pk") quotes
//! ratios within one run, never absolute host times.
//!
//! - `x25519` and `p256-ecdh`: one agreement with a long-term key (static-static). `ring` has
//!   no static keys, so it appears only in the `-ephemeral` groups: generate a key, compute its
//!   public key, agree (what a handshake does), for every implementation.
//! - `ecdsa-sign`: `Soft` and `Server` sign with RFC 6979 nonces (the API's promise; `Server`
//!   falls back to `Soft`); ring, aws-lc-rs and OpenSSL 3.0 with random nonces.
//! - `ed25519-verify-64`: 64 device signatures (8 keys), one by one and through the batch path.
#![allow(
    clippy::expect_used,
    reason = "a bench must stop loudly if an operation it measures fails; it is not library code"
)]

use std::hint::black_box;
use std::time::Duration;

use bulwark::backends::soft::Soft;
use bulwark::{
    SecretBytes,
    hash::Sha256,
    kex::{KeyAgreement, P256, X25519},
    sig::{EcdsaP256, Ed25519, Sign, Verify},
};
use bulwark_server::{BatchItem, Server};
use bulwark_testkit::DeterministicTestRng;
use criterion::{Criterion, criterion_group, criterion_main};

const SECRET: [u8; 32] = [0x42; 32];
const PEER_SECRET: [u8; 32] = [0x17; 32];
const MSG: &[u8] = b"bulwark gateway benchmark: a device report of typical size, 64 bytes";

fn secret(bytes: [u8; 32]) -> SecretBytes<32> {
    SecretBytes::try_from_slice(&bytes).expect("32 bytes")
}

fn kex_static<S: bulwark::kex::Algorithm, K: KeyAgreement<S>>(
    c: &mut Criterion,
    name: &str,
    mut k: K,
) {
    let s = k.import_static(secret(SECRET)).expect("key");
    let peer_s = k.import_static(secret(PEER_SECRET)).expect("key");
    let peer = k.static_public(&peer_s).expect("public");
    c.bench_function(name, |b| {
        b.iter(|| {
            k.agree_static(black_box(&s), black_box(&peer))
                .expect("agree")
        })
    });
}

fn kex_ephemeral<S: bulwark::kex::Algorithm, K: KeyAgreement<S>>(
    c: &mut Criterion,
    name: &str,
    mut k: K,
) {
    let peer_s = k.import_static(secret(PEER_SECRET)).expect("key");
    let peer = k.static_public(&peer_s).expect("public");
    // A fast deterministic generator for key generation inside the timed loops (its cost is
    // the same for every implementation that takes a generator, and negligible).
    let mut rng = DeterministicTestRng::new(0x9e37_79b9_7f4a_7c15);
    c.bench_function(name, |b| {
        b.iter(|| {
            let e = k.generate_ephemeral(&mut rng).expect("generate");
            black_box(k.ephemeral_public(&e).expect("public"));
            k.agree(e, black_box(&peer)).expect("agree")
        })
    });
}

fn openssl_derive(
    c: &mut Criterion,
    name: &str,
    ours: &openssl::pkey::PKey<openssl::pkey::Private>,
    peer: &openssl::pkey::PKey<openssl::pkey::Public>,
) {
    c.bench_function(name, |b| {
        b.iter(|| {
            let mut d = openssl::derive::Deriver::new(black_box(ours)).expect("deriver");
            d.set_peer(black_box(peer)).expect("peer");
            d.derive_to_vec().expect("derive")
        })
    });
}

fn x25519(c: &mut Criterion) {
    use aws_lc_rs::agreement as aws;
    kex_static::<X25519, _>(c, "x25519/soft", Soft);
    kex_static::<X25519, _>(c, "x25519/server", Server);
    let key = aws::PrivateKey::from_private_key(&aws::X25519, &SECRET).expect("key");
    let peer = aws::PrivateKey::from_private_key(&aws::X25519, &PEER_SECRET)
        .expect("key")
        .compute_public_key()
        .expect("public");
    c.bench_function("x25519/aws-lc-rs", |b| {
        b.iter(|| {
            aws::agree(
                black_box(&key),
                aws::UnparsedPublicKey::new(&aws::X25519, peer.as_ref()),
                (),
                |s| Ok(s[0]),
            )
            .expect("agree")
        })
    });
    let ossl = openssl::pkey::PKey::private_key_from_raw_bytes(&SECRET, openssl::pkey::Id::X25519)
        .expect("key");
    let ossl_peer = openssl::pkey::PKey::public_key_from_raw_bytes(
        &openssl::pkey::PKey::private_key_from_raw_bytes(&PEER_SECRET, openssl::pkey::Id::X25519)
            .expect("key")
            .raw_public_key()
            .expect("public"),
        openssl::pkey::Id::X25519,
    )
    .expect("peer");
    openssl_derive(c, "x25519/openssl", &ossl, &ossl_peer);

    kex_ephemeral::<X25519, _>(c, "x25519-ephemeral/soft", Soft);
    kex_ephemeral::<X25519, _>(c, "x25519-ephemeral/server", Server);
    let rng = ring::rand::SystemRandom::new();
    let peer_bytes = peer.as_ref().to_vec();
    c.bench_function("x25519-ephemeral/ring", |b| {
        b.iter(|| {
            let e = ring::agreement::EphemeralPrivateKey::generate(&ring::agreement::X25519, &rng)
                .expect("generate");
            black_box(e.compute_public_key().expect("public"));
            ring::agreement::agree_ephemeral(
                e,
                &ring::agreement::UnparsedPublicKey::new(&ring::agreement::X25519, &peer_bytes),
                |s| s[0],
            )
            .expect("agree")
        })
    });
    c.bench_function("x25519-ephemeral/aws-lc-rs", |b| {
        b.iter(|| {
            let e = aws::PrivateKey::generate(&aws::X25519).expect("generate");
            black_box(e.compute_public_key().expect("public"));
            aws::agree(
                &e,
                aws::UnparsedPublicKey::new(&aws::X25519, &peer_bytes),
                (),
                |s| Ok(s[0]),
            )
            .expect("agree")
        })
    });
}

fn p256_ecdh(c: &mut Criterion) {
    use aws_lc_rs::agreement as aws;
    kex_static::<P256, _>(c, "p256-ecdh/soft", Soft);
    kex_static::<P256, _>(c, "p256-ecdh/server", Server);
    let key = aws::PrivateKey::from_private_key(&aws::ECDH_P256, &SECRET).expect("key");
    let peer = aws::PrivateKey::from_private_key(&aws::ECDH_P256, &PEER_SECRET)
        .expect("key")
        .compute_public_key()
        .expect("public");
    let peer_bytes = peer.as_ref().to_vec();
    c.bench_function("p256-ecdh/aws-lc-rs", |b| {
        b.iter(|| {
            aws::agree(
                black_box(&key),
                aws::UnparsedPublicKey::new(&aws::ECDH_P256, &peer_bytes),
                (),
                |s| Ok(s[0]),
            )
            .expect("agree")
        })
    });
    let group =
        openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).expect("group");
    let ossl = openssl_p256(&group, &SECRET);
    let mut ctx = openssl::bn::BigNumContext::new().expect("ctx");
    let point = openssl::ec::EcPoint::from_bytes(&group, &peer_bytes, &mut ctx).expect("point");
    let ossl_peer = openssl::pkey::PKey::from_ec_key(
        openssl::ec::EcKey::from_public_key(&group, &point).expect("key"),
    )
    .expect("pkey");
    openssl_derive(c, "p256-ecdh/openssl", &ossl, &ossl_peer);

    kex_ephemeral::<P256, _>(c, "p256-ecdh-ephemeral/soft", Soft);
    kex_ephemeral::<P256, _>(c, "p256-ecdh-ephemeral/server", Server);
    let rng = ring::rand::SystemRandom::new();
    c.bench_function("p256-ecdh-ephemeral/ring", |b| {
        b.iter(|| {
            let e =
                ring::agreement::EphemeralPrivateKey::generate(&ring::agreement::ECDH_P256, &rng)
                    .expect("generate");
            black_box(e.compute_public_key().expect("public"));
            ring::agreement::agree_ephemeral(
                e,
                &ring::agreement::UnparsedPublicKey::new(&ring::agreement::ECDH_P256, &peer_bytes),
                |s| s[0],
            )
            .expect("agree")
        })
    });
    c.bench_function("p256-ecdh-ephemeral/aws-lc-rs", |b| {
        b.iter(|| {
            let e = aws::PrivateKey::generate(&aws::ECDH_P256).expect("generate");
            black_box(e.compute_public_key().expect("public"));
            aws::agree(
                &e,
                aws::UnparsedPublicKey::new(&aws::ECDH_P256, &peer_bytes),
                (),
                |s| Ok(s[0]),
            )
            .expect("agree")
        })
    });
}

fn openssl_p256(
    group: &openssl::ec::EcGroupRef,
    scalar: &[u8; 32],
) -> openssl::pkey::PKey<openssl::pkey::Private> {
    let mut ctx = openssl::bn::BigNumContext::new().expect("ctx");
    let d = openssl::bn::BigNum::from_slice(scalar).expect("bn");
    let mut public = openssl::ec::EcPoint::new(group).expect("point");
    public.mul_generator2(group, &d, &mut ctx).expect("mul");
    let key = openssl::ec::EcKey::from_private_components(group, &d, &public).expect("key");
    openssl::pkey::PKey::from_ec_key(key).expect("pkey")
}

fn bulwark_sig<S: bulwark::sig::Algorithm, K: Sign<S>>(
    c: &mut Criterion,
    op: &str,
    name: &str,
    mut k: K,
) {
    let key = k.import_signing_key(secret(SECRET)).expect("key");
    let public = k.signing_public(&key).expect("public");
    let signature = k.sign(&key, MSG).expect("sign");
    c.bench_function(&format!("{op}-verify/{name}"), |b| {
        b.iter(|| {
            k.verify(black_box(&public), black_box(MSG), black_box(&signature))
                .expect("valid")
        })
    });
    c.bench_function(&format!("{op}-sign/{name}"), |b| {
        b.iter(|| k.sign(black_box(&key), black_box(MSG)).expect("sign"))
    });
}

fn ecdsa(c: &mut Criterion) {
    bulwark_sig::<EcdsaP256, _>(c, "ecdsa", "soft", Soft);
    bulwark_sig::<EcdsaP256, _>(c, "ecdsa", "server", Server);

    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &rng,
    )
    .expect("pkcs8");
    let key = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        pkcs8.as_ref(),
        &rng,
    )
    .expect("key");
    let public = ring::signature::KeyPair::public_key(&key).as_ref().to_vec();
    let signature = key.sign(&rng, MSG).expect("sign");
    c.bench_function("ecdsa-verify/ring", |b| {
        b.iter(|| {
            ring::signature::UnparsedPublicKey::new(
                &ring::signature::ECDSA_P256_SHA256_FIXED,
                &public,
            )
            .verify(black_box(MSG), signature.as_ref())
            .expect("valid")
        })
    });
    c.bench_function("ecdsa-sign/ring", |b| {
        b.iter(|| key.sign(&rng, black_box(MSG)).expect("sign"))
    });

    let arng = aws_lc_rs::rand::SystemRandom::new();
    let key = aws_lc_rs::signature::EcdsaKeyPair::generate(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
    )
    .expect("key");
    let public = aws_lc_rs::signature::ParsedPublicKey::new(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
        aws_lc_rs::signature::KeyPair::public_key(&key).as_ref(),
    )
    .expect("public");
    let signature = key.sign(&arng, MSG).expect("sign");
    c.bench_function("ecdsa-verify/aws-lc-rs", |b| {
        b.iter(|| {
            public
                .verify_sig(black_box(MSG), signature.as_ref())
                .expect("valid")
        })
    });
    c.bench_function("ecdsa-sign/aws-lc-rs", |b| {
        b.iter(|| key.sign(&arng, black_box(MSG)).expect("sign"))
    });

    let group =
        openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).expect("group");
    let key = openssl_p256(&group, &SECRET);
    let sha = openssl::hash::MessageDigest::sha256();
    let mut signer = openssl::sign::Signer::new(sha, &key).expect("signer");
    let der = signer.sign_oneshot_to_vec(MSG).expect("sign");
    c.bench_function("ecdsa-verify/openssl", |b| {
        b.iter(|| {
            let mut v = openssl::sign::Verifier::new(sha, black_box(&key)).expect("verifier");
            assert!(
                v.verify_oneshot(black_box(&der), black_box(MSG))
                    .expect("verify")
            );
        })
    });
    c.bench_function("ecdsa-sign/openssl", |b| {
        b.iter(|| {
            let mut s = openssl::sign::Signer::new(sha, black_box(&key)).expect("signer");
            s.sign_oneshot_to_vec(black_box(MSG)).expect("sign")
        })
    });
}

fn ed25519(c: &mut Criterion) {
    bulwark_sig::<Ed25519, _>(c, "ed25519", "soft", Soft);
    bulwark_sig::<Ed25519, _>(c, "ed25519", "server", Server);

    let key = ring::signature::Ed25519KeyPair::from_seed_unchecked(&SECRET).expect("key");
    let public = ring::signature::KeyPair::public_key(&key).as_ref().to_vec();
    let signature = key.sign(MSG);
    c.bench_function("ed25519-verify/ring", |b| {
        b.iter(|| {
            ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &public)
                .verify(black_box(MSG), signature.as_ref())
                .expect("valid")
        })
    });
    c.bench_function("ed25519-sign/ring", |b| b.iter(|| key.sign(black_box(MSG))));

    let key = aws_lc_rs::signature::Ed25519KeyPair::from_seed_unchecked(&SECRET).expect("key");
    let parsed =
        aws_lc_rs::signature::ParsedPublicKey::new(&aws_lc_rs::signature::ED25519, &public)
            .expect("public");
    c.bench_function("ed25519-verify/aws-lc-rs", |b| {
        b.iter(|| {
            parsed
                .verify_sig(black_box(MSG), signature.as_ref())
                .expect("valid")
        })
    });
    c.bench_function("ed25519-sign/aws-lc-rs", |b| {
        b.iter(|| key.sign(black_box(MSG)))
    });

    let key = openssl::pkey::PKey::private_key_from_raw_bytes(&SECRET, openssl::pkey::Id::ED25519)
        .expect("key");
    let public_key =
        openssl::pkey::PKey::public_key_from_raw_bytes(&public, openssl::pkey::Id::ED25519)
            .expect("public");
    c.bench_function("ed25519-verify/openssl", |b| {
        b.iter(|| {
            let mut v = openssl::sign::Verifier::new_without_digest(black_box(&public_key))
                .expect("verifier");
            assert!(
                v.verify_oneshot(signature.as_ref(), black_box(MSG))
                    .expect("verify")
            );
        })
    });
    c.bench_function("ed25519-sign/openssl", |b| {
        b.iter(|| {
            let mut s = openssl::sign::Signer::new_without_digest(black_box(&key)).expect("signer");
            s.sign_oneshot_to_vec(black_box(MSG)).expect("sign")
        })
    });
}

fn ed25519_batch(c: &mut Criterion) {
    let mut server = Server;
    let mut soft = Soft;
    let mut keys = Vec::new();
    let mut soft_keys = Vec::new();
    let mut signatures = Vec::new();
    let messages: Vec<Vec<u8>> = (0..64u8).map(|i| [MSG, &[i]].concat()).collect();
    for (i, m) in messages.iter().enumerate() {
        let mut seed = SECRET;
        seed[0] = (i % 8) as u8;
        let k = Sign::<Ed25519>::import_signing_key(&mut server, secret(seed)).expect("key");
        if i < 8 {
            let public = Sign::<Ed25519>::signing_public(&mut server, &k).expect("public");
            soft_keys.push(
                Verify::<Ed25519>::import_public(&mut soft, &public.to_bytes()).expect("key"),
            );
            keys.push(public);
        }
        signatures.push(Sign::<Ed25519>::sign(&mut server, &k, m).expect("sign"));
    }
    let items: Vec<BatchItem<'_>> = (0..64)
        .map(|i| BatchItem {
            key: &keys[i % 8],
            message: &messages[i],
            signature: &signatures[i],
        })
        .collect();
    c.bench_function("ed25519-verify-64/soft-one-by-one", |b| {
        b.iter(|| {
            for (i, item) in items.iter().enumerate() {
                Verify::<Ed25519>::verify(
                    &mut soft,
                    &soft_keys[i % 8],
                    item.message,
                    item.signature,
                )
                .expect("valid");
            }
        })
    });
    c.bench_function("ed25519-verify-64/server-verify_batch", |b| {
        b.iter(|| server.verify_batch(black_box(&items)).expect("valid"))
    });
    c.bench_function("ed25519-verify-64/server-verify_batch_dalek", |b| {
        b.iter(|| server.verify_batch_dalek(black_box(&items)).expect("valid"))
    });
    // The batch equation alone, without the strictness pre-checks (not what we ship: it would
    // accept signatures strict verification refuses; shown to price the pre-checks).
    let dalek_keys: Vec<ed25519_dalek::VerifyingKey> = (0..64)
        .map(|i| ed25519_dalek::VerifyingKey::from_bytes(&keys[i % 8].to_bytes()).expect("key"))
        .collect();
    let dalek_sigs: Vec<ed25519_dalek::Signature> = signatures
        .iter()
        .map(|s| ed25519_dalek::Signature::from_bytes(&s.to_bytes()))
        .collect();
    let dalek_msgs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    c.bench_function("ed25519-verify-64/dalek-verify_batch-unchecked", |b| {
        b.iter(|| {
            ed25519_dalek::verify_batch(black_box(&dalek_msgs), &dalek_sigs, &dalek_keys)
                .expect("valid")
        })
    });
}

fn sha256(c: &mut Criterion) {
    let data = vec![0xa5u8; 4096];
    c.bench_function("sha256-4k/soft", |b| {
        b.iter(|| Sha256::digest(&mut Soft, &[black_box(&data)]).expect("digest"))
    });
    c.bench_function("sha256-4k/aws-lc-rs", |b| {
        b.iter(|| aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, black_box(&data)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2));
    targets = x25519, p256_ecdh, ecdsa, ed25519, ed25519_batch, sha256
}
criterion_main!(benches);
