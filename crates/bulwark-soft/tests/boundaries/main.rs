//! Boundary lengths for every public function and trait method of the software backend that
//! takes a length: 0, 1, max-1, max, max+1 (and the other edges a limit has: a minimum, an
//! encoding change, a block size). Each row asserts the exact result, and that a refused call
//! left its buffers untouched (`InvalidInput`) or zeroed (`Verification`), as the API promises.
//!
//! CCM message limits: tested exactly at 65535/65536 (13-byte nonce) and 2^24-1/2^24 (12-byte
//! nonce, 16 MiB). An 11-byte nonce allows 2^32-1 bytes (4 GiB) and shorter nonces more than any
//! test machine can allocate, so their maximum and maximum+1 are not tested; for a 7-byte nonce
//! the limit is `u64::MAX`, above every `usize` buffer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_api::{
    Error, SecretBytes,
    ccm::{AesCcm, Ccm, CcmStar, SecurityLevel, ieee802154_nonce},
    hash::{Sha256, Sha512},
    hazmat::{CbcMac, Ctr},
    kdf::{HKDF_SHA256_MAX_LEN, HkdfSha256},
    kex::{KeyAgreement, P256, X25519},
    mac::Cmac,
    sig::{
        ECDSA_P256_DER_MAX_LEN, EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Sign,
        Verify, VerifyPrehash,
    },
};
use bulwark_soft::{CbcMacMode, CmacMode, CtrMode, Soft, SoftAes, SoftCcm};
use bulwark_testkit::peripheral::SimulatedAesPeripheral;
use ccm::aead::{AeadInOut, KeyInit, array::Array};
use ctr::cipher::{KeyIvInit, StreamCipher};
use digest::Mac;

type R = Result<(), Error>;
const OK: R = Ok(());
const BAD: R = Err(Error::InvalidInput);
const VER: R = Err(Error::Verification);

/// What an untouched buffer holds.
const SENTINEL: u8 = 0xA5;
const KEY: [u8; 16] = [0x0f; 16];
/// The P-256 group order n, big-endian.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// Runs every `(length, expected)` row through `f` and asserts the exact result.
fn table(name: &str, rows: &[(usize, R)], mut f: impl FnMut(usize) -> R) {
    for &(len, expected) in rows {
        assert_eq!(f(len), expected, "{name}: length {len}");
    }
    println!("{name}: {} boundary cases", rows.len());
}

fn untouched(name: &str, buf: &[u8]) {
    assert!(
        buf.iter().all(|&b| b == SENTINEL),
        "{name}: buffer modified on InvalidInput"
    );
}

fn zeroed(name: &str, buf: &[u8]) {
    assert!(
        buf.iter().all(|&b| b == 0),
        "{name}: buffer not zeroed on Verification"
    );
}

/// After a call: untouched on InvalidInput, zeroed on Verification.
fn after(name: &str, r: R, buf: &[u8]) -> R {
    match r {
        Err(Error::InvalidInput) => untouched(name, buf),
        Err(Error::Verification) => zeroed(name, buf),
        _ => {}
    }
    r
}

fn ccm() -> SoftCcm {
    SoftCcm::new(SoftAes::new(&KEY).unwrap())
}

/// 1, max-1, max, max+1 of a nonce's message limit, plus 0.
fn message_rows(max: usize) -> Vec<(usize, R)> {
    vec![(0, OK), (1, OK), (max - 1, OK), (max, OK), (max + 1, BAD)]
}

mod aes_ccm;
mod ccm_star_mac;
mod kdf;
mod kex;
mod sig;
