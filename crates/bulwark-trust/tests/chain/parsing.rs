//! The strict parser: every malformed claim set and envelope is refused.

use super::*;

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
    let run = |record: &[u8]| w.lock(&[&ga, record], &[], Method::Get);
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
        let without = |key: i64| {
            let mut m = base.clone();
            m.retain(|(k, _)| !matches!(k, V::N(x) if *x == key));
            V::M(m).enc()
        };
        v.push(("missing level", without(-65539)));
        v.push(("missing depth", without(-65537)));
        v.push(("missing cti", without(7)));
        v.push(("missing scope", without(9)));
        v.push(("missing cnf", without(8)));
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
        // A scope of the given entries, each `[toid, tperm, ...]`.
        let scope = |entries: Vec<Vec<V>>| set(9, V::A(entries.into_iter().map(V::A).collect()));
        let lock = || V::T("/door/lock".into());
        v.push((
            "duplicate toid",
            scope(vec![vec![lock(), V::U(1)], vec![lock(), V::U(4)]]),
        ));
        v.push(("tperm 0", scope(vec![vec![lock(), V::U(0)]])));
        v.push(("tperm 128", scope(vec![vec![lock(), V::U(128)]])));
        v.push((
            "toid as bytes",
            scope(vec![vec![V::B(b"/door/lock".to_vec()), V::U(1)]]),
        ));
        v.push((
            "scope entry of 3",
            scope(vec![vec![lock(), V::U(1), V::U(1)]]),
        ));
        // A cnf of the COSE_Key with the given `crv` and `x` (OKP), and any `extra` entries.
        let cnf = |crv: i64, x: &[u8], extra: Vec<(V, V)>| {
            let mut key = vec![
                (V::N(1), V::N(1)),
                (V::N(-1), V::N(crv)),
                (V::N(-2), V::B(x.to_vec())),
            ];
            key.extend(extra);
            set(8, V::M(vec![(V::N(1), V::M(key))]))
        };
        let x = w.b.public().raw().to_vec();
        v.push(("cnf with a kid", cnf(6, &x, vec![(V::N(2), V::B(vec![1]))])));
        v.push(("cnf with X25519 crv", cnf(4, &x, vec![])));
        v.push(("cnf key of 31 bytes", cnf(6, &x[..31], vec![])));
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
    // The four items of the good record; `replaced` changes the one at `i` (tag 18).
    let items = vec![p, kid, V::B(payload.clone()), V::B(sig.clone())];
    let replaced = |i: usize, item: V| {
        let mut items = items.clone();
        items[i] = item;
        env(Some(18), items)
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("untagged", env(None, items.clone())),
        ("tag 98", env(Some(98), items.clone())),
        ("three items", env(Some(18), items[..3].to_vec())),
        (
            "protected alg -35",
            replaced(0, V::B(vec![0xa1, 0x01, 0x38, 0x22])),
        ),
        (
            "protected with a second key",
            replaced(0, V::B(vec![0xa2, 0x01, 0x27, 0x04, 0x40])),
        ),
        ("empty unprotected", replaced(1, V::M(vec![]))),
        (
            "kid of 7 bytes",
            replaced(1, V::M(vec![(V::N(4), V::B(vec![0; 7]))])),
        ),
        (
            "signature of 63 bytes",
            replaced(3, V::B(sig[..63].to_vec())),
        ),
        ("payload as text", replaced(2, V::T("x".into()))),
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
