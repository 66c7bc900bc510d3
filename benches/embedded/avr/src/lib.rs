//! bulwark's AVR benchmark runtime (ATmega2560, run in simavr).
//!
//! Every measured operation runs between two marker calls, [`bench_start`] and [`bench_end`]
//! (`#[inline(never)]`, `#[no_mangle]`). The libsimavr harness (`harness/simavr_bench.c`)
//! watches the program counter and records simavr's exact cycle counter and the lowest stack
//! pointer between the k-th pair. After each operation the firmware checks the result and
//! prints `bench NAME ok` (or `FAIL`) on the harness console (writes to `GPIOR1`); the k-th
//! line belongs to the k-th marker pair. At the end it stores its status in `GPIOR0` (0: every
//! check passed) and sleeps with interrupts off, which stops simavr.
//!
//! AVR reads constants from RAM (`.rodata` is copied into `.data` at start-up), so inputs are
//! small and built on the stack where they are large (the 1 KiB SHA-256 message).

#![no_std]
#![feature(asm_experimental_arch)]

pub mod ops;
mod platform;

use core::hint::black_box;

pub use bulwark_bench_ops::Bench;

pub use platform::{exit, print};

/// Marks the start of operation `id`. The harness records the cycle counter when this
/// function's first instruction is about to execute.
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn bench_start(id: u8) {
    platform::mark(id);
}

/// Marks the end of operation `id` (a different body from [`bench_start`], so the linker
/// cannot fold the two).
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn bench_end(id: u8) {
    platform::mark(id | 0x80);
}

/// Runs operations between the markers, checks them and keeps the tally.
#[derive(Debug, Default)]
pub struct Runner {
    count: u8,
    failed: u8,
}

impl Runner {
    /// A runner with no operation run yet.
    pub const fn new() -> Self {
        Self {
            count: 0,
            failed: 0,
        }
    }

    /// Prints the summary and exits: status 0 only if every check passed.
    pub fn finish(self) -> ! {
        print(if self.failed == 0 {
            "all checks passed\n"
        } else {
            "SOME CHECKS FAILED\n"
        });
        exit(self.failed)
    }
}

impl Bench for Runner {
    /// Measures `op(input)`: calls [`bench_start`], runs the operation on `input` (through
    /// `black_box`, so no work moves before the marker), passes the output through
    /// `black_box`, calls [`bench_end`], and checks the output with `check`. Prints
    /// `bench NAME ok|FAIL`.
    #[inline(never)]
    fn run<I, O>(
        &mut self,
        name: &str,
        input: I,
        op: impl FnOnce(I) -> O,
        check: impl FnOnce(O) -> bool,
    ) {
        let id = self.count;
        self.count = self.count.wrapping_add(1);
        bench_start(id);
        let output = black_box(op(black_box(input)));
        bench_end(id);
        let ok = check(output);
        if !ok {
            self.failed = self.failed.wrapping_add(1);
        }
        print("bench ");
        print(name);
        print(if ok { " ok\n" } else { " FAIL\n" });
    }

    /// Records `name` as failed without measuring it (its setup failed).
    fn fail(&mut self, name: &str) {
        self.count = self.count.wrapping_add(1);
        self.failed = self.failed.wrapping_add(1);
        bench_start(0xff);
        bench_end(0xff);
        print("bench ");
        print(name);
        print(" FAIL\n");
    }

    /// Prints a step's verdict without markers (the diagnostic binary's intermediate values).
    fn step(&mut self, name: &str, ok: bool) {
        if !ok {
            self.failed = self.failed.wrapping_add(1);
        }
        print("step ");
        print(name);
        print(if ok { " ok\n" } else { " FAIL\n" });
    }
}
