//! Writing records, for gateways and tools: the claims in deterministic encoding (RFC 8949
//! section 4.2.1: shortest heads, map keys in bytewise order of their encodings) and the
//! COSE_Sign1 around them. Signing itself is the caller's (any [`bulwark_api::sig::Sign`]),
//! over [`crate::sig_structure`] of [`protected_header`] and the payload.

use bulwark_api::{
    Error,
    hash::Sha256,
    sig::{AlgorithmId, EcdsaP256, Ed25519, Sign, Verify},
};

use crate::cbor::{ARRAY, MAP, Overflow, TAG, Writer};
use crate::record::{
    ALL_METHODS, COSE_SIGN1_TAG, Cti, Kid, MAX_RECORD, PublicKey, claim, sig_structure,
};

/// Why a record could not be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The scope is empty, names a toid twice, has an empty toid, or a mask outside
    /// `1..=127`; or a revocation lists no id.
    Invalid,
    /// The record would be larger than [`MAX_RECORD`] bytes (or the output buffer is too
    /// small).
    TooLarge,
    /// The backend failed to hash or sign.
    Backend(Error),
}

impl core::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EncodeError::Invalid => f.write_str("invalid claims (scope or revocation list)"),
            EncodeError::TooLarge => f.write_str("record larger than 512 bytes"),
            EncodeError::Backend(e) => write!(f, "backend: {e}"),
        }
    }
}

impl core::error::Error for EncodeError {}

impl From<Overflow> for EncodeError {
    fn from(_: Overflow) -> Self {
        EncodeError::TooLarge
    }
}

/// The claims of a grant.
#[derive(Clone, Copy, Debug)]
pub struct GrantClaims<'a> {
    /// The grant's id (16 random bytes).
    pub cti: Cti,
    /// The subject's public key.
    pub subject: PublicKey,
    /// The scope: resource paths and method masks.
    pub scope: &'a [(&'a str, u8)],
    /// How many further levels the subject may delegate.
    pub depth: u64,
    /// The access level.
    pub level: u8,
    /// The parent grant's id; `None` when the root issues.
    pub parent: Option<Cti>,
    /// Not before, seconds.
    pub nbf: Option<u64>,
    /// Expiry, seconds.
    pub exp: Option<u64>,
}

/// The protected header of a record signed with `alg`: `{1: -8}` or `{1: -7}`.
pub const fn protected_header(alg: AlgorithmId) -> [u8; 3] {
    match alg {
        AlgorithmId::Ed25519 => [0xa1, 0x01, 0x27],
        AlgorithmId::EcdsaP256 => [0xa1, 0x01, 0x26],
    }
}

fn cose_key(w: &mut Writer<'_>, key: &PublicKey) -> Result<(), Overflow> {
    let raw = key.raw();
    match key.algorithm() {
        AlgorithmId::Ed25519 => {
            w.head(MAP, 3)?;
            w.int(1)?;
            w.int(1)?;
            w.int(-1)?;
            w.int(6)?;
            w.int(-2)?;
            w.bstr(raw)
        }
        AlgorithmId::EcdsaP256 => {
            w.head(MAP, 4)?;
            w.int(1)?;
            w.int(2)?;
            w.int(-1)?;
            w.int(1)?;
            w.int(-2)?;
            w.bstr(raw.get(1..33).unwrap_or(&[]))?;
            w.int(-3)?;
            w.bstr(raw.get(33..65).unwrap_or(&[]))
        }
    }
}

/// Writes a grant's claims map into `out` (deterministic encoding) and returns its length.
/// The scope is written in the given order and checked as the parser checks it.
pub fn grant_payload(claims: &GrantClaims<'_>, out: &mut [u8]) -> Result<usize, EncodeError> {
    if claims.scope.is_empty() {
        return Err(EncodeError::Invalid);
    }
    for (i, (toid, mask)) in claims.scope.iter().enumerate() {
        let dup = claims.scope.iter().skip(i + 1).any(|(t, _)| t == toid);
        if toid.is_empty() || *mask == 0 || *mask > ALL_METHODS || dup {
            return Err(EncodeError::Invalid);
        }
    }
    let mut w = Writer::new(out);
    let entries = 5
        + u64::from(claims.exp.is_some())
        + u64::from(claims.nbf.is_some())
        + u64::from(claims.parent.is_some());
    w.head(MAP, entries)?;
    // Keys in bytewise order of their encodings: 4, 5, 7, 8, 9, -65537, -65538, -65539.
    if let Some(exp) = claims.exp {
        w.int(claim::EXP)?;
        w.head(0, exp)?;
    }
    if let Some(nbf) = claims.nbf {
        w.int(claim::NBF)?;
        w.head(0, nbf)?;
    }
    w.int(claim::CTI)?;
    w.bstr(&claims.cti)?;
    w.int(claim::CNF)?;
    w.head(MAP, 1)?;
    w.int(1)?;
    cose_key(&mut w, &claims.subject)?;
    w.int(claim::SCOPE)?;
    w.head(ARRAY, claims.scope.len() as u64)?;
    for (toid, mask) in claims.scope {
        w.head(ARRAY, 2)?;
        w.tstr(toid)?;
        w.head(0, u64::from(*mask))?;
    }
    w.int(claim::DEPTH)?;
    w.head(0, claims.depth)?;
    if let Some(parent) = claims.parent {
        w.int(claim::PARENT)?;
        w.bstr(&parent)?;
    }
    w.int(claim::LEVEL)?;
    w.head(0, u64::from(claims.level))?;
    Ok(w.len())
}

/// Writes a revocation's claims map (`7` cti, `-65540` revokes, `-65541` seq) into `out` and
/// returns its length.
pub fn revocation_payload(
    cti: &Cti,
    revokes: &[Cti],
    seq: u64,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    if revokes.is_empty() {
        return Err(EncodeError::Invalid);
    }
    let mut w = Writer::new(out);
    w.head(MAP, 3)?;
    w.int(claim::CTI)?;
    w.bstr(cti)?;
    w.int(claim::REVOKES)?;
    w.head(ARRAY, revokes.len() as u64)?;
    for r in revokes {
        w.bstr(r)?;
    }
    w.int(claim::SEQ)?;
    w.head(0, seq)?;
    Ok(w.len())
}

/// Writes the tagged COSE_Sign1 `18([protected, {4: kid}, payload, signature])` into `out`
/// and returns its length; [`EncodeError::TooLarge`] past [`MAX_RECORD`] bytes.
pub fn sign1(
    alg: AlgorithmId,
    kid: &Kid,
    payload: &[u8],
    signature: &[u8; 64],
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let mut w = Writer::new(out);
    w.head(TAG, COSE_SIGN1_TAG)?;
    w.head(ARRAY, 4)?;
    w.bstr(&protected_header(alg))?;
    w.head(MAP, 1)?;
    w.int(4)?;
    w.bstr(kid)?;
    w.bstr(payload)?;
    w.bstr(signature)?;
    if w.len() > MAX_RECORD {
        return Err(EncodeError::TooLarge);
    }
    Ok(w.len())
}

/// What an issuer needs from a backend: SHA-256 (the kid) and signing with both algorithms.
/// Implemented for every such type.
pub trait IssueSuite: Sha256 + Sign<Ed25519> + Sign<EcdsaP256> {}
impl<T: Sha256 + Sign<Ed25519> + Sign<EcdsaP256> + ?Sized> IssueSuite for T {}

/// An issuer's signing key, of either algorithm (the backend's key types).
pub enum IssuerKey<'a, P: IssueSuite + ?Sized> {
    /// An Ed25519 key: records are signed with EdDSA (-8).
    Ed25519(&'a <P as Sign<Ed25519>>::SigningKey),
    /// A P-256 key: records are signed with ES256 (-7), `r || s`.
    EcdsaP256(&'a <P as Sign<EcdsaP256>>::SigningKey),
}

impl<P: IssueSuite + ?Sized> IssuerKey<'_, P> {
    /// The key's public half, as records carry it. Returns the backend's error.
    pub fn public(&self, p: &mut P) -> Result<PublicKey, Error> {
        match self {
            IssuerKey::Ed25519(k) => {
                let public = Sign::<Ed25519>::signing_public(p, k)?;
                let raw = Verify::<Ed25519>::export_public(p, &public);
                PublicKey::from_raw(AlgorithmId::Ed25519, &raw)
            }
            IssuerKey::EcdsaP256(k) => {
                let public = Sign::<EcdsaP256>::signing_public(p, k)?;
                let raw = Verify::<EcdsaP256>::export_public(p, &public);
                PublicKey::from_raw(AlgorithmId::EcdsaP256, &raw)
            }
        }
    }
}

impl<P: IssueSuite + ?Sized> core::fmt::Debug for IssuerKey<'_, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never the key material.
        f.write_str(match self {
            IssuerKey::Ed25519(_) => "IssuerKey::Ed25519(..)",
            IssuerKey::EcdsaP256(_) => "IssuerKey::EcdsaP256(..)",
        })
    }
}

/// Signs `payload` (from [`grant_payload`] or [`revocation_payload`]) with `key` and writes
/// the COSE_Sign1 record into `out`: the protected header names the key's algorithm, the kid
/// is the key's, the signature is over the `Sig_structure`. Returns the record's length.
pub fn sign_record<P: IssueSuite + ?Sized>(
    p: &mut P,
    key: &IssuerKey<'_, P>,
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let public = key.public(p).map_err(EncodeError::Backend)?;
    let alg = public.algorithm();
    let kid = public.kid(p).map_err(EncodeError::Backend)?;
    let mut tbs = [0u8; MAX_RECORD + 32];
    let len =
        sig_structure(&protected_header(alg), payload, &mut tbs).ok_or(EncodeError::TooLarge)?;
    let message = tbs.get(..len).ok_or(EncodeError::TooLarge)?;
    let signature = match key {
        IssuerKey::Ed25519(k) => Sign::<Ed25519>::sign(p, k, message)
            .map_err(EncodeError::Backend)?
            .to_bytes(),
        IssuerKey::EcdsaP256(k) => Sign::<EcdsaP256>::sign(p, k, message)
            .map_err(EncodeError::Backend)?
            .to_fixed(),
    };
    sign1(alg, &kid, payload, &signature, out)
}
