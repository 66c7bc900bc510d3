//! Chain checking: the rules between a grant and its parent, revocations, and the request.

use bulwark_api::Error;

use crate::record::{Cti, Grant, Kid, Method, PublicKey, Revocation, TrustSuite};

/// The longest chain accepted (grants after the root key).
pub const MAX_CHAIN: usize = 8;

/// The most revocations one check takes.
pub const MAX_REVOCATIONS: usize = 32;

/// Why a chain does not grant a request. The names ([`Deny::reason`]) are the CLI's
/// `deny: REASON` words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Deny {
    /// A grant cannot be parsed (or the chain is empty).
    Malformed,
    /// A grant does not verify under its issuer's key (root or the parent's `cnf`), or its
    /// algorithm or kid is not that key's.
    Signature,
    /// The first grant names a parent, or a later one does not name the previous grant.
    Parent,
    /// A grant delegates beyond its parent's depth.
    Depth,
    /// A grant's level is above its parent's.
    Level,
    /// A grant's scope is not within its parent's.
    Scope,
    /// A grant's validity window is not within its parent's.
    Validity,
    /// A grant is not valid at `now` (or no clock was given for a grant with a window).
    Expired,
    /// A grant is revoked by a key entitled to revoke it.
    Revoked,
    /// More than [`MAX_CHAIN`] grants.
    TooLong,
    /// The chain is valid but the last grant's scope does not allow the request.
    NotAllowed,
}

impl Deny {
    /// The reason's name: `malformed`, `signature`, `parent`, `depth`, `level`, `scope`,
    /// `validity`, `expired`, `revoked`, `too-long` or `not-allowed`.
    pub const fn reason(self) -> &'static str {
        match self {
            Deny::Malformed => "malformed",
            Deny::Signature => "signature",
            Deny::Parent => "parent",
            Deny::Depth => "depth",
            Deny::Level => "level",
            Deny::Scope => "scope",
            Deny::Validity => "validity",
            Deny::Expired => "expired",
            Deny::Revoked => "revoked",
            Deny::TooLong => "too-long",
            Deny::NotAllowed => "not-allowed",
        }
    }

    /// Every reason, in the order of the checks.
    pub const ALL: [Deny; 11] = [
        Deny::TooLong,
        Deny::Malformed,
        Deny::Signature,
        Deny::Parent,
        Deny::Depth,
        Deny::Level,
        Deny::Scope,
        Deny::Validity,
        Deny::Expired,
        Deny::Revoked,
        Deny::NotAllowed,
    ];
}

impl core::fmt::Display for Deny {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.reason())
    }
}

/// Why a check did not produce a verdict on the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckError {
    /// The chain is refused.
    Deny(Deny),
    /// Revocation number `index` cannot be parsed (or there are more than
    /// [`MAX_REVOCATIONS`]): the check fails closed, with no verdict.
    Revocation(usize),
    /// The backend failed (`Busy`, `Hardware`): no verdict.
    Backend(Error),
}

impl core::error::Error for Deny {}

impl core::fmt::Display for CheckError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CheckError::Deny(d) => write!(f, "deny: {d}"),
            CheckError::Revocation(i) => write!(f, "revocation {i} is malformed"),
            CheckError::Backend(e) => write!(f, "backend: {e}"),
        }
    }
}

impl core::error::Error for CheckError {}

impl From<Deny> for CheckError {
    fn from(d: Deny) -> Self {
        CheckError::Deny(d)
    }
}

/// A request: a resource path and a method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// The resource path (AIF toid).
    pub toid: &'a str,
    /// The method.
    pub method: Method,
}

/// A chain that granted a request: the grants' ids, the keys along it and the principal's
/// level. Only [`check_chain`] builds one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    ctis: [Cti; MAX_CHAIN],
    /// `keys[0]` is the root, `keys[i]` the subject of grant `i` (1-based).
    keys: [PublicKey; MAX_CHAIN + 1],
    len: usize,
    level: u8,
}

impl Verified {
    /// The grants' ids, root side first.
    pub fn ctis(&self) -> &[Cti] {
        self.ctis.get(..self.len).unwrap_or(&[])
    }

    /// The keys along the chain: the root, then each grant's subject.
    pub fn keys(&self) -> &[PublicKey] {
        self.keys.get(..=self.len).unwrap_or(&[])
    }

    /// The id of the last grant: the principal this chain identifies.
    pub fn leaf(&self) -> Cti {
        self.ctis().last().copied().unwrap_or_default()
    }

    /// The principal's access level (the last grant's).
    pub const fn level(&self) -> u8 {
        self.level
    }
}

/// Checks the rules between `child` and the grant it names as parent (the signature aside):
/// parent id, depth, level, scope and validity window, in that order.
pub fn check_link(parent: &Grant<'_>, child: &Grant<'_>) -> Result<(), Deny> {
    if child.parent != Some(parent.cti) {
        return Err(Deny::Parent);
    }
    match parent.depth.checked_sub(1) {
        Some(max) if child.depth <= max => {}
        _ => return Err(Deny::Depth),
    }
    if child.level > parent.level {
        return Err(Deny::Level);
    }
    if !child.scope.within(&parent.scope) {
        return Err(Deny::Scope);
    }
    let exp_ok = match (parent.exp, child.exp) {
        (Some(p), Some(c)) => c <= p,
        (Some(_), None) => false,
        (None, _) => true,
    };
    let nbf_ok = match (parent.nbf, child.nbf) {
        (Some(p), Some(c)) => c >= p,
        (Some(_), None) => false,
        (None, _) => true,
    };
    if !exp_ok || !nbf_ok {
        return Err(Deny::Validity);
    }
    Ok(())
}

fn backend(e: Error) -> CheckError {
    match e {
        Error::Verification | Error::InvalidInput => CheckError::Deny(Deny::Signature),
        other => CheckError::Backend(other),
    }
}

/// Checks that the chain `root, chain[0], ..., chain[n-1]` grants `request` at `now`, given
/// the `revocations` the caller holds.
///
/// The checks, in order (the first failure is the verdict): more than [`MAX_CHAIN`] grants
/// ([`Deny::TooLong`]); each grant parses ([`Deny::Malformed`]; an empty chain too); then
/// for each grant from the root down: its signature under its issuer's key
/// ([`Deny::Signature`]), and against its parent, or for the first grant the absence of one,
/// [`check_link`]'s parent, depth, level, scope and validity rules; then every grant is
/// valid at `now` ([`Deny::Expired`]; `None` means no clock, and a grant with a window is
/// then refused); then no grant is revoked ([`Deny::Revoked`]); then the last grant's scope
/// has the request's toid with the method's bit ([`Deny::NotAllowed`]).
///
/// A revocation revokes grant `i` when it lists its cti and is signed by the key that issued
/// it or any key above it in this chain (the root included); a revocation signed by anyone
/// else, or whose signature does not verify, has no effect on this chain. Every revocation
/// must parse, else [`CheckError::Revocation`] before any verdict (fail closed). Each record is at most
/// [`crate::MAX_RECORD`] bytes; RAM use is bounded (no allocation).
pub fn check_chain<P: TrustSuite + ?Sized>(
    p: &mut P,
    root: &PublicKey,
    chain: &[&[u8]],
    revocations: &[&[u8]],
    request: &Request<'_>,
    now: Option<u64>,
) -> Result<Verified, CheckError> {
    // Every revocation must parse, before any verdict (fail closed: a damaged revocation list
    // is an error, whatever the chain); they are parsed again where used.
    if revocations.len() > MAX_REVOCATIONS {
        return Err(CheckError::Revocation(MAX_REVOCATIONS));
    }
    for (i, record) in revocations.iter().enumerate() {
        Revocation::parse(record).map_err(|_| CheckError::Revocation(i))?;
    }
    if chain.len() > MAX_CHAIN {
        return Err(Deny::TooLong.into());
    }
    if chain.is_empty() {
        return Err(Deny::Malformed.into());
    }
    // Every grant must parse. Grants are parsed again where used rather than kept, so the
    // check's stack stays small (a Cortex-M0 has a few KiB for it).
    for record in chain {
        Grant::parse(record).map_err(|_| Deny::Malformed)?;
    }
    let grant = |i: usize| -> Result<Grant<'_>, CheckError> {
        chain
            .get(i)
            .and_then(|r| Grant::parse(r).ok())
            .ok_or(CheckError::Deny(Deny::Malformed))
    };
    let n = chain.len();
    // kids[i] is the id of the key that issued grant i: the root, then each subject.
    let mut kids: [Kid; MAX_CHAIN + 1] = [[0; 8]; MAX_CHAIN + 1];
    kids[0] = root.kid(p).map_err(CheckError::Backend)?;
    let mut ctis = [[0u8; 16]; MAX_CHAIN];
    let mut issuer = *root;
    for i in 0..n {
        let g = grant(i)?;
        let kid = kids.get(i).copied().unwrap_or_default();
        g.envelope.verify(p, &issuer, &kid).map_err(backend)?;
        if i == 0 {
            if g.parent.is_some() {
                return Err(Deny::Parent.into());
            }
        } else {
            check_link(&grant(i - 1)?, &g)?;
        }
        issuer = g.subject;
        if let Some(slot) = kids.get_mut(i + 1) {
            *slot = issuer.kid(p).map_err(CheckError::Backend)?;
        }
        if let Some(slot) = ctis.get_mut(i) {
            *slot = g.cti;
        }
    }
    for i in 0..n {
        if !grant(i)?.valid_at(now) {
            return Err(Deny::Expired.into());
        }
    }
    // The key that issued grant j (0-based): the root, or the subject of grant j - 1.
    let issuer_of = |j: usize| -> Result<PublicKey, CheckError> {
        match j.checked_sub(1) {
            None => Ok(*root),
            Some(k) => grant(k).map(|g| g.subject),
        }
    };
    for (i, cti) in ctis.iter().enumerate().take(n) {
        for rev in revocations.iter().filter_map(|r| Revocation::parse(r).ok()) {
            if !rev.revokes.contains(cti) {
                continue;
            }
            // Entitled revokers of grant i: the keys that issued grants 0..=i.
            for (j, kid) in kids.iter().enumerate().take(i + 1) {
                if rev.envelope.kid != *kid {
                    continue;
                }
                match rev.envelope.verify(p, &issuer_of(j)?, kid) {
                    Ok(()) => return Err(Deny::Revoked.into()),
                    Err(Error::Verification | Error::InvalidInput) => {}
                    Err(other) => return Err(CheckError::Backend(other)),
                }
            }
        }
    }
    let leaf = grant(n - 1)?;
    if leaf.scope.mask(request.toid) & request.method.bit() == 0 {
        return Err(Deny::NotAllowed.into());
    }
    let mut keys = [*root; MAX_CHAIN + 1];
    for (j, slot) in keys.iter_mut().enumerate().take(n + 1).skip(1) {
        *slot = issuer_of(j)?;
    }
    Ok(Verified {
        ctis,
        keys,
        len: n,
        level: leaf.level,
    })
}
