//! Every AVR benchmark operation but Ed25519 verification (`bench-ed25519`, which needs more
//! than the ATmega2560's 8 KiB of SRAM), in report order.
#![no_std]
#![no_main]

use bulwark_bench_avr::{Runner, ops};

/// The entry point avr-libc's start-up code calls (after setting SP and copying `.data`).
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
pub extern "C" fn main() -> ! {
    let mut r = Runner::new();
    ops::empty(&mut r);
    ops::aes(&mut r);
    ops::ccm(&mut r);
    ops::cmac(&mut r);
    ops::hkdf(&mut r);
    ops::sha256(&mut r);
    ops::x25519(&mut r);
    r.finish()
}
