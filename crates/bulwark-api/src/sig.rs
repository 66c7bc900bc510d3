//! Digital signatures: Ed25519 (RFC 8032) and ECDSA over P-256 with SHA-256 (FIPS 186-5).
//!
//! Verification is what devices do ([`Verify`], [`VerifyPrehash`]); signing is for the gateway
//! or the factory ([`Sign`]). Public keys are validated when imported, so a verifier never
//! holds a key it has not checked.
//!
//! Signatures are typed: [`Ed25519Signature`] is 64 bytes; [`EcdsaP256Signature`] is built
//! explicitly from its fixed `r || s` form ([`EcdsaP256Signature::from_fixed`], IEEE P1363) or
//! from strict DER ([`EcdsaP256Signature::from_der`]). Nothing guesses a format from a length.

use crate::{Error, Rng, SecretBytes};

/// A signature algorithm, as a marker type ([`Ed25519`], [`EcdsaP256`]).
pub trait Algorithm {
    /// The encoded public key: 32 bytes for Ed25519, uncompressed SEC1 (65 bytes) for P-256.
    type PublicBytes: AsRef<[u8]> + Copy + core::fmt::Debug + PartialEq + Eq;
    /// The algorithm's signature type.
    type Signature: Clone + Copy + core::fmt::Debug + PartialEq + Eq;
    /// The algorithm's name, for messages.
    const NAME: &'static str;
    /// The algorithm as a run-time value.
    const ID: AlgorithmId;
}

/// A signature algorithm chosen at run time (a key file's type, an image's signature TLV).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlgorithmId {
    /// [`Ed25519`].
    Ed25519,
    /// [`EcdsaP256`].
    EcdsaP256,
}

impl AlgorithmId {
    /// Both algorithms.
    pub const ALL: [AlgorithmId; 2] = [AlgorithmId::Ed25519, AlgorithmId::EcdsaP256];

    /// The algorithm's name, for messages (as [`Algorithm::NAME`]).
    pub const fn name(self) -> &'static str {
        match self {
            AlgorithmId::Ed25519 => Ed25519::NAME,
            AlgorithmId::EcdsaP256 => EcdsaP256::NAME,
        }
    }

    /// The length of the raw public key: 32 (Ed25519) or 65 (uncompressed SEC1 P-256).
    pub const fn public_len(self) -> usize {
        match self {
            AlgorithmId::Ed25519 => 32,
            AlgorithmId::EcdsaP256 => 65,
        }
    }
}

impl core::fmt::Display for AlgorithmId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// Ed25519 (RFC 8032, "pure": the message itself is signed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ed25519;

/// ECDSA on P-256 with SHA-256; signatures are [`EcdsaP256Signature`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EcdsaP256;

impl Algorithm for Ed25519 {
    type PublicBytes = [u8; 32];
    type Signature = Ed25519Signature;
    const NAME: &'static str = "Ed25519";
    const ID: AlgorithmId = AlgorithmId::Ed25519;
}

impl Algorithm for EcdsaP256 {
    type PublicBytes = [u8; 65];
    type Signature = EcdsaP256Signature;
    const NAME: &'static str = "ECDSA-P256";
    const ID: AlgorithmId = AlgorithmId::EcdsaP256;
}

/// An Ed25519 signature: `R || S`, 64 bytes. Any 64 bytes make one; whether `R` decodes and
/// `S` is canonical is decided by verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ed25519Signature([u8; 64]);

impl Ed25519Signature {
    /// The signature's length in bytes.
    pub const LEN: usize = 64;

    /// A signature from its 64 bytes.
    pub const fn from_bytes(bytes: &[u8; 64]) -> Self {
        Self(*bytes)
    }

    /// A signature from a slice, which must be exactly 64 bytes ([`Error::InvalidInput`]
    /// otherwise).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        bytes
            .try_into()
            .map(Self::from_bytes)
            .map_err(|_| Error::InvalidInput)
    }

    /// The 64 bytes.
    pub const fn to_bytes(&self) -> [u8; 64] {
        self.0
    }
}

impl AsRef<[u8]> for Ed25519Signature {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// An ECDSA P-256 signature `(r, s)`, held as fixed-size big-endian integers.
///
/// Built from the fixed form ([`Self::from_fixed`]: `r || s`, 32 bytes each, IEEE P1363) or
/// from DER ([`Self::from_der`]: `SEQUENCE { INTEGER r, INTEGER s }`, as X.509, MCUboot and
/// imgtool carry it). The range of `r` and `s` (`1..n`) is checked by verification: any
/// 32-byte values are representable, and a signature outside the range does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EcdsaP256Signature([u8; 64]);

/// The longest DER `ECDSA-Sig-Value` for P-256: `30 len 02 33 (00 || r) 02 33 (00 || s)`.
pub const ECDSA_P256_DER_MAX_LEN: usize = 72;

/// The DER encoding of an [`EcdsaP256Signature`], without a heap: 8 to
/// [`ECDSA_P256_DER_MAX_LEN`] bytes (70 to 72 for almost every real signature).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EcdsaP256Der {
    bytes: [u8; ECDSA_P256_DER_MAX_LEN],
    len: u8,
}

impl AsRef<[u8]> for EcdsaP256Der {
    fn as_ref(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

impl EcdsaP256Signature {
    /// The fixed form's length in bytes.
    pub const FIXED_LEN: usize = 64;

    /// A signature from its fixed form `r || s` (IEEE P1363, big-endian, 32 bytes each).
    pub const fn from_fixed(fixed: &[u8; 64]) -> Self {
        Self(*fixed)
    }

    /// A signature from a fixed form given as a slice: exactly 64 bytes, else
    /// [`Error::InvalidInput`].
    pub fn from_fixed_slice(fixed: &[u8]) -> Result<Self, Error> {
        fixed
            .try_into()
            .map(Self::from_fixed)
            .map_err(|_| Error::InvalidInput)
    }

    /// A signature from a DER `ECDSA-Sig-Value`, strictly (X.690 DER, as Wycheproof tests it):
    /// a `SEQUENCE` of two `INTEGER`s, definite minimal lengths, each integer minimally
    /// encoded, non-negative and at most 32 bytes once its sign byte is removed, nothing after
    /// the sequence. Anything else is [`Error::InvalidInput`]: BER forms (long or indefinite
    /// lengths, padded integers, trailing data) are refused even where a lenient parser could
    /// recover `(r, s)`, so one signature has exactly one accepted encoding.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let body = der_take(der, 0x30).and_then(|(body, rest)| rest.is_empty().then_some(body));
        let body = body.ok_or(Error::InvalidInput)?;
        let (r, rest) = der_take(body, 0x02).ok_or(Error::InvalidInput)?;
        let (s, rest) = der_take(rest, 0x02).ok_or(Error::InvalidInput)?;
        if !rest.is_empty() {
            return Err(Error::InvalidInput);
        }
        let mut fixed = [0u8; 64];
        let (out_r, out_s) = fixed.split_at_mut(32);
        der_uint(r, out_r)?;
        der_uint(s, out_s)?;
        Ok(Self(fixed))
    }

    /// The fixed form `r || s`.
    pub const fn to_fixed(&self) -> [u8; 64] {
        self.0
    }

    /// The DER encoding (minimal integers), as MCUboot's `ECDSASIG` TLV and X.509 carry it.
    pub fn to_der(&self) -> EcdsaP256Der {
        let (r, s) = self.0.split_at(32);
        let mut body = [0u8; ECDSA_P256_DER_MAX_LEN - 2];
        let mut len = der_put_uint(r, &mut body, 0);
        len = der_put_uint(s, &mut body, len);
        let mut out = EcdsaP256Der {
            bytes: [0; ECDSA_P256_DER_MAX_LEN],
            len: 0,
        };
        out.bytes[0] = 0x30;
        // At most 2 * 35 = 70 bytes of content: always the short length form.
        out.bytes[1] = len as u8;
        for (o, b) in out.bytes.iter_mut().skip(2).zip(body.iter().take(len)) {
            *o = *b;
        }
        out.len = (len + 2) as u8;
        out
    }
}

// The strict DER codec of `ECDSA-Sig-Value`, written here rather than with the `der` crate:
// it is all a verifier on a microcontroller needs, and the crate's generic reader and writer
// cost several KiB of flash that a Cortex-M0 signature check does not have (the key encodings
// in [`crate::encoding`] use the crates).

/// Writes `02 len value` for the unsigned big-endian integer `value` (32 bytes) at `at`,
/// minimally: leading zero bytes dropped (one kept for zero), one `00` prepended when the
/// top bit is set. Returns the new end offset.
fn der_put_uint(value: &[u8], body: &mut [u8; ECDSA_P256_DER_MAX_LEN - 2], at: usize) -> usize {
    let first = value
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(value.len().saturating_sub(1));
    let digits = value.get(first..).unwrap_or(&[]);
    let pad = usize::from(digits.first().is_some_and(|&b| b & 0x80 != 0));
    let content = digits.len() + pad;
    let mut i = at;
    for byte in [0x02, content as u8]
        .into_iter()
        .chain(core::iter::repeat_n(0u8, pad))
        .chain(digits.iter().copied())
    {
        if let Some(slot) = body.get_mut(i) {
            *slot = byte;
        }
        i += 1;
    }
    i
}

/// Splits `tag len content` off `input`; only the short length form (`len < 0x80`), which is
/// the only DER form for content this short.
fn der_take(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    let (&len, rest) = rest.split_first()?;
    if t != tag || len >= 0x80 {
        return None;
    }
    rest.split_at_checked(usize::from(len))
}

/// A minimal non-negative DER INTEGER of at most 32 value bytes, right-aligned into `out`.
fn der_uint(content: &[u8], out: &mut [u8]) -> Result<(), Error> {
    let digits = match content {
        // Empty, or negative (top bit set without a `00` sign byte).
        [] => return Err(Error::InvalidInput),
        [first, ..] if first & 0x80 != 0 => return Err(Error::InvalidInput),
        // A leading `00` is only allowed (and then required) before a byte with the top bit.
        [0, second, ..] if second & 0x80 == 0 => return Err(Error::InvalidInput),
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => content,
    };
    let start = out
        .len()
        .checked_sub(digits.len())
        .ok_or(Error::InvalidInput)?;
    out.get_mut(start..)
        .ok_or(Error::InvalidInput)?
        .copy_from_slice(digits);
    Ok(())
}

/// Signature verification for algorithm `A`.
pub trait Verify<A: Algorithm> {
    /// A validated public key.
    type PublicKey: Clone + core::fmt::Debug;

    /// Parses and validates a public key.
    ///
    /// Ed25519: 32 bytes, a canonical encoding of a point that is not of small order.
    /// ECDSA-P256: SEC1 uncompressed (65 bytes) or compressed (33), on the curve, not the
    /// identity. Anything else is [`Error::InvalidInput`].
    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error>;

    /// Encodes a public key (P-256: uncompressed SEC1).
    fn export_public(&mut self, key: &Self::PublicKey) -> A::PublicBytes;

    /// Checks `signature` over `message`.
    ///
    /// Ed25519 is verified strictly (non-canonical `S` rejected). ECDSA: `r` and `s` must be
    /// in `1..n`. Returns [`Error::Verification`] for any signature that does not verify: a
    /// verifier learns one bit.
    fn verify(
        &mut self,
        key: &Self::PublicKey,
        message: &[u8],
        signature: &A::Signature,
    ) -> Result<(), Error>;
}

/// Verification of a signature over a digest the caller computed (e.g. while streaming an
/// image from flash).
pub trait VerifyPrehash<A: Algorithm>: Verify<A> {
    /// Checks `signature` over the message whose hash is `digest` (ECDSA: the SHA-256 digest;
    /// a longer digest is truncated to the curve size as FIPS 186-5 specifies). Same errors
    /// as [`Verify::verify`]; a digest shorter than 32 bytes is [`Error::InvalidInput`].
    fn verify_prehash(
        &mut self,
        key: &Self::PublicKey,
        digest: &[u8],
        signature: &A::Signature,
    ) -> Result<(), Error>;
}

/// Signing for algorithm `A`, for gateways and factory tools.
pub trait Sign<A: Algorithm>: Verify<A> {
    /// A secret signing key: zeroized on drop, never printed, not `Clone`.
    type SigningKey;

    /// Generates a signing key from `rng`.
    fn generate_signing_key<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::SigningKey, Error>;

    /// Imports a signing key (Ed25519: the 32-byte seed; ECDSA: a big-endian scalar in
    /// `1..n`, else [`Error::InvalidInput`]), consuming the bytes.
    fn import_signing_key(&mut self, secret: SecretBytes<32>) -> Result<Self::SigningKey, Error>;

    /// The public key of a signing key.
    fn signing_public(&mut self, key: &Self::SigningKey) -> Result<Self::PublicKey, Error>;

    /// Signs `message`. ECDSA nonces are deterministic (RFC 6979), so no RNG is needed and
    /// a weak RNG cannot leak the key.
    fn sign(&mut self, key: &Self::SigningKey, message: &[u8]) -> Result<A::Signature, Error>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_round_trip_is_minimal() {
        let mut fixed = [0u8; 64];
        fixed[0] = 0x80;
        fixed[63] = 1;
        let der = EcdsaP256Signature::from_fixed(&fixed).to_der();
        let mut expect = [0u8; 2 + 2 + 33 + 3];
        expect[..5].copy_from_slice(&[0x30, 38, 0x02, 33, 0x00]);
        expect[5] = 0x80;
        expect[37..].copy_from_slice(&[0x02, 0x01, 0x01]);
        assert_eq!(der.as_ref(), &expect[..]);
        assert_eq!(
            EcdsaP256Signature::from_der(der.as_ref()),
            Ok(EcdsaP256Signature::from_fixed(&fixed))
        );
        let zero = EcdsaP256Signature::from_fixed(&[0; 64]).to_der();
        assert_eq!(zero.as_ref(), &[0x30, 6, 0x02, 1, 0, 0x02, 1, 0]);
    }

    #[test]
    fn der_is_strict() {
        let refused: [&[u8]; 7] = [
            &[0x30, 6, 0x02, 1, 1, 0x02, 1, 1, 0],       // trailing byte
            &[0x30, 0x81, 6, 0x02, 1, 1, 0x02, 1, 1],    // long-form length
            &[0x30, 7, 0x02, 2, 0, 1, 0x02, 1, 1],       // padded integer
            &[0x30, 6, 0x02, 1, 0x81, 0x02, 1, 1],       // negative integer
            &[0x30, 5, 0x02, 0, 0x02, 1, 1],             // empty integer
            &[0x30, 0x80, 0x02, 1, 1, 0x02, 1, 1, 0, 0], // indefinite length
            &[0x31, 6, 0x02, 1, 1, 0x02, 1, 1],          // SET, not SEQUENCE
        ];
        for der in refused {
            assert_eq!(
                EcdsaP256Signature::from_der(der),
                Err(Error::InvalidInput),
                "{der:02x?}"
            );
        }
        let mut long = [0u8; 2 + 2 + 34 + 3];
        long[..5].copy_from_slice(&[0x30, 39, 0x02, 34, 0x00]);
        long[5] = 1;
        long[38..].copy_from_slice(&[0x02, 0x01, 0x01]);
        assert_eq!(
            EcdsaP256Signature::from_der(&long),
            Err(Error::InvalidInput)
        );
    }
}
