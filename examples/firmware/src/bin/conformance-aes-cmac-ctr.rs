//! The CMAC and CTR checks of `bulwark_conformance::aes` on a Cortex-M0 (micro:bit), on the
//! software engine and on the peripheral-shaped engine: Wycheproof AES-CMAC, SP 800-38B, CMAC
//! parts and truncation, RFC 3686 / SP 800-38A CTR and the counter wrap.

#![no_std]
#![no_main]

use bulwark_api::{Error, hazmat::BlockEncrypt};
use bulwark_conformance::aes;
use bulwark_firmware_examples::{MICROBIT, Tally, peripheral_aes, soft_aes};
use bulwark_soft::{CmacMode, CtrMode};
use cortex_m_rt::entry;

fn suite<E: BlockEncrypt>(t: &mut Tally, engine: &str, make: fn(&[u8]) -> Result<E, Error>) {
    let cmac = |k: &[u8]| make(k).map(CmacMode::new);
    t.check(engine, aes::cmac_wycheproof(cmac));
    t.check(engine, aes::cmac_sp800_38b(cmac));
    t.check(engine, aes::cmac_parts(cmac));
    t.check(
        engine,
        aes::ctr_vectors(|k: &[u8]| make(k).map(CtrMode::new)),
    );
}

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-aes-cmac-ctr", MICROBIT);
    suite(&mut t, "soft AES", soft_aes);
    suite(&mut t, "peripheral AES", peripheral_aes);
    t.finish()
}
