//! Chain checking: every deny reason, escalation attempts, revocation entitlement, every
//! single-byte change of a grant, and the strict parser.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

#[path = "../common/mod.rs"]
mod common;
mod parsing;
mod reasons;
mod revocation;
mod tampering;

use bulwark_trust::{AlgorithmId, CheckError, Deny, Grant, Method, Revocation};
use common::*;

const BOTH: [AlgorithmId; 2] = [AlgorithmId::Ed25519, AlgorithmId::EcdsaP256];

fn deny(d: Deny) -> Result<(), CheckError> {
    Err(CheckError::Deny(d))
}

fn verdict(r: Result<bulwark_trust::Verified, CheckError>) -> Result<(), CheckError> {
    r.map(|_| ())
}

/// root -> a (depth 2, level 200) -> b (depth 1, level 100) -> c (depth 0, level 50).
struct World {
    root: Key,
    a: Key,
    b: Key,
    c: Key,
    ga: G,
    gb: G,
    gc: G,
}

impl World {
    fn new(alg: AlgorithmId) -> World {
        // Mixed algorithms along the chain: the subject's key decides the next signature.
        let other = match alg {
            AlgorithmId::Ed25519 => AlgorithmId::EcdsaP256,
            AlgorithmId::EcdsaP256 => AlgorithmId::Ed25519,
        };
        let (root, a, b, c) = (
            Key::of(alg, 1),
            Key::of(alg, 2),
            Key::of(other, 3),
            Key::of(alg, 4),
        );
        let ga = G::new(0xa0, &a)
            .depth(2)
            .level(200)
            .scope(&[("/door/lock", GET | PUT), ("/rules", POST)])
            .window(Some(100), Some(1000));
        let gb = G::new(0xb0, &b)
            .under(&ga)
            .depth(1)
            .level(100)
            .scope(&[("/door/lock", GET | PUT)])
            .window(Some(100), Some(900));
        let gc = G::new(0xc0, &c)
            .under(&gb)
            .depth(0)
            .level(50)
            .scope(&[("/door/lock", PUT)])
            .window(Some(200), Some(900));
        World {
            root,
            a,
            b,
            c,
            ga,
            gb,
            gc,
        }
    }

    fn records(&self) -> [Vec<u8>; 3] {
        [
            self.ga.sign(&self.root),
            self.gb.sign(&self.a),
            self.gc.sign(&self.b),
        ]
    }

    /// The verdict on `chain` (under the root) with `revs`, for `method` on `/door/lock` at
    /// `now`.
    fn lock_at(
        &self,
        chain: &[&[u8]],
        revs: &[&[u8]],
        method: Method,
        now: Option<u64>,
    ) -> Result<(), CheckError> {
        verdict(check(&self.root, chain, revs, "/door/lock", method, now))
    }

    /// [`World::lock_at`] at time 500.
    fn lock(&self, chain: &[&[u8]], revs: &[&[u8]], method: Method) -> Result<(), CheckError> {
        self.lock_at(chain, revs, method, Some(500))
    }

    fn check_c(&self, gc: &G, revs: &[&[u8]], now: u64) -> Result<(), CheckError> {
        let [ga, gb, _] = self.records();
        let gc = gc.sign(&self.b);
        self.lock_at(&[&ga, &gb, &gc], revs, Method::Put, Some(now))
    }
}

#[test]
fn three_grant_chain_allows_and_reports_the_principal() {
    for alg in BOTH {
        let w = World::new(alg);
        let [ga, gb, gc] = w.records();
        let v = check(
            &w.root,
            &[&ga, &gb, &gc],
            &[],
            "/door/lock",
            Method::Put,
            Some(500),
        )
        .unwrap();
        assert_eq!(v.ctis(), &[[0xa0; 16], [0xb0; 16], [0xc0; 16]]);
        assert_eq!(v.leaf(), [0xc0; 16]);
        assert_eq!(v.level(), 50);
        assert_eq!(
            v.keys(),
            &[w.root.public(), w.a.public(), w.b.public(), w.c.public()]
        );
        // Prefixes of a valid chain are valid chains of their own.
        assert!(check(&w.root, &[&ga], &[], "/rules", Method::Post, Some(500)).is_ok());
        assert_eq!(w.lock(&[&ga, &gb], &[], Method::Get), Ok(()));
    }
}

#[test]
fn chains_of_eight_pass_and_nine_are_too_long() {
    let keys: Vec<Key> = (0..10).map(|i| Key::ed25519(40 + i)).collect();
    let mut grants: Vec<G> = Vec::new();
    let mut records: Vec<Vec<u8>> = Vec::new();
    for i in 0..9u8 {
        let mut g = G::new(0x10 + i, &keys[usize::from(i) + 1]).depth(u64::from(8 - i));
        if let Some(p) = grants.last() {
            g = g.under(p);
        }
        records.push(g.sign(&keys[usize::from(i)]));
        grants.push(g);
    }
    let refs: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
    assert!(check(&keys[0], &refs[..8], &[], "/door/lock", Method::Get, None).is_ok());
    assert_eq!(
        verdict(check(&keys[0], &refs, &[], "/door/lock", Method::Get, None)),
        deny(Deny::TooLong)
    );
}
