//! CCM and CCM* (SP 800-38C, RFC 3610, IEEE 802.15.4) on [`CompactAes`] with the CBC-MAC block
//! and the CTR block of each step in one two-block call.
//!
//! [`CompactCcm`] implements [`Ccm`](bulwark_api::ccm::Ccm) itself (a block engine hands back blocks, never a whole
//! AEAD), formatting with `bulwark-modes`' [`ccm_format`](bulwark_modes::ccm_format) functions so its bytes are those of
//! the generic [`CcmMode`](bulwark_modes::CcmMode). Sealing pairs `B_0` with `A_0`, then each
//! payload block's MAC step with its keystream block; opening computes `S_1` ahead, then pairs
//! each MAC step with the next keystream block. Associated data is MAC-only, one block per
//! call.

use crate::aes::CompactAes;
use bulwark_api::{Error, hazmat::Block};
use bulwark_modes::ccm_format::{
    CheckedNonce, aad_len_prefix, b0_block, counter_block as counter_prefix, tag_verdict,
    total_aad_len,
};
use zeroize::Zeroize;

/// AES-CCM on the compact AES: every CCM and CCM* size through [`Ccm`](bulwark_api::ccm::Ccm) (and so
/// [`AesCcm`](bulwark_api::ccm::AesCcm) and [`CcmStar`](bulwark_api::ccm::CcmStar)), each
/// CBC-MAC step paired with a CTR block in one two-block AES call. The key schedule is wiped
/// on drop (by [`CompactAes`]).
#[derive(Debug)]
pub struct CompactCcm {
    aes: CompactAes,
}

impl CompactCcm {
    /// CCM over an existing engine.
    pub fn new(aes: CompactAes) -> Self {
        Self { aes }
    }

    /// CCM under `key` (16, 24 or 32 bytes), else [`Error::InvalidInput`]. The key must be
    /// used for CCM only; the caller keeps (and should wipe) `key`.
    pub fn from_key(key: &[u8]) -> Result<Self, Error> {
        CompactAes::new(key).map(Self::new)
    }

    /// The block engine, e.g. for the generic modes.
    pub fn into_engine(self) -> CompactAes {
        self.aes
    }
}

/// The counter block `A_i` (the message length check keeps `i` below `2^(8L)`, `L <= 8`).
fn counter_block(nonce: &[u8], l: usize, i: u64) -> Block {
    let mut a = counter_prefix(nonce, l);
    let count = i.to_be_bytes();
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
    let aad_len = total_aad_len(aad)?;
    let mut b0 = b0_block(nonce, l, tag_len, aad_len, msg_len);
    let mut s0 = counter_block(nonce, l, 0);
    aes.encrypt_pair(&mut b0, &mut s0);
    let mut mac = Mac { x: b0, fill: 0 };
    if aad_len > 0 {
        let mut prefix = [0u8; 10];
        let n = aad_len_prefix(aad_len, &mut prefix);
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

impl CompactCcm {
    /// Seals with the sizes already checked by `check_sizes` (`l` is its result).
    fn seal_inner(
        &self,
        CheckedNonce { nonce, l }: CheckedNonce<'_>,
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), Error> {
        let (mut mac, mut s0) = start(&self.aes, nonce, l, tag.len(), aad, buffer.len())?;
        for (i, chunk) in buffer.chunks_mut(16).enumerate() {
            // MAC step on the plaintext and keystream block A_{i+1}, in one call.
            xor_into(&mut mac.x, chunk);
            let mut s = counter_block(nonce, l, i as u64 + 1);
            self.aes.encrypt_pair(&mut mac.x, &mut s);
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

    /// Opens with the sizes already checked by `check_sizes` (`l` is its result).
    fn open_inner(
        &self,
        CheckedNonce { nonce, l }: CheckedNonce<'_>,
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error> {
        let (mut mac, mut s0) = start(&self.aes, nonce, l, tag.len(), aad, buffer.len())?;
        // S_1 first; then each MAC step is paired with the next keystream block.
        let mut s = counter_block(nonce, l, 1);
        encrypt_one(&self.aes, &mut s);
        let blocks = buffer.len().div_ceil(16);
        for (i, chunk) in buffer.chunks_mut(16).enumerate() {
            for (c, k) in chunk.iter_mut().zip(s.iter()) {
                *c ^= k;
            }
            xor_into(&mut mac.x, chunk);
            if i + 1 < blocks {
                s = counter_block(nonce, l, i as u64 + 2);
                self.aes.encrypt_pair(&mut mac.x, &mut s);
            } else {
                encrypt_one(&self.aes, &mut mac.x);
            }
        }
        s.zeroize();
        let mut expected = [0u8; 16];
        for ((e, x), k) in expected.iter_mut().zip(mac.x.iter()).zip(s0.iter()) {
            *e = x ^ k;
        }
        s0.zeroize();
        tag_verdict(&mut expected, tag)
    }

    /// CCM* without a MIC: XOR with the keystream `A_1, A_2, ...`, two blocks per call.
    fn crypt(&self, nonce: &[u8], l: usize, buffer: &mut [u8]) -> Result<(), Error> {
        for (j, pair) in buffer.chunks_mut(32).enumerate() {
            let mut s0 = counter_block(nonce, l, 2 * j as u64 + 1);
            let mut s1 = counter_block(nonce, l, 2 * j as u64 + 2);
            self.aes.encrypt_pair(&mut s0, &mut s1);
            for (k, c) in pair.iter_mut().enumerate() {
                *c ^= if k < 16 { s0[k] } else { s1[k - 16] };
            }
            s0.zeroize();
            s1.zeroize();
        }
        Ok(())
    }
}

bulwark_modes::impl_ccm_checked!(impl[] for CompactCcm);
