//! The signature checks that cannot fit a micro:bit, run on QEMU's MPS2 AN385 (Cortex-M3,
//! 4 MiB): the same thumbv6m (Cortex-M0) code, with room for them.
//!
//! - The Ed25519 reference `sign.input` (1,024 records), RFC 8032 TEST 1, 2, 3 and 1024 and
//!   the Ed25519 negative cases: all three read `sign.input`, whose 1.3 MB of vector text is
//!   more than the micro:bit's 256 KiB of flash.
//! - Wycheproof ECDSA P-256/SHA-256 with `r || s` (P1363) signatures (262 records): 87 KB of
//!   vector text that does not fit next to the DER file in `conformance-sig-ecdsa`.

#![no_std]
#![no_main]

use bulwark_conformance::{FullScratch, sig};
use bulwark_firmware_examples::{MPS2, Tally};
use bulwark_soft::Soft;
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-sig-mps2", MPS2);
    let mut s = FullScratch::new();
    let ed = "soft Ed25519";
    t.check(ed, sig::ed25519_rfc8032(&mut Soft, &mut s));
    t.check(ed, sig::ed25519_sign_input(&mut Soft, &mut s));
    t.check(ed, sig::ed25519_negative(&mut Soft));
    t.check(
        "soft ECDSA P-256",
        sig::ecdsa_p256_wycheproof_p1363(&mut Soft, &mut s),
    );
    t.finish()
}
