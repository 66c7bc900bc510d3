//! What the demo stands in for on a board without the real thing: the random generator
//! ([`NotATrng`]), the anti-rollback counter ([`RamCounter`]) and a tampered download
//! ([`TamperedFlash`]).

use bulwark::{
    DefaultProvider, Error, Rng, SecretBytes,
    kdf::{HkdfSha256, Prk},
};
use bulwark_firmware::{MonotonicCounter, SliceStorage};
use embedded_storage::ReadStorage;

/// **NOT A TRNG.** A deterministic generator (SHA-256 in counter mode over a seed compiled
/// into the firmware) for a device without a working hardware random generator, so the demo
/// can still run. Anyone who has the firmware image can predict every byte it produces: a
/// real device must use its TRNG.
pub struct NotATrng {
    seed: SecretBytes<32>,
    block: u32,
}

impl NotATrng {
    /// A generator over `seed` (a per-run value from the gateway).
    pub fn new(seed: &[u8; 32]) -> Self {
        let mut s = SecretBytes::zeroed();
        s.expose_secret_mut().copy_from_slice(seed);
        Self { seed: s, block: 0 }
    }
}

impl core::fmt::Debug for NotATrng {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NotATrng").finish_non_exhaustive()
    }
}

impl Rng for NotATrng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        let prk = Prk::from_secret(SecretBytes::try_from_slice(self.seed.expose_secret())?);
        for chunk in dest.chunks_mut(32) {
            self.block = self.block.checked_add(1).ok_or(Error::Hardware)?;
            DefaultProvider::default().expand(
                &prk,
                &[b"bulwark demo NOT A TRNG", &self.block.to_be_bytes()],
                chunk,
            )?;
        }
        Ok(())
    }
}

/// The anti-rollback counter, in RAM for the demo. A real device implements
/// [`MonotonicCounter`] over OTP fuses, a secure element or an increase-only flash record.
#[derive(Debug)]
pub struct RamCounter(pub u32);

impl MonotonicCounter for RamCounter {
    fn read(&mut self) -> Result<u32, Error> {
        Ok(self.0)
    }

    fn advance_to(&mut self, value: u32) -> Result<(), Error> {
        self.0 = self.0.max(value);
        Ok(())
    }
}

/// A flash region whose contents differ from `data` in one bit (at byte `at`, bit 0), as a
/// corrupted or maliciously modified download would: reads return the modified bytes.
#[derive(Debug)]
pub struct TamperedFlash<'a> {
    data: SliceStorage<'a>,
    at: usize,
}

impl<'a> TamperedFlash<'a> {
    /// `data` with bit 0 of byte `at` flipped.
    pub const fn new(data: &'a [u8], at: usize) -> Self {
        Self {
            data: SliceStorage::new(data),
            at,
        }
    }
}

impl ReadStorage for TamperedFlash<'_> {
    type Error = bulwark_firmware::OutOfBounds;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        self.data.read(offset, bytes)?;
        let start = usize::try_from(offset).map_err(|_| bulwark_firmware::OutOfBounds)?;
        if let Some(b) = self.at.checked_sub(start).and_then(|i| bytes.get_mut(i)) {
            *b ^= 0x01;
        }
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.data.capacity()
    }
}
