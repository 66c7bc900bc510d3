//! The target-specific part: output and exit over semihosting, the stack pointer and the
//! stack painting (the approach of `examples/firmware/src/stack.rs`, repainting before each
//! operation).
//!
//! This module exists for the one thing that needs `unsafe` here: reading the stack pointer,
//! the linker symbols bounding the stack, and writing/reading the free stack below the
//! current stack pointer.
#![allow(unsafe_code)]

/// The paint value (cortex-m-rt's `STACK_PAINT_VALUE`).
const PAINT: u32 = 0xcccc_cccc;
/// Bytes left unpainted just below the stack pointer of the painting function.
const MARGIN: usize = 64;

unsafe extern "C" {
    /// The bottom of the stack region (end of `.bss`/`.uninit`), from the runtime's link.x.
    #[cfg(target_arch = "arm")]
    static _stack_end: u32;
    /// The lowest address of the stack region, from riscv-rt's link.x.
    #[cfg(target_arch = "riscv32")]
    static _sstack: u32;
}

fn stack_bottom() -> usize {
    #[cfg(target_arch = "arm")]
    {
        (&raw const _stack_end) as usize
    }
    #[cfg(target_arch = "riscv32")]
    {
        (&raw const _sstack) as usize
    }
}

#[inline(always)]
fn sp() -> usize {
    let sp: usize;
    // SAFETY: copies the stack pointer into a register; no memory access, no side effect.
    #[cfg(target_arch = "arm")]
    unsafe {
        core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    // SAFETY: as above.
    #[cfg(target_arch = "riscv32")]
    unsafe {
        core::arch::asm!("mv {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    sp
}

/// Paints the free stack `[bottom, sp - MARGIN)` and returns this function's stack pointer
/// (the reference the use is measured from).
#[inline(never)]
pub fn paint_stack() -> usize {
    let top = sp();
    let bottom = stack_bottom();
    let end = (top - MARGIN) & !3;
    let mut p = bottom;
    while p < end {
        // SAFETY: `p` is 4-byte aligned and in `[bottom, sp - MARGIN)`: the free part of the
        // stack region, below every live frame (this function's frame is above `sp`), with
        // no interrupt handler that could be using it. Any `u32` may be written there.
        unsafe { (p as *mut u32).write_volatile(PAINT) };
        p += 4;
    }
    top
}

/// The lowest stack address written since [`paint_stack`]: the first word from the bottom
/// that lost its paint.
#[inline(never)]
pub fn deepest_stack() -> usize {
    let mut p = stack_bottom();
    let top = sp();
    while p < top {
        // SAFETY: `p` is 4-byte aligned, inside the stack region and below this function's
        // stack pointer: mapped, readable RAM. Any `u32` value is valid.
        let word = unsafe { (p as *const u32).read_volatile() };
        if word != PAINT {
            break;
        }
        p += 4;
    }
    p
}

/// Exactly 201 instructions: `mov 100`, then 100 times `subtract; branch if not zero` (the
/// plugin's exactness check: the count between the markers must be the empty operation's
/// plus 201).
#[inline(always)]
pub fn calibration_loop() {
    // SAFETY: a register-only countdown loop: no memory access, no stack use.
    #[cfg(target_arch = "arm")]
    unsafe {
        core::arch::asm!(
            "movs {r}, #100",
            "2:",
            "subs {r}, #1",
            "bne 2b",
            r = out(reg) _,
            options(nomem, nostack)
        )
    };
    // SAFETY: as above.
    #[cfg(target_arch = "riscv32")]
    unsafe {
        core::arch::asm!(
            "li {r}, 100",
            "2:",
            "addi {r}, {r}, -1",
            "bnez {r}, 2b",
            r = out(reg) _,
            options(nomem, nostack)
        )
    };
}

#[cfg(target_arch = "arm")]
mod io {
    use cortex_m_semihosting::{debug, hprintln};

    pub fn print_result(name: &str, ok: bool, stack: usize) {
        hprintln!(
            "bench {} {} stack={}",
            name,
            if ok { "ok" } else { "FAIL" },
            stack
        );
    }

    pub fn print_step(name: &str, ok: bool) {
        hprintln!("step {} {}", name, if ok { "ok" } else { "FAIL" });
    }

    pub fn print_summary(count: u32, failed: u32) {
        hprintln!("bench done: {} operations, {} failed", count, failed);
    }

    /// Ends the run over semihosting: exit status 0 if `ok`, else 1.
    pub fn exit(ok: bool) -> ! {
        debug::exit(if ok {
            debug::EXIT_SUCCESS
        } else {
            debug::EXIT_FAILURE
        });
        #[allow(clippy::empty_loop)]
        loop {}
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        hprintln!("bench PANIC: {}", info);
        exit(false)
    }

    /// Reports a HardFault (stack overflow, bad access) and fails the run.
    // SAFETY: cortex-m-rt calls this only as the HardFault handler; it never returns.
    #[cortex_m_rt::exception]
    unsafe fn HardFault(frame: &cortex_m_rt::ExceptionFrame) -> ! {
        hprintln!("bench HARD FAULT at pc={:#010x}", frame.pc());
        exit(false)
    }

    // The critical-section implementation must be linked in.
    use cortex_m as _;
}

#[cfg(target_arch = "riscv32")]
mod io {
    use semihosting::println;

    pub fn print_result(name: &str, ok: bool, stack: usize) {
        println!(
            "bench {} {} stack={}",
            name,
            if ok { "ok" } else { "FAIL" },
            stack
        );
    }

    pub fn print_step(name: &str, ok: bool) {
        println!("step {} {}", name, if ok { "ok" } else { "FAIL" });
    }

    pub fn print_summary(count: u32, failed: u32) {
        println!("bench done: {} operations, {} failed", count, failed);
    }

    /// Ends the run over semihosting: exit status 0 if `ok`, else 1.
    pub fn exit(ok: bool) -> ! {
        semihosting::process::exit(if ok { 0 } else { 1 })
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        println!("bench PANIC: {}", info);
        exit(false)
    }

    use riscv as _;
}

pub use io::{exit, print_result, print_step, print_summary};
