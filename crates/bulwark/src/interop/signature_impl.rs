//! `signature` 3 for bulwark's verifying and signing keys.

use crate::sig::{Algorithm, Sign, Verify};
use crate::{Error, Rng, SecretBytes};
use core::cell::RefCell;
use core::fmt;

/// What both key types hold: the backend (borrowed for each call), the backend's key and the
/// encoded public key.
struct Held<P, K, B> {
    backend: RefCell<P>,
    key: K,
    public: B,
}

impl<P, K, B: Copy + fmt::Debug> Held<P, K, B> {
    fn new(backend: P, key: K, public: B) -> Self {
        Self {
            backend: RefCell::new(backend),
            key,
            public,
        }
    }

    /// Runs `op` on the backend and the key. A backend already borrowed (a re-entrant call)
    /// and any backend error are both an opaque [`signature::Error`].
    fn with<T>(
        &self,
        op: impl FnOnce(&mut P, &K) -> Result<T, Error>,
    ) -> Result<T, signature::Error> {
        let mut backend = self
            .backend
            .try_borrow_mut()
            .map_err(|_| signature::Error::new())?;
        op(&mut backend, &self.key).map_err(|_| signature::Error::new())
    }

    /// `Debug` for the key type `name`: the public key only.
    fn debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

/// A validated public key of algorithm `A` ([`Ed25519`](crate::sig::Ed25519),
/// [`EcdsaP256`](crate::sig::EcdsaP256)) with its backend, as a
/// [`signature::Verifier`] over bulwark's typed signatures (`Ed25519Signature`,
/// `EcdsaP256Signature`).
pub struct VerifyingKey<P: Verify<A>, A: Algorithm> {
    held: Held<P, P::PublicKey, A::PublicBytes>,
}

impl<P: Verify<A>, A: Algorithm> VerifyingKey<P, A> {
    /// Parses and validates `public` (Ed25519: 32 bytes; ECDSA-P256: SEC1 uncompressed or
    /// compressed). Returns [`Error::InvalidInput`] for an invalid key.
    pub fn new(mut backend: P, public: &[u8]) -> Result<Self, Error> {
        let key = backend.import_public(public)?;
        let public = backend.export_public(&key);
        Ok(Self {
            held: Held::new(backend, key, public),
        })
    }

    /// The encoded public key (ECDSA-P256: uncompressed SEC1).
    pub fn public_bytes(&self) -> A::PublicBytes {
        self.held.public
    }
}

impl<P: Verify<A>, A: Algorithm> fmt::Debug for VerifyingKey<P, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.held.debug("VerifyingKey", f)
    }
}

impl<P: Verify<A>, A: Algorithm> signature::Verifier<A::Signature> for VerifyingKey<P, A> {
    fn verify(&self, msg: &[u8], signature: &A::Signature) -> Result<(), signature::Error> {
        self.held
            .with(|backend, key| backend.verify(key, msg, signature))
    }
}

/// A signing key of algorithm `A` with its backend, as a [`signature::Signer`]. Ed25519 and
/// the backends' ECDSA (RFC 6979 nonces) are deterministic. The secret is the backend's
/// `SigningKey` (zeroized on drop); `Debug` shows only the public key.
pub struct SigningKey<P: Sign<A>, A: Algorithm> {
    held: Held<P, P::SigningKey, A::PublicBytes>,
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
            held: Held::new(backend, key, public),
        })
    }

    /// The encoded public key (ECDSA-P256: uncompressed SEC1).
    pub fn public_bytes(&self) -> A::PublicBytes {
        self.held.public
    }
}

impl<P: Sign<A>, A: Algorithm> fmt::Debug for SigningKey<P, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.held.debug("SigningKey", f)
    }
}

impl<P: Sign<A>, A: Algorithm> signature::Signer<A::Signature> for SigningKey<P, A> {
    fn try_sign(&self, msg: &[u8]) -> Result<A::Signature, signature::Error> {
        self.held.with(|backend, key| backend.sign(key, msg))
    }
}
