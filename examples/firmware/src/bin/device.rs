//! The demo device on a Cortex-M0 (BBC micro:bit, nRF51822: 256 KiB flash, 16 KiB RAM).
//!
//! It depends on bulwark as a user's firmware would (through `bulwark-example-device`, the
//! device logic the gateway can also run on the host) and does one boot's work: keys from
//! its out-of-band code, CCM* frames, an X25519 exchange with the gateway using the nRF51
//! RNG, a signed update verified from flash (the PSK derivation vectors are checked by the
//! `conformance-psk` binary, not at boot). It prints what it did over semihosting, then its
//! peak stack, and exits 0 only if every step gave the expected result.
//!
//! Its provisioning (code, EUI-64, gateway key, update key, images) is compiled in from
//! `BULWARK_DEVICE_DATA` (see build.rs): the images are `&'static [u8]` in flash, read through
//! `embedded-storage`.

#![no_std]
#![no_main]

use bulwark_api::Rng;
use bulwark_example_device::protocol::Hex;
use bulwark_example_device::{NotATrng, Provisioning, run};
use bulwark_firmware_examples::{SemihostingWriter, exit, stack, trng::Nrf51Rng};
use core::fmt::Write;
use cortex_m_rt::entry;

static PROVISIONING: &str = include_str!(concat!(
    env!("BULWARK_DEVICE_DATA_DIR"),
    "/provisioning.txt"
));
/// The signed update, as the bootloader would find it in the secondary slot.
static UPDATE: &[u8] = include_bytes!(concat!(env!("BULWARK_DEVICE_DATA_DIR"), "/update.img"));
/// The previous release, validly signed, with a lower security counter.
static OLD_IMAGE: &[u8] = include_bytes!(concat!(env!("BULWARK_DEVICE_DATA_DIR"), "/old.img"));

#[entry]
fn main() -> ! {
    let mut out = SemihostingWriter::new();
    let ok = device(&mut out).unwrap_or(false);
    exit(ok)
}

fn device(out: &mut SemihostingWriter) -> Result<bool, core::fmt::Error> {
    writeln!(
        out,
        "device: bulwark demo device on a Cortex-M0 (nRF51822, BBC micro:bit)"
    )?;
    writeln!(
        out,
        "device: provisioning compiled in from {}",
        env!("BULWARK_DEVICE_DATA_ORIGIN")
    )?;
    let p = match Provisioning::parse(PROVISIONING, UPDATE, OLD_IMAGE) {
        Ok(p) => p,
        Err(field) => {
            writeln!(out, "device: FAILED: provisioning.txt field `{field}`")?;
            return Ok(false);
        }
    };

    // The ephemeral X25519 secret needs a TRNG: the nRF51 RNG if it answers.
    let mut trng = Nrf51Rng::new();
    let mut sample = [0u8; 16];
    let outcome = match trng.fill_bytes(&mut sample) {
        Ok(()) => {
            writeln!(
                out,
                "device: nRF51 hardware RNG (0x4000D000) answers: sample {}",
                Hex(&sample)
            )?;
            run(
                &p,
                &mut trng,
                "the nRF51 hardware RNG (TRNG peripheral at 0x4000D000, bias correction on)",
                out,
            )?
        }
        Err(_) => {
            writeln!(
                out,
                "device: WARNING: the nRF51 RNG does not answer; using NotATrng, a \
                 deterministic generator seeded at build time: NOT A TRNG"
            )?;
            run(
                &p,
                &mut NotATrng::new(&p.seed),
                "NotATrng: deterministic, seeded at build time, NOT A TRNG",
                out,
            )?
        }
    };

    let stack = stack::high_water_mark();
    writeln!(out, "@stack {} {}", stack.used, stack.size)?;
    writeln!(
        out,
        "device: {} checks ok, {} failed; stack used {} of {} bytes",
        outcome.passed, outcome.failed, stack.used, stack.size
    )?;
    Ok(outcome.success())
}
