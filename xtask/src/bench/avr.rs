//! AVR benchmarks in simavr (`benches/embedded/avr/`, its own cargo workspace, built for `avr-none`).
//!
//! - `cargo xtask bench-avr --check` (CI): installs what is missing (the nightly pinned in
//!   `fuzz/rust-toolchain.toml` with rust-src; `gcc-avr avr-libc simavr libsimavr-dev` with
//!   apt), builds the libsimavr harness and the firmware at the pinned opt-level (`bench` for
//!   the ATmega2560, `bench-ed25519` and the compact backend's `bench-compact` and
//!   `bench-compact-p256` for the ATmega1284p), runs each once and fails unless
//!   every known-answer check passes, the firmware stops by itself with status 0 and its stack
//!   never reached its static data.
//! - `cargo xtask bench-avr`: the same, then every opt-level the workspace has a profile for,
//!   the flash probes; prints the table and replaces the AVR section of `benches/REPORT.md`.
//! - `cargo xtask bench` calls [`run`] for the report's AVR section.
//!
//! Ed25519 verification runs on the ATmega1284p because its peak stack (about 7.3 KB at "s")
//! plus the static data (AVR copies constants into RAM) does not fit the ATmega2560's 8 KiB
//! of SRAM; the full run also runs it on the ATmega2560 to show the harness catching that.

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use super::report_avr::{avr_section, splice_avr_section};
use super::{compile_c, embedded_dir, first_line, run_timed, symbol};
use crate::elf::{read_sections, size_of};
use crate::{Step, describe, workspace_root};

/// The profile whose opt-level is pinned (`benches/embedded/avr/Cargo.toml`
/// `[profile.release]`).
pub(super) const PINNED: Profile = Profile {
    name: "release",
    level: "s",
};
/// Every opt-level the full run measures, by profile.
pub(super) const LEVELS: &[Profile] = &[
    PINNED,
    Profile {
        name: "opt-z",
        level: "z",
    },
    Profile {
        name: "opt-1",
        level: "1",
    },
    Profile {
        name: "opt-2",
        level: "2",
    },
    Profile {
        name: "opt-3",
        level: "3",
    },
];
/// The measured MCU, and the one with enough SRAM for Ed25519 verification.
pub(super) const MEGA2560: &str = "atmega2560";
pub(super) const MEGA1284P: &str = "atmega1284p";
/// The flash probes (`benches/embedded/avr/src/bin/size-*.rs`), in report order.
const SIZE_BINS: &[&str] = &[
    "size-empty",
    "size-aes",
    "size-ccm",
    "size-cmac",
    "size-hkdf",
    "size-sha256",
    "size-x25519",
    "size-ed25519-verify",
];
/// The compact backend's binaries (ATmega1284p; together they overflow its 128 KiB of flash,
/// so the P-256 operations have their own).
pub(super) const COMPACT_BINS: &[&str] = &["bench-compact", "bench-compact-p256"];
/// The cfg the AVR builds need (see `benches/embedded/avr/.cargo/config.toml`).
pub(super) const SHA2_CFG: &str = "sha2_backend_soft=\"compact\"";
/// The apt packages: the AVR linker and C library, and simavr with its library and headers.
const APT_PACKAGES: &[&str] = &["gcc-avr", "avr-libc", "simavr", "libsimavr-dev"];

/// A cargo profile of the AVR workspace and its opt-level.
#[derive(Clone, Copy, Debug)]
pub(super) struct Profile {
    name: &'static str,
    pub(super) level: &'static str,
}

/// One measured operation of one run.
#[derive(Clone, Debug)]
pub(super) struct Op {
    pub(super) name: String,
    /// Cycles between the markers minus the empty operation's.
    pub(super) cycles: u64,
    /// Peak stack below the marker's stack pointer, bytes.
    pub(super) stack: u64,
    pub(super) ok: bool,
}

/// One harness run of one binary.
#[derive(Clone, Debug, Default)]
pub(super) struct RunResult {
    pub(super) ops: Vec<Op>,
    /// `step NAME ok|FAIL` lines (checks without markers).
    steps: Vec<(String, bool)>,
    /// The firmware stopped by itself, status 0, every check passed, no overflow.
    pub(super) passed: bool,
    /// The harness's `result` line.
    pub(super) summary: String,
    /// The stack pointer went below the end of static data.
    pub(super) overflow: bool,
}

/// ELF section sizes of an AVR binary.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Sizes {
    pub(super) text: u64,
    pub(super) data: u64,
    pub(super) bss: u64,
}

/// Everything the AVR section of the report shows.
#[derive(Debug, Default)]
pub(super) struct Results {
    pub(super) toolchain: String,
    /// (level, MCU, binary) -> run.
    pub(super) runs: Vec<(
        &'static str,
        &'static str,
        &'static str,
        Result<RunResult, String>,
    )>,
    pub(super) sizes: Vec<(String, Sizes)>,
    pub(super) bench_sizes: Vec<(String, Sizes)>,
}

fn bench_dir() -> PathBuf {
    embedded_dir().join("avr")
}

fn harness_path() -> PathBuf {
    bench_dir().join("target").join("simavr_bench")
}

fn target_dir(mcu: &str) -> PathBuf {
    bench_dir().join("target").join(mcu)
}

fn elf(mcu: &str, profile: &str, bin: &str) -> PathBuf {
    target_dir(mcu)
        .join("avr-none")
        .join(profile)
        .join(format!("{bin}.elf"))
}

/// The `channel = "..."` of a `rust-toolchain.toml`.
fn channel_of(path: &Path) -> Result<String, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .find_map(|l| {
            let rest = l.trim().strip_prefix("channel")?.trim().strip_prefix('=')?;
            Some(rest.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| format!("no channel in {}", path.display()))
}

/// The nightly: the fuzz workspace's pin, which `benches/embedded/avr/rust-toolchain.toml` must
/// repeat.
fn toolchain() -> Result<String, String> {
    let fuzz = channel_of(&workspace_root().join("fuzz").join("rust-toolchain.toml"))?;
    let avr = channel_of(&bench_dir().join("rust-toolchain.toml"))?;
    if fuzz != avr {
        return Err(format!(
            "benches/embedded/avr/rust-toolchain.toml pins {avr} but fuzz/rust-toolchain.toml pins \
             {fuzz}: keep them the same"
        ));
    }
    Ok(fuzz)
}

fn quiet_ok(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Installs the pinned nightly with rust-src, and the apt packages, if missing.
fn setup() -> Result<String, String> {
    let tc = toolchain()?;
    let has_src = Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", &tc])
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.trim() == "rust-src")
        });
    if has_src {
        eprintln!("{tc} with rust-src already installed");
    } else {
        let args = [
            "toolchain",
            "install",
            tc.as_str(),
            "--profile",
            "minimal",
            "--component",
            "rust-src",
        ];
        let mut command = Command::new("rustup");
        command.args(args);
        crate::run(command, &describe("rustup", &args, &[]))?;
    }
    let present = quiet_ok("avr-gcc", &["--version"])
        && quiet_ok("avr-nm", &["--version"])
        && Path::new("/usr/include/simavr/sim_avr.h").exists()
        && Path::new("/usr/lib/avr/include/avr/io.h").exists();
    if present {
        eprintln!("{} already installed", APT_PACKAGES.join(" "));
    } else {
        let mut install = vec!["install", "-y", "--no-install-recommends"];
        install.extend(APT_PACKAGES);
        if crate::firmware::apt_get(&install).is_err() {
            crate::firmware::apt_get(&["update"])?;
            crate::firmware::apt_get(&install)?;
        }
    }
    Ok(tc)
}

/// `cc -O2` the libsimavr harness.
fn build_harness() -> Result<(), String> {
    let src = bench_dir().join("harness").join("simavr_bench.c");
    compile_c(&src, &harness_path(), &[], &["-lsimavr"])
}

/// `cargo +TC build --profile P -Zbuild-std=core --bin ...` in `benches/embedded/avr` for
/// `mcu`.
fn build(tc: &str, mcu: &str, profile: &str, bins: &[&str]) -> Result<(), String> {
    let dir = target_dir(mcu).display().to_string();
    let mut args = vec![
        "run",
        tc,
        "cargo",
        "build",
        "--profile",
        profile,
        "-Zbuild-std=core",
        "--target-dir",
        &dir,
    ];
    for bin in bins {
        args.extend(["--bin", bin]);
    }
    let flags = format!("-C target-cpu={mcu} --cfg {SHA2_CFG}");
    let envs = [("CARGO_TARGET_AVR_NONE_RUSTFLAGS", flags.as_str())];
    let mut command = Command::new("rustup");
    command
        .args(&args)
        .current_dir(bench_dir())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("CARGO_TARGET_DIR");
    for (k, v) in envs {
        command.env(k, v);
    }
    let shown = format!(
        "(cd benches/embedded/avr && {})",
        describe("rustup", &args, &envs)
    );
    eprintln!("$ {shown}");
    let output = command
        .output()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in stderr.lines().filter(|l| !l.contains("-no-pie")) {
        eprintln!("{line}");
    }
    if output.status.success() {
        return Ok(());
    }
    Err(
        match stderr.lines().find_map(|l| {
            let at = l.find("region `text' overflowed by ")?;
            Some(l[at..].trim_start_matches("region `text' ").to_owned())
        }) {
            Some(over) => format!("does not fit the {mcu}'s flash ({over})"),
            None => format!("`{shown}` failed ({})", output.status),
        },
    )
}

/// Runs `elf` in the harness on `mcu` and pairs its marker records with the result lines.
fn run_one(mcu: &str, elf: &Path) -> Result<RunResult, String> {
    let start = symbol("avr-nm", elf, "bench_start")?;
    let end = symbol("avr-nm", elf, "bench_end")?;
    let heap = symbol("avr-nm", elf, "_end")?;
    let args = [
        "600".to_owned(),
        harness_path().display().to_string(),
        elf.display().to_string(),
        format!("start={start:#x}"),
        format!("end={end:#x}"),
        format!("heap={heap:#x}"),
        format!("mcu={mcu}"),
    ];
    let (status, stdout, shown) = run_timed(&args)?;
    eprint!("{stdout}");
    let (mut verdicts, mut marks, mut r) = (Vec::new(), Vec::new(), RunResult::default());
    for line in stdout.lines() {
        let mut p = line.split_whitespace();
        match p.next() {
            Some("bench") => {
                if let (Some(name), Some(v)) = (p.next(), p.next()) {
                    verdicts.push((name.to_owned(), v == "ok"));
                }
            }
            Some("step") => {
                if let (Some(name), Some(v)) = (p.next(), p.next()) {
                    r.steps.push((name.to_owned(), v == "ok"));
                }
            }
            Some("mark") => {
                let nums: Vec<u64> = p.filter_map(|x| x.parse().ok()).collect();
                if let [_, t0, t1, stack] = nums[..] {
                    marks.push((t1 - t0, stack));
                }
            }
            Some("result") => {
                r.summary = line.trim_start_matches("result ").to_owned();
                r.overflow = line.contains("overflow=1");
            }
            _ => {}
        }
    }
    if r.summary.is_empty() {
        return Err(format!("`{shown}` printed no result line ({status})"));
    }
    r.passed = status.success()
        && !verdicts.is_empty()
        && verdicts.len() == marks.len()
        && verdicts.iter().all(|v| v.1)
        && r.steps.iter().all(|s| s.1);
    let empty = verdicts
        .iter()
        .zip(&marks)
        .find(|(v, _)| v.0 == "empty")
        .map_or(0, |(_, m)| m.0);
    r.ops = verdicts
        .into_iter()
        .zip(marks)
        .filter(|(v, _)| v.0 != "empty")
        .map(|((name, ok), (cycles, stack))| Op {
            name,
            cycles: cycles.saturating_sub(empty),
            stack,
            ok,
        })
        .collect();
    Ok(r)
}

/// `.text`, `.data` and `.bss` sizes from the ELF32 section headers.
fn sizes(path: &Path) -> Result<Sizes, String> {
    let sections = read_sections(path)?;
    Ok(Sizes {
        text: size_of(&sections, ".text"),
        data: size_of(&sections, ".data"),
        bss: size_of(&sections, ".bss"),
    })
}

/// The builds and runs: the pinned level only (`check`), or every level plus flash probes.
fn steps_into(check: bool, results: &Rc<RefCell<Results>>) -> Vec<Step> {
    let tc = Rc::new(RefCell::new(String::new()));
    let mut steps = Vec::new();
    let (t, r) = (Rc::clone(&tc), Rc::clone(results));
    steps.push(
        Step::new("bench-avr toolchain", move || {
            let name = setup()?;
            r.borrow_mut().toolchain = rustc_version(&name);
            *t.borrow_mut() = name;
            Ok(())
        })
        .hint("needs rustup, and apt-get (as root or with passwordless sudo) for gcc-avr, avr-libc, simavr and libsimavr-dev"),
    );
    steps.push(Step::new("bench-avr harness", build_harness));
    let levels: &[Profile] = if check { &[PINNED] } else { LEVELS };
    for &p in levels {
        let pinned = p.name == PINNED.name;
        // The ATmega2560 build: every operation but Ed25519 (plus, in the full run at the
        // pinned level, Ed25519 to show the overflow, and the flash probes). The ATmega1284p
        // build: Ed25519 (plus, in the full run at the pinned level, the rest, to compare).
        let mut m2560: Vec<&'static str> = vec!["bench"];
        let mut m1284: Vec<&'static str> = vec!["bench-ed25519"];
        m1284.extend(COMPACT_BINS);
        if !check && pinned {
            m2560.push("bench-ed25519");
            m2560.extend(SIZE_BINS);
            m1284.push("bench");
        }
        for (mcu, bins) in [(MEGA2560, m2560), (MEGA1284P, m1284)] {
            let (t, r) = (Rc::clone(&tc), Rc::clone(results));
            steps.push(Step::new(
                format!("bench-avr {mcu} opt {}", p.level),
                move || {
                    if let Err(e) = build(&t.borrow(), mcu, p.name, &bins) {
                        if pinned {
                            return Err(e);
                        }
                        // Another level that does not build (Ed25519 at 2 and 3 overflows
                        // the 1284p's 128 KiB of flash): recorded for the report.
                        for bin in bins.iter().filter(|b| b.starts_with("bench")) {
                            r.borrow_mut()
                                .runs
                                .push((p.level, mcu, bin, Err(e.clone())));
                        }
                        return Ok(());
                    }
                    let mut failures = Vec::new();
                    for bin in bins.iter().filter(|b| b.starts_with("bench")) {
                        let res = run_one(mcu, &elf(mcu, p.name, bin));
                        // Ed25519 on the ATmega2560 is expected to overflow: recorded only.
                        let expected = !(mcu == MEGA2560 && *bin == "bench-ed25519");
                        match &res {
                            Ok(run) if run.passed => {}
                            Ok(run) if expected => {
                                failures.push(format!("{bin}: {}", run.summary));
                            }
                            Err(e) if expected => failures.push(format!("{bin}: {e}")),
                            _ => {}
                        }
                        r.borrow_mut().runs.push((p.level, mcu, bin, res));
                    }
                    // Only the pinned level must pass; the others are reported as they are.
                    if failures.is_empty() || !pinned {
                        Ok(())
                    } else {
                        Err(format!("checks failed: {}", failures.join("; ")))
                    }
                },
            ));
        }
    }
    if !check {
        let r = Rc::clone(results);
        steps.push(Step::new("bench-avr sizes", move || {
            let mut r = r.borrow_mut();
            for bin in SIZE_BINS {
                let s = sizes(&elf(MEGA2560, PINNED.name, bin))?;
                r.sizes.push(((*bin).to_owned(), s));
            }
            for (mcu, bin) in [
                (MEGA2560, "bench"),
                (MEGA1284P, "bench"),
                (MEGA1284P, "bench-ed25519"),
                (MEGA1284P, COMPACT_BINS[0]),
                (MEGA1284P, COMPACT_BINS[1]),
            ] {
                let s = sizes(&elf(mcu, PINNED.name, bin))?;
                r.bench_sizes.push((format!("{bin} ({mcu})"), s));
            }
            Ok(())
        }));
        let r = Rc::clone(results);
        steps.push(Step::new("bench-avr table", move || {
            let body = avr_section(&r.borrow());
            eprintln!("{body}");
            splice_avr_section(&body)
        }));
    }
    steps
}

/// `cargo xtask bench-avr [--check]`.
pub fn steps(check: bool) -> Vec<Step> {
    steps_into(check, &Rc::new(RefCell::new(Results::default())))
}

/// The report section's body (`cargo xtask bench`) and the pinned level's cycles per
/// operation: runs the full AVR benchmark and formats it; if a step fails, says which and why
/// instead (and gives no cycles).
pub fn run() -> (String, Vec<(String, u64)>) {
    let results = Rc::new(RefCell::new(Results::default()));
    for step in steps_into(false, &results) {
        if step.name == "bench-avr table" {
            continue;
        }
        eprintln!("\n==> [bench] {}", step.name);
        if let Err(e) = (step.run)() {
            return (
                format!(
                    "**Not measured in this report:** step `{}` failed: {e}. Run `cargo xtask \
                     bench-avr` to see the whole output.",
                    step.name
                ),
                Vec::new(),
            );
        }
    }
    let r = results.borrow();
    (avr_section(&r), pinned_cycles(&r))
}

/// The checked operations' cycles at the pinned opt-level, each from the first MCU that ran it
/// (the ATmega2560's `bench` first, then the ATmega1284p's binaries).
pub(super) fn pinned_cycles(r: &Results) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for (_, _, _, run) in r.runs.iter().filter(|(l, ..)| *l == PINNED.level) {
        let Ok(run) = run else { continue };
        for op in run.ops.iter().filter(|o| o.ok) {
            if !out.iter().any(|(n, _)| *n == op.name) {
                out.push((op.name.clone(), op.cycles));
            }
        }
    }
    out
}

/// `TC (rustc X.Y.Z-nightly (HASH DATE))`.
fn rustc_version(tc: &str) -> String {
    let v = first_line("rustup", &["run", tc, "rustc", "-V"], true);
    format!("{tc} ({v})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avr_nightly_matches_fuzz_pin() {
        assert!(toolchain().is_ok_and(|tc| tc.starts_with("nightly-")));
    }

    #[test]
    fn pinned_level_is_the_release_profile() {
        let manifest = fs::read_to_string(bench_dir().join("Cargo.toml")).unwrap_or_default();
        let release = manifest
            .split("[profile.release]")
            .nth(1)
            .and_then(|rest| rest.lines().find(|l| l.starts_with("opt-level")))
            .map(|l| {
                l.trim_start_matches("opt-level = ")
                    .trim_matches('"')
                    .to_owned()
            });
        assert_eq!(release.as_deref(), Some(PINNED.level));
    }
}
