//! Where the cycles go: flat profiles by function of the on-target operations.
//!
//! `cargo xtask bench-profile [--write] [OP...]` runs the `bench` firmware once on the
//! Cortex-M0 (with the M0 cycle estimate) and once on the Cortex-M4 under the counting plugin
//! with its per-address profile on (`insn_count.c`, `profile=`), attributes every executed
//! instruction of each operation's region to the function whose symbol covers its address
//! (the ELF symbol table of the same binary, names demangled by [`crate::elf::demangle`]), and
//! prints the top functions per operation. Without OPs: the compact backend's operations that
//! miss their goal (issue 12). `--write` also replaces the "Where the cycles go" section of
//! `benches/REPORT.md`; the full report (`cargo xtask bench`) writes the same section.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::rc::Rc;

use super::arm::{self, M0, M4, Op};
use super::profile_report::{print, section, splice};
use crate::elf::{Function, demangle, read_functions};
use crate::{Step, ensure_targets};

/// The operations profiled on the Cortex-M0 by default: the compact backend's with a missed
/// goal.
pub(super) const M0_OPS: &[&str] = &[
    "x25519-compact",
    "p256-ecdh-compact",
    "ecdsa-p256-verify-compact",
    "aes128-block-compact",
    "ccm-seal-64-compact",
];
/// The same on the Cortex-M4 (instruction counts only).
pub(super) const M4_OPS: &[&str] = &[
    "x25519-compact",
    "p256-ecdh-compact",
    "ecdsa-p256-verify-compact",
    "ed25519-verify-compact",
];
/// One executed address of a region: `(address, executions, est. M0 cycles)`.
type Record = (u64, u64, u64);
/// A function's own cost split by inlined callee: `(function, [(callee, instructions,
/// cycles)])`.
type Inlined = (String, Vec<(String, u64, u64)>);

/// Functions listed per operation (the rest are summed in one line).
pub(super) const TOP: usize = 8;

/// One function's share of one operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct FnRow {
    /// Demangled name (or `0xADDR` if no symbol covers the address).
    pub(super) name: String,
    /// Instructions executed inside it (its own, not its callees').
    pub(super) insns: u64,
    /// Estimated M0 cycles of those instructions (0 without the estimate).
    pub(super) cycles: u64,
    /// Executions of its first instruction (its calls, for a function that does not loop
    /// back to its entry).
    pub(super) calls: u64,
}

/// The profile of one operation.
#[derive(Clone, Debug, Default)]
pub(super) struct OpProfile {
    /// The operation's name.
    pub(super) name: String,
    /// Instructions in the region (marker overhead included: the sum of the rows).
    pub(super) insns: u64,
    /// Estimated M0 cycles in the region (0 without the estimate).
    pub(super) cycles: u64,
    /// The marker overhead included in `insns` (the empty operation's instructions).
    pub(super) overhead: u64,
    /// Functions, most expensive first (cycles, then instructions).
    pub(super) rows: Vec<FnRow>,
    /// For the top functions: their own instructions split by the inlined function each
    /// address belongs to (the frame the symbol's function called, from `addr2line -i`), as
    /// `(function, [(inlined, instructions, cycles)])`, most expensive first.
    pub(super) inlined: Vec<Inlined>,
}

/// Functions with at least this share of an operation's instructions get an inlined
/// breakdown.
pub(super) const INLINED_MIN_SHARE: f64 = 10.0;

/// The inline chains of `addrs` (`addr2line -a -f -i -C`, the DWARF line tables of the
/// release profile's debug info): per address, the function names from the innermost frame
/// out to the symbol's own function.
fn inline_chains(elf: &Path, addrs: &[u64]) -> Result<BTreeMap<u64, Vec<String>>, String> {
    let mut child = Command::new("addr2line")
        .args(["-a", "-f", "-i", "-C", "-e"])
        .arg(elf)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run addr2line (binutils): {e}"))?;
    let input: String = addrs.iter().map(|a| format!("{a:#x}\n")).collect();
    let mut stdin = child.stdin.take().ok_or("addr2line: no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("addr2line: {e}"))?;
    writer
        .join()
        .map_err(|_| "addr2line writer panicked".to_owned())?
        .map_err(|e| format!("addr2line: {e}"))?;
    let mut out: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let mut current = None;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(hex) = line.strip_prefix("0x") {
            let addr = u64::from_str_radix(hex, 16).map_err(|_| format!("addr2line: `{line}`"))?;
            out.insert(addr, Vec::new());
            current = Some(addr);
        } else if let Some(chain) = current.and_then(|a| out.get_mut(&a)) {
            chain.push(line.to_owned());
            lines.next(); // the file:line of that frame
        }
    }
    Ok(out)
}

/// The inlined breakdown of the functions of `rows` with a large enough share.
fn inlined(
    elf: &Path,
    funcs: &[Function],
    records: &[Record],
    rows: &[FnRow],
    total: u64,
) -> Result<Vec<Inlined>, String> {
    let big: Vec<&str> = rows
        .iter()
        .take(TOP)
        .filter(|r| pct(r.insns, total) >= INLINED_MIN_SHARE)
        .map(|r| r.name.as_str())
        .collect();
    let mine: Vec<(u64, u64, u64, String)> = records
        .iter()
        .filter_map(|&(a, e, c)| {
            let name = demangle(&covering(funcs, a)?.name);
            big.contains(&name.as_str()).then_some((a, e, c, name))
        })
        .collect();
    let chains = inline_chains(elf, &mine.iter().map(|m| m.0).collect::<Vec<_>>())?;
    let mut by: BTreeMap<&str, BTreeMap<String, (u64, u64)>> = BTreeMap::new();
    for (addr, execs, cycles, name) in &mine {
        // The frame the symbol's function called (one in from the outermost), or its own code.
        let part = chains
            .get(addr)
            .filter(|c| c.len() >= 2)
            .map_or_else(|| "(own code)".to_owned(), |c| c[c.len() - 2].clone());
        let e = by.entry(name).or_default().entry(part).or_default();
        e.0 += execs;
        e.1 += cycles;
    }
    Ok(big
        .iter()
        .filter_map(|&name| {
            let mut parts: Vec<(String, u64, u64)> = by
                .remove(name)?
                .into_iter()
                .map(|(k, (e, c))| (k, e, c))
                .collect();
            parts.sort_by(|a, b| (b.2, b.1, &a.0).cmp(&(a.2, a.1, &b.0)));
            (parts.len() > 1).then(|| (name.to_owned(), parts))
        })
        .collect())
}

/// Regions of the plugin's profile file: index -> `(address, executions, cycles)`.
fn parse(text: &str) -> Result<BTreeMap<usize, Vec<Record>>, String> {
    let mut out: BTreeMap<usize, Vec<Record>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        let p: Vec<&str> = line.split_whitespace().collect();
        match p.as_slice() {
            ["region", k] => {
                let k = k
                    .parse()
                    .map_err(|_| format!("bad profile line `{line}`"))?;
                out.insert(k, Vec::new());
                current = Some(k);
            }
            ["end", _] => current = None,
            [addr, execs, cycles] => {
                let rec = (|| {
                    Some((
                        u64::from_str_radix(addr, 16).ok()?,
                        execs.parse().ok()?,
                        cycles.parse().ok()?,
                    ))
                })()
                .ok_or_else(|| format!("bad profile line `{line}`"))?;
                current
                    .and_then(|k| out.get_mut(&k))
                    .ok_or("profile record outside a region")?
                    .push(rec);
            }
            _ => return Err(format!("bad profile line `{line}`")),
        }
    }
    Ok(out)
}

/// The function covering `addr`: the last symbol at or below it whose size reaches it (a
/// symbol without a size covers up to the next symbol).
fn covering(funcs: &[Function], addr: u64) -> Option<&Function> {
    let before = &funcs[..funcs.partition_point(|f| f.addr <= addr)];
    before
        .iter()
        .rev()
        .take(16)
        .find(|f| f.size > 0 && addr < f.addr + f.size)
        .or_else(|| before.last().filter(|f| f.size == 0))
}

/// Sums per-address records into per-function rows, most expensive first.
pub(super) fn attribute(funcs: &[Function], records: &[Record]) -> Vec<FnRow> {
    let mut by: BTreeMap<String, FnRow> = BTreeMap::new();
    for &(addr, execs, cycles) in records {
        let (name, entry) = match covering(funcs, addr) {
            Some(f) => (demangle(&f.name), f.addr == addr),
            None => (format!("{addr:#x}"), false),
        };
        let row = by.entry(name.clone()).or_insert_with(|| FnRow {
            name,
            ..FnRow::default()
        });
        row.insns += execs;
        row.cycles += cycles;
        if entry {
            row.calls += execs;
        }
    }
    let mut rows: Vec<FnRow> = by.into_values().collect();
    rows.sort_by(|a, b| (b.cycles, b.insns, &a.name).cmp(&(a.cycles, a.insns, &b.name)));
    rows
}

/// Runs `bench` on `(target, machine)` with the profile on and returns the profiles of `ops`
/// (every operation if `ops` is empty), checking each against the plugin's own counters.
pub(super) fn profile(
    (target, machine): (&str, &str),
    m0_cycles: bool,
    ops: &[String],
) -> Result<Vec<OpProfile>, String> {
    let path = arm::target_dir().join(format!("profile-{machine}.txt"));
    let (counted, (empty_i, empty_c), names) =
        arm::run_plugin(target, "bench", machine, m0_cycles, Some(&path))?;
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let regions = parse(&text)?;
    let funcs = read_functions(&arm::elf(target, "bench"))?;
    let mut out = Vec::new();
    for (k, name) in names.iter().enumerate() {
        if !(ops.is_empty() || ops.contains(name)) {
            continue;
        }
        let Some(op) = counted.iter().find(|o| &o.name == name) else {
            continue;
        };
        let records = regions
            .get(&k)
            .ok_or_else(|| format!("no profile for region {k} ({name})"))?;
        let rows = attribute(&funcs, records);
        let insns: u64 = rows.iter().map(|r| r.insns).sum();
        let cycles: u64 = rows.iter().map(|r| r.cycles).sum();
        check(op, insns, cycles, (empty_i, empty_c), m0_cycles)?;
        let inlined = inlined(&arm::elf(target, "bench"), &funcs, records, &rows, insns)?;
        out.push(OpProfile {
            name: name.clone(),
            insns,
            cycles,
            overhead: empty_i,
            rows,
            inlined,
        });
    }
    if let Some(missing) = ops.iter().find(|o| !out.iter().any(|p| &&p.name == o)) {
        return Err(format!("no operation `{missing}` on {machine}"));
    }
    Ok(out)
}

/// The profile must add up to the plugin's counters for the same region.
fn check(op: &Op, insns: u64, cycles: u64, overhead: (u64, u64), m0: bool) -> Result<(), String> {
    let want_c = op.cycles.map_or(0, |c| c + overhead.1);
    if insns != op.insns + overhead.0 || (m0 && cycles != want_c) {
        return Err(format!(
            "{}: the profile sums to {insns} instructions / {cycles} cycles, the counters say \
             {} / {want_c}",
            op.name,
            op.insns + overhead.0
        ));
    }
    Ok(())
}

/// `part` as a percentage of `whole` (0 for an empty whole).
pub(super) fn pct(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// Both profiles of the report: the default operations on the M0 and the M4.
pub(super) fn report_profiles() -> Result<(Vec<OpProfile>, Vec<OpProfile>), String> {
    let own = |ops: &[&str]| ops.iter().map(|&o| o.to_owned()).collect::<Vec<_>>();
    Ok((
        profile(M0, true, &own(M0_OPS))?,
        profile(M4, false, &own(M4_OPS))?,
    ))
}

/// The CI step (after the bench-target check, which built both firmware): profile the default
/// operations and check every profile adds up to the plugin's counters; nothing is written.
pub fn ci_step() -> Step {
    Step::new("bench-profile check", || {
        let (m0, m4) = report_profiles()?;
        print("Cortex-M0", &m0);
        print("Cortex-M4", &m4);
        Ok(())
    })
    .hint("reproduce with `cargo xtask bench-profile`; needs addr2line (binutils)")
}

/// `cargo xtask bench-profile [--write] [OP...]`.
pub fn steps(write: bool, ops: Vec<String>) -> Vec<Step> {
    let results: Rc<RefCell<(Vec<OpProfile>, Vec<OpProfile>)>> = Rc::default();
    let r = Rc::clone(&results);
    let mut steps = vec![
        Step::new("bench-profile toolchain", || {
            ensure_targets(&[M0.0, M4.0])?;
            crate::firmware::install_qemu()
        })
        .hint("needs qemu-system-arm (apt-get install qemu-system-arm) and a C compiler"),
        Step::new("bench-profile plugin", arm::build_plugin),
        Step::new("bench-profile build m0", || arm::build(M0.0)),
        Step::new("bench-profile build m4", || arm::build(M4.0)),
        Step::new("bench-profile run", move || {
            let profiles = if ops.is_empty() {
                report_profiles()?
            } else {
                (profile(M0, true, &ops)?, profile(M4, false, &ops)?)
            };
            print("Cortex-M0", &profiles.0);
            print("Cortex-M4", &profiles.1);
            *r.borrow_mut() = profiles;
            Ok(())
        }),
    ];
    if write {
        steps.push(Step::new("bench-profile write", move || {
            let r = results.borrow();
            splice(&section(&r.0, &r.1))
        }));
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, addr: u64, size: u64) -> Function {
        Function {
            name: name.to_owned(),
            addr,
            size,
        }
    }

    #[test]
    fn attributes_addresses_to_functions() {
        let funcs = [f("a", 0x100, 0x10), f("b", 0x110, 0), f("c", 0x200, 8)];
        let records = [
            (0x100, 5, 10), // a's entry
            (0x10e, 7, 7),
            (0x110, 2, 4), // b: no size, covers up to c
            (0x1fe, 1, 1),
            (0x204, 30, 60), // c
            (0x300, 1, 2),   // no symbol
        ];
        let rows = attribute(&funcs, &records);
        let find = |n: &str| {
            rows.iter()
                .find(|r| r.name == n)
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(rows[0].name, "c");
        assert_eq!(
            (find("a").insns, find("a").cycles, find("a").calls),
            (12, 17, 5)
        );
        assert_eq!((find("b").insns, find("b").calls), (3, 2));
        assert_eq!((find("c").insns, find("c").calls), (30, 0));
        assert_eq!(find("0x300").insns, 1);
    }

    #[test]
    fn parses_regions() {
        let text = "region 0\n100 3 6\nend 0\nregion 1\n1a0 1 1\n1a2 2 2\nend 1\n";
        let regions = parse(text).unwrap_or_default();
        assert_eq!(regions.get(&1), Some(&vec![(0x1a0, 1, 1), (0x1a2, 2, 2)]));
        assert!(parse("garbage").is_err());
    }
}
