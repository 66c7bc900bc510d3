//! The on-target differential for Ed25519 verification: over 1,000 seeded random signatures
//! (valid, with a flipped signature bit, with a flipped message bit) and the edge values
//! (small-order and non-canonical keys, `S + L`, `S = L`, small-order `R`), generated with the
//! software backend on the host, verified by the compact backend on the Cortex-M0 and, built
//! for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_api::sig::{Ed25519, Ed25519Signature};
use bulwark_compact::Compact;
use bulwark_firmware_examples::{COMPACT_HERE, Tally, diff};
use cortex_m_rt::entry;

/// The cases (`build/diffgen.rs`).
static CASES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/diff_ed25519.bin"));

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-diff-ed25519", COMPACT_HERE);
    let result = diff::run::<4>(
        "Ed25519 verify vs soft",
        CASES,
        3,
        |[public, message, signature, status]| {
            let Ok(signature) = Ed25519Signature::from_slice(signature) else {
                return false;
            };
            let st =
                diff::diff_ops::verify::<Ed25519, _>(&mut Compact, public, message, &signature);
            *status == [st]
        },
    );
    t.check("compact Ed25519", result);
    t.finish()
}
