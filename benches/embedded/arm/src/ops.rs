//! The measured operations, grouped by primitive: the shared ones of `bulwark-bench-ops`
//! (`benches/embedded/ops`), and the two only this firmware has, the marker-overhead and
//! calibration runs.

pub use bulwark_bench_ops::{MCUBOOT_CHUNK, cmac, ecdsa_verify, hkdf, p256_ecdh, vault, x25519};

use bulwark_bench_ops::{Bench, ED25519_WYCHEPROOF_3};

use crate::{IMAGE, Runner, inputs};

/// The empty operation: the marker overhead, subtracted from every other count.
pub fn empty(r: &mut Runner) {
    r.run("empty", 7u32, |x| x, |x| x == 7);
}

/// The calibration loop: exactly 201 instructions more than [`empty`] (checked by xtask).
pub fn calibration(r: &mut Runner) {
    r.run(
        "calibration-201",
        7u32,
        |x| {
            crate::calibration_loop();
            x
        },
        |x| x == 7,
    );
}

/// AES-128, one block: with the key schedule, and with a scheduled key.
pub fn aes(r: &mut Runner) {
    bulwark_bench_ops::aes(r);
    bulwark_bench_ops::aes_scheduled(r);
}

/// AES-128-CCM (13-byte nonce, 8-byte tag, 8-byte AAD): the RFC 3610 known answer, then seal
/// and open of 16, 64 (OpenSSL's answer) and 256 bytes.
pub fn ccm(r: &mut Runner) {
    bulwark_bench_ops::ccm_rfc3610(r);
    bulwark_bench_ops::ccm_16(r);
    bulwark_bench_ops::ccm_64(r);
    bulwark_bench_ops::ccm_256(r);
}

/// Ed25519 verification of Wycheproof tcId 3 (a 4-byte message); the same signature with one
/// flipped bit must then be refused.
pub fn ed25519_verify(r: &mut Runner) {
    bulwark_bench_ops::ed25519_verify(r, &ED25519_WYCHEPROOF_3, true);
}

/// SHA-256 of 1 KiB and of 4 KiB (the report derives the per-KiB cost from the difference).
pub fn sha256(r: &mut Runner) {
    bulwark_bench_ops::sha256_1k(r);
    bulwark_bench_ops::sha256_4k(r);
}

/// Full MCUboot verification of the image signed at build time (64 KiB body).
pub fn mcuboot_verify(r: &mut Runner) {
    bulwark_bench_ops::mcuboot_verify(r, &IMAGE.0[..], inputs::IMAGE_PUBKEY, inputs::IMAGE_BODY);
}

/// One side (the responder) of a full BLE LE Secure Connections numeric-comparison pairing on
/// the compact backend, P-256 key generation and DHKey included.
pub fn ble_pairing(r: &mut Runner) {
    bulwark_bench_ops::ble_pairing(r);
}

/// The compact backend's operations (`bulwark_bench_ops::compact`): X25519, AES-128 and CCM,
/// P-256 ECDH and ECDSA verification with the P-256 unit costs, Ed25519 verification.
pub use bulwark_bench_ops::compact;

/// Checking a 3-grant Ed25519 chain with 2 revocations (records made at build time), on the
/// software and the compact backend.
pub fn trust_ed25519(r: &mut Runner) {
    bulwark_bench_ops::trust_chain::<_, bulwark_soft::Soft>(
        r,
        "trust-chain-ed25519",
        &inputs::TRUST_ED25519,
    );
    bulwark_bench_ops::trust_chain::<_, bulwark_compact::Compact>(
        r,
        "trust-chain-ed25519-compact",
        &inputs::TRUST_ED25519,
    );
}

/// Checking a 3-grant ES256 chain (P-256 keys) with 2 revocations, on the software and the
/// compact backend.
pub fn trust_es256(r: &mut Runner) {
    bulwark_bench_ops::trust_chain::<_, bulwark_soft::Soft>(
        r,
        "trust-chain-es256",
        &inputs::TRUST_ES256,
    );
    bulwark_bench_ops::trust_chain::<_, bulwark_compact::Compact>(
        r,
        "trust-chain-es256-compact",
        &inputs::TRUST_ES256,
    );
}
