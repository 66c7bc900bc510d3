#![no_std]
#![doc = include_str!("../README.md")]
// `unsafe` is denied everywhere but in `x86_ccm` (AES-NI intrinsics), which says why.
#![deny(unsafe_code)]

mod batch;
mod ccm;
#[cfg(feature = "p256")]
mod ecdh_p256;
#[cfg(feature = "p256")]
mod ecdsa_p256;
mod ed25519;
mod engine;
mod kdf;
mod rng;
mod x25519;
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86_ccm;

pub use bulwark_modes::{CbcMacMode, CcmMode, CmacMode, CtrMode};
pub use ccm::SoftCcm;
#[cfg(feature = "p256")]
pub use ecdh_p256::{P256_KEYGEN_ATTEMPTS, P256EphemeralSecret, P256PublicKey, P256StaticSecret};
#[cfg(feature = "p256")]
pub use ecdsa_p256::{EcdsaP256PublicKey, EcdsaP256SigningKey};
pub use ed25519::{Ed25519PublicKey, Ed25519SigningKey};
pub use engine::SoftAes;
pub use kdf::{Sha256State, Sha512State};
pub use rng::RandCoreRng;
pub use x25519::{X25519EphemeralSecret, X25519PublicKey, X25519StaticSecret};

/// The software backend for the keyless and asymmetric capabilities: implements
/// [`KeyAgreement<X25519>`](bulwark_api::kex::KeyAgreement) (x25519-dalek),
/// [`KeyAgreement<P256>`](bulwark_api::kex::KeyAgreement) (`p256`),
/// [`HkdfSha256`](bulwark_api::kdf::HkdfSha256) (`hkdf`),
/// [`Sha256`](bulwark_api::hash::Sha256) and [`Sha512`](bulwark_api::hash::Sha512) (`sha2`),
/// [`Verify`](bulwark_api::sig::Verify) and [`Sign`](bulwark_api::sig::Sign) for
/// [`Ed25519`](bulwark_api::sig::Ed25519) (`ed25519-dalek`) and
/// [`EcdsaP256`](bulwark_api::sig::EcdsaP256) (`p256`, which also gets
/// [`VerifyPrehash`](bulwark_api::sig::VerifyPrehash)). It holds no state: keys live in the
/// associated key types, hash state in [`Sha256State`] and [`Sha512State`].
///
/// It also implements [`CcmBatch`](bulwark_api::ccm::CcmBatch) with [`SoftAes`] keys: many
/// independent packets sealed or opened in one call, eight CBC-MAC chains in flight on x86-64
/// with AES-NI, one packet after another elsewhere.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Soft;

/// AES-CMAC on the software AES engine.
pub type SoftCmac = CmacMode<SoftAes>;
/// AES-CTR on the software AES engine.
pub type SoftCtr = CtrMode<SoftAes>;
/// Raw CBC-MAC on the software AES engine (see [`bulwark_api::hazmat`] for its limits).
pub type SoftCbcMac = CbcMacMode<SoftAes>;
