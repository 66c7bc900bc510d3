//! CI steps for the attack-surface checks and the interoperability tools they need: the
//! OpenSSL differential run, the fuzz smoke run, and the `imgtool` the CLI's interop tests use.

use crate::{Step, cargo, describe, run, workspace_root};
use std::env;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Seconds each fuzz target runs in CI (`cargo xtask fuzz SECONDS` for longer local runs).
pub(crate) const CI_FUZZ_SECONDS: u32 = 20;

/// The Python packages the interop tests drive, pinned: one line per tool. `imgtool` signs and
/// verifies MCUboot images; `cbor2` and `cryptography` are the independent COSE/CBOR and
/// primitive implementations; `aiocoap` (with OSCORE) is the CoAP peer.
const PYTHON_TOOLS: &[&str] = &[
    "imgtool==2.5.0",
    "cryptography==50.0.2",
    "cbor2==6.3.0",
    "aiocoap[oscore]==0.4.17",
];

/// Where the CI's Python tools live: a virtualenv under `target/`, rebuilt on demand.
fn tools_venv() -> PathBuf {
    workspace_root()
        .join("target")
        .join("ci-tools")
        .join("venv")
}

fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `PATH` with the tools virtualenv first, so tests find `imgtool`.
pub(crate) fn path_with_tools() -> String {
    let bin = tools_venv().join("bin");
    match env::var("PATH") {
        Ok(path) => format!("{}:{path}", bin.display()),
        Err(_) => bin.display().to_string(),
    }
}

/// Installs [`PYTHON_TOOLS`] into the tools virtualenv (Python's `venv` + pip from PyPI), unless
/// the virtualenv already holds exactly that list (recorded in `requirements.txt` beside it).
pub(crate) fn install_python_tools() -> Result<(), String> {
    let venv = tools_venv();
    let record = venv.join("requirements.txt");
    let wanted = PYTHON_TOOLS.join("\n");
    let imgtool = venv.join("bin").join("imgtool");
    if std::fs::read_to_string(&record).is_ok_and(|had| had == wanted)
        && works(&imgtool.to_string_lossy(), &["version"])
    {
        eprintln!("Python tools already installed in {}", venv.display());
        return Ok(());
    }
    let venv_str = venv.to_string_lossy().into_owned();
    let mut create = Command::new("python3");
    create.args(["-m", "venv", &venv_str]);
    if run(
        create,
        &describe("python3", &["-m", "venv", &venv_str], &[]),
    )
    .is_err()
    {
        return Err(format!(
            "could not create a Python virtualenv at {venv_str}: install Python 3 with its \
             venv module (Debian/Ubuntu: apt-get install python3-venv)"
        ));
    }
    let pip = venv.join("bin").join("pip").to_string_lossy().into_owned();
    let mut args = vec!["install", "--quiet", "--disable-pip-version-check"];
    args.extend_from_slice(PYTHON_TOOLS);
    let mut install = Command::new(&pip);
    install.args(&args);
    run(install, &describe(&pip, &args, &[]))?;
    if !works(&imgtool.to_string_lossy(), &["version"]) {
        return Err("pip finished but `imgtool version` fails".to_owned());
    }
    std::fs::write(&record, wanted).map_err(|e| format!("cannot write {}: {e}", record.display()))
}

/// Makes sure OpenSSL's headers and `pkg-config` are there for the `openssl` crate (the
/// differential tests and the benches), installing `libssl-dev` and `pkg-config` with apt if not.
pub(crate) fn ensure_openssl_dev() -> Result<(), String> {
    if works("pkg-config", &["--exists", "openssl"]) {
        eprintln!("OpenSSL development files already installed");
        return Ok(());
    }
    let install = [
        "install",
        "-y",
        "--no-install-recommends",
        "libssl-dev",
        "pkg-config",
    ];
    if crate::firmware::apt_get(&install).is_err() {
        crate::firmware::apt_get(&["update"])?;
        crate::firmware::apt_get(&install)?;
    }
    if works("pkg-config", &["--exists", "openssl"]) {
        Ok(())
    } else {
        Err("libssl-dev is installed but `pkg-config --exists openssl` still fails".to_owned())
    }
}

/// Makes sure `tshark` (Wireshark's dissectors, Debian package `tshark`) is there for the
/// bulwark-links check that Wireshark decrypts the Zigbee and IEEE 802.15.4 frames bulwark
/// seals, installing it with apt if not (non-interactive: debconf keeps its defaults, so
/// packet capture stays root-only; the test only reads a pcap file).
pub(crate) fn ensure_tshark() -> Result<(), String> {
    if works("tshark", &["--version"]) {
        eprintln!("tshark already installed");
        return Ok(());
    }
    let install = ["install", "-y", "--no-install-recommends", "tshark"];
    if crate::firmware::apt_get(&install).is_err() {
        crate::firmware::apt_get(&["update"])?;
        crate::firmware::apt_get(&install)?;
    }
    if works("tshark", &["--version"]) {
        Ok(())
    } else {
        Err("apt-get finished but `tshark --version` still fails".to_owned())
    }
}

/// The OpenSSL differential run, in release (10,000 seeded cases per primitive).
fn differential() -> Result<(), String> {
    cargo(
        &[
            "test",
            "--release",
            "-p",
            "bulwark-differential",
            "--",
            "--nocapture",
        ],
        &[],
    )
}

/// The fuzz smoke run: every target for `seconds` from its committed corpus.
pub(crate) fn fuzz(seconds: u32) -> Result<(), String> {
    let script = workspace_root().join("fuzz").join("smoke.sh");
    let script = script.to_string_lossy().into_owned();
    let secs = seconds.to_string();
    let mut command = Command::new("bash");
    command.args([script.as_str(), secs.as_str()]);
    run(command, &describe("bash", &[script.as_str(), &secs], &[]))
}

/// The constant-time check: our operations under valgrind with secrets marked undefined
/// (crates/bulwark-ctgrind/run.sh: a self-test that must be caught, then the default and the
/// forced software-AES builds).
fn ctgrind() -> Result<(), String> {
    let script = workspace_root()
        .join("crates")
        .join("bulwark-ctgrind")
        .join("run.sh");
    let script = script.to_string_lossy().into_owned();
    let mut command = Command::new("bash");
    command.arg(&script);
    run(command, &describe("bash", &[script.as_str()], &[]))
}

/// The steps `cargo xtask ci` runs after the main test run.
pub(crate) fn ci_steps() -> Vec<Step> {
    vec![
        Step::new("differential (OpenSSL)", differential).hint(
            "a mismatch prints its seed and case: rerun with BULWARK_DIFF_SEED/BULWARK_DIFF_CASE",
        ),
        Step::new("constant time (valgrind)", ctgrind).hint(
            "a report names its case and source line: fix it, or triage it into \
             crates/bulwark-ctgrind/valgrind.supp with an explanation",
        ),
        Step::new(
            format!("fuzz smoke ({CI_FUZZ_SECONDS}s per target)"),
            || fuzz(CI_FUZZ_SECONDS),
        )
        .hint("a crash leaves its reproducer under fuzz/target/smoke/artifacts/"),
    ]
}
