//! The measured operations: the shared ones of `bulwark-bench-ops` (`benches/embedded/ops`,
//! also measured on ARM and RISC-V), each checked against a published known answer (FIPS-197,
//! RFC 4493, RFC 5869, RFC 7748, RFC 8032) or, for sizes no publication covers (CCM of 64
//! bytes, SHA-256 of 1 KiB), an answer computed on the host with OpenSSL or `hashlib`.

pub use bulwark_bench_ops::{aes, cmac, hkdf, x25519};

use bulwark_bench_ops::{Bench, ED25519_RFC8032_TEST1};

use crate::Runner;

/// The empty operation: the marker overhead, subtracted from every other count.
pub fn empty(r: &mut Runner) {
    r.run("empty", 7u8, |x| x, |x| x == 7);
}

/// AES-128-CCM seal and open of 64 bytes (8-byte AAD, 13-byte nonce, 8-byte tag; key
/// schedule outside the measurement), OpenSSL's answer; open must give the message back.
pub fn ccm(r: &mut Runner) {
    bulwark_bench_ops::ccm_64(r);
}

/// SHA-256 of 1 KiB (message built on the stack, outside the measurement).
pub fn sha256(r: &mut Runner) {
    bulwark_bench_ops::sha256_1k(r);
}

/// Ed25519 verification of RFC 8032 TEST 1 (empty message). Public-key decompression is
/// outside the measurement. With `refuse`, the same signature with one flipped bit of R must
/// then be refused (checked, not measured).
pub fn ed25519_verify(r: &mut Runner, refuse: bool) {
    bulwark_bench_ops::ed25519_verify(r, &ED25519_RFC8032_TEST1, refuse);
}
