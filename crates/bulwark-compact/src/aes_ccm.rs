//! CCM and CCM* (SP 800-38C, RFC 3610, IEEE 802.15.4) on [`CompactAes`] with the CBC-MAC block
//! and the CTR block of each step in one two-block call.
//!
//! [`CompactAes`] implements [`Ccm`] itself with this (the generic `CcmMode` over the engine
//! stays the one-block-at-a-time mode). Sealing pairs `B_0` with `A_0`, then each payload
//! block's MAC step with its keystream block; opening computes `S_1` ahead, then pairs each MAC
//! step with the next keystream block. Associated data is MAC-only, one block per call.

use crate::aes::CompactAes;
use bulwark_api::{
    Error,
    ccm::{Ccm, is_valid_nonce_len, is_valid_tag_len, max_message_len},
    hazmat::Block,
    secret::ct_eq_bytes,
};
use zeroize::Zeroize;

/// `L`, the length-field size, after the nonce and message length checks.
fn check_lengths(nonce: &[u8], msg_len: usize) -> Result<usize, Error> {
    if !is_valid_nonce_len(nonce.len()) || msg_len as u64 > max_message_len(nonce.len()) {
        return Err(Error::InvalidInput);
    }
    Ok(15 - nonce.len())
}

/// The counter block `A_i`.
fn counter_block(nonce: &[u8], l: usize, i: u64) -> Block {
    let mut a = [0u8; 16];
    a[0] = (l - 1) as u8;
    a[1..1 + nonce.len()].copy_from_slice(nonce);
    let count = i.to_be_bytes();
    // The message length check keeps i below 2^(8L) (L <= 8).
    a[16 - l..].copy_from_slice(&count[8 - l..]);
    a
}

/// The CBC-MAC state: the chaining value and how many bytes of the current block are in.
struct Mac {
    x: Block,
    fill: usize,
}

impl Mac {
    /// Absorbs `data` (MAC only), one block encryption per completed block.
    fn absorb(&mut self, aes: &CompactAes, data: &[u8]) {
        for &byte in data {
            if self.fill == 16 {
                encrypt_one(aes, &mut self.x);
                self.fill = 0;
            }
            self.x[self.fill] ^= byte;
            self.fill += 1;
        }
    }

    /// Zero-pads and encrypts a partial (or full, not yet encrypted) block.
    fn finish_block(&mut self, aes: &CompactAes) {
        if self.fill > 0 {
            encrypt_one(aes, &mut self.x);
            self.fill = 0;
        }
    }
}

impl Drop for Mac {
    fn drop(&mut self) {
        self.x.zeroize();
    }
}

fn encrypt_one(aes: &CompactAes, block: &mut Block) {
    let mut spare = [0u8; 16];
    aes.encrypt_pair(block, &mut spare);
}

/// Starts the MAC: `E(B_0)` together with `S_0 = E(A_0)`, then the formatted associated data.
/// Returns the MAC state (AAD absorbed and padded) and `S_0`.
fn start(
    aes: &CompactAes,
    nonce: &[u8],
    l: usize,
    tag_len: usize,
    aad: &[&[u8]],
    msg_len: usize,
) -> Result<(Mac, Block), Error> {
    let mut aad_len: u64 = 0;
    for part in aad {
        aad_len = aad_len
            .checked_add(part.len() as u64)
            .ok_or(Error::InvalidInput)?;
    }
    let mut b0 = [0u8; 16];
    b0[0] = (u8::from(aad_len > 0) << 6)
        | ((((tag_len as u8).saturating_sub(2)) / 2) << 3)
        | (l as u8 - 1);
    b0[1..1 + nonce.len()].copy_from_slice(nonce);
    let len_bytes = (msg_len as u64).to_be_bytes();
    b0[16 - l..].copy_from_slice(&len_bytes[8 - l..]);
    let mut s0 = counter_block(nonce, l, 0);
    aes.encrypt_pair(&mut b0, &mut s0);
    let mut mac = Mac { x: b0, fill: 0 };
    if aad_len > 0 {
        let mut prefix = [0u8; 10];
        let n = if aad_len < (1 << 16) - (1 << 8) {
            prefix[..2].copy_from_slice(&(aad_len as u16).to_be_bytes());
            2
        } else if aad_len <= u64::from(u32::MAX) {
            prefix[..2].copy_from_slice(&[0xff, 0xfe]);
            prefix[2..6].copy_from_slice(&(aad_len as u32).to_be_bytes());
            6
        } else {
            prefix[..2].copy_from_slice(&[0xff, 0xff]);
            prefix[2..10].copy_from_slice(&aad_len.to_be_bytes());
            10
        };
        mac.absorb(aes, &prefix[..n]);
        for part in aad {
            mac.absorb(aes, part);
        }
        mac.finish_block(aes);
    }
    Ok((mac, s0))
}

/// XORs `x` into the first bytes of `block`.
fn xor_into(block: &mut Block, x: &[u8]) {
    for (b, v) in block.iter_mut().zip(x) {
        *b ^= v;
    }
}

impl CompactAes {
    fn seal_inner(
        &self,
        nonce: &[u8],
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), Error> {
        let l = check_lengths(nonce, buffer.len())?;
        let (mut mac, mut s0) = start(self, nonce, l, tag.len(), aad, buffer.len())?;
        for (i, chunk) in buffer.chunks_mut(16).enumerate() {
            // MAC step on the plaintext and keystream block A_{i+1}, in one call.
            xor_into(&mut mac.x, chunk);
            let mut s = counter_block(nonce, l, i as u64 + 1);
            self.encrypt_pair(&mut mac.x, &mut s);
            for (c, k) in chunk.iter_mut().zip(s.iter()) {
                *c ^= k;
            }
            s.zeroize();
        }
        for ((t, x), s) in tag.iter_mut().zip(mac.x.iter()).zip(s0.iter()) {
            *t = x ^ s;
        }
        s0.zeroize();
        Ok(())
    }

    fn open_inner(
        &self,
        nonce: &[u8],
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error> {
        let l = check_lengths(nonce, buffer.len())?;
        let (mut mac, mut s0) = start(self, nonce, l, tag.len(), aad, buffer.len())?;
        // S_1 first; then each MAC step is paired with the next keystream block.
        let mut s = counter_block(nonce, l, 1);
        encrypt_one(self, &mut s);
        let blocks = buffer.len().div_ceil(16);
        for (i, chunk) in buffer.chunks_mut(16).enumerate() {
            for (c, k) in chunk.iter_mut().zip(s.iter()) {
                *c ^= k;
            }
            xor_into(&mut mac.x, chunk);
            if i + 1 < blocks {
                s = counter_block(nonce, l, i as u64 + 2);
                self.encrypt_pair(&mut mac.x, &mut s);
            } else {
                encrypt_one(self, &mut mac.x);
            }
        }
        s.zeroize();
        let mut expected = [0u8; 16];
        for ((e, x), k) in expected.iter_mut().zip(mac.x.iter()).zip(s0.iter()) {
            *e = x ^ k;
        }
        s0.zeroize();
        let verdict = ct_eq_bytes(&expected[..tag.len()], tag);
        expected.zeroize();
        if verdict {
            Ok(())
        } else {
            Err(Error::Verification)
        }
    }
}

impl Ccm for CompactAes {
    fn seal_detached(
        &mut self,
        nonce: &[u8],
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), Error> {
        if !is_valid_tag_len(tag.len()) {
            return Err(Error::InvalidInput);
        }
        check_lengths(nonce, buffer.len())?;
        self.seal_inner(nonce, aad, buffer, tag)
    }

    fn open_detached(
        &mut self,
        nonce: &[u8],
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error> {
        if !is_valid_tag_len(tag.len()) {
            return Err(Error::InvalidInput);
        }
        check_lengths(nonce, buffer.len())?;
        let result = self.open_inner(nonce, aad, buffer, tag);
        if result.is_err() {
            buffer.zeroize();
        }
        result
    }

    fn crypt_unauthenticated(&mut self, nonce: &[u8], buffer: &mut [u8]) -> Result<(), Error> {
        let l = check_lengths(nonce, buffer.len())?;
        // Keystream A_1, A_2, ... two blocks per call.
        for (j, pair) in buffer.chunks_mut(32).enumerate() {
            let mut s0 = counter_block(nonce, l, 2 * j as u64 + 1);
            let mut s1 = counter_block(nonce, l, 2 * j as u64 + 2);
            self.encrypt_pair(&mut s0, &mut s1);
            for (k, c) in pair.iter_mut().enumerate() {
                *c ^= if k < 16 { s0[k] } else { s1[k - 16] };
            }
            s0.zeroize();
            s1.zeroize();
        }
        Ok(())
    }
}
