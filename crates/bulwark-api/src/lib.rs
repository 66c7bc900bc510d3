#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod ccm;
pub mod counter;
pub mod encoding;
mod error;
mod glue;
pub mod hash;
#[cfg(feature = "hazmat")]
pub mod hazmat;
pub mod kdf;
pub mod kex;
pub mod mac;
mod rng;
pub mod secret;
pub mod sig;

pub use error::Error;
pub use rng::Rng;
pub use secret::SecretBytes;
