//! Flash-size probe: the runtime plus `ops::trust_es256` only (checking a 3-grant chain with 2
//! revocations, software backend).
#![no_std]
#![no_main]

use bulwark_bench_arm::{Runner, ops};

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
/// The entry point: runs the operations, then exits over semihosting.
fn main() -> ! {
    let mut r = Runner::new();
    ops::trust_es256(&mut r);
    r.finish()
}
