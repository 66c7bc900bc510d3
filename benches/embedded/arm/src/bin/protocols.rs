//! The benchmarked protocol operations (BLE pairing, the sealed store, trust chains), in a
//! fixed order, measured exactly as `bench.rs` measures the primitives (its own empty
//! operation and calibration loop); a binary of their own so each fits the micro:bit's flash.
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
    ops::ble_pairing(&mut r);
    ops::vault(&mut r);
    ops::trust_ed25519(&mut r);
    ops::trust_es256(&mut r);
    r.finish()
}
