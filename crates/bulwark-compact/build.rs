//! Chooses the GF(2^255 - 19) limb strategy for the target (see `src/curve25519/mod.rs`):
//! radix 2^16 (`bulwark_fe16`) where the core has no 32x32 -> 64 bit multiply, radix 2^32
//! elsewhere. `BULWARK_COMPACT_FE=16` or `=32` overrides the choice.
//!
//! On ARMv7E-M (Cortex-M4/M7: the DSP extension, which has `UMAAL`) with 32-bit words it also
//! sets `bulwark_umaal`: the 256 x 256-bit product in assembly (`src/umaal_gen.rs`) for both
//! fields. `BULWARK_COMPACT_UMAAL=0` keeps the portable product there (for comparisons).
//!
//! On ARMv6-M (`thumbv6m`: Cortex-M0/M0+) with 16-bit digits, `bulwark_m0asm` selects the
//! Thumb-1 assembly products and squares (`src/m0asm_gen.rs`): GF(2^255 - 19)'s `Fe16`
//! `mul`/`square` and P-256's 512-bit product and square. `BULWARK_COMPACT_M0ASM=0` keeps the
//! portable products there (for comparisons), `=1` forces the assembly (see [`M0ASM_DEFAULT`]).

/// Whether ARMv6-M uses the assembly products unless `BULWARK_COMPACT_M0ASM` says otherwise:
/// on, since they passed the on-target conformance, differential and trace-hash constant-time
/// checks and are faster than the portable products there (crate README).
const M0ASM_DEFAULT: bool = true;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(bulwark_fe16)");
    println!("cargo::rustc-check-cfg=cfg(bulwark_m0asm)");
    println!("cargo::rerun-if-env-changed=BULWARK_COMPACT_M0ASM");
    println!("cargo::rustc-check-cfg=cfg(bulwark_umaal)");
    println!("cargo::rerun-if-env-changed=BULWARK_COMPACT_FE");
    println!("cargo::rerun-if-env-changed=BULWARK_COMPACT_UMAAL");
    let target = std::env::var("TARGET").unwrap_or_default();
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    let no_wide_mul = target.starts_with("thumbv6m")
        || target.starts_with("thumbv8m.base")
        || target.starts_with("avr")
        || target.starts_with("msp430")
        || (target.starts_with("riscv32") && !features.split(',').any(|f| f == "m"));
    let fe16 = match std::env::var("BULWARK_COMPACT_FE").as_deref() {
        Ok("16") => true,
        Ok("32") => false,
        _ => no_wide_mul,
    };
    if fe16 {
        println!("cargo::rustc-cfg=bulwark_fe16");
    }
    let arm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "arm");
    let dsp = features.split(',').any(|f| f == "dsp") || target.starts_with("thumbv7em");
    let umaal_off = std::env::var("BULWARK_COMPACT_UMAAL").is_ok_and(|v| v == "0");
    if arm && dsp && !fe16 && !umaal_off {
        println!("cargo::rustc-cfg=bulwark_umaal");
    }
    let m0asm = match std::env::var("BULWARK_COMPACT_M0ASM").as_deref() {
        Ok("0") => false,
        Ok("1") => true,
        _ => M0ASM_DEFAULT,
    };
    if arm && target.starts_with("thumbv6m") && fe16 && m0asm {
        println!("cargo::rustc-cfg=bulwark_m0asm");
    }
}
