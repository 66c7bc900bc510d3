//! Model-based tests of chains, revocations and the policy: a reference model written as plain
//! collections, compared with the crate over random sequences of grant, revoke, install,
//! remove and trigger operations; and the two cases of the design brief, written out.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

mod common;

use std::collections::{BTreeMap, BTreeSet};

use bulwark_soft::Soft;
use bulwark_trust::{
    CheckError, Deny, Installed, Method, Policy, PolicyError, Request, Verified, check_chain,
};
use common::*;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// The reference model: grants as records of plain fields, the rules of the README as direct
// loops over them. It shares no code with the crate (no parsing, no signatures).

/// The policy's capacity in the tests.
const RULES: usize = 4;
/// The key pool: 0 is the device's root key; 1..KEYS are principals' keys.
const KEYS: usize = 7;
const RESOURCES: [&str; 3] = ["/door/lock", "/rules", "/light"];
/// The request that installing a rule maps to, and removing one.
const INSTALL: (&str, u8) = ("/rules", 2); // POST
const REMOVE: (&str, u8) = ("/rules", 8); // DELETE

#[derive(Clone, Debug)]
struct MGrant {
    /// The grant this one was issued under (`None`: by the root).
    parent: Option<usize>,
    /// The key that signed it.
    signer: usize,
    subject: usize,
    depth: u64,
    level: u8,
    scope: BTreeMap<&'static str, u8>,
}

#[derive(Clone, Debug, PartialEq)]
struct MRule {
    trigger: u32,
    action: u32,
    level: u8,
    leaf: usize,
}

#[derive(Default)]
struct Model {
    grants: Vec<MGrant>,
    /// (signing key, revoked grant) pairs, as the device received them.
    revocations: Vec<(usize, usize)>,
    rules: Vec<MRule>,
}

impl Model {
    /// The grants from the root down to `g`.
    fn path(&self, g: usize) -> Vec<usize> {
        let mut path = vec![g];
        while let Some(p) = self.grants[*path.last().unwrap()].parent {
            path.push(p);
        }
        path.reverse();
        path
    }

    /// The verdict on the chain of `g` for the request `(toid, bit)`.
    fn check(&self, g: usize, (toid, bit): (&str, u8)) -> Result<(), Deny> {
        let path = self.path(g);
        if path.len() > 8 {
            return Err(Deny::TooLong);
        }
        for (i, &gi) in path.iter().enumerate() {
            let grant = &self.grants[gi];
            let issuer = if i == 0 {
                0
            } else {
                self.grants[path[i - 1]].subject
            };
            if grant.signer != issuer {
                return Err(Deny::Signature);
            }
            if i > 0 {
                let parent = &self.grants[path[i - 1]];
                if parent.depth == 0 || grant.depth > parent.depth - 1 {
                    return Err(Deny::Depth);
                }
                if grant.level > parent.level {
                    return Err(Deny::Level);
                }
                for (t, p) in &grant.scope {
                    let outer = parent.scope.get(t).copied().unwrap_or(0);
                    if p & !outer != 0 {
                        return Err(Deny::Scope);
                    }
                }
            }
        }
        if path.iter().any(|&gi| self.revoked_in(gi, &path)) {
            return Err(Deny::Revoked);
        }
        let leaf = &self.grants[g];
        if leaf.scope.get(toid).copied().unwrap_or(0) & bit == 0 {
            return Err(Deny::NotAllowed);
        }
        Ok(())
    }

    /// Whether some revocation of `gi` is signed by a key above it on `path`.
    fn revoked_in(&self, gi: usize, path: &[usize]) -> bool {
        let at = path.iter().position(|&x| x == gi).unwrap();
        let mut entitled: BTreeSet<usize> = BTreeSet::from([0]);
        for &above in &path[..at] {
            entitled.insert(self.grants[above].subject);
        }
        self.revocations
            .iter()
            .any(|&(signer, target)| target == gi && entitled.contains(&signer))
    }

    fn install(&mut self, g: usize, trigger: u32, action: u32) -> Result<Installed, PolicyError> {
        let level = self.grants[g].level;
        let others = |r: &&MRule| r.trigger == trigger && r.leaf != g;
        if self.rules.iter().filter(others).any(|r| r.level == level) {
            return Err(PolicyError::Conflict);
        }
        let shadowed = self.rules.iter().filter(others).any(|r| r.level > level);
        let rule = MRule {
            trigger,
            action,
            level,
            leaf: g,
        };
        if let Some(own) = self
            .rules
            .iter_mut()
            .find(|r| r.trigger == trigger && r.leaf == g)
        {
            *own = rule;
        } else if self.rules.len() >= RULES {
            return Err(PolicyError::Full);
        } else {
            self.rules.push(rule);
        }
        Ok(if shadowed {
            Installed::Shadowed
        } else {
            Installed::Active
        })
    }

    fn remove(&mut self, g: usize, trigger: u32) -> Result<(), PolicyError> {
        let before = self.rules.len();
        self.rules
            .retain(|r| !(r.trigger == trigger && r.leaf == g));
        if self.rules.len() == before {
            Err(PolicyError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Records a revocation and removes the rules whose installer's chain it revokes.
    fn revoke(&mut self, signer: usize, target: usize) -> usize {
        self.revocations.push((signer, target));
        let before = self.rules.len();
        let doomed: Vec<usize> = self
            .rules
            .iter()
            .map(|r| r.leaf)
            .filter(|&leaf| {
                let path = self.path(leaf);
                path.iter().any(|&gi| {
                    let at = path.iter().position(|&x| x == gi).unwrap();
                    let mut entitled: BTreeSet<usize> = BTreeSet::from([0]);
                    for &above in &path[..at] {
                        entitled.insert(self.grants[above].subject);
                    }
                    gi == target && entitled.contains(&signer)
                })
            })
            .collect();
        self.rules.retain(|r| !doomed.contains(&r.leaf));
        before - self.rules.len()
    }

    fn trigger(&self, trigger: u32) -> Option<u32> {
        let top = self
            .rules
            .iter()
            .filter(|r| r.trigger == trigger)
            .map(|r| r.level)
            .max()?;
        let winners: Vec<&MRule> = self
            .rules
            .iter()
            .filter(|r| r.trigger == trigger && r.level == top)
            .collect();
        if winners.len() == 1 {
            Some(winners[0].action)
        } else {
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The system under test: real records, signed with real keys, checked by the crate.

struct Device {
    keys: &'static [Key],
    records: Vec<Vec<u8>>,
    revocations: Vec<Vec<u8>>,
    policy: Policy<RULES>,
}

impl Device {
    fn check(
        &self,
        model: &Model,
        g: usize,
        (toid, bit): (&str, u8),
    ) -> Result<Verified, CheckError> {
        let chain: Vec<&[u8]> = model
            .path(g)
            .iter()
            .map(|&i| self.records[i].as_slice())
            .collect();
        let revs: Vec<&[u8]> = self.revocations.iter().map(Vec::as_slice).collect();
        let method = Method::ALL.into_iter().find(|m| m.bit() == bit).unwrap();
        check_chain(
            &mut Soft,
            &self.keys[0].public(),
            &chain,
            &revs,
            &Request { toid, method },
            None,
        )
    }
}

thread_local! {
    static KEY_POOL: &'static [Key] = Box::leak(
        (0..KEYS)
            .map(|i| if i == KEYS - 1 { Key::p256(i as u8 + 1) } else { Key::ed25519(i as u8 + 1) })
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
}

#[derive(Clone, Debug)]
enum Op {
    /// A grant under grant `parent % len` (or the root when `None` or there are none), to key
    /// `subject`, with depth and level relative to the parent's, a scope narrowed or widened
    /// from the parent's, signed by the right key unless `forge` names another one.
    Grant {
        parent: Option<usize>,
        subject: usize,
        depth: i8,
        level: i16,
        narrow: u8,
        widen: bool,
        forge: Option<usize>,
    },
    /// A revocation of grant `target % len` signed by key `signer`.
    Revoke {
        signer: usize,
        target: usize,
    },
    Install {
        who: usize,
        trigger: u32,
        action: u32,
    },
    Remove {
        who: usize,
        trigger: u32,
    },
    Trigger {
        trigger: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (
            proptest::option::weighted(0.8, 0..64usize),
            1..KEYS,
            -1i8..=1,
            prop_oneof![Just(0i16), Just(-50), Just(-100), Just(1)],
            any::<u8>(),
            proptest::bool::weighted(0.15),
            proptest::option::weighted(0.1, 0..KEYS),
        )
            .prop_map(|(parent, subject, depth, level, narrow, widen, forge)| Op::Grant {
                parent, subject, depth, level, narrow, widen, forge
            }),
        2 => (0..KEYS, 0..64usize).prop_map(|(signer, target)| Op::Revoke { signer, target }),
        4 => (0..64usize, 0..3u32, 0..4u32).prop_map(|(who, trigger, action)| Op::Install { who, trigger, action }),
        1 => (0..64usize, 0..3u32).prop_map(|(who, trigger)| Op::Remove { who, trigger }),
        2 => (0..3u32).prop_map(|trigger| Op::Trigger { trigger }),
    ]
}

/// Runs `ops` on the model and the device and compares every observable result.
fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let keys = KEY_POOL.with(|k| *k);
    let mut model = Model::default();
    let mut device = Device {
        keys,
        records: Vec::new(),
        revocations: Vec::new(),
        policy: Policy::new(),
    };
    for op in ops {
        match *op {
            Op::Grant {
                parent,
                subject,
                depth,
                level,
                narrow,
                widen,
                forge,
            } => {
                let parent = parent
                    .filter(|_| !model.grants.is_empty())
                    .map(|p| p % model.grants.len());
                let (issuer, p_depth, p_level, p_scope) = match parent {
                    None => (
                        0,
                        3u64,
                        200u8,
                        BTreeMap::from([("/door/lock", 0x05), ("/rules", 0x0b), ("/light", 0x01)]),
                    ),
                    Some(p) => {
                        let g = &model.grants[p];
                        (g.subject, g.depth, g.level, g.scope.clone())
                    }
                };
                let depth = (p_depth.saturating_sub(1) as i64 + i64::from(depth)).max(0) as u64;
                let level = (i16::from(p_level) + level).clamp(0, 255) as u8;
                // Narrow: drop the methods `narrow` selects per resource (never to nothing).
                let mut scope = BTreeMap::new();
                for (i, (t, m)) in p_scope.iter().enumerate() {
                    let cut = m & !(narrow >> (2 * i) & 0x03);
                    if cut != 0 {
                        scope.insert(*t, cut);
                    }
                }
                if widen || scope.is_empty() {
                    let extra = RESOURCES[usize::from(narrow) % 3];
                    *scope.entry(extra).or_insert(0) |= 0x10; // FETCH, which no root grant has
                }
                let signer = forge.unwrap_or(issuer);
                let idx = model.grants.len();
                let g = G {
                    cti: {
                        let mut c = [0u8; 16];
                        c[..8].copy_from_slice(&(idx as u64 + 1).to_be_bytes());
                        c
                    },
                    subject: keys[subject].public(),
                    scope: scope.iter().map(|(t, m)| ((*t).to_owned(), *m)).collect(),
                    depth,
                    level,
                    parent: parent.map(|p| {
                        let mut c = [0u8; 16];
                        c[..8].copy_from_slice(&(p as u64 + 1).to_be_bytes());
                        c
                    }),
                    nbf: None,
                    exp: None,
                };
                device.records.push(g.sign(&keys[signer]));
                model.grants.push(MGrant {
                    parent,
                    signer,
                    subject,
                    depth,
                    level,
                    scope,
                });
            }
            Op::Revoke { signer, target } => {
                if model.grants.is_empty() {
                    continue;
                }
                let target = target % model.grants.len();
                let mut cti = [0u8; 16];
                cti[..8].copy_from_slice(&(target as u64 + 1).to_be_bytes());
                let rec = revocation(&keys[signer], 0xee, &[cti], device.revocations.len() as u64);
                let removed = device.policy.revoke(&mut Soft, &rec).unwrap();
                device.revocations.push(rec);
                prop_assert_eq!(removed, model.revoke(signer, target), "revoke {:?}", op);
                seen(format!(
                    "revoke removed {}",
                    if removed > 1 {
                        "2+".to_owned()
                    } else {
                        removed.to_string()
                    }
                ));
            }
            Op::Install { who, trigger, .. } | Op::Remove { who, trigger }
                if !model.grants.is_empty() =>
            {
                let g = who % model.grants.len();
                let install = matches!(op, Op::Install { .. });
                let request = if install { INSTALL } else { REMOVE };
                let verdict = device.check(&model, g, request);
                let expected = model.check(g, request);
                prop_assert_eq!(
                    verdict.map(|_| ()),
                    expected.map_err(CheckError::Deny),
                    "check {:?}",
                    op
                );
                seen(match &verdict {
                    Ok(_) => "check allow".to_owned(),
                    Err(e) => format!("check {e}"),
                });
                let Ok(who) = verdict else { continue };
                if install {
                    let action = match op {
                        Op::Install { action, .. } => *action,
                        _ => 0,
                    };
                    let got = device.policy.install(&who, trigger, action);
                    seen(format!("install {got:?}"));
                    prop_assert_eq!(got, model.install(g, trigger, action), "{:?}", op);
                } else {
                    let got = device.policy.remove(&who, trigger);
                    seen(format!("remove {got:?}"));
                    prop_assert_eq!(got, model.remove(g, trigger), "{:?}", op);
                }
            }
            Op::Install { .. } | Op::Remove { .. } => {}
            Op::Trigger { trigger } => {
                let got = device.policy.trigger(trigger);
                seen(format!(
                    "trigger {}",
                    if got.is_some() { "Some" } else { "None" }
                ));
                prop_assert_eq!(got, model.trigger(trigger), "{:?}", op);
            }
        }
        prop_assert_eq!(device.policy.rules().count(), model.rules.len());
    }
    Ok(())
}

thread_local! {
    /// How often each kind of outcome happened, to show the sequences reach every case.
    static SEEN: std::cell::RefCell<BTreeMap<String, usize>> = const { std::cell::RefCell::new(BTreeMap::new()) };
}

fn seen(what: String) {
    SEEN.with(|s| *s.borrow_mut().entry(what).or_insert(0) += 1);
}

/// 10,000 random sequences of up to 24 operations: the device and the model agree on every
/// verdict, every install, removal and revocation, and every trigger; and the sequences reach
/// every verdict and outcome.
#[test]
fn device_matches_the_model() {
    let config = ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&proptest::collection::vec(op(), 1..24), |ops| run(&ops));
    if let Err(e) = result {
        panic!("{e}");
    }
    let seen = SEEN.with(|s| s.borrow().clone());
    eprintln!("outcomes: {seen:?}");
    for what in [
        "check allow",
        "check deny: signature",
        "check deny: depth",
        "check deny: level",
        "check deny: scope",
        "check deny: revoked",
        "check deny: not-allowed",
        "install Ok(Active)",
        "install Ok(Shadowed)",
        "install Err(Conflict)",
        "install Err(Full)",
        "remove Ok(())",
        "remove Err(NotFound)",
        "revoke removed 0",
        "revoke removed 1",
        "revoke removed 2+",
        "trigger Some",
        "trigger None",
    ] {
        assert!(
            seen.get(what).copied().unwrap_or(0) >= 10,
            "{what} reached {:?} times",
            seen.get(what)
        );
    }
}
