#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod build;
mod error;
mod fih;
pub mod format;
mod hash;
mod rollback;
mod scheme;
mod storage;
mod verify;

use bulwark_api::{
    hash::Sha256,
    sig::{EcdsaP256, Ed25519, Verify, VerifyPrehash},
};

pub use build::{
    BuildError, ImageBuilder, PublicKeyFormat, SigningScheme, VALID_ALIGNMENTS, trailer_size,
};
pub use bulwark_api::hash::{SHA512_LEN, Sha512};
pub use bulwark_api::sig::{EcdsaP256 as EcdsaP256Scheme, Ed25519 as Ed25519Scheme};
pub use error::ImageError;
pub use format::{Dependency, ImageVersion, MAX_DEPENDENCIES};
pub use hash::{EitherState, HashAlg, HashSupport, ImageDigest, Sha256Only, Sha256OrSha512};
pub use rollback::{MonotonicCounter, confirm};
pub use scheme::{
    AnyScheme, ECDSA_P256_SPKI_PREFIX, ED25519_SPKI_PREFIX, SchemeSet, SignatureKind,
};
pub use storage::{OutOfBounds, SliceStorage, Slot};
pub use verify::{LAYOUT_SIZE, VerifiedImage, Verifier};

/// What an Ed25519-only device needs: streaming SHA-256 and Ed25519 verification.
/// Implemented for every such type.
pub trait Ed25519Suite: Sha256 + Verify<Ed25519> {}
impl<T: Sha256 + Verify<Ed25519> + ?Sized> Ed25519Suite for T {}

/// What an ECDSA-P256-only device needs: streaming SHA-256 and prehash ECDSA verification.
/// Implemented for every such type.
pub trait EcdsaP256Suite: Sha256 + VerifyPrehash<EcdsaP256> {}
impl<T: Sha256 + VerifyPrehash<EcdsaP256> + ?Sized> EcdsaP256Suite for T {}

/// Both schemes: what [`Verifier::any`] needs. Implemented for every such type.
pub trait FirmwareSuite: Ed25519Suite + EcdsaP256Suite {}
impl<T: Ed25519Suite + EcdsaP256Suite + ?Sized> FirmwareSuite for T {}
