//! The runtime shared by bulwark's conformance firmware: result lines and the exit status over
//! semihosting, a panic handler that reports and fails, and the two AES block engines.
//!
//! Every binary in `src/bin/` runs a part of `bulwark-conformance` on the target, prints one
//! line per [`Report`] (as the host test does), and exits with status 0 only if every check
//! passed and every skipped record was one this target is known not to fit.
//! Run one with `cargo run --release --bin NAME` (QEMU's `microbit` machine is the runner; the
//! `*-mps2` binaries, for sets too big for a micro:bit, need the `mps2-an385` runner shown in
//! `.cargo/config.toml`), or all of them with `cargo xtask qemu` from the repository root.

#![no_std]

pub mod diff;
pub mod diff_ops;
mod fault;
pub mod stack;
pub mod trng;

use bulwark_api::Error;
use bulwark_compact::{CompactAes, CompactCcm};
use bulwark_conformance::{Failure, Report};
use bulwark_soft::SoftAes;
use bulwark_testkit::peripheral::{PeripheralAes, SimulatedAesPeripheral};
use cortex_m_semihosting::{debug, hprintln};

// The critical-section implementation (cortex-m's `critical-section-single-core`) must be
// linked into every binary.
use cortex_m as _;

/// The micro:bit (nRF51822): the required target.
pub const MICROBIT: &str = "Cortex-M0";
/// QEMU's MPS2 AN385 (Cortex-M3, 4 MiB): only for sets that cannot fit a micro:bit. The code
/// is the same thumbv6m (Cortex-M0) build.
pub const MPS2: &str = "Cortex-M0 code on mps2-an385";

/// Where a `compact-*` binary runs: the same sources are built for thumbv6m (Cortex-M0, the
/// micro:bit) and for thumbv7em-none-eabihf (Cortex-M4, QEMU's `mps2-an386`), where the compact
/// backend takes its 32x32 -> 64-bit product paths.
pub const COMPACT_HERE: &str = if cfg!(target_abi = "eabihf") {
    "Cortex-M4 on mps2-an386"
} else {
    MICROBIT
};
/// Where a `compact-*-mps2` binary runs (4 MiB): the thumbv6m build on `mps2-an385`, the
/// thumbv7em build on `mps2-an386`.
pub const COMPACT_MPS2: &str = if cfg!(target_abi = "eabihf") {
    "Cortex-M4 on mps2-an386"
} else {
    MPS2
};

/// The compact backend's bitsliced AES engine, as a `make` closure for the AES checks.
pub fn compact_aes(key: &[u8]) -> Result<CompactAes, Error> {
    CompactAes::new(key)
}

/// The compact backend's own CCM (each CBC-MAC block paired with its CTR block).
pub fn compact_ccm(key: &[u8]) -> Result<CompactCcm, Error> {
    CompactCcm::from_key(key)
}

/// The software AES engine, as a `make` closure for the AES checks.
pub fn soft_aes(key: &[u8]) -> Result<SoftAes, Error> {
    SoftAes::new(key)
}

/// The peripheral-shaped AES engine (3 busy polls per block), as a `make` closure.
pub fn peripheral_aes(key: &[u8]) -> Result<PeripheralAes, Error> {
    SimulatedAesPeripheral::new(key, 3).map(PeripheralAes::new)
}

/// Records a set leaves out on this target, and why.
#[derive(Clone, Copy, Debug)]
pub struct Skip {
    /// How many records (or cases) the set must report as skipped.
    pub count: usize,
    /// Which ones and why, for the output.
    pub why: &'static str,
}

/// Collects the results of one binary's checks and turns them into the exit status.
#[derive(Debug)]
pub struct Tally {
    name: &'static str,
    target: &'static str,
    passed: usize,
    failed: usize,
    records: usize,
    skipped: usize,
}

impl Tally {
    /// A tally for binary `name` running on `target` ([`MICROBIT`] or [`MPS2`]).
    pub fn new(name: &'static str, target: &'static str) -> Self {
        hprintln!("{}: bulwark conformance on {}", name, target);
        Self {
            name,
            target,
            passed: 0,
            failed: 0,
            records: 0,
            skipped: 0,
        }
    }

    /// Prints the outcome of one check of `engine`. The check passes if it returned a report
    /// with no skipped record.
    pub fn check(&mut self, engine: &str, result: Result<Report, Failure>) {
        self.check_skipping(engine, result, Skip { count: 0, why: "" });
    }

    /// Like [`Tally::check`], but the set must skip exactly `skip.count` records on this
    /// target: any other number fails, so a record that silently stops fitting is caught.
    pub fn check_skipping(&mut self, engine: &str, result: Result<Report, Failure>, skip: Skip) {
        let target = self.target;
        match result {
            Ok(report) => {
                hprintln!("[{}, {}] {}", engine, target, report);
                self.records += report.checked;
                self.skipped += report.skipped;
                let allowed = skip.count;
                if allowed > 0 {
                    hprintln!("    skipped on target: {}", skip.why);
                }
                if report.skipped == allowed {
                    self.passed += 1;
                } else {
                    hprintln!(
                        "FAILED [{}, {}] {}: {} records skipped, {} expected on this target",
                        engine,
                        target,
                        report.set,
                        report.skipped,
                        allowed
                    );
                    self.failed += 1;
                }
            }
            Err(failure) => {
                hprintln!("FAILED [{}, {}] {}", engine, target, failure);
                self.failed += 1;
            }
        }
    }

    /// Prints the summary and the stack high-water mark, then ends the emulation with status
    /// 0 if every check passed, 1 otherwise.
    pub fn finish(self) -> ! {
        let stack = stack::high_water_mark();
        hprintln!(
            "{}: {} checks ok, {} failed; {} records, {} skipped on target; stack used {} of {} \
             bytes",
            self.name,
            self.passed,
            self.failed,
            self.records,
            self.skipped,
            stack.used,
            stack.size
        );
        exit(self.failed == 0)
    }
}

/// Text output over semihosting, one host call per line (a call per `write_str` would make
/// hex dumps slow): implements [`core::fmt::Write`], flushes at each `\n`.
#[derive(Debug)]
pub struct SemihostingWriter {
    line: [u8; 128],
    len: usize,
}

impl SemihostingWriter {
    /// An empty writer.
    pub const fn new() -> Self {
        Self {
            line: [0; 128],
            len: 0,
        }
    }

    fn flush(&mut self) {
        if let Some(line) = self.line.get(..self.len)
            && let Ok(mut out) = cortex_m_semihosting::hio::hstdout()
        {
            let _ = out.write_all(line);
        }
        self.len = 0;
    }
}

impl Default for SemihostingWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Write for SemihostingWriter {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() {
            if self.len == self.line.len() {
                self.flush();
            }
            if let Some(slot) = self.line.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
            if b == b'\n' {
                self.flush();
            }
        }
        Ok(())
    }
}

/// Ends the emulation (semihosting `SYS_EXIT`): QEMU exits 0 for `true`, 1 for `false`.
pub fn exit(success: bool) -> ! {
    debug::exit(if success {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Only reached without a semihosting host (e.g. on hardware without a debugger).
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    hprintln!("PANIC: {}", info);
    exit(false)
}
