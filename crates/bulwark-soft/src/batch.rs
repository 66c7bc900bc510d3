//! [`CcmBatch`] for the software backend: many packets, each under its own [`SoftAes`] key.
//!
//! Packets whose key has the fused AES-NI schedule go through the interleaved batch engine
//! (eight CBC-MAC chains in flight; with VAES and AVX-512, their counter blocks in the same
//! rounds); every other packet, and every packet with an invalid size,
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

/// A batch packet's portable path: the single-packet [`CcmMode`] for a packet that does not go
/// fused, `Err(Error::Unsupported)` ("not processed") for one that does, which the fused batch
/// engine then processes.
trait PortablePacket {
    fn run_portable(&mut self);
    fn result(&self) -> &Result<(), Error>;
}

/// Implements [`PortablePacket`] for a packet type with its [`Ccm`] method.
macro_rules! portable_packet {
    ($packet:ident, $method:ident) => {
        impl PortablePacket for $packet<'_, SoftAes> {
            fn run_portable(&mut self) {
                let (key, nonce, aad) = (self.key, self.nonce, self.aad);
                self.result = if goes_fused(key, nonce, aad, self.buffer.len(), self.tag.len()) {
                    Err(Error::Unsupported) // set by the batch engine
                } else {
                    CcmMode::new(SharedAes(key)).$method(nonce, aad, self.buffer, self.tag)
                };
            }

            fn result(&self) -> &Result<(), Error> {
                &self.result
            }
        }
    };
}
portable_packet!(SealPacket, seal_detached);
portable_packet!(OpenPacket, open_detached);

#[cfg(target_arch = "x86_64")]
use crate::x86_ccm::{open_batch as fused_open, seal_batch as fused_seal};

/// Without AES-NI there is no fused batch engine and no packet goes fused.
#[cfg(not(target_arch = "x86_64"))]
fn fused_seal<P>(_: &mut [P]) {}

/// Without AES-NI there is no fused batch engine and no packet goes fused.
#[cfg(not(target_arch = "x86_64"))]
fn fused_open<P>(_: &mut [P]) {}

/// Every packet through its portable path, then the fused ones through `fused`; the first error.
fn run_batch<P: PortablePacket>(
    packets: &mut [P],
    fused: impl FnOnce(&mut [P]),
) -> Result<(), Error> {
    packets.iter_mut().for_each(P::run_portable);
    fused(packets);
    first_error(packets.iter().map(P::result))
}

impl CcmBatch for Soft {
    type Key = SoftAes;

    fn seal_batch(&mut self, packets: &mut [SealPacket<'_, SoftAes>]) -> Result<(), Error> {
        run_batch(packets, fused_seal)
    }

    fn open_batch(&mut self, packets: &mut [OpenPacket<'_, SoftAes>]) -> Result<(), Error> {
        run_batch(packets, fused_open)
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

    /// Implements [`BatchPacket`] for a packet type: the accessors are the same for both
    /// packet types, only `finish` (write the tag, or compare it) differs.
    macro_rules! batch_packet {
        ($packet:ident, |$this:ident, $full_tag:ident| $finish:block) => {
            impl<'k> BatchPacket<'k> for $packet<'k, SoftAes> {
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
                fn finish(&mut self, $full_tag: &mut Block) {
                    let $this = self;
                    $finish
                }
            }
        };
    }

    batch_packet!(SealPacket, |this, full_tag| {
        let n = this.tag.len();
        this.tag.copy_from_slice(&full_tag[..n]);
        full_tag.zeroize();
        this.result = Ok(());
    });

    batch_packet!(OpenPacket, |this, full_tag| {
        let n = this.tag.len();
        let verdict = ct_eq_bytes(&full_tag[..n], this.tag);
        full_tag.zeroize();
        this.result = if verdict {
            Ok(())
        } else {
            this.buffer.zeroize();
            Err(Error::Verification)
        };
    });
}
