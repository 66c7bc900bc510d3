//! Randomness from a `rand_core` generator.

use bulwark_api::{Error, Rng};

/// Adapts any `rand_core` cryptographic generator (a HAL's TRNG driver, `OsRng`) to
/// [`bulwark_api::Rng`]. A generator error becomes [`Error::Hardware`].
#[derive(Debug)]
pub struct RandCoreRng<R>(pub R);

impl<R: rand_core::TryCryptoRng> Rng for RandCoreRng<R> {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        self.0.try_fill_bytes(dest).map_err(|_| Error::Hardware)
    }
}
