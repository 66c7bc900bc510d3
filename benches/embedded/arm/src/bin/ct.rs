//! The constant-time check's firmware: every operation on secrets with 8 secrets each, then
//! the two deliberate leaks (see `bulwark_bench_arm::ct`). Driven by `cargo xtask ct-target`.
#![no_std]
#![no_main]

use bulwark_bench_arm::{ct, exit};

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
/// The entry point: runs the operations, then exits over semihosting (status 0 only if every
/// run's result was right; the hashes are xtask's to compare).
fn main() -> ! {
    let mut fails = 0;
    ct::selftests(&mut fails);
    ct::compact(&mut fails);
    ct::soft(&mut fails);
    exit(fails == 0)
}
