//! Low-level building blocks: raw AES block encryption, CTR and CBC-MAC.
//!
//! <div class="warning">
//!
//! These primitives are easy to misuse. None of them authenticates anything, and raw CBC-MAC
//! is **only secure for messages of one fixed length, or a prefix-free set of messages**: with
//! variable-length messages an attacker who sees two tags can forge a third (extension by XOR).
//! Use [`crate::ccm`] for authenticated encryption and [`crate::mac::Cmac`] for a MAC over
//! messages of any length.
//!
//! </div>
//!
//! [`BlockEncrypt`] is also the seam for hardware: a peripheral that can only encrypt single AES
//! blocks implements it, and the generic modes of `bulwark-modes` give it CCM, CCM*, CMAC and
//! CTR from the same code. An engine that can run all of CCM itself (fused AES instructions, a
//! peripheral with a CCM mode) implements [`crate::ccm::Ccm`] directly instead.

use crate::Error;

/// One AES block.
pub type Block = [u8; 16];

/// A keyed AES block-encryption engine (forward direction only: every mode here needs only that).
///
/// `&mut self` and a `Result` on every call let a hardware engine that works one operation at a
/// time report [`Error::Busy`] (held by another user) or [`Error::Hardware`] (fault, timeout).
pub trait BlockEncrypt {
    /// Replaces `block` by its encryption under the engine's key.
    fn encrypt_block(&mut self, block: &mut Block) -> Result<(), Error>;

    /// Encrypts several independent blocks (ECB). Engines that pipeline override it.
    fn encrypt_blocks(&mut self, blocks: &mut [Block]) -> Result<(), Error> {
        for block in blocks {
            self.encrypt_block(block)?;
        }
        Ok(())
    }
}

impl<E: BlockEncrypt + ?Sized> BlockEncrypt for &mut E {
    fn encrypt_block(&mut self, block: &mut Block) -> Result<(), Error> {
        E::encrypt_block(self, block)
    }

    fn encrypt_blocks(&mut self, blocks: &mut [Block]) -> Result<(), Error> {
        E::encrypt_blocks(self, blocks)
    }
}

/// AES-CTR (NIST SP 800-38A): XOR with the keystream `E(ctr), E(ctr + 1), ...` where the whole
/// 16-byte block is one big-endian counter that wraps modulo 2^128.
///
/// Requirement: counter blocks must never repeat under one key, across all messages.
/// CTR provides no integrity.
pub trait Ctr {
    /// XORs `buffer` with the keystream starting at `initial_counter`. Encryption and
    /// decryption are the same call. On an engine error the buffer is zeroed.
    fn apply_keystream(&mut self, initial_counter: &Block, buffer: &mut [u8]) -> Result<(), Error>;
}

impl<C: Ctr + ?Sized> Ctr for &mut C {
    fn apply_keystream(&mut self, initial_counter: &Block, buffer: &mut [u8]) -> Result<(), Error> {
        C::apply_keystream(self, initial_counter, buffer)
    }
}

/// Raw CBC-MAC with a zero IV over whole blocks.
///
/// <div class="warning">
///
/// Only secure for messages of one fixed length or a prefix-free set; see the module docs.
///
/// </div>
pub trait CbcMac {
    /// Returns the CBC-MAC of `message`, whose length must be a non-zero multiple of 16 bytes
    /// (no implicit padding, which would make distinct messages collide); otherwise
    /// [`Error::InvalidInput`].
    fn cbc_mac(&mut self, message: &[u8]) -> Result<Block, Error>;
}

impl<C: CbcMac + ?Sized> CbcMac for &mut C {
    fn cbc_mac(&mut self, message: &[u8]) -> Result<Block, Error> {
        C::cbc_mac(self, message)
    }
}

/// The bytes of a key-agreement result.
///
/// <div class="warning">
///
/// A shared secret must go through a KDF before it is used as a key
/// ([`crate::kdf::HkdfSha256::extract_shared`]). This accessor exists for test vectors and
/// for interoperability tools that must print the raw value.
///
/// </div>
pub fn expose_shared_secret(shared: &crate::kex::SharedSecret) -> &[u8; 32] {
    shared.secret().expose_secret()
}
