//! `benches/REPORT.md`: `cargo xtask bench` (no arguments) runs the on-target steps of
//! [`arm`], flash sizes, RISC-V sizes and counts, the full AVR run of [`avr`], the host
//! criterion benches, and writes the report; `cargo xtask bench-avr` replaces only its AVR
//! section.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::rc::Rc;

use super::arm::{M0, Op, PROTOCOL_BINS, RV32, SIZE_BINS};
use super::report_avr::AVR_HEADING;
use super::{arm, avr, first_line, fmt_n, host, kept_section};
use crate::elf::{Footprint, read_footprint};
use crate::{Step, ensure_targets, workspace_root};

/// Everything the report shows, filled in by the steps.
#[derive(Debug, Default)]
pub(super) struct Results {
    pub(super) m0: Vec<Op>,
    pub(super) m4: Vec<Op>,
    pub(super) m0_overhead: (u64, u64),
    /// The operations of the [`PROTOCOL_BINS`] on the M0 and the M4.
    pub(super) protocols_m0: Vec<Op>,
    pub(super) protocols_m4: Vec<Op>,
    /// The M0 flash footprint of each of the [`PROTOCOL_BINS`].
    pub(super) protocol_flash: Vec<(String, Footprint)>,
    pub(super) sizes: Vec<(String, Footprint)>,
    pub(super) image_len: u64,
    pub(super) bench_flash: Option<Footprint>,
    pub(super) rv32: Vec<(String, Footprint)>,
    pub(super) rv32_ops: Vec<Op>,
    pub(super) rv32_note: String,
    pub(super) avr: String,
    /// AVR cycles at the pinned opt-level by operation (checked ones only).
    pub(super) avr_ops: Vec<(String, u64)>,
    pub(super) host: BTreeMap<String, f64>,
    pub(super) host_note: String,
    /// The body of the "Where the cycles go" section ([`super::profile`]).
    pub(super) profile: String,
}

/// The full report: target steps, sizes, RISC-V, AVR, host, then `benches/REPORT.md`.
pub fn report_steps() -> Vec<Step> {
    let results = Rc::new(RefCell::new(Results::default()));
    let mut steps = arm::target_steps(&results);
    let r = Rc::clone(&results);
    steps.push(Step::new("bench profile", move || {
        let (m0, m4) = super::profile::report_profiles()?;
        r.borrow_mut().profile = super::profile_report::section(&m0, &m4);
        Ok(())
    }));
    let r = Rc::clone(&results);
    steps.push(Step::new("bench sizes m0", move || {
        let mut r = r.borrow_mut();
        for bin in SIZE_BINS {
            let fp = read_footprint(&arm::elf(M0.0, bin))?;
            r.sizes.push(((*bin).to_owned(), fp));
        }
        r.image_len =
            arm::symbol_size(&arm::elf(M0.0, "size-mcuboot-verify"), "5IMAGE").unwrap_or(0);
        r.bench_flash = Some(read_footprint(&arm::elf(M0.0, "bench"))?);
        for bin in PROTOCOL_BINS {
            let fp = read_footprint(&arm::elf(M0.0, bin))?;
            r.protocol_flash.push(((*bin).to_owned(), fp));
        }
        Ok(())
    }));
    let r = Rc::clone(&results);
    steps.push(Step::new("bench riscv32", move || {
        let mut r = r.borrow_mut();
        match ensure_targets(&[RV32]).and_then(|()| arm::build(RV32)) {
            Ok(()) => {
                for bin in SIZE_BINS.iter().chain(&["bench"]) {
                    let fp = read_footprint(&arm::elf(RV32, bin))?;
                    r.rv32.push(((*bin).to_owned(), fp));
                }
                match arm::run_counted(RV32, "virt", false) {
                    Ok((ops, _)) => r.rv32_ops = ops,
                    Err(e) => r.rv32_note = format!("RISC-V run in QEMU failed: {e}"),
                }
            }
            Err(e) => r.rv32_note = format!("RISC-V build failed: {e}"),
        }
        Ok(())
    }));
    let r = Rc::clone(&results);
    steps.push(Step::new("bench avr", move || {
        let (text, ops) = avr::run();
        let mut r = r.borrow_mut();
        r.avr = text;
        r.avr_ops = ops;
        Ok(())
    }));
    let r = Rc::clone(&results);
    steps.push(Step::new("bench host", move || {
        let mut r = r.borrow_mut();
        match host::host_benches() {
            Ok(map) => r.host = map,
            Err(e) => r.host_note = e,
        }
        Ok(())
    }));
    let r = Rc::clone(&results);
    steps.push(Step::new("bench report", move || write_report(&r.borrow())));
    steps
}

/// What each on-target row can be compared with (keys of the References section).
fn reference_for(op: &str) -> &'static str {
    // The compact backend's rows compare with the same figures.
    match op.strip_suffix("-compact").unwrap_or(op) {
        "x25519" => "[R1] [R2]",
        "p256-ecdh" | "ecdsa-p256-verify" => "[R3] [R4]",
        "ed25519-verify" => "[R5]",
        o if o.starts_with("aes") || o.starts_with("ccm") || o.starts_with("cmac") => "[R6]",
        o if o.starts_with("sha256") || o.starts_with("hkdf") => "[R6]",
        o if o.starts_with("mcuboot") => "[R7]",
        _ => "",
    }
}

fn size_reference(bin: &str) -> &'static str {
    match bin {
        "size-x25519" | "size-ed25519-verify" => "[R8]",
        "size-p256-ecdh" | "size-ecdsa-verify" => "[R8] [R9]",
        "size-ccm" | "size-cmac" | "size-hkdf" | "size-sha256" => "[R9]",
        "size-mcuboot-verify" => "[R7]",
        _ => "",
    }
}

/// Published figures the tables refer to. Only figures checked against their source are given
/// as numbers; the rest are marked unverified.
const REFERENCES: &str = include_str!("references.md");

/// The "Protocols" table: every operation of the [`PROTOCOL_BINS`] (an operation belongs to
/// the binary its name starts with), with the M0 flash of its whole binary.
fn protocols_section(r: &Results) -> String {
    let mut s = String::new();
    if r.protocols_m0.is_empty() {
        return s;
    }
    let _ = writeln!(s, "\n### Protocols\n");
    let _ = writeln!(
        s,
        "Whole protocol runs, one firmware binary each (`benches/embedded/arm/src/bin/NAME.rs`), \
         counted like the table above (same runner, markers, plugin and calibration check; \
         every run checks its known answers). `edhoc-initiator-rfc9529`: an EDHOC initiator \
         (RFC 9528 method 3, cipher suite 2, lakers over `bulwark-edhoc`) on the compact \
         backend, the RFC 9529 section 3 trace from message_1 to the OSCORE export, every \
         message checked (three P-256 agreements); `edhoc-ephemeral-keygen`: the ephemeral key \
         generation the trace's X replaces (a full initiator is the sum). Flash: the whole \
         binary (thumbv6m), and over `size-empty`.\n"
    );
    let _ = writeln!(
        s,
        "| operation | M0 instructions | M0 cycles (estimate) | M4 instructions | M0 stack (B) | flash (B) | over empty (B) |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
    let base = r.sizes.first().map_or(0, |(_, fp)| fp.flash);
    for op in &r.protocols_m0 {
        let m4 = r.protocols_m4.iter().find(|o| o.name == op.name);
        let flash = r
            .protocol_flash
            .iter()
            .find(|(bin, _)| op.name.starts_with(bin.as_str()))
            .map(|(_, fp)| fp.flash);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            op.name,
            fmt_n(op.insns),
            op.cycles.map_or_else(|| "-".into(), fmt_n),
            m4.map_or_else(|| "-".into(), |o| fmt_n(o.insns)),
            op.stack,
            flash.map_or_else(|| "-".into(), fmt_n),
            flash.map_or_else(|| "-".into(), |f| fmt_n(f.saturating_sub(base))),
        );
    }
    s
}

fn write_report(r: &Results) -> Result<(), String> {
    let mut s = String::new();
    let date = first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"], false);
    let _ = writeln!(s, "# bulwark benchmark report\n");
    let _ = writeln!(
        s,
        "Generated {date} by `cargo xtask bench` (from the repository root). Do not edit by \
         hand: re-run the command. How it works: `benches/README.md`.\n"
    );
    let _ = writeln!(s, "- {}", first_line("rustc", &["-V"], false));
    let _ = writeln!(s, "- {}", first_line("rustc", &["+nightly", "-V"], false));
    let _ = writeln!(
        s,
        "- {}",
        first_line("qemu-system-arm", &["--version"], false)
    );
    let _ = writeln!(
        s,
        "- {}",
        first_line(
            "dpkg-query",
            &["-W", "-f", "simavr ${Version}", "simavr"],
            false
        )
    );
    let _ = writeln!(
        s,
        "- Target build: opt-level \"s\", fat LTO, codegen-units 1, panic = \"abort\" \
         (`benches/embedded/arm/Cargo.toml`), default sha2 backend (no `sha2_backend_soft` cfg).\n"
    );

    s.push_str(&super::compare::comparison_section(r));
    super::compare::write_chart(r)?;
    let _ = writeln!(
        s,
        "## Cortex-M0 and Cortex-M4: executed instructions (QEMU)\n"
    );
    let _ = writeln!(
        s,
        "Instructions executed between `bench_start` and `bench_end`, counted exactly by the \
         TCG plugin `benches/embedded/arm/qemu-plugin/insn_count.c` in QEMU ({} on `-M microbit` for \
         thumbv6m code, `-M mps2-an386` for thumbv7em code), minus the empty operation's \
         {} instructions of marker overhead. Each run also checks a 201-instruction \
         calibration loop is counted exactly, and every result below passed its known-answer \
         or round-trip check. Key import/validation is outside the measured region.\n",
        first_line("qemu-system-arm", &["--version"], false),
        r.m0_overhead.0
    );
    let _ = writeln!(
        s,
        "| operation | M0 instructions | M0 cycles (estimate) | M4 instructions | M0 stack (B) | compare with |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|");
    for op in &r.m0 {
        let m4 = r.m4.iter().find(|o| o.name == op.name);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            op.name,
            fmt_n(op.insns),
            op.cycles.map_or_else(|| "-".into(), fmt_n),
            m4.map_or_else(|| "-".into(), |o| fmt_n(o.insns)),
            op.stack,
            reference_for(&op.name)
        );
    }
    for (prefix, note) in PROTOCOL_NOTES {
        if r.m0.iter().any(|o| o.name.starts_with(prefix)) {
            let _ = writeln!(s, "\n{note}");
        }
    }
    let sha = |ops: &[Op]| -> Option<u64> {
        let k1 = ops.iter().find(|o| o.name == "sha256-1k")?.insns;
        let k4 = ops.iter().find(|o| o.name == "sha256-4k")?.insns;
        Some((k4 - k1) / 3)
    };
    if let (Some(m0), Some(m4)) = (sha(&r.m0), sha(&r.m4)) {
        let _ = writeln!(
            s,
            "\nSHA-256 per KiB (streaming, from (4 KiB - 1 KiB) / 3): M0 {} instructions, M4 {} \
             instructions.",
            fmt_n(m0),
            fmt_n(m4)
        );
    }
    s.push_str(&protocols_section(r));
    let _ = writeln!(
        s,
        "\n**The M0 cycle column is an estimate, not a measurement.** QEMU does not model \
         timing. The plugin adds, per executed Thumb instruction, its cycle count from the \
         Cortex-M0 Technical Reference Manual (ARM DDI 0432C, table 3-1) assuming zero-wait-state \
         memory and the single-cycle multiplier (MULS 1): data processing 1, single load/store \
         2, LDM/STM/PUSH 1+N, POP 1+N (with PC 4+N, N low registers), B 3, BL 4, BX/BLX 3, \
         write to PC 3, MSR/MRS/barriers 4, and B<cond> 1 plus 2 when taken (detected from the \
         next executed block). It ignores flash wait states (an nRF51 at 16 MHz has none; \
         faster parts do), bus contention and interrupts, so it is a lower bound for real \
         parts with wait states. The 201-instruction calibration loop is estimated at exactly \
         the 399 cycles the table gives. Stack: peak bytes below the runner's frame, by \
         painting the free stack before each operation and scanning it after (4-byte \
         resolution; includes the call into the operation).\n"
    );

    if !r.profile.is_empty() {
        let _ = writeln!(s, "{}\n{}", super::profile_report::HEADING, r.profile);
    }
    let _ = writeln!(s, "## Flash per primitive (thumbv6m, Cortex-M0)\n");
    let _ = writeln!(
        s,
        "One minimal binary per primitive (`benches/embedded/arm/src/bin/size-*.rs`: the runtime, \
         the operation, its check and its vector), measured from ELF section headers with the \
         reader in `xtask/src/elf.rs`. Flash = .text + .rodata (+ vector table and .data \
         initialisers). \"Over empty\" subtracts `size-empty`. `size-mcuboot-verify` excludes \
         the {} B signed image it carries in .rodata.\n",
        r.image_len
    );
    let _ = writeln!(
        s,
        "| binary | .text | .rodata | flash | over empty | compare with |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|");
    let base = r.sizes.first().map_or(0, |(_, fp)| fp.flash);
    for (bin, fp) in &r.sizes {
        let img = if bin.contains("mcuboot") {
            r.image_len
        } else {
            0
        };
        let flash = fp.flash - img;
        let _ = writeln!(
            s,
            "| {bin} | {} | {} | {} | {} | {} |",
            fmt_n(fp.text),
            fmt_n(fp.rodata - img),
            fmt_n(flash),
            fmt_n(flash.saturating_sub(base)),
            size_reference(bin)
        );
    }
    if let Some(fp) = r.bench_flash {
        let _ = writeln!(
            s,
            "\nThe whole `bench` binary (every primitive plus the image): {} B flash ({} B \
             without the image). Full device firmware: `examples/firmware` has no device \
             binary yet (only conformance binaries), so none is measured.",
            fmt_n(fp.flash),
            fmt_n(fp.flash - r.image_len)
        );
    }

    let _ = writeln!(s, "\n{AVR_HEADING}");
    let _ = writeln!(s, "{}\n", r.avr);

    let _ = writeln!(s, "## RISC-V RV32IMC: sizes\n");
    if r.rv32.is_empty() {
        let _ = writeln!(s, "{}\n", r.rv32_note);
    } else {
        let _ = writeln!(
            s,
            "Built for `{RV32}` with the same profile (riscv-rt, QEMU `virt` memory map, code \
             and data in RAM). {}\n",
            r.rv32_note
        );
        let _ = writeln!(s, "| binary | .text | .rodata | flash |");
        let _ = writeln!(s, "|---|---:|---:|---:|");
        for (bin, fp) in &r.rv32 {
            let _ = writeln!(
                s,
                "| {bin} | {} | {} | {} |",
                fmt_n(fp.text),
                fmt_n(fp.rodata),
                fmt_n(fp.flash)
            );
        }
        let _ = writeln!(s);
    }
    if !r.rv32_ops.is_empty() {
        let _ = writeln!(
            s,
            "Executed instructions in `qemu-system-riscv32 -M virt -bios none` (same plugin, \
             same checks, exact calibration; no cycle model; stack not measured on RISC-V):\n"
        );
        let _ = writeln!(s, "| operation | RV32IMC instructions |");
        let _ = writeln!(s, "|---|---:|");
        for op in &r.rv32_ops {
            let _ = writeln!(s, "| {} | {} |", op.name, fmt_n(op.insns));
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Host (criterion)\n");
    if r.host.is_empty() {
        let _ = writeln!(s, "No host numbers: {}\n", r.host_note);
    } else {
        let _ = writeln!(
            s,
            "`cargo bench -p bulwark-benches -- --warm-up-time 0.3 --measurement-time 1` on \
             this machine; medians from `target/criterion/*/new/estimates.json`. Host speed is \
             only quoted as a ratio against a reference measured in the same run (the \
             RustCrypto/dalek crate called directly, without bulwark's API layer): ratio > 1 \
             means bulwark is slower.\n"
        );
        let _ = writeln!(s, "| benchmark | bulwark / reference | reference |");
        let _ = writeln!(s, "|---|---:|---|");
        for (name, ns) in &r.host {
            // criterion turns the `/` of a `bench_function` id into `_` in its directory name.
            let Some(op) = name.strip_suffix("_bulwark") else {
                continue;
            };
            let reference = r
                .host
                .iter()
                .find(|(k, _)| k.starts_with(&format!("{op}_reference-")));
            if let Some((rname, rns)) = reference {
                let _ = writeln!(
                    s,
                    "| {op} | {:.3} | {} |",
                    ns / rns,
                    rname.rsplit("_reference-").next().unwrap_or("")
                );
            }
        }
        let _ = writeln!(s);
        s.push_str(&super::report_gateway::section(&r.host));
        let _ = writeln!(
            s,
            "Other host benches run in the same pass (no in-run reference, so no figure is \
             quoted here): {}.\n",
            r.host
                .keys()
                .filter(|k| !k.ends_with("_bulwark") && !k.contains("_reference-"))
                .count()
        );
    }

    let path = workspace_root().join("benches").join("REPORT.md");
    s.push_str(&kept_section(&path, CLI_STREAM_HEADING));
    s.push_str(REFERENCES);
    fs::write(&path, s).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// What the protocol rows of the M0/M4 table measure: (op-name prefix, note), each written
/// under the table when the run has such a row.
const PROTOCOL_NOTES: &[(&str, &str)] = &[
    (
        "ble-sc-pairing",
        "`ble-sc-pairing-nc-compact` is one side (the responder) of a full BLE LE Secure Connections pairing with numeric comparison (`bulwark-links`), on the compact backend, from the peer's Pairing Request to the LTK: the P-256 key pair, the peer key's validation and the DHKey (about 2 x 6.9 M instructions on the M0), then f4, g2, f5 and both f6 checks; the peer's PDUs are replayed from a reference run and the measured side must send the same PDUs, show the same number and derive the same LTK.",
    ),
    (
        "vault-",
        "Sealed store (`bulwark-vault`, `benches/embedded/ops/src/vault.rs`): a RAM flash of 4 pages of 512 bytes, values up to 256 bytes, AES-128-CCM of the software backend. `vault-mount` reads and authenticates a store of six 64-byte values (eight records over two pages); `vault-get-64` finds and opens one 64-byte value; `vault-put-64` overwrites it (one record written, no compaction). `size-vault` includes the software AES and CCM (`size-ccm` over empty: 15,856 B), so the store's own code is about 6 KB.",
    ),
    (
        "trust-chain",
        "Trust chains (`bulwark-trust`, `benches/embedded/ops/src/trust.rs`): `trust-chain-*` checks a chain of 3 grants under a root key for `PUT /door/lock` while the device holds 2 revocations of other grants, and allows it: the 3 grants' signatures, their strict CBOR parsing and every chain rule, and the 2 revocations parsed and searched. `ed25519`/`es256` name the grants' algorithm; the plain rows run on the software backend, `-compact` on the compact backend. `size-trust-*` link both verifiers (a chain may mix key types).",
    ),
];

/// The CLI streaming section's heading: written by `benches/cli_stream.py` (a hand-run
/// measurement against Python's `cryptography`), kept as it is when the report is regenerated.
const CLI_STREAM_HEADING: &str = "## CLI streaming (64 MiB AES-128-CCM seal)\n";
