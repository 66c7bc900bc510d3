//! ECDSA on NIST P-256 with SHA-256 (FIPS 186-5) on the `p256` crate, with our own strict
//! DER codec for signatures.

use crate::ecdh_p256::{sec1_compressed, sec1_uncompressed};
use bulwark_api::{
    Error, Rng, SecretBytes,
    sig::{EcdsaP256, Sign, Verify, VerifyPrehash},
};
use p256::ecdsa::signature::{Signer, hazmat::PrehashVerifier};
use sha2::Digest;

use crate::{Soft, ecdh_p256::generate};

/// The longest DER `ECDSA-Sig-Value` for P-256: `30 len 02 33 (00 || r) 02 33 (00 || s)`.
pub const ECDSA_P256_DER_MAX_LEN: usize = 72;

/// A validated ECDSA P-256 public key: on the curve, not the identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EcdsaP256PublicKey(p256::ecdsa::VerifyingKey);

impl EcdsaP256PublicKey {
    /// Uncompressed SEC1 encoding: `04 || x || y` (65 bytes).
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        sec1_uncompressed(self.0.as_affine())
    }

    /// Compressed SEC1 encoding: `02 || x` for even `y`, `03 || x` for odd `y` (33 bytes).
    pub fn to_sec1_compressed(&self) -> [u8; 33] {
        sec1_compressed(self.0.as_affine())
    }
}

/// An ECDSA P-256 signing key, a scalar in `1..n`: zeroized on drop, not `Clone`, never
/// printed.
pub struct EcdsaP256SigningKey(p256::ecdsa::SigningKey);

impl core::fmt::Debug for EcdsaP256SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EcdsaP256SigningKey")
            .finish_non_exhaustive()
    }
}

impl zeroize::ZeroizeOnDrop for EcdsaP256SigningKey {}

/// Encodes a raw `r || s` signature (IEEE P1363, 64 bytes) as a DER `ECDSA-Sig-Value`
/// (`SEQUENCE { INTEGER r, INTEGER s }`, minimal encodings), as MCUboot's `ECDSASIG` TLV and
/// X.509 carry it.
///
/// - `raw`: the signature from [`Sign::sign`]; any 64 bytes encode (`r` or `s` of zero or
///   `>= n` give a DER form that verification will refuse).
/// - `out`: receives the encoding in its first bytes; the rest is left as it was.
///
/// Returns the encoding's length, 8 to [`ECDSA_P256_DER_MAX_LEN`] (70 to 72 for almost every
/// real signature).
pub fn ecdsa_signature_to_der(raw: &[u8; 64], out: &mut [u8; ECDSA_P256_DER_MAX_LEN]) -> usize {
    let (r, s) = raw.split_at(32);
    let mut body = [0u8; ECDSA_P256_DER_MAX_LEN - 2];
    let mut len = der_put_uint(r, &mut body, 0);
    len = der_put_uint(s, &mut body, len);
    out[0] = 0x30;
    // At most 2 * 35 = 70 bytes of content: always the short length form.
    out[1] = len as u8;
    for (o, b) in out.iter_mut().skip(2).zip(body.iter().take(len)) {
        *o = *b;
    }
    len + 2
}

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

/// Decodes a DER `ECDSA-Sig-Value` into raw `r || s` (64 bytes), strictly: tag `30` then
/// two `02` integers, definite short-form lengths that match exactly, no bytes after the
/// sequence, each integer minimally encoded (no superfluous leading `00`), non-negative, and
/// at most 32 bytes once its sign byte is removed. Anything else is [`Error::InvalidInput`].
/// The range of `r` and `s` (`1..n`) is checked by verification, not here.
///
/// Strict DER is the rule (X.690 section 10, as Wycheproof tests it): BER forms such as
/// long-form or indefinite lengths, padded integers, or trailing data are refused even though
/// a lenient parser could recover the same `(r, s)`; otherwise one signature would have many
/// accepted encodings.
pub fn ecdsa_signature_from_der(der: &[u8]) -> Result<[u8; 64], Error> {
    let body = der_take(der, 0x30).and_then(|(body, rest)| rest.is_empty().then_some(body));
    let body = body.ok_or(Error::InvalidInput)?;
    let (r, rest) = der_take(body, 0x02).ok_or(Error::InvalidInput)?;
    let (s, rest) = der_take(rest, 0x02).ok_or(Error::InvalidInput)?;
    if !rest.is_empty() {
        return Err(Error::InvalidInput);
    }
    let mut out = [0u8; 64];
    let (out_r, out_s) = out.split_at_mut(32);
    der_uint(r, out_r)?;
    der_uint(s, out_s)?;
    Ok(out)
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

/// A signature as the API accepts it: 64 bytes are raw `r || s`, any other length is strict
/// DER; `r` and `s` must be in `1..n`. High `s` is accepted (FIPS 186-5 ECDSA has no low-S
/// rule). Every failure is [`Error::Verification`].
fn parse_signature(signature: &[u8]) -> Result<p256::ecdsa::Signature, Error> {
    let raw = if signature.len() == 64 {
        let mut raw = [0u8; 64];
        raw.copy_from_slice(signature);
        raw
    } else {
        ecdsa_signature_from_der(signature).map_err(|_| Error::Verification)?
    };
    // `from_slice` refuses `r` or `s` equal to zero or `>= n`.
    p256::ecdsa::Signature::from_slice(&raw).map_err(|_| Error::Verification)
}

/// FIPS 186-5 verification over the leftmost 256 bits of `digest` (bits2int; the caller has
/// checked that there are at least 32 bytes).
fn verify_digest(key: &EcdsaP256PublicKey, digest: &[u8], signature: &[u8]) -> Result<(), Error> {
    let digest = digest.get(..32).ok_or(Error::InvalidInput)?;
    let signature = parse_signature(signature)?;
    key.0
        .verify_prehash(digest, &signature)
        .map_err(|_| Error::Verification)
}

impl Verify<EcdsaP256> for Soft {
    type PublicKey = EcdsaP256PublicKey;

    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error> {
        // The same rules as ECDH P-256 keys: uncompressed `04 || x || y` or compressed
        // `02/03 || x`, nothing else (no identity `00`, no hybrid `06/07`).
        match (bytes.len(), bytes.first()) {
            (65, Some(0x04)) | (33, Some(0x02 | 0x03)) => {}
            _ => return Err(Error::InvalidInput),
        }
        // Coordinates `< p`, on the curve (or a square root exists), not the identity.
        p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .map(EcdsaP256PublicKey)
            .map_err(|_| Error::InvalidInput)
    }

    fn export_public(&mut self, key: &Self::PublicKey) -> [u8; 65] {
        key.to_sec1_uncompressed()
    }

    fn verify(
        &mut self,
        key: &Self::PublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let digest: [u8; 32] = sha2::Sha256::digest(message).into();
        verify_digest(key, &digest, signature)
    }
}

impl VerifyPrehash<EcdsaP256> for Soft {
    fn verify_prehash(
        &mut self,
        key: &Self::PublicKey,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        if digest.len() < 32 {
            return Err(Error::InvalidInput);
        }
        verify_digest(key, digest, signature)
    }
}

impl Sign<EcdsaP256> for Soft {
    type SigningKey = EcdsaP256SigningKey;
    type Signature = [u8; 64];

    fn generate_signing_key<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::SigningKey, Error> {
        generate(rng).map(|secret| EcdsaP256SigningKey(secret.into()))
    }

    fn import_signing_key(&mut self, secret: SecretBytes<32>) -> Result<Self::SigningKey, Error> {
        p256::ecdsa::SigningKey::from_slice(secret.expose_secret())
            .map(EcdsaP256SigningKey)
            .map_err(|_| Error::InvalidInput)
    }

    fn signing_public(&mut self, key: &Self::SigningKey) -> Result<Self::PublicKey, Error> {
        Ok(EcdsaP256PublicKey(*key.0.verifying_key()))
    }

    fn sign(&mut self, key: &Self::SigningKey, message: &[u8]) -> Result<Self::Signature, Error> {
        // SHA-256 of the message, nonce from RFC 6979 (HMAC-SHA-256 DRBG over the key and the
        // digest): deterministic, no RNG. `s` is returned as computed (no low-S
        // normalization: `p256` sets `NORMALIZE_S = false`).
        let signature: p256::ecdsa::Signature =
            key.0.try_sign(message).map_err(|_| Error::InvalidInput)?;
        let mut out = [0u8; 64];
        out.copy_from_slice(&signature.to_bytes());
        Ok(out)
    }
}
