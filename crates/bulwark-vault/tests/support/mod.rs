//! Test support: a simulated NOR flash that logs every program and erase, a monotonic counter,
//! and a vault over the software backend.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_api::Error;
use bulwark_soft::{SoftAes, SoftCcm};
use bulwark_vault::{Config, Geometry, MonotonicCounter, RollbackPolicy, Vault};
use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};
use std::cell::RefCell;
use std::rc::Rc;

/// Write granularity of the simulated flash.
pub const WORD: usize = 4;
/// Erase granularity.
pub const ERASE: usize = 512;

/// One flash operation, as the vault issued it.
#[derive(Clone, Debug)]
pub enum Op {
    /// Program `data` at `addr`.
    Write { addr: usize, data: Vec<u8> },
    /// Erase `[from, to)`.
    Erase { from: usize, to: usize },
}

/// The operation log shared with the test: each operation with the counter value then.
pub type Log = Rc<RefCell<Vec<(Op, u32)>>>;

/// The simulated flash's error.
#[derive(Debug)]
pub struct SimError(NorFlashErrorKind);

impl NorFlashError for SimError {
    fn kind(&self) -> NorFlashErrorKind {
        self.0
    }
}

/// NOR flash in RAM: erased is 0xff, programming only clears bits and is refused on a word
/// that is not erased, every operation is logged (with the counter value at that moment).
#[derive(Clone)]
pub struct SimFlash {
    pub mem: Vec<u8>,
    pub log: Option<Log>,
    pub counter: Option<Rc<RefCell<u32>>>,
}

impl SimFlash {
    pub fn new(size: usize) -> Self {
        SimFlash {
            mem: vec![0xff; size],
            log: None,
            counter: None,
        }
    }

    /// Applies `op` completely.
    pub fn apply(&mut self, op: &Op) {
        match op {
            Op::Write { addr, data } => {
                for (i, b) in data.iter().enumerate() {
                    self.mem[addr + i] &= b;
                }
            }
            Op::Erase { from, to } => self.mem[*from..*to].fill(0xff),
        }
    }
}

impl ErrorType for SimFlash {
    type Error = SimError;
}

impl ReadNorFlash for SimFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), SimError> {
        let o = offset as usize;
        let src = self
            .mem
            .get(o..o + bytes.len())
            .ok_or(SimError(NorFlashErrorKind::OutOfBounds))?;
        bytes.copy_from_slice(src);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.mem.len()
    }
}

impl NorFlash for SimFlash {
    const WRITE_SIZE: usize = WORD;
    const ERASE_SIZE: usize = ERASE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), SimError> {
        let (from, to) = (from as usize, to as usize);
        if !from.is_multiple_of(ERASE)
            || !to.is_multiple_of(ERASE)
            || to > self.mem.len()
            || from > to
        {
            return Err(SimError(NorFlashErrorKind::NotAligned));
        }
        let op = Op::Erase { from, to };
        self.log_op(&op);
        self.apply(&op);
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), SimError> {
        let o = offset as usize;
        if !o.is_multiple_of(WORD)
            || !bytes.len().is_multiple_of(WORD)
            || o + bytes.len() > self.mem.len()
        {
            return Err(SimError(NorFlashErrorKind::NotAligned));
        }
        // A word is programmed once between erases (as on flash with ECC).
        for (i, chunk) in bytes.chunks(WORD).enumerate() {
            let at = o + i * WORD;
            let erased = self.mem[at..at + WORD].iter().all(|&b| b == 0xff);
            if !erased && chunk.iter().any(|&b| b != 0xff) {
                return Err(SimError(NorFlashErrorKind::Other));
            }
        }
        let op = Op::Write {
            addr: o,
            data: bytes.to_vec(),
        };
        self.log_op(&op);
        self.apply(&op);
        Ok(())
    }
}

impl SimFlash {
    fn log_op(&self, op: &Op) {
        if let Some(log) = &self.log {
            let c = self.counter.as_ref().map_or(0, |c| *c.borrow());
            log.borrow_mut().push((op.clone(), c));
        }
    }
}

/// A monotonic counter shared with the test (so it can be read, and "restored" never).
#[derive(Clone, Default)]
pub struct SimCounter(pub Rc<RefCell<u32>>);

impl MonotonicCounter for SimCounter {
    fn read(&mut self) -> Result<u32, Error> {
        Ok(*self.0.borrow())
    }

    fn advance_to(&mut self, value: u32) -> Result<(), Error> {
        let mut c = self.0.borrow_mut();
        *c = (*c).max(value);
        Ok(())
    }
}

pub const KEY: [u8; 16] = [
    0x60, 0x1f, 0x2c, 0x39, 0x44, 0x5a, 0x66, 0x71, 0x8e, 0x93, 0xa8, 0xb2, 0xc1, 0xd7, 0xea, 0xf4,
];
pub const ID: [u8; 16] = *b"vault-test-store";

pub fn ccm(key: &[u8]) -> SoftCcm {
    SoftCcm::new(SoftAes::new(key).unwrap())
}

pub fn config(pages: u32, page_size: u32, policy: RollbackPolicy) -> Config {
    Config {
        id: ID,
        geometry: Geometry {
            offset: 0,
            page_size,
            pages,
            write_size: WORD as u32,
        },
        policy,
    }
}

/// The vault type the tests use: values up to 256 bytes.
pub type TestVault<'a> = Vault<&'a mut SimFlash, SoftCcm, SimCounter, 256>;

/// A deterministic byte generator (xorshift).
pub struct Gen(pub u64);

impl Gen {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// A record found by [`records`]: where it is, how long, its sequence number.
#[derive(Clone, Copy, Debug)]
pub struct RecordAt {
    pub start: usize,
    pub len: usize,
    pub seq: u64,
    pub kind: u8,
}

/// Walks the records of an image the way the format describes them (write size [`WORD`]):
/// 24-byte header (magic 0xb7, kind, name length, 0, value length u16, 0, 0, sequence number
/// u64, CRC), then 24 fixed bytes, the name, the ciphertext and a 16-byte tag, padded to 4.
pub fn records(mem: &[u8], pages: usize, page: usize) -> Vec<RecordAt> {
    let mut out = Vec::new();
    for p in 0..pages {
        let mut off = 0;
        while off + 24 <= page {
            let at = p * page + off;
            let h = &mem[at..at + 24];
            if h[0] != 0xb7 {
                break;
            }
            let name = h[2] as usize;
            let value = u16::from_le_bytes([h[4], h[5]]) as usize;
            let len = 24 + (24 + name + value + 16).div_ceil(4) * 4;
            let seq = u64::from_le_bytes(h[8..16].try_into().unwrap());
            out.push(RecordAt {
                start: at,
                len,
                seq,
                kind: h[1],
            });
            off += len;
        }
    }
    out
}
