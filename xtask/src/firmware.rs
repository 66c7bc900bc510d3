//! The Cortex-M0 firmware in `examples/firmware/` (its own cargo workspace): fmt, clippy,
//! release build, flash/RAM sizes read from the ELF files, and each conformance binary run in
//! QEMU with a timeout.
//!
//! Binaries named `*-mps2` run on QEMU's `mps2-an385` (Cortex-M3, 4 MiB: for vector sets that
//! cannot fit a micro:bit); every other binary on `microbit` (a real Cortex-M0 with the
//! nRF51's 256 KiB of flash and 16 KiB of RAM). The same rule picks the memory map in
//! `examples/firmware/build.rs`.
//!
//! Binaries named `compact-*` (the compact backend's conformance and on-target differential)
//! are built a second time for [`M4_TARGET`] and run on QEMU's `mps2-an386`, a Cortex-M4, where
//! the compact backend takes its 32x32 -> 64-bit product paths; they keep the memory map their
//! name picks (the AN386 has the AN385's memory, so the micro:bit's map fits inside it).

use std::env;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::{Step, describe, run, workspace_root};

/// The firmware's target (the micro:bit's Cortex-M0; the MPS2 runs the same code).
pub const TARGET: &str = "thumbv6m-none-eabi";

/// The second target for the `compact-*` binaries: the Cortex-M4 (ARMv7E-M, hardware float).
pub const M4_TARGET: &str = "thumbv7em-none-eabihf";

/// Whether `bin` is also built for [`M4_TARGET`] and run on the Cortex-M4.
pub fn runs_on_m4(bin: &str) -> bool {
    bin.starts_with("compact-")
}

/// How long one binary may run in QEMU before it counts as hung.
const QEMU_TIMEOUT: Duration = Duration::from_secs(300);

/// Where a binary runs, with the limits its memory map (`examples/firmware/memory/`) has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Machine {
    /// BBC micro:bit (nRF51822, Cortex-M0): 256 KiB flash, 16 KiB RAM.
    Microbit,
    /// ARM MPS2 AN385 (Cortex-M3) as QEMU models it: 4 MiB for code, 4 MiB for data.
    Mps2An385,
    /// ARM MPS2 AN386 (Cortex-M4), the AN385's memory map: runs the [`M4_TARGET`] builds.
    Mps2An386,
}

impl Machine {
    /// The machine a binary runs on, by its name.
    pub fn of(bin: &str) -> Self {
        if bin.ends_with("-mps2") {
            Self::Mps2An385
        } else {
            Self::Microbit
        }
    }

    /// The machine the build of `bin` for `target` runs on.
    pub fn of_build(bin: &str, target: &str) -> Self {
        if target == M4_TARGET {
            Self::Mps2An386
        } else {
            Self::of(bin)
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Microbit => "microbit",
            Self::Mps2An385 => "mps2-an385",
            Self::Mps2An386 => "mps2-an386",
        }
    }

    pub(crate) fn flash_limit(self) -> u64 {
        match self {
            Self::Microbit => 256 * 1024,
            Self::Mps2An385 | Self::Mps2An386 => 4 * 1024 * 1024,
        }
    }

    pub(crate) fn ram_limit(self) -> u64 {
        match self {
            Self::Microbit => 16 * 1024,
            Self::Mps2An385 | Self::Mps2An386 => 4 * 1024 * 1024,
        }
    }

    /// The QEMU arguments before the ELF file.
    pub(crate) fn qemu_args(self) -> &'static [&'static str] {
        const COMMON: [&str; 4] = [
            "-nographic",
            "-semihosting-config",
            "enable=on,target=native",
            "-kernel",
        ];
        match self {
            Self::Microbit => &[
                "-cpu",
                "cortex-m0",
                "-machine",
                "microbit",
                COMMON[0],
                COMMON[1],
                COMMON[2],
                COMMON[3],
            ],
            // This board only takes its own Cortex-M3 (`-cpu cortex-m0` is refused).
            Self::Mps2An385 => &[
                "-machine",
                "mps2-an385",
                COMMON[0],
                COMMON[1],
                COMMON[2],
                COMMON[3],
            ],
            Self::Mps2An386 => &[
                "-machine",
                "mps2-an386",
                COMMON[0],
                COMMON[1],
                COMMON[2],
                COMMON[3],
            ],
        }
    }
}

/// `examples/firmware/`.
pub(crate) fn firmware_dir() -> PathBuf {
    workspace_root().join("examples").join("firmware")
}

/// The firmware's target directory, fixed so the ELF paths are known whatever
/// `CARGO_TARGET_DIR` says.
pub(crate) fn target_dir() -> PathBuf {
    firmware_dir().join("target")
}

fn elf_path(bin: &str, target: &str) -> PathBuf {
    target_dir().join(target).join("release").join(bin)
}

/// Every (binary, target) pair that is built: each binary for [`TARGET`], the `compact-*` ones
/// also for [`M4_TARGET`].
fn builds(bins: &[String]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = bins.iter().map(|b| (b.clone(), TARGET)).collect();
    out.extend(
        bins.iter()
            .filter(|b| runs_on_m4(b))
            .map(|b| (b.clone(), M4_TARGET)),
    );
    out
}

/// The `[[bin]]` names declared in `manifest` (the firmware's `Cargo.toml`), in order.
pub fn bin_names(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
            continue;
        }
        if !in_bin {
            continue;
        }
        if let Some((key, value)) = line.split_once('=')
            && key.trim() == "name"
        {
            names.push(value.trim().trim_matches('"').to_owned());
        }
    }
    names
}

/// The firmware binaries, read from `examples/firmware/Cargo.toml`.
fn binaries() -> Result<Vec<String>, String> {
    let path = firmware_dir().join("Cargo.toml");
    let manifest =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let names = bin_names(&manifest);
    if names.is_empty() {
        return Err(format!("no [[bin]] in {}", path.display()));
    }
    Ok(names)
}

/// Runs `cargo ARGS` inside `examples/firmware/`, so its `.cargo/config.toml` (target, runner)
/// applies.
fn firmware_cargo(args: &[&str]) -> Result<(), String> {
    let mut command = Command::new(crate::cargo_program());
    command.args(args).current_dir(firmware_dir());
    run(
        command,
        &format!("(cd examples/firmware && {})", describe("cargo", args, &[])),
    )
}

/// Whether CI is running us (`CI=true`): then a missing QEMU is an error, not a warning.
fn in_ci() -> bool {
    env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

pub(crate) fn qemu_present() -> bool {
    Command::new("qemu-system-arm")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs `apt-get ARGS` non-interactively, through `sudo -n` (never prompting for a password)
/// unless we are root.
pub(crate) fn apt_get(args: &[&str]) -> Result<(), String> {
    let (program, mut full): (&str, Vec<&str>) = if is_root() {
        ("apt-get", Vec::new())
    } else {
        ("sudo", vec!["-n", "apt-get"])
    };
    full.extend(args);
    let mut command = Command::new(program);
    command.args(&full).env("DEBIAN_FRONTEND", "noninteractive");
    run(
        command,
        &describe(program, &full, &[("DEBIAN_FRONTEND", "noninteractive")]),
    )
}

/// Installs `qemu-system-arm` with apt if it is missing (running `apt-get update` first if
/// the package lists are stale). Errors only say why; [`qemu_setup`] decides whether that
/// fails the run.
pub(crate) fn install_qemu() -> Result<(), String> {
    if qemu_present() {
        eprintln!("qemu-system-arm already installed");
        return Ok(());
    }
    if Command::new("apt-get").arg("--version").output().is_err() {
        return Err(
            "qemu-system-arm is missing and there is no apt-get to install it \
                    (install QEMU's ARM system emulator by hand)"
                .to_owned(),
        );
    }
    let install = [
        "install",
        "-y",
        "--no-install-recommends",
        "qemu-system-arm",
    ];
    if apt_get(&install).is_err() {
        apt_get(&["update"])?;
        apt_get(&install)?;
    }
    if qemu_present() {
        Ok(())
    } else {
        Err("apt-get finished but `qemu-system-arm --version` still fails".to_owned())
    }
}

/// Makes sure QEMU is there. Outside CI a missing, uninstallable QEMU is a loud warning and
/// the QEMU runs are skipped; in CI (`CI=true`) it fails.
fn qemu_setup() -> Result<(), String> {
    match install_qemu() {
        Ok(()) => Ok(()),
        Err(message) if in_ci() => Err(format!("cannot run the firmware in QEMU: {message}")),
        Err(message) => {
            warn_skip(&message);
            Ok(())
        }
    }
}

fn warn_skip(message: &str) {
    eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    eprintln!("!! WARNING: the Cortex-M0 conformance runs are SKIPPED: {message}");
    eprintln!("!! (in CI, with CI=true, this is an error)");
    eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
}

/// Prints each binary's flash and static RAM and fails if one exceeds its machine.
fn check_sizes() -> Result<(), String> {
    let bins = builds(&binaries()?);
    let width = bins.iter().map(|(b, _)| b.len()).max().unwrap_or(0);
    eprintln!(
        "{:<width$}  {:<10}  {:>8} {:>8} {:>9}  {:>7}",
        "binary", "machine", ".text", ".rodata", "flash", "RAM"
    );
    let mut over = Vec::new();
    for (bin, target) in &bins {
        let path = elf_path(bin, target);
        let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let fp = crate::elf::footprint(&bytes)
            .ok_or_else(|| format!("{} is not a 32-bit little-endian ELF", path.display()))?;
        // The limits are the memory map's (picked by the name); the M4 builds run on the
        // AN386, whose memory holds either map.
        let limits = Machine::of(bin);
        let machine = Machine::of_build(bin, target);
        eprintln!(
            "{bin:<width$}  {:<10}  {:>8} {:>8} {:>9}  {:>7}   {:5.1}% of {} KiB flash, RAM {} KiB",
            machine.name(),
            fp.text,
            fp.rodata,
            fp.flash,
            fp.ram,
            fp.flash as f64 * 100.0 / limits.flash_limit() as f64,
            limits.flash_limit() / 1024,
            limits.ram_limit() / 1024,
        );
        if fp.flash > limits.flash_limit() || fp.ram > limits.ram_limit() {
            over.push(format!("{bin} ({target})"));
        }
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(format!("too big for their machine: {}", over.join(", ")))
    }
}

/// Runs one binary in QEMU with [`QEMU_TIMEOUT`], echoing its output. Passes only if QEMU
/// exits 0 (the firmware's semihosting exit status) and the firmware printed its summary line
/// with no failed check.
fn run_in_qemu(bin: &str, target: &str) -> Result<(), String> {
    if !qemu_present() {
        let message = "qemu-system-arm is not installed";
        if in_ci() {
            return Err(message.to_owned());
        }
        warn_skip(message);
        return Ok(());
    }
    let machine = Machine::of_build(bin, target);
    let elf = elf_path(bin, target);
    let mut args: Vec<String> = machine.qemu_args().iter().map(|&a| a.to_owned()).collect();
    args.push(elf.display().to_string());
    let shown = describe("qemu-system-arm", &args, &[]);
    let start = Instant::now();
    let mut command = Command::new("qemu-system-arm");
    command.args(&args);
    let (status, output) = run_echoing(command, &shown, QEMU_TIMEOUT)?;
    let summary_ok = output
        .lines()
        .any(|line| line.contains(" checks ok, 0 failed;"));
    let secs = start.elapsed().as_secs_f64();
    match status {
        None => Err(format!(
            "`{shown}` did not finish within {} s (killed)",
            QEMU_TIMEOUT.as_secs()
        )),
        Some(status) if !status.success() => Err(format!(
            "`{shown}` exited with {status} after {secs:.1} s: a check failed, the firmware \
             panicked or faulted (see its output above)"
        )),
        Some(_) if !summary_ok => Err(format!(
            "`{shown}` exited 0 after {secs:.1} s but printed no `N checks ok, 0 failed` \
             summary"
        )),
        Some(_) => {
            eprintln!("{bin}: passed on {} in {secs:.1} s", machine.name());
            Ok(())
        }
    }
}

/// Runs `command` (shown as `shown`), echoing its standard output line by line, and returns
/// its exit status with the output; the status is `None` when it ran past `timeout` and was
/// killed (our own child, by its handle: the reader then sees end of file).
pub(crate) fn run_echoing(
    mut command: Command,
    shown: &str,
    timeout: Duration,
) -> Result<(Option<ExitStatus>, String), String> {
    eprintln!("$ {shown}");
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| "no stdout pipe".to_owned())?;
    let reader = thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for `{shown}`: {e}")),
        }
    };
    Ok((status, reader.join().unwrap_or_default()))
}

/// fmt and clippy for the firmware workspace (part of CI's lint steps).
pub fn lint_steps() -> Vec<Step> {
    vec![
        Step::new("firmware fmt", || firmware_cargo(&["fmt", "--", "--check"]))
            .hint("run `cargo fmt` in examples/firmware"),
        Step::new("firmware clippy", || {
            let dir = target_dir().display().to_string();
            firmware_cargo(&[
                "clippy",
                "--release",
                "--all-targets",
                "--target-dir",
                &dir,
                "--",
                "-D",
                "warnings",
            ])
        }),
    ]
}

/// Builds the `compact-*` binaries for [`M4_TARGET`].
fn build_m4() -> Result<(), String> {
    let dir = target_dir().display().to_string();
    let bins: Vec<String> = binaries()?.into_iter().filter(|b| runs_on_m4(b)).collect();
    let mut args = vec![
        "build",
        "--release",
        "--target",
        M4_TARGET,
        "--target-dir",
        &dir,
    ];
    for bin in &bins {
        args.push("--bin");
        args.push(bin);
    }
    firmware_cargo(&args)
}

/// Installing QEMU and the target, the release build, the size check, and one QEMU run per
/// binary. The binaries are read from the firmware's manifest when the steps are made; if it
/// cannot be read, one failing step says why.
pub fn qemu_steps() -> Vec<Step> {
    let mut steps = vec![
        Step::new("qemu setup", || {
            crate::ensure_targets(&[TARGET, M4_TARGET])?;
            qemu_setup()
        })
        .hint("install QEMU's ARM emulator: `sudo apt-get install qemu-system-arm`"),
        Step::new("firmware build", || {
            let dir = target_dir().display().to_string();
            firmware_cargo(&["build", "--release", "--target-dir", &dir])
        })
        .hint("a binary that overflows FLASH or RAM fails to link: split its vector sets"),
        Step::new("firmware build (Cortex-M4)", build_m4)
            .hint("the compact-* binaries are also built for thumbv7em-none-eabihf"),
        Step::new("firmware size", check_sizes),
    ];
    match binaries() {
        Ok(bins) => steps.extend(builds(&bins).into_iter().map(|(bin, target)| {
            let name = if target == M4_TARGET {
                format!("qemu {bin} (Cortex-M4)")
            } else {
                format!("qemu {bin}")
            };
            Step::new(name, move || run_in_qemu(&bin, target)).hint(
                "run it alone: `cd examples/firmware && cargo run --release --bin NAME` \
                 (add `--target thumbv7em-none-eabihf` for the Cortex-M4; binaries named \
                 *-mps2: `cargo xtask qemu`)",
            )
        })),
        Err(message) => steps.push(Step::new("qemu binaries", move || Err(message.clone()))),
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bin_names_reads_only_bin_tables() {
        let manifest = "[package]\nname = \"pkg\"\n\n[[bin]]\nname = \"a\"\ntest = false\n\n\
                        [[bin]]\nname = \"b-mps2\"\n\n[profile.release]\nlto = true\n";
        assert_eq!(bin_names(manifest), ["a", "b-mps2"]);
        assert_eq!(Machine::of("b-mps2"), Machine::Mps2An385);
        assert_eq!(Machine::of("a"), Machine::Microbit);
        assert_eq!(Machine::of_build("a", TARGET), Machine::Microbit);
        assert_eq!(
            Machine::of_build("compact-a", M4_TARGET),
            Machine::Mps2An386
        );
        assert!(runs_on_m4("compact-a") && !runs_on_m4("a"));
        let bins = ["a".to_owned(), "compact-b".to_owned()];
        assert_eq!(
            builds(&bins),
            [
                ("a".to_owned(), TARGET),
                ("compact-b".to_owned(), TARGET),
                ("compact-b".to_owned(), M4_TARGET)
            ]
        );
    }

    #[test]
    fn the_firmware_manifest_lists_binaries_for_both_machines() {
        let bins = binaries().unwrap();
        assert!(bins.iter().any(|b| Machine::of(b) == Machine::Microbit));
        assert!(bins.iter().all(|b| {
            firmware_dir()
                .join("src/bin")
                .join(format!("{b}.rs"))
                .exists()
        }));
    }
}
