//! bulwark's on-target benchmark runtime.
//!
//! Every measured operation runs between two marker calls, [`bench_start`] and [`bench_end`]
//! (`#[inline(never)]`, `#[no_mangle]`), so a QEMU instruction-counting plugin that watches
//! their addresses (`qemu-plugin/insn_count.c`) can attribute executed instructions to it.
//! Around each operation the free stack is painted and scanned afterwards, giving the
//! operation's peak stack. Each result is checked (known answer or round trip); a binary
//! prints one `bench NAME ok stack=N` line per operation and exits with status 0 only if every
//! check passed.
//!
//! The k-th `bench` line belongs to the k-th start/end pair the plugin records.

#![no_std]

pub mod ops;
mod platform;

use core::hint::black_box;

pub use bulwark_bench_ops::Bench;
use core::sync::atomic::{AtomicU32, Ordering, compiler_fence};

pub use platform::{calibration_loop, exit};

/// The measured inputs made at build time (see `build.rs`).
pub mod inputs {
    include!(concat!(env!("OUT_DIR"), "/inputs.rs"));
}

/// Bytes aligned to 8, as a flash slot starts: the copies out of the in-flash image take the
/// word-aligned path whatever else the link places before it.
#[repr(C, align(8))]
pub struct Aligned<T>(pub T);

/// The signed MCUboot image, placed in flash (`.rodata`), 8-byte aligned.
pub static IMAGE: Aligned<[u8; inputs::IMAGE_LEN]> =
    Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/image.bin")));

static STARTED: AtomicU32 = AtomicU32::new(0);
static ENDED: AtomicU32 = AtomicU32::new(0);

/// Marks the start of operation `id`. The counting plugin records its counters when this
/// function's first instruction executes.
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn bench_start(id: u32) {
    STARTED.store(id, Ordering::Relaxed);
    compiler_fence(Ordering::SeqCst);
}

/// Marks the end of operation `id` (a different body from [`bench_start`], so the linker
/// cannot fold the two).
#[allow(unsafe_code)] // `no_mangle` is an unsafe attribute: the symbol name must be unique.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn bench_end(id: u32) {
    compiler_fence(Ordering::SeqCst);
    ENDED.store(id.wrapping_add(0x8000_0000), Ordering::Relaxed);
}

/// Runs operations between the markers, checks them and keeps the tally.
#[derive(Debug, Default)]
pub struct Runner {
    count: u32,
    failed: u32,
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
        platform::print_summary(self.count, self.failed);
        exit(self.failed == 0)
    }
}

impl Bench for Runner {
    /// Measures `op(input)`: paints the free stack, calls [`bench_start`], runs the operation
    /// on `input` (passed through `black_box` after the marker, so no work moves before it),
    /// passes the output through `black_box`, calls [`bench_end`], scans the stack, and checks
    /// the output with `check`. Prints `bench NAME ok|FAIL stack=BYTES`.
    #[inline(never)]
    fn run<I, O>(
        &mut self,
        name: &str,
        input: I,
        op: impl FnOnce(I) -> O,
        check: impl FnOnce(O) -> bool,
    ) {
        let id = self.count;
        self.count += 1;
        let top = platform::paint_stack();
        bench_start(id);
        let output = black_box(op(black_box(input)));
        bench_end(id);
        let used = top.saturating_sub(platform::deepest_stack());
        // Reading the markers' stores back keeps them (and so two distinct marker bodies
        // that function merging cannot fold into one address).
        let marked = STARTED.load(Ordering::Relaxed) == id
            && ENDED.load(Ordering::Relaxed) == id.wrapping_add(0x8000_0000);
        let ok = check(output) && marked;
        if !ok {
            self.failed += 1;
        }
        platform::print_result(name, ok, used);
    }

    /// Records `name` as failed without measuring it (its setup failed).
    fn fail(&mut self, name: &str) {
        self.count += 1;
        self.failed += 1;
        bench_start(u32::MAX);
        bench_end(u32::MAX);
        platform::print_result(name, false, 0);
    }

    /// Records a check made outside the markers: prints `step NAME ok|FAIL`.
    fn step(&mut self, name: &str, ok: bool) {
        if !ok {
            self.failed += 1;
        }
        platform::print_step(name, ok);
    }
}
