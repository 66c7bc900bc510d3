//! [`CcmBatch`] for the software backend: many packets, each under its own [`SoftAes`] key.
//!
//! Packets whose key has the fused AES-NI schedule go through the interleaved batch engine
//! (eight CBC-MAC chains in flight); every other packet, and every packet with an invalid size,
//! goes through the portable single-packet [`CcmMode`], one after the other. Either way each
//! packet gets exactly what [`Ccm::seal_detached`] / [`Ccm::open_detached`] would give it.

use crate::{CcmMode, Soft, SoftAes};
use bulwark_api::{
    Error,
    ccm::{
        Ccm, CcmBatch, OpenPacket, SealPacket, first_error, is_valid_nonce_len, is_valid_tag_len,
        max_message_len,
    },
    hazmat::{Block, BlockEncrypt},
};

/// A [`SoftAes`] used through a shared reference, so that several packets can share a key.
/// Offers no fused CCM: it is the portable path.
struct SharedAes<'a>(&'a SoftAes);

impl BlockEncrypt for SharedAes<'_> {
    fn encrypt_block(&mut self, block: &mut Block) -> Result<(), Error> {
        self.0.encrypt_blocks_shared(core::slice::from_mut(block));
        Ok(())
    }

    fn encrypt_blocks(&mut self, blocks: &mut [Block]) -> Result<(), Error> {
        self.0.encrypt_blocks_shared(blocks);
        Ok(())
    }
}

/// Whether a packet goes through the fused batch engine: its key has the AES-NI schedule and
/// every size is valid (invalid packets take the single-packet path, which rejects them with
/// [`Error::InvalidInput`] and touches nothing).
fn goes_fused(key: &SoftAes, nonce: &[u8], aad: &[&[u8]], msg_len: usize, tag_len: usize) -> bool {
    key.is_fused()
        && is_valid_tag_len(tag_len)
        && is_valid_nonce_len(nonce.len())
        && msg_len as u64 <= max_message_len(nonce.len())
        && bulwark_modes::ccm_format::total_aad_len(aad).is_ok()
}

impl CcmBatch for Soft {
    type Key = SoftAes;

    fn seal_batch(&mut self, packets: &mut [SealPacket<'_, SoftAes>]) -> Result<(), Error> {
        for p in packets.iter_mut() {
            if goes_fused(p.key, p.nonce, p.aad, p.buffer.len(), p.tag.len()) {
                p.result = Err(Error::Unsupported); // set by the batch engine below
                continue;
            }
            p.result =
                CcmMode::new(SharedAes(p.key)).seal_detached(p.nonce, p.aad, p.buffer, p.tag);
        }
        #[cfg(target_arch = "x86_64")]
        crate::x86_ccm::seal_batch(packets);
        first_error(packets.iter().map(|p| &p.result))
    }

    fn open_batch(&mut self, packets: &mut [OpenPacket<'_, SoftAes>]) -> Result<(), Error> {
        for p in packets.iter_mut() {
            if goes_fused(p.key, p.nonce, p.aad, p.buffer.len(), p.tag.len()) {
                p.result = Err(Error::Unsupported); // set by the batch engine below
                continue;
            }
            p.result =
                CcmMode::new(SharedAes(p.key)).open_detached(p.nonce, p.aad, p.buffer, p.tag);
        }
        #[cfg(target_arch = "x86_64")]
        crate::x86_ccm::open_batch(packets);
        first_error(packets.iter().map(|p| &p.result))
    }
}

#[cfg(target_arch = "x86_64")]
mod fused {
    use super::goes_fused;
    use crate::{SoftAes, x86_ccm::AesNiCcm, x86_ccm::BatchPacket};
    use bulwark_api::{
        Error,
        ccm::{OpenPacket, SealPacket},
        hazmat::Block,
        secret::ct_eq_bytes,
    };
    use zeroize::Zeroize;

    impl<'k> BatchPacket<'k> for SealPacket<'k, SoftAes> {
        fn fused_key(&self) -> Option<&'k AesNiCcm> {
            let key: &'k SoftAes = self.key;
            goes_fused(key, self.nonce, self.aad, self.buffer.len(), self.tag.len())
                .then(|| key.fused())
                .flatten()
        }
        fn nonce(&self) -> &'k [u8] {
            self.nonce
        }
        fn aad(&self) -> &'k [&'k [u8]] {
            self.aad
        }
        fn tag_len(&self) -> usize {
            self.tag.len()
        }
        fn buffer(&self) -> &[u8] {
            self.buffer
        }
        fn buffer_mut(&mut self) -> &mut [u8] {
            self.buffer
        }
        fn finish(&mut self, full_tag: &mut Block) {
            let n = self.tag.len();
            self.tag.copy_from_slice(&full_tag[..n]);
            full_tag.zeroize();
            self.result = Ok(());
        }
    }

    impl<'k> BatchPacket<'k> for OpenPacket<'k, SoftAes> {
        fn fused_key(&self) -> Option<&'k AesNiCcm> {
            let key: &'k SoftAes = self.key;
            goes_fused(key, self.nonce, self.aad, self.buffer.len(), self.tag.len())
                .then(|| key.fused())
                .flatten()
        }
        fn nonce(&self) -> &'k [u8] {
            self.nonce
        }
        fn aad(&self) -> &'k [&'k [u8]] {
            self.aad
        }
        fn tag_len(&self) -> usize {
            self.tag.len()
        }
        fn buffer(&self) -> &[u8] {
            self.buffer
        }
        fn buffer_mut(&mut self) -> &mut [u8] {
            self.buffer
        }
        fn finish(&mut self, full_tag: &mut Block) {
            let n = self.tag.len();
            let verdict = ct_eq_bytes(&full_tag[..n], self.tag);
            full_tag.zeroize();
            self.result = if verdict {
                Ok(())
            } else {
                self.buffer.zeroize();
                Err(Error::Verification)
            };
        }
    }
}
