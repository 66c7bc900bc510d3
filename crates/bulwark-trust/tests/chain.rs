//! Chain checking: every deny reason, escalation attempts, revocation entitlement, every
//! single-byte change of a grant, and the strict parser.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

mod common;

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

    fn check_c(&self, gc: &G, revs: &[&[u8]], now: u64) -> Result<(), CheckError> {
        let [ga, gb, _] = self.records();
        let gc = gc.sign(&self.b);
        verdict(check(
            &self.root,
            &[&ga, &gb, &gc],
            revs,
            "/door/lock",
            Method::Put,
            Some(now),
        ))
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
        assert!(
            check(
                &w.root,
                &[&ga, &gb],
                &[],
                "/door/lock",
                Method::Get,
                Some(500)
            )
            .is_ok()
        );
    }
}

#[test]
fn every_reason() {
    for alg in BOTH {
        let w = World::new(alg);
        let [ga, gb, gc] = w.records();
        let now = Some(500);
        // too-long and malformed
        let nine: Vec<&[u8]> = vec![&ga; 9];
        assert_eq!(
            verdict(check(&w.root, &nine, &[], "/door/lock", Method::Put, now)),
            deny(Deny::TooLong)
        );
        assert_eq!(
            verdict(check(&w.root, &[], &[], "/door/lock", Method::Put, now)),
            deny(Deny::Malformed)
        );
        let mut bad = gb.clone();
        bad.truncate(bad.len() - 1);
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &bad],
                &[],
                "/door/lock",
                Method::Put,
                now
            )),
            deny(Deny::Malformed)
        );
        // signature: gb signed by the root instead of a's key (wrong signer).
        let gb_root = w.gb.sign(&w.root);
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &gb_root],
                &[],
                "/door/lock",
                Method::Put,
                now
            )),
            deny(Deny::Signature)
        );
        // signature: chain out of order.
        assert_eq!(
            verdict(check(
                &w.root,
                &[&gb, &ga],
                &[],
                "/door/lock",
                Method::Put,
                now
            )),
            deny(Deny::Signature)
        );
        // parent: the first grant names a parent; a later one names the wrong one.
        let ga_parent = w.ga.clone().under(&w.gc).sign(&w.root);
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga_parent],
                &[],
                "/rules",
                Method::Post,
                now
            )),
            deny(Deny::Parent)
        );
        let mut wrong = w.gc.clone();
        wrong.parent = Some([0xa0; 16]);
        assert_eq!(w.check_c(&wrong, &[], 500), deny(Deny::Parent));
        wrong.parent = None;
        assert_eq!(w.check_c(&wrong, &[], 500), deny(Deny::Parent));
        // depth: same depth as the parent; and below a depth-0 grant.
        assert_eq!(
            w.check_c(&w.gc.clone().depth(1), &[], 500),
            deny(Deny::Depth)
        );
        let gb0 = w.gb.clone().depth(0).sign(&w.a);
        let gc_any = w.gc.sign(&w.b);
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &gb0, &gc_any],
                &[],
                "/door/lock",
                Method::Put,
                now
            )),
            deny(Deny::Depth)
        );
        // level: higher than the parent's.
        assert_eq!(
            w.check_c(&w.gc.clone().level(101), &[], 500),
            deny(Deny::Level)
        );
        assert_eq!(w.check_c(&w.gc.clone().level(100), &[], 500), Ok(()));
        // scope: a wider method set, a resource the parent lacks.
        assert_eq!(
            w.check_c(&w.gc.clone().scope(&[("/door/lock", PUT | 8)]), &[], 500),
            deny(Deny::Scope)
        );
        assert_eq!(
            w.check_c(
                &w.gc.clone().scope(&[("/door/lock", PUT), ("/rules", POST)]),
                &[],
                500
            ),
            deny(Deny::Scope)
        );
        // validity: no exp under a parent with one, a later exp, an earlier or missing nbf.
        for (nbf, exp) in [
            (Some(200), None),
            (Some(200), Some(901)),
            (Some(99), Some(900)),
            (None, Some(900)),
        ] {
            assert_eq!(
                w.check_c(&w.gc.clone().window(nbf, exp), &[], 500),
                deny(Deny::Validity),
                "{nbf:?} {exp:?}"
            );
        }
        assert_eq!(
            w.check_c(&w.gc.clone().window(Some(100), Some(900)), &[], 500),
            Ok(())
        );
        // expired: at exp, before nbf (of any grant), and without a clock.
        assert_eq!(w.check_c(&w.gc, &[], 900), deny(Deny::Expired));
        assert_eq!(w.check_c(&w.gc, &[], 899), Ok(()));
        assert_eq!(w.check_c(&w.gc, &[], 199), deny(Deny::Expired));
        assert_eq!(w.check_c(&w.gc, &[], 200), Ok(()));
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &gb, &gc],
                &[],
                "/door/lock",
                Method::Put,
                None
            )),
            deny(Deny::Expired)
        );
        // revoked
        let rev = revocation(&w.root, 0x51, &[[0xb0; 16]], 1);
        assert_eq!(w.check_c(&w.gc, &[&rev], 500), deny(Deny::Revoked));
        // not-allowed: a method or a resource the last grant lacks.
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &gb, &gc],
                &[],
                "/door/lock",
                Method::Get,
                now
            )),
            deny(Deny::NotAllowed)
        );
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &gb, &gc],
                &[],
                "/rules",
                Method::Post,
                now
            )),
            deny(Deny::NotAllowed)
        );
        // wrong root key
        assert_eq!(
            verdict(check(
                &w.a,
                &[&ga, &gb, &gc],
                &[],
                "/door/lock",
                Method::Put,
                now
            )),
            deny(Deny::Signature)
        );
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

#[test]
fn who_may_revoke() {
    for alg in BOTH {
        let w = World::new(alg);
        let stranger = Key::of(alg, 99);
        let (ca, cb, cc) = ([0xa0; 16], [0xb0; 16], [0xc0; 16]);
        // (signer, revoked grant, effective?)
        let cases: [(&Key, [u8; 16], bool); 12] = [
            (&w.root, ca, true),
            (&w.root, cb, true),
            (&w.root, cc, true),
            (&w.a, ca, false), // a's own grant: a did not vouch for it
            (&w.a, cb, true),
            (&w.a, cc, true),
            (&w.b, cb, false),
            (&w.b, cc, true),
            (&w.c, cc, false),
            (&stranger, ca, false),
            (&stranger, cb, false),
            (&stranger, cc, false),
        ];
        for (i, (signer, cti, effective)) in cases.iter().enumerate() {
            let rev = revocation(signer, i as u8, &[*cti], 7);
            let expect = if *effective {
                deny(Deny::Revoked)
            } else {
                Ok(())
            };
            assert_eq!(w.check_c(&w.gc, &[&rev], 500), expect, "case {i}");
        }
        // The cascade: revoking b's grant refuses c's chain and b's own, not a's.
        let rev = revocation(&w.a, 0x60, &[cb], 1);
        let [ga, gb, gc] = w.records();
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &gb],
                &[&rev],
                "/door/lock",
                Method::Get,
                Some(500)
            )),
            deny(Deny::Revoked)
        );
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &gb, &gc],
                &[&rev],
                "/door/lock",
                Method::Put,
                Some(500)
            )),
            deny(Deny::Revoked)
        );
        assert!(check(&w.root, &[&ga], &[&rev], "/rules", Method::Post, Some(500)).is_ok());
        // A revocation listing other ids too still counts; a forged signature does not.
        let rev = revocation(&w.root, 0x61, &[[1; 16], cc, [2; 16]], 2);
        assert_eq!(w.check_c(&w.gc, &[&rev], 500), deny(Deny::Revoked));
        let mut forged = rev.clone();
        let last = forged.len() - 1;
        forged[last] ^= 1;
        assert_eq!(w.check_c(&w.gc, &[&forged], 500), Ok(()));
        // A stranger's revocation carrying the root's kid does not verify either.
        let mut kid_swap = revocation(&stranger, 0x62, &[cc], 3);
        let at = kid_swap
            .windows(8)
            .position(|win| win == stranger.kid())
            .unwrap();
        kid_swap[at..at + 8].copy_from_slice(&w.root.kid());
        assert_eq!(w.check_c(&w.gc, &[&kid_swap], 500), Ok(()));
        // A revocation that cannot be parsed fails the check closed.
        let mut broken = rev.clone();
        broken.push(0);
        assert_eq!(
            w.check_c(&w.gc, &[&revocation(&stranger, 1, &[cc], 1), &broken], 500),
            Err(CheckError::Revocation(1))
        );
        // And a grant is not a revocation.
        assert_eq!(
            w.check_c(&w.gc, &[&ga], 500),
            Err(CheckError::Revocation(0))
        );
    }
}

/// Every single-byte change (each position, each of the 255 other values) of the first grant
/// of a chain, and with `second` of the second grant too, is refused.
fn every_single_byte_change(alg: AlgorithmId, second: bool) {
    let w = World::new(alg);
    let [ga, gb, _] = w.records();
    let mut changed = 0usize;
    let grants = if second {
        vec![(0usize, &ga), (1, &gb)]
    } else {
        vec![(0, &ga)]
    };
    for (which, original) in grants {
        for i in 0..original.len() {
            for delta in 1..=255u8 {
                let mut record = original.clone();
                record[i] ^= delta;
                let r = if which == 0 {
                    check(
                        &w.root,
                        &[&record],
                        &[],
                        "/door/lock",
                        Method::Get,
                        Some(500),
                    )
                } else {
                    check(
                        &w.root,
                        &[&ga, &record],
                        &[],
                        "/door/lock",
                        Method::Get,
                        Some(500),
                    )
                };
                assert!(
                    r.is_err(),
                    "{alg:?} grant {which} byte {i} ^ {delta:#04x} accepted"
                );
                changed += 1;
            }
        }
    }
    let expected = if second {
        ga.len() + gb.len()
    } else {
        ga.len()
    };
    assert_eq!(changed, expected * 255);
}

#[test]
fn every_single_byte_change_of_an_ed25519_grant_is_refused() {
    every_single_byte_change(AlgorithmId::Ed25519, true);
}

#[test]
fn every_single_byte_change_of_an_es256_grant_is_refused() {
    // The first grant only: ECDSA verification is several times slower, and the parent
    // link's bytes are covered by the Ed25519 run.
    every_single_byte_change(AlgorithmId::EcdsaP256, false);
}

#[test]
fn escalation_attempts() {
    for alg in BOTH {
        let w = World::new(alg);
        // b tries to give c more than b has, in each dimension; every attempt is refused.
        let attempts: [(G, Deny); 6] = [
            (
                w.gc.clone().scope(&[("/door/lock", GET | PUT | 8)]),
                Deny::Scope,
            ),
            (w.gc.clone().scope(&[("/garage", PUT)]), Deny::Scope),
            (w.gc.clone().depth(1), Deny::Depth),
            (w.gc.clone().level(101), Deny::Level),
            (w.gc.clone().under(&w.ga), Deny::Parent),
            (w.gc.clone().window(Some(200), Some(2000)), Deny::Validity),
        ];
        for (g, reason) in &attempts {
            assert_eq!(w.check_c(g, &[], 500), deny(*reason), "{g:?}");
        }
        // c signs its own grant (wrong signer).
        let [ga, gb, _] = w.records();
        let self_signed = w.gc.sign(&w.c);
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &gb, &self_signed],
                &[],
                "/door/lock",
                Method::Put,
                Some(500)
            )),
            deny(Deny::Signature)
        );
        // c presents b's grant as its parent but names a's (wrong parent), and a grant of
        // a's issued under b's id.
        let wrong = w.gc.clone().under(&w.ga).sign(&w.b);
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &gb, &wrong],
                &[],
                "/door/lock",
                Method::Put,
                Some(500)
            )),
            deny(Deny::Parent)
        );
        let wrong = w.gc.clone().under(&w.gb).sign(&w.a);
        assert_eq!(
            verdict(check(
                &w.root,
                &[&ga, &wrong],
                &[],
                "/door/lock",
                Method::Put,
                Some(500)
            )),
            deny(Deny::Parent)
        );
        // (a vouching for c directly, with a's own id as parent, is a valid chain.)
        let direct = w.gc.clone().under(&w.ga).sign(&w.a);
        assert!(
            check(
                &w.root,
                &[&ga, &direct],
                &[],
                "/door/lock",
                Method::Put,
                Some(500)
            )
            .is_ok()
        );
    }
}

#[test]
fn strict_parsing() {
    let w = World::new(AlgorithmId::Ed25519);
    let signer = &w.a;
    let base = claims(&w.gb);
    let good = envelope(signer, &signer.protected(), &V::M(base.clone()).enc()).enc();
    assert_eq!(
        good,
        w.gb.sign(&w.a),
        "the test encoder matches the crate's"
    );
    let [ga, _, _] = w.records();
    let run = |record: &[u8]| {
        verdict(check(
            &w.root,
            &[&ga, record],
            &[],
            "/door/lock",
            Method::Get,
            Some(500),
        ))
    };
    assert_eq!(run(&good), Ok(()));
    // Any key order is read (a validly signed grant with its claims reversed).
    let mut reversed = base.clone();
    reversed.reverse();
    let rec = envelope(signer, &signer.protected(), &V::M(reversed).enc()).enc();
    assert_eq!(run(&rec), Ok(()));

    let payload_cases: Vec<(&str, Vec<u8>)> = {
        let mut v = Vec::new();
        let mut m = base.clone();
        m.push((V::N(6), V::U(1)));
        v.push(("unknown claim (iat)", V::M(m).enc()));
        let mut m = base.clone();
        m.push((V::N(-65540), V::A(vec![])));
        v.push(("a revocation claim in a grant", V::M(m).enc()));
        let mut m = base.clone();
        m.push((V::N(-65539), V::U(1)));
        v.push(("duplicate level", V::M(m).enc()));
        let mut m = base.clone();
        m.retain(|(k, _)| !matches!(k, V::N(-65539)));
        v.push(("missing level", V::M(m).enc()));
        let mut m = base.clone();
        m.retain(|(k, _)| !matches!(k, V::N(-65537)));
        v.push(("missing depth", V::M(m).enc()));
        let mut m = base.clone();
        m.retain(|(k, _)| !matches!(k, V::N(7)));
        v.push(("missing cti", V::M(m).enc()));
        let mut m = base.clone();
        m.retain(|(k, _)| !matches!(k, V::N(9)));
        v.push(("missing scope", V::M(m).enc()));
        let mut m = base.clone();
        m.retain(|(k, _)| !matches!(k, V::N(8)));
        v.push(("missing cnf", V::M(m).enc()));
        let set = |key: i64, value: V| {
            let mut m = base.clone();
            for (k, v) in m.iter_mut() {
                if matches!(k, V::N(x) if *x == key) {
                    *v = value.clone();
                }
            }
            V::M(m).enc()
        };
        v.push(("level 256", set(-65539, V::U(256))));
        v.push(("level as text", set(-65539, V::T("1".into()))));
        v.push(("negative depth", set(-65537, V::N(-1))));
        v.push(("cti of 15 bytes", set(7, V::B(vec![0xb0; 15]))));
        v.push(("parent of 17 bytes", set(-65538, V::B(vec![0xa0; 17]))));
        v.push(("exp as text", set(4, V::T("900".into()))));
        v.push(("empty scope", set(9, V::A(vec![]))));
        v.push((
            "duplicate toid",
            set(
                9,
                V::A(vec![
                    V::A(vec![V::T("/door/lock".into()), V::U(1)]),
                    V::A(vec![V::T("/door/lock".into()), V::U(4)]),
                ]),
            ),
        ));
        v.push((
            "tperm 0",
            set(
                9,
                V::A(vec![V::A(vec![V::T("/door/lock".into()), V::U(0)])]),
            ),
        ));
        v.push((
            "tperm 128",
            set(
                9,
                V::A(vec![V::A(vec![V::T("/door/lock".into()), V::U(128)])]),
            ),
        ));
        v.push((
            "toid as bytes",
            set(
                9,
                V::A(vec![V::A(vec![V::B(b"/door/lock".to_vec()), V::U(1)])]),
            ),
        ));
        v.push((
            "scope entry of 3",
            set(
                9,
                V::A(vec![V::A(vec![
                    V::T("/door/lock".into()),
                    V::U(1),
                    V::U(1),
                ])]),
            ),
        ));
        v.push((
            "cnf with a kid",
            set(
                8,
                V::M(vec![(
                    V::N(1),
                    V::M(vec![
                        (V::N(1), V::N(1)),
                        (V::N(-1), V::N(6)),
                        (V::N(-2), V::B(w.b.public().raw().to_vec())),
                        (V::N(2), V::B(vec![1])),
                    ]),
                )]),
            ),
        ));
        v.push((
            "cnf with X25519 crv",
            set(
                8,
                V::M(vec![(
                    V::N(1),
                    V::M(vec![
                        (V::N(1), V::N(1)),
                        (V::N(-1), V::N(4)),
                        (V::N(-2), V::B(w.b.public().raw().to_vec())),
                    ]),
                )]),
            ),
        ));
        v.push((
            "cnf key of 31 bytes",
            set(
                8,
                V::M(vec![(
                    V::N(1),
                    V::M(vec![
                        (V::N(1), V::N(1)),
                        (V::N(-1), V::N(6)),
                        (V::N(-2), V::B(w.b.public().raw()[..31].to_vec())),
                    ]),
                )]),
            ),
        ));
        // Non-shortest head: level 100 as 0x19 0x00 0x64.
        let mut m = base.clone();
        for (k, v) in m.iter_mut() {
            if matches!(k, V::N(-65539)) {
                *v = V::Raw(vec![0x19, 0x00, 0x64]);
            }
        }
        v.push(("non-shortest level", V::M(m).enc()));
        // Indefinite-length map.
        let mut enc = V::M(base.clone()).enc();
        enc[0] = 0xbf;
        enc.push(0xff);
        v.push(("indefinite map", enc));
        let mut enc = V::M(base.clone()).enc();
        enc.push(0x00);
        v.push(("trailing byte in the payload", enc));
        v.push(("payload not a map", V::A(vec![]).enc()));
        v
    };
    for (what, payload) in &payload_cases {
        let rec = envelope(signer, &signer.protected(), payload).enc();
        assert_eq!(run(&rec), deny(Deny::Malformed), "{what}");
        assert!(Grant::parse(&rec).is_err(), "{what}");
    }

    // Envelope cases.
    let payload = V::M(base.clone()).enc();
    let sig = signer.raw_signature(&signer.protected(), &payload).to_vec();
    let env = |tag: Option<u64>, items: Vec<V>| {
        let arr = V::A(items);
        match tag {
            Some(t) => V::Tag(t, Box::new(arr)).enc(),
            None => arr.enc(),
        }
    };
    let kid = V::M(vec![(V::N(4), V::B(signer.kid().to_vec()))]);
    let p = V::B(signer.protected().to_vec());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "untagged",
            env(
                None,
                vec![
                    p.clone(),
                    kid.clone(),
                    V::B(payload.clone()),
                    V::B(sig.clone()),
                ],
            ),
        ),
        (
            "tag 98",
            env(
                Some(98),
                vec![
                    p.clone(),
                    kid.clone(),
                    V::B(payload.clone()),
                    V::B(sig.clone()),
                ],
            ),
        ),
        (
            "three items",
            env(
                Some(18),
                vec![p.clone(), kid.clone(), V::B(payload.clone())],
            ),
        ),
        (
            "protected alg -35",
            env(
                Some(18),
                vec![
                    V::B(vec![0xa1, 0x01, 0x38, 0x22]),
                    kid.clone(),
                    V::B(payload.clone()),
                    V::B(sig.clone()),
                ],
            ),
        ),
        (
            "protected with a second key",
            env(
                Some(18),
                vec![
                    V::B(vec![0xa2, 0x01, 0x27, 0x04, 0x40]),
                    kid.clone(),
                    V::B(payload.clone()),
                    V::B(sig.clone()),
                ],
            ),
        ),
        (
            "empty unprotected",
            env(
                Some(18),
                vec![
                    p.clone(),
                    V::M(vec![]),
                    V::B(payload.clone()),
                    V::B(sig.clone()),
                ],
            ),
        ),
        (
            "kid of 7 bytes",
            env(
                Some(18),
                vec![
                    p.clone(),
                    V::M(vec![(V::N(4), V::B(vec![0; 7]))]),
                    V::B(payload.clone()),
                    V::B(sig.clone()),
                ],
            ),
        ),
        (
            "signature of 63 bytes",
            env(
                Some(18),
                vec![
                    p.clone(),
                    kid.clone(),
                    V::B(payload.clone()),
                    V::B(sig[..63].to_vec()),
                ],
            ),
        ),
        (
            "payload as text",
            env(
                Some(18),
                vec![p.clone(), kid.clone(), V::T("x".into()), V::B(sig.clone())],
            ),
        ),
    ];
    for (what, rec) in &cases {
        assert_eq!(run(rec), deny(Deny::Malformed), "{what}");
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(run(&trailing), deny(Deny::Malformed));
    let mut big = good.clone();
    big.resize(513, 0);
    assert_eq!(run(&big), deny(Deny::Malformed));
    // Revocations are parsed as strictly.
    let rev = revocation(&w.root, 1, &[[0xa0; 16]], 5);
    let parsed = Revocation::parse(&rev).unwrap();
    assert_eq!(parsed.seq, 5);
    assert_eq!(parsed.revokes.iter().collect::<Vec<_>>(), vec![[0xa0; 16]]);
    for payload in [
        V::M(vec![
            (V::N(7), V::B(vec![1; 16])),
            (V::N(-65540), V::A(vec![])),
            (V::N(-65541), V::U(1)),
        ]),
        V::M(vec![
            (V::N(7), V::B(vec![1; 16])),
            (V::N(-65540), V::A(vec![V::B(vec![1; 15])])),
            (V::N(-65541), V::U(1)),
        ]),
        V::M(vec![
            (V::N(7), V::B(vec![1; 16])),
            (V::N(-65540), V::A(vec![V::B(vec![1; 16])])),
        ]),
        V::M(vec![
            (V::N(7), V::B(vec![1; 16])),
            (V::N(-65540), V::A(vec![V::B(vec![1; 16])])),
            (V::N(-65541), V::U(1)),
            (V::N(4), V::U(1)),
        ]),
    ] {
        let rec = envelope(&w.root, &w.root.protected(), &payload.enc()).enc();
        assert!(Revocation::parse(&rec).is_err(), "{payload:?}");
    }
}
