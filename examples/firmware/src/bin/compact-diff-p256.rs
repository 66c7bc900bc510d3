//! The on-target differential for P-256 ECDH: over 1,000 seeded random cases (a quarter with
//! compressed keys) and the edge values (scalars 0, 1, n - 1, n, p, 2^256 - 1; the point at
//! infinity encodings, off-curve points, coordinates equal to p, wrong prefixes, truncated
//! keys), generated with the software backend on the host, recomputed by the compact backend
//! on the Cortex-M0 and, built for thumbv7em, the Cortex-M4.

#![no_std]
#![no_main]

use bulwark_api::kex::P256;
use bulwark_compact::Compact;
use bulwark_firmware_examples::{COMPACT_HERE, Tally, diff};
use cortex_m_rt::entry;

/// The cases (`build/diffgen.rs`).
static CASES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/diff_p256.bin"));

#[entry]
fn main() -> ! {
    let mut t = Tally::new("compact-diff-p256", COMPACT_HERE);
    let result = diff::run::<4>(
        "P-256 ECDH vs soft",
        CASES,
        2,
        |[scalar, public, status, shared]| {
            let mut ours = [0u8; 32];
            let st = diff::diff_ops::agree::<P256, _>(&mut Compact, scalar, public, &mut ours);
            *status == [st] && *shared == ours
        },
    );
    t.check("compact P-256", result);
    t.finish()
}
