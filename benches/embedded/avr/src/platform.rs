//! The `unsafe` part: the console and status registers the harness watches, the exit, and
//! the panic handler.
#![allow(unsafe_code)]

use core::arch::asm;
use core::ptr::write_volatile;

/// `GPIOR0` (data address 0x3E): the exit status (0 = every check passed).
const STATUS: *mut u8 = 0x3e as *mut u8;
/// `GPIOR1` (data address 0x4A): the harness prints every byte written here.
const CONSOLE: *mut u8 = 0x4a as *mut u8;
/// `GPIOR2` (data address 0x4B): the last marker (`id`, or `id | 0x80` at the end).
const MARK: *mut u8 = 0x4b as *mut u8;

/// Writes `s` to the harness console.
#[inline(never)]
pub fn print(s: &str) {
    for &b in s.as_bytes() {
        // SAFETY: GPIOR1 is a general-purpose I/O register on every ATmega; writing it has no
        // side effect on the hardware.
        unsafe { write_volatile(CONSOLE, b) };
    }
}

pub(crate) fn mark(v: u8) {
    // SAFETY: as in `print`, for GPIOR2.
    unsafe { write_volatile(MARK, v) };
}

/// Stores `status` in `GPIOR0` and sleeps with interrupts disabled: simavr stops ("sleeping
/// with interrupts off, quitting gracefully"); real hardware halts.
pub fn exit(status: u8) -> ! {
    // SAFETY: as in `print`, for GPIOR0.
    unsafe { write_volatile(STATUS, status) };
    loop {
        // SAFETY: disabling interrupts and sleeping touches no memory.
        unsafe { asm!("cli", "sleep") };
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    print("panic\n");
    exit(0xee)
}
