#![no_std]
#![doc = include_str!("../README.md")]
// `unsafe` is denied everywhere but in `umaal_gen` (ARMv7E-M assembly) and `m0asm_gen`
// (ARMv6-M assembly); each says why.
#![deny(unsafe_code)]

pub mod aes;
pub mod aes_ccm;
pub mod curve25519;
mod hash;
#[cfg(all(target_arch = "arm", bulwark_m0asm))]
#[allow(unsafe_code)]
mod m0asm_gen;
mod naf;
pub mod p256;
mod sha256;
pub mod sha512;
#[cfg(all(target_arch = "arm", bulwark_umaal))]
#[allow(unsafe_code)]
mod umaal_gen;

pub use aes::CompactAes;
pub use aes_ccm::CompactCcm;
pub use hash::{Sha256State, Sha512State};

/// AES-CMAC on the compact AES: `bulwark-modes`' generic CMAC over [`CompactAes`].
pub type CompactCmac = bulwark_modes::CmacMode<CompactAes>;

/// The microcontroller backend: implements
/// [`KeyAgreement<X25519>`](bulwark_api::kex::KeyAgreement) and
/// [`Verify<Ed25519>`](bulwark_api::sig::Verify) / [`Sign<Ed25519>`](bulwark_api::sig::Sign)
/// on its own GF(2^255 - 19) arithmetic ([`curve25519`]) and SHA-512 ([`sha512`]);
/// [`KeyAgreement<P256>`](bulwark_api::kex::KeyAgreement) and
/// [`Verify`](bulwark_api::sig::Verify) / [`VerifyPrehash`](bulwark_api::sig::VerifyPrehash) /
/// [`Sign`](bulwark_api::sig::Sign) for ECDSA-P256 on its own P-256 arithmetic ([`p256`]);
/// [`Sha256`](bulwark_api::hash::Sha256), [`Sha512`](bulwark_api::hash::Sha512) and
/// [`HkdfSha256`](bulwark_api::kdf::HkdfSha256). AES-CCM is [`CompactCcm`]; the generic modes of
/// `bulwark-modes` run over [`CompactAes`]. It holds no state: keys live in the associated key
/// types and the engines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Compact;
