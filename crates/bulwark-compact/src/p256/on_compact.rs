//! The P-256 traits on the backend type [`crate::Compact`] too (which also implements X25519
//! and Ed25519), each call forwarded to [`CompactP256`].

use super::{
    CompactP256, EcdsaP256SigningKey, P256EphemeralSecret, P256PublicKey, P256StaticSecret,
};
use crate::Compact;
use bulwark_api::{
    Error, Rng, SecretBytes,
    kex::{KeyAgreement, P256, SharedSecret},
    sig::{EcdsaP256, EcdsaP256Signature, Sign, Verify, VerifyPrehash},
};

impl KeyAgreement<P256> for Compact {
    type PublicKey = P256PublicKey;
    type EphemeralSecret = P256EphemeralSecret;
    type StaticSecret = P256StaticSecret;

    fn generate_ephemeral<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::EphemeralSecret, Error> {
        KeyAgreement::<P256>::generate_ephemeral(&mut CompactP256, rng)
    }

    fn ephemeral_public(
        &mut self,
        secret: &Self::EphemeralSecret,
    ) -> Result<Self::PublicKey, Error> {
        KeyAgreement::<P256>::ephemeral_public(&mut CompactP256, secret)
    }

    fn agree(
        &mut self,
        secret: Self::EphemeralSecret,
        peer: &Self::PublicKey,
    ) -> Result<SharedSecret, Error> {
        KeyAgreement::<P256>::agree(&mut CompactP256, secret, peer)
    }

    fn generate_static<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::StaticSecret, Error> {
        KeyAgreement::<P256>::generate_static(&mut CompactP256, rng)
    }

    fn import_static(&mut self, secret: SecretBytes<32>) -> Result<Self::StaticSecret, Error> {
        KeyAgreement::<P256>::import_static(&mut CompactP256, secret)
    }

    fn static_public(&mut self, secret: &Self::StaticSecret) -> Result<Self::PublicKey, Error> {
        KeyAgreement::<P256>::static_public(&mut CompactP256, secret)
    }

    fn agree_static(
        &mut self,
        secret: &Self::StaticSecret,
        peer: &Self::PublicKey,
    ) -> Result<SharedSecret, Error> {
        KeyAgreement::<P256>::agree_static(&mut CompactP256, secret, peer)
    }

    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error> {
        KeyAgreement::<P256>::import_public(&mut CompactP256, bytes)
    }

    fn export_public(&mut self, key: &Self::PublicKey) -> [u8; 65] {
        KeyAgreement::<P256>::export_public(&mut CompactP256, key)
    }
}

impl Verify<EcdsaP256> for Compact {
    type PublicKey = P256PublicKey;

    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error> {
        Verify::<EcdsaP256>::import_public(&mut CompactP256, bytes)
    }

    fn export_public(&mut self, key: &Self::PublicKey) -> [u8; 65] {
        Verify::<EcdsaP256>::export_public(&mut CompactP256, key)
    }

    fn verify(
        &mut self,
        key: &Self::PublicKey,
        message: &[u8],
        signature: &EcdsaP256Signature,
    ) -> Result<(), Error> {
        Verify::<EcdsaP256>::verify(&mut CompactP256, key, message, signature)
    }
}

impl VerifyPrehash<EcdsaP256> for Compact {
    fn verify_prehash(
        &mut self,
        key: &Self::PublicKey,
        digest: &[u8],
        signature: &EcdsaP256Signature,
    ) -> Result<(), Error> {
        VerifyPrehash::<EcdsaP256>::verify_prehash(&mut CompactP256, key, digest, signature)
    }
}

impl Sign<EcdsaP256> for Compact {
    type SigningKey = EcdsaP256SigningKey;

    fn generate_signing_key<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::SigningKey, Error> {
        Sign::<EcdsaP256>::generate_signing_key(&mut CompactP256, rng)
    }

    fn import_signing_key(&mut self, secret: SecretBytes<32>) -> Result<Self::SigningKey, Error> {
        Sign::<EcdsaP256>::import_signing_key(&mut CompactP256, secret)
    }

    fn signing_public(&mut self, key: &Self::SigningKey) -> Result<Self::PublicKey, Error> {
        Sign::<EcdsaP256>::signing_public(&mut CompactP256, key)
    }

    fn sign(
        &mut self,
        key: &Self::SigningKey,
        message: &[u8],
    ) -> Result<EcdsaP256Signature, Error> {
        Sign::<EcdsaP256>::sign(&mut CompactP256, key, message)
    }
}
