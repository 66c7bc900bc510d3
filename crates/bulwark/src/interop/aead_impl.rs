//! `aead` 0.6 for bulwark's CCM engines.

use crate::ccm::{Ccm, is_valid_nonce_len, is_valid_tag_len};
use aead::array::ArraySize;
use aead::consts::{U8, U13};
use aead::inout::InOutBuf;
use aead::{AeadCore, AeadInOut, Nonce, Tag, TagPosition};
use core::cell::RefCell;
use core::fmt;
use core::marker::PhantomData;

/// AES-CCM with a `NonceSize`-byte nonce and a `TagSize`-byte tag (typenum sizes, as in
/// RustCrypto's `ccm` crate) as an [`aead::AeadInOut`], over any bulwark [`Ccm`] engine (the
/// key is the engine's). The tag follows the ciphertext.
///
/// Sizes outside CCM's (nonce 7..=13, tag 4, 6, ..., 16) do not compile: [`CcmAead::new`]
/// fails to build for them.
///
/// Security requirement: a nonce is never used twice under one key.
pub struct CcmAead<C, NonceSize, TagSize> {
    engine: RefCell<C>,
    sizes: PhantomData<(NonceSize, TagSize)>,
}

/// AES-CCM-16-64-128 (COSE algorithm 10: 13-byte nonce, 8-byte tag), the AEAD of OSCORE and
/// EDHOC cipher suites 0 and 2, for an AES-128 engine.
pub type AesCcm16_64_128<C> = CcmAead<C, U13, U8>;

impl<C: Ccm, N: ArraySize, T: ArraySize> CcmAead<C, N, T> {
    const SIZES: () = assert!(
        is_valid_nonce_len(N::USIZE) && is_valid_tag_len(T::USIZE),
        "not a CCM nonce or tag size"
    );

    /// Wraps a keyed CCM engine (e.g. from `Provider::ccm`).
    pub fn new(engine: C) -> Self {
        let () = Self::SIZES;
        Self {
            engine: RefCell::new(engine),
            sizes: PhantomData,
        }
    }

    /// The engine back.
    pub fn into_inner(self) -> C {
        self.engine.into_inner()
    }
}

impl<C, N, T> fmt::Debug for CcmAead<C, N, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CcmAead").finish_non_exhaustive()
    }
}

impl<C: Ccm, N: ArraySize, T: ArraySize> AeadCore for CcmAead<C, N, T> {
    type NonceSize = N;
    type TagSize = T;
    const TAG_POSITION: TagPosition = TagPosition::Postfix;
}

impl<C: Ccm, N: ArraySize, T: ArraySize> AeadInOut for CcmAead<C, N, T> {
    fn encrypt_inout_detached(
        &self,
        nonce: &Nonce<Self>,
        associated_data: &[u8],
        buffer: InOutBuf<'_, '_, u8>,
    ) -> aead::Result<Tag<Self>> {
        let mut engine = self.engine.try_borrow_mut().map_err(|_| aead::Error)?;
        let data = buffer.into_out_with_copied_in();
        let mut tag = Tag::<Self>::default();
        engine
            .seal_detached(nonce, &[associated_data], data, &mut tag)
            .map_err(|_| aead::Error)?;
        Ok(tag)
    }

    fn decrypt_inout_detached(
        &self,
        nonce: &Nonce<Self>,
        associated_data: &[u8],
        buffer: InOutBuf<'_, '_, u8>,
        tag: &Tag<Self>,
    ) -> aead::Result<()> {
        let mut engine = self.engine.try_borrow_mut().map_err(|_| aead::Error)?;
        let data = buffer.into_out_with_copied_in();
        // On a failed tag the engine zeroes `data`: no unauthenticated plaintext is left.
        engine
            .open_detached(nonce, &[associated_data], data, tag)
            .map_err(|_| aead::Error)
    }
}
