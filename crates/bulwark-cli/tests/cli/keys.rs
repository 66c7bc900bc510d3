//! `bulwark keygen` and `bulwark getpub`: key files and their formats.

use crate::common::*;

#[cfg(unix)]
fn file_mode(path: &std::path::Path) -> Result<u32, Box<dyn Error>> {
    use std::os::unix::fs::PermissionsExt;
    Ok(fs::metadata(path)?.permissions().mode() & 0o777)
}

#[test]
fn keygen_writes_pkcs8_0600_and_refuses_to_overwrite() -> TestResult {
    let dir = scratch_dir("keygen")?;
    for ty in ["ed25519", "ecdsa-p256"] {
        let path = dir.join(format!("{ty}.pem"));
        let p = path_str(&path)?;
        let run = bulwark(&["keygen", "--type", ty, "--out", p])?;
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.is_empty() && run.stderr.is_empty());
        let text = fs::read_to_string(&path)?;
        assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{text}");
        assert!(text.ends_with("-----END PRIVATE KEY-----\n"), "{text}");
        #[cfg(unix)]
        assert_eq!(file_mode(&path)?, 0o600);
        // The DER (via getpub's view of it) and the public key forms agree.
        let der = stdout_of(&["getpub", "--key", p, "--format", "der"])?;
        let raw = stdout_of(&["getpub", "--key", p, "--format", "raw"])?;
        assert!(der.trim_end().ends_with(raw.trim_end()));
        // Never overwritten: exit 2, file unchanged.
        assert_fails(
            &["keygen", "--type", ty, "--out", p],
            2,
            "refusing to overwrite",
        )?;
        assert_eq!(fs::read_to_string(&path)?, text);
        // A second key differs.
        let other = dir.join(format!("{ty}-2.pem"));
        stdout_of(&["keygen", "--type", ty, "--out", path_str(&other)?])?;
        assert_ne!(
            stdout_of(&["getpub", "--key", path_str(&other)?, "--format", "raw"])?,
            raw
        );
    }
    assert_fails(&["keygen", "--type", "rsa", "--out", "x.pem"], 2, "")?;
    let missing_dir = dir.join("no/such/dir/k.pem");
    assert_fails(
        &[
            "keygen",
            "--type",
            "ed25519",
            "--out",
            path_str(&missing_dir)?,
        ],
        2,
        "--out",
    )
}

#[test]
fn getpub_formats_match_the_committed_keys() -> TestResult {
    let dir = scratch_dir("getpub")?;
    for (key, prefix, manifest_file) in [
        (
            "test-key-ed25519.pem",
            "302a300506032b6570032100",
            "ed25519-hash-sc.img",
        ),
        (
            "test-key-ecdsa-p256.pem",
            "3059301306072a8648ce3d020106082a8648ce3d030107034200",
            "ecdsa-p256-hash-sc.img",
        ),
    ] {
        let manifest = mcuboot_manifest()?;
        let entry = manifest
            .iter()
            .find(|r| r.get("file").map(String::as_str) == Some(manifest_file))
            .ok_or("manifest entry missing")?;
        let k = mcuboot(key)?;
        let raw = field(entry, "pubkey")?;
        assert_prints(&["getpub", "--key", &k, "--format", "raw"], raw)?;
        assert_prints(
            &["getpub", "--key", &k, "--format", "der"],
            &format!("{prefix}{raw}"),
        )?;
        // The hash is imgtool's KEYHASH (SHA-256 of the SubjectPublicKeyInfo DER).
        assert_prints(
            &["getpub", "--key", &k, "--format", "hash"],
            field(entry, "keyhash")?,
        )?;
        // pem is the default; the public key file gives the same answers.
        let pem = stdout_of(&["getpub", "--key", &k])?;
        assert_eq!(pem, stdout_of(&["getpub", "--key", &k, "--format", "pem"])?);
        assert!(
            pem.starts_with("-----BEGIN PUBLIC KEY-----\n")
                && pem.ends_with("-----END PUBLIC KEY-----\n")
        );
        let public = dir.join(format!("{key}.pub"));
        fs::write(&public, &pem)?;
        let p = path_str(&public)?;
        assert_prints(&["getpub", "--key", p, "--format", "raw"], raw)?;
        assert_prints(
            &["getpub", "--key", p, "--format", "hash"],
            field(entry, "keyhash")?,
        )?;
        assert_eq!(stdout_of(&["getpub", "--key", p])?, pem);
    }
    // Not a key: exit 2.
    let junk = dir.join("junk.pem");
    fs::write(&junk, "hello\n")?;
    assert_fails(&["getpub", "--key", path_str(&junk)?], 2, "--key")?;
    fs::write(
        &junk,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )?;
    assert_fails(
        &["getpub", "--key", path_str(&junk)?],
        2,
        "unsupported PEM type",
    )?;
    assert_fails(
        &["getpub", "--key", path_str(&dir.join("missing.pem"))?],
        2,
        "--key",
    )?;
    assert_fails(
        &[
            "getpub",
            "--key",
            &mcuboot("test-key-ed25519.pem")?,
            "--format",
            "c",
        ],
        2,
        "",
    )
}
