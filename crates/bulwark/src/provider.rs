//! [`Provider`]: every capability of one backend behind one type parameter, and the
//! [`DefaultProvider`] chosen for the target and the enabled features.

use bulwark_api::{
    Error,
    ccm::Ccm,
    hash::{Sha256, Sha512},
    kdf::HkdfSha256,
    kex::{KeyAgreement, P256, X25519},
    mac::Cmac,
    sig::{EcdsaP256, Ed25519, Sign, Verify, VerifyPrehash},
};

/// A complete backend: key agreement, key derivation, hashing, signatures, and keyed AES-CCM
/// and AES-CMAC engines.
///
/// Application and protocol code that needs several capabilities takes one `P: Provider`
/// instead of a list of trait bounds. Keys for the symmetric engines are imported once, when
/// the engine is built, so a hardware backend can hold them in a key slot.
pub trait Provider:
    Default
    + KeyAgreement<X25519>
    + KeyAgreement<P256>
    + HkdfSha256
    + Sha256
    + Sha512
    + Verify<Ed25519>
    + Sign<Ed25519>
    + Verify<EcdsaP256>
    + VerifyPrehash<EcdsaP256>
    + Sign<EcdsaP256>
{
    /// AES-CCM (and through it every [`AesCcm`](bulwark_api::ccm::AesCcm) size and
    /// [`CcmStar`](bulwark_api::ccm::CcmStar)) under one key.
    type Ccm: Ccm;
    /// AES-CMAC under one key.
    type Cmac: Cmac;

    /// An AES-CCM engine for `key` (16, 24 or 32 bytes: AES-128, -192 or -256).
    ///
    /// The key must be used for CCM only, and a nonce never twice under it. Returns
    /// [`Error::InvalidInput`] for any other key length. The caller keeps (and should wipe)
    /// `key`; the engine zeroizes its own copy on drop.
    fn ccm(&mut self, key: &[u8]) -> Result<Self::Ccm, Error>;

    /// An AES-CMAC engine for `key` (16, 24 or 32 bytes), used for CMAC only. Same errors and
    /// key handling as [`Provider::ccm`].
    fn cmac(&mut self, key: &[u8]) -> Result<Self::Cmac, Error>;
}

impl Provider for bulwark_soft::Soft {
    type Ccm = bulwark_soft::SoftCcm;
    type Cmac = bulwark_soft::SoftCmac;

    fn ccm(&mut self, key: &[u8]) -> Result<Self::Ccm, Error> {
        Ok(bulwark_soft::SoftCcm::new(bulwark_soft::SoftAes::new(key)?))
    }

    fn cmac(&mut self, key: &[u8]) -> Result<Self::Cmac, Error> {
        Ok(bulwark_soft::SoftCmac::new(bulwark_soft::SoftAes::new(
            key,
        )?))
    }
}

#[cfg(feature = "server")]
impl Provider for bulwark_server::Server {
    type Ccm = bulwark_soft::SoftCcm;
    type Cmac = bulwark_soft::SoftCmac;

    fn ccm(&mut self, key: &[u8]) -> Result<Self::Ccm, Error> {
        bulwark_server::Server::ccm(self, key)
    }

    fn cmac(&mut self, key: &[u8]) -> Result<Self::Cmac, Error> {
        self.soft().cmac(key)
    }
}

impl Provider for bulwark_compact::Compact {
    type Ccm = bulwark_compact::CompactCcm;
    type Cmac = bulwark_compact::CompactCmac;

    fn ccm(&mut self, key: &[u8]) -> Result<Self::Ccm, Error> {
        bulwark_compact::CompactCcm::from_key(key)
    }

    fn cmac(&mut self, key: &[u8]) -> Result<Self::Cmac, Error> {
        Ok(bulwark_compact::CompactCmac::new(
            bulwark_compact::CompactAes::new(key)?,
        ))
    }
}

/// The raw AES modes of a backend: AES-CTR and CBC-MAC under one key (the `hazmat` feature).
///
/// <div class="warning">
///
/// CTR has no integrity and CBC-MAC is only secure for one fixed message length; see
/// [`hazmat`](bulwark_api::hazmat). Protocol code wants [`Provider::ccm`] or
/// [`Provider::cmac`].
///
/// </div>
#[cfg(feature = "hazmat")]
pub trait HazmatProvider: Provider {
    /// AES-CTR under one key.
    type Ctr: bulwark_api::hazmat::Ctr;
    /// Raw CBC-MAC (zero IV, whole blocks) under one key.
    type CbcMac: bulwark_api::hazmat::CbcMac;

    /// An AES-CTR engine for `key` (16, 24 or 32 bytes). Same errors and key handling as
    /// [`Provider::ccm`].
    fn ctr(&mut self, key: &[u8]) -> Result<Self::Ctr, Error>;

    /// A CBC-MAC engine for `key` (16, 24 or 32 bytes). Same errors and key handling as
    /// [`Provider::ccm`].
    fn cbc_mac(&mut self, key: &[u8]) -> Result<Self::CbcMac, Error>;
}

#[cfg(feature = "hazmat")]
impl HazmatProvider for bulwark_soft::Soft {
    type Ctr = bulwark_soft::SoftCtr;
    type CbcMac = bulwark_soft::SoftCbcMac;

    fn ctr(&mut self, key: &[u8]) -> Result<Self::Ctr, Error> {
        Ok(bulwark_soft::SoftCtr::new(bulwark_soft::SoftAes::new(key)?))
    }

    fn cbc_mac(&mut self, key: &[u8]) -> Result<Self::CbcMac, Error> {
        Ok(bulwark_soft::SoftCbcMac::new(bulwark_soft::SoftAes::new(
            key,
        )?))
    }
}

#[cfg(all(feature = "hazmat", feature = "server"))]
impl HazmatProvider for bulwark_server::Server {
    type Ctr = bulwark_soft::SoftCtr;
    type CbcMac = bulwark_soft::SoftCbcMac;

    fn ctr(&mut self, key: &[u8]) -> Result<Self::Ctr, Error> {
        self.soft().ctr(key)
    }

    fn cbc_mac(&mut self, key: &[u8]) -> Result<Self::CbcMac, Error> {
        self.soft().cbc_mac(key)
    }
}

#[cfg(feature = "hazmat")]
impl HazmatProvider for bulwark_compact::Compact {
    type Ctr = bulwark_modes::CtrMode<bulwark_compact::CompactAes>;
    type CbcMac = bulwark_modes::CbcMacMode<bulwark_compact::CompactAes>;

    fn ctr(&mut self, key: &[u8]) -> Result<Self::Ctr, Error> {
        Ok(bulwark_modes::CtrMode::new(
            bulwark_compact::CompactAes::new(key)?,
        ))
    }

    fn cbc_mac(&mut self, key: &[u8]) -> Result<Self::CbcMac, Error> {
        Ok(bulwark_modes::CbcMacMode::new(
            bulwark_compact::CompactAes::new(key)?,
        ))
    }
}

/// The backend this build uses: the gateway backend ([`bulwark_server::Server`]) with the
/// `server` feature.
#[cfg(feature = "server")]
pub type DefaultProvider = bulwark_server::Server;

/// The backend this build uses: on ARM, RISC-V and AVR targets the microcontroller backend
/// ([`bulwark_compact::Compact`]: field arithmetic without 64-bit products, bitsliced AES);
/// the `server` feature selects the gateway backend on `std` targets.
#[cfg(all(
    not(feature = "server"),
    any(target_arch = "arm", target_arch = "riscv32", target_arch = "avr")
))]
pub type DefaultProvider = bulwark_compact::Compact;

/// The backend this build uses: the portable software backend ([`bulwark_soft::Soft`]) on
/// every target other than ARM, RISC-V and AVR; the `server` feature selects the gateway
/// backend on `std` targets.
#[cfg(all(
    not(feature = "server"),
    not(any(target_arch = "arm", target_arch = "riscv32", target_arch = "avr"))
))]
pub type DefaultProvider = bulwark_soft::Soft;
