#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod engine;
pub mod modes;
pub mod peripheral;
mod rng;

pub use engine::SoftAes;
pub use modes::{CbcMacMode, CcmMode, CmacMode, CtrMode};
pub use rng::RandCoreRng;

/// AES-CCM on the software AES engine (128-, 192- or 256-bit key).
pub type SoftCcm = CcmMode<SoftAes>;
/// AES-CMAC on the software AES engine.
pub type SoftCmac = CmacMode<SoftAes>;
/// AES-CTR on the software AES engine.
pub type SoftCtr = CtrMode<SoftAes>;
/// Raw CBC-MAC on the software AES engine (see [`bulwark_api::hazmat`] for its limits).
pub type SoftCbcMac = CbcMacMode<SoftAes>;
