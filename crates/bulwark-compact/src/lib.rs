#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod aes;
pub mod aes_ccm;
pub mod curve25519;
pub mod p256;
pub mod sha512;

/// The microcontroller backend: implements
/// [`KeyAgreement<X25519>`](bulwark_api::kex::KeyAgreement) and
/// [`Verify<Ed25519>`](bulwark_api::sig::Verify) on its own GF(2^255 - 19) arithmetic
/// ([`curve25519`]) and SHA-512 ([`sha512`]). It holds no state: keys live in the associated
/// key types.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Compact;
