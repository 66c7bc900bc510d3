//! Deterministic byte generators for tests.

use bulwark_api::{Error, Rng};

/// A **deterministic test generator: NOT a source of entropy.**
///
/// It produces the SplitMix64 sequence of its seed, so a test that generates keys is
/// reproducible. Anyone who knows (or guesses) the seed knows every key made from it. Never
/// use it outside tests and conformance checks; a device uses its TRNG, a gateway the OS.
#[derive(Debug)]
pub struct DeterministicTestRng {
    state: u64,
}

impl DeterministicTestRng {
    /// A generator whose whole output is fixed by `seed`.
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64-bit output (SplitMix64).
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (`next_u64() % n`; slightly biased, fine for choosing test cases), or
    /// 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        self.next_u64().checked_rem(n as u64).unwrap_or(0) as usize
    }
}

impl Rng for DeterministicTestRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        for chunk in dest.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            for (d, s) in chunk.iter_mut().zip(word) {
                *d = s;
            }
        }
        Ok(())
    }
}

/// A broken test generator: every byte it produces is the same constant (a TRNG stuck at one
/// value). For checking that key generation notices; **NOT a source of entropy.**
#[derive(Debug)]
pub struct StuckTestRng(pub u8);

impl Rng for StuckTestRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        dest.fill(self.0);
        Ok(())
    }
}

/// A test generator that always fails with its error (an unhealthy TRNG).
#[derive(Debug)]
pub struct FailingTestRng(pub Error);

impl Rng for FailingTestRng {
    fn fill_bytes(&mut self, _dest: &mut [u8]) -> Result<(), Error> {
        Err(self.0)
    }
}

/// A test generator that repeats `bytes` cyclically (fuzz input as "randomness" for the
/// key-generation paths); all `0x5a` when `bytes` is empty. **NOT a source of entropy.**
#[derive(Debug)]
pub struct CyclingTestRng<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> CyclingTestRng<'a> {
    /// A generator that starts at the front of `bytes`.
    pub const fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }
}

impl Rng for CyclingTestRng<'_> {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        for d in dest {
            *d = self
                .bytes
                .get(self.pos % self.bytes.len().max(1))
                .copied()
                .unwrap_or(0x5a);
            self.pos += 1;
        }
        Ok(())
    }
}
