//! The signed envelope (COSE_Sign1): its parser, the `Sig_structure` and signature
//! verification over the API traits.

use bulwark_api::{
    Error,
    hash::Sha256,
    sig::{AlgorithmId, EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Verify},
};

use super::{ALG_EDDSA, ALG_ES256, COSE_SIGN1_TAG, KID_LEN, Kid, MAX_RECORD, PublicKey};
use crate::cbor::{Malformed, Reader};

/// The signed envelope of a record: what verification needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The signature algorithm from the protected header.
    pub alg: AlgorithmId,
    /// The key id from the unprotected header.
    pub kid: Kid,
    /// The protected header as signed (the bstr's contents).
    protected: &'a [u8],
    /// The payload as signed (the bstr's contents).
    pub(super) payload: &'a [u8],
    /// The 64-byte signature (Ed25519 `R || S`, ES256 `r || s`).
    signature: [u8; 64],
}

/// Parses the COSE_Sign1 envelope and returns it with a reader over the payload.
pub(super) fn envelope(record: &[u8]) -> Result<Envelope<'_>, Malformed> {
    if record.len() > MAX_RECORD {
        return Err(Malformed);
    }
    let mut r = Reader::new(record);
    if r.tag()? != COSE_SIGN1_TAG || r.array()? != 4 {
        return Err(Malformed);
    }
    let protected = r.bstr()?;
    let alg = {
        let mut p = Reader::new(protected);
        if p.map()? != 1 || p.int()? != 1 {
            return Err(Malformed);
        }
        let alg = match p.int()? {
            ALG_EDDSA => AlgorithmId::Ed25519,
            ALG_ES256 => AlgorithmId::EcdsaP256,
            _ => return Err(Malformed),
        };
        p.finish()?;
        alg
    };
    if r.map()? != 1 || r.int()? != 4 {
        return Err(Malformed);
    }
    let kid = r.bstr_n::<KID_LEN>()?;
    let payload = r.bstr()?;
    let signature = r.bstr_n::<64>()?;
    r.finish()?;
    Ok(Envelope {
        alg,
        kid,
        protected,
        payload,
        signature,
    })
}

/// The fixed prefix of `Sig_structure` for COSE_Sign1: `array(4)`, `"Signature1"`.
const SIG1_PREFIX: &[u8] = b"\x84\x6aSignature1";

/// Writes `Sig_structure = ["Signature1", protected, h'', payload]` into `out` and returns its
/// length (`None` if `out` is too small).
pub fn sig_structure(protected: &[u8], payload: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut w = crate::cbor::Writer::new(out);
    w.raw(SIG1_PREFIX).ok()?;
    w.bstr(protected).ok()?;
    w.bstr(&[]).ok()?;
    w.bstr(payload).ok()?;
    Some(w.len())
}

/// Room for a record's `Sig_structure`: the record's protected header and payload plus at
/// most 3 + 3 + 1 head bytes and the prefix.
const SIG_STRUCTURE_MAX: usize = MAX_RECORD + 32;

/// What the chain checker needs from a backend: SHA-256 (key ids) and both signature
/// verifications. Implemented for every such type.
pub trait TrustSuite: Sha256 + Verify<Ed25519> + Verify<EcdsaP256> {}
impl<T: Sha256 + Verify<Ed25519> + Verify<EcdsaP256> + ?Sized> TrustSuite for T {}

impl Envelope<'_> {
    /// Checks that `key` signed this record: the protected algorithm must be the key's, the
    /// kid must be the key's id (so every byte of the envelope is bound), the key must import
    /// and the signature over the `Sig_structure` must verify. Returns
    /// [`Error::Verification`] for any mismatch, the backend's error (`Busy`, `Hardware`)
    /// otherwise.
    pub fn verify<P: TrustSuite + ?Sized>(
        &self,
        p: &mut P,
        key: &PublicKey,
        kid: &Kid,
    ) -> Result<(), Error> {
        if self.alg != key.algorithm() || self.kid != *kid {
            return Err(Error::Verification);
        }
        let mut tbs = [0u8; SIG_STRUCTURE_MAX];
        let len =
            sig_structure(self.protected, self.payload, &mut tbs).ok_or(Error::Verification)?;
        let message = tbs.get(..len).ok_or(Error::Verification)?;
        let result = match key.algorithm() {
            AlgorithmId::Ed25519 => {
                let k = Verify::<Ed25519>::import_public(p, key.raw())
                    .map_err(|_| Error::Verification)?;
                let sig = Ed25519Signature::from_bytes(&self.signature);
                Verify::<Ed25519>::verify(p, &k, message, &sig)
            }
            AlgorithmId::EcdsaP256 => {
                let k = Verify::<EcdsaP256>::import_public(p, key.raw())
                    .map_err(|_| Error::Verification)?;
                let sig = EcdsaP256Signature::from_fixed(&self.signature);
                Verify::<EcdsaP256>::verify(p, &k, message, &sig)
            }
        };
        result.map_err(|e| match e {
            Error::InvalidInput => Error::Verification,
            other => other,
        })
    }

    /// The payload (the CWT claims' encoding).
    pub const fn payload(&self) -> &[u8] {
        self.payload
    }

    /// The signature bytes.
    pub const fn signature(&self) -> &[u8; 64] {
        &self.signature
    }
}
