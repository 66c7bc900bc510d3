//! Wycheproof AES-CCM (552 records) on a Cortex-M0 (micro:bit), on the software engine and on
//! the peripheral-shaped engine. Its own binary because its 174 KB of vector text leaves no
//! room in the micro:bit's 256 KiB of flash for the other sets.

#![no_std]
#![no_main]

use bulwark_api::{Error, hazmat::BlockEncrypt};
use bulwark_conformance::{Scratch, aes};
use bulwark_firmware_examples::{MICROBIT, Tally, peripheral_aes, soft_aes};
use bulwark_soft::CcmMode;
use cortex_m_rt::entry;

/// Working memory: the largest fields are 513-byte messages and AAD and a 268-byte nonce.
type WycheproofScratch = Scratch<520, 520>;

fn suite<E: BlockEncrypt>(
    t: &mut Tally,
    engine: &str,
    make: fn(&[u8]) -> Result<E, Error>,
    s: &mut WycheproofScratch,
) {
    t.check(
        engine,
        aes::ccm_wycheproof(|k: &[u8]| make(k).map(CcmMode::new), s),
    );
}

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-aes-ccm-wycheproof", MICROBIT);
    let mut s = WycheproofScratch::new();
    suite(&mut t, "soft AES", soft_aes, &mut s);
    suite(&mut t, "peripheral AES", peripheral_aes, &mut s);
    t.finish()
}
