//! Flash probe: the runtime and one primitive (ccm) with its check.
#![no_std]
#![no_main]

use bulwark_bench_avr::{Runner, ops};

/// The entry point avr-libc's start-up code calls.
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
pub extern "C" fn main() -> ! {
    let mut r = Runner::new();
    ops::ccm(&mut r);
    r.finish()
}
