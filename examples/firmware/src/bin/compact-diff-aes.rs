//! The on-target differential for the compact AES: over 1,000 seeded random AES-128/256 block
//! encryptions plus all-zero and all-one keys and blocks (and refused key lengths), and over
//! 1,000 seeded random CCM seals (every nonce and tag length, AAD up to 24 bytes, messages up
//! to 48) through `CompactCcm`, plus length edges and lengths the API refuses; expected results
//! from the software backend on the host. On the Cortex-M0 and, built for thumbv7em, the
//! Cortex-M4.

#![no_std]
#![no_main]

use bulwark_firmware_examples::{COMPACT_HERE, Tally, compact_aes, compact_ccm, diff};
use cortex_m_rt::entry;

/// The block cases (`build/diffgen.rs`).
static AES_CASES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/diff_aes.bin"));
/// The CCM cases (`build/diffgen.rs`).
static CCM_CASES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/diff_ccm.bin"));

/// The longest message plus tag in the CCM cases (48 + 16 bytes, with room).
const MAX_SEALED: usize = 96;

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-diff-aes", COMPACT_HERE);
    let blocks = diff::run::<4>(
        "AES block vs soft",
        AES_CASES,
        2,
        |[key, block, status, out]| {
            let Ok(mut b) = <[u8; 16]>::try_from(*block) else {
                return false;
            };
            let st = diff::diff_ops::aes_block(compact_aes, key, &mut b);
            *status == [st] && *out == b
        },
    );
    t.check("compact AES", blocks);
    let ccm = diff::run::<7>(
        "CCM seal vs soft",
        CCM_CASES,
        5,
        |[key, nonce, aad, pt, tag_len, status, sealed]| {
            let mut buffer = [0u8; MAX_SEALED];
            let tag_len = usize::from(tag_len.first().copied().unwrap_or(0));
            let Some((msg, rest)) = buffer.split_at_mut_checked(pt.len()) else {
                return false;
            };
            let Some(tag) = rest.get_mut(..tag_len) else {
                return false;
            };
            msg.copy_from_slice(pt);
            let st = diff::diff_ops::ccm_seal(compact_ccm, key, nonce, aad, msg, tag);
            *status == [st] && buffer.get(..pt.len() + tag_len) == Some(*sealed)
        },
    );
    t.check("CompactCcm", ccm);
    t.finish()
}
