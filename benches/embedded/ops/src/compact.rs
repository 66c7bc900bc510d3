//! The compact backend's (`bulwark-compact`) operations, with the same known answers as the
//! software backend's: X25519 and Ed25519 verification, AES-128 and CCM over the compact AES,
//! P-256 ECDH and ECDSA verification, and the P-256 unit costs.

use bulwark_api::{
    SecretBytes,
    ccm::Ccm,
    hazmat::{BlockEncrypt, expose_shared_secret},
    kdf::HkdfSha256,
    kex::{KeyAgreement, P256, X25519},
    sig::{EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Verify},
};
use bulwark_compact::{Compact, CompactCcm, aes::CompactAes, p256::CompactP256};

use crate::p256_vectors::{
    ECDSA_MSG, ECDSA_PUBLIC, ECDSA_SIG, P256_PEER, P256_SECRET, P256_SHARED,
};
use crate::{Bench, ED25519_WYCHEPROOF_3, X25519_PEER, X25519_SECRET, X25519_SHARED, fill, h};

// FIPS-197 appendix C.1 (AES-128).
const AES_KEY: [u8; 16] = h("000102030405060708090a0b0c0d0e0f");
const AES_PT: [u8; 16] = h("00112233445566778899aabbccddeeff");
const AES_CT: [u8; 16] = h("69c4e0d86a7b0430d8cdb78070b4c55a");

/// AES-128 on the compact engine: with the key schedule, one block with a scheduled key, and
/// two blocks in one call (the bitsliced engine's native width).
pub fn aes<R: Bench>(r: &mut R) {
    r.run(
        "aes128-block+key-compact",
        (AES_KEY, AES_PT),
        |(key, mut block)| {
            let ok = CompactAes::new(&key)
                .and_then(|mut aes| aes.encrypt_block(&mut block))
                .is_ok();
            (ok, block)
        },
        |(ok, block)| ok && block == AES_CT,
    );
    let Ok(aes) = CompactAes::new(&AES_KEY) else {
        return r.fail("aes128-block-compact");
    };
    r.run(
        "aes128-block-compact",
        (&aes, AES_PT),
        |(aes, mut block)| {
            let mut spare = [0u8; 16];
            aes.encrypt_pair(&mut block, &mut spare);
            block
        },
        |block| block == AES_CT,
    );
    r.run(
        "aes128-2blocks-compact",
        (&aes, [AES_PT, AES_PT]),
        |(aes, [mut b0, mut b1])| {
            aes.encrypt_pair(&mut b0, &mut b1);
            (b0, b1)
        },
        |(b0, b1)| b0 == AES_CT && b1 == AES_CT,
    );
    ccm_seal_64(r);
}

/// CCM seal of 64 bytes with the backend's own CCM, which pairs each CBC-MAC block with its
/// CTR block in one two-block call (round trip checked).
pub fn ccm_seal_64<R: Bench>(r: &mut R) {
    let key = h::<16>("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
    let nonce = h::<13>("00000003020100a0a1a2a3a4a5");
    let aad = h::<8>("0001020304050607");
    let (Ok(seal), Ok(mut open)) = (CompactCcm::from_key(&key), CompactCcm::from_key(&key)) else {
        return r.fail("ccm-seal-64-compact");
    };
    let mut msg = [0u8; 64];
    fill(&mut msg);
    let plain = msg;
    r.run(
        "ccm-seal-64-compact",
        (seal, msg),
        |(mut ccm, mut buf)| {
            let mut tag = [0u8; 8];
            let ok = ccm
                .seal_detached(&nonce, &[&aad], &mut buf, &mut tag)
                .is_ok();
            (ok, buf, tag)
        },
        |(ok, mut buf, tag)| {
            ok && open.open_detached(&nonce, &[&aad], &mut buf, &tag).is_ok() && buf == plain
        },
    );
}

/// P-256 ECDH and ECDSA verification on the compact backend (key import outside the
/// measurement).
pub fn p256<R: Bench>(r: &mut R) {
    p256_ecdh(r);
    ecdsa_verify(r);
}

/// P-256 static ECDH on the compact backend (NIST CAVP CDH COUNT = 0).
pub fn p256_ecdh<R: Bench>(r: &mut R) {
    let mut c = CompactP256;
    let (Ok(secret), Ok(peer)) = (
        SecretBytes::try_from_slice(&P256_SECRET)
            .and_then(|s| KeyAgreement::<P256>::import_static(&mut c, s)),
        KeyAgreement::<P256>::import_public(&mut c, &P256_PEER),
    ) else {
        return r.fail("p256-ecdh-compact");
    };
    r.run(
        "p256-ecdh-compact",
        (secret, peer),
        |(secret, peer)| {
            KeyAgreement::<P256>::agree_static(&mut CompactP256, &secret, &peer)
                .ok()
                .map(|s| *expose_shared_secret(&s))
        },
        |shared| shared == Some(P256_SHARED),
    );
}

/// ECDSA P-256 verification on the compact backend (RFC 6979 A.2.5); the same signature with
/// one flipped bit must be refused.
pub fn ecdsa_verify<R: Bench>(r: &mut R) {
    let mut c = CompactP256;
    let Ok(key) = Verify::<EcdsaP256>::import_public(&mut c, &ECDSA_PUBLIC) else {
        return r.fail("ecdsa-p256-verify-compact");
    };
    let mut bad = ECDSA_SIG;
    bad[63] ^= 1;
    let bad = EcdsaP256Signature::from_fixed(&bad);
    let refused = Verify::<EcdsaP256>::verify(&mut c, &key, &ECDSA_MSG, &bad).is_err();
    r.run(
        "ecdsa-p256-verify-compact",
        (key, EcdsaP256Signature::from_fixed(&ECDSA_SIG)),
        |(key, sig)| Verify::<EcdsaP256>::verify(&mut CompactP256, &key, &ECDSA_MSG, &sig).is_ok(),
        |ok| ok && refused,
    );
}

/// One P-256 field multiplication and one squaring (the unit costs behind the curve
/// operations).
pub fn p256_field<R: Bench>(r: &mut R) {
    use bulwark_compact::p256::{field::Fe, point::G};
    r.run(
        "p256-fe-mul-compact",
        (G.x, G.y),
        |(a, b)| a.mul(&b),
        |p| p != Fe::ZERO,
    );
    r.run(
        "p256-fe-sqr-compact",
        G.x,
        |a| a.square(),
        |p| p != Fe::ZERO,
    );
    r.run(
        "p256-fe-add-compact",
        (G.x, G.y),
        |(a, b)| a.add(&b),
        |p| p != Fe::ZERO,
    );
    r.run(
        "p256-fe-sub-compact",
        (G.x, G.y),
        |(a, b)| a.sub(&b),
        |p| p != Fe::ZERO,
    );
    r.run(
        "p256-fe-inv-compact",
        G.x,
        |a| a.invert(),
        |p| p != Fe::ZERO,
    );
    r.run(
        "p256-fe-inv-vartime-compact",
        G.x,
        |a| bulwark_compact::p256::scalar::invert_vartime(&a.0, &bulwark_compact::p256::field::P),
        |p| p.is_some(),
    );
    r.run(
        "p256-point-double-compact",
        G.to_jacobian(),
        |p| p.double(),
        |p| !p.z.is_zero_vartime(),
    );
}

/// The same X25519 known answer as [`crate::x25519`] on the compact backend.
pub fn x25519<R: Bench>(r: &mut R) {
    let mut compact = Compact;
    let (Ok(secret), Ok(peer)) = (
        SecretBytes::try_from_slice(&X25519_SECRET)
            .and_then(|s| KeyAgreement::<X25519>::import_static(&mut compact, s)),
        KeyAgreement::<X25519>::import_public(&mut compact, &X25519_PEER),
    ) else {
        return r.fail("x25519-compact");
    };
    r.run(
        "x25519-compact",
        (secret, peer),
        |(secret, peer)| {
            KeyAgreement::<X25519>::agree_static(&mut Compact, &secret, &peer)
                .ok()
                .map(|s| *expose_shared_secret(&s))
        },
        |shared| shared == Some(X25519_SHARED),
    );
}

/// The same Ed25519 verification as the software backend's (Wycheproof tcId 3) on the compact
/// backend; the same signature with one flipped bit must be refused.
pub fn ed25519_verify<R: Bench>(r: &mut R) {
    let case = ED25519_WYCHEPROOF_3;
    let mut compact = Compact;
    let Ok(key) = Verify::<Ed25519>::import_public(&mut compact, &case.public) else {
        return r.fail("ed25519-verify-compact");
    };
    let mut bad = case.sig;
    bad[5] ^= 1;
    let bad = Ed25519Signature::from_bytes(&bad);
    let refused = Verify::<Ed25519>::verify(&mut compact, &key, case.msg, &bad).is_err();
    r.run(
        "ed25519-verify-compact",
        (key, Ed25519Signature::from_bytes(&case.sig)),
        |(key, sig)| Verify::<Ed25519>::verify(&mut Compact, &key, case.msg, &sig).is_ok(),
        |ok| ok && refused,
    );
}

/// The same HKDF-SHA256 known answer as [`crate::hkdf`] on the compact backend.
pub fn hkdf<R: Bench>(r: &mut R) {
    r.run(
        "hkdf-sha256-32-compact",
        (crate::HKDF_SALT, crate::HKDF_IKM, crate::HKDF_INFO),
        |(salt, ikm, info)| {
            let mut okm = [0u8; 32];
            let ok = HkdfSha256::extract(&mut Compact, &salt, &[&ikm])
                .and_then(|prk| HkdfSha256::expand(&mut Compact, &prk, &[&info], &mut okm))
                .is_ok();
            (ok, okm)
        },
        |(ok, okm)| ok && okm == crate::HKDF_OKM,
    );
}
