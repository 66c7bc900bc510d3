//! The profiles of [`super::profile`] as text: the top functions printed per operation, and
//! the "Where the cycles go" section of `benches/REPORT.md` (tables, inlined callees, and the
//! notes of [`super::profile_notes`]).

use std::fmt::Write as _;
use std::fs;

use super::fmt_n;
use super::profile::{FnRow, INLINED_MIN_SHARE, OpProfile, TOP, pct};
use super::profile_notes::note;
use crate::workspace_root;

/// Prints the top functions of each profile.
pub(super) fn print(machine: &str, profiles: &[OpProfile]) {
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

/// Replaces (or inserts, before the flash section) the profile section of
/// `benches/REPORT.md`.
pub(super) fn splice(body: &str) -> Result<(), String> {
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
