//! The compact backend's signature checks that cannot fit a micro:bit, on QEMU's MPS2
//! (thumbv6m on `mps2-an385`, thumbv7em on the Cortex-M4 `mps2-an386`; 4 MiB): Ed25519
//! RFC 8032, `sign.input` (1,024) and the negative cases, Wycheproof ECDSA P-256 P1363.

#![no_std]
#![no_main]

use bulwark_compact::Compact;
use bulwark_conformance::{FullScratch, sig};
use bulwark_firmware_examples::{COMPACT_MPS2, Tally};
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-sig-mps2", COMPACT_MPS2);
    let mut s = FullScratch::new();
    let ed = "compact Ed25519";
    t.check(ed, sig::ed25519_rfc8032(&mut Compact, &mut s));
    t.check(ed, sig::ed25519_sign_input(&mut Compact, &mut s));
    t.check(ed, sig::ed25519_negative(&mut Compact));
    t.check(
        "compact ECDSA P-256",
        sig::ecdsa_p256_wycheproof_p1363(&mut Compact, &mut s),
    );
    t.finish()
}
