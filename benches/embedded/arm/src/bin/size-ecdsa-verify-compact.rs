//! Flash-size probe: the runtime plus `ops::compact::ecdsa_verify` only.
#![no_std]
#![no_main]

use bulwark_bench_arm::{Runner, ops};

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
/// The entry point: runs the operations, then exits over semihosting.
fn main() -> ! {
    let mut r = Runner::new();
    ops::compact::ecdsa_verify(&mut r);
    r.finish()
}
