//! The operations of the on-target differential, generic over the backend: the build script
//! runs them over the software backend (bulwark-soft) on the host to write the expected
//! results, the `compact-diff-*` firmware over the compact backend on the target. Each returns
//! a status byte (one of the constants below) beside its output, so a refusal is compared as
//! exactly as a result.
//!
//! This file is compiled twice: as `bulwark_firmware_examples::diff_ops` and, by `#[path]`, into
//! the build script. It uses only `core` and `bulwark-api`.

use bulwark_api::{
    Error, SecretBytes,
    ccm::Ccm,
    hazmat::{BlockEncrypt, expose_shared_secret},
    kex::{self, KeyAgreement},
    sig::{self, Verify},
};

/// The operation succeeded (its output follows).
pub const OK: u8 = 0;
/// The agreement or verification refused (all-zero X25519 result, signature not valid).
pub const REFUSED: u8 = 1;
/// The secret (X25519/P-256 scalar) or the key (AES) was refused at import.
pub const BAD_SECRET: u8 = 2;
/// The public key was refused at import.
pub const BAD_PUBLIC: u8 = 3;
/// Any other error.
pub const OTHER: u8 = 4;

fn status(e: Error) -> u8 {
    match e {
        Error::Verification => REFUSED,
        _ => OTHER,
    }
}

/// Key agreement of the static secret `scalar` with the peer `public`; the shared secret goes
/// to `out` (zeros unless the status is [`OK`]).
pub fn agree<A: kex::Algorithm, B: KeyAgreement<A>>(
    b: &mut B,
    scalar: &[u8],
    public: &[u8],
    out: &mut [u8; 32],
) -> u8 {
    *out = [0; 32];
    let Ok(secret) = SecretBytes::<32>::try_from_slice(scalar) else {
        return BAD_SECRET;
    };
    let Ok(secret) = b.import_static(secret) else {
        return BAD_SECRET;
    };
    let Ok(peer) = b.import_public(public) else {
        return BAD_PUBLIC;
    };
    match b.agree_static(&secret, &peer) {
        Ok(shared) => {
            *out = *expose_shared_secret(&shared);
            OK
        }
        Err(e) => status(e),
    }
}

/// Imports `public` and verifies `signature` over `message`.
pub fn verify<A: sig::Algorithm, B: Verify<A>>(
    b: &mut B,
    public: &[u8],
    message: &[u8],
    signature: &A::Signature,
) -> u8 {
    let Ok(key) = b.import_public(public) else {
        return BAD_PUBLIC;
    };
    match b.verify(&key, message, signature) {
        Ok(()) => OK,
        Err(e) => status(e),
    }
}

/// One block encryption under a fresh engine made from `key`.
pub fn aes_block<E: BlockEncrypt>(
    make: impl FnOnce(&[u8]) -> Result<E, Error>,
    key: &[u8],
    block: &mut [u8; 16],
) -> u8 {
    let Ok(mut engine) = make(key) else {
        return BAD_SECRET;
    };
    match engine.encrypt_block(block) {
        Ok(()) => OK,
        Err(e) => status(e),
    }
}

/// CCM seal in place under a fresh engine made from `key`; the tag's length is `tag.len()`.
pub fn ccm_seal<C: Ccm>(
    make: impl FnOnce(&[u8]) -> Result<C, Error>,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    buffer: &mut [u8],
    tag: &mut [u8],
) -> u8 {
    let Ok(mut engine) = make(key) else {
        return BAD_SECRET;
    };
    match engine.seal_detached(nonce, &[aad], buffer, tag) {
        Ok(()) => OK,
        Err(e) => status(e),
    }
}
