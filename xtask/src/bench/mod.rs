//! The benchmarks and their report, `benches/REPORT.md`.
//!
//! - [`arm`]: the on-target firmware in `benches/embedded/arm` (Cortex-M0, Cortex-M4 and
//!   RISC-V RV32IMC in QEMU, exact instruction counts): `cargo xtask bench-target [--check]`.
//! - [`avr`]: the AVR firmware in `benches/embedded/avr` (ATmega2560 and ATmega1284p in
//!   simavr, exact cycles): `cargo xtask bench-avr [--check]`.
//! - [`ct`]: the constant-time check on the Cortex-M0 binary (`cargo xtask ct-target`).
//! - [`profile`]: where the cycles go, by function (`cargo xtask bench-profile`).
//! - [`host`]: the host criterion benches (`benches/benches`), read back for the report
//!   (`report_gateway` writes the gateway CCM batch and small-packet ratios from them).
//! - [`report`]: `cargo xtask bench` (no arguments), every run above, then writes the report.
//!
//! Both firmware share their measured operations (`benches/embedded/ops`); the helpers both
//! drivers need (symbols, the C harnesses, the runs under `timeout`) are here.

pub mod arm;
pub mod avr;
mod compare;
pub mod ct;
mod host;
pub mod profile;
mod profile_notes;
mod profile_report;
pub mod report;
mod report_avr;
mod report_gateway;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use crate::{describe, run, workspace_root};

/// `benches/embedded/`: the firmware workspaces (`arm`, `avr`) and their shared `ops` crate.
fn embedded_dir() -> PathBuf {
    workspace_root().join("benches").join("embedded")
}

/// `n` with thousands separators (`1,234,567`).
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

/// The address of symbol `name` in `elf`, from `nm` (the program: `nm` or `avr-nm`).
fn symbol(nm: &str, elf: &Path, name: &str) -> Result<u64, String> {
    let output = Command::new(nm)
        .arg(elf)
        .output()
        .map_err(|e| format!("cannot run {nm}: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| {
            let mut parts = line.split_whitespace();
            let addr = parts.next()?;
            let _kind = parts.next()?;
            (parts.next()? == name).then(|| u64::from_str_radix(addr, 16).ok())?
        })
        .ok_or_else(|| format!("no symbol {name} in {}", elf.display()))
}

/// `cc -O2 -Wall FLAGS -o OUT SRC LIBS`: a C harness (the QEMU plugin, the simavr driver).
fn compile_c(src: &Path, out: &Path, flags: &[&str], libs: &[&str]) -> Result<(), String> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
    }
    let mut args: Vec<String> = ["-O2", "-Wall"].into_iter().map(str::to_owned).collect();
    args.extend(flags.iter().map(|&f| f.to_owned()));
    args.extend([
        "-o".to_owned(),
        out.display().to_string(),
        src.display().to_string(),
    ]);
    args.extend(libs.iter().map(|&l| l.to_owned()));
    let mut command = Command::new("cc");
    command.args(&args);
    run(command, &describe("cc", &args, &[]))
}

/// Runs `timeout ARGS` (echoed first), capturing its standard output.
fn run_timed(args: &[String]) -> Result<(ExitStatus, String, String), String> {
    let shown = describe("timeout", args, &[]);
    eprintln!("$ {shown}");
    let output = Command::new("timeout")
        .args(args)
        .output()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    Ok((output.status, stdout, shown))
}

/// The first line a tool prints (with `stderr`, of its standard output then its standard
/// error, trimmed), or `PROGRAM: not available`.
fn first_line(program: &str, args: &[&str], stderr: bool) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|o| {
            if stderr {
                let text = [o.stdout, o.stderr].concat();
                String::from_utf8_lossy(&text)
                    .lines()
                    .next()
                    .map(|l| l.trim().to_owned())
            } else {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .next()
                    .map(str::to_owned)
            }
        })
        .unwrap_or_else(|| format!("{program}: not available"))
}

/// The section of the current report under `heading` (up to the next `## `), or nothing.
pub(super) fn kept_section(path: &Path, heading: &str) -> String {
    let Ok(text) = std::fs::read_to_string(path) else {
        return String::new();
    };
    let Some(start) = text.find(heading) else {
        return String::new();
    };
    let end = text[start + heading.len()..]
        .find("\n## ")
        .map_or(text.len(), |i| start + heading.len() + i + 1);
    text[start..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_n_groups_thousands() {
        assert_eq!(fmt_n(0), "0");
        assert_eq!(fmt_n(999), "999");
        assert_eq!(fmt_n(1000), "1,000");
        assert_eq!(fmt_n(13_900_397), "13,900,397");
    }
}
