//! Signature schemes an image may be signed with, and which ones a verifier accepts.

use crate::ImageError;
use bulwark_api::{
    Error,
    sig::{EcdsaP256, Ed25519, Verify, VerifyPrehash},
};

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): followed by the 32-byte key,
/// 44 bytes in all. imgtool's `get_public_bytes()` returns exactly this DER.
pub const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// DER prefix of a P-256 SubjectPublicKeyInfo (RFC 5480, id-ecPublicKey + prime256v1):
/// followed by the 65-byte uncompressed SEC1 point, 91 bytes in all.
pub const ECDSA_P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The signature in an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureKind {
    /// Ed25519 (TLV `0x24`): over the image digest, or over the whole hashed region when the
    /// image also has a SIG_PURE TLV.
    Ed25519,
    /// ECDSA P-256 (TLV `0x22`, DER): ECDSA over the hashed region with the image's hash,
    /// verified from the digest.
    EcdsaP256,
}

impl SignatureKind {
    /// The DER prefix of this scheme's SubjectPublicKeyInfo.
    pub const fn spki_prefix(self) -> &'static [u8] {
        match self {
            SignatureKind::Ed25519 => &ED25519_SPKI_PREFIX,
            SignatureKind::EcdsaP256 => &ECDSA_P256_SPKI_PREFIX,
        }
    }

    /// The length of this scheme's SubjectPublicKeyInfo DER (the PUBKEY TLV): 44 or 91.
    pub const fn spki_len(self) -> usize {
        match self {
            SignatureKind::Ed25519 => ED25519_SPKI_PREFIX.len() + 32,
            SignatureKind::EcdsaP256 => ECDSA_P256_SPKI_PREFIX.len() + 65,
        }
    }
}

/// A scheme accepting any image kind: Ed25519 and ECDSA P-256 (needs both traits).
#[derive(Clone, Copy, Debug)]
pub enum AnyScheme {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for bulwark_api::sig::Ed25519 {}
    impl Sealed for bulwark_api::sig::EcdsaP256 {}
    impl Sealed for super::AnyScheme {}
}

/// Which signature schemes a verifier accepts, given a backend `P`:
/// [`Ed25519`] (needs `P: Verify<Ed25519>`), [`EcdsaP256`] (needs
/// `P: VerifyPrehash<EcdsaP256>`) or [`AnyScheme`] (both). Sealed; the methods are the
/// verifier's plumbing.
pub trait SchemeSet<P: ?Sized>: sealed::Sealed {
    /// Whether images of `kind` are accepted.
    #[doc(hidden)]
    fn accepts(kind: SignatureKind) -> bool;

    /// Imports `key` (raw: 32 bytes Ed25519, 65 bytes SEC1 P-256) and checks `signature`.
    /// `message` is the digest (Ed25519 hash mode: the message; ECDSA: the prehash) or, for
    /// a pure Ed25519 image, the whole hashed region.
    #[doc(hidden)]
    fn verify(
        p: &mut P,
        kind: SignatureKind,
        key: &[u8],
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
    key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), ImageError> {
    let key =
        <P as Verify<Ed25519>>::import_public(p, key).map_err(|_| ImageError::InvalidTrustedKey)?;
    <P as Verify<Ed25519>>::verify(p, &key, message, signature).map_err(sig_error)
}

fn verify_ecdsa<P: VerifyPrehash<EcdsaP256> + ?Sized>(
    p: &mut P,
    key: &[u8],
    digest: &[u8],
    signature: &[u8],
) -> Result<(), ImageError> {
    let key = <P as Verify<EcdsaP256>>::import_public(p, key)
        .map_err(|_| ImageError::InvalidTrustedKey)?;
    <P as VerifyPrehash<EcdsaP256>>::verify_prehash(p, &key, digest, signature).map_err(sig_error)
}

impl<P: Verify<Ed25519> + ?Sized> SchemeSet<P> for Ed25519 {
    fn accepts(kind: SignatureKind) -> bool {
        kind == SignatureKind::Ed25519
    }

    fn verify(
        p: &mut P,
        kind: SignatureKind,
        key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), ImageError> {
        match kind {
            SignatureKind::Ed25519 => verify_ed25519(p, key, message, signature),
            SignatureKind::EcdsaP256 => Err(ImageError::SchemeNotAccepted),
        }
    }
}

impl<P: VerifyPrehash<EcdsaP256> + ?Sized> SchemeSet<P> for EcdsaP256 {
    fn accepts(kind: SignatureKind) -> bool {
        kind == SignatureKind::EcdsaP256
    }

    fn verify(
        p: &mut P,
        kind: SignatureKind,
        key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), ImageError> {
        match kind {
            SignatureKind::EcdsaP256 => verify_ecdsa(p, key, message, signature),
            SignatureKind::Ed25519 => Err(ImageError::SchemeNotAccepted),
        }
    }
}

impl<P: Verify<Ed25519> + VerifyPrehash<EcdsaP256> + ?Sized> SchemeSet<P> for AnyScheme {
    fn accepts(_kind: SignatureKind) -> bool {
        true
    }

    fn verify(
        p: &mut P,
        kind: SignatureKind,
        key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), ImageError> {
        match kind {
            SignatureKind::Ed25519 => verify_ed25519(p, key, message, signature),
            SignatureKind::EcdsaP256 => verify_ecdsa(p, key, message, signature),
        }
    }
}
