//! Every deny reason, each on its smallest change of a valid chain.

use super::*;

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
        assert_eq!(w.lock(&[], &[], Method::Put), deny(Deny::Malformed));
        let mut bad = gb.clone();
        bad.truncate(bad.len() - 1);
        assert_eq!(
            w.lock(&[&ga, &bad], &[], Method::Put),
            deny(Deny::Malformed)
        );
        // signature: gb signed by the root instead of a's key (wrong signer).
        let gb_root = w.gb.sign(&w.root);
        assert_eq!(
            w.lock(&[&ga, &gb_root], &[], Method::Put),
            deny(Deny::Signature)
        );
        // signature: chain out of order.
        assert_eq!(w.lock(&[&gb, &ga], &[], Method::Put), deny(Deny::Signature));
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
            w.lock(&[&ga, &gb0, &gc_any], &[], Method::Put),
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
            w.lock_at(&[&ga, &gb, &gc], &[], Method::Put, None),
            deny(Deny::Expired)
        );
        // revoked
        let rev = revocation(&w.root, 0x51, &[[0xb0; 16]], 1);
        assert_eq!(w.check_c(&w.gc, &[&rev], 500), deny(Deny::Revoked));
        // not-allowed: a method or a resource the last grant lacks.
        assert_eq!(
            w.lock(&[&ga, &gb, &gc], &[], Method::Get),
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
