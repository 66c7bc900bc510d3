//! The AVR section of `benches/REPORT.md`: written by the full report ([`super::report`]) and
//! alone by `cargo xtask bench-avr` ([`super::avr`]).

use std::fmt::Write as _;
use std::fs;

use super::avr::{self, COMPACT_BINS, LEVELS, MEGA1284P, MEGA2560, PINNED, RunResult, SHA2_CFG};
use super::{first_line, fmt_n};
use crate::workspace_root;

/// The AVR section's heading in `benches/REPORT.md`.
pub(super) const AVR_HEADING: &str = "## AVR (ATmega2560, simavr)\n";

/// Replaces the body of the AVR section of `benches/REPORT.md` (up to the next `## `), so
/// `cargo xtask bench-avr` refreshes it without rerunning the other benches.
pub(super) fn splice_avr_section(body: &str) -> Result<(), String> {
    let path = workspace_root().join("benches").join("REPORT.md");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let start = text
        .find(AVR_HEADING)
        .ok_or_else(|| format!("no `{}` in {}", AVR_HEADING.trim(), path.display()))?
        + AVR_HEADING.len();
    let end = text[start..]
        .find("\n## ")
        .map_or(text.len(), |i| start + i + 1);
    let new = format!("{}\n{body}\n\n{}", &text[..start], &text[end..]);
    fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("updated the AVR section of {}", path.display());
    Ok(())
}

fn find<'a>(r: &'a avr::Results, level: &str, mcu: &str, bin: &str) -> Option<&'a RunResult> {
    r.runs
        .iter()
        .find(|(l, m, b, _)| *l == level && *m == mcu && *b == bin)
        .and_then(|(_, _, _, res)| res.as_ref().ok())
}

/// The body of the AVR section (`cargo xtask bench-avr` splices it into the report).
pub(super) fn avr_section(r: &avr::Results) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Exact cycles in simavr ({}, cycle-accurate AVR core) between `bench_start` and \
         `bench_end`, minus the empty operation's marker overhead, read by the libsimavr \
         harness `benches/embedded/avr/harness/simavr_bench.c`, which also gives the exact peak stack \
         (lowest SP after any instruction). Firmware: `benches/embedded/avr` (its own workspace, \
         `avr-none`, {}, `-Zbuild-std=core`, fat LTO, codegen-units 1, panic abort, \
         `--cfg {SHA2_CFG}`: sha2's unrolled compression functions are about 80 KB (SHA-256) \
         and 250 KB (SHA-512) of AVR code, so Ed25519 would not fit 256 KiB of flash without \
         it). `bulwark-soft` is built with `default-features = false` (no `p256` feature): \
         **P-256 ECDH and ECDSA cannot be built for AVR**, because crypto-bigint refuses \
         16-bit targets; the compact backend's (`bulwark-compact`, rows ending in \
         `-compact`) has its own arithmetic and runs on the ATmega1284p (`bench-compact`, \
         `bench-compact-p256`: together they overflow its 128 KiB of flash). Every operation is checked against a known answer (FIPS-197, RFC \
         4493, RFC 5869, RFC 7748 6.1, RFC 8032 TEST 1, Wycheproof Ed25519 tcId 3, NIST CAVP ECC CDH P-256 COUNT 0, RFC 6979 A.2.5; CCM-64 and SHA-256-1K against \
         OpenSSL/hashlib answers written into the firmware). The pinned opt-level is \"{}\" \
         (`[profile.release]` in `benches/embedded/avr/Cargo.toml`); `cargo xtask bench-avr --check` \
         builds and runs it in CI.\n",
        first_line(
            "dpkg-query",
            &["-W", "-f", "simavr ${Version} (Debian)", "simavr"],
            true
        ),
        r.toolchain,
        PINNED.level
    );
    let _ = writeln!(
        s,
        "Ed25519 verification is measured on the **ATmega1284p** (16 KiB SRAM): its peak \
         stack plus the static data (AVR copies every constant into RAM) does not fit the \
         ATmega2560's 8 KiB. The 1284p has a 2-byte program counter, so each call and return \
         is one cycle cheaper than on the 2560 (compare the two columns below).\n"
    );
    // Cycles per op per level.
    let mut header = String::from("| operation | MCU |");
    let mut rule = String::from("|---|---|");
    for p in LEVELS {
        let _ = write!(header, " opt \"{}\" |", p.level);
        rule.push_str("---:|");
    }
    header.push_str(" stack at \"s\" (B) |");
    rule.push_str("---:|");
    let _ = writeln!(s, "{header}\n{rule}");
    let rows: Vec<(String, &str, &str)> = find(r, PINNED.level, MEGA2560, "bench")
        .map(|run| {
            run.ops
                .iter()
                .map(|o| (o.name.clone(), MEGA2560, "bench"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .chain([("ed25519-verify".to_owned(), MEGA1284P, "bench-ed25519")])
        .chain(COMPACT_BINS.iter().flat_map(|bin| {
            find(r, PINNED.level, MEGA1284P, bin)
                .map(|run| {
                    run.ops
                        .iter()
                        .map(|o| (o.name.clone(), MEGA1284P, *bin))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }))
        .collect();
    for (name, mcu, bin) in &rows {
        let _ = write!(s, "| {name} | {mcu} |");
        for p in LEVELS {
            let cell = match r
                .runs
                .iter()
                .find(|(l, m, b, _)| *l == p.level && m == mcu && b == bin)
            {
                None => "not run".to_owned(),
                Some((_, _, _, Err(e))) => e.clone(),
                Some((_, _, _, Ok(run))) => match run.ops.iter().find(|o| &o.name == name) {
                    Some(o) if o.ok => fmt_n(o.cycles),
                    Some(o) => format!("{} **WRONG**", fmt_n(o.cycles)),
                    None if run.summary.contains("state=crashed") => {
                        "not reached (crashed)".to_owned()
                    }
                    None => "missing".to_owned(),
                },
            };
            let _ = write!(s, " {cell} |");
        }
        let stack = find(r, PINNED.level, mcu, bin)
            .and_then(|run| run.ops.iter().find(|o| &o.name == name))
            .map_or_else(|| "-".to_owned(), |o| o.stack.to_string());
        let _ = writeln!(s, " {stack} |");
    }
    if let Some(run) = find(r, PINNED.level, MEGA1284P, "bench") {
        let _ = writeln!(
            s,
            "\nThe same `bench` on the ATmega1284p at \"{}\" (for the 2-byte-PC difference): {}.",
            PINNED.level,
            run.ops
                .iter()
                .map(|o| format!("{} {}", o.name, fmt_n(o.cycles)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let verdicts: Vec<String> = LEVELS
        .iter()
        .map(|p| {
            let runs: Vec<_> = r
                .runs
                .iter()
                .filter(|(l, m, b, _)| *l == p.level && !(*m == MEGA2560 && *b == "bench-ed25519"))
                .collect();
            let ran: Vec<&RunResult> = runs
                .iter()
                .filter_map(|(_, _, _, res)| res.as_ref().ok())
                .collect();
            let unbuilt = runs.len() - ran.len();
            let verdict = if ran.is_empty() {
                "not run"
            } else if ran.iter().all(|x| x.passed) {
                "every check that ran passes"
            } else if ran.iter().any(|x| x.summary.contains("state=crashed")) {
                "CRASHED (see below)"
            } else {
                "SOME CHECKS FAIL"
            };
            let extra = if unbuilt > 0 {
                format!(" ({unbuilt} binary did not build, see the table)")
            } else {
                String::new()
            };
            format!("\"{}\" {verdict}{extra}", p.level)
        })
        .collect();
    let _ = writeln!(s, "\nVerdicts per opt-level: {}.", verdicts.join("; "));
    if let Some(run) = find(r, PINNED.level, MEGA2560, "bench-ed25519") {
        let _ = writeln!(
            s,
            "\nEd25519 on the ATmega2560 at \"{}\" (expected to fail): {} (harness: `{}`). \
             With the stack pointer below the end of `.data`, the stack overwrites the \
             constants (and, below 0x200, the I/O registers), so the verdict and everything \
             printed after it are garbage: the likely cause of the \"wrong Ed25519 result\" \
             of earlier AVR runs (TOOLCHAIN.md). Every level that builds gives the right \
             verdict when the stack fits (the ATmega1284p row above).",
            PINNED.level,
            if run.overflow {
                "stack overflow detected"
            } else if run.passed {
                "passed"
            } else {
                "failed"
            },
            run.summary
        );
    }
    let _ = writeln!(
        s,
        "\n**A real LLVM AVR miscompile on the ATmega2560 (diagnosed by hand, not re-checked \
         by this run):** the crash at opt-level 1 is in `CcmMode::mac` (bulwark-soft, not \
         inlined at 1), which receives the payload slice on the stack (more than 18 bytes of \
         arguments). LLVM's AVR backend assumes a 2-byte return address for every device \
         (`AVRFrameLowering`'s local-area offset is a fixed -2), but the ATmega2560 has a \
         3-byte program counter, so a function reads its stack-passed arguments one byte too \
         low: here the length 0x0040 was read as 0x40F5 (its low byte from the return \
         address), and the MAC loop ran off the end of RAM. It hits any non-inlined function \
         with stack-passed arguments on 3-byte-PC devices (ATmega2560/2561), at any \
         opt-level; at \"s\", \"z\", 2 and 3 every known-answer check passes, so no such \
         call is on a checked path there, but that can change with any code change: keep the \
         known-answer run (`cargo xtask bench-avr --check`) in CI. The ATmega1284p (2-byte \
         PC) is not affected."
    );
    let _ = writeln!(
        s,
        "\nFlash and static RAM on the ATmega2560 at \"{}\" (`benches/embedded/avr/src/bin/size-*.rs`: \
         the runtime, one operation, its check and vector; from ELF section headers). Flash = \
         .text + .data (initial values); static RAM = .data + .bss (constants included, AVR \
         reads them from RAM). \"Over empty\" subtracts `size-empty`.\n",
        PINNED.level
    );
    let _ = writeln!(
        s,
        "| binary | .text | .data | flash | over empty | static RAM |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
    let base = r.sizes.first().map_or(0, |(_, z)| z.text + z.data);
    for (bin, z) in r.sizes.iter().chain(&r.bench_sizes) {
        let flash = z.text + z.data;
        let _ = writeln!(
            s,
            "| {bin} | {} | {} | {} | {} | {} |",
            fmt_n(z.text),
            fmt_n(z.data),
            fmt_n(flash),
            if bin.starts_with("size-") {
                fmt_n(flash.saturating_sub(base))
            } else {
                "-".to_owned()
            },
            fmt_n(z.data + z.bss)
        );
    }
    let _ = write!(
        s,
        "\nCompare with [R1]: X25519 in 13,900,397 cycles on AVR ATmega in assembly."
    );
    s
}
