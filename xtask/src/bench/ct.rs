//! The constant-time check on the target binary: `cargo xtask ct-target` (a CI step after the
//! bench-target check).
//!
//! Builds the hashing plugin (`benches/embedded/arm/qemu-plugin/ct_trace.c`) and the `ct`
//! firmware (`benches/embedded/arm/src/ct.rs`, thumbv6m), runs it once in QEMU (`microbit`, a
//! Cortex-M0), and for every operation on secrets compares its runs' hashes: the executed
//! instruction addresses and the data addresses (with load/store and size) between the
//! markers. Each operation runs on several secrets, all copied into one static buffer; the
//! hashes must be identical across them. Two self-test operations leak on purpose (a branch
//! on a secret bit, a table read at a secret index) and must give different hashes, so the
//! check cannot pass silently. For an operation that differs, a second QEMU run locates the
//! first difference between two of its runs and names the function and source line
//! (`addr2line`).
//!
//! Prints one line per operation: `ct OP: N secrets, identical` or `ct OP: N secrets, DIFFERS
//! (...)`.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use super::arm::{self, M0};
use super::{compile_c, embedded_dir, run_timed, symbol};
use crate::{Step, ensure_targets};

/// Seconds one QEMU run may take (the whole check takes a few seconds).
const QEMU_TIMEOUT_S: &str = "300";
/// The operations that leak on purpose: each must differ, in the trace it leaks through
/// (`true`: the instruction addresses; `false`: the data addresses only), and the branch's
/// first difference must be located in the self-test's own code (the locating run works).
const SELF_TESTS: &[(&str, bool)] = &[
    ("selftest-secret-branch", true),
    ("selftest-secret-index", false),
];
/// Where the self-tests live (`addr2line` must name it for the branch's first difference).
const SELF_TEST_FN: &str = "bulwark_bench_arm::ct::selftests";
/// Known leaks outside bulwark's own code, each with where it is: reported on every run, not
/// fatal, but each must still differ (an entry that became constant time fails the step until
/// it is removed, so the list stays true).
const KNOWN_LEAKS: &[(&str, &str)] = &[(
    "p256-ecdh-static-soft",
    "RustCrypto p256 0.14 to_affine -> crypto-bigint 0.7.10 safegcd jump_step: LLVM lowers \
     `delta & !(delta >> 63)` to a branch (bmi) on Thumb-1, in the final inversion of Z",
)];

fn target_dir() -> PathBuf {
    embedded_dir().join("arm").join("target")
}

fn plugin_path() -> PathBuf {
    target_dir().join("ct_trace.so")
}

fn elf() -> PathBuf {
    arm::elf(M0.0, "ct")
}

/// `cc -O2 -shared -fPIC` the hashing plugin.
fn build_plugin() -> Result<(), String> {
    let src = embedded_dir()
        .join("arm")
        .join("qemu-plugin")
        .join("ct_trace.c");
    compile_c(&src, &plugin_path(), &["-shared", "-fPIC"], &[])
}

/// One run of an operation between the markers, as the plugin recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Region {
    insns: u64,
    accesses: u64,
    pc_hash: String,
    data_hash: String,
}

/// One operation: its name, whether the firmware's own checks passed, and its runs.
#[derive(Debug)]
struct Op {
    name: String,
    checked: bool,
    first: usize,
    runs: Vec<Region>,
}

impl Op {
    /// The index (within the op) of the first run whose hashes differ from the first run's.
    fn first_difference(&self) -> Option<usize> {
        let base = self.runs.first()?;
        self.runs.iter().position(|r| r != base)
    }

    /// What differs: the instruction trace, the data trace, or both, with the counts' spread.
    fn describe_difference(&self) -> String {
        let (mut pcs, mut data) = (false, false);
        let base = &self.runs[0];
        for r in &self.runs[1..] {
            pcs |= r.pc_hash != base.pc_hash;
            data |= r.data_hash != base.data_hash;
        }
        let spread = |f: fn(&Region) -> u64| {
            let (lo, hi) = self
                .runs
                .iter()
                .map(f)
                .fold((u64::MAX, 0), |(lo, hi), v| (lo.min(v), hi.max(v)));
            if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}..{hi}")
            }
        };
        let what = match (pcs, data) {
            (true, true) => "instruction and data addresses",
            (true, false) => "instruction addresses",
            _ => "data addresses",
        };
        format!(
            "{what} differ; {} instructions, {} accesses",
            spread(|r| r.insns),
            spread(|r| r.accesses)
        )
    }
}

/// Runs the `ct` firmware under the plugin (with `diff=A:B` if given); returns the firmware's
/// output and the plugin's.
fn run_qemu(diff: Option<(usize, usize)>) -> Result<(String, String), String> {
    let elf = elf();
    let start = symbol("nm", &elf, "bench_start")? & !1;
    let end = symbol("nm", &elf, "bench_end")? & !1;
    if start == end {
        return Err(format!(
            "bench_start and bench_end share the address {start:#x} (folded by the linker): \
             the regions cannot be told apart"
        ));
    }
    let out = target_dir().join(if diff.is_some() {
        "ct-diff.txt"
    } else {
        "ct-hashes.txt"
    });
    let mut plugin = format!(
        "{},start={start:#x},end={end:#x},out={}",
        plugin_path().display(),
        out.display()
    );
    if let Some((a, b)) = diff {
        plugin.push_str(&format!(",diff={a}:{b}"));
    }
    let args: Vec<String> = [
        QEMU_TIMEOUT_S,
        "qemu-system-arm",
        "-machine",
        M0.1,
        "-nographic",
        "-semihosting-config",
        "enable=on,target=native",
        "-plugin",
        &plugin,
        "-kernel",
        &elf.display().to_string(),
    ]
    .iter()
    .map(|&s| s.to_owned())
    .collect();
    let (status, stdout, shown) = run_timed(&args)?;
    let records = fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    if !status.success() && diff.is_none() {
        print!("{stdout}");
        return Err(format!(
            "`{shown}` exited with {status}: a run's result was wrong, the firmware faulted or \
             timed out"
        ));
    }
    Ok((stdout, records))
}

/// Pairs the firmware's `ct NAME RUNS ok|FAIL` lines with the plugin's `region` records.
fn parse(stdout: &str, records: &str) -> Result<Vec<Op>, String> {
    let regions: Vec<Region> = records
        .lines()
        .filter_map(|l| {
            let mut p = l.strip_prefix("region ")?.split_whitespace();
            let _index = p.next()?;
            Some(Region {
                insns: p.next()?.parse().ok()?,
                accesses: p.next()?.parse().ok()?,
                pc_hash: p.next()?.to_owned(),
                data_hash: p.next()?.to_owned(),
            })
        })
        .collect();
    let mut ops = Vec::new();
    let mut next = 0;
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("ct ") else {
            continue;
        };
        let parts: Vec<&str> = rest.split_whitespace().collect();
        let [name, runs, verdict] = parts.as_slice() else {
            return Err(format!("unexpected firmware line `{line}`"));
        };
        let runs: usize = runs
            .parse()
            .map_err(|_| format!("bad run count in `{line}`"))?;
        let slice = regions
            .get(next..next + runs)
            .ok_or_else(|| format!("{name}: the plugin recorded too few regions"))?;
        ops.push(Op {
            name: (*name).to_owned(),
            checked: *verdict == "ok",
            first: next,
            runs: slice.to_vec(),
        });
        next += runs;
    }
    if next != regions.len() {
        return Err(format!(
            "the firmware reported {next} runs but the plugin recorded {} regions",
            regions.len()
        ));
    }
    if ops.is_empty() {
        return Err("the firmware reported no operation".into());
    }
    Ok(ops)
}

/// `function at file:line` for a code address (`addr2line`; inlined frames joined by `<-`).
fn locate(pc: u64) -> String {
    let output = Command::new("addr2line")
        .args(["-f", "-C", "-i", "-e"])
        .arg(elf())
        .arg(format!("{pc:#x}"))
        .output();
    let Ok(output) = output else {
        return format!("{pc:#x}");
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let frames: Vec<String> = lines
        .chunks(2)
        .map(|f| match f {
            [func, place] => {
                let place = place.rsplit('/').next().unwrap_or(place);
                format!("{func} ({place})")
            }
            _ => f.join(" "),
        })
        .collect();
    format!("{pc:#x} in {}", frames.join(" <- "))
}

/// Locates the first difference between the first run of `op` and its first differing run.
fn where_it_differs(op: &Op) -> Result<String, String> {
    let Some(k) = op.first_difference() else {
        return Ok(String::new());
    };
    let (a, b) = (op.first, op.first + k);
    let (_, records) = run_qemu(Some((a, b)))?;
    let line = records
        .lines()
        .find(|l| l.starts_with("diff "))
        .ok_or("the plugin located no difference")?;
    // "diff A B at EVENT: pc 0xPC (previous pc 0xPREV): ..."
    let pc = line
        .split("pc 0x")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|h| u64::from_str_radix(h, 16).ok());
    let detail = line.split_once(": ").map_or(line, |(_, rest)| rest);
    Ok(match pc {
        Some(pc) => format!("runs 0 and {k} first diverge at {}; {detail}", locate(pc)),
        None => format!("runs 0 and {k}: {detail}"),
    })
}

/// Runs the check: one QEMU run, the verdicts, and a second run per differing operation.
fn check() -> Result<(), String> {
    let (stdout, records) = run_qemu(None)?;
    let ops = parse(&stdout, &records)?;
    let mut failures = Vec::new();
    for op in &ops {
        let n = op.runs.len();
        let selftest = SELF_TESTS.iter().find(|(name, _)| *name == op.name);
        if !op.checked {
            failures.push(format!("{}: a run's result was wrong", op.name));
        }
        if n < 8 {
            failures.push(format!("{}: only {n} secrets", op.name));
        }
        let known = KNOWN_LEAKS
            .iter()
            .find(|(name, _)| *name == op.name)
            .map(|(_, why)| *why);
        match (op.first_difference(), selftest.is_some()) {
            (None, false) if known.is_some() => {
                println!("ct {}: {n} secrets, identical", op.name);
                failures.push(format!(
                    "{}: now constant time: remove it from KNOWN_LEAKS in xtask/src/bench/ct.rs",
                    op.name
                ));
            }
            (Some(_), false) if known.is_some() => println!(
                "ct {}: {n} secrets, DIFFERS, a known leak outside bulwark ({}): {}",
                op.name,
                op.describe_difference(),
                known.unwrap_or_default()
            ),
            (None, false) => println!(
                "ct {}: {n} secrets, identical ({} instructions, {} accesses each)",
                op.name,
                super::fmt_n(op.runs[0].insns),
                super::fmt_n(op.runs[0].accesses)
            ),
            (None, true) => {
                println!(
                    "ct {}: {n} secrets, identical (a deliberate leak!)",
                    op.name
                );
                failures.push(format!(
                    "{}: the deliberate leak was not detected: the check is broken",
                    op.name
                ));
            }
            (Some(_), true) => {
                println!(
                    "ct {}: {n} secrets, DIFFERS as it must ({})",
                    op.name,
                    op.describe_difference()
                );
                let pcs = op.runs.iter().any(|r| r.pc_hash != op.runs[0].pc_hash);
                if selftest.is_some_and(|(_, by_pc)| *by_pc != pcs) {
                    failures.push(format!(
                        "{}: the leak showed in the wrong trace (instruction addresses \
                         differ: {pcs})",
                        op.name
                    ));
                }
                if selftest.is_some_and(|(_, by_pc)| *by_pc) {
                    let place = where_it_differs(op)?;
                    println!("ct {}: {place}", op.name);
                    if !place.contains(SELF_TEST_FN) {
                        failures.push(format!(
                            "{}: the first difference was not located in {SELF_TEST_FN}",
                            op.name
                        ));
                    }
                }
            }
            (Some(_), false) => {
                let place = where_it_differs(op).unwrap_or_else(|e| format!("not located: {e}"));
                println!(
                    "ct {}: {n} secrets, DIFFERS ({}); {place}",
                    op.name,
                    op.describe_difference()
                );
                failures.push(format!("{}: not constant time", op.name));
            }
        }
    }
    for (name, _) in SELF_TESTS {
        if !ops.iter().any(|op| op.name == *name) {
            failures.push(format!("self-test {name} missing"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// The steps of `cargo xtask ct-target` (and of CI, after the bench-target check).
pub fn steps() -> Vec<Step> {
    vec![
        Step::new("ct-target toolchain", || {
            ensure_targets(&[M0.0])?;
            crate::firmware::install_qemu()
        })
        .hint("needs qemu-system-arm (apt-get install qemu-system-arm) and a C compiler"),
        Step::new("ct-target plugin", build_plugin),
        Step::new("ct-target build", || arm::build(M0.0)),
        Step::new("ct-target check", check).hint(
            "an operation's runs on different secrets executed different instructions or touched \
             different addresses: the line names the operation and where its runs first diverge",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(insns: u64, pc: &str, data: &str) -> String {
        format!("region 0 {insns} 5 {pc} {data}\n")
    }

    #[test]
    fn parse_pairs_runs_with_regions_and_finds_differences() {
        let stdout = "ct same 2 ok\nother output\nct leaky 3 FAIL\n";
        let records = [
            region(10, "aa", "bb"),
            region(10, "aa", "bb"),
            region(12, "cc", "bb"),
            region(12, "cc", "bb"),
            region(12, "cc", "dd"),
        ]
        .concat()
            + "regions 5\n";
        let ops = parse(stdout, &records).unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(
            (ops[0].name.as_str(), ops[0].checked, ops[0].first),
            ("same", true, 0)
        );
        assert_eq!(ops[0].first_difference(), None);
        assert_eq!(
            (ops[1].name.as_str(), ops[1].checked, ops[1].first),
            ("leaky", false, 2)
        );
        assert_eq!(ops[1].first_difference(), Some(2));
        assert_eq!(
            ops[1].describe_difference(),
            "data addresses differ; 12 instructions, 5 accesses"
        );
    }

    #[test]
    fn parse_refuses_a_region_count_mismatch() {
        let records = region(10, "aa", "bb");
        assert!(parse("ct op 2 ok\n", &records).is_err());
        assert!(parse("", &records).is_err());
    }
}
