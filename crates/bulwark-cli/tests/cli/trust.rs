//! `bulwark trust grant|revoke|check|show`: round trips, every deny reason, refused grants,
//! usage errors, and interoperability with Python's `cbor2` + `cryptography` (a COSE/CBOR
//! implementation independent of ours).

use crate::common::*;
use bulwark::DefaultProvider;
use bulwark::SecretBytes;
use bulwark::sig::{AlgorithmId, EcdsaP256, Ed25519, Sign};
use bulwark_trust::encode::{GrantClaims, IssuerKey, grant_payload, sign_record};
use bulwark_trust::{Grant, PublicKey};
use std::path::Path;

const ALGS: [&str; 2] = ["ed25519", "ecdsa-p256"];

/// A key made by `bulwark keygen`, with its public PEM beside it.
struct TestKey {
    private: PathBuf,
    public: PathBuf,
}

impl TestKey {
    fn new(dir: &Path, name: &str, ty: &str) -> Result<TestKey, Box<dyn Error>> {
        let private = dir.join(format!("{name}.pem"));
        let public = dir.join(format!("{name}.pub.pem"));
        stdout_of(&["keygen", "--type", ty, "--out", path_str(&private)?])?;
        let pem = stdout_of(&["getpub", "--key", path_str(&private)?, "--format", "pem"])?;
        fs::write(&public, pem)?;
        Ok(TestKey { private, public })
    }
    fn k(&self) -> &str {
        self.private.to_str().unwrap_or_default()
    }
    fn p(&self) -> &str {
        self.public.to_str().unwrap_or_default()
    }

    /// Signs `payload` into a record with this key, in-process (for records the CLI refuses
    /// to issue).
    fn sign(&self, payload: &[u8]) -> Result<Vec<u8>, Box<dyn Error>> {
        let text = fs::read(&self.private)?;
        let mut buf = vec![0u8; 2048];
        let (_, der) = pem_rfc7468::decode(&text, &mut buf).map_err(|e| e.to_string())?;
        let parts = bulwark::encoding::parse_pkcs8(der).map_err(|e| e.to_string())?;
        let secret = SecretBytes::<32>::try_from_slice(parts.secret)?;
        let mut p = DefaultProvider::default();
        let mut out = [0u8; 600];
        let n = match parts.algorithm {
            AlgorithmId::Ed25519 => {
                let k = Sign::<Ed25519>::import_signing_key(&mut p, secret)?;
                sign_record(&mut p, &IssuerKey::Ed25519(&k), payload, &mut out)?
            }
            AlgorithmId::EcdsaP256 => {
                let k = Sign::<EcdsaP256>::import_signing_key(&mut p, secret)?;
                sign_record(&mut p, &IssuerKey::EcdsaP256(&k), payload, &mut out)?
            }
        };
        Ok(out[..n].to_vec())
    }

    /// The public key as the trust crate holds it.
    fn public_key(&self) -> Result<PublicKey, Box<dyn Error>> {
        let raw = hex_decode(stdout_of(&["getpub", "--key", self.k(), "--format", "raw"])?.trim());
        let alg = if raw.len() == 32 {
            AlgorithmId::Ed25519
        } else {
            AlgorithmId::EcdsaP256
        };
        Ok(PublicKey::from_raw(alg, &raw)?)
    }
}

fn path(dir: &Path, name: &str) -> Result<String, Box<dyn Error>> {
    Ok(path_str(&dir.join(name))?.to_owned())
}

/// Asserts `trust check` prints exactly `line` and exits with `code` (0 allow, 1 deny).
fn assert_check(args: &[&str], line: &str) -> TestResult {
    let mut full = vec!["trust", "check"];
    full.extend_from_slice(args);
    let run = bulwark(&full)?;
    let code = if line == "allow" { 0 } else { 1 };
    assert_eq!(run.code, Some(code), "{full:?}: {}", run.stderr);
    assert_eq!(
        String::from_utf8(run.stdout)?,
        format!("{line}\n"),
        "{full:?}"
    );
    Ok(())
}

/// owner -> family (depth 1, level 200, GET+PUT on the lock) -> guest (PUT), written by the CLI.
struct Chain {
    dir: PathBuf,
    owner: TestKey,
    family: TestKey,
    guest: TestKey,
    g1: String,
    g2: String,
}

fn door_chain(name: &str, ty: &str, other: &str) -> Result<Chain, Box<dyn Error>> {
    let dir = scratch_dir(name)?;
    let owner = TestKey::new(&dir, "owner", ty)?;
    let family = TestKey::new(&dir, "family", other)?;
    let guest = TestKey::new(&dir, "guest", ty)?;
    let g1 = path(&dir, "family.grant")?;
    let g2 = path(&dir, "guest.grant")?;
    stdout_of(&[
        "trust",
        "grant",
        "--key",
        owner.k(),
        "--subject",
        family.p(),
        "--scope",
        "/door/lock=GET,put",
        "--scope",
        "/rules=POST",
        "--depth",
        "1",
        "--level",
        "200",
        "--not-before",
        "1000",
        "--expires",
        "5000",
        "--out",
        &g1,
    ])?;
    stdout_of(&[
        "trust",
        "grant",
        "--key",
        family.k(),
        "--subject",
        guest.p(),
        "--parent",
        &g1,
        "--scope",
        "/door/lock=PUT",
        "--not-before",
        "1000",
        "--expires",
        "4000",
        "--out",
        &g2,
    ])?;
    Ok(Chain {
        dir,
        owner,
        family,
        guest,
        g1,
        g2,
    })
}

#[test]
fn trust_grant_check_revoke_round_trip() -> TestResult {
    for (ty, other) in [("ed25519", "ecdsa-p256"), ("ecdsa-p256", "ed25519")] {
        let c = door_chain(&format!("trust-round-{ty}"), ty, other)?;
        let (root, g1, g2) = (c.owner.p(), c.g1.as_str(), c.g2.as_str());
        assert_check(
            &[
                "--root",
                root,
                "--chain",
                g1,
                g2,
                "--request",
                "/door/lock=PUT",
                "--now",
                "2000",
            ],
            "allow",
        )?;
        assert_check(
            &[
                "--root",
                root,
                "--chain",
                g1,
                g2,
                "--request",
                "/door/lock=put",
                "--now",
                "2000",
            ],
            "allow",
        )?;
        assert_check(
            &[
                "--root",
                root,
                "--chain",
                g1,
                "--request",
                "/rules=POST",
                "--now",
                "1000",
            ],
            "allow",
        )?;
        // The guest's level defaulted to the parent's.
        let shown = stdout_of(&["trust", "show", g2])?;
        assert!(shown.contains("\"depth\":0,\"level\":200,"), "{shown}");
        // Revocations: by the owner (above), by the family member (the issuer), not by the
        // guest itself or a stranger.
        let stranger = TestKey::new(&c.dir, "stranger", ty)?;
        for (who, key, verdict) in [
            ("owner", &c.owner, "deny: revoked"),
            ("family", &c.family, "deny: revoked"),
            ("guest", &c.guest, "allow"),
            ("stranger", &stranger, "allow"),
        ] {
            let rev = path(&c.dir, &format!("{who}.rev"))?;
            stdout_of(&[
                "trust",
                "revoke",
                "--key",
                key.k(),
                "--grant",
                g2,
                "--seq",
                "7",
                "--out",
                &rev,
            ])?;
            assert_check(
                &[
                    "--root",
                    root,
                    "--chain",
                    g1,
                    g2,
                    "--revocations",
                    &rev,
                    "--request",
                    "/door/lock=PUT",
                    "--now",
                    "2000",
                ],
                verdict,
            )?;
        }
        // The cascade: revoking the family member's grant by id refuses the guest too; the
        // owner's revocation of the family grant leaves an unrelated chain alone.
        let cti = Grant::parse(&fs::read(g1)?)?.cti;
        let rev = path(&c.dir, "cascade.rev")?;
        stdout_of(&[
            "trust",
            "revoke",
            "--key",
            c.owner.k(),
            "--cti",
            &hex(&cti),
            "--out",
            &rev,
        ])?;
        for chain in [vec![g1, g2], vec![g1]] {
            let mut args = vec!["--root", root, "--chain"];
            args.extend(chain);
            args.extend([
                "--revocations",
                &rev,
                "--request",
                "/door/lock=PUT",
                "--now",
                "2000",
            ]);
            assert_check(&args, "deny: revoked")?;
        }
        let shown = stdout_of(&["trust", "show", &rev])?;
        assert!(
            shown.starts_with("{\"type\":\"revocation\",\"alg\":\""),
            "{shown}"
        );
        assert!(
            shown.contains(&format!("\"revokes\":[\"{}\"],\"seq\":0}}", hex(&cti))),
            "{shown}"
        );
    }
    Ok(())
}

#[test]
fn trust_show_prints_every_field() -> TestResult {
    let c = door_chain("trust-show", "ed25519", "ecdsa-p256")?;
    let record = fs::read(&c.g2)?;
    let g = Grant::parse(&record)?;
    let family = c.family.public_key()?;
    let guest = c.guest.public_key()?;
    let kid = family.kid(&mut DefaultProvider::default())?;
    let expected = format!(
        "{{\"type\":\"grant\",\"alg\":\"ES256\",\"kid\":\"{}\",\"cti\":\"{}\",\"parent\":\"{}\",\
         \"depth\":0,\"level\":200,\"scope\":[{{\"toid\":\"/door/lock\",\"methods\":[\"PUT\"]}}],\
         \"nbf\":1000,\"exp\":4000,\"subject\":{{\"type\":\"ed25519\",\"key\":\"{}\"}}}}",
        hex(&kid),
        hex(&g.cti),
        hex(&Grant::parse(&fs::read(&c.g1)?)?.cti),
        hex(guest.raw()),
    );
    assert_prints(&["trust", "show", &c.g2], &expected)?;
    let shown = stdout_of(&["trust", "show", &c.g1])?;
    assert!(
        shown.contains("\"parent\":null,\"depth\":1,\"level\":200,\"scope\":[{\"toid\":\"/door/lock\",\"methods\":[\"GET\",\"PUT\"]},{\"toid\":\"/rules\",\"methods\":[\"POST\"]}],\"nbf\":1000,\"exp\":5000,\"subject\":{\"type\":\"ecdsa-p256\",\"key\":\"04"),
        "{shown}"
    );
    Ok(())
}

/// Builds a grant in-process (for the records the CLI refuses to issue) and writes it.
fn write_grant(
    dir: &Path,
    name: &str,
    signer: &TestKey,
    claims: &GrantClaims<'_>,
) -> Result<String, Box<dyn Error>> {
    let mut payload = [0u8; 600];
    let n = grant_payload(claims, &mut payload)?;
    let out = path(dir, name)?;
    fs::write(&out, signer.sign(&payload[..n])?)?;
    Ok(out)
}

#[test]
fn trust_check_every_deny_reason() -> TestResult {
    for (ty, other) in [("ed25519", "ecdsa-p256"), ("ecdsa-p256", "ed25519")] {
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
            assert_check(
                &[
                    "--root",
                    root,
                    "--chain",
                    g1,
                    g,
                    "--request",
                    "/door/lock=PUT",
                    "--now",
                    now,
                ],
                line,
            )
        };
        let d = &c.dir;
        check(
            &write_grant(d, "ok.grant", &c.family, &base)?,
            "2000",
            "allow",
        )?;
        check(
            &write_grant(d, "sig.grant", &c.owner, &base)?,
            "2000",
            "deny: signature",
        )?;
        check(
            &write_grant(
                d,
                "parent.grant",
                &c.family,
                &GrantClaims {
                    parent: Some([1; 16]),
                    ..base
                },
            )?,
            "2000",
            "deny: parent",
        )?;
        check(
            &write_grant(
                d,
                "depth.grant",
                &c.family,
                &GrantClaims { depth: 1, ..base },
            )?,
            "2000",
            "deny: depth",
        )?;
        check(
            &write_grant(
                d,
                "level.grant",
                &c.family,
                &GrantClaims { level: 201, ..base },
            )?,
            "2000",
            "deny: level",
        )?;
        check(
            &write_grant(
                d,
                "scope.grant",
                &c.family,
                &GrantClaims {
                    scope: &[("/door/lock", 4 | 8)],
                    ..base
                },
            )?,
            "2000",
            "deny: scope",
        )?;
        check(
            &write_grant(
                d,
                "validity.grant",
                &c.family,
                &GrantClaims {
                    exp: Some(5001),
                    ..base
                },
            )?,
            "2000",
            "deny: validity",
        )?;
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
        assert_check(
            &[
                "--root",
                root,
                "--chain",
                g1,
                g2,
                "--revocations",
                &rev,
                "--request",
                "/door/lock=PUT",
                "--now",
                "2000",
            ],
            "deny: revoked",
        )?;
        assert_check(
            &[
                "--root",
                root,
                "--chain",
                g1,
                g2,
                "--request",
                "/door/lock=GET",
                "--now",
                "2000",
            ],
            "deny: not-allowed",
        )?;
        assert_check(
            &[
                "--root",
                root,
                "--chain",
                g1,
                g2,
                "--request",
                "/garage=PUT",
                "--now",
                "2000",
            ],
            "deny: not-allowed",
        )?;
        let nine = [g1; 9];
        let mut args = vec!["--root", root, "--chain"];
        args.extend(nine);
        args.extend(["--request", "/door/lock=PUT", "--now", "2000"]);
        assert_check(&args, "deny: too-long")?;
        // Without --now the system clock is used: the window ended in 1970.
        assert_check(
            &[
                "--root",
                root,
                "--chain",
                g1,
                g2,
                "--request",
                "/door/lock=PUT",
            ],
            "deny: expired",
        )?;
        // The wrong root.
        assert_check(
            &[
                "--root",
                c.family.p(),
                "--chain",
                g1,
                g2,
                "--request",
                "/door/lock=PUT",
                "--now",
                "2000",
            ],
            "deny: signature",
        )?;
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

#[test]
fn trust_grant_refuses_escalation_and_writes_nothing() -> TestResult {
    let c = door_chain("trust-refuse", "ed25519", "ecdsa-p256")?;
    let out = path(&c.dir, "refused.grant")?;
    let (fam, guest, g1) = (c.family.k(), c.guest.p(), c.g1.as_str());
    let cases: [(&[&str], &str); 8] = [
        (
            &[
                "--key",
                fam,
                "--subject",
                guest,
                "--parent",
                g1,
                "--scope",
                "/door/lock=PUT,DELETE",
            ],
            "(scope)",
        ),
        (
            &[
                "--key",
                fam,
                "--subject",
                guest,
                "--parent",
                g1,
                "--scope",
                "/garage=PUT",
            ],
            "(scope)",
        ),
        (
            &[
                "--key",
                fam,
                "--subject",
                guest,
                "--parent",
                g1,
                "--scope",
                "/door/lock=PUT",
                "--depth",
                "1",
            ],
            "(depth)",
        ),
        (
            &[
                "--key",
                fam,
                "--subject",
                guest,
                "--parent",
                g1,
                "--scope",
                "/door/lock=PUT",
                "--level",
                "201",
            ],
            "(level)",
        ),
        (
            &[
                "--key",
                fam,
                "--subject",
                guest,
                "--parent",
                g1,
                "--scope",
                "/door/lock=PUT",
                "--expires",
                "5001",
            ],
            "(validity)",
        ),
        (
            &[
                "--key",
                fam,
                "--subject",
                guest,
                "--parent",
                g1,
                "--scope",
                "/door/lock=PUT",
                "--not-before",
                "10",
                "--expires",
                "4000",
            ],
            "(validity)",
        ),
        (
            &[
                "--key",
                fam,
                "--subject",
                guest,
                "--parent",
                g1,
                "--scope",
                "/door/lock=PUT",
            ],
            "(validity)",
        ),
        (
            &[
                "--key",
                c.owner.k(),
                "--subject",
                guest,
                "--parent",
                g1,
                "--scope",
                "/door/lock=PUT",
                "--not-before",
                "1000",
                "--expires",
                "4000",
            ],
            "parent grant's subject key",
        ),
    ];
    for (args, needle) in cases {
        let mut full = vec!["trust", "grant"];
        full.extend_from_slice(args);
        full.extend(["--out", &out]);
        assert_fails(&full, 2, needle)?;
        assert!(!Path::new(&out).exists(), "{args:?} wrote a grant");
    }
    // Below a depth-0 grant nothing can be issued.
    let more = TestKey::new(&c.dir, "more", "ed25519")?;
    assert_fails(
        &[
            "trust",
            "grant",
            "--key",
            c.guest.k(),
            "--subject",
            more.p(),
            "--parent",
            &c.g2,
            "--scope",
            "/door/lock=PUT",
            "--not-before",
            "1000",
            "--expires",
            "4000",
            "--out",
            &out,
        ],
        2,
        "(depth)",
    )?;
    Ok(())
}

#[test]
fn trust_usage_errors_exit_2() -> TestResult {
    let c = door_chain("trust-usage", "ed25519", "ed25519")?;
    let out = path(&c.dir, "x.grant")?;
    let (k, s) = (c.owner.k(), c.family.p());
    for (args, needle) in [
        (
            vec![
                "trust",
                "grant",
                "--key",
                k,
                "--subject",
                s,
                "--scope",
                "/door/lock=OPEN",
                "--out",
                &out,
            ],
            "unknown method",
        ),
        (
            vec![
                "trust",
                "grant",
                "--key",
                k,
                "--subject",
                s,
                "--scope",
                "=GET",
                "--out",
                &out,
            ],
            "non-empty TOID",
        ),
        (
            vec![
                "trust",
                "grant",
                "--key",
                k,
                "--subject",
                s,
                "--scope",
                "/door/lock",
                "--out",
                &out,
            ],
            "TOID=METHODS",
        ),
        (
            vec![
                "trust",
                "grant",
                "--key",
                k,
                "--subject",
                s,
                "--scope",
                "/a=GET",
                "--scope",
                "/a=PUT",
                "--out",
                &out,
            ],
            "given twice",
        ),
        (
            vec![
                "trust",
                "grant",
                "--key",
                k,
                "--subject",
                s,
                "--scope",
                "/a=GET",
                "--level",
                "256",
                "--out",
                &out,
            ],
            "--level",
        ),
        (
            vec![
                "trust",
                "grant",
                "--key",
                s,
                "--subject",
                s,
                "--scope",
                "/a=GET",
                "--out",
                &out,
            ],
            "private key",
        ),
        (
            vec![
                "trust",
                "grant",
                "--key",
                k,
                "--subject",
                s,
                "--scope",
                "/a=GET",
                "--not-before",
                "5",
                "--expires",
                "5",
                "--out",
                &out,
            ],
            "never be valid",
        ),
        (
            vec![
                "trust",
                "grant",
                "--key",
                k,
                "--subject",
                s,
                "--scope",
                "/a=GET",
                "--parent",
                k,
                "--out",
                &out,
            ],
            "not a valid grant",
        ),
        (
            vec!["trust", "revoke", "--key", k, "--out", &out],
            "--grant",
        ),
        (
            vec![
                "trust", "revoke", "--key", k, "--cti", "0011", "--out", &out,
            ],
            "grant ids are 16",
        ),
        (
            vec![
                "trust",
                "check",
                "--root",
                k,
                "--chain",
                &c.g1,
                "--request",
                "/door/lock",
                "--now",
                "2000",
            ],
            "TOID=METHODS",
        ),
        (
            vec![
                "trust",
                "check",
                "--root",
                k,
                "--chain",
                &c.g1,
                "--request",
                "/door/lock=OPEN",
                "--now",
                "2000",
            ],
            "unknown method",
        ),
        (
            vec![
                "trust",
                "check",
                "--root",
                k,
                "--chain",
                &c.g1,
                "--revocations",
                &c.g1,
                "--request",
                "/door/lock=PUT",
                "--now",
                "2000",
            ],
            "not a valid revocation",
        ),
        // A damaged revocation list is an error even when the chain is malformed too.
        (
            vec![
                "trust",
                "check",
                "--root",
                k,
                "--chain",
                k,
                "--revocations",
                &c.g1,
                "--request",
                "/door/lock=PUT",
                "--now",
                "2000",
            ],
            "not a valid revocation",
        ),
        (
            vec![
                "trust",
                "check",
                "--root",
                k,
                "--chain",
                "/nonexistent/g",
                "--request",
                "/door/lock=PUT",
            ],
            "--chain",
        ),
        (vec!["trust", "show", k], "not a grant or a revocation"),
    ] {
        let run = bulwark(&args)?;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    }
    assert!(!Path::new(&out).exists());
    assert_bare_family_shows_help("trust")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Interoperability with Python's cbor2 + cryptography.

/// `python3` when it has `cbor2` and `cryptography`, or `None` after saying why the test is
/// skipped; a missing module fails the test when `BULWARK_REQUIRE_IMGTOOL` is set (CI).
#[allow(clippy::panic)] // a missing tool in CI fails the test run
fn python(test: &str) -> Option<&'static str> {
    let ok = Command::new("python3")
        .args(["-c", "import cbor2, cryptography"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        return Some("python3");
    }
    if std::env::var_os("BULWARK_REQUIRE_IMGTOOL").is_some() {
        panic!(
            "{test}: python3 with cbor2 and cryptography is not on PATH but BULWARK_REQUIRE_IMGTOOL is set"
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: python3 with cbor2 and cryptography is not on PATH (CI installs them \
         into target/ci-tools/venv)"
    );
    None
}

/// The independent implementation: `verify RECORD ISSUER_PUB` prints the decoded claims as
/// `key=value` lines after checking the COSE_Sign1 (tag, headers, kid, signature);
/// `grant`/`revoke` write records the way another implementation would (claims in a
/// non-deterministic order).
const COSE_PY: &str = r#"
import sys, hashlib, cbor2, os
from cryptography.hazmat.primitives import serialization, hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

def raw_public(pub):
    if isinstance(pub, ed25519.Ed25519PublicKey):
        return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

def load_pub(path):
    data = open(path, 'rb').read()
    try:
        return serialization.load_pem_public_key(data)
    except ValueError:
        return serialization.load_pem_private_key(data, None).public_key()

def verify(record_path, pub_path):
    pub = load_pub(pub_path)
    obj = cbor2.loads(open(record_path, 'rb').read())
    assert isinstance(obj, cbor2.CBORTag) and obj.tag == 18, 'not a tagged COSE_Sign1'
    protected, unprotected, payload, sig = obj.value
    alg = cbor2.loads(protected)[1]
    kid = hashlib.sha256(raw_public(pub)).digest()[:8]
    assert unprotected == {4: kid}, 'kid'
    tbs = cbor2.dumps(['Signature1', protected, b'', payload])
    if isinstance(pub, ed25519.Ed25519PublicKey):
        assert alg == -8
        pub.verify(sig, tbs)
    else:
        assert alg == -7 and len(sig) == 64
        der = utils.encode_dss_signature(int.from_bytes(sig[:32], 'big'), int.from_bytes(sig[32:], 'big'))
        pub.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
    claims = cbor2.loads(payload)
    # Deterministic encoding: re-encoding with sorted keys gives the same bytes.
    assert cbor2.dumps(claims, canonical=True) == payload, 'not deterministic'
    print('alg=%d' % alg)
    for k in claims:  # in encoded order
        v = claims[k]
        if k == 8:
            key = v[1]
            if key[1] == 1:
                assert set(key) == {1, -1, -2} and key[-1] == 6
                v = 'okp:' + key[-2].hex()
            else:
                assert set(key) == {1, -1, -2, -3} and key[-1] == 1
                v = 'ec2:04' + key[-2].hex() + key[-3].hex()
        elif k == 9:
            v = ';'.join('%s=%d' % (t, p) for t, p in v)
        elif k == -65540:
            v = ';'.join(c.hex() for c in v)
        elif isinstance(v, bytes):
            v = v.hex()
        print('%d=%s' % (k, v))

def cose_key(pub):
    raw = raw_public(pub)
    if isinstance(pub, ed25519.Ed25519PublicKey):
        return {1: 1, -1: 6, -2: raw}
    return {1: 2, -1: 1, -2: raw[1:33], -3: raw[33:]}

def sign(key_path, claims, out_path):
    key = serialization.load_pem_private_key(open(key_path, 'rb').read(), None)
    pub = key.public_key()
    ed = isinstance(key, ed25519.Ed25519PrivateKey)
    protected = cbor2.dumps({1: -8 if ed else -7})
    payload = cbor2.dumps(claims)  # in the given (non-deterministic) order
    tbs = cbor2.dumps(['Signature1', protected, b'', payload])
    if ed:
        sig = key.sign(tbs)
    else:
        r, s = utils.decode_dss_signature(key.sign(tbs, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, 'big') + s.to_bytes(32, 'big')
    kid = hashlib.sha256(raw_public(pub)).digest()[:8]
    rec = cbor2.dumps(cbor2.CBORTag(18, [protected, {4: kid}, payload, sig]))
    open(out_path, 'wb').write(rec)

def grant(key_path, subject_path, cti_hex, parent_hex, depth, level, scope, out_path):
    claims = {}
    claims[-65539] = int(level)  # level first: any key order must be read
    claims[9] = [[t, int(p)] for t, p in (e.split('=') for e in scope.split(';'))]
    claims[7] = bytes.fromhex(cti_hex)
    claims[8] = {1: cose_key(load_pub(subject_path))}
    if parent_hex != '-':
        claims[-65538] = bytes.fromhex(parent_hex)
    claims[-65537] = int(depth)
    sign(key_path, claims, out_path)

def revoke(key_path, ctis, seq, out_path):
    sign(key_path, {-65541: int(seq), -65540: [bytes.fromhex(c) for c in ctis.split(';')], 7: os.urandom(16)}, out_path)

cmd = sys.argv[1]
if cmd == 'verify':
    verify(*sys.argv[2:])
elif cmd == 'grant':
    grant(*sys.argv[2:])
elif cmd == 'revoke':
    revoke(*sys.argv[2:])
"#;

fn py(python: &str, script: &Path, args: &[&str]) -> Result<String, Box<dyn Error>> {
    let out = Command::new(python).arg(script).args(args).output()?;
    assert!(
        out.status.success(),
        "python {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

#[test]
fn interop_python_verifies_cli_records() -> TestResult {
    let Some(python) = python("interop_python_verifies_cli_records") else {
        return Ok(());
    };
    for (ty, other) in [("ed25519", "ecdsa-p256"), ("ecdsa-p256", "ed25519")] {
        let c = door_chain(&format!("trust-py-verify-{ty}"), ty, other)?;
        let script = c.dir.join("cose.py");
        fs::write(&script, COSE_PY)?;
        let (r1, r2) = (fs::read(&c.g1)?, fs::read(&c.g2)?);
        let g1 = Grant::parse(&r1)?;
        let g2 = Grant::parse(&r2)?;
        let key_claim = |k: &TestKey| -> Result<String, Box<dyn Error>> {
            let pk = k.public_key()?;
            Ok(match pk.algorithm() {
                AlgorithmId::Ed25519 => format!("okp:{}", hex(pk.raw())),
                AlgorithmId::EcdsaP256 => format!("ec2:{}", hex(pk.raw())),
            })
        };
        let alg = |t: &str| if t == "ed25519" { -8 } else { -7 };
        assert_eq!(
            py(python, &script, &["verify", &c.g1, c.owner.p()])?,
            format!(
                "alg={}\n4=5000\n5=1000\n7={}\n8={}\n9=/door/lock=5;/rules=2\n-65537=1\n-65539=200\n",
                alg(ty),
                hex(&g1.cti),
                key_claim(&c.family)?
            ),
        );
        assert_eq!(
            py(python, &script, &["verify", &c.g2, c.family.p()])?,
            format!(
                "alg={}\n4=4000\n5=1000\n7={}\n8={}\n9=/door/lock=4\n-65537=0\n-65538={}\n-65539=200\n",
                alg(other),
                hex(&g2.cti),
                key_claim(&c.guest)?,
                hex(&g1.cti)
            ),
        );
        let rev = path(&c.dir, "r.rev")?;
        stdout_of(&[
            "trust",
            "revoke",
            "--key",
            c.family.k(),
            "--grant",
            &c.g2,
            "--cti",
            &"ab".repeat(16),
            "--seq",
            "42",
            "--out",
            &rev,
        ])?;
        let out = py(python, &script, &["verify", &rev, c.family.p()])?;
        assert!(out.starts_with(&format!("alg={}\n7=", alg(other))), "{out}");
        assert!(
            out.ends_with(&format!(
                "\n-65540={};{}\n-65541=42\n",
                hex(&g2.cti),
                "ab".repeat(16)
            )),
            "{out}"
        );
        // The independent verifier refuses a record under the wrong key.
        let wrong = Command::new(python)
            .arg(&script)
            .args(["verify", &c.g2, c.owner.p()])
            .output()?;
        assert!(!wrong.status.success());
    }
    Ok(())
}

#[test]
fn interop_cli_checks_python_records() -> TestResult {
    let Some(python) = python("interop_cli_checks_python_records") else {
        return Ok(());
    };
    for (ty, other) in [("ed25519", "ecdsa-p256"), ("ecdsa-p256", "ed25519")] {
        let dir = scratch_dir(&format!("trust-py-make-{ty}"))?;
        let script = dir.join("cose.py");
        fs::write(&script, COSE_PY)?;
        let owner = TestKey::new(&dir, "owner", ty)?;
        let family = TestKey::new(&dir, "family", other)?;
        let guest = TestKey::new(&dir, "guest", ty)?;
        let (g1, g2, rev) = (path(&dir, "g1")?, path(&dir, "g2")?, path(&dir, "rev")?);
        let (c1, c2) = ("11".repeat(16), "22".repeat(16));
        py(
            python,
            &script,
            &[
                "grant",
                owner.k(),
                family.p(),
                &c1,
                "-",
                "1",
                "200",
                "/door/lock=5;/rules=2",
                &g1,
            ],
        )?;
        py(
            python,
            &script,
            &[
                "grant",
                family.k(),
                guest.p(),
                &c2,
                &c1,
                "0",
                "100",
                "/door/lock=4",
                &g2,
            ],
        )?;
        assert_check(
            &[
                "--root",
                owner.p(),
                "--chain",
                &g1,
                &g2,
                "--request",
                "/door/lock=PUT",
            ],
            "allow",
        )?;
        assert_check(
            &[
                "--root",
                owner.p(),
                "--chain",
                &g1,
                &g2,
                "--request",
                "/door/lock=GET",
            ],
            "deny: not-allowed",
        )?;
        let shown = stdout_of(&["trust", "show", &g2])?;
        assert!(
            shown.contains(&format!(
                "\"cti\":\"{c2}\",\"parent\":\"{c1}\",\"depth\":0,\"level\":100,"
            )),
            "{shown}"
        );
        // Python's revocations, by the owner (above the guest's grant) and by the guest.
        py(
            python,
            &script,
            &[
                "revoke",
                owner.k(),
                &format!("{};{c2}", "33".repeat(16)),
                "9",
                &rev,
            ],
        )?;
        assert_check(
            &[
                "--root",
                owner.p(),
                "--chain",
                &g1,
                &g2,
                "--revocations",
                &rev,
                "--request",
                "/door/lock=PUT",
            ],
            "deny: revoked",
        )?;
        assert_check(
            &[
                "--root",
                owner.p(),
                "--chain",
                &g1,
                "--revocations",
                &rev,
                "--request",
                "/rules=POST",
            ],
            "allow",
        )?;
        py(python, &script, &["revoke", guest.k(), &c2, "1", &rev])?;
        assert_check(
            &[
                "--root",
                owner.p(),
                "--chain",
                &g1,
                &g2,
                "--revocations",
                &rev,
                "--request",
                "/door/lock=PUT",
            ],
            "allow",
        )?;
        // Python's escalation attempts are refused too.
        py(
            python,
            &script,
            &[
                "grant",
                family.k(),
                guest.p(),
                &c2,
                &c1,
                "0",
                "201",
                "/door/lock=4",
                &g2,
            ],
        )?;
        assert_check(
            &[
                "--root",
                owner.p(),
                "--chain",
                &g1,
                &g2,
                "--request",
                "/door/lock=PUT",
            ],
            "deny: level",
        )?;
        py(
            python,
            &script,
            &[
                "grant",
                family.k(),
                guest.p(),
                &c2,
                &c1,
                "1",
                "100",
                "/door/lock=4",
                &g2,
            ],
        )?;
        assert_check(
            &[
                "--root",
                owner.p(),
                "--chain",
                &g1,
                &g2,
                "--request",
                "/door/lock=PUT",
            ],
            "deny: depth",
        )?;
        py(
            python,
            &script,
            &[
                "grant",
                family.k(),
                guest.p(),
                &c2,
                &c1,
                "0",
                "100",
                "/door/lock=12",
                &g2,
            ],
        )?;
        assert_check(
            &[
                "--root",
                owner.p(),
                "--chain",
                &g1,
                &g2,
                "--request",
                "/door/lock=PUT",
            ],
            "deny: scope",
        )?;
        py(
            python,
            &script,
            &[
                "grant",
                owner.k(),
                guest.p(),
                &c2,
                &c1,
                "0",
                "100",
                "/door/lock=4",
                &g2,
            ],
        )?;
        assert_check(
            &[
                "--root",
                owner.p(),
                "--chain",
                &g1,
                &g2,
                "--request",
                "/door/lock=PUT",
            ],
            "deny: signature",
        )?;
    }
    Ok(())
}

#[test]
fn trust_help_lists_the_subcommands() -> TestResult {
    let run = bulwark(&["trust", "--help"])?;
    assert_eq!(run.code, Some(0));
    let text = String::from_utf8(run.stdout)?;
    for sub in ["grant", "revoke", "check", "show"] {
        assert!(text.contains(sub), "{text}");
    }
    let _ = ALGS;
    Ok(())
}
