//! [`SoftCcm`]: AES-CCM on the software engine, fused with AES-NI where the CPU has it.

use crate::SoftAes;
use bulwark_api::ccm::Ccm;
use bulwark_modes::CcmMode;

/// AES-CCM and CCM* on the software AES engine (128-, 192- or 256-bit key).
///
/// Implements [`Ccm`], and through it [`AesCcm`](bulwark_api::ccm::AesCcm) for every NIST
/// nonce/tag size and [`CcmStar`](bulwark_api::ccm::CcmStar). Each call picks its path from
/// the engine: the fused AES-NI CCM (CTR and CBC-MAC interleaved in one pass) when the engine
/// was built by [`SoftAes::new`] on an x86-64 CPU with AES-NI, the generic
/// [`bulwark_modes::CcmMode`] otherwise (every other CPU, and engines built by
/// [`SoftAes::new_portable`]). Both paths give identical results, checks and failure
/// behaviour.
#[derive(Debug)]
pub struct SoftCcm {
    engine: SoftAes,
}

impl SoftCcm {
    /// Wraps a keyed engine. The engine's key must not be used for anything but CCM.
    pub fn new(engine: SoftAes) -> Self {
        Self { engine }
    }

    /// Returns the engine.
    pub fn into_engine(self) -> SoftAes {
        self.engine
    }

    /// Whether calls take the fused AES-NI path (see [`SoftAes::is_fused`]).
    pub fn is_fused(&self) -> bool {
        self.engine.is_fused()
    }

    /// The fused CCM if this engine has one, else the generic mode over the engine.
    fn with<R>(&mut self, f: impl FnOnce(&mut dyn Ccm) -> R) -> R {
        #[cfg(target_arch = "x86_64")]
        if let Some(fused) = self.engine.fused_mut() {
            return f(fused);
        }
        f(&mut CcmMode::new(&mut self.engine))
    }
}

bulwark_api::impl_ccm! {
    impl[] for SoftCcm;
    seal(self, nonce, aad, buffer, tag) => self.with(|c| c.seal_detached(nonce, aad, buffer, tag));
    open(self, nonce, aad, buffer, tag) => self.with(|c| c.open_detached(nonce, aad, buffer, tag));
    crypt(self, nonce, buffer) => self.with(|c| c.crypt_unauthenticated(nonce, buffer));
}
