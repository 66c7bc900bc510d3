//! Why an image was refused.

use bulwark_api::Error;
use core::fmt;

/// Why an image was refused. Every variant is a distinct, public fact about the image (its
/// layout, its key, its counter); none reveals a secret. A bad signature is one opaque variant,
/// [`ImageError::Signature`], whatever the backend found wrong with it.
///
/// Converts into the API's [`bulwark_api::Error`] with `From` where a caller speaks only that
/// (see the `From` impl for the mapping).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageError {
    /// The chunk buffer given to the streaming verifier is empty.
    BufferTooSmall,
    /// The slot does not fit in the flash (offset + size beyond the capacity or overflowing
    /// `u32`), or an in-memory image is longer than `u32::MAX`.
    SlotOutOfRange,
    /// The slot's trailer is undefined (no `trailer_size` and an `align` other than 1, 2, 4,
    /// 8, 16 or 32) or larger than the slot: a configuration error.
    SlotTrailer,
    /// The flash returned an error while reading.
    Flash,
    /// The header's magic is not `0x96F3B83D`, or the slot is shorter than a header.
    BadMagic,
    /// The header size field is below 32 bytes.
    HeaderTooSmall,
    /// The header's flags ask for something this verifier does not check (encryption,
    /// compression) or carry an undefined bit.
    UnsupportedFlags,
    /// The header's reserved field (`pad`, bytes 28..32) is not zero.
    ReservedNotZero,
    /// Header + body (+ protected area) overflows or extends beyond the slot (less its
    /// trailer).
    ImageOutOfBounds,
    /// The protected-area size in the header disagrees with the protected area found after the
    /// body (size 1..=3, a different total, or a protected area the header does not declare).
    ProtectedSizeMismatch,
    /// A TLV area does not start with its magic (`0x6908` protected, `0x6907` unprotected).
    BadTlvInfoMagic,
    /// The unprotected TLV area extends beyond the slot (less its trailer).
    TlvAreaOutOfBounds,
    /// A TLV entry crosses the end of its area, or the entries do not fill the area exactly.
    TlvTruncated,
    /// A known TLV has the wrong length (hash not 32/64 bytes, key hash not the image hash's
    /// length, public key not the algorithm's SubjectPublicKeyInfo length, Ed25519 signature not
    /// 64 bytes, ECDSA signature outside 8..=72 bytes, counter not 4 bytes, dependency not 12
    /// bytes, SIG_PURE not 1 byte).
    BadTlvLength,
    /// A fixed-value TLV holds a wrong value (SIG_PURE other than `0x01`).
    BadTlvValue,
    /// A TLV occurs twice, or two TLVs fill the same role (two hashes, KEYHASH and PUBKEY, two
    /// signatures).
    DuplicateTlv,
    /// The protected area holds a TLV other than the security counter and dependencies.
    UnknownProtectedTlv,
    /// A TLV that only counts when protected (security counter, dependency, boot record,
    /// decompression, UUID) appears in the unprotected area.
    MisplacedTlv,
    /// The unprotected area holds a TLV this verifier does not support (RSA, SHA-384, key
    /// encapsulation for encrypted images, SIG_PURE with ECDSA) or an undefined type outside
    /// the vendor range `0x00A0..=0xFFFE` (vendor TLVs are skipped).
    UnsupportedTlv,
    /// No hash TLV.
    MissingHash,
    /// No KEYHASH or PUBKEY TLV.
    MissingKey,
    /// No signature TLV.
    MissingSignature,
    /// More dependency TLVs than [`crate::MAX_DEPENDENCIES`].
    TooManyDependencies,
    /// A SHA-512 image, and the verifier was not built with SHA-512 support
    /// ([`crate::Verifier::with_sha512`]) or the image is not signed with Ed25519 (ECDSA P-256
    /// images are hashed with SHA-256, as MCUboot and imgtool have them).
    UnsupportedHash,
    /// The image is signed with an algorithm this verifier does not accept.
    AlgorithmNotAccepted,
    /// The image has a pure Ed25519 signature (over the whole image), which needs the whole
    /// image in memory: use [`crate::Verifier::verify_slice`].
    PureNeedsSlice,
    /// The image's key (hash or full key) is not one of the trusted keys.
    UnknownKey,
    /// The image's key is trusted but revoked.
    KeyRevoked,
    /// A trusted key could not be imported by the backend (a configuration error).
    InvalidTrustedKey,
    /// More trusted keys than [`crate::MAX_TRUSTED_KEYS`] (a configuration error).
    TooManyTrustedKeys,
    /// The image has no security counter and the verifier requires one.
    MissingSecurityCounter,
    /// The image's security counter is below the device's monotonic counter.
    Rollback,
    /// The image's version (major.minor.revision) is below the configured minimum.
    Downgrade,
    /// The monotonic counter could not be read or written, or did not take the new value.
    Counter,
    /// The image's hash does not match its hash TLV.
    HashMismatch,
    /// The signature does not verify. Deliberately says nothing more.
    Signature,
    /// A redundant check disagreed with the first one: a fault was injected or the hardware
    /// is failing. Nothing was accepted.
    FaultDetected,
    /// The crypto backend failed (busy, hardware fault, unsupported).
    Backend(Error),
}

impl ImageError {
    /// A short, fixed description.
    pub const fn as_str(&self) -> &'static str {
        match self {
            ImageError::BufferTooSmall => "chunk buffer is empty",
            ImageError::SlotOutOfRange => "slot outside the flash",
            ImageError::SlotTrailer => "slot trailer undefined or larger than the slot",
            ImageError::Flash => "flash read failed",
            ImageError::BadMagic => "bad image magic",
            ImageError::HeaderTooSmall => "header size below 32",
            ImageError::UnsupportedFlags => "unsupported image flags",
            ImageError::ReservedNotZero => "reserved header field not zero",
            ImageError::ImageOutOfBounds => "image extends beyond the slot",
            ImageError::ProtectedSizeMismatch => "protected TLV area size mismatch",
            ImageError::BadTlvInfoMagic => "bad TLV area magic",
            ImageError::TlvAreaOutOfBounds => "TLV area extends beyond the slot",
            ImageError::TlvTruncated => "truncated TLV",
            ImageError::BadTlvLength => "TLV has the wrong length",
            ImageError::BadTlvValue => "TLV has a wrong value",
            ImageError::DuplicateTlv => "duplicate TLV",
            ImageError::UnknownProtectedTlv => "unknown protected TLV",
            ImageError::MisplacedTlv => "protected-only TLV in the unprotected area",
            ImageError::UnsupportedTlv => "unsupported TLV",
            ImageError::MissingHash => "no hash TLV",
            ImageError::MissingKey => "no key TLV",
            ImageError::MissingSignature => "no signature TLV",
            ImageError::TooManyDependencies => "too many dependencies",
            ImageError::UnsupportedHash => "unsupported hash algorithm",
            ImageError::AlgorithmNotAccepted => "signature scheme not accepted",
            ImageError::PureNeedsSlice => "pure signature needs the image in memory",
            ImageError::UnknownKey => "untrusted key",
            ImageError::KeyRevoked => "revoked key",
            ImageError::InvalidTrustedKey => "invalid trusted key",
            ImageError::TooManyTrustedKeys => "too many trusted keys",
            ImageError::MissingSecurityCounter => "no security counter",
            ImageError::Rollback => "security counter below the device counter",
            ImageError::Downgrade => "version below the minimum",
            ImageError::Counter => "monotonic counter failure",
            ImageError::HashMismatch => "image hash mismatch",
            ImageError::Signature => "bad signature",
            ImageError::FaultDetected => "fault detected",
            ImageError::Backend(_) => "crypto backend failure",
        }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::Backend(e) => write!(f, "crypto backend failure: {e}"),
            other => f.write_str(other.as_str()),
        }
    }
}

impl core::error::Error for ImageError {}

/// The boundary mapping: authentication and policy refusals (hash, signature, untrusted or
/// revoked key, rollback, downgrade, fault) become [`Error::Verification`]; unsupported
/// features [`Error::Unsupported`]; flash and counter failures [`Error::Hardware`]; a backend
/// error stays itself; every structural refusal is [`Error::InvalidInput`].
impl From<ImageError> for Error {
    fn from(e: ImageError) -> Self {
        match e {
            ImageError::HashMismatch
            | ImageError::Signature
            | ImageError::UnknownKey
            | ImageError::KeyRevoked
            | ImageError::Rollback
            | ImageError::Downgrade
            | ImageError::MissingSecurityCounter
            | ImageError::FaultDetected => Error::Verification,
            ImageError::UnsupportedFlags
            | ImageError::UnsupportedTlv
            | ImageError::UnsupportedHash
            | ImageError::AlgorithmNotAccepted
            | ImageError::PureNeedsSlice => Error::Unsupported,
            ImageError::Flash | ImageError::Counter => Error::Hardware,
            ImageError::Backend(e) => e,
            _ => Error::InvalidInput,
        }
    }
}
