//! `cargo xtask`: bulwark's build and CI driver (the cargo-xtask pattern).
//!
//! Plain Rust with no dependencies, so it builds on a fresh machine that has only rustup and
//! cargo. Every external tool is run through [`std::process::Command`] from the workspace root.
//!
//! ```text
//! cargo xtask ci        every check CI runs, fail-fast, with a timed summary
//! cargo xtask cross     build the no_std library crates for every bare-metal target
//! cargo xtask deps      check the dependency rules between our crates (`cargo metadata`)
//! cargo xtask qemu      run the conformance firmware (examples/firmware) in QEMU (Cortex-M0)
//! cargo xtask demo      the gateway (host) and the device (Cortex-M0 in QEMU) end to end
//! cargo xtask bench     the benchmark report: on-target and host benches -> benches/REPORT.md
//!                       (with ARGS: only the host criterion benches, ARGS go to criterion)
//! cargo xtask bench-target [--check]  on-target benches in QEMU (--check: CI smoke run)
//! cargo xtask bench-avr [--check]     AVR benches in simavr (--check: CI smoke run)
//! cargo xtask bench-profile [--write] [OP...]  where the cycles go, by function (QEMU)
//! cargo xtask ct-target  constant-time check on the Cortex-M0 binary in QEMU
//! cargo xtask fuzz [SECONDS]  every fuzz target for SECONDS each (CI runs 20)
//! ```
//!
//! To add a CI step, write a function returning `Result<(), String>` and add one
//! [`Step`] to [`ci_steps`]. To add a no_std library crate, add it to [`NO_STD_CRATES`].

mod bench;
mod demo;
mod deps;
mod elf;
mod firmware;
mod json;
mod security;

use std::env;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// The library crates that must build for bare-metal targets (`#![no_std]`, no allocator).
/// Add new no_std crates here: `cross` and `ci` pick them up.
const NO_STD_CRATES: &[&str] = &[
    "bulwark-api",
    "bulwark-modes",
    "bulwark-soft",
    "bulwark-compact",
    "bulwark-conformance",
    "bulwark-psk",
    "bulwark-oscore",
    "bulwark-firmware",
    "bulwark-trust",
];

/// The bare-metal targets CI builds for: Cortex-M0/M0+, Cortex-M4F/M7F, RISC-V RV32IMC.
const NO_STD_TARGETS: &[&str] = &[
    "thumbv6m-none-eabi",
    "thumbv7em-none-eabihf",
    "riscv32imc-unknown-none-elf",
];

/// The rustup components CI needs beyond a minimal toolchain.
const COMPONENTS: &[&str] = &["rustfmt", "clippy"];

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  ci             run every check CI runs (toolchain setup, fmt, dependency rules, clippy,
                 tests, docs, no_std cross builds, bench build), stopping at the first
                 failure
  cross          build the no_std library crates for every bare-metal target
  deps           check the dependency rules between bulwark's crates (api on nothing of
                 ours, modes on api, protocols never on a backend, backends never on a
                 protocol, no test support in a runtime graph) from `cargo metadata`
  qemu           build the conformance firmware (examples/firmware) and run each binary in
                 QEMU: Cortex-M0 (micro:bit), and mps2-an385 for sets too big for it
  demo           the gateway (examples/gateway, host) commissions a device, signs its
                 update; the device (examples/firmware `device`, Cortex-M0 in QEMU, or the
                 same code on the host without QEMU) derives its keys, seals readings,
                 does an X25519 exchange and verifies the update; the gateway checks it all
  bench [ARGS]   write benches/REPORT.md (on-target, AVR, RISC-V and host benches); with
                 ARGS only the host criterion benches run, ARGS go to criterion
  bench-target [--check]
                 build and run the on-target benches in QEMU (Cortex-M0, Cortex-M4);
                 --check: the fast CI mode (build, run once, checks pass, no report)
  bench-profile [--write] [OP...]
                 profile by function of on-target operations (Cortex-M0 with the cycle
                 estimate, Cortex-M4) from the QEMU plugin and the ELF symbols; without OP
                 the compact backend's operations that miss their goal; --write replaces
                 the \"Where the cycles go\" section of benches/REPORT.md
  ct-target      the constant-time check on the target binary: every operation on
                 secrets (Cortex-M0 in QEMU) with 8 secrets each must execute the same
                 instruction and data addresses (a QEMU plugin hashes both); two
                 deliberate leaks must be caught
  bench-avr [--check]
                 build and run the AVR benches in simavr (ATmega2560, and ATmega1284p for
                 Ed25519) at every opt-level; --check: the pinned level only, run once,
                 checks pass (installs the pinned nightly, rust-src and simavr if missing)
  fuzz [SECONDS] run every fuzz target for SECONDS each (default 20; CI's smoke run)
  help           print this message";

/// One named CI step: what it runs, and a hint printed when it fails.
struct Step {
    name: String,
    run: Box<dyn Fn() -> Result<(), String>>,
    hint: Option<&'static str>,
}

impl Step {
    fn new(name: impl Into<String>, run: impl Fn() -> Result<(), String> + 'static) -> Self {
        Self {
            name: name.into(),
            run: Box::new(run),
            hint: None,
        }
    }

    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
}

/// The full CI run, in order. Later work (fuzz smoke, differential tests) appends
/// steps here.
fn ci_steps() -> Vec<Step> {
    let mut steps = vec![
        Step::new("toolchain", || {
            install_targets()?;
            install_components()
        })
        .hint("a fresh machine needs rustup on PATH (https://rustup.rs) and network access to install targets"),
        Step::new("OpenSSL headers", security::ensure_openssl_dev)
            .hint("the differential tests and benches link the system OpenSSL (libssl-dev, pkg-config)"),
        Step::new("fmt", || cargo(&["fmt", "--all", "--", "--check"], &[]))
            .hint("run `cargo fmt --all` and commit the result"),
        Step::new("deps", deps::run).hint(
            "a crate depends on one it may not: fix the edge, or the table in xtask/src/deps.rs \
             if the rule itself changed (and ARCHITECTURE.md with it)",
        ),
        Step::new("clippy", || {
            cargo(
                &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
                &[],
            )?;
            // The CLI on the gateway backend is the same contract; its code differs by cfg.
            cargo(
                &[
                    "clippy", "-p", "bulwark-cli", "--features", "server", "--all-targets", "--",
                    "-D", "warnings",
                ],
                &[],
            )
        }),
        Step::new("python tools", security::install_python_tools).hint(
            "the interop tests drive imgtool, cbor2, cryptography and aiocoap from PyPI \
             (xtask/src/security.rs lists them); tests find them first on PATH",
        ),
        Step::new("tshark", security::ensure_tshark).hint(
            "bulwark-links checks its Zigbee and IEEE 802.15.4 frames with Wireshark's dissectors: \
             `apt-get install tshark` (as root or with passwordless sudo)",
        ),
        Step::new("test", || {
            // The differential crate runs in release in its own step (10,000 cases each).
            let path = security::path_with_tools();
            cargo(
                &["test", "--workspace", "--exclude", "bulwark-differential"],
                &[("PATH", path.as_str()), ("BULWARK_REQUIRE_IMGTOOL", "1")],
            )
        }),
        Step::new("doc", || {
            cargo(
                &["doc", "--workspace", "--no-deps"],
                &[("RUSTDOCFLAGS", "-D warnings")],
            )
        }),
    ];
    steps.push(
        Step::new("compact differential", || {
            // The compact backend against the software one: 100,000 seeded cases per
            // operation in release (X25519 per field strategy, P-256 ECDH and ECDSA; Ed25519
            // verify and sign 5,000 each), plus the edge values.
            cargo(
                &[
                    "test",
                    "--release",
                    "-p",
                    "bulwark-compact",
                    "--test",
                    "x25519",
                    "--test",
                    "ed25519",
                    "--test",
                    "p256",
                ],
                &[],
            )
        })
        .hint("rerun one set with `cargo test -p bulwark-compact --release --test NAME`; crates/bulwark-compact/README.md says how to change the case count"),
    );
    steps.extend(cross_steps());
    steps.extend(firmware::lint_steps());
    steps.extend(firmware::qemu_steps());
    steps.extend(demo::steps());
    steps.extend(bench::arm::steps(true));
    steps.push(bench::profile::ci_step());
    steps.extend(bench::ct::steps());
    steps.extend(bench::avr::steps(true));
    steps.extend(security::ci_steps());
    steps.push(Step::new("bench-build", || {
        cargo(&["bench", "--workspace", "--no-run"], &[])
    }));
    steps
}

/// One build step per bare-metal target.
fn cross_steps() -> Vec<Step> {
    NO_STD_TARGETS
        .iter()
        .map(|&target| {
            Step::new(format!("cross {target}"), move || cross_build(target)).hint(
                "the no_std crates must not use std, alloc or a default feature that pulls them in",
            )
        })
        .collect()
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let no_extra_args = |name: &str| -> Result<(), ExitCode> {
        if rest.is_empty() {
            Ok(())
        } else {
            eprintln!("error: `cargo xtask {name}` takes no arguments\n\n{USAGE}");
            Err(ExitCode::from(2))
        }
    };
    let steps = match command {
        "ci" => {
            if let Err(code) = no_extra_args("ci") {
                return code;
            }
            ci_steps()
        }
        "cross" => {
            if let Err(code) = no_extra_args("cross") {
                return code;
            }
            let mut steps = vec![Step::new("targets", install_targets)];
            steps.extend(cross_steps());
            steps
        }
        "deps" => {
            if let Err(code) = no_extra_args("deps") {
                return code;
            }
            vec![Step::new("deps", deps::run)]
        }
        "qemu" => {
            if let Err(code) = no_extra_args("qemu") {
                return code;
            }
            firmware::qemu_steps()
        }
        "demo" => {
            if let Err(code) = no_extra_args("demo") {
                return code;
            }
            demo::steps()
        }
        "fuzz" => match rest {
            [] => vec![Step::new("fuzz", || {
                security::fuzz(security::CI_FUZZ_SECONDS)
            })],
            [seconds] => match seconds.parse::<u32>() {
                Ok(secs) => vec![Step::new("fuzz", move || security::fuzz(secs))],
                Err(_) => {
                    eprintln!(
                        "error: `cargo xtask fuzz` takes a number of seconds per target\n\n{USAGE}"
                    );
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("error: `cargo xtask fuzz` takes at most one argument\n\n{USAGE}");
                return ExitCode::from(2);
            }
        },
        "bench" if rest.is_empty() => bench::report::report_steps(),
        "bench-avr" => match rest {
            [] => bench::avr::steps(false),
            [flag] if flag == "--check" => bench::avr::steps(true),
            _ => {
                eprintln!("error: `cargo xtask bench-avr` takes only --check\n\n{USAGE}");
                return ExitCode::from(2);
            }
        },
        "bench-target" => match rest {
            [] => bench::arm::steps(false),
            [flag] if flag == "--check" => bench::arm::steps(true),
            _ => {
                eprintln!("error: `cargo xtask bench-target` takes only --check\n\n{USAGE}");
                return ExitCode::from(2);
            }
        },
        "bench-profile" => {
            let write = rest.iter().any(|a| a == "--write");
            let ops: Vec<String> = rest.iter().filter(|a| *a != "--write").cloned().collect();
            if let Some(flag) = ops.iter().find(|a| a.starts_with('-')) {
                eprintln!("error: `cargo xtask bench-profile` does not take {flag}\n\n{USAGE}");
                return ExitCode::from(2);
            }
            bench::profile::steps(write, ops)
        }
        "ct-target" => {
            if let Err(code) = no_extra_args("ct-target") {
                return code;
            }
            bench::ct::steps()
        }
        "bench" => {
            let mut cargo_args = vec!["bench".to_owned(), "-p".into(), "bulwark-benches".into()];
            if !rest.is_empty() {
                cargo_args.push("--".into());
                cargo_args.extend(rest.iter().cloned());
            }
            vec![Step::new("bench", move || cargo(&cargo_args, &[]))]
        }
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("error: unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    run_steps(command, &steps)
}

/// The outcome of one step, for the summary.
enum Outcome {
    Passed(Duration),
    Failed(Duration),
    NotRun,
}

/// Runs `steps` in order, stopping at the first failure, and prints a summary with timings.
fn run_steps(command: &str, steps: &[Step]) -> ExitCode {
    let total = Instant::now();
    let mut outcomes = Vec::with_capacity(steps.len());
    let mut failure = None;
    for step in steps {
        if failure.is_some() {
            outcomes.push(Outcome::NotRun);
            continue;
        }
        eprintln!("\n==> [{command}] {}", step.name);
        let start = Instant::now();
        match (step.run)() {
            Ok(()) => outcomes.push(Outcome::Passed(start.elapsed())),
            Err(message) => {
                outcomes.push(Outcome::Failed(start.elapsed()));
                failure = Some((step, message));
            }
        }
    }

    let width = steps.iter().map(|s| s.name.len()).max().unwrap_or(0);
    eprintln!("\n==> [{command}] summary");
    for (step, outcome) in steps.iter().zip(&outcomes) {
        let (status, time) = match outcome {
            Outcome::Passed(t) => ("ok", format!("{:>7.1}s", t.as_secs_f64())),
            Outcome::Failed(t) => ("FAILED", format!("{:>7.1}s", t.as_secs_f64())),
            Outcome::NotRun => ("not run", String::new()),
        };
        let line = format!("    {:<width$}  {status:<7}  {time}", step.name);
        eprintln!("{}", line.trim_end());
    }
    let elapsed = total.elapsed().as_secs_f64();
    match failure {
        None => {
            let n = steps.len();
            let plural = if n == 1 { "" } else { "s" };
            eprintln!("==> [{command}] {n} step{plural} passed in {elapsed:.1}s");
            ExitCode::SUCCESS
        }
        Some((step, message)) => {
            eprintln!(
                "==> [{command}] FAILED at step `{}` after {elapsed:.1}s: {message}",
                step.name
            );
            if let Some(hint) = step.hint {
                eprintln!("    hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate's directory).
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}

/// The cargo that started us (`$CARGO`), so the same toolchain runs every step.
fn cargo_program() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs `cargo ARGS` in the workspace root with extra environment variables, inheriting the
/// terminal. Fails with a message naming the command and its exit status.
fn cargo<S: AsRef<OsStr>>(args: &[S], envs: &[(&str, &str)]) -> Result<(), String> {
    let mut command = Command::new(cargo_program());
    command.args(args).current_dir(workspace_root());
    for (key, value) in envs {
        command.env(key, value);
    }
    let shown = describe("cargo", args, envs);
    run(command, &shown)
}

/// `cargo build --release -p <each no_std crate> --target <target>`.
fn cross_build(target: &str) -> Result<(), String> {
    let mut args = vec!["build", "--release"];
    for krate in NO_STD_CRATES {
        args.extend(["-p", krate]);
    }
    args.extend(["--target", target]);
    cargo(&args, &[])
}

/// Runs a prepared command, echoing it first.
fn run(mut command: Command, shown: &str) -> Result<(), String> {
    eprintln!("$ {shown}");
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(match status.code() {
            Some(code) => format!("`{shown}` exited with status {code}"),
            None => format!("`{shown}` was killed by a signal"),
        }),
        Err(error) => Err(format!("could not start `{shown}`: {error}")),
    }
}

/// The command line as a user would type it.
fn describe<S: AsRef<OsStr>>(program: &str, args: &[S], envs: &[(&str, &str)]) -> String {
    let mut parts: Vec<String> = envs
        .iter()
        .map(|(key, value)| format!("{key}=\"{value}\""))
        .collect();
    parts.push(program.to_owned());
    parts.extend(
        args.iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned()),
    );
    parts.join(" ")
}

/// Runs `rustup ARGS` and returns its standard output.
fn rustup_output(args: &[&str]) -> Result<String, String> {
    let shown = describe("rustup", args, &[]);
    match Command::new("rustup").args(args).output() {
        Ok(output) if output.status.success() => {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Ok(output) => Err(format!(
            "`{shown}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(error) => Err(format!(
            "could not run `{shown}` ({error}); install rustup from https://rustup.rs \
             or add the targets and components to your toolchain by hand"
        )),
    }
}

/// The names from `rustup ... list --installed` that are missing from `wanted`.
/// Component lines carry a host suffix (`clippy-x86_64-unknown-linux-gnu`), so a wanted name
/// matches a line equal to it or starting with `name-`.
fn missing<'a>(installed: &str, wanted: &[&'a str]) -> Vec<&'a str> {
    wanted
        .iter()
        .copied()
        .filter(|name| {
            !installed.lines().map(str::trim).any(|line| {
                line == *name
                    || line
                        .strip_prefix(name)
                        .is_some_and(|rest| rest.starts_with('-'))
            })
        })
        .collect()
}

/// `rustup target add` for every bare-metal target that is not installed yet.
fn install_targets() -> Result<(), String> {
    ensure_targets(NO_STD_TARGETS)
}

/// `rustup target add` for those of `targets` that are not installed yet.
fn ensure_targets(targets: &[&str]) -> Result<(), String> {
    rustup_add("target", targets)
}

/// `rustup component add` for rustfmt and clippy if they are not installed yet.
fn install_components() -> Result<(), String> {
    rustup_add("component", COMPONENTS)
}

/// `rustup KIND add` for those of `wanted` that `rustup KIND list --installed` does not list.
fn rustup_add(kind: &str, wanted: &[&str]) -> Result<(), String> {
    let installed = rustup_output(&[kind, "list", "--installed"])?;
    let needed = missing(&installed, wanted);
    if needed.is_empty() {
        eprintln!("{kind}s already installed: {}", wanted.join(" "));
        return Ok(());
    }
    let mut args = vec![kind, "add"];
    args.extend(&needed);
    let mut command = Command::new("rustup");
    command.args(&args);
    run(command, &describe("rustup", &args, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_matches_targets_and_suffixed_components() {
        let installed = "x86_64-unknown-linux-gnu\nthumbv6m-none-eabi\n";
        assert_eq!(
            missing(installed, NO_STD_TARGETS),
            ["thumbv7em-none-eabihf", "riscv32imc-unknown-none-elf"]
        );
        let components = "cargo-x86_64-unknown-linux-gnu\nclippy-x86_64-unknown-linux-gnu\n\
                          rustfmt-x86_64-unknown-linux-gnu\n";
        assert!(missing(components, COMPONENTS).is_empty());
        assert_eq!(
            missing("cargo-x86_64-unknown-linux-gnu\n", COMPONENTS),
            COMPONENTS
        );
    }

    #[test]
    fn ci_has_one_cross_step_per_target_and_unique_names() {
        let steps = ci_steps();
        let cross = steps
            .iter()
            .filter(|s| s.name.starts_with("cross "))
            .count();
        assert_eq!(cross, NO_STD_TARGETS.len());
        let mut names: Vec<_> = steps.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), steps.len());
    }

    #[test]
    fn describe_shows_env_and_args() {
        assert_eq!(
            describe(
                "cargo",
                &["doc", "--no-deps"],
                &[("RUSTDOCFLAGS", "-D warnings")]
            ),
            "RUSTDOCFLAGS=\"-D warnings\" cargo doc --no-deps"
        );
    }
}
