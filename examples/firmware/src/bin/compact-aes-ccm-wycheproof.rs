//! Wycheproof AES-CCM over the compact backend's `CompactCcm` and the generic
//! `CcmMode<CompactAes>`, on the Cortex-M0 and, built for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_api::{Error, ccm::Ccm};
use bulwark_compact::CompactAes;
use bulwark_conformance::{Scratch, aes};
use bulwark_firmware_examples::{COMPACT_HERE, Tally, compact_aes, compact_ccm};
use bulwark_soft::CcmMode;
use cortex_m_rt::entry;

/// Working memory: the largest fields are 513-byte messages and AAD and a 268-byte nonce.
type WycheproofScratch = Scratch<520, 520>;

fn generic_ccm(key: &[u8]) -> Result<CcmMode<CompactAes>, Error> {
    compact_aes(key).map(CcmMode::new)
}

fn suite<C: Ccm>(
    t: &mut Tally,
    engine: &str,
    ccm: fn(&[u8]) -> Result<C, Error>,
    s: &mut WycheproofScratch,
) {
    t.check(engine, aes::ccm_wycheproof(ccm, s));
}

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-aes-ccm-wycheproof", COMPACT_HERE);
    let mut s = WycheproofScratch::new();
    suite(&mut t, "CompactCcm", compact_ccm, &mut s);
    suite(&mut t, "CcmMode<CompactAes>", generic_ccm, &mut s);
    t.finish()
}
