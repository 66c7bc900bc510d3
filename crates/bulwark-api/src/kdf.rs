//! HKDF-SHA256 (RFC 5869). The hashes are in [`crate::hash`].

use crate::{Error, SecretBytes, hash::SHA256_LEN, kex::SharedSecret};

/// The longest HKDF-SHA256 output: 255 blocks of 32 bytes.
pub const HKDF_SHA256_MAX_LEN: usize = 255 * SHA256_LEN;

/// An HKDF pseudorandom key (the output of extract). Zeroized on drop, never printed.
#[derive(Debug)]
pub struct Prk(SecretBytes<SHA256_LEN>);

impl Prk {
    /// Wraps 32 bytes as a PRK (for backends, and for protocols that hand over a PRK directly,
    /// like RFC 5869's expand-only use). The bytes must be uniformly random.
    pub fn from_secret(secret: SecretBytes<SHA256_LEN>) -> Self {
        Self(secret)
    }

    /// The PRK bytes, for a backend's expand.
    pub fn expose_secret(&self) -> &[u8; SHA256_LEN] {
        self.0.expose_secret()
    }
}

/// HKDF with SHA-256. Inputs and `info` are lists of parts processed as their concatenation,
/// so labels and context fields need no buffer to be assembled in.
pub trait HkdfSha256 {
    /// `PRK = HMAC-SHA256(salt, ikm)`. An empty `salt` means 32 zero bytes (RFC 5869).
    fn extract(&mut self, salt: &[u8], ikm: &[&[u8]]) -> Result<Prk, Error>;

    /// Fills `okm` with `T(1) || T(2) || ...`.
    ///
    /// Returns [`Error::InvalidInput`] if `okm` is longer than [`HKDF_SHA256_MAX_LEN`]
    /// (nothing written).
    fn expand(&mut self, prk: &Prk, info: &[&[u8]], okm: &mut [u8]) -> Result<(), Error>;

    /// Expands straight into a secret: the usual way to make a key.
    fn expand_secret<const N: usize>(
        &mut self,
        prk: &Prk,
        info: &[&[u8]],
    ) -> Result<SecretBytes<N>, Error> {
        let mut out = SecretBytes::zeroed();
        self.expand(prk, info, out.expose_secret_mut())?;
        Ok(out)
    }

    /// One-shot extract and expand into `okm`. Same errors as [`HkdfSha256::expand`].
    fn derive(
        &mut self,
        salt: &[u8],
        ikm: &[&[u8]],
        info: &[&[u8]],
        okm: &mut [u8],
    ) -> Result<(), Error> {
        if okm.len() > HKDF_SHA256_MAX_LEN {
            return Err(Error::InvalidInput);
        }
        let prk = self.extract(salt, ikm)?;
        self.expand(&prk, info, okm)
    }

    /// Extract from a key agreement's result, consuming it: the only way its bytes are used.
    fn extract_shared(&mut self, salt: &[u8], shared: SharedSecret) -> Result<Prk, Error> {
        self.extract(salt, &[shared.secret().expose_secret()])
    }
}

impl<H: HkdfSha256 + ?Sized> HkdfSha256 for &mut H {
    fn extract(&mut self, salt: &[u8], ikm: &[&[u8]]) -> Result<Prk, Error> {
        H::extract(self, salt, ikm)
    }

    fn expand(&mut self, prk: &Prk, info: &[&[u8]], okm: &mut [u8]) -> Result<(), Error> {
        H::expand(self, prk, info, okm)
    }
}
