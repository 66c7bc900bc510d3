//! `bulwark trust check`: every deny reason, from records the CLI writes and records built
//! in-process (the ones the CLI refuses to issue), and every single-byte change of a grant.

use crate::common::*;
use crate::trust::{KEY_PAIRS, check_chain, door_chain, lock_at_2000_after, path, write_grant};
use bulwark_trust::Grant;
use bulwark_trust::encode::GrantClaims;

#[test]
fn trust_check_every_deny_reason() -> TestResult {
    for (ty, other) in KEY_PAIRS {
        let c = door_chain(&format!("trust-deny-{ty}"), ty, other)?;
        let (root, g1, g2) = (c.owner.p(), c.g1.as_str(), c.g2.as_str());
        let g1_record = fs::read(g1)?;
        let parent = Grant::parse(&g1_record)?;
        let base = GrantClaims {
            cti: [7; 16],
            subject: c.guest.public_key()?,
            scope: &[("/door/lock", 4)],
            depth: 0,
            level: 100,
            parent: Some(parent.cti),
            nbf: Some(1000),
            exp: Some(4000),
        };
        let check = |g: &str, now: &str, line: &str| {
            check_chain(
                root,
                &[g1, g],
                &["--request", "/door/lock=PUT", "--now", now],
                line,
            )
        };
        let d = &c.dir;
        for (name, signer, claims, line) in [
            ("ok.grant", &c.family, base, "allow"),
            ("sig.grant", &c.owner, base, "deny: signature"),
            (
                "parent.grant",
                &c.family,
                GrantClaims {
                    parent: Some([1; 16]),
                    ..base
                },
                "deny: parent",
            ),
            (
                "depth.grant",
                &c.family,
                GrantClaims { depth: 1, ..base },
                "deny: depth",
            ),
            (
                "level.grant",
                &c.family,
                GrantClaims { level: 201, ..base },
                "deny: level",
            ),
            (
                "scope.grant",
                &c.family,
                GrantClaims {
                    scope: &[("/door/lock", 4 | 8)],
                    ..base
                },
                "deny: scope",
            ),
            (
                "validity.grant",
                &c.family,
                GrantClaims {
                    exp: Some(5001),
                    ..base
                },
                "deny: validity",
            ),
        ] {
            check(&write_grant(d, name, signer, &claims)?, "2000", line)?;
        }
        check(g2, "4000", "deny: expired")?;
        check(g2, "999", "deny: expired")?;
        let bad = path(d, "malformed.grant")?;
        fs::write(&bad, b"\xd2\x84")?;
        check(&bad, "2000", "deny: malformed")?;
        // A grant file over 512 bytes is malformed, not read whole.
        let mut big = fs::read(g2)?;
        big.resize(4096, 0);
        fs::write(&bad, big)?;
        check(&bad, "2000", "deny: malformed")?;
        let rev = path(d, "r.rev")?;
        stdout_of(&[
            "trust",
            "revoke",
            "--key",
            c.owner.k(),
            "--grant",
            g2,
            "--out",
            &rev,
        ])?;
        let tail = lock_at_2000_after(&rev);
        check_chain(root, &[g1, g2], &tail, "deny: revoked")?;
        for request in ["/door/lock=GET", "/garage=PUT"] {
            let tail = ["--request", request, "--now", "2000"];
            check_chain(root, &[g1, g2], &tail, "deny: not-allowed")?;
        }
        let at_2000 = ["--request", "/door/lock=PUT", "--now", "2000"];
        check_chain(root, &[g1; 9], &at_2000, "deny: too-long")?;
        // Without --now the system clock is used: the window ended in 1970.
        check_chain(
            root,
            &[g1, g2],
            &["--request", "/door/lock=PUT"],
            "deny: expired",
        )?;
        // The wrong root.
        check_chain(c.family.p(), &[g1, g2], &at_2000, "deny: signature")?;
    }
    Ok(())
}

#[test]
fn trust_check_every_single_byte_change_is_denied() -> TestResult {
    let c = door_chain("trust-bytes", "ed25519", "ed25519")?;
    let original = fs::read(&c.g2)?;
    let changed = path(&c.dir, "changed.grant")?;
    // One process per change is slow; every byte with one change each (the crate's tests try
    // all 255 values of every byte).
    for i in 0..original.len() {
        let mut record = original.clone();
        record[i] ^= 0x01 << (i % 8);
        fs::write(&changed, &record)?;
        let run = bulwark(&[
            "trust",
            "check",
            "--root",
            c.owner.p(),
            "--chain",
            &c.g1,
            &changed,
            "--request",
            "/door/lock=PUT",
            "--now",
            "2000",
        ])?;
        assert_eq!(run.code, Some(1), "byte {i}: {}", run.stderr);
        assert!(
            String::from_utf8(run.stdout)?.starts_with("deny: "),
            "byte {i}"
        );
    }
    Ok(())
}
