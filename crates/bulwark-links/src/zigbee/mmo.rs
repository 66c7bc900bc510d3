//! The Matyas-Meyer-Oseas hash on AES-128 (Zigbee specification Annex B.6) and the keyed
//! hash for message authentication built on it (Annex B.1.4).
//!
//! `H_0 = 0^128`, `H_j = E(H_{j-1}, M_j) XOR M_j` over the padded message: a `1` bit, zero
//! bits, then the message length in bits as 16 bits (messages under 2^16 bits) or as 32 bits
//! followed by 16 zero bits (messages under 2^32 bits).

use crate::BlockEngines;
use bulwark_api::{Error, SecretBytes, hazmat::Block};
use zeroize::Zeroize;

/// The hash length in bytes.
pub const HASH_LEN: usize = 16;

/// The longest message [`hash`] accepts, in bytes (2^32 bits).
pub const MAX_MESSAGE_LEN: u64 = (1 << 29) - 1;

struct Mmo {
    state: Block,
    buffer: Block,
    filled: usize,
}

impl Mmo {
    fn new() -> Self {
        Self {
            state: [0; 16],
            buffer: [0; 16],
            filled: 0,
        }
    }

    fn compress<B: BlockEngines + ?Sized>(&mut self, engines: &mut B) -> Result<(), Error> {
        let mut block = self.buffer;
        engines.encrypt_block(&self.state, &mut block)?;
        for (s, (b, m)) in self
            .state
            .iter_mut()
            .zip(block.iter().zip(self.buffer.iter()))
        {
            *s = b ^ m;
        }
        block.zeroize();
        self.filled = 0;
        Ok(())
    }

    fn update<B: BlockEngines + ?Sized>(
        &mut self,
        engines: &mut B,
        data: &[u8],
    ) -> Result<(), Error> {
        for &byte in data {
            self.buffer[self.filled] = byte;
            self.filled += 1;
            if self.filled == 16 {
                self.compress(engines)?;
            }
        }
        Ok(())
    }
}

impl Drop for Mmo {
    fn drop(&mut self) {
        self.state.zeroize();
        self.buffer.zeroize();
    }
}

/// The AES-MMO hash of the concatenation of `parts`.
///
/// Returns the 16-byte hash (kept secret: it is a link key or an intermediate of one), or
/// [`Error::InvalidInput`] for a message of [`MAX_MESSAGE_LEN`] bytes or more, or the engine's
/// error.
pub fn hash<B: BlockEngines + ?Sized>(
    engines: &mut B,
    parts: &[&[u8]],
) -> Result<SecretBytes<HASH_LEN>, Error> {
    let len: u64 = parts.iter().map(|p| p.len() as u64).sum();
    if len >= MAX_MESSAGE_LEN {
        return Err(Error::InvalidInput);
    }
    let bits = len * 8;
    let mut mmo = Mmo::new();
    for part in parts {
        mmo.update(engines, part)?;
    }
    mmo.update(engines, &[0x80])?;
    if bits < (1 << 16) {
        while mmo.filled != 14 {
            mmo.update(engines, &[0])?;
        }
        mmo.update(engines, &(bits as u16).to_be_bytes())?;
    } else {
        while mmo.filled != 10 {
            mmo.update(engines, &[0])?;
        }
        mmo.update(engines, &(bits as u32).to_be_bytes())?;
        mmo.update(engines, &[0, 0])?;
    }
    let mut out = mmo.state;
    Ok(SecretBytes::take_from(&mut out))
}

/// The keyed hash function for message authentication (Annex B.1.4, HMAC on AES-MMO with a
/// 16-byte key): `H((K ^ opad) || H((K ^ ipad) || M))`.
///
/// Returns the 16-byte tag (a key, when used for key derivation), or the engine's error.
pub fn keyed_hash<B: BlockEngines + ?Sized>(
    engines: &mut B,
    key: &SecretBytes<16>,
    message: &[u8],
) -> Result<SecretBytes<HASH_LEN>, Error> {
    let mut pad = [0u8; 16];
    for (p, k) in pad.iter_mut().zip(key.expose_secret()) {
        *p = k ^ 0x36;
    }
    let inner = hash(engines, &[&pad, message]);
    for (p, k) in pad.iter_mut().zip(key.expose_secret()) {
        *p = k ^ 0x5c;
    }
    let outer = inner.and_then(|inner| hash(engines, &[&pad, inner.expose_secret()]));
    pad.zeroize();
    outer
}

/// The key-transport key of a link key: the keyed hash of the octet 0x00.
pub fn key_transport_key<B: BlockEngines + ?Sized>(
    engines: &mut B,
    link_key: &SecretBytes<16>,
) -> Result<SecretBytes<16>, Error> {
    keyed_hash(engines, link_key, &[0x00])
}

/// The key-load key of a link key: the keyed hash of the octet 0x02.
pub fn key_load_key<B: BlockEngines + ?Sized>(
    engines: &mut B,
    link_key: &SecretBytes<16>,
) -> Result<SecretBytes<16>, Error> {
    keyed_hash(engines, link_key, &[0x02])
}
