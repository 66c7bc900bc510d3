//! Ed25519 verification (RFC 8032 TEST 1), then the refusal of a corrupted signature. Its
//! peak stack (about 7.3 KB) plus static data does not fit the ATmega2560's 8 KiB of SRAM, so
//! it is measured on the ATmega1284p (16 KiB); on the ATmega2560 the harness reports the
//! stack overflow.
#![no_std]
#![no_main]

use bulwark_bench_avr::{Runner, ops};

/// The entry point avr-libc's start-up code calls.
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
pub extern "C" fn main() -> ! {
    let mut r = Runner::new();
    ops::empty(&mut r);
    ops::ed25519_verify(&mut r, true);
    r.finish()
}
