//! `cargo xtask demo`: the gateway (`examples/gateway`, on the host) and the device
//! (`examples/firmware`, binary `device`, a Cortex-M0 in QEMU) end to end.
//!
//! The gateway is built with its `server` feature, so it runs on the gateway backend
//! (`bulwark_server::Server`, the facade's `DefaultProvider` with `bulwark/server`) and says
//! so in its output.
//!
//! 1. `demo gateway provision`: `bulwark-gateway provision target/bulwark-demo` commissions
//!    one device: a fresh out-of-band code, the gateway's X25519 key, an Ed25519 update key
//!    and two signed MCUboot images, written to `target/bulwark-demo/device/` (what the device
//!    is flashed with) and `target/bulwark-demo/gateway/` (its own secrets).
//! 2. `demo device`: builds the `device` firmware with `BULWARK_DEVICE_DATA` pointing at that
//!    directory (its own target directory, `examples/firmware/target/demo`, so the data
//!    changing each run rebuilds only this binary), checks it fits the micro:bit (flash,
//!    static RAM plus the stack it measured), and runs it in QEMU, saving its output. Without
//!    QEMU (and no way to install it) it runs the same `no_std` device code on the host
//!    (`bulwark-gateway device-on-host`) and says so.
//! 3. `demo gateway`: `bulwark-gateway complete` reads the device's output, opens its frames,
//!    confirms the session key and checks the update the device installed.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::firmware::{self, Machine, TARGET};
use crate::{Step, cargo, describe, run, workspace_root};

/// How long the device may run in QEMU (it needs about a second).
const DEVICE_TIMEOUT: Duration = Duration::from_secs(120);

/// Where the run's data goes.
fn demo_dir() -> PathBuf {
    workspace_root().join("target").join("bulwark-demo")
}

fn device_output_path() -> PathBuf {
    demo_dir().join("device-output.txt")
}

fn mode_path() -> PathBuf {
    demo_dir().join("mode.txt")
}

/// The three steps; `ci` runs them too.
pub fn steps() -> Vec<Step> {
    vec![
        Step::new("demo gateway provision", provision),
        Step::new("demo device", device).hint(
            "run the device alone: `cd examples/firmware && cargo run --release --bin device` \
             (with the committed demo data in device-data/)",
        ),
        Step::new("demo gateway", complete),
    ]
}

/// `cargo` arguments that run the gateway example (its arguments follow).
const RUN_GATEWAY: [&str; 7] = [
    "run",
    "-q",
    "-p",
    "bulwark-gateway",
    "--features",
    "server",
    "--",
];

fn gateway(args: &[&str]) -> Result<(), String> {
    let mut full = RUN_GATEWAY.to_vec();
    full.extend(args);
    cargo(&full, &[])
}

fn provision() -> Result<(), String> {
    let dir = demo_dir();
    // A fresh commissioning each run: nothing of an earlier run may be picked up.
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    gateway(&["provision", &dir.display().to_string()])
}

/// Runs `command`, echoing its standard output line by line and returning it, killing it
/// after `timeout`.
fn capture(command: Command, shown: &str, timeout: Duration) -> Result<String, String> {
    let (status, output) = firmware::run_echoing(command, shown, timeout)?;
    match status {
        None => Err(format!(
            "`{shown}` did not finish within {} s (killed)",
            timeout.as_secs()
        )),
        Some(s) if !s.success() => Err(format!(
            "`{shown}` exited with {s}: a device check failed (see its output above)"
        )),
        Some(_) => Ok(output),
    }
}

/// The `@stack USED SIZE` line of the device's output.
fn peak_stack(output: &str) -> Option<(u64, u64)> {
    output.lines().find_map(|line| {
        let mut words = line.strip_prefix("@stack ")?.split_whitespace();
        Some((words.next()?.parse().ok()?, words.next()?.parse().ok()?))
    })
}

fn device() -> Result<(), String> {
    let output = match firmware::install_qemu() {
        Ok(()) => device_in_qemu()?,
        Err(why) => {
            eprintln!(
                "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
            );
            eprintln!("!! QEMU is not available ({why}).");
            eprintln!("!! The device's code runs ON THE HOST instead (the same no_std library),");
            eprintln!("!! so nothing here says it fits or works on a Cortex-M0.");
            eprintln!(
                "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            );
            write_mode("on the HOST (QEMU unavailable): the same no_std device code, x86_64")?;
            let args = [&RUN_GATEWAY[..], &["device-on-host"]].concat();
            let dir = demo_dir().display().to_string();
            let mut command = Command::new(crate::cargo_program());
            command.args(&args).arg(&dir).current_dir(workspace_root());
            let shown = format!("{} {dir}", describe("cargo", &args, &[]));
            capture(command, &shown, DEVICE_TIMEOUT)?
        }
    };
    let path = device_output_path();
    fs::write(&path, output).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_mode(mode: &str) -> Result<(), String> {
    fs::write(mode_path(), mode).map_err(|e| format!("cannot write {}: {e}", mode_path().display()))
}

fn device_in_qemu() -> Result<String, String> {
    crate::ensure_targets(&[TARGET])?;
    let data = demo_dir().join("device");
    let target_dir = firmware::target_dir().join("demo");
    let data_s = data.display().to_string();
    let target_s = target_dir.display().to_string();
    let args = [
        "build",
        "--release",
        "--bin",
        "device",
        "--target-dir",
        &target_s,
    ];
    let mut command = Command::new(crate::cargo_program());
    command
        .args(args)
        .env("BULWARK_DEVICE_DATA", &data)
        .current_dir(firmware::firmware_dir());
    run(
        command,
        &format!(
            "(cd examples/firmware && {})",
            describe("cargo", &args, &[("BULWARK_DEVICE_DATA", &data_s)])
        ),
    )?;

    let elf = target_dir.join(TARGET).join("release").join("device");
    let bytes = fs::read(&elf).map_err(|e| format!("cannot read {}: {e}", elf.display()))?;
    let fp = crate::elf::footprint(&bytes)
        .ok_or_else(|| format!("{} is not a 32-bit little-endian ELF", elf.display()))?;
    let machine = Machine::Microbit;

    write_mode(
        "in QEMU: `-machine microbit`, a Cortex-M0 with the nRF51's 256 KiB flash and 16 KiB RAM",
    )?;
    let mut qemu_args: Vec<String> = machine.qemu_args().iter().map(|&a| a.to_owned()).collect();
    qemu_args.push(elf.display().to_string());
    let mut command = Command::new("qemu-system-arm");
    command.args(&qemu_args);
    let start = Instant::now();
    let output = capture(
        command,
        &describe("qemu-system-arm", &qemu_args, &[]),
        DEVICE_TIMEOUT,
    )?;
    let secs = start.elapsed().as_secs_f64();

    let (stack, stack_region) = peak_stack(&output)
        .ok_or_else(|| "the device printed no `@stack USED SIZE` line".to_owned())?;
    let (flash_limit, ram_limit) = (machine.flash_limit(), machine.ram_limit());
    eprintln!(
        "\ndevice binary (Cortex-M0, ran {secs:.1} s in QEMU): flash {} of {} bytes ({:.1}%), \
         static RAM {} + peak stack {} = {} of {} bytes ({:.1}%; stack region {})",
        fp.flash,
        flash_limit,
        fp.flash as f64 * 100.0 / flash_limit as f64,
        fp.ram,
        stack,
        fp.ram + stack,
        ram_limit,
        (fp.ram + stack) as f64 * 100.0 / ram_limit as f64,
        stack_region
    );
    if fp.flash > flash_limit || fp.ram + stack > ram_limit {
        return Err("the device binary does not fit a micro:bit".to_owned());
    }
    Ok(output)
}

fn complete() -> Result<(), String> {
    let mode = fs::read_to_string(mode_path())
        .map_err(|e| format!("cannot read {}: {e}", mode_path().display()))?;
    gateway(&[
        "complete",
        &demo_dir().display().to_string(),
        &device_output_path().display().to_string(),
        mode.trim(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_stack_line() {
        assert_eq!(
            peak_stack("x\n@stack 11492 16376\ndevice: ..."),
            Some((11492, 16376))
        );
        assert_eq!(peak_stack("no stack here"), None);
    }
}
