//! Trust-chain records (`bulwark_trust::Grant::parse`, `Revocation::parse`).
//!
//! Input: the bytes of a record. The parsers never panic; a record is never both a grant and
//! a revocation; whatever parses re-encodes (deterministic encoding, the same envelope) into
//! a record that parses to the same claims.
#![no_main]

use bulwark_trust::encode::{GrantClaims, grant_payload, revocation_payload, sign1};
use bulwark_trust::{Cti, Grant, Revocation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let grant = Grant::parse(data);
    let revocation = Revocation::parse(data);
    assert!(
        !(grant.is_ok() && revocation.is_ok()),
        "both a grant and a revocation"
    );
    if let Ok(g) = grant {
        let scope: Vec<(&str, u8)> = g.scope.iter().collect();
        assert_eq!(scope.len(), g.scope.len());
        let claims = GrantClaims {
            cti: g.cti,
            subject: g.subject,
            scope: &scope,
            depth: g.depth,
            level: g.level,
            parent: g.parent,
            nbf: g.nbf,
            exp: g.exp,
        };
        let mut payload = [0u8; 1024];
        let n = grant_payload(&claims, &mut payload).expect("a parsed grant re-encodes");
        // Shortest heads are enforced, so the deterministic payload is no longer.
        assert_eq!(n, g.envelope.payload().len());
        let mut record = [0u8; 1024];
        let m = sign1(
            g.envelope.alg,
            &g.envelope.kid,
            &payload[..n],
            g.envelope.signature(),
            &mut record,
        )
        .expect("the same envelope fits");
        assert_eq!(m, data.len());
        let back = Grant::parse(&record[..m]).expect("the re-encoded grant parses");
        assert_eq!(
            (
                back.cti,
                back.subject,
                back.depth,
                back.level,
                back.parent,
                back.nbf,
                back.exp
            ),
            (g.cti, g.subject, g.depth, g.level, g.parent, g.nbf, g.exp)
        );
        assert!(back.scope.iter().eq(g.scope.iter()));
    }
    if let Ok(r) = revocation {
        let ids: Vec<Cti> = r.revokes.iter().collect();
        assert_eq!(ids.len(), r.revokes.len());
        let mut payload = [0u8; 1024];
        let n = revocation_payload(&r.cti, &ids, r.seq, &mut payload)
            .expect("a parsed revocation re-encodes");
        assert_eq!(n, r.envelope.payload().len());
        let mut record = [0u8; 1024];
        let m = sign1(
            r.envelope.alg,
            &r.envelope.kid,
            &payload[..n],
            r.envelope.signature(),
            &mut record,
        )
        .expect("the same envelope fits");
        let back = Revocation::parse(&record[..m]).expect("the re-encoded revocation parses");
        assert_eq!((back.cti, back.seq), (r.cti, r.seq));
        assert!(back.revokes.iter().eq(r.revokes.iter()));
    }
});
