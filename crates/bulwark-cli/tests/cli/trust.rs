//! `bulwark trust grant|revoke|check|show`: the test keys and the door chain the other
//! `trust_*` modules share, round trips and `trust show`. Every deny reason is in
//! `trust_deny`, refused grants and usage errors in `trust_errors`, interoperability with
//! Python's `cbor2` + `cryptography` in `trust_interop`.

use crate::common::*;
use bulwark::DefaultProvider;
use bulwark::SecretBytes;
use bulwark::sig::{AlgorithmId, EcdsaP256, Ed25519, Sign};
use bulwark_trust::encode::{GrantClaims, IssuerKey, grant_payload, sign_record};
use bulwark_trust::{Grant, PublicKey};
use std::path::Path;

/// The key types of the owner and the family member: each type issues and is issued for.
pub(crate) const KEY_PAIRS: [(&str, &str); 2] =
    [("ed25519", "ecdsa-p256"), ("ecdsa-p256", "ed25519")];

/// A key made by `bulwark keygen`, with its public PEM beside it.
pub(crate) struct TestKey {
    pub(crate) private: PathBuf,
    pub(crate) public: PathBuf,
}

impl TestKey {
    pub(crate) fn new(dir: &Path, name: &str, ty: &str) -> Result<TestKey, Box<dyn Error>> {
        let private = dir.join(format!("{name}.pem"));
        let public = dir.join(format!("{name}.pub.pem"));
        stdout_of(&["keygen", "--type", ty, "--out", path_str(&private)?])?;
        let pem = stdout_of(&["getpub", "--key", path_str(&private)?, "--format", "pem"])?;
        fs::write(&public, pem)?;
        Ok(TestKey { private, public })
    }
    pub(crate) fn k(&self) -> &str {
        self.private.to_str().unwrap_or_default()
    }
    pub(crate) fn p(&self) -> &str {
        self.public.to_str().unwrap_or_default()
    }

    /// Signs `payload` into a record with this key, in-process (for records the CLI refuses
    /// to issue).
    pub(crate) fn sign(&self, payload: &[u8]) -> Result<Vec<u8>, Box<dyn Error>> {
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
    pub(crate) fn public_key(&self) -> Result<PublicKey, Box<dyn Error>> {
        let raw = hex_decode(stdout_of(&["getpub", "--key", self.k(), "--format", "raw"])?.trim());
        let alg = if raw.len() == 32 {
            AlgorithmId::Ed25519
        } else {
            AlgorithmId::EcdsaP256
        };
        Ok(PublicKey::from_raw(alg, &raw)?)
    }
}

pub(crate) fn path(dir: &Path, name: &str) -> Result<String, Box<dyn Error>> {
    Ok(path_str(&dir.join(name))?.to_owned())
}

/// Asserts `trust check` prints exactly `line` and exits with `code` (0 allow, 1 deny).
pub(crate) fn assert_check(args: &[&str], line: &str) -> TestResult {
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

/// Asserts `trust check --root ROOT --chain CHAIN... TAIL...` prints exactly `line`.
pub(crate) fn check_chain(root: &str, chain: &[&str], tail: &[&str], line: &str) -> TestResult {
    let mut args = vec!["--root", root, "--chain"];
    args.extend_from_slice(chain);
    args.extend_from_slice(tail);
    assert_check(&args, line)
}

/// `--revocations REV --request /door/lock=PUT --now 2000`: opening the lock at time 2000
/// with the revocations in `rev`.
pub(crate) fn lock_at_2000_after(rev: &str) -> [&str; 6] {
    let put = "/door/lock=PUT";
    ["--revocations", rev, "--request", put, "--now", "2000"]
}

/// owner -> family (depth 1, level 200, GET+PUT on the lock) -> guest (PUT), written by the CLI.
pub(crate) struct Chain {
    pub(crate) dir: PathBuf,
    pub(crate) owner: TestKey,
    pub(crate) family: TestKey,
    pub(crate) guest: TestKey,
    pub(crate) g1: String,
    pub(crate) g2: String,
}

pub(crate) fn door_chain(name: &str, ty: &str, other: &str) -> Result<Chain, Box<dyn Error>> {
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
    for (ty, other) in KEY_PAIRS {
        let c = door_chain(&format!("trust-round-{ty}"), ty, other)?;
        let (root, g1, g2) = (c.owner.p(), c.g1.as_str(), c.g2.as_str());
        for request in ["/door/lock=PUT", "/door/lock=put"] {
            check_chain(
                root,
                &[g1, g2],
                &["--request", request, "--now", "2000"],
                "allow",
            )?;
        }
        check_chain(
            root,
            &[g1],
            &["--request", "/rules=POST", "--now", "1000"],
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
            let revoke = [
                "trust",
                "revoke",
                "--key",
                key.k(),
                "--grant",
                g2,
                "--seq",
                "7",
            ];
            stdout_of(&[&revoke[..], &["--out", &rev]].concat())?;
            let tail = lock_at_2000_after(&rev);
            check_chain(root, &[g1, g2], &tail, verdict)?;
        }
        // The cascade: revoking the family member's grant by id refuses the guest too; the
        // owner's revocation of the family grant leaves an unrelated chain alone.
        let cti = Grant::parse(&fs::read(g1)?)?.cti;
        let rev = path(&c.dir, "cascade.rev")?;
        let cti_hex = hex(&cti);
        stdout_of(&[
            "trust",
            "revoke",
            "--key",
            c.owner.k(),
            "--cti",
            &cti_hex,
            "--out",
            &rev,
        ])?;
        for chain in [&[g1, g2][..], &[g1]] {
            let tail = lock_at_2000_after(&rev);
            check_chain(root, chain, &tail, "deny: revoked")?;
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
pub(crate) fn write_grant(
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
fn trust_help_lists_the_subcommands() -> TestResult {
    let run = bulwark(&["trust", "--help"])?;
    assert_eq!(run.code, Some(0));
    let text = String::from_utf8(run.stdout)?;
    for sub in ["grant", "revoke", "check", "show"] {
        assert!(text.contains(sub), "{text}");
    }
    Ok(())
}
