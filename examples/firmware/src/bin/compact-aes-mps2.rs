//! The compact backend's CCM checks that cannot fit a micro:bit, over `CompactCcm` and the
//! generic `CcmMode<CompactAes>`, on QEMU's MPS2 (thumbv6m on `mps2-an385`, thumbv7em on the
//! Cortex-M4 `mps2-an386`; 4 MiB): CAVP CCM, SP 800-38C (with C.4's 65,536-byte AAD) and the
//! message-length limit.

#![no_std]
#![no_main]

use bulwark_api::{Error, ccm::Ccm};
use bulwark_compact::CompactAes;
use bulwark_conformance::{FullScratch, aes};
use bulwark_firmware_examples::{COMPACT_MPS2, Tally, compact_aes, compact_ccm};
use bulwark_soft::CcmMode;
use cortex_m_rt::entry;

fn generic_ccm(key: &[u8]) -> Result<CcmMode<CompactAes>, Error> {
    compact_aes(key).map(CcmMode::new)
}

fn suite<C: Ccm>(
    t: &mut Tally,
    engine: &str,
    ccm: fn(&[u8]) -> Result<C, Error>,
    s: &mut FullScratch,
) {
    t.check(engine, aes::ccm_cavp(ccm, s));
    t.check(engine, aes::ccm_sp800_38c(ccm, s));
    t.check(engine, aes::ccm_size_rules(ccm, s));
}

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-aes-mps2", COMPACT_MPS2);
    let mut s = FullScratch::new();
    suite(&mut t, "CompactCcm", compact_ccm, &mut s);
    suite(&mut t, "CcmMode<CompactAes>", generic_ccm, &mut s);
    t.finish()
}
