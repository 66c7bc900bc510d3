//! Differential tests: bulwark-soft against the system OpenSSL, one `#[test]` per primitive.
//!
//! One test binary (not one per file) so a `--release` run links the LTO'd workspace profile
//! once. See the crate README for the case distributions and how to reproduce a seed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod ccm;
mod cmac;
mod ctr;
mod ecdsa_p256;
mod ed25519;
mod hkdf;
mod p256_ecdh;
mod rustcrypto_modes;
mod server;
mod x25519;

use bulwark_differential::{Config, Outcome};

/// The run configuration from the environment (a malformed variable fails the test).
pub fn config() -> Config {
    let config = Config::from_env().unwrap_or_else(|e| panic!("{e}"));
    println!(
        "reference: {}",
        bulwark_differential::reference::openssl_version()
    );
    config
}

/// Fails the test with the full mismatch report unless every case agreed.
pub fn assert_clean(outcome: &Outcome) {
    assert!(outcome.mismatch_count == 0, "{}", outcome.failure_report());
}

/// Maps an OpenSSL error into a mismatch description.
pub fn ossl<T>(what: &str, r: Result<T, openssl::error::ErrorStack>) -> Result<T, String> {
    r.map_err(|e| format!("OpenSSL {what} failed unexpectedly: {e}"))
}

/// Maps a bulwark error into a mismatch description.
pub fn ours<T>(what: &str, r: Result<T, bulwark_api::Error>) -> Result<T, String> {
    r.map_err(|e| format!("bulwark {what} failed unexpectedly: {e:?}"))
}

/// Requires a rejection from both sides: bulwark with `expected`, OpenSSL as `theirs_rejected`
/// (an error, or a `false` verdict, computed by the caller).
pub fn both_reject<T>(
    what: &str,
    ours: Result<T, bulwark_api::Error>,
    expected: bulwark_api::Error,
    theirs_rejected: bool,
) -> Result<(), String> {
    let ours_rejected = matches!(&ours, Err(e) if *e == expected);
    if ours_rejected && theirs_rejected {
        return Ok(());
    }
    Err(format!(
        "{what}: bulwark {} (wanted {expected:?}), OpenSSL {}",
        match &ours {
            Ok(_) => "accepted".to_string(),
            Err(e) => format!("returned {e:?}"),
        },
        if theirs_rejected {
            "rejected"
        } else {
            "accepted"
        }
    ))
}

/// Whether an OpenSSL verification result is a rejection (`false` or an error).
pub fn rejected(r: &Result<bool, openssl::error::ErrorStack>) -> bool {
    !matches!(r, Ok(true))
}

/// A P-256 scalar in `1..n`: ~1% an edge value (1, 2, n-2, n-1), otherwise 32 random bytes
/// redrawn until in range (the same rejection sampling bulwark's key generation does, so
/// peeking a clone of the generator predicts what `generate_*` will draw).
pub fn p256_scalar(r: &mut bulwark_differential::SeededCases, n: &[u8; 32]) -> [u8; 32] {
    if r.percent(1) {
        let k = r.pick(&[1u8, 2, 0xfe, 0xff]);
        let mut s = if k > 2 { *n } else { [0u8; 32] };
        if k > 2 {
            // n - 2 or n - 1 (n is odd and ends in 0x51: no borrow).
            s[31] -= 0xff - k + 1;
        } else {
            s[31] = k;
        }
        return s;
    }
    p256_random_scalar(r, n)
}

/// 32 random bytes, redrawn until in `1..n` (what bulwark's P-256 key generation draws).
pub fn p256_random_scalar(r: &mut bulwark_differential::SeededCases, n: &[u8; 32]) -> [u8; 32] {
    loop {
        let s = r.array32();
        if s != [0u8; 32] && s < *n {
            return s;
        }
    }
}
