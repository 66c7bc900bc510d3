//! The signature algorithms the builder signs with.

use bulwark_api::sig::{AlgorithmId, EcdsaP256, Ed25519, Sign, Verify};

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

impl<P: Sign<Ed25519> + ?Sized> SignAlgorithm<P> for Ed25519 {
    type Key = <P as Sign<Ed25519>>::SigningKey;
    const ID: AlgorithmId = AlgorithmId::Ed25519;

    fn public_key(p: &mut P, key: &Self::Key, out: &mut [u8; 65]) -> Result<usize, BuildError> {
        let public = <P as Sign<Ed25519>>::signing_public(p, key).map_err(BuildError::Backend)?;
        let raw = <P as Verify<Ed25519>>::export_public(p, &public);
        out.get_mut(..32)
            .ok_or(BuildError::TooLarge)?
            .copy_from_slice(&raw);
        Ok(32)
    }

    fn sign(
        p: &mut P,
        key: &Self::Key,
        digest: &[u8],
        _region: &[u8],
        out: &mut [u8; MAX_SIG_LEN],
    ) -> Result<usize, BuildError> {
        let sig = <P as Sign<Ed25519>>::sign(p, key, digest).map_err(BuildError::Backend)?;
        let public = <P as Sign<Ed25519>>::signing_public(p, key).map_err(BuildError::Backend)?;
        <P as Verify<Ed25519>>::verify(p, &public, digest, &sig)
            .map_err(|_| BuildError::SelfCheck)?;
        let sig = sig.as_ref();
        let dst = out.get_mut(..sig.len()).ok_or(BuildError::SelfCheck)?;
        dst.copy_from_slice(sig);
        Ok(sig.len())
    }
}

impl<P: Sign<EcdsaP256> + ?Sized> SignAlgorithm<P> for EcdsaP256 {
    type Key = <P as Sign<EcdsaP256>>::SigningKey;
    const ID: AlgorithmId = AlgorithmId::EcdsaP256;

    fn public_key(p: &mut P, key: &Self::Key, out: &mut [u8; 65]) -> Result<usize, BuildError> {
        let public = <P as Sign<EcdsaP256>>::signing_public(p, key).map_err(BuildError::Backend)?;
        *out = <P as Verify<EcdsaP256>>::export_public(p, &public);
        Ok(65)
    }

    fn sign(
        p: &mut P,
        key: &Self::Key,
        _digest: &[u8],
        region: &[u8],
        out: &mut [u8; MAX_SIG_LEN],
    ) -> Result<usize, BuildError> {
        let sig = <P as Sign<EcdsaP256>>::sign(p, key, region).map_err(BuildError::Backend)?;
        let public = <P as Sign<EcdsaP256>>::signing_public(p, key).map_err(BuildError::Backend)?;
        <P as Verify<EcdsaP256>>::verify(p, &public, region, &sig)
            .map_err(|_| BuildError::SelfCheck)?;
        // The DER form goes into the image: it must decode back to the signature.
        let der = sig.to_der();
        let der = der.as_ref();
        if bulwark_api::sig::EcdsaP256Signature::from_der(der) != Ok(sig) {
            return Err(BuildError::SelfCheck);
        }
        let dst = out.get_mut(..der.len()).ok_or(BuildError::SelfCheck)?;
        dst.copy_from_slice(der);
        Ok(der.len())
    }
}
