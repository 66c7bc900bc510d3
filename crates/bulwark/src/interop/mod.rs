//! RustCrypto's traits on bulwark (feature `interop`), for code written against the RustCrypto
//! ecosystem:
//!
//! | RustCrypto trait | bulwark type |
//! |---|---|
//! | [`aead::AeadCore`], [`aead::AeadInOut`] (and `aead::Aead` with its `alloc` feature) | [`CcmAead`] over any [`Ccm`](crate::ccm::Ccm) engine; [`AesCcm16_64_128`] |
//! | [`signature::Verifier`] | [`VerifyingKey`] over any [`Verify`](crate::sig::Verify) backend |
//! | [`signature::Signer`] | [`SigningKey`] over any [`Sign`](crate::sig::Sign) backend |
//! | [`rand_core::TryRng`], [`rand_core::TryCryptoRng`] | [`AsRandCore`] over any [`Rng`](crate::Rng) |
//! | (the reverse) [`Rng`](crate::Rng) over a [`rand_core::TryCryptoRng`] | [`RandCoreRng`] |
//! | [`digest::Digest`] (through `Update`, `FixedOutput`, `Reset`, `HashMarker`) | [`Sha256Digest`], [`Sha512Digest`] |
//!
//! The crates are re-exported ([`aead`], [`signature`], [`rand_core`], [`digest`]) so the
//! versions match: aead 0.6, signature 3, rand_core 0.10, digest 0.11.
//!
//! bulwark's traits take `&mut self` (a hardware engine does one operation at a time);
//! RustCrypto's `Aead`, `Signer` and `Verifier` take `&self`, so the adapters hold the engine
//! in a `RefCell`: a re-entrant call (only possible from within the engine itself) is an error,
//! never a panic. Errors become the trait's opaque error (`aead::Error`, `signature::Error`);
//! the `rand_core` adapter keeps bulwark's [`Error`](crate::Error). `digest` has no error path:
//! a hash engine that fails (a busy peripheral; the software and microcontroller backends
//! cannot) makes the digest all zeros and is reported by [`Sha256Digest::failure`].

//!
//! ```
//! use bulwark::interop::{AesCcm16_64_128, aead::{AeadInOut, array::Array}};
//! use bulwark::{DefaultProvider, Provider};
//!
//! /// Code written for RustCrypto's AEADs.
//! fn seal<A: AeadInOut>(aead: &A, nonce: &aead::Nonce<A>, msg: &mut Vec<u8>) -> Result<(), aead::Error> {
//!     aead.encrypt_in_place(nonce, b"header", msg)
//! }
//! # use bulwark::interop::aead;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let aead = AesCcm16_64_128::new(DefaultProvider::default().ccm(&[0x11; 16])?);
//! let mut msg = b"21.5C".to_vec();
//! seal(&aead, &Array::from([0; 13]), &mut msg)?;
//! assert_eq!(msg.len(), 5 + 8); // ciphertext || 8-byte tag
//! # Ok(())
//! # }
//! ```
//!
//! CCM sizes are checked when the adapter is built, so a 6-byte nonce does not compile:
//!
//! ```compile_fail
//! use bulwark::interop::{CcmAead, aead::consts::{U6, U8}};
//! use bulwark::{DefaultProvider, Provider};
//! let ccm = DefaultProvider::default().ccm(&[0x11; 16]).unwrap();
//! let _ = CcmAead::<_, U6, U8>::new(ccm);
//! ```

mod aead_impl;
mod digest_impl;
mod rng_impl;
mod signature_impl;

pub use aead;
pub use digest;
pub use rand_core;
pub use signature;

pub use aead_impl::{AesCcm16_64_128, CcmAead};
pub use bulwark_soft::RandCoreRng;
pub use digest_impl::{Sha256Digest, Sha512Digest};
pub use rng_impl::AsRandCore;
pub use signature_impl::{SigningKey, VerifyingKey};
