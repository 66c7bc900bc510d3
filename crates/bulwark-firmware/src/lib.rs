#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod algorithm;
pub mod build;
mod error;
mod fih;
pub mod format;
mod hash;
mod rollback;
mod storage;
mod verify;

use bulwark_api::{
    hash::Sha256,
    sig::{Verify, VerifyPrehash},
};

pub use algorithm::{AnyAlgorithm, AnyKey, VerifyAlgorithms};
pub use build::{
    BuildError, ImageBuilder, PublicKeyFormat, SignAlgorithm, VALID_ALIGNMENTS, trailer_size,
};
pub use bulwark_api::hash::{SHA512_LEN, Sha512};
pub use bulwark_api::sig::{AlgorithmId, EcdsaP256, Ed25519};
pub use error::ImageError;
pub use format::{Dependency, ImageVersion, MAX_DEPENDENCIES, ParseVersionError, spki_len};
pub use hash::{EitherState, HashAlg, HashSupport, ImageDigest, Sha256Only, Sha256OrSha512};
pub use rollback::{MonotonicCounter, confirm};
pub use storage::{OutOfBounds, SliceStorage, Slot};
pub use verify::{LAYOUT_SIZE, MAX_TRUSTED_KEYS, VerifiedImage, Verifier};

/// What an Ed25519-only device needs: streaming SHA-256 and Ed25519 verification.
/// Implemented for every such type.
pub trait Ed25519Suite: Sha256 + Verify<Ed25519> {}
impl<T: Sha256 + Verify<Ed25519> + ?Sized> Ed25519Suite for T {}

/// What an ECDSA-P256-only device needs: streaming SHA-256 and prehash ECDSA verification.
/// Implemented for every such type.
pub trait EcdsaP256Suite: Sha256 + VerifyPrehash<EcdsaP256> {}
impl<T: Sha256 + VerifyPrehash<EcdsaP256> + ?Sized> EcdsaP256Suite for T {}

/// Both algorithms: what [`Verifier::any`] needs. Implemented for every such type.
pub trait FirmwareSuite: Ed25519Suite + EcdsaP256Suite {}
impl<T: Ed25519Suite + EcdsaP256Suite + ?Sized> FirmwareSuite for T {}
