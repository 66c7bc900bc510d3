//! Randomness.

use crate::Error;

/// A cryptographically secure random generator: a hardware TRNG on a device, the operating
/// system on a gateway.
///
/// Implementations must never return predictable bytes; a generator that cannot deliver (an
/// unhealthy TRNG, a seeding failure) returns an error instead, and the caller's operation fails.
pub trait Rng {
    /// Fills `dest` entirely with random bytes, or returns [`Error::Hardware`] (or another
    /// error) and leaves the contents unspecified.
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error>;
}

impl<T: Rng + ?Sized> Rng for &mut T {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        T::fill_bytes(self, dest)
    }
}
