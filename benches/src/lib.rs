//! Shared inputs for bulwark's host benchmarks.
//!
//! The criterion benches live in `benches/benches/` and run with `cargo xtask bench` (or
//! `cargo bench -p bulwark-benches`). This library holds what they share, so every bench
//! measures the same message sizes under the same fixed key.
//!
//! The key and nonce here are public constants for benchmarking: never use them to protect
//! data.
#![no_std]
#![forbid(unsafe_code)]

use bulwark::{DefaultProvider, Error, Provider};

/// Message sizes the CCM benches measure: a short sensor frame, a typical radio payload, a
/// CoAP block and a firmware-update chunk.
pub const CCM_MESSAGE_SIZES: [usize; 4] = [16, 64, 1024, 16 * 1024];

/// A fixed, public AES-128 key for benchmarks only.
pub const BENCH_KEY: [u8; 16] = [
    0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
];

/// A fixed 13-byte nonce for benchmarks only. Reusing a nonce under one key is fatal for CCM;
/// a benchmark does it knowingly, since it only measures time.
pub const BENCH_NONCE: [u8; 13] = [
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c,
];

/// Associated data for the benches: the size of an IEEE 802.15.4 MAC header with an auxiliary
/// security header.
pub const BENCH_AAD: [u8; 21] = [0xa5; 21];

/// AES-128-CCM as users get it: [`Provider::ccm`] of the facade's [`DefaultProvider`],
/// keyed with [`BENCH_KEY`].
///
/// Returns the engine's error if the key is rejected (it is not: the key is 16 bytes).
pub fn default_ccm() -> Result<<DefaultProvider as Provider>::Ccm, Error> {
    DefaultProvider::default().ccm(&BENCH_KEY)
}
