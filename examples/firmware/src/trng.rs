//! The nRF51's hardware random number generator (RNG peripheral at `0x4000_D000`), as a
//! [`bulwark_api::Rng`].
//!
//! QEMU's `microbit` machine emulates it (backed by the host's random source); on a real
//! micro:bit it is the chip's thermal-noise TRNG. With bias correction (`CONFIG.DERCEN`) on,
//! each byte takes about 120 us on hardware.
//!
//! This module exists for the one thing that needs `unsafe` here: volatile access to the
//! peripheral's registers.
#![allow(unsafe_code)]

use bulwark_api::{Error, Rng};

const BASE: usize = 0x4000_D000;
const TASKS_START: usize = BASE;
const TASKS_STOP: usize = BASE + 0x004;
const EVENTS_VALRDY: usize = BASE + 0x100;
const CONFIG: usize = BASE + 0x504;
const VALUE: usize = BASE + 0x508;

/// How many polls of `EVENTS_VALRDY` before a byte counts as never coming (no RNG, or a
/// broken one): far above the ~120 us per byte of the hardware.
const MAX_POLLS: u32 = 200_000;

/// The nRF51 RNG. Only one may exist: it owns the peripheral (the firmware creates it once
/// in `main`).
#[derive(Debug)]
pub struct Nrf51Rng {
    _owned: (),
}

fn write(register: usize, value: u32) {
    // SAFETY: `register` is one of the RNG's documented registers above (nRF51 Reference
    // Manual, RNG chapter): 4-byte aligned, mapped on every nRF51 and in QEMU's `microbit`
    // machine (where an unemulated peripheral reads as zero and ignores writes). Writing
    // the task, event and config registers has no effect beyond the RNG, which this type
    // owns; nothing else in the firmware touches it.
    unsafe { (register as *mut u32).write_volatile(value) }
}

fn read(register: usize) -> u32 {
    // SAFETY: as in `write`; reading these registers has no side effect.
    unsafe { (register as *const u32).read_volatile() }
}

impl Nrf51Rng {
    /// Takes the RNG peripheral and turns bias correction on.
    pub fn new() -> Self {
        write(CONFIG, 1);
        Self { _owned: () }
    }
}

impl Default for Nrf51Rng {
    fn default() -> Self {
        Self::new()
    }
}

impl Rng for Nrf51Rng {
    /// Fills `dest` one byte per `VALRDY` event. Returns [`Error::Hardware`] if a byte does
    /// not come within [`MAX_POLLS`] polls, or if 16 or more bytes came out all equal (a stuck
    /// generator).
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        write(EVENTS_VALRDY, 0);
        write(TASKS_START, 1);
        let mut result = Ok(());
        for byte in dest.iter_mut() {
            let mut polls = 0;
            while read(EVENTS_VALRDY) == 0 {
                polls += 1;
                if polls > MAX_POLLS {
                    result = Err(Error::Hardware);
                    break;
                }
            }
            if result.is_err() {
                break;
            }
            *byte = read(VALUE) as u8;
            write(EVENTS_VALRDY, 0);
        }
        write(TASKS_STOP, 1);
        if let Some(first) = dest.first()
            && dest.len() >= 16
            && dest.iter().all(|b| b == first)
        {
            result = Err(Error::Hardware);
        }
        result
    }
}
