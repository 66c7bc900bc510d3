//! A grant's scope: CoAP methods, the AIF entries and their parser.

use super::entries;
use crate::cbor::{Malformed, Reader};

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

/// Skips over a scope array's entries, checking each, and returns the scope.
pub(super) fn scope<'a>(r: &mut Reader<'a>, all: &'a [u8]) -> Result<Scope<'a>, Malformed> {
    let (entries, count) = entries(r, all, |r| scope_entry(r).map(|_| ()))?;
    let scope = Scope { entries, count };
    // Each toid at most once.
    for (i, (t, _)) in scope.iter().enumerate() {
        if scope.iter().skip(i + 1).any(|(u, _)| u == t) {
            return Err(Malformed);
        }
    }
    Ok(scope)
}
