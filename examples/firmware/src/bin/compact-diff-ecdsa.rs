//! The on-target differential for ECDSA P-256 verification: over 1,000 seeded random
//! signatures (valid, flipped bits, compressed keys) and the edge values (invalid keys and the
//! point at infinity encodings, `r` or `s` equal to 0, n, n - 1 or 2^256 - 1, `n - s`, `r` and
//! `s` swapped), generated with the software backend on the host, verified by the compact
//! backend on the Cortex-M0 and, built for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_api::sig::{EcdsaP256, EcdsaP256Signature};
use bulwark_compact::Compact;
use bulwark_firmware_examples::{COMPACT_HERE, Tally, diff};
use cortex_m_rt::entry;

/// The cases (`build/diffgen.rs`).
static CASES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/diff_ecdsa.bin"));

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-diff-ecdsa", COMPACT_HERE);
    let result = diff::run::<4>(
        "ECDSA P-256 verify vs soft",
        CASES,
        3,
        |[public, message, signature, status]| {
            let Ok(signature) = EcdsaP256Signature::from_fixed_slice(signature) else {
                return false;
            };
            let st =
                diff::diff_ops::verify::<EcdsaP256, _>(&mut Compact, public, message, &signature);
            *status == [st]
        },
    );
    t.check("compact ECDSA P-256", result);
    t.finish()
}
