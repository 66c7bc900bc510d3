//! Stack high-water mark: cortex-m-rt's `paint-stack` fills the stack region with
//! `0xcccc_cccc` before `main`; the deepest word no longer holding the paint is how far the
//! stack grew.
//!
//! This module exists for the one thing that needs `unsafe` here: reading the linker symbols
//! that bound the stack and the raw memory between them.
#![allow(unsafe_code)]

use cortex_m_rt::STACK_PAINT_VALUE;

unsafe extern "C" {
    /// The bottom of the stack region (the end of `.bss`/`.uninit`), from cortex-m-rt's
    /// `link.x`.
    static _stack_end: u32;
    /// The initial stack pointer (the top of RAM), from cortex-m-rt's `link.x`.
    static _stack_start: u32;
}

/// How much of the stack region has been used so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackUse {
    /// Bytes between the top of the stack and the deepest word the program wrote.
    pub used: usize,
    /// Bytes of the whole stack region (RAM not taken by static data).
    pub size: usize,
}

/// Scans the stack region from the bottom up for the first word that lost its paint.
///
/// A program that wrote the paint value itself at the deepest point would read a few bytes
/// low; that is the usual (and accepted) imprecision of stack painting.
pub fn high_water_mark() -> StackUse {
    let bottom = (&raw const _stack_end).cast::<u32>();
    let top = (&raw const _stack_start).cast::<u32>();
    let size = (top as usize).saturating_sub(bottom as usize);
    let words = size / 4;
    let mut untouched = 0;
    while untouched < words {
        // SAFETY: `bottom + untouched` lies in `[_stack_end, _stack_start)`, the RAM that
        // cortex-m-rt reserves for the stack: mapped, readable and 4-byte aligned (link.x
        // asserts the alignment of both bounds). Nothing else owns these words: each is either
        // still painted or part of this program's own stack, and with one core and no
        // interrupt handlers nothing writes them during the read. Any `u32` value is valid.
        let word = unsafe { bottom.add(untouched).read_volatile() };
        if word != STACK_PAINT_VALUE {
            break;
        }
        untouched += 1;
    }
    StackUse {
        used: size - untouched * 4,
        size,
    }
}
