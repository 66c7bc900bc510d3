//! The key-file encodings on RustCrypto's crates (feature `encoding`).

use super::DerBuf;
use crate::{Error, sig::AlgorithmId};
use der::{
    Decode, Encode,
    asn1::{AnyRef, ObjectIdentifier, OctetStringRef},
};
use pkcs8::PrivateKeyInfoRef;
use sec1::{EcParameters, EcPrivateKey};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

/// `id-Ed25519` (RFC 8410).
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// `id-ecPublicKey` (RFC 5480).
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `prime256v1` / `secp256r1`.
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// The longest PKCS#8 written here: P-256 with its public key (138 bytes).
pub const PKCS8_MAX_LEN: usize = 138;
/// Room for re-encoding a parsed structure (every accepted key file is far smaller).
const REENCODE_MAX: usize = 256;

/// Why a key encoding was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodingError {
    /// Not strict DER of the expected structure (including trailing data, attributes, or any
    /// form other than the one canonical encoding).
    Malformed,
    /// An algorithm other than Ed25519 and EC public keys.
    UnsupportedAlgorithm,
    /// An EC key without a named curve, or with explicit curve parameters.
    MissingCurve,
    /// An EC key on a curve other than P-256.
    UnsupportedCurve,
    /// A PKCS#8 or ECPrivateKey version other than the ones defined.
    UnsupportedVersion,
}

impl core::fmt::Display for EncodingError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            EncodingError::Malformed => "malformed DER",
            EncodingError::UnsupportedAlgorithm => {
                "unsupported key algorithm (only Ed25519 and ECDSA P-256)"
            }
            EncodingError::MissingCurve => {
                "EC key without the named curve P-256 (explicit curve parameters are not supported)"
            }
            EncodingError::UnsupportedCurve => {
                "unsupported elliptic curve (only P-256 / prime256v1)"
            }
            EncodingError::UnsupportedVersion => "unsupported key structure version",
        })
    }
}

impl core::error::Error for EncodingError {}

impl From<der::Error> for EncodingError {
    fn from(_: der::Error) -> Self {
        EncodingError::Malformed
    }
}

fn algorithm_identifier<'a>(
    algorithm: AlgorithmId,
    curve: &AnyRef<'a>,
) -> AlgorithmIdentifierRef<'a> {
    match algorithm {
        AlgorithmId::Ed25519 => AlgorithmIdentifierRef {
            oid: OID_ED25519,
            parameters: None,
        },
        AlgorithmId::EcdsaP256 => AlgorithmIdentifierRef {
            oid: OID_EC_PUBLIC_KEY,
            parameters: Some(*curve),
        },
    }
}

/// The algorithm of an AlgorithmIdentifier: Ed25519 without parameters, or id-ecPublicKey
/// with the named curve P-256.
fn algorithm_of(id: &AlgorithmIdentifierRef<'_>) -> Result<AlgorithmId, EncodingError> {
    if id.oid == OID_ED25519 {
        return match id.parameters {
            None => Ok(AlgorithmId::Ed25519),
            Some(_) => Err(EncodingError::Malformed),
        };
    }
    if id.oid != OID_EC_PUBLIC_KEY {
        return Err(EncodingError::UnsupportedAlgorithm);
    }
    let curve = id
        .parameters
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
        .ok_or(EncodingError::MissingCurve)?;
    if curve != OID_P256 {
        return Err(EncodingError::UnsupportedCurve);
    }
    Ok(AlgorithmId::EcdsaP256)
}

/// Refuses `der` unless re-encoding `value` gives exactly the same bytes.
fn canonical(value: &impl Encode, der: &[u8]) -> Result<(), EncodingError> {
    let mut buf = [0u8; REENCODE_MAX];
    let again = value
        .encode_to_slice(&mut buf)
        .map_err(|_| EncodingError::Malformed)?;
    let same = again == der;
    zeroize::Zeroize::zeroize(&mut buf);
    if same {
        Ok(())
    } else {
        Err(EncodingError::Malformed)
    }
}

/// Reads a SubjectPublicKeyInfo: the algorithm and the raw key bytes (not validated as a
/// point: import them through [`crate::sig::Verify::import_public`]).
pub fn parse_spki(der: &[u8]) -> Result<(AlgorithmId, &[u8]), EncodingError> {
    let spki = SubjectPublicKeyInfoRef::from_der(der)?;
    canonical(&spki, der)?;
    let algorithm = algorithm_of(&spki.algorithm)?;
    let key = spki
        .subject_public_key
        .as_bytes()
        .ok_or(EncodingError::Malformed)?;
    Ok((algorithm, key))
}

/// A private key as a key file holds it: the algorithm, the 32-byte secret (Ed25519 seed or
/// P-256 scalar; not yet validated) and the public key the file also carries, if any. The
/// slices point into the caller's DER buffer (zeroize it after use).
#[derive(Clone, Copy)]
pub struct PrivateKeyParts<'a> {
    /// The algorithm.
    pub algorithm: AlgorithmId,
    /// The secret: the RFC 8032 seed or the big-endian P-256 scalar.
    pub secret: &'a [u8],
    /// The public key embedded in the file (raw: 32 bytes or a SEC1 point), if any.
    pub public: Option<&'a [u8]>,
}

impl core::fmt::Debug for PrivateKeyParts<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PrivateKeyParts")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// Reads PKCS#8 (`PRIVATE KEY`): v1 (RFC 5208) or v2 with the public key (RFC 5958), for
/// Ed25519 (RFC 8410: the seed in an inner OCTET STRING) or P-256 (an ECPrivateKey whose
/// parameters, if present, name P-256). A P-256 key carrying its public key both inside the
/// ECPrivateKey and in the v2 field must carry the same one.
pub fn parse_pkcs8(der: &[u8]) -> Result<PrivateKeyParts<'_>, EncodingError> {
    let info = PrivateKeyInfoRef::from_der(der)?;
    canonical(&info, der)?;
    let algorithm = algorithm_of(&info.algorithm)?;
    let outer_public = match info.public_key {
        Some(bits) => Some(bits.as_bytes().ok_or(EncodingError::Malformed)?),
        None => None,
    };
    let private = info.private_key.as_bytes();
    match algorithm {
        AlgorithmId::Ed25519 => {
            let seed = <&OctetStringRef>::from_der(private)?;
            Ok(PrivateKeyParts {
                algorithm,
                secret: seed.as_bytes(),
                public: outer_public,
            })
        }
        AlgorithmId::EcdsaP256 => {
            let key = ec_private_key(private, false)?;
            let public = match (key.public, outer_public) {
                (Some(a), Some(b)) if a != b => return Err(EncodingError::Malformed),
                (a, b) => a.or(b),
            };
            Ok(PrivateKeyParts {
                algorithm,
                secret: key.secret,
                public,
            })
        }
    }
}

/// Reads SEC1 `EC PRIVATE KEY` (RFC 5915), which must name the curve P-256.
pub fn parse_sec1(der: &[u8]) -> Result<PrivateKeyParts<'_>, EncodingError> {
    ec_private_key(der, true)
}

fn ec_private_key(der: &[u8], need_curve: bool) -> Result<PrivateKeyParts<'_>, EncodingError> {
    let key = EcPrivateKey::from_der(der).map_err(|e| match e.kind() {
        der::ErrorKind::Value {
            tag: der::Tag::Integer,
        } => EncodingError::UnsupportedVersion,
        _ => EncodingError::Malformed,
    })?;
    canonical(&key, der)?;
    match key.parameters {
        Some(EcParameters::NamedCurve(curve)) if curve != OID_P256 => {
            return Err(EncodingError::UnsupportedCurve);
        }
        None if need_curve => return Err(EncodingError::MissingCurve),
        _ => {}
    }
    Ok(PrivateKeyParts {
        algorithm: AlgorithmId::EcdsaP256,
        secret: key.private_key,
        public: key.public_key,
    })
}

/// The PKCS#8 v1 DER of a private key, as OpenSSL and imgtool write it: Ed25519 with the seed
/// only (48 bytes); P-256 as an ECPrivateKey with the public point `public` (65 bytes SEC1
/// uncompressed) and no parameters (they are in the AlgorithmIdentifier; 138 bytes).
pub fn pkcs8_der(
    algorithm: AlgorithmId,
    secret: &[u8; 32],
    public: &[u8],
) -> Result<DerBuf<PKCS8_MAX_LEN>, Error> {
    // The algorithm-specific private key (RFC 8410 CurvePrivateKey, or RFC 5915).
    let inner: DerBuf<PKCS8_MAX_LEN> = match algorithm {
        AlgorithmId::Ed25519 => {
            DerBuf::encode(&OctetStringRef::new(secret).map_err(|_| Error::InvalidInput)?)?
        }
        AlgorithmId::EcdsaP256 => DerBuf::encode(&EcPrivateKey {
            private_key: secret,
            parameters: None,
            public_key: Some(public),
        })?,
    };
    let curve = AnyRef::from(&OID_P256);
    let info = PrivateKeyInfoRef::new(
        algorithm_identifier(algorithm, &curve),
        OctetStringRef::new(inner.as_ref()).map_err(|_| Error::InvalidInput)?,
    );
    DerBuf::encode(&info)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::{SPKI_MAX_LEN, spki_der};
    use super::*;
    use der::asn1::BitStringRef;

    /// `spki_der` (prefix and copy) equals the `spki` crate's encoding.
    #[test]
    fn spki_der_is_the_spki_crates_encoding() {
        let mut point = [9u8; 65];
        point[0] = 4;
        for (algorithm, raw) in [
            (AlgorithmId::Ed25519, &[7u8; 32][..]),
            (AlgorithmId::EcdsaP256, &point[..]),
        ] {
            let curve = AnyRef::from(&OID_P256);
            let spki = SubjectPublicKeyInfoRef {
                algorithm: algorithm_identifier(algorithm, &curve),
                subject_public_key: BitStringRef::from_bytes(raw).unwrap(),
            };
            let expected = DerBuf::<SPKI_MAX_LEN>::encode(&spki).unwrap();
            assert_eq!(
                super::super::spki_der(algorithm, raw).unwrap().as_ref(),
                expected.as_ref()
            );
        }
        assert!(super::super::spki_der(AlgorithmId::Ed25519, &[0; 33]).is_err());
    }

    #[test]
    fn spki_prefixes_are_the_known_ones() {
        let ed = spki_der(AlgorithmId::Ed25519, &[7; 32]).unwrap();
        assert_eq!(
            &ed.as_ref()[..12],
            &[
                0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
            ]
        );
        assert_eq!(ed.as_ref().len(), 44);
        assert_eq!(
            parse_spki(ed.as_ref()),
            Ok((AlgorithmId::Ed25519, &[7u8; 32][..]))
        );
        let mut point = [9u8; 65];
        point[0] = 4;
        let ec = spki_der(AlgorithmId::EcdsaP256, &point).unwrap();
        assert_eq!(ec.as_ref().len(), 91);
        assert_eq!(&ec.as_ref()[..4], &[0x30, 0x59, 0x30, 0x13]);
        assert_eq!(
            parse_spki(ec.as_ref()),
            Ok((AlgorithmId::EcdsaP256, &point[..]))
        );
        let mut trailing = [0u8; 45];
        trailing[..44].copy_from_slice(ed.as_ref());
        assert_eq!(parse_spki(&trailing), Err(EncodingError::Malformed));
    }

    #[test]
    fn pkcs8_round_trips() {
        let ed = pkcs8_der(AlgorithmId::Ed25519, &[3; 32], &[]).unwrap();
        assert_eq!(ed.as_ref().len(), 48);
        let parts = parse_pkcs8(ed.as_ref()).unwrap();
        assert_eq!(
            (parts.algorithm, parts.secret, parts.public),
            (AlgorithmId::Ed25519, &[3u8; 32][..], None)
        );
        let mut point = [9u8; 65];
        point[0] = 4;
        let ec = pkcs8_der(AlgorithmId::EcdsaP256, &[5; 32], &point).unwrap();
        assert_eq!(ec.as_ref().len(), 138);
        let parts = parse_pkcs8(ec.as_ref()).unwrap();
        assert_eq!(parts.algorithm, AlgorithmId::EcdsaP256);
        assert_eq!(parts.secret, &[5u8; 32][..]);
        assert_eq!(parts.public, Some(&point[..]));
    }
}
