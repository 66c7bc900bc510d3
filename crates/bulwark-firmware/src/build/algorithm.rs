//! The signature algorithms the builder signs with.

use bulwark_api::sig::{Algorithm, AlgorithmId, EcdsaP256, Ed25519, Sign, Verify};

use super::BuildError;
use crate::format::MAX_SIG_LEN;

mod sealed {
    pub trait Sealed {}
    impl Sealed for bulwark_api::sig::Ed25519 {}
    impl Sealed for bulwark_api::sig::EcdsaP256 {}
}

/// A signature algorithm the builder can sign with, given a backend `P`: [`Ed25519`] (needs
/// `P: Sign<Ed25519>`) or [`EcdsaP256`] (needs `P: Sign<EcdsaP256>`). Sealed; the methods are
/// the builder's plumbing.
pub trait SignAlgorithm<P: ?Sized>: sealed::Sealed {
    /// The backend's signing key.
    type Key;
    /// The algorithm.
    const ID: AlgorithmId;

    /// The raw public key (Ed25519 32 bytes, P-256 65-byte uncompressed SEC1) into `out`;
    /// returns its length.
    #[doc(hidden)]
    fn public_key(p: &mut P, key: &Self::Key, out: &mut [u8; 65]) -> Result<usize, BuildError>;

    /// Signs as imgtool does (Ed25519: the digest is the message; ECDSA: ECDSA-SHA256 over the
    /// hashed region, DER encoded), checks the signature, writes it to `out` and returns its
    /// length.
    #[doc(hidden)]
    fn sign(
        p: &mut P,
        key: &Self::Key,
        digest: &[u8],
        region: &[u8],
        out: &mut [u8; MAX_SIG_LEN],
    ) -> Result<usize, BuildError>;
}

/// The raw public key of `key` into the front of `out`; returns its length.
fn public_of<A: Algorithm, P: Sign<A> + ?Sized>(
    p: &mut P,
    key: &P::SigningKey,
    out: &mut [u8],
) -> Result<usize, BuildError> {
    let public = Sign::<A>::signing_public(p, key).map_err(BuildError::Backend)?;
    let raw = Verify::<A>::export_public(p, &public);
    put(out, raw.as_ref(), BuildError::TooLarge)
}

/// Signs `message` and checks that the signature verifies under the key's public key.
fn sign_checked<A: Algorithm, P: Sign<A> + ?Sized>(
    p: &mut P,
    key: &P::SigningKey,
    message: &[u8],
) -> Result<A::Signature, BuildError> {
    let sig = Sign::<A>::sign(p, key, message).map_err(BuildError::Backend)?;
    let public = Sign::<A>::signing_public(p, key).map_err(BuildError::Backend)?;
    Verify::<A>::verify(p, &public, message, &sig).map_err(|_| BuildError::SelfCheck)?;
    Ok(sig)
}

/// Copies `bytes` into the front of `out` (`too_long` if they do not fit); returns their length.
fn put(out: &mut [u8], bytes: &[u8], too_long: BuildError) -> Result<usize, BuildError> {
    out.get_mut(..bytes.len())
        .ok_or(too_long)?
        .copy_from_slice(bytes);
    Ok(bytes.len())
}

impl<P: Sign<Ed25519> + ?Sized> SignAlgorithm<P> for Ed25519 {
    type Key = <P as Sign<Ed25519>>::SigningKey;
    const ID: AlgorithmId = AlgorithmId::Ed25519;

    fn public_key(p: &mut P, key: &Self::Key, out: &mut [u8; 65]) -> Result<usize, BuildError> {
        public_of::<Ed25519, P>(p, key, out)
    }

    fn sign(
        p: &mut P,
        key: &Self::Key,
        digest: &[u8],
        _region: &[u8],
        out: &mut [u8; MAX_SIG_LEN],
    ) -> Result<usize, BuildError> {
        let sig = sign_checked::<Ed25519, P>(p, key, digest)?;
        put(out, sig.as_ref(), BuildError::SelfCheck)
    }
}

impl<P: Sign<EcdsaP256> + ?Sized> SignAlgorithm<P> for EcdsaP256 {
    type Key = <P as Sign<EcdsaP256>>::SigningKey;
    const ID: AlgorithmId = AlgorithmId::EcdsaP256;

    fn public_key(p: &mut P, key: &Self::Key, out: &mut [u8; 65]) -> Result<usize, BuildError> {
        public_of::<EcdsaP256, P>(p, key, out)
    }

    fn sign(
        p: &mut P,
        key: &Self::Key,
        _digest: &[u8],
        region: &[u8],
        out: &mut [u8; MAX_SIG_LEN],
    ) -> Result<usize, BuildError> {
        let sig = sign_checked::<EcdsaP256, P>(p, key, region)?;
        // The DER form goes into the image: it must decode back to the signature.
        let der = sig.to_der();
        if bulwark_api::sig::EcdsaP256Signature::from_der(der.as_ref()) != Ok(sig) {
            return Err(BuildError::SelfCheck);
        }
        put(out, der.as_ref(), BuildError::SelfCheck)
    }
}
