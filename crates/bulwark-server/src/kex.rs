//! X25519 and P-256 ECDH on AWS-LC.
//!
//! Secrets are imported into AWS-LC from raw bytes (`agreement::PrivateKey::from_private_key`),
//! which also serves static-static agreement (`agreement::agree` borrows the key). Key
//! generation draws its bytes from the caller's [`Rng`] exactly as `Soft` does (32 bytes; for
//! P-256, redrawn until in `1..n`, at most [`P256_KEYGEN_ATTEMPTS`] times), so a generator
//! failure or a stuck generator is reported the same way and the same seed gives the same key.
//! Every secret and public key passes through `Soft`'s import first, so the acceptance rules
//! are `Soft`'s, byte for byte.

use aws_lc_rs::agreement::{self, ECDH_P256, ParsedPublicKey, PrivateKey, UnparsedPublicKey};
use bulwark_api::{
    Error, Rng, SecretBytes,
    kex::{KeyAgreement, P256, SharedSecret, X25519},
};
use bulwark_soft::{P256_KEYGEN_ATTEMPTS, Soft};

use crate::Server;

/// An X25519 public key: any 32 bytes (RFC 7748; the top bit is masked and values `>= p`
/// reduced when it is used).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct X25519PublicKey([u8; 32]);

impl X25519PublicKey {
    /// The 32-byte encoding, exactly as imported or computed.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }
}

/// An AWS-LC private key. The scalar lives in AWS-LC's heap: its allocator wipes it when the
/// key is freed (`OPENSSL_free` cleanses every allocation); we cannot reach it otherwise.
struct AwsKey(PrivateKey);

macro_rules! secret_type {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        pub struct $name(AwsKey);

        bulwark_api::redacted_debug!($name);
    };
}

secret_type!(
    ServerX25519Ephemeral,
    "A one-time X25519 secret in AWS-LC: consumed by `agree`, not `Clone`, never printed."
);
secret_type!(
    ServerX25519Static,
    "A long-term X25519 secret in AWS-LC: not `Clone`, never printed."
);
secret_type!(
    ServerP256Ephemeral,
    "A one-time P-256 scalar in AWS-LC: consumed by `agree`, not `Clone`, never printed."
);
secret_type!(
    ServerP256Static,
    "A long-term P-256 scalar in AWS-LC: not `Clone`, never printed."
);

/// Copies AWS-LC's shared secret (in a `Zeroizing` buffer that AWS-LC-rs wipes) into ours.
fn shared(bytes: &[u8]) -> Result<SharedSecret, Error> {
    let out = SecretBytes::<32>::try_from_slice(bytes)?;
    Ok(SharedSecret::from_agreement(out))
}

// ---------------------------------------------------------------------------------------------
// X25519

fn x25519_import(secret: SecretBytes<32>) -> Result<AwsKey, Error> {
    // Every 32-byte string is an X25519 secret (clamped when used), as in `Soft`: no check to
    // borrow. AWS-LC copies the bytes; `secret` is wiped when it drops here.
    PrivateKey::from_private_key(&agreement::X25519, secret.expose_secret())
        .map(AwsKey)
        .map_err(|_| Error::InvalidInput)
}

fn x25519_public(key: &AwsKey) -> Result<X25519PublicKey, Error> {
    let public = key.0.compute_public_key().map_err(|_| Error::Hardware)?;
    let bytes: [u8; 32] = public.as_ref().try_into().map_err(|_| Error::Hardware)?;
    Ok(X25519PublicKey(bytes))
}

/// `secret * peer`. AWS-LC refuses an all-zero (non-contributory) result, which is the only
/// way X25519 derivation can fail on a 32-byte peer key: that is [`Error::Verification`].
fn x25519_dh(key: &AwsKey, peer: &X25519PublicKey) -> Result<SharedSecret, Error> {
    agreement::agree(
        &key.0,
        UnparsedPublicKey::new(&agreement::X25519, &peer.0),
        Error::Verification,
        shared,
    )
}

fn x25519_generate<R: Rng + ?Sized>(rng: &mut R) -> Result<AwsKey, Error> {
    x25519_import(SecretBytes::random(rng)?)
}

/// `Soft`'s rule (exactly 32 bytes), kept as bytes.
fn x25519_import_public(bytes: &[u8]) -> Result<X25519PublicKey, Error> {
    let key = KeyAgreement::<X25519>::import_public(&mut Soft, bytes)?;
    Ok(X25519PublicKey(key.to_bytes()))
}

bulwark_api::impl_key_agreement! {
    X25519 for Server: X25519PublicKey, ServerX25519Ephemeral, ServerX25519Static;
    generate(rng) => x25519_generate(rng);
    import(secret) => x25519_import(secret);
    public(secret) => x25519_public(secret);
    agree(secret, peer) => x25519_dh(secret, peer);
    import_public(bytes) => x25519_import_public(bytes);
    export_public(key) => key.0;
}

// ---------------------------------------------------------------------------------------------
// P-256

/// A validated P-256 public key (on the curve, not the identity: checked by `Soft`), held both
/// as `Soft`'s key and as a point AWS-LC has parsed once, so agreement does not re-validate it.
#[derive(Clone)]
pub struct P256PublicKey {
    soft: bulwark_soft::P256PublicKey,
    parsed: ParsedPublicKey,
}

p256_encodings!(P256PublicKey, bulwark_soft::P256PublicKey);

impl P256PublicKey {
    fn from_soft(soft: bulwark_soft::P256PublicKey) -> Result<Self, Error> {
        let sec1 = soft.to_sec1_uncompressed();
        let parsed = ParsedPublicKey::try_from(UnparsedPublicKey::new(&ECDH_P256, &sec1[..]))
            .map_err(|_| Error::InvalidInput)?;
        Ok(Self { soft, parsed })
    }
}

by_soft_key!(P256PublicKey);

/// Imports a scalar: `Soft` checks it is in `1..n` (the same rule and error), then AWS-LC
/// takes a copy. Both copies of the bytes we made are wiped on drop.
fn p256_import(secret: SecretBytes<32>) -> Result<AwsKey, Error> {
    let check = SecretBytes::<32>::try_from_slice(secret.expose_secret())?;
    drop(KeyAgreement::<P256>::import_static(&mut Soft, check)?);
    PrivateKey::from_private_key(&ECDH_P256, secret.expose_secret())
        .map(AwsKey)
        .map_err(|_| Error::InvalidInput)
}

/// `Soft`'s key generation: 32 bytes from `rng`, redrawn until in `1..n`.
fn p256_generate<R: Rng + ?Sized>(rng: &mut R) -> Result<AwsKey, Error> {
    for _ in 0..P256_KEYGEN_ATTEMPTS {
        if let Ok(key) = p256_import(SecretBytes::random(rng)?) {
            return Ok(key);
        }
    }
    Err(Error::Hardware)
}

fn p256_public(key: &AwsKey) -> Result<P256PublicKey, Error> {
    let public = key.0.compute_public_key().map_err(|_| Error::Hardware)?;
    let soft = KeyAgreement::<P256>::import_public(&mut Soft, public.as_ref())?;
    P256PublicKey::from_soft(soft)
}

/// `secret * peer`, x-coordinate. The peer was validated on import, so AWS-LC has no reason to
/// fail; if it does anyway (an internal fault) that is [`Error::Hardware`].
fn p256_dh(key: &AwsKey, peer: &P256PublicKey) -> Result<SharedSecret, Error> {
    agreement::agree(&key.0, peer.parsed.clone(), Error::Hardware, shared)
}

bulwark_api::impl_key_agreement! {
    P256 for Server: P256PublicKey, ServerP256Ephemeral, ServerP256Static;
    generate(rng) => p256_generate(rng);
    import(secret) => p256_import(secret);
    public(secret) => p256_public(secret);
    agree(secret, peer) => p256_dh(secret, peer);
    import_public(bytes) => P256PublicKey::from_soft(KeyAgreement::<P256>::import_public(&mut Soft, bytes)?);
    export_public(key) => key.to_sec1_uncompressed();
}
