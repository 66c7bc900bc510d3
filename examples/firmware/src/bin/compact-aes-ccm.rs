//! The CCM and CCM* checks of `bulwark_conformance::aes` that fit a micro:bit, over the compact
//! backend's own `CompactCcm` and over the generic `CcmMode<CompactAes>`, on the Cortex-M0 and,
//! built for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_api::{Error, ccm::Ccm};
use bulwark_conformance::{Scratch, aes};
use bulwark_firmware_examples::{COMPACT_HERE, Skip, Tally, compact_aes, compact_ccm};
use bulwark_soft::CcmMode;
use cortex_m_rt::entry;

/// Working memory: the largest field these sets decode (C.4's AAD aside) is 32 bytes.
type SmallScratch = Scratch<64, 64>;

fn suite<C: Ccm>(
    t: &mut Tally,
    engine: &str,
    ccm: fn(&[u8]) -> Result<C, Error>,
    s: &mut SmallScratch,
) {
    t.check(engine, aes::ccm_rfc3610(ccm, s));
    t.check_skipping(
        engine,
        aes::ccm_sp800_38c(ccm, s),
        Skip {
            count: 1,
            why: "SP 800-38C C.4 (its 65,536-byte AAD does not fit in 16 KiB RAM; \
                  compact-aes-mps2 runs it)",
        },
    );
    t.check(engine, aes::ccm_tamper(ccm, s));
    t.check_skipping(
        engine,
        aes::ccm_size_rules(ccm, s),
        Skip {
            count: 2,
            why: "the 65,535/65,536-byte messages of the length limit (do not fit in 16 KiB \
                  RAM; compact-aes-mps2 runs them)",
        },
    );
    t.check(engine, aes::ccm_typed_sizes(ccm));
    t.check(engine, aes::ccm_star(ccm, s));
}

fn generic_ccm(key: &[u8]) -> Result<CcmMode<bulwark_compact::CompactAes>, Error> {
    compact_aes(key).map(CcmMode::new)
}

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-aes-ccm", COMPACT_HERE);
    let mut s = SmallScratch::new();
    suite(&mut t, "CompactCcm", compact_ccm, &mut s);
    suite(&mut t, "CcmMode<CompactAes>", generic_ccm, &mut s);
    t.finish()
}
