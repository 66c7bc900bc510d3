//! The X25519 checks of `bulwark_conformance::kex` on a Cortex-M0 (micro:bit) with the
//! software backend: Wycheproof X25519, RFC 7748 (single and 1,000 iterations), the negative
//! cases, and a two-party exchange through HKDF.

#![no_std]
#![no_main]

use bulwark_conformance::kex;
use bulwark_firmware_examples::{MICROBIT, Tally};
use bulwark_soft::Soft;
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-kex-x25519", MICROBIT);
    let engine = "soft X25519";
    t.check(engine, kex::x25519_wycheproof(&mut Soft));
    t.check(engine, kex::x25519_rfc7748(&mut Soft));
    t.check(engine, kex::x25519_rfc7748_iterated(&mut Soft));
    t.check(engine, kex::x25519_negative(&mut Soft));
    t.check(engine, kex::x25519_exchange(&mut Soft, &mut Soft));
    t.finish()
}
