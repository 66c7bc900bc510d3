//! The ECDSA P-256/SHA-256 checks of `bulwark_conformance::sig` on a Cortex-M0 (micro:bit)
//! with the software backend: Wycheproof with DER signatures (BER, tag, trailing-data and
//! range cases included), NIST CAVP SigVer, RFC 6979 deterministic signing, the negative
//! cases and generated-key round trips.
//!
//! Run by `conformance-sig-mps2` instead: Wycheproof with `r || s` (P1363) signatures. Its
//! 87 KB of vector text next to the DER file's 181 KB is more than the micro:bit's 256 KiB of
//! flash.

#![no_std]
#![no_main]

use bulwark_conformance::{Scratch, sig};
use bulwark_firmware_examples::{MICROBIT, Tally};
use bulwark_soft::Soft;
use cortex_m_rt::entry;

/// Working memory: Wycheproof's longest DER signature (4,172 bytes) and CAVP's 128-byte
/// messages.
type EcdsaScratch = Scratch<4_172, 128>;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-sig-ecdsa", MICROBIT);
    let mut s = EcdsaScratch::new();
    let engine = "soft ECDSA P-256";
    t.check(engine, sig::ecdsa_p256_wycheproof_der(&mut Soft, &mut s));
    t.check(engine, sig::ecdsa_p256_cavp_sigver(&mut Soft, &mut s));
    t.check(engine, sig::ecdsa_p256_rfc6979(&mut Soft));
    t.check(engine, sig::ecdsa_p256_negative(&mut Soft));
    t.check(engine, sig::ecdsa_p256_round_trip(&mut Soft));
    t.finish()
}
