//! The compact backend's (`bulwark-compact`) P-256 operations: ECDH (NIST CAVP) and ECDSA
//! verification (RFC 6979, plus the refusal of a corrupted signature). The software backend's
//! P-256 cannot be built for AVR (crypto-bigint refuses 16-bit pointers); the compact one has
//! its own arithmetic. Measured on the ATmega1284p.
#![no_std]
#![no_main]

use bulwark_bench_avr::{Runner, ops};

/// The entry point avr-libc's start-up code calls.
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
pub extern "C" fn main() -> ! {
    let mut r = Runner::new();
    ops::empty(&mut r);
    bulwark_bench_ops::compact::p256(&mut r);
    r.finish()
}
