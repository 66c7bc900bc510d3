//! Valgrind memcheck client requests, issued from Rust.
//!
//! This module is the one place in the crate with `unsafe` code: a client request is a magic
//! instruction sequence (`valgrind/valgrind.h`, amd64 "special instruction preamble") that
//! valgrind's JIT recognizes and turns into a call into the tool. On real hardware the sequence
//! is a no-op: four rotations of `rdi` by 3 + 13 + 61 + 51 = 128 bits (twice around, so `rdi`
//! is unchanged) and `xchg rbx, rbx`; `rdx` keeps the default value we put in it. Inline
//! assembly needs `unsafe`, hence this module.
//!
//! Only x86_64 is implemented; on every other architecture (and under miri, which has no inline
//! assembly) the requests compile to nothing and return their default value, so the crate still
//! builds there, but the checks only mean something on x86_64 under valgrind.
#![allow(unsafe_code)]

/// `VG_USERREQ__RUNNING_ON_VALGRIND` (valgrind.h).
const RUNNING_ON_VALGRIND: u64 = 0x1001;
/// `VG_USERREQ__COUNT_ERRORS` (valgrind.h).
const COUNT_ERRORS: u64 = 0x1201;
/// `VG_USERREQ_TOOL_BASE('M', 'C')` (memcheck.h).
const MC_BASE: u64 = ((b'M' as u64) << 24) | ((b'C' as u64) << 16);
/// `VG_USERREQ__MAKE_MEM_UNDEFINED` = `VG_USERREQ_TOOL_BASE('M','C') + 1` (memcheck.h).
const MAKE_MEM_UNDEFINED: u64 = MC_BASE + 1;
/// `VG_USERREQ__MAKE_MEM_DEFINED` = `VG_USERREQ_TOOL_BASE('M','C') + 2` (memcheck.h).
const MAKE_MEM_DEFINED: u64 = MC_BASE + 2;

/// Issues one client request; returns `default` when not running under valgrind.
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[inline(always)]
fn client_request(default: u64, request: u64, arg1: u64, arg2: u64) -> u64 {
    let args: [u64; 6] = [request, arg1, arg2, 0, 0, 0];
    let result: u64;
    // SAFETY: the sequence only rotates `rdi` by a total of 128 bits (a multiple of 64, so its
    // value is restored before the block ends) and exchanges `rbx` with itself; the rotations
    // clobber the carry and overflow flags, which is allowed because `preserves_flags` is not
    // claimed. `rdx` is declared as in/out. Without valgrind nothing else happens. Under
    // valgrind the tool reads the six words at `rax` (a live, aligned array that outlives the
    // block) and writes its answer to `rdx`; a memcheck request changes only valgrind's shadow
    // state, never the program's memory. The default `asm!` memory clobber makes the compiler
    // assume memory may be read or changed, so values marked (un)defined are reloaded from
    // memory afterwards rather than reused from registers.
    unsafe {
        core::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            inout("rdx") default => result,
            in("rax") args.as_ptr(),
            options(nostack),
        );
    }
    result
}

/// Off x86_64 (or under miri) client requests are not implemented: return the default.
#[cfg(not(all(target_arch = "x86_64", not(miri))))]
#[inline(always)]
fn client_request(default: u64, _request: u64, _arg1: u64, _arg2: u64) -> u64 {
    default
}

/// Whether the program runs under valgrind (`RUNNING_ON_VALGRIND`).
pub fn running_on_valgrind() -> bool {
    client_request(0, RUNNING_ON_VALGRIND, 0, 0) != 0
}

/// How many (unsuppressed) errors valgrind has reported so far (`VALGRIND_COUNT_ERRORS`);
/// 0 outside valgrind.
pub fn count_errors() -> u64 {
    client_request(0, COUNT_ERRORS, 0, 0)
}

/// Marks the bytes of `value` as undefined (`VALGRIND_MAKE_MEM_UNDEFINED`): from now on memcheck
/// reports any branch, memory index or system call that depends on them. Use it on secrets.
///
/// Takes `&mut` so the compiler cannot keep a copy of the value in registers across the
/// request (a shared reference would let it assume the bytes did not change).
pub fn secret<T: ?Sized>(value: &mut T) {
    let len = core::mem::size_of_val(value) as u64;
    let addr = core::ptr::from_mut(value).cast::<u8>() as u64;
    client_request(0, MAKE_MEM_UNDEFINED, addr, len);
}

/// Marks the bytes of `value` as defined again (`VALGRIND_MAKE_MEM_DEFINED`): the value is
/// public (a verdict, a ciphertext, a signature, a public key) and may be branched on.
pub fn public<T: ?Sized>(value: &mut T) {
    let len = core::mem::size_of_val(value) as u64;
    let addr = core::ptr::from_mut(value).cast::<u8>() as u64;
    client_request(0, MAKE_MEM_DEFINED, addr, len);
}
