//! Every backend the facade offers, driven as a `Provider`: an AES-CCM seal and open, an X25519
//! exchange into HKDF, and an Ed25519 and ECDSA-P256 signature, with exact expected bytes
//! (RFC 3610, RFC 7748, RFC 8032) and byte equality between the microcontroller backend
//! (`Compact`, the default on ARM, RISC-V and AVR) and the software backend (`Soft`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests report failures by panicking

use bulwark::backends::{compact::Compact, soft::Soft};
use bulwark::{
    Error, Provider, SecretBytes,
    ccm::Ccm,
    hash::{Sha256, Sha512},
    kex::{KeyAgreement, P256, X25519},
    mac::Cmac,
    sig::{EcdsaP256, Ed25519, Sign, Verify, VerifyPrehash},
};
use bulwark_api::hazmat::expose_shared_secret;
use bulwark_testkit::hex::decode;

fn secret32(hex: &str) -> SecretBytes<32> {
    SecretBytes::try_from_slice(&decode(hex)).unwrap()
}

/// Everything one backend produced, for comparison between backends.
#[derive(Debug, PartialEq, Eq)]
struct Outputs {
    ccm_ct: Vec<u8>,
    ccm_tag: Vec<u8>,
    cmac: [u8; 16],
    x25519_shared: [u8; 32],
    p256_shared: [u8; 32],
    okm: [u8; 42],
    sha256: [u8; 32],
    sha512: [u8; 64],
    ed25519_sig: [u8; 64],
    ecdsa_sig: [u8; 64],
}

fn run<P: Provider>(p: &mut P) -> Outputs {
    // AES-CCM: RFC 3610 packet vector #1 (8-byte tag).
    let mut ccm = p.ccm(&decode("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf")).unwrap();
    let nonce = decode("00000003020100a0a1a2a3a4a5");
    let aad = decode("0001020304050607");
    let pt = decode("08090a0b0c0d0e0f101112131415161718191a1b1c1d1e");
    let mut buffer = pt.clone();
    let mut tag = [0u8; 8];
    ccm.seal_detached(&nonce, &[&aad[..3], &aad[3..]], &mut buffer, &mut tag)
        .unwrap();
    assert_eq!(
        buffer,
        decode("588c979a61c663d2f066d0c2c0f989806d5f6b61dac384")
    );
    assert_eq!(tag.to_vec(), decode("17e8d12cfdf926e0"));
    let ccm_ct = buffer.clone();
    ccm.open_detached(&nonce, &[&aad], &mut buffer, &tag)
        .unwrap();
    assert_eq!(buffer, pt);
    let mut forged = ccm_ct.clone();
    forged[0] ^= 1;
    assert_eq!(
        ccm.open_detached(&nonce, &[&aad], &mut forged, &tag),
        Err(Error::Verification)
    );
    assert!(forged.iter().all(|&b| b == 0));
    assert_eq!(p.ccm(&[0; 15]).err(), Some(Error::InvalidInput));

    // AES-CMAC: RFC 4493 example 2.
    let mut cmac = p.cmac(&decode("2b7e151628aed2a6abf7158809cf4f3c")).unwrap();
    let mac = cmac
        .compute(&[&decode("6bc1bee22e409f96e93d7e117393172a")])
        .unwrap();
    assert_eq!(mac.to_vec(), decode("070a16b46b4d4144f79bdd9dd04a287c"));

    // X25519: RFC 7748 section 6.1, Alice's side.
    let alice = KeyAgreement::<X25519>::import_static(
        p,
        secret32("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
    )
    .unwrap();
    let alice_pub = KeyAgreement::<X25519>::static_public(p, &alice).unwrap();
    assert_eq!(
        KeyAgreement::<X25519>::export_public(p, &alice_pub).to_vec(),
        decode("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    );
    let bob = KeyAgreement::<X25519>::import_public(
        p,
        &decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"),
    )
    .unwrap();
    let shared = KeyAgreement::<X25519>::agree_static(p, &alice, &bob).unwrap();
    let x25519_shared = *expose_shared_secret(&shared);
    assert_eq!(
        x25519_shared.to_vec(),
        decode("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
    );
    let prk = p.extract_shared(b"salt", shared).unwrap();
    let mut okm = [0u8; 42];
    p.expand(&prk, &[b"link", b"-key"], &mut okm).unwrap();

    // P-256 ECDH between two fixed static keys, both directions.
    let a = KeyAgreement::<P256>::import_static(p, secret32(&"5a".repeat(32))).unwrap();
    let b = KeyAgreement::<P256>::import_static(p, secret32(&"33".repeat(32))).unwrap();
    let a_pub = KeyAgreement::<P256>::static_public(p, &a).unwrap();
    let b_pub = KeyAgreement::<P256>::static_public(p, &b).unwrap();
    let s1 = KeyAgreement::<P256>::agree_static(p, &a, &b_pub).unwrap();
    let s2 = KeyAgreement::<P256>::agree_static(p, &b, &a_pub).unwrap();
    assert_eq!(expose_shared_secret(&s1), expose_shared_secret(&s2));
    let p256_shared = *expose_shared_secret(&s1);

    // Hashes: the "abc" digests of FIPS 180-4.
    let sha256 = Sha256::digest(p, &[b"a", b"bc"]).unwrap();
    assert_eq!(
        sha256.to_vec(),
        decode("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    let sha512 = Sha512::digest(p, &[b"ab", b"c"]).unwrap();
    assert_eq!(
        sha512[..16].to_vec(),
        decode("ddaf35a193617abacc417349ae204131")
    );

    // Ed25519: RFC 8032 section 7.1, test 1 (empty message).
    let key = Sign::<Ed25519>::import_signing_key(
        p,
        secret32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
    )
    .unwrap();
    let public = Sign::<Ed25519>::signing_public(p, &key).unwrap();
    assert_eq!(
        Verify::<Ed25519>::export_public(p, &public).to_vec(),
        decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    );
    let signature = Sign::<Ed25519>::sign(p, &key, b"").unwrap();
    assert_eq!(
        signature.to_bytes().to_vec(),
        decode(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        )
    );
    Verify::<Ed25519>::verify(p, &public, b"", &signature).unwrap();
    assert_eq!(
        Verify::<Ed25519>::verify(p, &public, b"x", &signature),
        Err(Error::Verification)
    );

    // ECDSA-P256 (RFC 6979 nonces: deterministic), checked by message and by digest.
    let key = Sign::<EcdsaP256>::import_signing_key(p, secret32(&"c9".repeat(32))).unwrap();
    let public = Sign::<EcdsaP256>::signing_public(p, &key).unwrap();
    let ecdsa = Sign::<EcdsaP256>::sign(p, &key, b"firmware").unwrap();
    Verify::<EcdsaP256>::verify(p, &public, b"firmware", &ecdsa).unwrap();
    let digest = Sha256::digest(p, &[b"firmware"]).unwrap();
    VerifyPrehash::<EcdsaP256>::verify_prehash(p, &public, &digest, &ecdsa).unwrap();
    assert_eq!(
        Verify::<EcdsaP256>::verify(p, &public, b"firmwarE", &ecdsa),
        Err(Error::Verification)
    );

    Outputs {
        ccm_ct,
        ccm_tag: tag.to_vec(),
        cmac: mac,
        x25519_shared,
        p256_shared,
        okm,
        sha256,
        sha512,
        ed25519_sig: signature.to_bytes(),
        ecdsa_sig: ecdsa.to_fixed(),
    }
}

#[test]
fn compact_as_provider_matches_soft() {
    let compact = run(&mut Compact);
    let soft = run(&mut Soft);
    assert_eq!(compact, soft);
}

#[test]
fn default_provider_runs() {
    let expected = run(&mut Soft);
    assert_eq!(run(&mut bulwark::DefaultProvider::default()), expected);
}
