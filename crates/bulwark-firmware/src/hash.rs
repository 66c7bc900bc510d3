//! The image hash: SHA-256 always, SHA-512 when the verifier is built for it.

use crate::ImageError;
use bulwark_api::hash::Sha256;
use bulwark_api::hash::Sha512;

/// The hash algorithm of an image (its hash TLV type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// SHA-256 (TLV `0x10`), imgtool's default.
    Sha256,
    /// SHA-512 (TLV `0x12`): `imgtool sign --sha 512`, and every `--pure` image.
    Sha512,
}

impl HashAlg {
    /// The digest length in bytes (32 or 64); also the length a KEYHASH TLV must have.
    pub const fn digest_len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            HashAlg::Sha512 => 64,
        }
    }
}

/// An image digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageDigest {
    /// A SHA-256 digest.
    Sha256([u8; 32]),
    /// A SHA-512 digest.
    Sha512([u8; 64]),
}

impl ImageDigest {
    /// The digest bytes (32 or 64).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            ImageDigest::Sha256(d) => d,
            ImageDigest::Sha512(d) => d,
        }
    }

    /// The algorithm.
    pub const fn alg(&self) -> HashAlg {
        match self {
            ImageDigest::Sha256(_) => HashAlg::Sha256,
            ImageDigest::Sha512(_) => HashAlg::Sha512,
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// Which hash algorithms a verifier supports, given a backend `P`: [`Sha256Only`] (needs
/// `P: Sha256`) or [`Sha256OrSha512`] (needs `P: Sha256 + Sha512`). Sealed; the methods are
/// the verifier's plumbing.
pub trait HashSupport<P: ?Sized>: sealed::Sealed {
    /// The in-progress state.
    #[doc(hidden)]
    type State;
    /// Whether SHA-512 images can be verified.
    #[doc(hidden)]
    const SHA512: bool;
    /// Starts a hash.
    #[doc(hidden)]
    fn start(p: &mut P, alg: HashAlg) -> Result<Self::State, ImageError>;
    /// Absorbs data.
    #[doc(hidden)]
    fn update(p: &mut P, state: &mut Self::State, data: &[u8]) -> Result<(), ImageError>;
    /// Finishes.
    #[doc(hidden)]
    fn finish(p: &mut P, state: Self::State) -> Result<ImageDigest, ImageError>;
}

/// Verifies SHA-256 images only; a SHA-512 image is [`ImageError::UnsupportedHash`].
#[derive(Clone, Copy, Debug)]
pub enum Sha256Only {}

/// Verifies SHA-256 and SHA-512 images (needs the [`Sha512`] trait).
#[derive(Clone, Copy, Debug)]
pub enum Sha256OrSha512 {}

impl sealed::Sealed for Sha256Only {}
impl sealed::Sealed for Sha256OrSha512 {}

impl<P: Sha256 + ?Sized> HashSupport<P> for Sha256Only {
    type State = P::State;
    const SHA512: bool = false;

    fn start(p: &mut P, alg: HashAlg) -> Result<Self::State, ImageError> {
        match alg {
            HashAlg::Sha256 => p.start().map_err(ImageError::Backend),
            HashAlg::Sha512 => Err(ImageError::UnsupportedHash),
        }
    }

    fn update(p: &mut P, state: &mut Self::State, data: &[u8]) -> Result<(), ImageError> {
        p.update(state, data).map_err(ImageError::Backend)
    }

    fn finish(p: &mut P, state: Self::State) -> Result<ImageDigest, ImageError> {
        p.finish(state)
            .map(ImageDigest::Sha256)
            .map_err(ImageError::Backend)
    }
}

/// The state of a [`Sha256OrSha512`] hash.
#[doc(hidden)]
pub enum EitherState<A, B> {
    /// SHA-256 in progress.
    Sha256(A),
    /// SHA-512 in progress.
    Sha512(B),
}

impl<P: Sha256 + Sha512 + ?Sized> HashSupport<P> for Sha256OrSha512 {
    type State = EitherState<<P as Sha256>::State, <P as Sha512>::State>;
    const SHA512: bool = true;

    fn start(p: &mut P, alg: HashAlg) -> Result<Self::State, ImageError> {
        match alg {
            HashAlg::Sha256 => <P as Sha256>::start(p)
                .map(EitherState::Sha256)
                .map_err(ImageError::Backend),
            HashAlg::Sha512 => <P as Sha512>::start(p)
                .map(EitherState::Sha512)
                .map_err(ImageError::Backend),
        }
    }

    fn update(p: &mut P, state: &mut Self::State, data: &[u8]) -> Result<(), ImageError> {
        match state {
            EitherState::Sha256(s) => <P as Sha256>::update(p, s, data),
            EitherState::Sha512(s) => <P as Sha512>::update(p, s, data),
        }
        .map_err(ImageError::Backend)
    }

    fn finish(p: &mut P, state: Self::State) -> Result<ImageDigest, ImageError> {
        match state {
            EitherState::Sha256(s) => <P as Sha256>::finish(p, s).map(ImageDigest::Sha256),
            EitherState::Sha512(s) => <P as Sha512>::finish(p, s).map(ImageDigest::Sha512),
        }
        .map_err(ImageError::Backend)
    }
}

/// One-shot digest of `parts` with `alg`.
pub(crate) fn digest_parts<P: ?Sized, H: HashSupport<P>>(
    p: &mut P,
    alg: HashAlg,
    parts: &[&[u8]],
) -> Result<ImageDigest, ImageError> {
    let mut state = H::start(p, alg)?;
    for part in parts {
        H::update(p, &mut state, part)?;
    }
    H::finish(p, state)
}
