//! The records: grants and revocations (COSE_Sign1 with CWT claims) and their strict
//! parser. The subject keys ([`key`](mod@key)), scopes ([`scope`](mod@scope)) and the signed envelope with its
//! signature verification ([`envelope`](mod@envelope)) have their own modules.

mod envelope;
mod key;
mod scope;

use envelope::envelope;
pub use envelope::{Envelope, TrustSuite, sig_structure};
use key::cose_key;
pub use key::{PublicKey, cose_alg, cose_alg_name};
use scope::scope;
pub use scope::{ALL_METHODS, Method, Scope, ScopeIter};

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

/// Parses the envelope of `record` and the head of its claims map: returns the envelope, a
/// reader over the claims and their number.
fn claims(record: &[u8]) -> Result<(Envelope<'_>, Reader<'_>, usize), Malformed> {
    let envelope = envelope(record)?;
    let mut r = Reader::new(envelope.payload);
    let n = r.map()?;
    Ok((envelope, r, n))
}

/// Reads the head of a non-empty array at `r` (a reader over `all`), checks each entry with
/// `entry`, and returns the entries' encoding (a slice of `all`, read in place later) and
/// their number.
fn entries<'a>(
    r: &mut Reader<'a>,
    all: &'a [u8],
    mut entry: impl FnMut(&mut Reader<'a>) -> Result<(), Malformed>,
) -> Result<(&'a [u8], usize), Malformed> {
    let count = r.array()?;
    if count == 0 {
        return Err(Malformed);
    }
    // The entries start at the current position of `r` within `all`.
    let start = all.len() - r.unread();
    for _ in 0..count {
        entry(r)?;
    }
    let end = all.len() - r.unread();
    Ok((all.get(start..end).ok_or(Malformed)?, count))
}

/// Records each claim key once: `seen` has one bit per known key.
fn first_time(seen: &mut u16, bit: u16) -> Result<(), Malformed> {
    if *seen & bit != 0 {
        return Err(Malformed);
    }
    *seen |= bit;
    Ok(())
}

impl<'a> Grant<'a> {
    /// Parses a grant strictly: the COSE_Sign1 envelope (tag 18, `{1: alg}` protected with
    /// alg -8 or -7, `{4: kid}` unprotected with an 8-byte kid, 64-byte signature) and the
    /// claims (cti, cnf, scope, depth and level required; exp, nbf and parent optional;
    /// nothing else). Anything else, including records over [`MAX_RECORD`] bytes, duplicate
    /// keys, indefinite lengths, non-shortest heads and trailing bytes, is [`Malformed`].
    /// The signature is not checked here.
    pub fn parse(record: &'a [u8]) -> Result<Self, Malformed> {
        let (envelope, mut r, n) = claims(record)?;
        let payload = envelope.payload;
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
        let (envelope, mut r, n) = claims(record)?;
        let payload = envelope.payload;
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
                    let (entries, count) =
                        entries(&mut r, payload, |r| r.bstr_n::<CTI_LEN>().map(|_| ()))?;
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
