//! `rand_core` 0.10 for bulwark's generators (the reverse direction is
//! [`RandCoreRng`](super::RandCoreRng)).

use crate::{Error, Rng};

/// A bulwark [`Rng`] (a TRNG driver, the OS) as a [`rand_core::TryCryptoRng`], for
/// RustCrypto APIs that take one. Its error is bulwark's [`Error`]; RustCrypto code that wants
/// an infallible `CryptoRng` can wrap it in `rand_core::UnwrapErr`, which panics on a generator
/// failure.
#[derive(Debug)]
pub struct AsRandCore<R>(pub R);

impl<R: Rng> rand_core::TryRng for AsRandCore<R> {
    type Error = Error;

    fn try_next_u32(&mut self) -> Result<u32, Error> {
        let mut bytes = [0u8; 4];
        self.0.fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Error> {
        let mut bytes = [0u8; 8];
        self.0.fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Error> {
        self.0.fill_bytes(dst)
    }
}

/// bulwark's [`Rng`] contract is a cryptographic generator.
impl<R: Rng> rand_core::TryCryptoRng for AsRandCore<R> {}
