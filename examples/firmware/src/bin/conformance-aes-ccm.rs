//! The CCM and CCM* checks of `bulwark_conformance::aes` on a Cortex-M0 (micro:bit: 256 KiB
//! flash, 16 KiB RAM), on the software engine and on the peripheral-shaped engine: RFC 3610,
//! SP 800-38C, single-bit tampering, size rules, the typed sizes and CCM*.
//!
//! Skipped on this target, and run by `conformance-aes-mps2` instead: SP 800-38C example C.4
//! (65,536 bytes of associated data) and the size-rules check's 65,535/65,536-byte messages,
//! neither of which fits in 16 KiB of RAM.

#![no_std]
#![no_main]

use bulwark_api::{Error, hazmat::BlockEncrypt};
use bulwark_conformance::{Scratch, aes};
use bulwark_firmware_examples::{MICROBIT, Skip, Tally, peripheral_aes, soft_aes};
use bulwark_soft::CcmMode;
use cortex_m_rt::entry;

/// Working memory: the largest field these sets decode (C.4's AAD aside) is 32 bytes.
type SmallScratch = Scratch<64, 64>;

fn suite<E: BlockEncrypt>(
    t: &mut Tally,
    engine: &str,
    make: fn(&[u8]) -> Result<E, Error>,
    s: &mut SmallScratch,
) {
    let ccm = |k: &[u8]| make(k).map(CcmMode::new);
    t.check(engine, aes::ccm_rfc3610(ccm, s));
    t.check_skipping(
        engine,
        aes::ccm_sp800_38c(ccm, s),
        Skip {
            count: 1,
            why: "SP 800-38C C.4 (its 65,536-byte AAD does not fit in 16 KiB RAM; \
                  conformance-aes-mps2 runs it)",
        },
    );
    t.check(engine, aes::ccm_tamper(ccm, s));
    t.check_skipping(
        engine,
        aes::ccm_size_rules(ccm, s),
        Skip {
            count: 2,
            why: "the 65,535/65,536-byte messages of the length limit (do not fit in 16 KiB \
                  RAM; conformance-aes-mps2 runs them)",
        },
    );
    t.check(engine, aes::ccm_typed_sizes(ccm));
    t.check(engine, aes::ccm_star(ccm, s));
}

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-aes-ccm", MICROBIT);
    let mut s = SmallScratch::new();
    suite(&mut t, "soft AES", soft_aes, &mut s);
    suite(&mut t, "peripheral AES", peripheral_aes, &mut s);
    t.finish()
}
