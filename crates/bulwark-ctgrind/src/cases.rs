//! The operations checked, one [`Case`] each.
//!
//! Pattern of every case: build the inputs, mark the secret ones undefined with
//! [`secret`], run the operation, then mark what is public by design (a verdict, a ciphertext
//! and tag, a signature, a public key) defined again with [`public`] before the harness looks
//! at it. Anything the operation branches on, or uses as a memory index, that depends on the
//! secret is then reported by memcheck while the case runs.

use crate::Case;
use crate::memcheck::{public, secret};
use bulwark_api::ccm::{Ccm, CcmStar, SecurityLevel, ieee802154_nonce};
use bulwark_api::hazmat::BlockEncrypt;
use bulwark_api::kdf::HkdfSha256;
use bulwark_api::kex::{KeyAgreement, P256, X25519};
use bulwark_api::mac::Cmac;
use bulwark_api::sig::{Algorithm, EcdsaP256, Ed25519, Sign, Verify};
use bulwark_api::{Error, SecretBytes};
use bulwark_psk::{DeviceRoot, OobCode, parse_code_into};
use bulwark_soft::{CmacMode, Soft, SoftAes, SoftCcm};
use std::hint::black_box;

/// A fixed, valid pairing code (the bulwark-psk README example).
const CODE: &str = "3R70-JR4A-KFKS-HDM8-CGX0-ME9J-EJK1";
const NONCE: [u8; 13] = [0x10; 13];
const AAD: &[u8] = b"header";
const MESSAGE: &[u8] = b"t=21.5C;h=40%;battery=3.01V;fw=1.2.3";

/// A secret array: the given bytes, marked undefined.
fn secret_array<const N: usize>(bytes: [u8; N]) -> [u8; N] {
    let mut a = bytes;
    secret(&mut a);
    a
}

/// Declassifies a result whose `Ok` payload is secret: the verdict (Ok or Err) is public, so
/// the whole result is marked defined, then the payload is marked undefined again. Only for
/// payloads made of secret bytes alone (a key, a shared secret): a public part (an enum tag, a
/// public key inside) would be marked secret too.
fn verdict<T>(mut r: Result<T, Error>) -> Result<T, Error> {
    public(&mut r);
    r.map(|mut v| {
        secret(&mut v);
        v
    })
}

/// Declassifies a result whose payload is public too (a signature, a public key, `()`).
fn public_result<T>(mut r: Result<T, Error>) -> Result<T, Error> {
    public(&mut r);
    r
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what.to_owned()) }
}

fn err(e: Error) -> String {
    e.to_string()
}

/// CCM ciphertext and tag of `MESSAGE` under `key`, computed with defined (public) data, as a
/// sender's frame arrives over the air.
fn ccm_frame(key: &[u8; 16]) -> Result<(Vec<u8>, [u8; 8]), String> {
    let mut ccm = SoftCcm::new(SoftAes::new(key).map_err(err)?);
    let mut buffer = MESSAGE.to_vec();
    let mut tag = [0u8; 8];
    ccm.seal_detached(&NONCE, &[AAD], &mut buffer, &mut tag)
        .map_err(err)?;
    Ok((buffer, tag))
}

fn aes128_block() -> Result<(), String> {
    let key = secret_array([0x2b; 16]);
    let mut aes = SoftAes::new(&key).map_err(err)?;
    let mut block = *b"public plaintext";
    public_result(aes.encrypt_block(&mut block)).map_err(err)?;
    public(&mut block); // a ciphertext block is public
    check(
        block != *b"public plaintext",
        "AES did not change the block",
    )
}

fn aes256_blocks() -> Result<(), String> {
    let key = secret_array([0x60; 32]);
    let mut aes = SoftAes::new(&key).map_err(err)?;
    let mut blocks = [[7u8; 16]; 9];
    public_result(aes.encrypt_blocks(&mut blocks)).map_err(err)?;
    public(&mut blocks);
    check(blocks[0] == blocks[8], "ECB of equal blocks differs")
}

fn ccm_seal() -> Result<(), String> {
    let key = secret_array([0xc0; 16]);
    let mut ccm = SoftCcm::new(SoftAes::new(&key).map_err(err)?);
    let mut buffer = MESSAGE.to_vec();
    secret(buffer.as_mut_slice()); // the plaintext is secret
    let mut tag = [0u8; 8];
    public_result(ccm.seal_detached(&NONCE, &[AAD], &mut buffer, &mut tag)).map_err(err)?;
    public(buffer.as_mut_slice()); // ciphertext and tag go on the air
    public(&mut tag);
    let expected = ccm_frame(&[0xc0; 16])?;
    check(
        (buffer, tag) == expected,
        "ciphertext differs from reference",
    )
}

fn ccm_open(tamper: bool) -> Result<(), String> {
    let (mut buffer, mut tag) = ccm_frame(&[0xc0; 16])?;
    if tamper {
        tag[0] ^= 1;
    }
    let key = secret_array([0xc0; 16]);
    let mut ccm = SoftCcm::new(SoftAes::new(&key).map_err(err)?);
    let result = public_result(ccm.open_detached(&NONCE, &[AAD], &mut buffer, &tag));
    if tamper {
        check(result == Err(Error::Verification), "forged tag accepted")?;
        // The buffer was zeroed: declassify to check that (a test-only look at the output).
        public(buffer.as_mut_slice());
        check(buffer.iter().all(|&b| b == 0), "buffer not zeroed")
    } else {
        result.map_err(err)?;
        public(buffer.as_mut_slice());
        check(buffer == MESSAGE, "wrong plaintext")
    }
}

fn ccm_open_valid() -> Result<(), String> {
    ccm_open(false)
}

fn ccm_open_forged() -> Result<(), String> {
    ccm_open(true)
}

fn ccm_star_open_mic_forged() -> Result<(), String> {
    let level = SecurityLevel::Mic64;
    let nonce = ieee802154_nonce(0x0012_4b00_1234_5678, 42, level);
    let header = [0x69, 0xdc, 0x2a, 0x34, 0x12];
    let mut payload = *b"t=21.5C";
    let mut mic = [0u8; 8];
    let mut sender = SoftCcm::new(SoftAes::new(&[0xc0; 16]).map_err(err)?);
    sender
        .seal_frame(level, &nonce, &header, &mut payload, &mut mic)
        .map_err(err)?;
    mic[7] ^= 0x80;
    let key = secret_array([0xc0; 16]);
    let mut ccm = SoftCcm::new(SoftAes::new(&key).map_err(err)?);
    let result = public_result(ccm.open_frame(level, &nonce, &header, &mut payload, &mic));
    check(result == Err(Error::Verification), "forged MIC accepted")
}

fn cmac_verify(tamper: bool) -> Result<(), String> {
    let mut tag = CmacMode::new(SoftAes::new(&[0x2b; 16]).map_err(err)?)
        .compute(&[MESSAGE])
        .map_err(err)?;
    if tamper {
        tag[3] ^= 1;
    }
    let key = secret_array([0x2b; 16]);
    let mut cmac = CmacMode::new(SoftAes::new(&key).map_err(err)?);
    let full = public_result(cmac.verify(&[MESSAGE], &tag));
    let truncated = public_result(cmac.verify(&[&MESSAGE[..5], &MESSAGE[5..]], &tag[..12]));
    check(full.is_err() == tamper, "wrong verdict for the full tag")?;
    check(
        truncated.is_err() == tamper,
        "wrong verdict for the truncated tag",
    )
}

fn cmac_verify_valid() -> Result<(), String> {
    cmac_verify(false)
}

fn cmac_verify_forged() -> Result<(), String> {
    cmac_verify(true)
}

fn x25519_agree() -> Result<(), String> {
    let mut soft = Soft;
    let scalar = SecretBytes::take_from(&mut secret_array([0x77; 32]));
    let me = (KeyAgreement::<X25519>::import_static(&mut soft, scalar)).map_err(err)?;
    let mut my_public =
        public_result(KeyAgreement::<X25519>::static_public(&mut soft, &me)).map_err(err)?;
    public(&mut my_public); // sent to the peer
    let peer_bytes = [0x09u8; 32];
    let peer = KeyAgreement::<X25519>::import_public(&mut soft, &peer_bytes).map_err(err)?;
    let shared =
        verdict(KeyAgreement::<X25519>::agree_static(&mut soft, &me, &peer)).map_err(err)?;
    let prk = (soft.extract_shared(b"salt", shared)).map_err(err)?;
    let key: SecretBytes<16> = (soft.expand_secret(&prk, &[b"link"])).map_err(err)?;
    black_box(&key);
    let mut encoded = KeyAgreement::<X25519>::export_public(&mut soft, &my_public);
    public(&mut encoded);
    check(encoded != [0; 32], "zero public key")
}

fn x25519_ephemeral() -> Result<(), String> {
    let mut soft = Soft;
    let mut rng = SecretRng(bulwark_testkit::DeterministicTestRng::new(0x31));
    let eph = verdict(KeyAgreement::<X25519>::generate_ephemeral(
        &mut soft, &mut rng,
    ))
    .map_err(err)?;
    let mut my_public =
        public_result(KeyAgreement::<X25519>::ephemeral_public(&mut soft, &eph)).map_err(err)?;
    public(&mut my_public);
    let peer = KeyAgreement::<X25519>::import_public(&mut soft, &[0x09; 32]).map_err(err)?;
    let shared = verdict(KeyAgreement::<X25519>::agree(&mut soft, eph, &peer)).map_err(err)?;
    let prk = (soft.extract_shared(b"", shared)).map_err(err)?;
    black_box(&prk);
    Ok(())
}

fn p256_ecdh() -> Result<(), String> {
    let mut soft = Soft;
    let scalar = SecretBytes::take_from(&mut secret_array([0x5a; 32]));
    let me = verdict(KeyAgreement::<P256>::import_static(&mut soft, scalar)).map_err(err)?;
    let mut my_public =
        public_result(KeyAgreement::<P256>::static_public(&mut soft, &me)).map_err(err)?;
    public(&mut my_public);
    // The peer: the public key of scalar 0x33..33, computed with public data.
    let peer_secret =
        KeyAgreement::<P256>::import_static(&mut soft, SecretBytes::take_from(&mut [0x33; 32]))
            .map_err(err)?;
    let peer = KeyAgreement::<P256>::static_public(&mut soft, &peer_secret).map_err(err)?;
    let shared = verdict(KeyAgreement::<P256>::agree_static(&mut soft, &me, &peer)).map_err(err)?;
    let prk = (soft.extract_shared(b"salt", shared)).map_err(err)?;
    black_box(&prk);
    let mut encoded = KeyAgreement::<P256>::export_public(&mut soft, &my_public);
    public(&mut encoded);
    check(encoded[0] == 4, "bad SEC1 encoding")
}

fn hkdf() -> Result<(), String> {
    let mut soft = Soft;
    let ikm = secret_array([0x0b; 22]);
    let mut okm = [0u8; 42];
    (soft.derive(
        &[0, 1, 2, 3],
        &[&ikm[..10], &ikm[10..]],
        &[b"info"],
        &mut okm,
    ))
    .map_err(err)?;
    black_box(&okm);
    Ok(())
}

/// Imports a signing key from `secret`, signs [`MESSAGE`] and verifies: the signature and the
/// public key are public. With `import_is_verdict`, whether the import succeeds is a public
/// verdict (ECDSA refuses scalars outside `1..n`; every Ed25519 seed is a key).
fn sign_case<A: Algorithm>(secret: [u8; 32], import_is_verdict: bool) -> Result<(), String>
where
    Soft: Sign<A>,
{
    let mut soft = Soft;
    let seed = SecretBytes::take_from(&mut secret_array(secret));
    let imported = Sign::<A>::import_signing_key(&mut soft, seed);
    let key = if import_is_verdict {
        verdict(imported)
    } else {
        imported
    }
    .map_err(err)?;
    let mut signature = public_result(Sign::<A>::sign(&mut soft, &key, MESSAGE)).map_err(err)?;
    public(&mut signature);
    let mut pk = public_result(Sign::<A>::signing_public(&mut soft, &key)).map_err(err)?;
    public(&mut pk);
    Verify::<A>::verify(&mut soft, &pk, MESSAGE, &signature).map_err(err)
}

fn ed25519_sign() -> Result<(), String> {
    sign_case::<Ed25519>([0x9d; 32], false)
}

fn ecdsa_p256_sign() -> Result<(), String> {
    sign_case::<EcdsaP256>([0xc9; 32], true)
}

fn psk_device_root() -> Result<(), String> {
    let mut soft = Soft;
    let code_secret =
        secret_array(*b"\x8d\x0e\x72\x41\x9f\x33\x91\x2a\x55\x10\xe6\x07\xc4\x5b\x21\xf0");
    let eui64 = [0x70, 0xb3, 0xd5, 0x7e, 0xd0, 0x00, 0x12, 0x34];
    let root = DeviceRoot::derive(&mut soft, &code_secret, &eui64, 0);
    // The refusal verdict (too short, all digits, constant) is public: it is reported.
    let mut ok = root.is_ok();
    public(&mut ok);
    let root = root.map_err(|e| e.to_string())?;
    let mut link = SecretBytes::<16>::zeroed();
    root.link_key(&mut soft, &mut link)
        .map_err(|e| e.to_string())?;
    let mut storage = SecretBytes::<32>::zeroed();
    root.storage_key(&mut soft, &mut storage)
        .map_err(|e| e.to_string())?;
    let mut identity = root.identity(&mut soft).map_err(|e| e.to_string())?;
    public(&mut identity); // announced in the clear
    black_box((&link, &storage, &identity));
    check(ok, "derive refused")
}

fn psk_parse_code() -> Result<(), String> {
    let mut text = CODE.to_owned();
    secret(text.as_mut_str()); // the typed code is the secret
    let mut out = SecretBytes::<16>::zeroed();
    let mut result = parse_code_into(&text, &mut out);
    public(&mut result); // accepted or not is public (the user is told)
    result.map_err(|e| e.to_string())?;
    let mut soft = Soft;
    let root = DeviceRoot::from_code_secret(&mut soft, &out, &[1, 2, 3, 4], 7);
    let root = verdict(root.map_err(Error::from)).map_err(err)?;
    black_box(&root);
    Ok(())
}

fn psk_code_from_secret() -> Result<(), String> {
    let secret_bytes = SecretBytes::take_from(&mut secret_array([0xa5; 16]));
    let code = OobCode::from_secret(&secret_bytes);
    let mut text = [0u8; bulwark_psk::code::TEXT_LEN];
    text.copy_from_slice(code.expose_str().as_bytes());
    black_box(&text);
    Ok(())
}

/// A deterministic generator whose output is marked secret (it stands for a TRNG).
struct SecretRng(bulwark_testkit::DeterministicTestRng);

impl bulwark_api::Rng for SecretRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        self.0.fill_bytes(dest)?;
        secret(dest);
        Ok(())
    }
}

fn compact_aes_pair() -> Result<(), String> {
    let key = secret_array([0x2b; 16]);
    let aes = bulwark_compact::aes::CompactAes::new(&key).map_err(err)?;
    let mut b0 = *b"public plaintext";
    let mut b1 = secret_array(*b"secret plaintext");
    aes.encrypt_pair(&mut b0, &mut b1);
    public(&mut b0);
    public(&mut b1);
    check(b0 != *b"public plaintext", "AES did not change the block")
}

fn compact_ccm(tamper: bool) -> Result<(), String> {
    let key = secret_array([0xc0; 16]);
    let mut ccm = bulwark_compact::CompactCcm::from_key(&key).map_err(err)?;
    let mut buffer = MESSAGE.to_vec();
    secret(buffer.as_mut_slice());
    let mut tag = [0u8; 8];
    public_result(ccm.seal_detached(&NONCE, &[AAD], &mut buffer, &mut tag)).map_err(err)?;
    public(buffer.as_mut_slice());
    public(&mut tag);
    let expected = ccm_frame(&[0xc0; 16])?;
    check((buffer.clone(), tag) == expected, "compact CCM differs")?;
    if tamper {
        tag[0] ^= 1;
    }
    let result = public_result(ccm.open_detached(&NONCE, &[AAD], &mut buffer, &tag));
    public(buffer.as_mut_slice());
    check(result.is_ok() != tamper, "wrong CCM verdict")
}

fn compact_ccm_valid() -> Result<(), String> {
    compact_ccm(false)
}

fn compact_ccm_forged() -> Result<(), String> {
    compact_ccm(true)
}

fn compact_p256_ecdh() -> Result<(), String> {
    let mut c = bulwark_compact::p256::CompactP256;
    let scalar = SecretBytes::take_from(&mut secret_array([0x5a; 32]));
    let me = verdict(KeyAgreement::<P256>::import_static(&mut c, scalar)).map_err(err)?;
    let mut my_public =
        public_result(KeyAgreement::<P256>::static_public(&mut c, &me)).map_err(err)?;
    public(&mut my_public);
    let peer_secret =
        KeyAgreement::<P256>::import_static(&mut c, SecretBytes::take_from(&mut [0x33; 32]))
            .map_err(err)?;
    let peer = KeyAgreement::<P256>::static_public(&mut c, &peer_secret).map_err(err)?;
    let shared = verdict(KeyAgreement::<P256>::agree_static(&mut c, &me, &peer)).map_err(err)?;
    let prk = (Soft.extract_shared(b"salt", shared)).map_err(err)?;
    black_box(&prk);
    let mut encoded = KeyAgreement::<P256>::export_public(&mut c, &my_public);
    public(&mut encoded);
    check(encoded[0] == 4, "bad SEC1 encoding")
}

fn compact_ecdsa_sign() -> Result<(), String> {
    let mut c = bulwark_compact::p256::CompactP256;
    let scalar = SecretBytes::take_from(&mut secret_array([0xc9; 32]));
    let key = verdict(Sign::<EcdsaP256>::import_signing_key(&mut c, scalar)).map_err(err)?;
    let mut signature =
        public_result(Sign::<EcdsaP256>::sign(&mut c, &key, MESSAGE)).map_err(err)?;
    public(&mut signature);
    let mut pk = public_result(Sign::<EcdsaP256>::signing_public(&mut c, &key)).map_err(err)?;
    public(&mut pk);
    Verify::<EcdsaP256>::verify(&mut c, &pk, MESSAGE, &signature).map_err(err)
}

fn compact_x25519_agree() -> Result<(), String> {
    let mut c = bulwark_compact::Compact;
    let scalar = SecretBytes::take_from(&mut secret_array([0x77; 32]));
    let me = (KeyAgreement::<X25519>::import_static(&mut c, scalar)).map_err(err)?;
    let mut my_public =
        public_result(KeyAgreement::<X25519>::static_public(&mut c, &me)).map_err(err)?;
    public(&mut my_public);
    let peer = KeyAgreement::<X25519>::import_public(&mut c, &[0x09; 32]).map_err(err)?;
    let shared = verdict(KeyAgreement::<X25519>::agree_static(&mut c, &me, &peer)).map_err(err)?;
    let prk = (c.extract_shared(b"salt", shared)).map_err(err)?;
    let key: SecretBytes<16> = (c.expand_secret(&prk, &[b"link"])).map_err(err)?;
    black_box(&key);
    Ok(())
}

fn compact_hkdf() -> Result<(), String> {
    let mut c = bulwark_compact::Compact;
    let ikm = secret_array([0x0b; 22]);
    let mut okm = [0u8; 42];
    (c.derive(
        &[0, 1, 2, 3],
        &[&ikm[..10], &ikm[10..]],
        &[b"info"],
        &mut okm,
    ))
    .map_err(err)?;
    black_box(&okm);
    Ok(())
}

fn compact_ed25519_sign() -> Result<(), String> {
    let mut c = bulwark_compact::Compact;
    let seed = SecretBytes::take_from(&mut secret_array([0x9d; 32]));
    let key = (Sign::<Ed25519>::import_signing_key(&mut c, seed)).map_err(err)?;
    let mut signature = public_result(Sign::<Ed25519>::sign(&mut c, &key, MESSAGE)).map_err(err)?;
    public(&mut signature);
    let mut pk = public_result(Sign::<Ed25519>::signing_public(&mut c, &key)).map_err(err)?;
    public(&mut pk);
    Verify::<Ed25519>::verify(&mut c, &pk, MESSAGE, &signature).map_err(err)
}

/// The operations on secrets, in report order.
pub fn all() -> Vec<Case> {
    vec![
        Case {
            name: "compact-aes-pair",
            secret: "key, one block",
            run: compact_aes_pair,
        },
        Case {
            name: "compact-ccm-valid",
            secret: "key, plaintext",
            run: compact_ccm_valid,
        },
        Case {
            name: "compact-ccm-forged",
            secret: "key, plaintext",
            run: compact_ccm_forged,
        },
        Case {
            name: "compact-p256-ecdh",
            secret: "scalar",
            run: compact_p256_ecdh,
        },
        Case {
            name: "compact-ecdsa-p256-sign",
            secret: "scalar",
            run: compact_ecdsa_sign,
        },
        Case {
            name: "compact-x25519-static-agree",
            secret: "scalar",
            run: compact_x25519_agree,
        },
        Case {
            name: "compact-hkdf-sha256",
            secret: "ikm",
            run: compact_hkdf,
        },
        Case {
            name: "compact-ed25519-sign",
            secret: "seed",
            run: compact_ed25519_sign,
        },
        Case {
            name: "aes128-encrypt-block",
            secret: "key",
            run: aes128_block,
        },
        Case {
            name: "aes256-encrypt-blocks",
            secret: "key",
            run: aes256_blocks,
        },
        Case {
            name: "ccm-seal",
            secret: "key, plaintext",
            run: ccm_seal,
        },
        Case {
            name: "ccm-open-valid",
            secret: "key (plaintext derived)",
            run: ccm_open_valid,
        },
        Case {
            name: "ccm-open-forged",
            secret: "key",
            run: ccm_open_forged,
        },
        Case {
            name: "ccm-star-open-frame-forged",
            secret: "key",
            run: ccm_star_open_mic_forged,
        },
        Case {
            name: "cmac-verify-valid",
            secret: "key",
            run: cmac_verify_valid,
        },
        Case {
            name: "cmac-verify-forged",
            secret: "key",
            run: cmac_verify_forged,
        },
        Case {
            name: "x25519-static-agree",
            secret: "scalar",
            run: x25519_agree,
        },
        Case {
            name: "x25519-ephemeral-agree",
            secret: "scalar (from the RNG)",
            run: x25519_ephemeral,
        },
        Case {
            name: "p256-ecdh",
            secret: "scalar",
            run: p256_ecdh,
        },
        Case {
            name: "hkdf-sha256",
            secret: "ikm",
            run: hkdf,
        },
        Case {
            name: "ed25519-sign",
            secret: "seed",
            run: ed25519_sign,
        },
        Case {
            name: "ecdsa-p256-sign",
            secret: "scalar",
            run: ecdsa_p256_sign,
        },
        Case {
            name: "psk-device-root",
            secret: "out-of-band secret",
            run: psk_device_root,
        },
        Case {
            name: "psk-parse-code",
            secret: "typed code text",
            run: psk_parse_code,
        },
        Case {
            name: "psk-code-from-secret",
            secret: "out-of-band secret",
            run: psk_code_from_secret,
        },
    ]
}

/// Deliberately leaky operations that prove the harness sees leaks: each must be reported.
/// Only run when `BULWARK_CTGRIND_SELF_TEST=1`.
pub fn self_test() -> Vec<Case> {
    vec![
        Case {
            name: "self-test-secret-branch",
            secret: "one byte",
            run: leaky_branch,
        },
        Case {
            name: "self-test-secret-index",
            secret: "one byte",
            run: leaky_index,
        },
    ]
}

fn leaky_branch() -> Result<(), String> {
    let s = secret_array([0x42u8; 1]);
    // A loop whose trip count is secret: a conditional jump on secret data.
    let mut n = 0u32;
    for _ in 0..(black_box(s[0]) & 7) {
        n = black_box(n + 1);
    }
    public(&mut n);
    check(n == 2, "loop count")
}

fn leaky_index() -> Result<(), String> {
    static TABLE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = (i as u8).wrapping_mul(7);
            i += 1;
        }
        t
    };
    let s = secret_array([0x42u8; 1]);
    let mut v = black_box(&TABLE)[usize::from(black_box(s[0]))];
    public(&mut v);
    black_box(v);
    Ok(())
}
