//! A block engine shaped like a hardware AES peripheral, to prove the seam real hardware
//! backends use.
//!
//! [`SimulatedAesPeripheral`] models the register interface of a typical MCU AES block
//! (nRF ECB, STM32 AES): a key register, an input register, a start trigger, a status register
//! that reads busy for a few polls, and an output register. It can be held by another bus
//! master (then [`Error::Busy`]) or made to fault (then [`Error::Hardware`]).
//! [`PeripheralAes`] is the driver: it owns the peripheral exclusively (`&mut self`), runs one
//! block at a time, polls with a bound, and implements [`BlockEncrypt`], so every mode in
//! `bulwark-modes` runs on it unchanged.

use aes::cipher::{BlockCipherEncrypt, KeyInit, array::Array};
use bulwark_api::{
    Error,
    hazmat::{Block, BlockEncrypt},
};
use zeroize::Zeroize;

/// The status register of [`SimulatedAesPeripheral`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// No operation in progress, no result waiting.
    Idle,
    /// An operation is running.
    Busy,
    /// The result is in the output register.
    Done,
    /// The peripheral faulted (e.g. a detected glitch); the output register is cleared.
    Fault,
}

/// The peripheral's AES core (the `aes` crate; its expanded keys are wiped on drop).
enum Core {
    Aes128(aes::Aes128),
    Aes192(aes::Aes192),
    Aes256(aes::Aes256),
}

impl Core {
    fn new(key: &[u8]) -> Result<Self, Error> {
        let bad = |_| Error::InvalidInput;
        Ok(match key.len() {
            16 => Self::Aes128(aes::Aes128::new_from_slice(key).map_err(bad)?),
            24 => Self::Aes192(aes::Aes192::new_from_slice(key).map_err(bad)?),
            32 => Self::Aes256(aes::Aes256::new_from_slice(key).map_err(bad)?),
            _ => return Err(Error::InvalidInput),
        })
    }

    fn encrypt(&self, block: &mut Block) {
        let b = Array::cast_from_core_mut(block);
        match self {
            Self::Aes128(c) => c.encrypt_block(b),
            Self::Aes192(c) => c.encrypt_block(b),
            Self::Aes256(c) => c.encrypt_block(b),
        }
    }
}

/// A software model of a memory-mapped AES-ECB peripheral.
pub struct SimulatedAesPeripheral {
    core: Core,
    input: Block,
    output: Block,
    status: Status,
    polls_left: u8,
    latency: u8,
    held_by_other: bool,
    fault_next: bool,
}

impl core::fmt::Debug for SimulatedAesPeripheral {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SimulatedAesPeripheral")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl SimulatedAesPeripheral {
    /// Powers up the peripheral with `key` (16, 24 or 32 bytes) in its key register; each
    /// operation then reads busy for `latency` status polls.
    ///
    /// Returns [`Error::InvalidInput`] for another key length.
    pub fn new(key: &[u8], latency: u8) -> Result<Self, Error> {
        Ok(Self {
            core: Core::new(key)?,
            input: [0; 16],
            output: [0; 16],
            status: Status::Idle,
            polls_left: 0,
            latency,
            held_by_other: false,
            fault_next: false,
        })
    }

    /// Test hook: another bus master (a radio's DMA, another core) holds the peripheral.
    pub fn set_held_by_other(&mut self, held: bool) {
        self.held_by_other = held;
    }

    /// Test hook: the next operation faults.
    pub fn inject_fault(&mut self) {
        self.fault_next = true;
    }

    /// Whether another bus master holds the peripheral.
    pub fn is_held_by_other(&self) -> bool {
        self.held_by_other
    }

    /// Writes the input register.
    pub fn write_input(&mut self, block: &Block) {
        self.input = *block;
    }

    /// Triggers an encryption of the input register.
    pub fn start(&mut self) {
        self.status = Status::Busy;
        self.polls_left = self.latency;
    }

    /// Reads the status register; the operation completes after `latency` polls.
    pub fn status(&mut self) -> Status {
        if self.status == Status::Busy {
            if self.polls_left > 0 {
                self.polls_left -= 1;
            } else if self.fault_next {
                self.fault_next = false;
                self.output.zeroize();
                self.status = Status::Fault;
            } else {
                self.output = self.input;
                self.core.encrypt(&mut self.output);
                self.status = Status::Done;
            }
        }
        self.status
    }

    /// Reads the output register and clears both data registers.
    pub fn read_output(&mut self) -> Block {
        let out = self.output;
        self.output.zeroize();
        self.input.zeroize();
        self.status = Status::Idle;
        out
    }
}

/// The upper bound on status polls before the driver reports a timeout.
const MAX_POLLS: u32 = 1_000;

/// Driver for [`SimulatedAesPeripheral`]: one block at a time, bounded polling.
#[derive(Debug)]
pub struct PeripheralAes {
    hw: SimulatedAesPeripheral,
}

impl PeripheralAes {
    /// Takes exclusive ownership of the peripheral.
    pub fn new(hw: SimulatedAesPeripheral) -> Self {
        Self { hw }
    }

    /// Access to the peripheral (for test hooks).
    pub fn peripheral_mut(&mut self) -> &mut SimulatedAesPeripheral {
        &mut self.hw
    }
}

impl BlockEncrypt for PeripheralAes {
    fn encrypt_block(&mut self, block: &mut Block) -> Result<(), Error> {
        if self.hw.is_held_by_other() {
            return Err(Error::Busy);
        }
        self.hw.write_input(block);
        self.hw.start();
        for _ in 0..MAX_POLLS {
            match self.hw.status() {
                Status::Busy => continue,
                Status::Done => {
                    *block = self.hw.read_output();
                    return Ok(());
                }
                Status::Idle | Status::Fault => break,
            }
        }
        let _ = self.hw.read_output();
        Err(Error::Hardware)
    }
}
