//! `bulwark-gateway`: the gateway side of `cargo xtask demo`.
//!
//! ```text
//! bulwark-gateway provision DIR          commission a device: DIR/device/ (to flash), DIR/gateway/
//! bulwark-gateway device-on-host DIR     run the device's no_std code on the host (no QEMU)
//! bulwark-gateway complete DIR FILE MODE the gateway's side, from the device's output in FILE
//! bulwark-gateway host-demo DIR          all three in one process (the device on the host)
//! ```
//!
//! `cargo xtask demo` runs `provision`, builds and runs the `device` firmware in QEMU with
//! `BULWARK_DEVICE_DATA=DIR/device` (or `device-on-host` without QEMU), then `complete`.

use bulwark_example_device::Outcome;
use bulwark_gateway::{Failure, OsRandom, complete, device_on_host, provision};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: bulwark-gateway provision DIR | device-on-host DIR | \
                     complete DIR DEVICE_OUTPUT_FILE MODE | host-demo DIR";

fn finish(gateway: &Outcome) -> ExitCode {
    if gateway.success() {
        println!("gateway: {} checks ok, 0 failed", gateway.passed);
        ExitCode::SUCCESS
    } else {
        println!(
            "gateway: {} checks ok, {} FAILED",
            gateway.passed, gateway.failed
        );
        ExitCode::FAILURE
    }
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let arg = |i: usize| -> Result<&str, Failure> {
        args.get(i)
            .map(String::as_str)
            .ok_or_else(|| Failure(USAGE.to_owned()))
    };
    match arg(0)? {
        "provision" => {
            let mut out = String::new();
            provision(&PathBuf::from(arg(1)?), &mut OsRandom, &mut out)?;
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        "device-on-host" => {
            let (out, outcome) = device_on_host(&PathBuf::from(arg(1)?).join("device"))?;
            print!("{out}");
            Ok(if outcome.success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        "complete" => {
            let dir = PathBuf::from(arg(1)?);
            let device_output = std::fs::read_to_string(arg(2)?)?;
            let mut out = String::new();
            let outcome = complete(&dir, &device_output, arg(3)?, &mut out);
            print!("{out}");
            Ok(finish(&outcome?))
        }
        "host-demo" => {
            let dir = PathBuf::from(arg(1)?);
            let mut out = String::new();
            provision(&dir, &mut OsRandom, &mut out)?;
            print!("{out}");
            let (device_output, _) = device_on_host(&dir.join("device"))?;
            print!("{device_output}");
            let mut out = String::new();
            let outcome = complete(
                &dir,
                &device_output,
                "on the HOST (same no_std device code, x86_64)",
                &mut out,
            );
            print!("{out}");
            Ok(finish(&outcome?))
        }
        _ => Err(Failure(USAGE.to_owned())),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("bulwark-gateway: {e}");
            ExitCode::FAILURE
        }
    }
}
