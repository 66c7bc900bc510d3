//! The software AES block engine.

use aes::cipher::{BlockCipherEncrypt, KeyInit, array::Array};
use bulwark_api::{Error, hazmat::Block, hazmat::BlockEncrypt};

/// AES with a 128-, 192- or 256-bit key, from the `aes` crate (constant-time bitsliced code, or
/// AES-NI / ARMv8 instructions where the CPU has them). The expanded key is zeroized on drop.
pub struct SoftAes(Inner);

enum Inner {
    Aes128(aes::Aes128),
    Aes192(aes::Aes192),
    Aes256(aes::Aes256),
}

impl SoftAes {
    /// Expands `key`: 16, 24 or 32 bytes pick AES-128, -192 or -256.
    ///
    /// Returns [`Error::InvalidInput`] for any other length. The caller keeps ownership of (and
    /// should wipe) `key`.
    pub fn new(key: &[u8]) -> Result<Self, Error> {
        let inner = match key.len() {
            16 => Inner::Aes128(aes::Aes128::new_from_slice(key).map_err(|_| Error::InvalidInput)?),
            24 => Inner::Aes192(aes::Aes192::new_from_slice(key).map_err(|_| Error::InvalidInput)?),
            32 => Inner::Aes256(aes::Aes256::new_from_slice(key).map_err(|_| Error::InvalidInput)?),
            _ => return Err(Error::InvalidInput),
        };
        Ok(Self(inner))
    }

    /// The key length in bytes (16, 24 or 32).
    pub fn key_len(&self) -> usize {
        match self.0 {
            Inner::Aes128(_) => 16,
            Inner::Aes192(_) => 24,
            Inner::Aes256(_) => 32,
        }
    }
}

impl core::fmt::Debug for SoftAes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SoftAes")
            .field("key_len", &self.key_len())
            .finish_non_exhaustive()
    }
}

impl BlockEncrypt for SoftAes {
    fn encrypt_block(&mut self, block: &mut Block) -> Result<(), Error> {
        let b = Array::cast_from_core_mut(block);
        match &self.0 {
            Inner::Aes128(c) => c.encrypt_block(b),
            Inner::Aes192(c) => c.encrypt_block(b),
            Inner::Aes256(c) => c.encrypt_block(b),
        }
        Ok(())
    }

    fn encrypt_blocks(&mut self, blocks: &mut [Block]) -> Result<(), Error> {
        let blocks = Array::cast_slice_from_core_mut(blocks);
        match &self.0 {
            Inner::Aes128(c) => c.encrypt_blocks(blocks),
            Inner::Aes192(c) => c.encrypt_blocks(blocks),
            Inner::Aes256(c) => c.encrypt_blocks(blocks),
        }
        Ok(())
    }
}
