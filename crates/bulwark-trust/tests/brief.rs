//! The cases of the design brief, written out: the door lock shared with family and a guest,
//! the cascade (B stops trusting C: what C introduced falls too), and two users configuring
//! the same signal.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

mod common;

use bulwark_soft::Soft;
use bulwark_trust::{CheckError, Deny, Installed, Method, Policy, PolicyError, Verified};
use common::*;

const LOCK: &[(&str, u8)] = &[("/door/lock", GET | PUT), ("/rules", POST)];

fn open(root: &Key, chain: &[&[u8]], revs: &[&[u8]]) -> Result<Verified, CheckError> {
    check(root, chain, revs, "/door/lock", Method::Put, None)
}

#[test]
fn door_lock_owner_family_guest() {
    let gateway = Key::ed25519(1); // the owner's gateway: the device's root of trust
    let (owner, family, guest) = (Key::ed25519(2), Key::p256(3), Key::ed25519(4));
    let g_owner = G::new(1, &owner).scope(LOCK).depth(2).level(255);
    let g_family = G::new(2, &family).scope(LOCK).depth(1).level(200);
    let g_guest = G::new(3, &guest)
        .under(&g_family)
        .scope(&[("/door/lock", PUT)])
        .level(100);
    let (r_owner, r_family, r_guest) = (
        g_owner.sign(&gateway),
        g_family.sign(&gateway),
        g_guest.sign(&family),
    );
    assert!(
        open(&gateway, &[&r_family, &r_guest], &[]).is_ok(),
        "the guest opens"
    );
    let revoke_family = revocation(&gateway, 9, &[g_family.cti], 1);
    assert_eq!(
        open(&gateway, &[&r_family, &r_guest], &[&revoke_family]).err(),
        Some(CheckError::Deny(Deny::Revoked)),
        "the guest is refused once the family member's grant is revoked"
    );
    assert!(
        open(&gateway, &[&r_owner], &[&revoke_family]).is_ok(),
        "the owner still opens"
    );
}

/// "If B stops trusting C, whatever C introduced (C -> D, C -> E) is revoked too."
#[test]
fn brief_b_revokes_c_and_what_c_introduced_falls() {
    let a = Key::ed25519(10); // the device's root
    let (b, c, d, e) = (
        Key::ed25519(11),
        Key::p256(12),
        Key::ed25519(13),
        Key::ed25519(14),
    );
    let gb = G::new(0xb, &b).scope(LOCK).depth(3).level(200);
    let gc = G::new(0xc, &c).under(&gb).scope(LOCK).depth(2).level(150);
    let gd = G::new(0xd, &d).under(&gc).scope(LOCK).depth(0).level(100);
    let ge = G::new(0xe, &e).under(&gc).scope(LOCK).depth(0).level(90);
    let (rb, rc, rd, re) = (gb.sign(&a), gc.sign(&b), gd.sign(&c), ge.sign(&c));
    let chains: [(&str, Vec<&[u8]>); 4] = [
        ("B", vec![&rb]),
        ("C", vec![&rb, &rc]),
        ("D", vec![&rb, &rc, &rd]),
        ("E", vec![&rb, &rc, &re]),
    ];
    // Every principal installs a rule on its own trigger.
    let mut policy: Policy<8> = Policy::new();
    for (trigger, (_, chain)) in chains.iter().enumerate() {
        let who = check(&a, chain, &[], "/rules", Method::Post, None).unwrap();
        assert_eq!(
            policy.install(&who, trigger as u32, 100 + trigger as u32),
            Ok(Installed::Active)
        );
    }
    // Strangers (and C itself, and D) cannot revoke C's grant.
    for (name, k) in [
        ("stranger", Key::ed25519(99)),
        ("C", Key::p256(12)),
        ("D", Key::ed25519(13)),
    ] {
        let rev = revocation(&k, 1, &[gc.cti], 1);
        assert_eq!(policy.revoke(&mut Soft, &rev), Ok(0), "{name}");
        for (who, chain) in &chains {
            assert!(
                open(&a, chain, &[&rev]).is_ok(),
                "{name}'s revocation let {who} fail"
            );
        }
    }
    // B stops trusting C.
    let rev = revocation(&b, 2, &[gc.cti], 1);
    assert_eq!(
        policy.revoke(&mut Soft, &rev),
        Ok(3),
        "C's, D's and E's rules go"
    );
    for (who, chain) in &chains {
        let expect = if *who == "B" {
            None
        } else {
            Some(CheckError::Deny(Deny::Revoked))
        };
        assert_eq!(open(&a, chain, &[&rev]).err(), expect, "{who}");
    }
    assert_eq!(policy.trigger(0), Some(100), "B's rule stays");
    for t in 1..4 {
        assert_eq!(policy.trigger(t), None);
    }
    // C cannot reinstall under the revoked chain.
    assert_eq!(
        check(&a, &chains[1].1, &[&rev], "/rules", Method::Post, None).err(),
        Some(CheckError::Deny(Deny::Revoked))
    );
}

/// "User 1: on signal, do X; user 2: on the same signal, do Y": the higher level wins, equal
/// levels never silently override, and the lower rule takes over when the higher one goes.
#[test]
fn brief_two_users_configure_the_same_signal() {
    let root = Key::ed25519(20);
    let user = |seed: u8, cti: u8, level: u8| {
        let g = G::new(cti, &Key::ed25519(seed)).scope(LOCK).level(level);
        let record = g.sign(&root);
        (g, record)
    };
    let (g1, r1) = user(21, 1, 200);
    let (_, r2) = user(22, 2, 100);
    let (_, r3) = user(23, 3, 200);
    let (_, r4) = user(24, 4, 100);
    let who = |r: &[u8]| check(&root, &[r], &[], "/rules", Method::Post, None).unwrap();
    const SIGNAL: u32 = 7;
    const X: u32 = 1;
    const Y: u32 = 2;
    const Z: u32 = 3;
    let mut policy: Policy<8> = Policy::new();
    assert_eq!(policy.install(&who(&r2), SIGNAL, Y), Ok(Installed::Active));
    assert_eq!(policy.trigger(SIGNAL), Some(Y));
    assert_eq!(
        policy.install(&who(&r1), SIGNAL, X),
        Ok(Installed::Active),
        "higher wins"
    );
    assert_eq!(policy.trigger(SIGNAL), Some(X));
    // Equal levels: refused, in both directions, and nothing changes.
    assert_eq!(
        policy.install(&who(&r3), SIGNAL, Z),
        Err(PolicyError::Conflict)
    );
    assert_eq!(
        policy.install(&who(&r4), SIGNAL, Z),
        Err(PolicyError::Conflict)
    );
    assert_eq!(policy.trigger(SIGNAL), Some(X));
    // A principal may change its own rule.
    assert_eq!(policy.install(&who(&r1), SIGNAL, Z), Ok(Installed::Active));
    assert_eq!(policy.trigger(SIGNAL), Some(Z));
    // Another principal cannot remove it.
    assert_eq!(policy.remove(&who(&r3), SIGNAL), Err(PolicyError::NotFound));
    // User 1's grant is revoked: user 2's rule takes over.
    let rev = revocation(&root, 9, &[g1.cti], 1);
    assert_eq!(policy.revoke(&mut Soft, &rev), Ok(1));
    assert_eq!(policy.trigger(SIGNAL), Some(Y));
    // Now user 3 (level 200) may install, and wins; user 4 (level 100) still conflicts.
    assert_eq!(policy.install(&who(&r3), SIGNAL, Z), Ok(Installed::Active));
    assert_eq!(
        policy.install(&who(&r4), SIGNAL, X),
        Err(PolicyError::Conflict)
    );
    assert_eq!(policy.trigger(SIGNAL), Some(Z));
    assert_eq!(policy.remove(&who(&r3), SIGNAL), Ok(()));
    assert_eq!(policy.trigger(SIGNAL), Some(Y));
    // A lower rule installed under a higher one is kept, shadowed.
    let (_, r5) = user(25, 5, 50);
    assert_eq!(
        policy.install(&who(&r5), SIGNAL, X),
        Ok(Installed::Shadowed)
    );
    assert_eq!(policy.trigger(SIGNAL), Some(Y));
}
