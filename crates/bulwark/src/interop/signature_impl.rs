//! `signature` 3 for bulwark's verifying and signing keys.

use crate::sig::{Algorithm, Sign, Verify};
use crate::{Error, Rng, SecretBytes};
use core::cell::RefCell;
use core::fmt;

/// A validated public key of algorithm `A` ([`Ed25519`](crate::sig::Ed25519),
/// [`EcdsaP256`](crate::sig::EcdsaP256)) with its backend, as a
/// [`signature::Verifier`] over bulwark's typed signatures (`Ed25519Signature`,
/// `EcdsaP256Signature`).
pub struct VerifyingKey<P: Verify<A>, A: Algorithm> {
    backend: RefCell<P>,
    key: P::PublicKey,
    public: A::PublicBytes,
}

impl<P: Verify<A>, A: Algorithm> VerifyingKey<P, A> {
    /// Parses and validates `public` (Ed25519: 32 bytes; ECDSA-P256: SEC1 uncompressed or
    /// compressed). Returns [`Error::InvalidInput`] for an invalid key.
    pub fn new(mut backend: P, public: &[u8]) -> Result<Self, Error> {
        let key = backend.import_public(public)?;
        let public = backend.export_public(&key);
        Ok(Self {
            backend: RefCell::new(backend),
            key,
            public,
        })
    }

    /// The encoded public key (ECDSA-P256: uncompressed SEC1).
    pub fn public_bytes(&self) -> A::PublicBytes {
        self.public
    }
}

impl<P: Verify<A>, A: Algorithm> fmt::Debug for VerifyingKey<P, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl<P: Verify<A>, A: Algorithm> signature::Verifier<A::Signature> for VerifyingKey<P, A> {
    fn verify(&self, msg: &[u8], signature: &A::Signature) -> Result<(), signature::Error> {
        let mut backend = self
            .backend
            .try_borrow_mut()
            .map_err(|_| signature::Error::new())?;
        backend
            .verify(&self.key, msg, signature)
            .map_err(|_| signature::Error::new())
    }
}

/// A signing key of algorithm `A` with its backend, as a [`signature::Signer`]. Ed25519 and
/// the backends' ECDSA (RFC 6979 nonces) are deterministic. The secret is the backend's
/// `SigningKey` (zeroized on drop); `Debug` shows only the public key.
pub struct SigningKey<P: Sign<A>, A: Algorithm> {
    backend: RefCell<P>,
    key: P::SigningKey,
    public: A::PublicBytes,
}

impl<P: Sign<A>, A: Algorithm> SigningKey<P, A> {
    /// Imports a secret (Ed25519: the 32-byte seed; ECDSA-P256: a big-endian scalar in `1..n`,
    /// else [`Error::InvalidInput`]). Consumes the bytes.
    pub fn new(mut backend: P, secret: SecretBytes<32>) -> Result<Self, Error> {
        let key = backend.import_signing_key(secret)?;
        Self::with_key(backend, key)
    }

    /// Generates a key from `rng` (a TRNG or the OS). Returns the generator's error.
    pub fn generate<R: Rng + ?Sized>(mut backend: P, rng: &mut R) -> Result<Self, Error> {
        let key = backend.generate_signing_key(rng)?;
        Self::with_key(backend, key)
    }

    fn with_key(mut backend: P, key: P::SigningKey) -> Result<Self, Error> {
        let public = backend.signing_public(&key)?;
        let public = backend.export_public(&public);
        Ok(Self {
            backend: RefCell::new(backend),
            key,
            public,
        })
    }

    /// The encoded public key (ECDSA-P256: uncompressed SEC1).
    pub fn public_bytes(&self) -> A::PublicBytes {
        self.public
    }
}

impl<P: Sign<A>, A: Algorithm> fmt::Debug for SigningKey<P, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl<P: Sign<A>, A: Algorithm> signature::Signer<A::Signature> for SigningKey<P, A> {
    fn try_sign(&self, msg: &[u8]) -> Result<A::Signature, signature::Error> {
        let mut backend = self
            .backend
            .try_borrow_mut()
            .map_err(|_| signature::Error::new())?;
        backend
            .sign(&self.key, msg)
            .map_err(|_| signature::Error::new())
    }
}
