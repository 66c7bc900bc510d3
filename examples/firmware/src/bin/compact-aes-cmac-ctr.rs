//! AES-CMAC and CTR from `bulwark_conformance::aes` over the compact AES engine (the generic
//! modes), on the Cortex-M0 and, built for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_conformance::aes;
use bulwark_firmware_examples::{COMPACT_HERE, Tally, compact_aes};
use bulwark_soft::{CmacMode, CtrMode};
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-aes-cmac-ctr", COMPACT_HERE);
    let engine = "compact AES";
    let cmac = |k: &[u8]| compact_aes(k).map(CmacMode::new);
    t.check(engine, aes::cmac_wycheproof(cmac));
    t.check(engine, aes::cmac_sp800_38b(cmac));
    t.check(engine, aes::cmac_parts(cmac));
    t.check(
        engine,
        aes::ctr_vectors(|k: &[u8]| compact_aes(k).map(CtrMode::new)),
    );
    t.finish()
}
