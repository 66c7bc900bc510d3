//! The on-target differential for X25519: over 1,000 seeded random cases and the edge values
//! of u (0, 1, points of order 8, p - 1, p, p + 1, 2^255 - 19 up to 2^256 - 1), generated with
//! the software backend on the host, recomputed by the compact backend on the Cortex-M0 and,
//! built for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_api::kex::X25519;
use bulwark_compact::Compact;
use bulwark_firmware_examples::{COMPACT_HERE, Tally, diff};
use cortex_m_rt::entry;

/// The cases (`build/diffgen.rs`).
static CASES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/diff_x25519.bin"));

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-diff-x25519", COMPACT_HERE);
    let result = diff::run::<4>("X25519 vs soft", CASES, 2, |[scalar, u, status, shared]| {
        let mut ours = [0u8; 32];
        let st = diff::diff_ops::agree::<X25519, _>(&mut Compact, scalar, u, &mut ours);
        *status == [st] && *shared == ours
    });
    t.check("compact X25519", result);
    t.finish()
}
