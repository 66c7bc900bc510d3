//! A HardFault handler that reports and fails the run: without it, a fault (a stack overflow
//! past the bottom of RAM, a bad access) would spin in cortex-m-rt's default handler until
//! the CI timeout.
//!
//! This module exists because cortex-m-rt requires HardFault handlers to be `unsafe fn`.
#![allow(unsafe_code)]

use cortex_m_rt::{ExceptionFrame, exception};
use cortex_m_semihosting::hprintln;

// SAFETY: cortex-m-rt calls this only as the HardFault exception handler, with `frame`
// pointing at the stacked registers; it reads them and never returns to the faulting code.
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    hprintln!(
        "HARD FAULT at pc={:#010x} lr={:#010x}",
        frame.pc(),
        frame.lr()
    );
    crate::exit(false)
}
