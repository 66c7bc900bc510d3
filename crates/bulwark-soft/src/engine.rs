//! The software AES block engine.

use aes::cipher::{BlockCipherEncrypt, KeyInit, array::Array};
use bulwark_api::{Error, hazmat::Block, hazmat::BlockEncrypt};

/// AES with a 128-, 192- or 256-bit key, from the `aes` crate (constant-time bitsliced code, or
/// AES-NI / ARMv8 instructions where the CPU has them). The expanded key is zeroized on drop.
///
/// On x86-64 CPUs with AES-NI, [`SoftAes::new`] also expands an AES-NI key schedule for the
/// fused CCM: [`crate::SoftCcm`] over this engine then runs CTR and CBC-MAC interleaved in one
/// pass, and [`crate::Soft`]'s
/// [`CcmBatch`](bulwark_api::ccm::CcmBatch) keeps eight packets' chains in flight. Results are
/// identical on both paths; [`SoftAes::new_portable`] forces the generic one.
pub struct SoftAes {
    inner: Inner,
    #[cfg(target_arch = "x86_64")]
    fused: Option<crate::x86_ccm::AesNiCcm>,
}

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
        #[cfg_attr(not(target_arch = "x86_64"), allow(unused_mut))]
        let mut engine = Self::new_portable(key)?;
        #[cfg(target_arch = "x86_64")]
        {
            engine.fused = crate::x86_ccm::AesNiCcm::new(key);
        }
        Ok(engine)
    }

    /// Like [`SoftAes::new`], but [`crate::SoftCcm`] over this engine always takes the portable
    /// generic path
    /// (for tests and benchmarks comparing the paths, or to rule the fused code out).
    pub fn new_portable(key: &[u8]) -> Result<Self, Error> {
        let inner = match key.len() {
            16 => Inner::Aes128(aes::Aes128::new_from_slice(key).map_err(|_| Error::InvalidInput)?),
            24 => Inner::Aes192(aes::Aes192::new_from_slice(key).map_err(|_| Error::InvalidInput)?),
            32 => Inner::Aes256(aes::Aes256::new_from_slice(key).map_err(|_| Error::InvalidInput)?),
            _ => return Err(Error::InvalidInput),
        };
        Ok(Self {
            inner,
            #[cfg(target_arch = "x86_64")]
            fused: None,
        })
    }

    /// Whether CCM over this engine takes the fused AES-NI path (x86-64 with AES-NI, built with
    /// [`SoftAes::new`]).
    pub fn is_fused(&self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            self.fused.is_some()
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// The fused CCM, for the batch engine.
    #[cfg(target_arch = "x86_64")]
    pub(crate) fn fused(&self) -> Option<&crate::x86_ccm::AesNiCcm> {
        self.fused.as_ref()
    }

    /// The fused CCM, for [`crate::SoftCcm`].
    #[cfg(target_arch = "x86_64")]
    pub(crate) fn fused_mut(&mut self) -> Option<&mut crate::x86_ccm::AesNiCcm> {
        self.fused.as_mut()
    }

    /// Block encryption through a shared reference (the `aes` crate needs no more), for the
    /// batch API whose packets borrow their keys.
    pub(crate) fn encrypt_blocks_shared(&self, blocks: &mut [Block]) {
        let blocks = Array::cast_slice_from_core_mut(blocks);
        match &self.inner {
            Inner::Aes128(c) => c.encrypt_blocks(blocks),
            Inner::Aes192(c) => c.encrypt_blocks(blocks),
            Inner::Aes256(c) => c.encrypt_blocks(blocks),
        }
    }

    /// The key length in bytes (16, 24 or 32).
    pub fn key_len(&self) -> usize {
        match self.inner {
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
            .field("fused", &self.is_fused())
            .finish_non_exhaustive()
    }
}

impl BlockEncrypt for SoftAes {
    fn encrypt_block(&mut self, block: &mut Block) -> Result<(), Error> {
        let b = Array::cast_from_core_mut(block);
        match &self.inner {
            Inner::Aes128(c) => c.encrypt_block(b),
            Inner::Aes192(c) => c.encrypt_block(b),
            Inner::Aes256(c) => c.encrypt_block(b),
        }
        Ok(())
    }

    fn encrypt_blocks(&mut self, blocks: &mut [Block]) -> Result<(), Error> {
        self.encrypt_blocks_shared(blocks);
        Ok(())
    }
}
