//! On-target benchmarks (`benches/target/`, its own cargo workspace) and the benchmark report.
//!
//! - `cargo xtask bench-target [--check]`: builds the plugin and the bench firmware for
//!   Cortex-M0 (thumbv6m, QEMU `microbit`) and Cortex-M4 (thumbv7em, QEMU `mps2-an386`), runs
//!   `bench` once on each under the instruction-counting plugin, and fails if a check fails,
//!   the plugin's count of the 201-instruction calibration loop is not exact, or the markers
//!   and the result lines disagree. `--check` stops there (CI); without it the results are
//!   printed.
//! - `cargo xtask bench` (no arguments): all of the above, plus flash sizes, RISC-V sizes, the
//!   AVR run, the host criterion benches, and writes `benches/REPORT.md`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use crate::firmware::{Footprint, footprint};
use crate::{Step, cargo_program, describe, ensure_targets, run, workspace_root};

/// The Cortex-M0 target and its QEMU machine.
const M0: (&str, &str) = ("thumbv6m-none-eabi", "microbit");
/// The Cortex-M4F target and its QEMU machine.
const M4: (&str, &str) = ("thumbv7em-none-eabihf", "mps2-an386");
/// RISC-V RV32IMC (built for sizes).
const RV32: &str = "riscv32imc-unknown-none-elf";
/// The per-primitive size probes (`benches/target/src/bin/size-*.rs`), in report order.
const SIZE_BINS: &[&str] = &[
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
];
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

/// Everything the report shows, filled in by the steps.
#[derive(Debug, Default)]
pub struct Results {
    m0: Vec<Op>,
    m4: Vec<Op>,
    m0_overhead: (u64, u64),
    sizes: Vec<(String, Footprint)>,
    image_len: u64,
    bench_flash: Option<Footprint>,
    rv32: Vec<(String, Footprint)>,
    rv32_ops: Vec<Op>,
    rv32_note: String,
    avr: String,
    host: BTreeMap<String, f64>,
    host_note: String,
}

fn bench_dir() -> PathBuf {
    workspace_root().join("benches").join("target")
}

fn target_dir() -> PathBuf {
    bench_dir().join("target")
}

fn elf(target: &str, bin: &str) -> PathBuf {
    target_dir().join(target).join("release").join(bin)
}

fn plugin_path() -> PathBuf {
    target_dir().join("insn_count.so")
}

/// Fails unless `qemu-system-arm` runs.
fn qemu_present() -> Result<(), String> {
    match Command::new("qemu-system-arm").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err("qemu-system-arm is not installed (apt-get install qemu-system-arm)".to_owned()),
    }
}

/// `cc -O2 -shared -fPIC` the counting plugin.
fn build_plugin() -> Result<(), String> {
    fs::create_dir_all(target_dir()).map_err(|e| format!("mkdir target: {e}"))?;
    let src = bench_dir().join("qemu-plugin").join("insn_count.c");
    let out = plugin_path();
    let args = [
        "-O2".to_owned(),
        "-Wall".into(),
        "-shared".into(),
        "-fPIC".into(),
        "-o".into(),
        out.display().to_string(),
        src.display().to_string(),
    ];
    let mut command = Command::new("cc");
    command.args(&args);
    run(command, &describe("cc", &args, &[]))
}

/// `cargo build --release --target T` inside `benches/target/` (its own workspace).
fn build(target: &str) -> Result<(), String> {
    let args = ["build", "--release", "--target", target];
    let mut command = Command::new(cargo_program());
    command.args(args).current_dir(bench_dir());
    run(
        command,
        &format!("(cd benches/target && {})", describe("cargo", &args, &[])),
    )
}

/// The address of symbol `name` in `elf`, from `nm` (Thumb bit cleared).
fn symbol(elf: &Path, name: &str) -> Result<u64, String> {
    let output = Command::new("nm")
        .arg(elf)
        .output()
        .map_err(|e| format!("cannot run nm: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| {
            let mut parts = line.split_whitespace();
            let addr = parts.next()?;
            let _kind = parts.next()?;
            (parts.next()? == name).then(|| u64::from_str_radix(addr, 16).ok())?
        })
        .map(|a| a & !1)
        .ok_or_else(|| format!("no symbol {name} in {}", elf.display()))
}

/// The size of the first symbol whose name contains `part` (`nm -S`).
fn symbol_size(elf: &Path, part: &str) -> Option<u64> {
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

/// Runs `bench` for `target` on `machine` under the plugin and pairs the plugin's records with
/// the firmware's result lines.
fn run_counted(
    target: &str,
    machine: &str,
    m0_cycles: bool,
) -> Result<(Vec<Op>, (u64, u64)), String> {
    let elf = elf(target, "bench");
    let start = symbol(&elf, "bench_start")?;
    let end = symbol(&elf, "bench_end")?;
    let out = target_dir().join(format!("counts-{machine}.txt"));
    let mut plugin = format!(
        "{},start={start:#x},end={end:#x},out={}",
        plugin_path().display(),
        out.display()
    );
    if m0_cycles {
        plugin.push_str(",cycles=m0");
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
    let shown = describe("timeout", &args, &[]);
    eprintln!("$ {shown}");
    let output = Command::new("timeout")
        .args(&args)
        .output()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    if !output.status.success() {
        return Err(format!(
            "`{shown}` exited with {}: a check failed, the firmware faulted or timed out",
            output.status
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
        "{machine}: calibration exact ({CALIBRATION} instructions), marker overhead {empty_i} \
         instructions"
    );
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
    Ok((ops, (empty_i, empty_c)))
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

/// The steps of `cargo xtask bench-target [--check]`, sharing `results`.
fn target_steps(results: &Rc<RefCell<Results>>) -> Vec<Step> {
    let m0 = Rc::clone(results);
    let m4 = Rc::clone(results);
    vec![
        Step::new("bench-target toolchain", || {
            ensure_targets(&[M0.0, M4.0])?;
            qemu_present()
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
    ]
}

/// `cargo xtask bench-target [--check]`.
pub fn steps(_check: bool) -> Vec<Step> {
    target_steps(&Rc::new(RefCell::new(Results::default())))
}

fn read_footprint(path: &Path) -> Result<Footprint, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    footprint(&bytes).ok_or_else(|| format!("{} is not an ELF32 LE file", path.display()))
}

/// The full report: target steps, sizes, RISC-V, AVR, host, then `benches/REPORT.md`.
pub fn report_steps() -> Vec<Step> {
    let results = Rc::new(RefCell::new(Results::default()));
    let mut steps = target_steps(&results);
    let r = Rc::clone(&results);
    steps.push(Step::new("bench sizes m0", move || {
        let mut r = r.borrow_mut();
        for bin in SIZE_BINS {
            let fp = read_footprint(&elf(M0.0, bin))?;
            r.sizes.push(((*bin).to_owned(), fp));
        }
        r.image_len = symbol_size(&elf(M0.0, "size-mcuboot-verify"), "5IMAGE").unwrap_or(0);
        r.bench_flash = Some(read_footprint(&elf(M0.0, "bench"))?);
        Ok(())
    }));
    let r = Rc::clone(&results);
    steps.push(Step::new("bench riscv32", move || {
        let mut r = r.borrow_mut();
        match ensure_targets(&[RV32]).and_then(|()| build(RV32)) {
            Ok(()) => {
                for bin in SIZE_BINS.iter().chain(&["bench"]) {
                    let fp = read_footprint(&elf(RV32, bin))?;
                    r.rv32.push(((*bin).to_owned(), fp));
                }
                match run_counted(RV32, "virt", false) {
                    Ok((ops, _)) => r.rv32_ops = ops,
                    Err(e) => r.rv32_note = format!("RISC-V run in QEMU failed: {e}"),
                }
            }
            Err(e) => r.rv32_note = format!("RISC-V build failed: {e}"),
        }
        Ok(())
    }));
    let r = Rc::clone(&results);
    steps.push(Step::new("bench avr", move || {
        r.borrow_mut().avr = crate::bench_avr::run();
        Ok(())
    }));
    let r = Rc::clone(&results);
    steps.push(Step::new("bench host", move || {
        let mut r = r.borrow_mut();
        match host_benches() {
            Ok(map) => r.host = map,
            Err(e) => r.host_note = e,
        }
        Ok(())
    }));
    let r = Rc::clone(&results);
    steps.push(Step::new("bench report", move || write_report(&r.borrow())));
    steps
}

/// Runs the host criterion benches with a short measurement and reads every median.
fn host_benches() -> Result<BTreeMap<String, f64>, String> {
    let criterion = workspace_root().join("target").join("criterion");
    let _ = fs::remove_dir_all(&criterion);
    crate::cargo(
        &[
            "bench",
            "-p",
            "bulwark-benches",
            "--",
            "--warm-up-time",
            "0.3",
            "--measurement-time",
            "1",
            "--noplot",
        ],
        &[],
    )?;
    let mut map = BTreeMap::new();
    collect_estimates(&criterion, &criterion, &mut map);
    if map.is_empty() {
        return Err(format!("no estimates under {}", criterion.display()));
    }
    Ok(map)
}

fn collect_estimates(root: &Path, dir: &Path, map: &mut BTreeMap<String, f64>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "new") {
                let est = path.join("estimates.json");
                if let (Ok(json), Some(parent)) = (fs::read_to_string(&est), path.parent())
                    && let Some(median) = median_ns(&json)
                    && let Ok(rel) = parent.strip_prefix(root)
                {
                    map.insert(rel.display().to_string(), median);
                }
            } else if path.file_name().is_none_or(|n| n != "report") {
                collect_estimates(root, &path, map);
            }
        }
    }
}

/// `median.point_estimate` from criterion's `estimates.json` (nanoseconds).
fn median_ns(json: &str) -> Option<f64> {
    let at = json.find("\"median\"")?;
    let rest = &json[at..];
    let p = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let num: String = rest[p..]
        .chars()
        .skip_while(|c| c.is_whitespace())
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        .collect();
    num.parse().ok()
}

fn tool_version(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| format!("{program}: not available"))
}

fn fmt_n(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What each on-target row can be compared with (keys of the References section).
fn reference_for(op: &str) -> &'static str {
    match op {
        "x25519" => "[R1] [R2]",
        "p256-ecdh" | "ecdsa-p256-verify" => "[R3] [R4]",
        "ed25519-verify" => "[R5]",
        o if o.starts_with("aes") || o.starts_with("ccm") || o.starts_with("cmac") => "[R6]",
        o if o.starts_with("sha256") || o.starts_with("hkdf") => "[R6]",
        o if o.starts_with("mcuboot") => "[R7]",
        _ => "",
    }
}

fn write_report(r: &Results) -> Result<(), String> {
    let mut s = String::new();
    let date = tool_version("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let _ = writeln!(s, "# bulwark benchmark report\n");
    let _ = writeln!(
        s,
        "Generated {date} by `cargo xtask bench` (from the repository root). Do not edit by \
         hand: re-run the command. How it works: `benches/README.md`.\n"
    );
    let _ = writeln!(s, "- {}", tool_version("rustc", &["-V"]));
    let _ = writeln!(s, "- {}", tool_version("rustc", &["+nightly", "-V"]));
    let _ = writeln!(s, "- {}", tool_version("qemu-system-arm", &["--version"]));
    let _ = writeln!(
        s,
        "- {}",
        tool_version("dpkg-query", &["-W", "-f", "simavr ${Version}", "simavr"])
    );
    let _ = writeln!(
        s,
        "- Target build: opt-level \"s\", fat LTO, codegen-units 1, panic = \"abort\" \
         (`benches/target/Cargo.toml`), default sha2 backend (no `sha2_backend_soft` cfg).\n"
    );

    let _ = writeln!(
        s,
        "## Cortex-M0 and Cortex-M4: executed instructions (QEMU)\n"
    );
    let _ = writeln!(
        s,
        "Instructions executed between `bench_start` and `bench_end`, counted exactly by the \
         TCG plugin `benches/target/qemu-plugin/insn_count.c` in QEMU ({} on `-M microbit` for \
         thumbv6m code, `-M mps2-an386` for thumbv7em code), minus the empty operation's \
         {} instructions of marker overhead. Each run also checks a 201-instruction \
         calibration loop is counted exactly, and every result below passed its known-answer \
         or round-trip check. Key import/validation is outside the measured region.\n",
        tool_version("qemu-system-arm", &["--version"]),
        r.m0_overhead.0
    );
    let _ = writeln!(
        s,
        "| operation | M0 instructions | M0 cycles (estimate) | M4 instructions | M0 stack (B) | compare with |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|");
    for op in &r.m0 {
        let m4 = r.m4.iter().find(|o| o.name == op.name);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            op.name,
            fmt_n(op.insns),
            op.cycles.map_or_else(|| "-".into(), fmt_n),
            m4.map_or_else(|| "-".into(), |o| fmt_n(o.insns)),
            op.stack,
            reference_for(&op.name)
        );
    }
    let sha = |ops: &[Op]| -> Option<u64> {
        let k1 = ops.iter().find(|o| o.name == "sha256-1k")?.insns;
        let k4 = ops.iter().find(|o| o.name == "sha256-4k")?.insns;
        Some((k4 - k1) / 3)
    };
    if let (Some(m0), Some(m4)) = (sha(&r.m0), sha(&r.m4)) {
        let _ = writeln!(
            s,
            "\nSHA-256 per KiB (streaming, from (4 KiB - 1 KiB) / 3): M0 {} instructions, M4 {} \
             instructions.",
            fmt_n(m0),
            fmt_n(m4)
        );
    }
    let _ = writeln!(
        s,
        "\n**The M0 cycle column is an estimate, not a measurement.** QEMU does not model \
         timing. The plugin adds, per executed Thumb instruction, its cycle count from the \
         Cortex-M0 Technical Reference Manual (ARM DDI 0432C, table 3-1) assuming zero-wait-state \
         memory and the single-cycle multiplier (MULS 1): data processing 1, single load/store \
         2, LDM/STM/PUSH 1+N, POP 1+N (with PC 4+N, N low registers), B 3, BL 4, BX/BLX 3, \
         write to PC 3, MSR/MRS/barriers 4, and B<cond> 1 plus 2 when taken (detected from the \
         next executed block). It ignores flash wait states (an nRF51 at 16 MHz has none; \
         faster parts do), bus contention and interrupts, so it is a lower bound for real \
         parts with wait states. The 201-instruction calibration loop is estimated at exactly \
         the 399 cycles the table gives. Stack: peak bytes below the runner's frame, by \
         painting the free stack before each operation and scanning it after (4-byte \
         resolution; includes the call into the operation).\n"
    );

    let _ = writeln!(s, "## Flash per primitive (thumbv6m, Cortex-M0)\n");
    let _ = writeln!(
        s,
        "One minimal binary per primitive (`benches/target/src/bin/size-*.rs`: the runtime, \
         the operation, its check and its vector), measured from ELF section headers with the \
         reader in `xtask/src/firmware.rs`. Flash = .text + .rodata (+ vector table and .data \
         initialisers). \"Over empty\" subtracts `size-empty`. `size-mcuboot-verify` excludes \
         the {} B signed image it carries in .rodata.\n",
        r.image_len
    );
    let _ = writeln!(
        s,
        "| binary | .text | .rodata | flash | over empty | compare with |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|");
    let base = r.sizes.first().map_or(0, |(_, fp)| fp.flash);
    for (bin, fp) in &r.sizes {
        let img = if bin.contains("mcuboot") {
            r.image_len
        } else {
            0
        };
        let flash = fp.flash - img;
        let _ = writeln!(
            s,
            "| {bin} | {} | {} | {} | {} | {} |",
            fmt_n(fp.text),
            fmt_n(fp.rodata - img),
            fmt_n(flash),
            fmt_n(flash.saturating_sub(base)),
            size_reference(bin)
        );
    }
    if let Some(fp) = r.bench_flash {
        let _ = writeln!(
            s,
            "\nThe whole `bench` binary (every primitive plus the image): {} B flash ({} B \
             without the image). Full device firmware: `examples/firmware` has no device \
             binary yet (only conformance binaries), so none is measured.",
            fmt_n(fp.flash),
            fmt_n(fp.flash - r.image_len)
        );
    }

    let _ = writeln!(s, "\n## AVR (ATmega2560, simavr)\n");
    let _ = writeln!(s, "{}\n", r.avr);

    let _ = writeln!(s, "## RISC-V RV32IMC: sizes\n");
    if r.rv32.is_empty() {
        let _ = writeln!(s, "{}\n", r.rv32_note);
    } else {
        let _ = writeln!(
            s,
            "Built for `{RV32}` with the same profile (riscv-rt, QEMU `virt` memory map, code \
             and data in RAM). {}\n",
            r.rv32_note
        );
        let _ = writeln!(s, "| binary | .text | .rodata | flash |");
        let _ = writeln!(s, "|---|---:|---:|---:|");
        for (bin, fp) in &r.rv32 {
            let _ = writeln!(
                s,
                "| {bin} | {} | {} | {} |",
                fmt_n(fp.text),
                fmt_n(fp.rodata),
                fmt_n(fp.flash)
            );
        }
        let _ = writeln!(s);
    }
    if !r.rv32_ops.is_empty() {
        let _ = writeln!(
            s,
            "Executed instructions in `qemu-system-riscv32 -M virt -bios none` (same plugin, \
             same checks, exact calibration; no cycle model; stack not measured on RISC-V):\n"
        );
        let _ = writeln!(s, "| operation | RV32IMC instructions |");
        let _ = writeln!(s, "|---|---:|");
        for op in &r.rv32_ops {
            let _ = writeln!(s, "| {} | {} |", op.name, fmt_n(op.insns));
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Host (criterion)\n");
    if r.host.is_empty() {
        let _ = writeln!(s, "No host numbers: {}\n", r.host_note);
    } else {
        let _ = writeln!(
            s,
            "`cargo bench -p bulwark-benches -- --warm-up-time 0.3 --measurement-time 1` on \
             this machine; medians from `target/criterion/*/new/estimates.json`. Host speed is \
             only quoted as a ratio against a reference measured in the same run (the \
             RustCrypto/dalek crate called directly, without bulwark's API layer): ratio > 1 \
             means bulwark is slower.\n"
        );
        let _ = writeln!(s, "| benchmark | bulwark / reference | reference |");
        let _ = writeln!(s, "|---|---:|---|");
        for (name, ns) in &r.host {
            // criterion turns the `/` of a `bench_function` id into `_` in its directory name.
            let Some(op) = name.strip_suffix("_bulwark") else {
                continue;
            };
            let reference = r
                .host
                .iter()
                .find(|(k, _)| k.starts_with(&format!("{op}_reference-")));
            if let Some((rname, rns)) = reference {
                let _ = writeln!(
                    s,
                    "| {op} | {:.3} | {} |",
                    ns / rns,
                    rname.rsplit("_reference-").next().unwrap_or("")
                );
            }
        }
        let _ = writeln!(
            s,
            "\nOther host benches run in the same pass (no in-run reference, so no figure is \
             quoted here): {}.\n",
            r.host
                .keys()
                .filter(|k| !k.ends_with("_bulwark") && !k.contains("_reference-"))
                .count()
        );
    }

    s.push_str(REFERENCES);
    let path = workspace_root().join("benches").join("REPORT.md");
    fs::write(&path, s).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn size_reference(bin: &str) -> &'static str {
    match bin {
        "size-x25519" | "size-ed25519-verify" => "[R8]",
        "size-p256-ecdh" | "size-ecdsa-verify" => "[R8] [R9]",
        "size-ccm" | "size-cmac" | "size-hkdf" | "size-sha256" => "[R9]",
        "size-mcuboot-verify" => "[R7]",
        _ => "",
    }
}

/// Published figures the tables refer to. Only figures checked against their source are given
/// as numbers; the rest are marked unverified.
const REFERENCES: &str = include_str!("bench_references.md");
