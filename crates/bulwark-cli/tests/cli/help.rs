//! `--help` of every command documents the contract.

use crate::common::*;

#[test]
fn help_documents_the_contract() -> TestResult {
    for args in [
        &["--help"][..],
        &["ccm", "--help"],
        &["ccm", "seal", "--help"],
        &["ccm", "open", "--help"],
        &["cmac", "--help"],
        &["ctr", "--help"],
        &["x25519", "--help"],
        &["x25519", "pub", "--help"],
        &["ecdh-p256", "--help"],
        &["ecdh-p256", "pub", "--help"],
        &["hkdf", "--help"],
        &["psk", "--help"],
        &["psk", "new", "--help"],
        &["psk", "derive", "--help"],
        &["oscore", "--help"],
        &["oscore", "context", "--help"],
    ] {
        let run = bulwark(args)?;
        assert_eq!(run.code, Some(0), "{args:?}");
        let text = String::from_utf8(run.stdout)?;
        assert!(text.contains("Exit codes:"), "{args:?}");
        assert!(text.contains("case-insensitive"), "{args:?}");
    }
    let run = bulwark(&["ccm", "seal", "--help"])?;
    let text = String::from_utf8(run.stdout)?;
    for needle in [
        "--key",
        "--nonce",
        "--tag-len",
        "--aad",
        "--star",
        "--msg",
        "--in",
        "--out",
    ] {
        assert!(text.contains(needle), "ccm seal --help lacks {needle}");
    }
    for (args, needles) in [
        (
            &["--help"][..],
            &["x25519", "ecdh-p256", "hkdf", "psk", "oscore"][..],
        ),
        (
            &["x25519", "--help"],
            &["x25519 pub", "--secret", "--peer", "exit code 1"],
        ),
        (
            &["ecdh-p256", "--help"],
            &["ecdh-p256 pub", "--compressed", "--peer", "exit code 1"],
        ),
        (
            &["ecdh-p256", "pub", "--help"],
            &["--secret", "--compressed"],
        ),
        (
            &["hkdf", "--help"],
            &["--ikm", "--salt", "--info", "--len", "8160"],
        ),
        (
            &["psk", "derive", "--help"],
            &["--code", "--secret", "--device-id", "--epoch"],
        ),
        (
            &["psk", "derive", "--help"],
            &["identity: HEX", "link-key: HEX", "storage-key: HEX"],
        ),
        (
            &["oscore", "context", "--help"],
            &[
                "--master-secret",
                "--master-salt",
                "--sender-id",
                "--recipient-id",
                "--id-context",
                "sender-key: HEX",
                "recipient-key: HEX",
                "common-iv: HEX",
            ],
        ),
    ] {
        let run = bulwark(args)?;
        let text = String::from_utf8(run.stdout)?;
        for needle in needles {
            assert!(text.contains(needle), "{args:?} lacks {needle}");
        }
    }
    Ok(())
}
