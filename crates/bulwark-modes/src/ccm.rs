use crate::ccm_format::{
    CheckedNonce, aad_len_prefix, b0_block, counter_block, tag_verdict, total_aad_len,
};
use crate::{MacChain, xor_keystream};
use bulwark_api::{
    Error,
    hazmat::{Block, BlockEncrypt},
};
use zeroize::Zeroize;

/// AES-CCM and CCM* (SP 800-38C, RFC 3610, IEEE 802.15.4 Annex B) over any block engine.
///
/// Implements [`Ccm`](bulwark_api::ccm::Ccm), and through it [`bulwark_api::ccm::AesCcm`] for every NIST nonce/tag
/// size and [`bulwark_api::ccm::CcmStar`].
///
/// CCM is built here from single-block encryptions. A backend that can run all of CCM in one
/// pass (fused AES instructions, a peripheral with a CCM mode) implements [`Ccm`](bulwark_api::ccm::Ccm) itself,
/// with the formatting functions of [`crate::ccm_format`].
#[derive(Debug)]
pub struct CcmMode<E> {
    engine: E,
}

impl<E: BlockEncrypt> CcmMode<E> {
    /// Wraps a keyed engine. The engine's key must not be used for anything but CCM.
    pub fn new(engine: E) -> Self {
        Self { engine }
    }

    /// Returns the engine.
    pub fn into_engine(self) -> E {
        self.engine
    }
}

/// Adds one to the last `l` bytes of a counter block, big-endian (never overflows: the message
/// length check keeps the count below `2^(8L)`).
fn increment_counter(block: &mut Block, l: usize) {
    for byte in block.iter_mut().skip(16 - l).rev() {
        *byte = byte.wrapping_add(1);
        if *byte != 0 {
            break;
        }
    }
}

impl<E: BlockEncrypt> CcmMode<E> {
    /// The unencrypted CBC-MAC `T` over `B_0`, the formatted AAD and the payload.
    fn mac(
        &mut self,
        nonce: &[u8],
        l: usize,
        tag_len: usize,
        aad: &[&[u8]],
        payload: &[u8],
    ) -> Result<MacChain, Error> {
        let aad_len = total_aad_len(aad)?;
        let mut chain = MacChain::new();
        chain.x = b0_block(nonce, l, tag_len, aad_len, payload.len());
        self.engine.encrypt_block(&mut chain.x)?;
        if aad_len > 0 {
            let mut prefix = [0u8; 10];
            let n = aad_len_prefix(aad_len, &mut prefix);
            chain.absorb(&mut self.engine, &prefix[..n])?;
            for part in aad {
                chain.absorb(&mut self.engine, part)?;
            }
            chain.pad(&mut self.engine)?;
        }
        chain.absorb(&mut self.engine, payload)?;
        chain.pad(&mut self.engine)?;
        Ok(chain)
    }

    /// `T XOR E(A_0)`, truncated into `tag`.
    fn encrypted_tag(
        &mut self,
        nonce: &[u8],
        l: usize,
        t: &MacChain,
        tag: &mut [u8],
    ) -> Result<(), Error> {
        let mut s0 = counter_block(nonce, l);
        let result = self.engine.encrypt_block(&mut s0);
        if result.is_ok() {
            for ((out, s), x) in tag.iter_mut().zip(s0.iter()).zip(t.x.iter()) {
                *out = *s ^ *x;
            }
        }
        s0.zeroize();
        result
    }

    /// Payload encryption: XOR with `E(A_1), E(A_2), ...`.
    fn crypt(&mut self, nonce: &[u8], l: usize, buffer: &mut [u8]) -> Result<(), Error> {
        let mut counter = counter_block(nonce, l);
        increment_counter(&mut counter, l);
        xor_keystream(
            &mut self.engine,
            &mut counter,
            |c| increment_counter(c, l),
            buffer,
        )
    }

    fn seal_inner(
        &mut self,
        CheckedNonce { nonce, l }: CheckedNonce<'_>,
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), Error> {
        let t = self.mac(nonce, l, tag.len(), aad, buffer)?;
        self.encrypted_tag(nonce, l, &t, tag)?;
        self.crypt(nonce, l, buffer)
    }

    fn open_inner(
        &mut self,
        CheckedNonce { nonce, l }: CheckedNonce<'_>,
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error> {
        self.crypt(nonce, l, buffer)?;
        let t = self.mac(nonce, l, tag.len(), aad, buffer)?;
        let mut expected = [0u8; 16];
        let computed = self.encrypted_tag(nonce, l, &t, &mut expected[..tag.len()]);
        // `tag_verdict` zeroes `expected` whether or not the tag was computed.
        let verdict = tag_verdict(&mut expected, tag);
        computed.and(verdict)
    }
}

crate::impl_ccm_checked!(impl[E: BlockEncrypt] for CcmMode<E>);
