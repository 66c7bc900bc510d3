//! The HKDF-SHA256 and SHA-256 checks of `bulwark_conformance::kdf` over the compact backend,
//! on the Cortex-M0 and, built for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_compact::Compact;
use bulwark_conformance::{Scratch, kdf};
use bulwark_firmware_examples::{COMPACT_HERE, Skip, Tally};
use cortex_m_rt::entry;

/// Working memory: Wycheproof's longest HKDF output (8,161 bytes, the one past the limit) and
/// its 80-byte inputs.
type KdfScratch = Scratch<8_161, 80>;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-kdf", COMPACT_HERE);
    let mut s = KdfScratch::new();
    let engine = "compact HKDF-SHA256";
    t.check(engine, kdf::hkdf_wycheproof(&mut Compact, &mut s));
    t.check(engine, kdf::hkdf_rfc5869(&mut Compact));
    t.check_skipping(
        engine,
        kdf::hkdf_lengths(&mut Compact, &mut s),
        Skip {
            count: 1,
            why: "the output-length check (two 8 KiB outputs do not fit in 16 KiB RAM; \
                  compact-kex-mps2 runs it)",
        },
    );
    t.check("compact SHA-256", kdf::sha256_kats(&mut Compact));
    t.finish()
}
