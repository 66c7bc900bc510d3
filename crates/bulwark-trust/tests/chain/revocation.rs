//! Who may revoke a grant, the cascade, and revocations that do not count.

use super::*;

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
            w.lock(&[&ga, &gb], &[&rev], Method::Get),
            deny(Deny::Revoked)
        );
        assert_eq!(
            w.lock(&[&ga, &gb, &gc], &[&rev], Method::Put),
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
