//! `bulwark trust`: grants the CLI refuses to issue (escalations, exit 2, nothing written) and
//! usage errors of every subcommand.

use crate::common::*;
use crate::trust::{TestKey, door_chain, lock_at_2000_after, path};
use std::path::Path;

#[test]
fn trust_grant_refuses_escalation_and_writes_nothing() -> TestResult {
    let c = door_chain("trust-refuse", "ed25519", "ecdsa-p256")?;
    let out = path(&c.dir, "refused.grant")?;
    let (fam, guest, g1) = (c.family.k(), c.guest.p(), c.g1.as_str());
    let window = ["--not-before", "1000", "--expires", "4000"];
    let cases: [(&str, &[&str], &str); 8] = [
        (fam, &["/door/lock=PUT,DELETE"], "(scope)"),
        (fam, &["/garage=PUT"], "(scope)"),
        (fam, &["/door/lock=PUT", "--depth", "1"], "(depth)"),
        (fam, &["/door/lock=PUT", "--level", "201"], "(level)"),
        (fam, &["/door/lock=PUT", "--expires", "5001"], "(validity)"),
        (
            fam,
            &["/door/lock=PUT", "--not-before", "10", "--expires", "4000"],
            "(validity)",
        ),
        (fam, &["/door/lock=PUT"], "(validity)"),
        (
            c.owner.k(),
            &[&["/door/lock=PUT"][..], &window].concat(),
            "parent grant's subject key",
        ),
    ];
    for (key, scope, needle) in cases {
        let mut full = vec!["trust", "grant", "--key", key, "--subject", guest];
        full.extend(["--parent", g1, "--scope"]);
        full.extend_from_slice(scope);
        full.extend(["--out", &out]);
        assert_fails(&full, 2, needle)?;
        assert!(!Path::new(&out).exists(), "{full:?} wrote a grant");
    }
    // Below a depth-0 grant nothing can be issued.
    let more = TestKey::new(&c.dir, "more", "ed25519")?;
    let mut full = vec![
        "trust",
        "grant",
        "--key",
        c.guest.k(),
        "--subject",
        more.p(),
    ];
    full.extend(["--parent", &c.g2, "--scope", "/door/lock=PUT"]);
    full.extend(window);
    full.extend(["--out", &out]);
    assert_fails(&full, 2, "(depth)")?;
    Ok(())
}

#[test]
fn trust_usage_errors_exit_2() -> TestResult {
    let c = door_chain("trust-usage", "ed25519", "ed25519")?;
    let out = path(&c.dir, "x.grant")?;
    let (k, s, g1) = (c.owner.k(), c.family.p(), c.g1.as_str());
    let grants: [(&str, &[&str], &str); 8] = [
        (k, &["--scope", "/door/lock=OPEN"], "unknown method"),
        (k, &["--scope", "=GET"], "non-empty TOID"),
        (k, &["--scope", "/door/lock"], "TOID=METHODS"),
        (
            k,
            &["--scope", "/a=GET", "--scope", "/a=PUT"],
            "given twice",
        ),
        (k, &["--scope", "/a=GET", "--level", "256"], "--level"),
        (s, &["--scope", "/a=GET"], "private key"),
        (
            k,
            &["--scope", "/a=GET", "--not-before", "5", "--expires", "5"],
            "never be valid",
        ),
        (
            k,
            &["--scope", "/a=GET", "--parent", k],
            "not a valid grant",
        ),
    ];
    let mut cases: Vec<(Vec<&str>, &str)> = grants
        .iter()
        .map(|(key, rest, needle)| {
            let mut args = vec!["trust", "grant", "--key", key, "--subject", s];
            args.extend_from_slice(rest);
            args.extend(["--out", &out]);
            (args, *needle)
        })
        .collect();
    cases.push((
        vec!["trust", "revoke", "--key", k, "--out", &out],
        "--grant",
    ));
    cases.push((
        vec![
            "trust", "revoke", "--key", k, "--cti", "0011", "--out", &out,
        ],
        "grant ids are 16",
    ));
    let checks: [(&[&str], &str); 3] = [
        (
            &[g1, "--request", "/door/lock", "--now", "2000"],
            "TOID=METHODS",
        ),
        (
            &[g1, "--request", "/door/lock=OPEN", "--now", "2000"],
            "unknown method",
        ),
        (
            &["/nonexistent/g", "--request", "/door/lock=PUT"],
            "--chain",
        ),
    ];
    for (rest, needle) in checks {
        let mut args = vec!["trust", "check", "--root", k, "--chain"];
        args.extend_from_slice(rest);
        cases.push((args, needle));
    }
    // A damaged revocation list is an error, even when the chain is malformed too.
    for chain in [g1, k] {
        let mut args = vec!["trust", "check", "--root", k, "--chain", chain];
        args.extend(lock_at_2000_after(g1));
        cases.push((args, "not a valid revocation"));
    }
    cases.push((vec!["trust", "show", k], "not a grant or a revocation"));
    for (args, needle) in cases {
        let run = bulwark(&args)?;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    }
    assert!(!Path::new(&out).exists());
    assert_bare_family_shows_help("trust")?;
    Ok(())
}
