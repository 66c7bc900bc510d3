//! The AES engines the link protocols need, keyed per call.
//!
//! The BLE toolbox keys AES-CMAC with a different key in almost every step (a nonce, a salt,
//! an intermediate key), and AES-MMO keys the block cipher with the previous hash value. So
//! instead of one keyed engine, these functions take a source of keyed engines: one small trait
//! per capability, implemented by an application over its backend (the CLI and the device
//! example over the facade's `Provider`), or by [`ModeEngines`] over any block engine.

use bulwark_api::{Error, ccm::Ccm, hazmat::Block, hazmat::BlockEncrypt, mac::Cmac};
use constructor::BlockConstructor;

/// Keyed AES-128-CMAC engines.
pub trait CmacEngines {
    /// The engine for one key.
    type Cmac: Cmac;

    /// An AES-CMAC engine for `key`. The caller keeps (and wipes) `key`; the engine wipes its
    /// copy on drop. Returns the backend's error.
    fn cmac(&mut self, key: &[u8; 16]) -> Result<Self::Cmac, Error>;
}

/// Keyed AES-128-CCM engines (CCM* through [`bulwark_api::ccm::CcmStar`]).
pub trait CcmEngines {
    /// The engine for one key.
    type Ccm: Ccm;

    /// An AES-CCM engine for `key`. Same key handling and errors as [`CmacEngines::cmac`].
    fn ccm(&mut self, key: &[u8; 16]) -> Result<Self::Ccm, Error>;
}

/// AES-128 block encryption under a key given per call: the security function `e` of the
/// BLE specification and the block cipher of AES-MMO.
pub trait BlockEngines {
    /// Replaces `block` by its AES-128 encryption under `key`. On error the block is zeroed.
    fn encrypt_block(&mut self, key: &[u8; 16], block: &mut Block) -> Result<(), Error>;
}

impl<T: CmacEngines + ?Sized> CmacEngines for &mut T {
    type Cmac = T::Cmac;
    fn cmac(&mut self, key: &[u8; 16]) -> Result<Self::Cmac, Error> {
        T::cmac(self, key)
    }
}

impl<T: CcmEngines + ?Sized> CcmEngines for &mut T {
    type Ccm = T::Ccm;
    fn ccm(&mut self, key: &[u8; 16]) -> Result<Self::Ccm, Error> {
        T::ccm(self, key)
    }
}

impl<T: BlockEngines + ?Sized> BlockEngines for &mut T {
    fn encrypt_block(&mut self, key: &[u8; 16], block: &mut Block) -> Result<(), Error> {
        T::encrypt_block(self, key, block)
    }
}

/// All three capabilities from one block-engine constructor, with the generic modes of
/// `bulwark-modes` (CMAC, CCM): for an AES peripheral or a test backend.
///
/// `new_engine` builds a keyed [`BlockEncrypt`] engine from a 16-byte key (for example
/// `bulwark_soft::SoftAes::new`).
pub struct ModeEngines<F>(pub F);

impl<F: BlockConstructor> CmacEngines for ModeEngines<F> {
    type Cmac = bulwark_modes::CmacMode<F::Engine>;
    fn cmac(&mut self, key: &[u8; 16]) -> Result<Self::Cmac, Error> {
        Ok(bulwark_modes::CmacMode::new(self.0.keyed(key)?))
    }
}

impl<F: BlockConstructor> CcmEngines for ModeEngines<F> {
    type Ccm = bulwark_modes::CcmMode<F::Engine>;
    fn ccm(&mut self, key: &[u8; 16]) -> Result<Self::Ccm, Error> {
        Ok(bulwark_modes::CcmMode::new(self.0.keyed(key)?))
    }
}

impl<F: BlockConstructor> BlockEngines for ModeEngines<F> {
    fn encrypt_block(&mut self, key: &[u8; 16], block: &mut Block) -> Result<(), Error> {
        let verdict = self
            .0
            .keyed(key)
            .and_then(|mut engine| engine.encrypt_block(block));
        if verdict.is_err() {
            block.fill(0);
        }
        verdict
    }
}

/// The constructors [`ModeEngines`] takes (sealed: only the closure implementation exists).
mod constructor {
    use bulwark_api::{Error, hazmat::BlockEncrypt};

    /// A constructor of keyed block engines: every `FnMut(&[u8]) -> Result<E, Error>` with
    /// `E: BlockEncrypt`.
    pub trait BlockConstructor {
        /// The keyed engine.
        type Engine: BlockEncrypt;

        /// An engine keyed with `key`; the backend's error otherwise.
        fn keyed(&mut self, key: &[u8]) -> Result<Self::Engine, Error>;
    }

    impl<F, E> BlockConstructor for F
    where
        F: FnMut(&[u8]) -> Result<E, Error>,
        E: BlockEncrypt,
    {
        type Engine = E;
        fn keyed(&mut self, key: &[u8]) -> Result<E, Error> {
            self(key)
        }
    }
}
