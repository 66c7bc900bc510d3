//! Flash probe: the runtime.
#![no_std]
#![no_main]

use bulwark_bench_avr::Runner;

/// The entry point avr-libc's start-up code calls.
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
pub extern "C" fn main() -> ! {
    Runner::new().finish()
}
