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
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::rc::Rc;

use super::arm::{self, M0, M4, Op};
use super::fmt_n;
use crate::elf::{Function, demangle, read_functions};
use crate::{Step, ensure_targets, workspace_root};

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
const TOP: usize = 8;

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
const INLINED_MIN_SHARE: f64 = 10.0;

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

fn pct(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// Prints the top functions of each profile.
fn print(machine: &str, profiles: &[OpProfile]) {
    for p in profiles {
        eprintln!(
            "{machine} {}: {} instructions{}",
            p.name,
            fmt_n(p.insns),
            if p.cycles > 0 {
                format!(", {} est. M0 cycles", fmt_n(p.cycles))
            } else {
                String::new()
            }
        );
        for r in p.rows.iter().take(TOP) {
            eprintln!(
                "  {:>5.1}% insns {:>5.1}% cycles {:>12} calls {:>7}  {}",
                pct(r.insns, p.insns),
                pct(r.cycles, p.cycles),
                fmt_n(r.insns),
                fmt_n(r.calls),
                r.name
            );
        }
        for (name, parts) in &p.inlined {
            eprintln!("  inside {name}:");
            for (part, insns, _) in parts.iter().take(TOP) {
                eprintln!("    {:>5.1}% {part}", pct(*insns, p.insns));
            }
        }
    }
}

/// One markdown table: the top functions of `p`, then the rest summed.
fn table(s: &mut String, p: &OpProfile, m0: bool) {
    if m0 {
        let _ = writeln!(
            s,
            "| function | instructions | share | est. M0 cycles | share | calls | cycles per call |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
    } else {
        let _ = writeln!(
            s,
            "| function | instructions | share | calls | instructions per call |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|");
    }
    let rest = p.rows.iter().skip(TOP);
    let rest_n = rest.clone().count();
    let other = FnRow {
        name: format!("{rest_n} other functions"),
        insns: rest.clone().map(|r| r.insns).sum(),
        cycles: rest.map(|r| r.cycles).sum(),
        calls: 0,
    };
    let shown = p
        .rows
        .iter()
        .take(TOP)
        .chain((rest_n > 0).then_some(&other));
    for r in shown {
        let name = if r.calls == 0 && r.name.ends_with(" other functions") {
            r.name.clone()
        } else {
            format!("`{}`", r.name.replace('|', "\\|"))
        };
        let per = |v: u64| v.checked_div(r.calls).map_or_else(|| "-".to_owned(), fmt_n);
        let calls = if r.calls > 0 {
            fmt_n(r.calls)
        } else {
            "-".to_owned()
        };
        if m0 {
            let _ = writeln!(
                s,
                "| {name} | {} | {:.1}% | {} | {:.1}% | {calls} | {} |",
                fmt_n(r.insns),
                pct(r.insns, p.insns),
                fmt_n(r.cycles),
                pct(r.cycles, p.cycles),
                per(r.cycles)
            );
        } else {
            let _ = writeln!(
                s,
                "| {name} | {} | {:.1}% | {calls} | {} |",
                fmt_n(r.insns),
                pct(r.insns, p.insns),
                per(r.insns)
            );
        }
    }
}

/// The report section's heading.
pub(super) const HEADING: &str = "## Where the cycles go (profiles by function)\n";

/// The body of the section: how the profiles are made, then one table per operation with its
/// note on what would close the rest of the gap.
pub(super) fn section(m0: &[OpProfile], m4: &[OpProfile]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Flat profiles of the compact backend's operations that miss their goal (issue 12), from \
         the `bench` binary in QEMU (the full report runs it once more for this section; \
         `cargo xtask bench-profile --write` rewrites only this section, so its totals can be \
         newer than the tables above): the plugin \
         (`insn_count.c`, `profile=`) counts every executed instruction at its address between \
         the markers, and `cargo xtask bench-profile` attributes each address to the function \
         whose ELF symbol covers it (self time: a callee's instructions count for the callee). \
         With fat LTO most helpers are inlined, so a row is what the compiler kept as a \
         function. Cycles are the same M0 estimate as above, per instruction (taken branches \
         included); each profile adds up exactly to the plugin's counters for the region (the \
         marker overhead of {} instructions included). \"Calls\" counts executions of the \
         function's first instruction. For functions with at least {INLINED_MIN_SHARE}% of \
         an operation, \"inside\" splits their own cost by the inlined function each address \
         belongs to (the DWARF inline chains of the release build's debug info, read with \
         `addr2line -i`; \"own code\" is the function's own lines).\n",
        m0.first().map_or(0, |p| p.overhead)
    );
    for (machine, profiles, is_m0) in [("Cortex-M0", m0, true), ("Cortex-M4", m4, false)] {
        for p in profiles {
            let total = if is_m0 {
                format!(
                    "{} instructions, {} est. cycles",
                    fmt_n(p.insns),
                    fmt_n(p.cycles)
                )
            } else {
                format!("{} instructions", fmt_n(p.insns))
            };
            let _ = writeln!(s, "### {machine}: {} ({total})\n", p.name);
            table(&mut s, p, is_m0);
            for (name, parts) in &p.inlined {
                let total: u64 = parts.iter().map(|x| if is_m0 { x.2 } else { x.1 }).sum();
                let list: Vec<String> = parts
                    .iter()
                    .take(6)
                    .map(|(part, i, c)| {
                        let v = if is_m0 { *c } else { *i };
                        format!("`{}` {:.0}%", part.replace('|', "\\|"), pct(v, total))
                    })
                    .collect();
                let _ = writeln!(
                    s,
                    "\nInside `{}` ({} by inlined callee): {}.",
                    name.replace('|', "\\|"),
                    if is_m0 { "est. cycles" } else { "instructions" },
                    list.join(", ")
                );
            }
            let note = note(&p.name, is_m0);
            if !note.is_empty() {
                let _ = writeln!(s, "\n{note}");
            }
            let _ = writeln!(s);
        }
    }
    s
}

/// What would close the rest of the gap to the goal, per operation (M0, M4). Written from the
/// profiles when they were taken: re-read them against the tables when the code changes.
fn note(op: &str, m0: bool) -> &'static str {
    match (op, m0) {
        ("x25519-compact", true) => {
            "To close the rest (goal 3.5 M, about 0.67x of this): the field product and squaring \
             are now the Thumb-1 assembly of `m0asm_gen` (product scanning at about 7 cycles per \
             16x16 partial product, near that method's floor) and still most of the estimate; \
             the goal needs fewer `MULS`: Karatsuba over 32-bit halves with the intermediate \
             sums kept in r0-r7, as the published M0 code does. The Fermat inversion (254 \
             squarings) could become a constant-time binary GCD."
        }
        ("p256-ecdh-compact", true) => {
            "To close the rest (goal 6 M, about 0.70x): the Thumb-1 products \
             (`m0asm_gen::mul_wide16`, `sqr_wide16`) and the NIST reduction (`reduce`, inlined \
             into `Fe::mul`/`Fe::square`, now almost as large as a square) dominate; Karatsuba \
             kept in registers for the products and a reduction kept in registers, then fewer \
             field operations per bit (co-Z ladder formulas, as the published M0 ECDH uses)."
        }
        ("ecdsa-p256-verify-compact", true) => {
            "The goal (9 M) is met with the Thumb-1 products of `m0asm_gen`; the same product \
             and reduction as ECDH dominate, and wider NAF windows for the public point (fewer \
             additions for one more table entry each) would lower it further."
        }
        ("aes128-block-compact", true) => {
            "To close the rest (goal 3,000, 0.34x): one block costs a full two-block bitsliced \
             pass (`encrypt_pair`); the S-box circuit is about half of it and ShiftRows a \
             fifth. Fixslicing (ShiftRows only every fourth round) and Thumb-1 assembly for the \
             circuit would bring the pair to roughly the goal, but a lone block cannot share \
             the pass: a single-block goal of 3,000 needs a table-based AES (constant time only \
             on cacheless cores with tables in zero-wait-state SRAM, as the published 1,138 \
             cycles assume)."
        }
        ("ccm-seal-64-compact", true) => {
            "To close the rest (goal 30 k, 0.47x): six two-block AES passes (each CBC-MAC block \
             paired with its CTR block) are about 80%; the rest is copying (`memcpy`, \
             `__aeabi_memcpy4`, `pack`). The pass must fall to about half (fixslicing plus an \
             assembly S-box, as for the block) and the blocks be packed in place."
        }
        ("x25519-compact", false) => {
            "The `UMAAL` product (`umaal_gen::mul_25519`: 64 `UMAAL` with the columns in \
             registers and the reduction by 38 in the same block) took this from 1,364,481 \
             instructions with the portable `u64` product (`BULWARK_COMPACT_UMAAL=0`) to \
             778,256 (0.57x). To close the rest (goal 650 k, 0.84x): the product is still about \
             70% at about 210 instructions per call; half the calls are squarings, for which a \
             dedicated squaring (28 fewer `UMAAL` and loads, the doubling after the reduction \
             by 38) would take an estimated tenth off, and the ladder's additions and \
             subtractions (about a fifth of the total) could be fused into one assembly step."
        }
        ("p256-ecdh-compact", false) => {
            "The `UMAAL` product (`umaal_gen::mul_wide`, also the square) took this from \
             3,430,111 instructions with the portable `u64` product to 2,332,110 (0.68x). To \
             close the rest (goal 1.3 M, 0.56x): the NIST reduction (`reduce`, inlined into \
             `Fe::mul`/`Fe::square`, about 300 instructions per call) is now the largest part, \
             more than the product: in assembly, with the signed word sums kept in registers \
             and fed by the product's high columns directly, as the published M4 code does; \
             then the additions (`Fe::add`/`Fe::sub`, a sixth)."
        }
        ("ecdsa-p256-verify-compact", false) => {
            "The `UMAAL` product took this from 3,411,668 instructions to 2,323,314 (0.68x). \
             To close the rest (goal 1.5 M, 0.65x): as for ECDH (the same field code is about \
             80%), plus the variable-time inversion mod n (`invert_vartime`, `half_mod`)."
        }
        ("ed25519-verify-compact", false) => {
            "The `UMAAL` product took this from 1,637,667 instructions to 995,487 (0.61x): \
             below the goal of 1.2 M. What is left: the product (about 60%), the subtractions \
             and additions of the point formulas (a fifth), copying (`__aeabi_memcpy4`)."
        }
        _ => "",
    }
}

/// Replaces (or inserts, before the flash section) the profile section of
/// `benches/REPORT.md`.
fn splice(body: &str) -> Result<(), String> {
    let path = workspace_root().join("benches").join("REPORT.md");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (before, after) = match text.find(HEADING) {
        Some(start) => {
            let body_start = start + HEADING.len();
            let end = text[body_start..]
                .find("\n## ")
                .map_or(text.len(), |i| body_start + i + 1);
            (&text[..start], &text[end..])
        }
        None => {
            let at = text
                .find("## Flash per primitive")
                .ok_or_else(|| format!("no flash section in {}", path.display()))?;
            (&text[..at], &text[at..])
        }
    };
    let new = format!("{before}{HEADING}\n{body}\n{after}");
    fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("updated the profile section of {}", path.display());
    Ok(())
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
