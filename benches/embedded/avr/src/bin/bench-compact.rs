//! The compact backend's (`bulwark-compact`) Curve25519 and AES operations: AES-128 (with and
//! without the key schedule, two blocks in one call), CCM seal of 64 bytes, X25519 and Ed25519
//! verification, each with the software backend's known answer. Measured on the ATmega1284p
//! (16 KiB of SRAM, 2-byte program counter); its P-256 operations are in `bench-compact-p256`
//! (together they overflow the 1284p's 128 KiB of flash).
#![no_std]
#![no_main]

use bulwark_bench_avr::{Runner, ops};

/// The entry point avr-libc's start-up code calls.
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
pub extern "C" fn main() -> ! {
    let mut r = Runner::new();
    ops::empty(&mut r);
    bulwark_bench_ops::compact::aes(&mut r);
    bulwark_bench_ops::compact::x25519(&mut r);
    bulwark_bench_ops::compact::ed25519_verify(&mut r);
    r.finish()
}
