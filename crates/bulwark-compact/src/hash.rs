//! `Sha256`, `Sha512` and `HkdfSha256` (RFC 5869) for [`Compact`].
//!
//! Both hashes and HMAC-SHA-256 are the backend's own ([`crate::sha512`], [`crate::sha256`]:
//! one rolled compression loop each); HKDF is written here over that HMAC.

use crate::Compact;
use crate::sha256::{HmacKey, HmacSha256};
use bulwark_api::{
    Error, SecretBytes,
    hash::{SHA256_LEN, SHA512_LEN, Sha256, Sha512},
    kdf::{HKDF_SHA256_MAX_LEN, HkdfSha256, Prk},
};
use zeroize::Zeroize;

/// An in-progress SHA-256 computation on the backend's own SHA-256; wiped on drop, never
/// printed.
#[derive(Clone, Default)]
pub struct Sha256State(crate::sha256::Sha256);

bulwark_api::redacted_debug!(Sha256State);

impl Sha256State {
    /// A fresh computation.
    pub(crate) fn new() -> Self {
        Self(crate::sha256::Sha256::new())
    }

    /// Absorbs `data`.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The 32-byte digest.
    pub(crate) fn finish(self) -> [u8; SHA256_LEN] {
        self.0.finalize()
    }
}

/// An in-progress SHA-512 computation on the backend's own [`crate::sha512::Sha512`]; wiped
/// on drop, never printed.
#[derive(Clone, Default)]
pub struct Sha512State(crate::sha512::Sha512);

bulwark_api::redacted_debug!(Sha512State);

/// SHA-256 of `message`. Not inlined: the hasher's state then lives in this call's frame
/// only, not in the caller's for the rest of its work (ECDSA verification's stack peak).
#[inline(never)]
pub(crate) fn sha256(message: &[u8]) -> [u8; SHA256_LEN] {
    crate::sha256::Sha256::digest(&[message])
}

/// `HMAC-SHA-256(key, parts...)`: any key length (HMAC hashes long keys and pads short ones).
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; SHA256_LEN] {
    let mut mac = HmacSha256::new(key);
    for part in parts {
        mac.update(part);
    }
    mac.finalize()
}

impl Sha256 for Compact {
    type State = Sha256State;

    fn start(&mut self) -> Result<Self::State, Error> {
        Ok(Sha256State::new())
    }

    fn update(&mut self, state: &mut Self::State, data: &[u8]) -> Result<(), Error> {
        state.update(data);
        Ok(())
    }

    fn finish(&mut self, state: Self::State) -> Result<[u8; SHA256_LEN], Error> {
        Ok(state.finish())
    }
}

impl Sha512 for Compact {
    type State = Sha512State;

    fn start(&mut self) -> Result<Self::State, Error> {
        Ok(Sha512State::default())
    }

    fn update(&mut self, state: &mut Self::State, data: &[u8]) -> Result<(), Error> {
        state.0.update(data);
        Ok(())
    }

    fn finish(&mut self, state: Self::State) -> Result<[u8; SHA512_LEN], Error> {
        Ok(state.0.finalize())
    }
}

impl HkdfSha256 for Compact {
    fn extract(&mut self, salt: &[u8], ikm: &[&[u8]]) -> Result<Prk, Error> {
        // HMAC pads its key with zeros to the block size, so an empty salt is the same key as
        // RFC 5869's "HashLen zero bytes".
        let mut prk = hmac_sha256(salt, ikm);
        let mut out = SecretBytes::<SHA256_LEN>::zeroed();
        out.expose_secret_mut().copy_from_slice(&prk);
        prk.zeroize();
        Ok(Prk::from_secret(out))
    }

    fn expand(&mut self, prk: &Prk, info: &[&[u8]], okm: &mut [u8]) -> Result<(), Error> {
        if okm.len() > HKDF_SHA256_MAX_LEN {
            return Err(Error::InvalidInput);
        }
        // T(i) = HMAC(PRK, T(i - 1) || info || i), T(0) empty; at most 255 blocks. The PRK is
        // keyed once; each block starts from its two chaining values.
        let keyed = HmacKey::new(prk.expose_secret());
        let mut t = [0u8; SHA256_LEN];
        for (i, chunk) in okm.chunks_mut(SHA256_LEN).enumerate() {
            let counter = [(i + 1) as u8];
            let previous: &[u8] = if i == 0 { &[] } else { &t };
            let mut mac = keyed.start();
            mac.update(previous);
            for part in info {
                mac.update(part);
            }
            mac.update(&counter);
            t = mac.finalize();
            chunk.copy_from_slice(&t[..chunk.len()]);
        }
        t.zeroize();
        Ok(())
    }
}
