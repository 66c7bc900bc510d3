//! Every benchmarked primitive, in a fixed order (see `bulwark_bench_arm::ops`); the protocol
//! operations are in `protocols.rs` (together they do not fit the micro:bit's 256 KiB).
#![no_std]
#![no_main]

use bulwark_bench_arm::{Runner, ops};

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
/// The entry point: runs the operations, then exits over semihosting.
fn main() -> ! {
    let mut r = Runner::new();
    ops::empty(&mut r);
    ops::calibration(&mut r);
    ops::aes(&mut r);
    ops::ccm(&mut r);
    ops::cmac(&mut r);
    ops::x25519(&mut r);
    ops::compact::x25519(&mut r);
    ops::p256_ecdh(&mut r);
    ops::compact::aes(&mut r);
    ops::compact::p256(&mut r);
    ops::compact::p256_field(&mut r);
    ops::ed25519_verify(&mut r);
    ops::compact::ed25519_verify(&mut r);
    ops::ecdsa_verify(&mut r);
    ops::hkdf(&mut r);
    ops::compact::hkdf(&mut r);
    ops::sha256(&mut r);
    ops::mcuboot_verify(&mut r);
    r.finish()
}
