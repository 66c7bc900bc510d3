//! `bulwark-ctgrind`: runs every constant-time case under valgrind memcheck.
//!
//! Started outside valgrind, it re-executes itself under
//! `valgrind -q --error-exitcode=99 --track-origins=yes --suppressions=<crate>/valgrind.supp`
//! and exits with valgrind's status. Under valgrind it runs the cases and exits non-zero if any
//! case raised an unsuppressed report. `BULWARK_CTGRIND_SELF_TEST=1` adds deliberately leaky
//! cases, which must be reported (the harness's own test).

use bulwark_ctgrind::{cases, memcheck, run_cases};
use std::process::{Command, ExitCode};

/// The suppression file, next to this crate's manifest.
const SUPPRESSIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/valgrind.supp");

fn main() -> ExitCode {
    if !memcheck::running_on_valgrind() {
        if std::env::var_os("BULWARK_CTGRIND_NO_VALGRIND").is_some() {
            println!("ctgrind: BULWARK_CTGRIND_NO_VALGRIND set: running the cases unchecked");
        } else {
            return respawn_under_valgrind();
        }
    }
    print_backend();
    let mut all = cases::all();
    if std::env::var("BULWARK_CTGRIND_SELF_TEST").is_ok_and(|v| v == "1") {
        println!("ctgrind: self-test: the self-test-* cases MUST be reported");
        all.extend(cases::self_test());
    }
    let outcomes = run_cases(&all);
    if outcomes
        .iter()
        .any(|o| o.reports > 0 || o.failure.is_some())
    {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Which AES implementation the `aes` crate selects here (its detection, repeated).
fn print_backend() {
    #[cfg(target_arch = "x86_64")]
    {
        cpufeatures::new!(cpu_aes, "aes");
        cpufeatures::new!(cpu_vaes, "vaes");
        cpufeatures::new!(cpu_avx512, "avx512f");
        let soft = cfg!(aes_backend = "soft");
        println!(
            "ctgrind: on valgrind: {}; CPU reports aes={} vaes={} avx512f={}; aes crate backend: {}",
            memcheck::running_on_valgrind(),
            cpu_aes::get(),
            cpu_vaes::get(),
            cpu_avx512::get(),
            if soft {
                "soft (forced by --cfg aes_backend=\"soft\")"
            } else if cpu_aes::get() {
                "AES-NI"
            } else {
                "soft (no AES-NI detected)"
            }
        );
    }
}

fn respawn_under_valgrind() -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("ctgrind: cannot find my own executable: {e}");
            return ExitCode::from(2);
        }
    };
    let status = Command::new("valgrind")
        .args([
            "-q",
            "--error-exitcode=99",
            "--track-origins=yes",
            "--num-callers=30",
        ])
        .arg(format!("--suppressions={SUPPRESSIONS}"))
        .args(
            std::env::var("BULWARK_CTGRIND_VALGRIND_ARGS")
                .ok()
                .iter()
                .flat_map(|a| a.split_whitespace()),
        )
        .arg(&exe)
        .args(std::env::args_os().skip(1))
        .status();
    match status {
        Ok(s) => match s.code() {
            Some(0) => ExitCode::SUCCESS,
            Some(c) => ExitCode::from(u8::try_from(c).unwrap_or(1)),
            None => ExitCode::FAILURE,
        },
        Err(e) => {
            eprintln!("ctgrind: cannot run valgrind ({e}); install it (apt-get install valgrind)");
            ExitCode::from(2)
        }
    }
}
