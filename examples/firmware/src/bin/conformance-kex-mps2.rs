//! The key-agreement and KDF checks that cannot fit a micro:bit, run on QEMU's MPS2 AN385
//! (Cortex-M3, 4 MiB): the same thumbv6m (Cortex-M0) code, with room for them.
//!
//! - Wycheproof ECDH P-256 with DER public keys (612 records): its 277 KB of vector text is
//!   more than the micro:bit's 256 KiB of flash.
//! - The HKDF output-length check: two 8 KiB outputs side by side need more than the
//!   micro:bit's 16 KiB of RAM.

#![no_std]
#![no_main]

use bulwark_conformance::{FullScratch, kdf, kex};
use bulwark_firmware_examples::{MPS2, Tally};
use bulwark_soft::Soft;
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-kex-mps2", MPS2);
    let mut s = FullScratch::new();
    t.check("soft P-256", kex::ecdh_p256_wycheproof(&mut Soft));
    t.check("soft HKDF-SHA256", kdf::hkdf_lengths(&mut Soft, &mut s));
    t.finish()
}
