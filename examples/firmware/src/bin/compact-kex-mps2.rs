//! The compact backend's key-agreement and KDF checks that cannot fit a micro:bit, on QEMU's
//! MPS2 (thumbv6m on `mps2-an385`, thumbv7em on the Cortex-M4 `mps2-an386`; 4 MiB):
//! Wycheproof ECDH P-256 with DER public keys (612 records) and the HKDF output-length check.

#![no_std]
#![no_main]

use bulwark_compact::Compact;
use bulwark_conformance::{FullScratch, kdf, kex};
use bulwark_firmware_examples::{COMPACT_MPS2, Tally};
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-kex-mps2", COMPACT_MPS2);
    let mut s = FullScratch::new();
    t.check("compact P-256", kex::ecdh_p256_wycheproof(&mut Compact));
    t.check(
        "compact HKDF-SHA256",
        kdf::hkdf_lengths(&mut Compact, &mut s),
    );
    t.finish()
}
