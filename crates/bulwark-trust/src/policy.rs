//! The device's security policy: principals install rules (trigger -> action) under their
//! verified chains; conflicts resolve by access level; revocation removes rules with the
//! cascade. The semantics are specified in the crate README ("Security policy").

use bulwark_api::Error;

use crate::chain::Verified;
use crate::record::{Revocation, TrustSuite};

/// A rule: on `trigger`, do `action`, at the installer's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The trigger (a signal the device knows by number).
    pub trigger: u32,
    /// The action (a number the device maps to what it does).
    pub action: u32,
    /// The installer's level when it installed the rule.
    pub level: u8,
    /// The installer's chain.
    pub installer: Verified,
}

/// How an installed rule stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Installed {
    /// The rule is the one a trigger runs.
    Active,
    /// A rule of a higher level for the same trigger wins for now; this one takes over if
    /// that one goes.
    Shadowed,
}

/// Why a policy operation was refused. Nothing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyError {
    /// Another principal holds a rule for the same trigger at the same level: equal levels
    /// never override one another.
    Conflict,
    /// No free rule slot.
    Full,
    /// The principal has no rule for that trigger.
    NotFound,
    /// The revocation cannot be parsed.
    Malformed,
    /// The backend failed.
    Backend(Error),
}

impl core::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PolicyError::Conflict => {
                f.write_str("another principal holds this trigger at the same level")
            }
            PolicyError::Full => f.write_str("no free rule slot"),
            PolicyError::NotFound => f.write_str("no such rule of this principal"),
            PolicyError::Malformed => f.write_str("malformed revocation"),
            PolicyError::Backend(e) => write!(f, "backend: {e}"),
        }
    }
}

impl core::error::Error for PolicyError {}

/// A policy holding at most `N` rules, without allocation.
#[derive(Clone, Debug)]
pub struct Policy<const N: usize> {
    rules: [Option<Rule>; N],
}

impl<const N: usize> Default for Policy<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Policy<N> {
    /// An empty policy.
    pub const fn new() -> Self {
        Self { rules: [None; N] }
    }

    /// The rules, in slot order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().flatten()
    }

    /// Installs `trigger -> action` for the principal `who` (a chain [`crate::check_chain`]
    /// accepted), at `who`'s level. A principal's own rule for the trigger is replaced; a
    /// rule of another principal at the same level is a [`PolicyError::Conflict`]; rules of
    /// other levels stay, and the highest level runs. Returns whether the new rule is active.
    pub fn install(
        &mut self,
        who: &Verified,
        trigger: u32,
        action: u32,
    ) -> Result<Installed, PolicyError> {
        let leaf = who.leaf();
        let level = who.level();
        let same_trigger = || self.rules.iter().flatten().filter(|r| r.trigger == trigger);
        if same_trigger().any(|r| r.installer.leaf() != leaf && r.level == level) {
            return Err(PolicyError::Conflict);
        }
        let shadowed = same_trigger().any(|r| r.installer.leaf() != leaf && r.level > level);
        let rule = Rule {
            trigger,
            action,
            level,
            installer: *who,
        };
        let own = self
            .rules
            .iter()
            .position(|r| r.is_some_and(|r| r.trigger == trigger && r.installer.leaf() == leaf));
        let slot = match own {
            Some(i) => i,
            None => self
                .rules
                .iter()
                .position(Option::is_none)
                .ok_or(PolicyError::Full)?,
        };
        if let Some(s) = self.rules.get_mut(slot) {
            *s = Some(rule);
        }
        Ok(if shadowed {
            Installed::Shadowed
        } else {
            Installed::Active
        })
    }

    /// Removes the principal `who`'s rule for `trigger` (only its own).
    pub fn remove(&mut self, who: &Verified, trigger: u32) -> Result<(), PolicyError> {
        let leaf = who.leaf();
        let slot = self
            .rules
            .iter_mut()
            .find(|r| r.is_some_and(|r| r.trigger == trigger && r.installer.leaf() == leaf))
            .ok_or(PolicyError::NotFound)?;
        *slot = None;
        Ok(())
    }

    /// The action `trigger` runs: the action of its highest-level rule, or `None` if it has
    /// no rule (or, which `install` prevents, two rules share the highest level).
    pub fn trigger(&self, trigger: u32) -> Option<u32> {
        let mut best: Option<&Rule> = None;
        let mut tie = false;
        for rule in self.rules.iter().flatten().filter(|r| r.trigger == trigger) {
            match best {
                Some(b) if b.level > rule.level => {}
                Some(b) if b.level == rule.level => tie = true,
                _ => {
                    best = Some(rule);
                    tie = false;
                }
            }
        }
        if tie { None } else { best.map(|r| r.action) }
    }

    /// Applies a revocation: removes every rule whose installer's chain contains a grant the
    /// revocation revokes, where the revocation is signed by the key that issued that grant
    /// or a key above it in that chain (the same rule as [`crate::check_chain`]). A rule
    /// below the revoked grant falls with it (the cascade). Returns how many rules were
    /// removed; a revocation signed by anyone else removes nothing.
    pub fn revoke<P: TrustSuite + ?Sized>(
        &mut self,
        p: &mut P,
        revocation: &[u8],
    ) -> Result<usize, PolicyError> {
        let rev = Revocation::parse(revocation).map_err(|_| PolicyError::Malformed)?;
        let mut removed = 0;
        for slot in self.rules.iter_mut() {
            let Some(rule) = slot else { continue };
            if revokes(p, &rev, &rule.installer)? {
                *slot = None;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Whether `rev` revokes a grant of the chain `chain`.
fn revokes<P: TrustSuite + ?Sized>(
    p: &mut P,
    rev: &Revocation<'_>,
    chain: &Verified,
) -> Result<bool, PolicyError> {
    let keys = chain.keys();
    for (i, cti) in chain.ctis().iter().enumerate() {
        if !rev.revokes.contains(cti) {
            continue;
        }
        for key in keys.iter().take(i + 1) {
            let kid = key.kid(p).map_err(PolicyError::Backend)?;
            if rev.envelope.kid != kid {
                continue;
            }
            match rev.envelope.verify(p, key, &kid) {
                Ok(()) => return Ok(true),
                Err(Error::Verification | Error::InvalidInput) => {}
                Err(other) => return Err(PolicyError::Backend(other)),
            }
        }
    }
    Ok(false)
}
