//! HKDF-SHA256 (RFC 5869), SHA-256 and SHA-512 on the RustCrypto `hkdf`, `hmac` and `sha2` crates.

use bulwark_api::{
    Error, SecretBytes,
    hash::{SHA256_LEN, SHA512_LEN, Sha256, Sha512},
    kdf::{HKDF_SHA256_MAX_LEN, HkdfSha256, Prk},
};
use sha2::Digest;
use zeroize::Zeroize;

use crate::Soft;

/// An in-progress SHA-256 computation owned by the caller. The chaining state and the
/// buffered input are wiped on drop (`sha2`'s `zeroize` feature); never printed.
#[derive(Clone, Default)]
pub struct Sha256State(sha2::Sha256);

bulwark_api::redacted_debug!(Sha256State);

/// An in-progress SHA-512 computation owned by the caller (e.g. an MCUboot image hashed with
/// `--sha 512`). Wiped on drop like [`Sha256State`]; never printed.
#[derive(Clone, Default)]
pub struct Sha512State(sha2::Sha512);

bulwark_api::redacted_debug!(Sha512State);

impl HkdfSha256 for Soft {
    fn extract(&mut self, salt: &[u8], ikm: &[&[u8]]) -> Result<Prk, Error> {
        // HMAC pads its key with zeros to the block size, so an empty salt is the same key as
        // RFC 5869's "HashLen zero bytes".
        let mut ctx = hkdf::HkdfExtract::<sha2::Sha256>::new(Some(salt));
        for part in ikm {
            ctx.input_ikm(part);
        }
        let (mut prk, _expander) = ctx.finalize();
        let mut out = SecretBytes::<SHA256_LEN>::zeroed();
        out.expose_secret_mut().copy_from_slice(prk.as_slice());
        prk.as_mut_slice().zeroize();
        Ok(Prk::from_secret(out))
    }

    fn expand(&mut self, prk: &Prk, info: &[&[u8]], okm: &mut [u8]) -> Result<(), Error> {
        if okm.len() > HKDF_SHA256_MAX_LEN {
            return Err(Error::InvalidInput);
        }
        let expander = hkdf::Hkdf::<sha2::Sha256>::from_prk(prk.expose_secret())
            .map_err(|_| Error::InvalidInput)?;
        expander
            .expand_multi_info(info, okm)
            .map_err(|_| Error::InvalidInput)
    }
}

/// Implements a hash trait for [`Soft`] on its `sha2` counterpart.
macro_rules! soft_hash {
    ($name:ident, $state:ident, $len:ident) => {
        impl $name for Soft {
            type State = $state;

            fn start(&mut self) -> Result<Self::State, Error> {
                Ok($state(sha2::$name::new()))
            }

            fn update(&mut self, state: &mut Self::State, data: &[u8]) -> Result<(), Error> {
                state.0.update(data);
                Ok(())
            }

            fn finish(&mut self, state: Self::State) -> Result<[u8; $len], Error> {
                Ok(state.0.finalize().into())
            }
        }
    };
}
soft_hash!(Sha256, Sha256State, SHA256_LEN);
soft_hash!(Sha512, Sha512State, SHA512_LEN);
