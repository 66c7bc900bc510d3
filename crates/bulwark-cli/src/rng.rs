//! The operating system's random generator as a [`bulwark::Rng`].

use bulwark::{Error, Rng};

/// The OS generator (`getrandom`: `getrandom(2)` on Linux). A failure is
/// [`Error::Hardware`]: the caller's operation fails instead of using weak bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRng;

impl Rng for OsRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(dest).map_err(|_| Error::Hardware)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_with_fresh_bytes() -> Result<(), Error> {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        OsRng.fill_bytes(&mut a)?;
        OsRng.fill_bytes(&mut b)?;
        assert_ne!(a, [0u8; 32]);
        assert_ne!(a, b);
        Ok(())
    }
}
