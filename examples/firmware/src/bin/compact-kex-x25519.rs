//! The X25519 checks of `bulwark_conformance::kex` over the compact backend
//! (`bulwark_compact::Compact`), on the Cortex-M0 (micro:bit) and, built for thumbv7em, the
//! Cortex-M4 (`mps2-an386`): Wycheproof X25519, RFC 7748 (single and 1,000 iterations), the
//! negative cases, and a two-party exchange through HKDF.

#![no_std]
#![no_main]

use bulwark_compact::Compact;
use bulwark_conformance::kex;
use bulwark_firmware_examples::{COMPACT_HERE, Tally};
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-kex-x25519", COMPACT_HERE);
    let engine = "compact X25519";
    t.check(engine, kex::x25519_wycheproof(&mut Compact));
    t.check(engine, kex::x25519_rfc7748(&mut Compact));
    t.check(engine, kex::x25519_rfc7748_iterated(&mut Compact));
    t.check(engine, kex::x25519_negative(&mut Compact));
    t.check(engine, kex::x25519_exchange(&mut Compact, &mut Compact));
    t.finish()
}
