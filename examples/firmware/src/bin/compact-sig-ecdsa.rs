//! The ECDSA P-256 checks of `bulwark_conformance::sig` over the compact backend that fit a
//! micro:bit (Wycheproof's P1363 set is in `compact-sig-mps2`), on the Cortex-M0 and, built
//! for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_compact::Compact;
use bulwark_conformance::{Scratch, sig};
use bulwark_firmware_examples::{COMPACT_HERE, Tally};
use cortex_m_rt::entry;

/// Working memory: Wycheproof's longest DER signature (4,172 bytes) and CAVP's 128-byte
/// messages.
type EcdsaScratch = Scratch<4_172, 128>;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-sig-ecdsa", COMPACT_HERE);
    let mut s = EcdsaScratch::new();
    let engine = "compact ECDSA P-256";
    t.check(engine, sig::ecdsa_p256_wycheproof_der(&mut Compact, &mut s));
    t.check(engine, sig::ecdsa_p256_cavp_sigver(&mut Compact, &mut s));
    t.check(engine, sig::ecdsa_p256_rfc6979(&mut Compact));
    t.check(engine, sig::ecdsa_p256_negative(&mut Compact));
    t.check(engine, sig::ecdsa_p256_round_trip(&mut Compact));
    t.finish()
}
