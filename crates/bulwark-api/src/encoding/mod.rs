//! Key encodings for Ed25519 and P-256, in one place (`no_std`, no heap).
//!
//! - SubjectPublicKeyInfo (RFC 5280/5480/8410): [`spki_der`] writes it (always available: a
//!   device hashes its trusted keys' SubjectPublicKeyInfo for MCUboot's KEYHASH);
//! - with the `encoding` feature, on RustCrypto's `der`, `spki`, `pkcs8` and `sec1` crates:
//!   `parse_spki` reads SubjectPublicKeyInfo (`PUBLIC KEY` files, MCUboot's PUBKEY TLV);
//!   `pkcs8_der` writes PKCS#8 (RFC 5958, as OpenSSL and imgtool write it), `parse_pkcs8`
//!   reads PKCS#8 v1/v2 and `parse_sec1` SEC1 `EC PRIVATE KEY` (RFC 5915);
//! - ECDSA signatures (DER and fixed `r || s`) are [`crate::sig::EcdsaP256Signature`]'s own.
//!
//! Every parser is strict: it decodes with the `der` crate (DER only: minimal definite
//! lengths, no trailing data), then re-encodes what it read and refuses the input unless the
//! bytes are identical, so an accepted key has exactly one encoding (no PKCS#8 attributes, no
//! alternative forms). Only Ed25519 and P-256 named-curve keys are accepted.

use crate::{Error, sig::AlgorithmId};

#[cfg(feature = "encoding")]
mod keys;

#[cfg(feature = "encoding")]
pub use keys::{
    EncodingError, PKCS8_MAX_LEN, PrivateKeyParts, parse_pkcs8, parse_sec1, parse_spki, pkcs8_der,
};

/// The longest SubjectPublicKeyInfo written here: P-256 with an uncompressed point (91 bytes).
pub const SPKI_MAX_LEN: usize = 91;

/// The DER of an Ed25519 SubjectPublicKeyInfo (RFC 8410) up to the 32-byte key:
/// `SEQUENCE { SEQUENCE { OID id-Ed25519 }, BIT STRING (0 unused bits) ... }`.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// The DER of a P-256 SubjectPublicKeyInfo (RFC 5480: id-ecPublicKey with the named curve
/// prime256v1) up to the 65-byte uncompressed point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// A DER encoding in a fixed buffer (no heap). Zeroized on drop: it may hold a private key.
#[derive(Clone)]
pub struct DerBuf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> DerBuf<N> {
    /// The concatenation of `parts`; [`Error::InvalidInput`] if it does not fit.
    fn concat(parts: &[&[u8]]) -> Result<Self, Error> {
        let mut out = Self {
            bytes: [0; N],
            len: 0,
        };
        for part in parts {
            let end = out.len + part.len();
            out.bytes
                .get_mut(out.len..end)
                .ok_or(Error::InvalidInput)?
                .copy_from_slice(part);
            out.len = end;
        }
        Ok(out)
    }

    /// `value`'s DER (the `der` crate's encoder).
    #[cfg(feature = "encoding")]
    fn encode(value: &impl der::Encode) -> Result<Self, Error> {
        let mut out = Self {
            bytes: [0; N],
            len: 0,
        };
        out.len = value
            .encode_to_slice(&mut out.bytes)
            .map_err(|_| Error::InvalidInput)?
            .len();
        Ok(out)
    }
}

impl<const N: usize> AsRef<[u8]> for DerBuf<N> {
    fn as_ref(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl<const N: usize> Drop for DerBuf<N> {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.bytes);
    }
}

impl<const N: usize> core::fmt::Debug for DerBuf<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DerBuf")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// The SubjectPublicKeyInfo DER of a raw public key: Ed25519 (32 bytes; 44 bytes of DER) or
/// an uncompressed SEC1 P-256 point (65 bytes: 91 bytes of DER), as imgtool's
/// `get_public_bytes()` and OpenSSL write it. Both structures are fixed up to the key, so
/// this is a prefix and a copy, with no DER encoder linked into a device; the tests check it
/// against the `spki` crate's encoding. The key itself is not validated here; any other
/// length is [`Error::InvalidInput`].
pub fn spki_der(algorithm: AlgorithmId, raw: &[u8]) -> Result<DerBuf<SPKI_MAX_LEN>, Error> {
    let prefix: &[u8] = match (algorithm, raw.len()) {
        (AlgorithmId::Ed25519, 32) => &ED25519_SPKI_PREFIX,
        (AlgorithmId::EcdsaP256, 65) => &P256_SPKI_PREFIX,
        _ => return Err(Error::InvalidInput),
    };
    DerBuf::concat(&[prefix, raw])
}
