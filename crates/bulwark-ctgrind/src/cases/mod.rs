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

/// A deterministic generator whose output is marked secret (it stands for a TRNG).
struct SecretRng(bulwark_testkit::DeterministicTestRng);

impl bulwark_api::Rng for SecretRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        self.0.fill_bytes(dest)?;
        secret(dest);
        Ok(())
    }
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

mod compact;
mod soft;

use compact::*;
use soft::*;

/// P-256 static ECDH on `backend`: import the secret scalar, compute its public key, agree
/// with a peer computed from public data, extract with HKDF (on `Soft`).
fn p256_ecdh_on<B: KeyAgreement<P256>>(backend: &mut B) -> Result<(), String> {
    let scalar = SecretBytes::take_from(&mut secret_array([0x5a; 32]));
    let me = verdict(KeyAgreement::<P256>::import_static(backend, scalar)).map_err(err)?;
    let mut my_public =
        public_result(KeyAgreement::<P256>::static_public(backend, &me)).map_err(err)?;
    public(&mut my_public);
    // The peer: the public key of scalar 0x33..33, computed with public data.
    let peer_secret =
        KeyAgreement::<P256>::import_static(backend, SecretBytes::take_from(&mut [0x33; 32]))
            .map_err(err)?;
    let peer = KeyAgreement::<P256>::static_public(backend, &peer_secret).map_err(err)?;
    let shared = verdict(KeyAgreement::<P256>::agree_static(backend, &me, &peer)).map_err(err)?;
    let prk = (Soft.extract_shared(b"salt", shared)).map_err(err)?;
    black_box(&prk);
    let mut encoded = KeyAgreement::<P256>::export_public(backend, &my_public);
    public(&mut encoded);
    check(encoded[0] == 4, "bad SEC1 encoding")
}

/// HKDF-SHA256 on `backend` over a secret IKM given in two parts (RFC 5869 test 1's sizes).
fn hkdf_on<B: HkdfSha256>(backend: &mut B) -> Result<(), String> {
    let ikm = secret_array([0x0b; 22]);
    let mut okm = [0u8; 42];
    (backend.derive(
        &[0, 1, 2, 3],
        &[&ikm[..10], &ikm[10..]],
        &[b"info"],
        &mut okm,
    ))
    .map_err(err)?;
    black_box(&okm);
    Ok(())
}
