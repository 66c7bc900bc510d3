//! Message authentication codes.

use crate::Error;

/// The full AES-CMAC tag length in bytes.
pub const CMAC_LEN: usize = 16;

/// The shortest truncated CMAC tag [`Cmac::verify`] accepts (64 bits, the lower bound NIST SP
/// 800-38B recommends without a further risk analysis).
pub const CMAC_MIN_TAG_LEN: usize = 8;

/// AES-CMAC (NIST SP 800-38B, RFC 4493): a MAC for messages of any length.
pub trait Cmac {
    /// Computes the 16-byte tag over the concatenation of `parts`.
    ///
    /// Returns the tag, or the engine's error.
    fn compute(&mut self, parts: &[&[u8]]) -> Result<[u8; CMAC_LEN], Error>;

    /// Checks `tag` (the full 16 bytes, or a truncation to at least [`CMAC_MIN_TAG_LEN`] bytes)
    /// against the concatenation of `parts`, in constant time.
    ///
    /// Returns [`Error::Verification`] on mismatch, [`Error::InvalidInput`] for a tag shorter
    /// than [`CMAC_MIN_TAG_LEN`] or longer than [`CMAC_LEN`].
    fn verify(&mut self, parts: &[&[u8]], tag: &[u8]) -> Result<(), Error> {
        if !(CMAC_MIN_TAG_LEN..=CMAC_LEN).contains(&tag.len()) {
            return Err(Error::InvalidInput);
        }
        let expected = self.compute(parts)?;
        let prefix = expected.get(..tag.len()).ok_or(Error::InvalidInput)?;
        if crate::secret::ct_eq_bytes(prefix, tag) {
            Ok(())
        } else {
            Err(Error::Verification)
        }
    }
}

impl<M: Cmac + ?Sized> Cmac for &mut M {
    fn compute(&mut self, parts: &[&[u8]]) -> Result<[u8; CMAC_LEN], Error> {
        M::compute(self, parts)
    }

    fn verify(&mut self, parts: &[&[u8]], tag: &[u8]) -> Result<(), Error> {
        M::verify(self, parts, tag)
    }
}
