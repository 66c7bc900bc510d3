//! AVR (ATmega2560) benchmarks in simavr.
//!
//! Not built yet: `bulwark-soft` cannot build for AVR at all (it depends on `p256`
//! unconditionally, and crypto-bigint refuses 16-bit targets), so an AVR bench has to call
//! the RustCrypto/dalek crates directly, through a separate `benches/target/avr` crate and a
//! small C harness on libsimavr reading exact cycles between the marker addresses.

/// The report section's body: exactly how far the AVR work got.
pub fn run() -> String {
    "**Not measured in this report.** What exists: the toolchain pieces install and work \
     (`rustup component add rust-src --toolchain nightly`; `apt-get install gcc-avr avr-libc \
     simavr libsimavr-dev`). What is missing: the AVR bench crate and its libsimavr cycle \
     harness. Known blockers and facts: `bulwark-soft` cannot be built for `avr-none` because \
     it depends on `p256` unconditionally and crypto-bigint refuses 16-bit targets, so the AVR \
     bench must use the RustCrypto/dalek crates directly (P-256 and ECDSA are impossible on \
     AVR either way). The Ed25519 opt-level question (wrong result at \"s\" and 1, right at \
     \"z\", per TOOLCHAIN.md) is not investigated. Earlier project figures (TOOLCHAIN.md, \
     atmega2560, opt \"s\"): AES-128 block with key schedule 35,864 cycles; CCM 64 B 191,653; \
     HKDF 468,832; X25519 179.8 M (compare [R1]: 13,900,397 cycles in assembly); Ed25519 \
     verify 187.4 M at opt \"z\"."
        .to_owned()
}
