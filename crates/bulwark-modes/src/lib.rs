#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod cbc_mac;
mod ccm;
pub mod ccm_format;
mod cmac;
mod ctr;

pub use cbc_mac::CbcMacMode;
pub use ccm::CcmMode;
pub use cmac::CmacMode;
pub use ctr::CtrMode;

// For `impl_ccm_checked!`, which expands to `bulwark_api::impl_ccm!` in the caller's crate.
#[doc(hidden)]
pub use bulwark_api as __api;

use bulwark_api::{
    Error,
    hazmat::{Block, BlockEncrypt},
};
use zeroize::Zeroize;

/// How many keystream blocks the CTR loops encrypt per engine call.
const BATCH: usize = 8;

/// An in-progress CBC-MAC chain: `x` is the chaining value, `pos` how many bytes of the current
/// block have been XORed in.
struct MacChain {
    x: Block,
    pos: usize,
}

impl MacChain {
    fn new() -> Self {
        Self { x: [0; 16], pos: 0 }
    }

    /// XORs `data` into the chain, encrypting each block as it fills. Whole blocks that start
    /// on a block boundary are XORed in one step (the common case: a long message), the
    /// bytes of a partial block one at a time.
    fn absorb<E: BlockEncrypt + ?Sized>(
        &mut self,
        engine: &mut E,
        mut data: &[u8],
    ) -> Result<(), Error> {
        loop {
            if self.pos == 0 {
                while let Some((block, rest)) = data.split_first_chunk::<16>() {
                    for (x, b) in self.x.iter_mut().zip(block) {
                        *x ^= *b;
                    }
                    engine.encrypt_block(&mut self.x)?;
                    data = rest;
                }
            }
            let Some((&byte, rest)) = data.split_first() else {
                return Ok(());
            };
            data = rest;
            if let Some(x) = self.x.get_mut(self.pos) {
                *x ^= byte;
            }
            self.pos += 1;
            if self.pos == 16 {
                engine.encrypt_block(&mut self.x)?;
                self.pos = 0;
            }
        }
    }

    /// Zero-pads a partial block and encrypts it (no-op on a block boundary).
    fn pad<E: BlockEncrypt + ?Sized>(&mut self, engine: &mut E) -> Result<(), Error> {
        if self.pos != 0 {
            engine.encrypt_block(&mut self.x)?;
            self.pos = 0;
        }
        Ok(())
    }
}

impl Drop for MacChain {
    fn drop(&mut self) {
        self.x.zeroize();
    }
}

/// XORs `buffer` with the keystream `E(ctr), E(ctr+1), ...`, where `next` advances a counter
/// block in place. Shared by CTR (128-bit counter) and CCM (L-byte counter).
fn xor_keystream<E: BlockEncrypt + ?Sized>(
    engine: &mut E,
    counter: &mut Block,
    next: impl Fn(&mut Block),
    buffer: &mut [u8],
) -> Result<(), Error> {
    let mut ks = [[0u8; 16]; BATCH];
    let mut result = Ok(());
    for chunk in buffer.chunks_mut(16 * BATCH) {
        let blocks = chunk.len().div_ceil(16);
        let ks = &mut ks[..blocks];
        for k in ks.iter_mut() {
            *k = *counter;
            next(counter);
        }
        if let Err(e) = engine.encrypt_blocks(ks) {
            result = Err(e);
            break;
        }
        for (c, k) in chunk.chunks_mut(16).zip(ks.iter()) {
            for (c, k) in c.iter_mut().zip(k) {
                *c ^= *k;
            }
        }
    }
    ks.zeroize();
    result
}
