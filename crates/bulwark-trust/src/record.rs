//! The records: grants and revocations (COSE_Sign1 with CWT claims), their strict parser,
//! the subject keys and scopes they carry, and signature verification over the API traits.

use bulwark_api::{
    Error,
    hash::Sha256,
    sig::{AlgorithmId, EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Verify},
};

use crate::cbor::{Malformed, Reader};

/// The largest record (grant or revocation) accepted, in bytes.
pub const MAX_RECORD: usize = 512;
/// The length of a grant or revocation id (`cti`).
pub const CTI_LEN: usize = 16;
/// The length of a key id (`kid`): the first 8 bytes of SHA-256 over the raw public key.
pub const KID_LEN: usize = 8;

/// A grant or revocation id.
pub type Cti = [u8; CTI_LEN];
/// A key id.
pub type Kid = [u8; KID_LEN];

/// The CBOR tag of COSE_Sign1.
pub(crate) const COSE_SIGN1_TAG: u64 = 18;
/// COSE algorithm numbers.
pub(crate) const ALG_EDDSA: i64 = -8;
pub(crate) const ALG_ES256: i64 = -7;

/// CWT claim keys (RFC 8392) and the private claims of this format.
pub(crate) mod claim {
    pub const EXP: i64 = 4;
    pub const NBF: i64 = 5;
    pub const CTI: i64 = 7;
    pub const CNF: i64 = 8;
    pub const SCOPE: i64 = 9;
    pub const DEPTH: i64 = -65537;
    pub const PARENT: i64 = -65538;
    pub const LEVEL: i64 = -65539;
    pub const REVOKES: i64 = -65540;
    pub const SEQ: i64 = -65541;
}

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

/// CoAP methods, as the AIF bitmask (RFC 9237) names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET (bit 1).
    Get,
    /// POST (bit 2).
    Post,
    /// PUT (bit 4).
    Put,
    /// DELETE (bit 8).
    Delete,
    /// FETCH (bit 16).
    Fetch,
    /// PATCH (bit 32).
    Patch,
    /// iPATCH (bit 64).
    IPatch,
}

impl Method {
    /// Every method, in bit order.
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Delete,
        Method::Fetch,
        Method::Patch,
        Method::IPatch,
    ];

    /// The method's bit in an AIF permission mask.
    pub const fn bit(self) -> u8 {
        match self {
            Method::Get => 1,
            Method::Post => 2,
            Method::Put => 4,
            Method::Delete => 8,
            Method::Fetch => 16,
            Method::Patch => 32,
            Method::IPatch => 64,
        }
    }

    /// The method's name (`GET`, ..., `iPATCH`).
    pub const fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Fetch => "FETCH",
            Method::Patch => "PATCH",
            Method::IPatch => "iPATCH",
        }
    }

    /// The method named `name`, case-insensitively; `None` for anything else.
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }
}

/// Every permission bit a scope entry may carry (GET through iPATCH).
pub const ALL_METHODS: u8 = 0x7f;

/// A grant's scope: the AIF array `[[toid, tperm], ...]`, validated when the grant was parsed
/// (non-empty, each toid once, each tperm in `1..=127`), read in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope<'a> {
    /// The encoded entries (after the array head).
    entries: &'a [u8],
    count: usize,
}

impl<'a> Scope<'a> {
    /// The entries: each resource path and its method mask.
    pub fn iter(&self) -> ScopeIter<'a> {
        ScopeIter {
            reader: Reader::new(self.entries),
            left: self.count,
        }
    }

    /// The number of entries.
    pub const fn len(&self) -> usize {
        self.count
    }

    /// Whether the scope has no entries (never, for a parsed grant).
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The method mask of `toid` (0 if the scope does not name it).
    pub fn mask(&self, toid: &str) -> u8 {
        self.iter()
            .find(|(t, _)| *t == toid)
            .map_or(0, |(_, mask)| mask)
    }

    /// Whether every entry `[t, p]` of `self` has an entry `[t, p']` in `outer` with `p` a
    /// subset of `p'`.
    pub fn within(&self, outer: &Scope<'_>) -> bool {
        self.iter().all(|(t, p)| p & !outer.mask(t) == 0)
    }
}

/// The entries of a [`Scope`].
pub struct ScopeIter<'a> {
    reader: Reader<'a>,
    left: usize,
}

impl<'a> Iterator for ScopeIter<'a> {
    type Item = (&'a str, u8);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        scope_entry(&mut self.reader).ok()
    }
}

fn scope_entry<'a>(r: &mut Reader<'a>) -> Result<(&'a str, u8), Malformed> {
    if r.array()? != 2 {
        return Err(Malformed);
    }
    let toid = r.tstr()?;
    let mask = r.uint()?;
    if toid.is_empty() || mask == 0 || mask > u64::from(ALL_METHODS) {
        return Err(Malformed);
    }
    Ok((toid, mask as u8))
}

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
    payload: &'a [u8],
    /// The 64-byte signature (Ed25519 `R || S`, ES256 `r || s`).
    signature: [u8; 64],
}

/// A parsed grant. Parsing checks the format only; whether the grant is valid is decided
/// by [`crate::check_chain`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant<'a> {
    /// The signed envelope.
    pub envelope: Envelope<'a>,
    /// The grant's id.
    pub cti: Cti,
    /// The subject's public key (`cnf`).
    pub subject: PublicKey,
    /// What the subject may do.
    pub scope: Scope<'a>,
    /// How many further levels the subject may delegate.
    pub depth: u64,
    /// The access level.
    pub level: u8,
    /// The id of the grant this one was issued under; `None` when the root issued it.
    pub parent: Option<Cti>,
    /// Not before (seconds), if given.
    pub nbf: Option<u64>,
    /// Expiry (seconds; valid strictly before), if given.
    pub exp: Option<u64>,
}

/// The ctis a revocation lists, validated when it was parsed, read in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CtiList<'a> {
    entries: &'a [u8],
    count: usize,
}

impl<'a> CtiList<'a> {
    /// The listed ids.
    pub fn iter(&self) -> impl Iterator<Item = Cti> + 'a {
        let mut r = Reader::new(self.entries);
        (0..self.count).map_while(move |_| r.bstr_n::<CTI_LEN>().ok())
    }

    /// Whether `cti` is listed.
    pub fn contains(&self, cti: &Cti) -> bool {
        self.iter().any(|c| c == *cti)
    }

    /// The number of ids.
    pub const fn len(&self) -> usize {
        self.count
    }

    /// Whether the list is empty (never, for a parsed revocation).
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// A parsed revocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Revocation<'a> {
    /// The signed envelope.
    pub envelope: Envelope<'a>,
    /// The revocation's own id.
    pub cti: Cti,
    /// The revoked grants' ids.
    pub revokes: CtiList<'a>,
    /// The issuer's sequence number.
    pub seq: u64,
}

/// Parses the COSE_Sign1 envelope and returns it with a reader over the payload.
fn envelope(record: &[u8]) -> Result<Envelope<'_>, Malformed> {
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

/// Records each claim key once: `seen` has one bit per known key.
fn first_time(seen: &mut u16, bit: u16) -> Result<(), Malformed> {
    if *seen & bit != 0 {
        return Err(Malformed);
    }
    *seen |= bit;
    Ok(())
}

/// Parses a COSE_Key (OKP Ed25519 or EC2 P-256), exactly the keys the format names.
fn cose_key(r: &mut Reader<'_>) -> Result<PublicKey, Malformed> {
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

/// Skips over a scope array's entries, checking each, and returns the scope.
fn scope<'a>(r: &mut Reader<'a>, all: &'a [u8]) -> Result<Scope<'a>, Malformed> {
    let count = r.array()?;
    if count == 0 {
        return Err(Malformed);
    }
    // The entries start at the current position of `r` within `all`.
    let start = all.len() - r.unread();
    for _ in 0..count {
        scope_entry(r)?;
    }
    let end = all.len() - r.unread();
    let entries = all.get(start..end).ok_or(Malformed)?;
    let scope = Scope { entries, count };
    // Each toid at most once.
    for (i, (t, _)) in scope.iter().enumerate() {
        if scope.iter().skip(i + 1).any(|(u, _)| u == t) {
            return Err(Malformed);
        }
    }
    Ok(scope)
}

impl<'a> Grant<'a> {
    /// Parses a grant strictly: the COSE_Sign1 envelope (tag 18, `{1: alg}` protected with
    /// alg -8 or -7, `{4: kid}` unprotected with an 8-byte kid, 64-byte signature) and the
    /// claims (cti, cnf, scope, depth and level required; exp, nbf and parent optional;
    /// nothing else). Anything else, including records over [`MAX_RECORD`] bytes, duplicate
    /// keys, indefinite lengths, non-shortest heads and trailing bytes, is [`Malformed`].
    /// The signature is not checked here.
    pub fn parse(record: &'a [u8]) -> Result<Self, Malformed> {
        let envelope = envelope(record)?;
        let payload = envelope.payload;
        let mut r = Reader::new(payload);
        let n = r.map()?;
        let mut seen = 0u16;
        let (mut cti, mut subject, mut scope_claim) = (None, None, None);
        let (mut depth, mut level, mut parent, mut nbf, mut exp) = (None, None, None, None, None);
        for _ in 0..n {
            match r.int()? {
                claim::EXP => {
                    first_time(&mut seen, 1)?;
                    exp = Some(r.uint()?);
                }
                claim::NBF => {
                    first_time(&mut seen, 2)?;
                    nbf = Some(r.uint()?);
                }
                claim::CTI => {
                    first_time(&mut seen, 4)?;
                    cti = Some(r.bstr_n::<CTI_LEN>()?);
                }
                claim::CNF => {
                    first_time(&mut seen, 8)?;
                    if r.map()? != 1 || r.int()? != 1 {
                        return Err(Malformed);
                    }
                    subject = Some(cose_key(&mut r)?);
                }
                claim::SCOPE => {
                    first_time(&mut seen, 16)?;
                    scope_claim = Some(scope(&mut r, payload)?);
                }
                claim::DEPTH => {
                    first_time(&mut seen, 32)?;
                    depth = Some(r.uint()?);
                }
                claim::PARENT => {
                    first_time(&mut seen, 64)?;
                    parent = Some(r.bstr_n::<CTI_LEN>()?);
                }
                claim::LEVEL => {
                    first_time(&mut seen, 128)?;
                    level = Some(u8::try_from(r.uint()?).map_err(|_| Malformed)?);
                }
                _ => return Err(Malformed),
            }
        }
        r.finish()?;
        match (cti, subject, scope_claim, depth, level) {
            (Some(cti), Some(subject), Some(scope), Some(depth), Some(level)) => Ok(Grant {
                envelope,
                cti,
                subject,
                scope,
                depth,
                level,
                parent,
                nbf,
                exp,
            }),
            _ => Err(Malformed),
        }
    }

    /// Whether the grant is valid at `now` (`nbf <= now < exp` where given); without a
    /// clock (`None`) only a grant with no window is.
    pub fn valid_at(&self, now: Option<u64>) -> bool {
        match now {
            None => self.nbf.is_none() && self.exp.is_none(),
            Some(now) => {
                self.nbf.is_none_or(|nbf| nbf <= now) && self.exp.is_none_or(|exp| now < exp)
            }
        }
    }
}

impl<'a> Revocation<'a> {
    /// Parses a revocation strictly: the same envelope as a grant, and exactly the claims
    /// cti, revokes (a non-empty array of 16-byte ids) and seq. Anything else is
    /// [`Malformed`].
    pub fn parse(record: &'a [u8]) -> Result<Self, Malformed> {
        let envelope = envelope(record)?;
        let payload = envelope.payload;
        let mut r = Reader::new(payload);
        let n = r.map()?;
        let mut seen = 0u16;
        let (mut cti, mut revokes, mut seq) = (None, None, None);
        for _ in 0..n {
            match r.int()? {
                claim::CTI => {
                    first_time(&mut seen, 1)?;
                    cti = Some(r.bstr_n::<CTI_LEN>()?);
                }
                claim::REVOKES => {
                    first_time(&mut seen, 2)?;
                    let count = r.array()?;
                    if count == 0 {
                        return Err(Malformed);
                    }
                    let start = payload.len() - r.unread();
                    for _ in 0..count {
                        r.bstr_n::<CTI_LEN>()?;
                    }
                    let end = payload.len() - r.unread();
                    let entries = payload.get(start..end).ok_or(Malformed)?;
                    revokes = Some(CtiList { entries, count });
                }
                claim::SEQ => {
                    first_time(&mut seen, 4)?;
                    seq = Some(r.uint()?);
                }
                _ => return Err(Malformed),
            }
        }
        r.finish()?;
        match (cti, revokes, seq) {
            (Some(cti), Some(revokes), Some(seq)) => Ok(Revocation {
                envelope,
                cti,
                revokes,
                seq,
            }),
            _ => Err(Malformed),
        }
    }
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
