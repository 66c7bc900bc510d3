//! Every single-byte change of a grant, and a delegate's attempts to give more than it has.

use super::*;

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
                let chain: Vec<&[u8]> = if which == 0 {
                    vec![&record]
                } else {
                    vec![&ga, &record]
                };
                let r = w.lock(&chain, &[], Method::Get);
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
            w.lock(&[&ga, &gb, &self_signed], &[], Method::Put),
            deny(Deny::Signature)
        );
        // c presents b's grant as its parent but names a's (wrong parent), and a grant of
        // a's issued under b's id.
        let wrong = w.gc.clone().under(&w.ga).sign(&w.b);
        assert_eq!(
            w.lock(&[&ga, &gb, &wrong], &[], Method::Put),
            deny(Deny::Parent)
        );
        let wrong = w.gc.clone().under(&w.gb).sign(&w.a);
        assert_eq!(w.lock(&[&ga, &wrong], &[], Method::Put), deny(Deny::Parent));
        // (a vouching for c directly, with a's own id as parent, is a valid chain.)
        let direct = w.gc.clone().under(&w.ga).sign(&w.a);
        assert_eq!(w.lock(&[&ga, &direct], &[], Method::Put), Ok(()));
    }
}
