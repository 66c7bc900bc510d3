//! The P-256 ECDH checks of `bulwark_conformance::kex` on a Cortex-M0 (micro:bit) with the
//! software backend: Wycheproof ECDH with SEC1 points, NIST CAVP CDH and KAS validity, the
//! negative and edge cases, and a two-party exchange through HKDF.
//!
//! Wycheproof ECDH P-256 with DER public keys (277 KB of vector text, more than the
//! micro:bit's 256 KiB of flash) runs in `conformance-kex-mps2`.

#![no_std]
#![no_main]

use bulwark_conformance::kex;
use bulwark_firmware_examples::{MICROBIT, Tally};
use bulwark_soft::Soft;
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-kex-p256", MICROBIT);
    let engine = "soft P-256";
    t.check(engine, kex::ecdh_p256_ecpoint(&mut Soft));
    t.check(engine, kex::ecdh_p256_cavp_cdh(&mut Soft));
    t.check(engine, kex::ecdh_p256_kas_validity(&mut Soft));
    t.check(engine, kex::p256_negative(&mut Soft));
    t.check(engine, kex::p256_exchange(&mut Soft, &mut Soft));
    t.finish()
}
