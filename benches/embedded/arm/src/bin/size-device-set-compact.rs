//! Flash-size probe: the runtime plus the compact backend's device set only: X25519, P-256
//! ECDH, Ed25519 and ECDSA verification, CCM and HKDF together (the goal: at most 32 KiB).
#![no_std]
#![no_main]

use bulwark_bench_arm::{Runner, ops};

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
/// The entry point: runs the operations, then exits over semihosting.
fn main() -> ! {
    let mut r = Runner::new();
    ops::compact::x25519(&mut r);
    ops::compact::p256_ecdh(&mut r);
    ops::compact::ed25519_verify(&mut r);
    ops::compact::ecdsa_verify(&mut r);
    ops::compact::ccm_seal_64(&mut r);
    ops::compact::hkdf(&mut r);
    r.finish()
}
