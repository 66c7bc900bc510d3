//! The subject and issuer keys: their raw form, key ids, COSE algorithm numbers and the
//! COSE_Key parser.

use bulwark_api::{Error, hash::Sha256, sig::AlgorithmId};

use super::{ALG_EDDSA, ALG_ES256, KID_LEN, Kid, first_time};
use crate::cbor::{Malformed, Reader};

/// The COSE algorithm number of a signature algorithm (-8 EdDSA, -7 ES256).
pub const fn cose_alg(alg: AlgorithmId) -> i64 {
    match alg {
        AlgorithmId::Ed25519 => ALG_EDDSA,
        AlgorithmId::EcdsaP256 => ALG_ES256,
    }
}

/// The COSE name of a signature algorithm (`EdDSA`, `ES256`).
pub const fn cose_alg_name(alg: AlgorithmId) -> &'static str {
    match alg {
        AlgorithmId::Ed25519 => "EdDSA",
        AlgorithmId::EcdsaP256 => "ES256",
    }
}

/// A public key as the records carry it: Ed25519 (32 bytes) or P-256 (the 65-byte
/// uncompressed SEC1 point). Not validated until a backend imports it for a verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey {
    alg: AlgorithmId,
    bytes: [u8; 65],
}

impl PublicKey {
    /// A key from its raw encoding: 32 bytes for Ed25519, 65 bytes starting with `04` for
    /// P-256; anything else is [`Error::InvalidInput`]. Whether the point is valid is checked
    /// when the key is used.
    pub fn from_raw(alg: AlgorithmId, raw: &[u8]) -> Result<Self, Error> {
        let ok = match alg {
            AlgorithmId::Ed25519 => raw.len() == 32,
            AlgorithmId::EcdsaP256 => raw.len() == 65 && raw.first() == Some(&0x04),
        };
        if !ok {
            return Err(Error::InvalidInput);
        }
        let mut bytes = [0u8; 65];
        bytes
            .get_mut(..raw.len())
            .ok_or(Error::InvalidInput)?
            .copy_from_slice(raw);
        Ok(Self { alg, bytes })
    }

    /// The key's algorithm.
    pub const fn algorithm(&self) -> AlgorithmId {
        self.alg
    }

    /// The raw key: 32 bytes (Ed25519) or 65 bytes (P-256, uncompressed SEC1).
    pub fn raw(&self) -> &[u8] {
        self.bytes
            .get(..self.alg.public_len())
            .unwrap_or(&self.bytes)
    }

    /// The key id: the first 8 bytes of SHA-256 over [`Self::raw`]. Returns the hash
    /// engine's error.
    pub fn kid<H: Sha256 + ?Sized>(&self, h: &mut H) -> Result<Kid, Error> {
        let digest = h.digest(&[self.raw()])?;
        let mut kid = [0u8; KID_LEN];
        for (k, d) in kid.iter_mut().zip(digest) {
            *k = d;
        }
        Ok(kid)
    }
}

/// Parses a COSE_Key (OKP Ed25519 or EC2 P-256), exactly the keys the format names.
pub(super) fn cose_key(r: &mut Reader<'_>) -> Result<PublicKey, Malformed> {
    let n = r.map()?;
    let (mut kty, mut crv) = (None, None);
    let (mut x, mut y): (Option<&[u8]>, Option<&[u8]>) = (None, None);
    let mut seen = 0u16;
    for _ in 0..n {
        match r.int()? {
            1 => {
                first_time(&mut seen, 1)?;
                kty = Some(r.int()?);
            }
            -1 => {
                first_time(&mut seen, 2)?;
                crv = Some(r.int()?);
            }
            -2 => {
                first_time(&mut seen, 4)?;
                x = Some(r.bstr()?);
            }
            -3 => {
                first_time(&mut seen, 8)?;
                y = Some(r.bstr()?);
            }
            _ => return Err(Malformed),
        }
    }
    match (kty, crv, x, y) {
        (Some(1), Some(6), Some(x), None) => {
            PublicKey::from_raw(AlgorithmId::Ed25519, x).map_err(|_| Malformed)
        }
        (Some(2), Some(1), Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
            let mut raw = [0x04u8; 65];
            for (o, b) in raw.iter_mut().skip(1).zip(x.iter().chain(y)) {
                *o = *b;
            }
            PublicKey::from_raw(AlgorithmId::EcdsaP256, &raw).map_err(|_| Malformed)
        }
        _ => Err(Malformed),
    }
}
