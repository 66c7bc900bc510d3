//! The Ed25519 checks of `bulwark_conformance::sig` on a Cortex-M0 (micro:bit) with the
//! software backend: Wycheproof Ed25519 (messages up to 1,023 bytes), generated-key sign and
//! verify round trips, and the SHA-512 known answers (`bulwark_conformance::kdf`).
//!
//! Run by `conformance-sig-mps2` instead: RFC 8032 TEST 1, 2, 3 and 1024, the reference
//! `sign.input` (1,024 records) and the negative cases, which all read `sign.input`'s 1.3 MB
//! of vector text (more than the micro:bit's 256 KiB of flash).

#![no_std]
#![no_main]

use bulwark_conformance::{Scratch, kdf, sig};
use bulwark_firmware_examples::{MICROBIT, Tally};
use bulwark_soft::Soft;
use cortex_m_rt::entry;

/// Working memory: Wycheproof's longest Ed25519 message (1,023 bytes) and signature (96
/// bytes); no `BIG` buffer.
type Ed25519Scratch = Scratch<0, 1_023>;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-sig-ed25519", MICROBIT);
    let mut s = Ed25519Scratch::new();
    let engine = "soft Ed25519";
    t.check(engine, sig::ed25519_wycheproof(&mut Soft, &mut s));
    t.check(engine, sig::ed25519_round_trip(&mut Soft));
    t.check("soft SHA-512", kdf::sha512_kats(&mut Soft));
    t.finish()
}
