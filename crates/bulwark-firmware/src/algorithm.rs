//! Which signature algorithms a verifier accepts, and the trusted keys it holds: imported into
//! the backend and hashed once, when the verifier is built.

use bulwark_api::{
    Error,
    encoding::spki_der,
    sig::{
        Algorithm, AlgorithmId, EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Verify,
        VerifyPrehash,
    },
};

use crate::{
    HashAlg, ImageDigest, ImageError,
    hash::{HashSupport, digest_parts},
};

/// Every algorithm: Ed25519 and ECDSA P-256 (the backend needs both traits).
#[derive(Clone, Copy, Debug)]
pub enum AnyAlgorithm {}

/// A trusted key of either algorithm, as an [`AnyAlgorithm`] verifier holds it.
#[derive(Clone, Debug)]
pub enum AnyKey<E, C> {
    /// An Ed25519 key (the backend's `Verify<Ed25519>::PublicKey`).
    Ed25519(E),
    /// An ECDSA P-256 key (the backend's `Verify<EcdsaP256>::PublicKey`).
    EcdsaP256(C),
}

/// A trusted key: the backend's imported key and the hashes of its SubjectPublicKeyInfo DER.
#[derive(Clone, Debug)]
pub(crate) struct TrustedKey<K> {
    pub(crate) key: K,
    pub(crate) algorithm: AlgorithmId,
    /// SHA-256 of the SubjectPublicKeyInfo: the key id, and the KEYHASH of SHA-256 images.
    pub(crate) id: [u8; 32],
    /// SHA-512 of the SubjectPublicKeyInfo: the KEYHASH of SHA-512 images (verifiers that
    /// accept them only).
    pub(crate) id512: Option<[u8; 64]>,
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for bulwark_api::sig::Ed25519 {}
    impl Sealed for bulwark_api::sig::EcdsaP256 {}
    impl Sealed for super::AnyAlgorithm {}
}

/// Which signature algorithms a verifier accepts, given a backend `P`: [`Ed25519`] (needs
/// `P: Verify<Ed25519>`), [`EcdsaP256`] (needs `P: VerifyPrehash<EcdsaP256>`) or
/// [`AnyAlgorithm`] (both). Sealed; the methods are the verifier's plumbing.
pub trait VerifyAlgorithms<P: ?Sized>: sealed::Sealed {
    /// A trusted key as the verifier holds it (imported by the backend).
    type Key: Clone + core::fmt::Debug;

    /// Whether images signed with `algorithm` are accepted.
    #[doc(hidden)]
    fn accepts(algorithm: AlgorithmId) -> bool;

    /// The key's algorithm and raw encoding (32 bytes, or the 65-byte SEC1 point) in `out`;
    /// returns the algorithm and the length.
    #[doc(hidden)]
    fn export(p: &mut P, key: &Self::Key, out: &mut [u8; 65]) -> (AlgorithmId, usize);

    /// Checks the signature TLV's value `signature` (Ed25519: 64 bytes; ECDSA: strict DER)
    /// with `key`. `message` is the digest (Ed25519 hash mode: the message; ECDSA: the
    /// prehash) or, for a pure Ed25519 image, the whole hashed region.
    #[doc(hidden)]
    fn verify(
        p: &mut P,
        key: &Self::Key,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), ImageError>;
}

fn sig_error(e: Error) -> ImageError {
    match e {
        Error::Verification | Error::InvalidInput => ImageError::Signature,
        other => ImageError::Backend(other),
    }
}

fn verify_ed25519<P: Verify<Ed25519> + ?Sized>(
    p: &mut P,
    key: &<P as Verify<Ed25519>>::PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), ImageError> {
    let signature = Ed25519Signature::from_slice(signature).map_err(|_| ImageError::Signature)?;
    <P as Verify<Ed25519>>::verify(p, key, message, &signature).map_err(sig_error)
}

fn verify_ecdsa<P: VerifyPrehash<EcdsaP256> + ?Sized>(
    p: &mut P,
    key: &<P as Verify<EcdsaP256>>::PublicKey,
    digest: &[u8],
    der: &[u8],
) -> Result<(), ImageError> {
    // MCUboot's ECDSASIG TLV is DER, nothing else (a 64-byte value is not read as r || s).
    let signature = EcdsaP256Signature::from_der(der).map_err(|_| ImageError::Signature)?;
    <P as VerifyPrehash<EcdsaP256>>::verify_prehash(p, key, digest, &signature).map_err(sig_error)
}

fn export_raw<A: Algorithm, P: Verify<A> + ?Sized>(
    p: &mut P,
    key: &P::PublicKey,
    out: &mut [u8; 65],
) -> (AlgorithmId, usize) {
    let raw = p.export_public(key);
    let raw = raw.as_ref();
    let len = raw.len().min(out.len());
    for (o, b) in out.iter_mut().zip(raw) {
        *o = *b;
    }
    (A::ID, len)
}

impl<P: Verify<Ed25519> + ?Sized> VerifyAlgorithms<P> for Ed25519 {
    type Key = <P as Verify<Ed25519>>::PublicKey;

    fn accepts(algorithm: AlgorithmId) -> bool {
        algorithm == AlgorithmId::Ed25519
    }

    fn export(p: &mut P, key: &Self::Key, out: &mut [u8; 65]) -> (AlgorithmId, usize) {
        export_raw::<Ed25519, P>(p, key, out)
    }

    fn verify(p: &mut P, key: &Self::Key, message: &[u8], sig: &[u8]) -> Result<(), ImageError> {
        verify_ed25519(p, key, message, sig)
    }
}

impl<P: VerifyPrehash<EcdsaP256> + ?Sized> VerifyAlgorithms<P> for EcdsaP256 {
    type Key = <P as Verify<EcdsaP256>>::PublicKey;

    fn accepts(algorithm: AlgorithmId) -> bool {
        algorithm == AlgorithmId::EcdsaP256
    }

    fn export(p: &mut P, key: &Self::Key, out: &mut [u8; 65]) -> (AlgorithmId, usize) {
        export_raw::<EcdsaP256, P>(p, key, out)
    }

    fn verify(p: &mut P, key: &Self::Key, digest: &[u8], sig: &[u8]) -> Result<(), ImageError> {
        verify_ecdsa(p, key, digest, sig)
    }
}

impl<P: Verify<Ed25519> + VerifyPrehash<EcdsaP256> + ?Sized> VerifyAlgorithms<P> for AnyAlgorithm {
    type Key = AnyKey<<P as Verify<Ed25519>>::PublicKey, <P as Verify<EcdsaP256>>::PublicKey>;

    fn accepts(_algorithm: AlgorithmId) -> bool {
        true
    }

    fn export(p: &mut P, key: &Self::Key, out: &mut [u8; 65]) -> (AlgorithmId, usize) {
        match key {
            AnyKey::Ed25519(k) => export_raw::<Ed25519, P>(p, k, out),
            AnyKey::EcdsaP256(k) => export_raw::<EcdsaP256, P>(p, k, out),
        }
    }

    fn verify(p: &mut P, key: &Self::Key, message: &[u8], sig: &[u8]) -> Result<(), ImageError> {
        match key {
            AnyKey::Ed25519(k) => verify_ed25519(p, k, message, sig),
            AnyKey::EcdsaP256(k) => verify_ecdsa(p, k, message, sig),
        }
    }
}

/// The image's hash algorithm over a raw key's SubjectPublicKeyInfo DER.
pub(crate) fn spki_hash<P: ?Sized, H: HashSupport<P>>(
    p: &mut P,
    alg: HashAlg,
    algorithm: AlgorithmId,
    raw: &[u8],
) -> Result<ImageDigest, ImageError> {
    let spki = spki_der(algorithm, raw).map_err(|_| ImageError::InvalidTrustedKey)?;
    digest_parts::<P, H>(p, alg, &[spki.as_ref()])
}

/// Imports one raw trusted key (`import`: the backend's import for its algorithm) and hashes
/// its SubjectPublicKeyInfo with SHA-256.
pub(crate) fn trusted<P: ?Sized, H: HashSupport<P>, K>(
    p: &mut P,
    algorithm: AlgorithmId,
    raw: &[u8],
    import: impl FnOnce(&mut P, &[u8]) -> Result<K, Error>,
) -> Result<TrustedKey<K>, ImageError> {
    let key = import(p, raw).map_err(|_| ImageError::InvalidTrustedKey)?;
    let id = match spki_hash::<P, H>(p, HashAlg::Sha256, algorithm, raw)? {
        ImageDigest::Sha256(d) => d,
        ImageDigest::Sha512(_) => return Err(ImageError::FaultDetected),
    };
    Ok(TrustedKey {
        key,
        algorithm,
        id,
        id512: None,
    })
}
