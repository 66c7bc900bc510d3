//! The on-target benchmarks in QEMU (`benches/embedded/arm/`, its own cargo workspace).
//!
//! `cargo xtask bench-target [--check]` builds the plugin and the bench firmware for
//! Cortex-M0 (thumbv6m, QEMU `microbit`) and Cortex-M4 (thumbv7em, QEMU `mps2-an386`), runs
//! `bench` and the protocol binaries ([`PROTOCOL_BINS`]: the EDHOC initiator) once on each
//! under the instruction-counting plugin, and fails if a check fails, the plugin's count of
//! the 201-instruction calibration loop is not exact, or the markers and the result lines
//! disagree. `--check` stops there (CI); without it the results are printed. The
//! same firmware is built for RISC-V RV32IMC by the full report ([`super::report`]).

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use super::report::Results;
use super::{compile_c, embedded_dir, run_timed, symbol};
use crate::{Step, cargo_program, describe, ensure_targets, run};

/// The Cortex-M0 target and its QEMU machine.
pub(super) const M0: (&str, &str) = ("thumbv6m-none-eabi", "microbit");
/// The Cortex-M4F target and its QEMU machine.
pub(super) const M4: (&str, &str) = ("thumbv7em-none-eabihf", "mps2-an386");
/// RISC-V RV32IMC (built for sizes).
pub(super) const RV32: &str = "riscv32imc-unknown-none-elf";
/// The per-primitive size probes (`benches/embedded/arm/src/bin/size-*.rs`), in report order.
pub(super) const SIZE_BINS: &[&str] = &[
    "size-empty",
    "size-ccm",
    "size-cmac",
    "size-x25519",
    "size-p256-ecdh",
    "size-ed25519-verify",
    "size-ecdsa-verify",
    "size-hkdf",
    "size-sha256",
    "size-mcuboot-verify",
    "size-x25519-compact",
    "size-p256-ecdh-compact",
    "size-ed25519-verify-compact",
    "size-ecdsa-verify-compact",
    "size-ccm-compact",
    "size-hkdf-compact",
    "size-device-set-compact",
    "size-vault",
    "size-trust-ed25519",
    "size-trust-es256",
];
/// The measured firmware binaries, in report order: the primitives, then the protocols (one
/// binary would not fit the micro:bit's flash). Each has its own empty operation and
/// calibration loop.
pub(super) const BENCH_BINS: &[&str] = &["bench", "protocols"];
/// Whole protocols, one binary each (`benches/embedded/arm/src/bin/NAME.rs`), run like `bench`
/// (same markers, runner and plugin; their flash is the whole binary's), in report order.
pub(super) const PROTOCOL_BINS: &[&str] = &["edhoc"];
/// Instructions in the calibration loop (`platform::calibration_loop`).
const CALIBRATION: u64 = 201;
/// Seconds one QEMU run may take.
const QEMU_TIMEOUT_S: &str = "300";

/// One measured operation.
#[derive(Clone, Debug, Default)]
pub struct Op {
    /// The operation's name, as the firmware prints it.
    pub name: String,
    /// Executed instructions between the markers, minus the empty operation's.
    pub insns: u64,
    /// Estimated Cortex-M0 cycles (same subtraction), if the estimate was on.
    pub cycles: Option<u64>,
    /// Peak stack below the runner's frame, bytes.
    pub stack: u64,
}

fn bench_dir() -> PathBuf {
    embedded_dir().join("arm")
}

pub(super) fn target_dir() -> PathBuf {
    bench_dir().join("target")
}

pub(super) fn elf(target: &str, bin: &str) -> PathBuf {
    target_dir().join(target).join("release").join(bin)
}

fn plugin_path() -> PathBuf {
    target_dir().join("insn_count.so")
}

/// `cc -O2 -shared -fPIC` the counting plugin.
pub(super) fn build_plugin() -> Result<(), String> {
    let src = bench_dir().join("qemu-plugin").join("insn_count.c");
    compile_c(&src, &plugin_path(), &["-shared", "-fPIC"], &[])
}

/// `cargo build --release --target T` inside `benches/embedded/arm/` (its own workspace).
pub(super) fn build(target: &str) -> Result<(), String> {
    let args = ["build", "--release", "--target", target];
    let mut command = Command::new(cargo_program());
    command.args(args).current_dir(bench_dir());
    run(
        command,
        &format!(
            "(cd benches/embedded/arm && {})",
            describe("cargo", &args, &[])
        ),
    )
}

/// The address of symbol `name` in `elf`, from `nm` (Thumb bit cleared).
fn code_symbol(elf: &Path, name: &str) -> Result<u64, String> {
    symbol("nm", elf, name).map(|a| a & !1)
}

/// The size of the first symbol whose name contains `part` (`nm -S`).
pub(super) fn symbol_size(elf: &Path, part: &str) -> Option<u64> {
    let output = Command::new("nm").arg("-S").arg(elf).output().ok()?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.as_slice() {
                [_, size, _, name] if name.contains(part) => u64::from_str_radix(size, 16).ok(),
                _ => None,
            }
        })
}

/// Runs every [`BENCH_BINS`] binary for `target` on `machine` under the plugin and pairs the
/// plugin's records with the firmware's result lines: the operations in order, and the marker
/// overhead of the first binary.
pub(super) fn run_counted(
    target: &str,
    machine: &str,
    m0_cycles: bool,
) -> Result<(Vec<Op>, (u64, u64)), String> {
    let mut all = Vec::new();
    let mut first_overhead = None;
    for bin in BENCH_BINS {
        let (ops, overhead, _) = run_plugin(target, bin, machine, m0_cycles, None)?;
        first_overhead.get_or_insert(overhead);
        all.extend(ops);
    }
    Ok((all, first_overhead.unwrap_or_default()))
}

/// [`run_counted`] for another firmware binary of the bench workspace (one of
/// [`PROTOCOL_BINS`]), which runs the same `empty` and calibration operations first.
pub(super) fn run_counted_bin(
    target: &str,
    machine: &str,
    bin: &str,
    m0_cycles: bool,
) -> Result<(Vec<Op>, (u64, u64)), String> {
    run_plugin(target, bin, machine, m0_cycles, None).map(|(ops, overhead, _)| (ops, overhead))
}

/// What [`run_plugin`] returns: the operations, the marker overhead (instructions, cycles)
/// and the names of every region in order.
pub(super) type Counted = (Vec<Op>, (u64, u64), Vec<String>);

/// One binary of [`run_counted`], and with `profile` the plugin also writes its per-address profile of every
/// region there (see `insn_count.c`). The third value names the regions in order (the empty
/// operation and the calibration loop included).
pub(super) fn run_plugin(
    target: &str,
    bin: &str,
    machine: &str,
    m0_cycles: bool,
    profile: Option<&Path>,
) -> Result<Counted, String> {
    let elf = elf(target, bin);
    let start = code_symbol(&elf, "bench_start")?;
    let end = code_symbol(&elf, "bench_end")?;
    let out = target_dir().join(format!("counts-{bin}-{machine}.txt"));
    let mut plugin = format!(
        "{},start={start:#x},end={end:#x},out={}",
        plugin_path().display(),
        out.display()
    );
    if m0_cycles {
        plugin.push_str(",cycles=m0");
    }
    if let Some(path) = profile {
        plugin.push_str(&format!(",profile={}", path.display()));
    }
    let (qemu, bios): (&str, &[&str]) = if target.starts_with("riscv") {
        ("qemu-system-riscv32", &["-bios", "none"])
    } else {
        ("qemu-system-arm", &[])
    };
    let mut args = vec![
        QEMU_TIMEOUT_S.to_owned(),
        qemu.into(),
        "-machine".into(),
        machine.into(),
        "-nographic".into(),
        "-semihosting-config".into(),
        "enable=on,target=native".into(),
        "-plugin".into(),
        plugin,
        "-kernel".into(),
        elf.display().to_string(),
    ];
    args.extend(bios.iter().map(|&a| a.to_owned()));
    let (status, stdout, shown) = run_timed(&args)?;
    print!("{stdout}");
    if !status.success() {
        return Err(format!(
            "`{shown}` exited with {status}: a check failed, the firmware faulted or timed out"
        ));
    }
    let lines: Vec<(String, u64)> = stdout
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("bench ")?;
            let mut p = rest.split_whitespace();
            let name = p.next()?.to_owned();
            let status = p.next()?;
            let stack = p.next()?.strip_prefix("stack=")?.parse().ok()?;
            (status == "ok").then_some((name, stack))
        })
        .collect();
    let counts = fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let records: Vec<(&str, u64, u64)> = counts
        .lines()
        .filter_map(|l| {
            let mut p = l.split_whitespace();
            Some((p.next()?, p.next()?.parse().ok()?, p.next()?.parse().ok()?))
        })
        .filter(|(kind, _, _)| *kind != "total")
        .collect();
    if records.len() != 2 * lines.len() {
        return Err(format!(
            "{} marker records but {} ok result lines",
            records.len(),
            lines.len()
        ));
    }
    let mut raw = Vec::new();
    for (pair, (name, stack)) in records.chunks(2).zip(&lines) {
        match pair {
            [("start", i0, c0), ("end", i1, c1)] => {
                raw.push((name.clone(), i1 - i0, c1 - c0, *stack))
            }
            _ => return Err(format!("marker records out of order at {name}")),
        }
    }
    let find = |n: &str| raw.iter().find(|r| r.0 == n).map(|r| (r.1, r.2));
    let (empty_i, empty_c) = find("empty").ok_or("no `empty` operation")?;
    let (cal_i, _) = find("calibration-201").ok_or("no calibration operation")?;
    if cal_i - empty_i != CALIBRATION {
        return Err(format!(
            "the plugin counted {} instructions for the {CALIBRATION}-instruction calibration loop",
            cal_i - empty_i
        ));
    }
    eprintln!(
        "{machine} ({bin}): calibration exact ({CALIBRATION} instructions), marker overhead {empty_i} \
         instructions"
    );
    let names = raw.iter().map(|r| r.0.clone()).collect();
    let ops = raw
        .into_iter()
        .filter(|r| r.0 != "empty" && r.0 != "calibration-201")
        .map(|(name, i, c, stack)| Op {
            name,
            insns: i - empty_i,
            cycles: m0_cycles.then(|| c - empty_c),
            stack,
        })
        .collect();
    Ok((ops, (empty_i, empty_c), names))
}

fn print_ops(machine: &str, ops: &[Op]) {
    eprintln!("{machine}:");
    for op in ops {
        eprintln!(
            "  {:<22} {:>12} insns {:>12} cycles(est) {:>6} B stack",
            op.name,
            op.insns,
            op.cycles.map_or_else(|| "-".to_owned(), |c| c.to_string()),
            op.stack
        );
    }
}

/// Every operation of the [`PROTOCOL_BINS`] on `(target, machine)`, in order.
fn run_protocols((target, machine): (&str, &str), m0_cycles: bool) -> Result<Vec<Op>, String> {
    let mut all = Vec::new();
    for bin in PROTOCOL_BINS {
        all.extend(run_counted_bin(target, machine, bin, m0_cycles)?.0);
    }
    Ok(all)
}

/// The steps of `cargo xtask bench-target [--check]`, sharing `results`.
pub(super) fn target_steps(results: &Rc<RefCell<Results>>) -> Vec<Step> {
    let m0 = Rc::clone(results);
    let m4 = Rc::clone(results);
    let p0 = Rc::clone(results);
    let p4 = Rc::clone(results);
    vec![
        Step::new("bench-target toolchain", || {
            ensure_targets(&[M0.0, M4.0])?;
            crate::firmware::install_qemu()
        })
        .hint("needs qemu-system-arm (apt-get install qemu-system-arm) and a C compiler"),
        Step::new("bench-target plugin", build_plugin),
        Step::new("bench-target build m0", || build(M0.0)),
        Step::new("bench-target build m4", || build(M4.0)),
        Step::new("bench-target run m0", move || {
            let (ops, overhead) = run_counted(M0.0, M0.1, true)?;
            print_ops("Cortex-M0 (microbit)", &ops);
            let mut r = m0.borrow_mut();
            r.m0 = ops;
            r.m0_overhead = overhead;
            Ok(())
        }),
        Step::new("bench-target run m4", move || {
            let (ops, _) = run_counted(M4.0, M4.1, false)?;
            print_ops("Cortex-M4 (mps2-an386)", &ops);
            m4.borrow_mut().m4 = ops;
            Ok(())
        }),
        Step::new("bench-target run protocols m0", move || {
            let ops = run_protocols(M0, true)?;
            print_ops("Cortex-M0 (microbit), protocols", &ops);
            p0.borrow_mut().protocols_m0 = ops;
            Ok(())
        }),
        Step::new("bench-target run protocols m4", move || {
            let ops = run_protocols(M4, false)?;
            print_ops("Cortex-M4 (mps2-an386), protocols", &ops);
            p4.borrow_mut().protocols_m4 = ops;
            Ok(())
        }),
    ]
}

/// `cargo xtask bench-target [--check]`.
pub fn steps(_check: bool) -> Vec<Step> {
    target_steps(&Rc::new(RefCell::new(Results::default())))
}
