//! The AES checks that cannot fit a micro:bit, run on QEMU's MPS2 AN385 (Cortex-M3, 4 MiB):
//! the same thumbv6m (Cortex-M0) code, with room for them.
//!
//! - NIST CAVP CCM (2,880 records): its 763 KB of vector text is three times the micro:bit's
//!   256 KiB of flash.
//! - SP 800-38C (all four examples, C.4's 65,536-byte AAD included) and the CCM size rules
//!   with the 65,535/65,536-byte messages: the micro:bit's 16 KiB of RAM cannot hold them.

#![no_std]
#![no_main]

use bulwark_api::{Error, hazmat::BlockEncrypt};
use bulwark_conformance::{FullScratch, aes};
use bulwark_firmware_examples::{MPS2, Tally, peripheral_aes, soft_aes};
use bulwark_soft::CcmMode;
use cortex_m_rt::entry;

fn suite<E: BlockEncrypt>(
    t: &mut Tally,
    engine: &str,
    make: fn(&[u8]) -> Result<E, Error>,
    s: &mut FullScratch,
) {
    let ccm = |k: &[u8]| make(k).map(CcmMode::new);
    t.check(engine, aes::ccm_cavp(ccm, s));
    t.check(engine, aes::ccm_sp800_38c(ccm, s));
    t.check(engine, aes::ccm_size_rules(ccm, s));
}

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-aes-mps2", MPS2);
    let mut s = FullScratch::new();
    suite(&mut t, "soft AES", soft_aes, &mut s);
    suite(&mut t, "peripheral AES", peripheral_aes, &mut s);
    t.finish()
}
