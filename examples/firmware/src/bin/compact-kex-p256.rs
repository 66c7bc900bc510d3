//! The P-256 ECDH checks of `bulwark_conformance::kex` over the compact backend that fit a
//! micro:bit (Wycheproof's ECDH P-256 with DER keys is in `compact-kex-mps2`), on the
//! Cortex-M0 and, built for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_compact::Compact;
use bulwark_conformance::kex;
use bulwark_firmware_examples::{COMPACT_HERE, Tally};
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-kex-p256", COMPACT_HERE);
    let engine = "compact P-256";
    t.check(engine, kex::ecdh_p256_ecpoint(&mut Compact));
    t.check(engine, kex::ecdh_p256_cavp_cdh(&mut Compact));
    t.check(engine, kex::ecdh_p256_kas_validity(&mut Compact));
    t.check(engine, kex::p256_negative(&mut Compact));
    t.check(engine, kex::p256_exchange(&mut Compact, &mut Compact));
    t.finish()
}
