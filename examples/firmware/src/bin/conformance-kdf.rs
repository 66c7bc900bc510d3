//! The HKDF-SHA256 and SHA-256 checks of `bulwark_conformance::kdf` on a Cortex-M0
//! (micro:bit) with the software backend: Wycheproof HKDF (outputs up to 8,161 bytes),
//! RFC 5869 and the SHA-256 known answers.
//!
//! Skipped on this target, and run by `conformance-kex-mps2` instead: the HKDF output-length
//! check, which needs two 8 KiB outputs side by side (16,321 bytes: more than the micro:bit's
//! 16 KiB of RAM).

#![no_std]
#![no_main]

use bulwark_conformance::{Scratch, kdf};
use bulwark_firmware_examples::{MICROBIT, Skip, Tally};
use bulwark_soft::Soft;
use cortex_m_rt::entry;

/// Working memory: Wycheproof's longest HKDF output (8,161 bytes, the one past the limit) and
/// its 80-byte inputs.
type KdfScratch = Scratch<8_161, 80>;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-kdf", MICROBIT);
    let mut s = KdfScratch::new();
    let engine = "soft HKDF-SHA256";
    t.check(engine, kdf::hkdf_wycheproof(&mut Soft, &mut s));
    t.check(engine, kdf::hkdf_rfc5869(&mut Soft));
    t.check_skipping(
        engine,
        kdf::hkdf_lengths(&mut Soft, &mut s),
        Skip {
            count: 1,
            why: "the output-length check (two 8 KiB outputs do not fit in 16 KiB RAM; \
                  conformance-kex-mps2 runs it)",
        },
    );
    t.check("soft SHA-256", kdf::sha256_kats(&mut Soft));
    t.finish()
}
