//! The Ed25519 and SHA-512 checks of `bulwark_conformance` over the compact backend that fit a
//! micro:bit (RFC 8032, `sign.input` and the negative cases are in `compact-sig-mps2`), on the
//! Cortex-M0 and, built for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_compact::Compact;
use bulwark_conformance::{Scratch, kdf, sig};
use bulwark_firmware_examples::{COMPACT_HERE, Tally};
use cortex_m_rt::entry;

/// Working memory: Wycheproof's longest Ed25519 message (1,023 bytes) and signature (96
/// bytes); no `BIG` buffer.
type Ed25519Scratch = Scratch<0, 1_023>;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-sig-ed25519", COMPACT_HERE);
    let mut s = Ed25519Scratch::new();
    let engine = "compact Ed25519";
    t.check(engine, sig::ed25519_wycheproof(&mut Compact, &mut s));
    t.check(engine, sig::ed25519_round_trip(&mut Compact));
    t.check("compact SHA-512", kdf::sha512_kats(&mut Compact));
    t.finish()
}
