#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod aes;
pub mod curve25519;
pub mod p256;

/// The microcontroller backend: implements
/// [`KeyAgreement<X25519>`](bulwark_api::kex::KeyAgreement) on its own GF(2^255 - 19)
/// arithmetic ([`curve25519`]). It holds no state: keys live in the associated key types.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Compact;
